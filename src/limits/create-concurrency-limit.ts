import { BotError } from '../errors.js';

/** Gives the slot back. Idempotent. */
export type Release = () => void;

/** Told once when a request has to wait: its place in the queue (1 = next) and how many run now. */
export type OnQueued = (state: { position: number; running: number }) => void;

export interface ConcurrencyLimit {
  /** Resolves with a release once a slot is free; waits in FIFO order. Rejects if `signal` aborts while waiting. */
  acquire(onQueued?: OnQueued, signal?: AbortSignal): Promise<Release>;
  /** A release when a slot is free now, else null. */
  tryAcquire(): Release | null;
  readonly running: number;
  readonly waiting: number;
}

/** Creates a FIFO semaphore of `limit` slots whose waiters can show "waiting (2 ahead)". */
export function createConcurrencyLimit(limit: number): ConcurrencyLimit {
  if (!Number.isInteger(limit) || limit < 1) throw new BotError('config_invalid', `A concurrency limit must be a positive integer (got ${limit}).`);
  let running = 0;
  const queue: { grant: () => void }[] = [];

  const makeRelease = (): Release => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = queue.shift();
      // Hand the slot straight to the next waiter, so `running` never dips and nobody can jump the queue.
      if (next !== undefined) next.grant();
      else running -= 1;
    };
  };

  return {
    acquire(onQueued, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      if (running < limit && queue.length === 0) {
        running += 1;
        return Promise.resolve(makeRelease());
      }
      return new Promise<Release>((resolve, reject) => {
        const onAbort = (): void => {
          const i = queue.indexOf(waiter);
          if (i >= 0) queue.splice(i, 1);
          reject(signal?.reason);
        };
        const waiter = {
          grant: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve(makeRelease());
          },
        };
        queue.push(waiter);
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          onQueued?.({ position: queue.length, running });
        } catch {
          // A failing "waiting…" message must not lose the place in the queue.
        }
      });
    },
    tryAcquire() {
      if (running < limit && queue.length === 0) {
        running += 1;
        return makeRelease();
      }
      return null;
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}
