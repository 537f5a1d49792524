import type { HostConfig } from '../config/host-config.js';
import { asBotError } from '../errors.js';
import type { Transport } from '../transport/types.js';
import { runStatus } from '../workerman/run-status.js';
import { runSample } from './run-sample.js';
import { failedStatusSnapshot, toStatusSnapshot } from './status-snapshot.js';
import type { StatusTrigger, WatchSample } from './types.js';

/** What takeWatchSample needs besides the transport and the host. */
export interface TakeWatchSampleOptions {
  /** The /proc sample's own time limit (`hostTimeoutMs`). */
  timeoutMs: number;
  signal: AbortSignal;
  now: () => number;
  /** Whether Workerman's status is due after this /proc sample, and why; null when not. */
  statusDue: (sample: WatchSample) => StatusTrigger | null;
  /** Told before status runs, with why it runs. */
  onStatusRun: (trigger: StatusTrigger) => void;
}

/**
 * The /proc sample, and Workerman's status when it is due. A failed status is kept in the sample (its
 * code and message); only an abort by `signal` rejects.
 */
export async function takeWatchSample(transport: Transport, host: HostConfig, opts: TakeWatchSampleOptions): Promise<WatchSample> {
  const { signal, now } = opts;
  const sample = await runSample(transport, host, { timeoutMs: opts.timeoutMs, signal, now });
  const trigger = opts.statusDue(sample);
  if (trigger === null) return sample;
  opts.onStatusRun(trigger);
  const t = now();
  try {
    const run = await runStatus(transport, host, { signal });
    return { ...sample, status: toStatusSnapshot(run.status, t, trigger) };
  } catch (error) {
    if (signal.aborted) throw error;
    return { ...sample, status: failedStatusSnapshot(asBotError(error), t, trigger) };
  }
}
