import { BotError } from '../errors.js';
import { createConcurrencyLimit, type OnQueued, type Release } from './create-concurrency-limit.js';

export interface TraceCap {
  /** Waits for a free trace slot (FIFO), calling `onQueued` once if it has to wait. */
  acquire(onQueued?: OnQueued, signal?: AbortSignal): Promise<Release>;
  /** A slot now, or BotError `trace_busy` saying how many traces run. */
  acquireNow(): Release;
  readonly running: number;
  readonly waiting: number;
}

/** Creates the global cap on traces running at once across all hosts (`limits.maxConcurrentTraces`). */
export function createTraceCap(maxConcurrent: number): TraceCap {
  const limit = createConcurrencyLimit(maxConcurrent);
  return {
    acquire: (onQueued, signal) => limit.acquire(onQueued, signal),
    acquireNow() {
      const release = limit.tryAcquire();
      if (release === null) {
        throw new BotError(
          'trace_busy',
          `${limit.running} trace${limit.running === 1 ? ' is' : 's are'} already running (at most ${maxConcurrent} at once, limits.maxConcurrentTraces). Try again when one finishes.`,
        );
      }
      return release;
    },
    get running() {
      return limit.running;
    },
    get waiting() {
      return limit.waiting;
    },
  };
}
