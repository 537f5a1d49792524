import type { OnQueued } from '../limits/create-concurrency-limit.js';
import type { HostQueue } from '../limits/create-host-queue.js';

/**
 * Returns what `work` returns, run once `host` has a free slot in the host queue (`onQueued` is told
 * when it must wait, to say so), the slot freed however `work` ends. A stop (`signal`) while waiting
 * or before `work` starts rejects with the signal's reason.
 */
export async function runOnHost<T>(queue: HostQueue, host: string, work: () => Promise<T>, opts: { signal: AbortSignal; onQueued?: OnQueued }): Promise<T> {
  const release = await queue.acquire(host, opts.onQueued, opts.signal);
  try {
    opts.signal.throwIfAborted();
    return await work();
  } finally {
    release();
  }
}
