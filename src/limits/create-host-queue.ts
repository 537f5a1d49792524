import { createConcurrencyLimit, type ConcurrencyLimit, type OnQueued, type Release } from './create-concurrency-limit.js';

export interface HostQueue {
  /**
   * Resolves with a release when `host` has a free slot. When it must wait, `onQueued` is called once
   * (show "waiting for 1 command on web-1…"); nothing fails because a host is busy.
   */
  acquire(host: string, onQueued?: OnQueued, signal?: AbortSignal): Promise<Release>;
  /** What is running and waiting on `host` now. */
  stateOf(host: string): { running: number; waiting: number };
}

/** Creates per-host FIFO queues; `limitFor(host)` slots per host (e.g. `limits.perHostConcurrency`). */
export function createHostQueue(limitFor: number | ((host: string) => number)): HostQueue {
  const limits = new Map<string, ConcurrencyLimit>();
  const limitOf = (host: string): ConcurrencyLimit => {
    let limit = limits.get(host);
    if (limit === undefined) {
      limit = createConcurrencyLimit(typeof limitFor === 'number' ? limitFor : limitFor(host));
      limits.set(host, limit);
    }
    return limit;
  };
  return {
    async acquire(host, onQueued, signal) {
      const limit = limitOf(host);
      const release = await limit.acquire(onQueued, signal);
      return () => {
        release();
        // Idle hosts are forgotten so the map holds only hosts with work.
        if (limit.running === 0 && limit.waiting === 0 && limits.get(host) === limit) limits.delete(host);
      };
    },
    stateOf(host) {
      const limit = limits.get(host);
      return { running: limit?.running ?? 0, waiting: limit?.waiting ?? 0 };
    },
  };
}
