import type { HostConfig } from '../config/schema.js';
import { BotError, oneLine } from '../errors.js';
import type { Transport } from '../transport/types.js';
import { listWorkermanProcesses, selectAppProcesses, soleRunningApp } from './workerman-processes.js';

/** What one trace request names: the pids to attach to, and the worker they were picked by (if any). */
export interface TraceTargets {
  pids: number[];
  workerName: string | null;
}

/** A worker name as Workerman titles show it: one word, printable. */
const WORKER_NAME = /^[^\s\u0000-\u001f\u007f]{1,128}$/;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Resolves what a person typed after `trace <host>`: a pid goes to the host helper as it is (the helper
 * checks it against /proc: a Workerman process of the app, orphans included); a worker name becomes the
 * pids of that worker's processes, from /proc on the host. Never runs Workerman's `status`, which
 * signals every worker (and so cuts a `sleep()` in a handler short).
 */
export async function resolveTraceTargets(transport: Transport, host: HostConfig, target: string, opts: { signal?: AbortSignal } = {}): Promise<TraceTargets> {
  const text = target.trim();
  if (/^\d{1,7}$/.test(text)) return { pids: [Number(text)], workerName: null };
  if (!WORKER_NAME.test(text)) {
    throw new BotError('input_invalid', `"${oneLine(text, 40)}" is neither a pid nor a worker name.`);
  }
  const processes = await listWorkermanProcesses(transport, host, {
    timeoutMs: host.ssh?.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const app = selectAppProcesses(processes, host.workerman.startFile ?? soleRunningApp(processes, host.name));
  const candidates = [...app.workers, ...app.orphans];
  const pids = candidates.filter((p) => p.workerName === text).map((p) => p.pid).sort((a, b) => a - b);
  if (pids.length === 0) {
    const names = [...new Set(candidates.map((p) => p.workerName).filter((n): n is string => n !== null))].sort();
    throw new BotError('input_invalid', `"${oneLine(text, 64)}" is neither a pid nor a worker of ${host.name} (workers: ${names.length > 0 ? names.join(', ') : 'none running'}).`, {
      details: { host: host.name, workers: names },
    });
  }
  return { pids, workerName: text };
}
