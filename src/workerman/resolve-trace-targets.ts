import type { HostConfig } from '../config/host-config.js';
import { BotError, oneLine } from '../errors.js';
import { MAX_PID } from '../strace/trace-args.js';
import type { Transport } from '../transport/types.js';
import { listWorkermanProcesses, selectAppProcesses, soleRunningApp } from './workerman-processes.js';

/** What one trace request names: the pids to attach to, and the worker they were picked by (if any). */
export interface TraceTargets {
  pids: number[];
  workerName: string | null;
}

/** What a person asked to trace, checked but not yet looked up on the host: one pid, or a worker by name. */
export type TraceTarget = { kind: 'pid'; pid: number } | { kind: 'worker'; workerName: string };

/**
 * A worker name as Workerman titles show it: one word, printable. Control and format characters
 * (C0/C1, zero-width, bidi overrides) are refused: the name is echoed back in chat and the terminal.
 */
const WORKER_NAME = /^[^\s\p{Cc}\p{Cf}]{1,128}$/u;
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Parses a trace target as typed (a CLI argument, Slack text, a button's value): digits are a pid
 * (1 to 4194304), one printable word is a worker name; anything else throws `input_invalid`. The one
 * check every way in uses, so the CLI and Slack accept exactly the same targets.
 *
 * @example
 * parseTraceTargetText('10354')     // { kind: 'pid', pid: 10354 }
 * parseTraceTargetText('HttpApi01') // { kind: 'worker', workerName: 'HttpApi01' }
 */
export function parseTraceTargetText(text: string): TraceTarget {
  const word = text.trim();
  if (/^\d+$/.test(word)) {
    const pid = word.length <= 7 ? Number(word) : NaN;
    if (!(pid >= 1 && pid <= MAX_PID)) {
      throw new BotError('input_invalid', `"${oneLine(word, 20)}" is not a pid: expected a whole number from 1 to ${MAX_PID}.`);
    }
    return { kind: 'pid', pid };
  }
  if (!WORKER_NAME.test(word)) {
    throw new BotError('input_invalid', `"${oneLine(word, 40)}" is neither a pid nor a worker name (one word of printable characters).`);
  }
  return { kind: 'worker', workerName: word };
}

/** Returns the target as it was typed: the pid's digits, or the worker name. */
export function formatTraceTarget(target: TraceTarget): string {
  return target.kind === 'pid' ? String(target.pid) : target.workerName;
}

/**
 * Resolves what a person typed after `trace <host>`: a pid goes to the host helper as it is (the helper
 * checks it against /proc: a Workerman process of the app, orphans included); a worker name becomes the
 * pids of that worker's processes, from /proc on the host. Never runs Workerman's `status`, which
 * signals every worker (and so cuts a `sleep()` in a handler short).
 */
export async function resolveTraceTargets(
  transport: Transport,
  host: HostConfig,
  target: string | TraceTarget,
  opts: { signal?: AbortSignal } = {},
): Promise<TraceTargets> {
  const parsed = typeof target === 'string' ? parseTraceTargetText(target) : parseTraceTargetText(formatTraceTarget(target));
  if (parsed.kind === 'pid') return { pids: [parsed.pid], workerName: null };
  const name = parsed.workerName;
  const processes = await listWorkermanProcesses(transport, host, {
    timeoutMs: host.ssh?.commandTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const app = selectAppProcesses(processes, host.workerman.startFile ?? soleRunningApp(processes, host.name));
  const candidates = [...app.workers, ...app.orphans];
  const pids = candidates.filter((p) => p.workerName === name).map((p) => p.pid).sort((a, b) => a - b);
  if (pids.length === 0) {
    const names = [...new Set(candidates.map((p) => p.workerName).filter((n): n is string => n !== null))].sort();
    throw new BotError('input_invalid', `"${oneLine(name, 64)}" is neither a pid nor a worker of ${host.name} (workers: ${names.length > 0 ? names.join(', ') : 'none running'}).`, {
      details: { host: host.name, workers: names },
    });
  }
  return { pids, workerName: name };
}
