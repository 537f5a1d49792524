import type { HostConfig } from '../config/host-config.js';
import { BotError, asBotError, oneLine, type BotErrorCode } from '../errors.js';
import { formatMsAsSeconds } from '../render/format.js';
import type { WorkermanStatus } from '../workerman/types.js';
import type { FleetHostState, FleetRow } from './types.js';

export interface FleetStatusOptions {
  /** Hosts queried at once. */
  concurrency: number;
  /** A host still working after this long is aborted and shown as unreachable (command_timed_out). */
  perHostTimeoutMs: number;
  /** Called as each host finishes (in completion order), e.g. to update a progress message. */
  onHostDone?: (row: FleetRow, index: number) => void;
  /** Aborts every host still queued or running. */
  signal?: AbortSignal;
  /** Milliseconds clock for durations; default `performance.now`. */
  now?: () => number;
}

// Errors that mean "we could not get an answer from the box" rather than "the box answered badly".
const UNREACHABLE: ReadonlySet<BotErrorCode> = new Set(['ssh_connect_failed', 'command_timed_out']);

/**
 * Runs `runOne` for every host with at most `concurrency` at once and returns one row per host, in the
 * order of `hosts`. Never rejects. Each host gets its own AbortSignal, aborted at `perHostTimeoutMs`;
 * the row is settled at that moment even if `runOne` ignores the signal, so one dead host delays
 * nothing past its own timeout (its slot is freed too; a runOne that ignores the signal keeps running
 * in the background until it ends by itself).
 */
export async function runFleetStatus(
  hosts: readonly HostConfig[],
  runOne: (host: HostConfig, signal: AbortSignal) => Promise<WorkermanStatus>,
  opts: FleetStatusOptions,
): Promise<FleetRow[]> {
  const now = opts.now ?? (() => performance.now());
  const concurrency = Math.max(1, Math.floor(opts.concurrency));
  const rows: FleetRow[] = new Array<FleetRow>(hosts.length);
  let next = 0;

  const runHost = async (index: number): Promise<void> => {
    const host = hosts[index]!;
    const started = now();
    let row: FleetRow;
    try {
      const status = await withTimeout(host, runOne, opts.perHostTimeoutMs, opts.signal);
      row = summarizeHost(host.name, status, now() - started);
    } catch (error) {
      row = errorRow(host.name, asBotError(error), now() - started);
    }
    rows[index] = row;
    try {
      opts.onHostDone?.(row, index);
    } catch {
      // A progress callback must not turn one finished host into a failed fleet run.
    }
  };

  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const index = next++;
      await runHost(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, hosts.length) }, worker));
  return rows;
}

/** Returns the row of a host that answered. */
export function summarizeHost(host: string, status: WorkermanStatus, durationMs: number): FleetRow {
  const memory = status.processes.map((p) => p.memoryBytes).filter((m): m is number => m !== null);
  return {
    host,
    state: 'up',
    errorCode: null,
    message: null,
    version: status.workerman.version,
    processes: status.processes.length > 0 ? status.processes.length : status.processCount,
    busy: status.processes.filter((p) => p.status === 'busy').length,
    crashLoops: status.findings.filter((f) => f.kind === 'crash-loop').length,
    memoryBytes: memory.length > 0 ? memory.reduce((a, b) => a + b, 0) : null,
    durationMs: Math.round(durationMs),
    status,
  };
}

function errorRow(host: string, error: BotError, durationMs: number): FleetRow {
  const state: FleetHostState =
    error.code === 'workerman_not_running' ? 'not-running' : UNREACHABLE.has(error.code) ? 'unreachable' : 'error';
  return {
    host,
    state,
    errorCode: error.code,
    message: oneLine(error.message),
    version: null,
    processes: null,
    busy: null,
    crashLoops: null,
    memoryBytes: null,
    durationMs: Math.round(durationMs),
  };
}

async function withTimeout(
  host: HostConfig,
  runOne: (host: HostConfig, signal: AbortSignal) => Promise<WorkermanStatus>,
  timeoutMs: number,
  outer: AbortSignal | undefined,
): Promise<WorkermanStatus> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  let onOuterAbort: (() => void) | undefined;
  const stopped = new Promise<never>((_, reject) => {
    const fail = (error: BotError): void => {
      controller.abort(error);
      reject(error);
    };
    timer = setTimeout(
      () => fail(new BotError('command_timed_out', `${host.name} did not answer within ${formatMsAsSeconds(timeoutMs)} s; shown as unreachable.`)),
      timeoutMs,
    );
    onOuterAbort = () => fail(new BotError('command_timed_out', `The fleet status was cancelled before ${host.name} answered.`));
    if (outer?.aborted) onOuterAbort();
    else outer?.addEventListener('abort', onOuterAbort, { once: true });
  });
  try {
    // runOne may throw synchronously; Promise.resolve().then keeps that a rejection.
    return await Promise.race([Promise.resolve().then(() => runOne(host, controller.signal)), stopped]);
  } finally {
    clearTimeout(timer);
    if (onOuterAbort !== undefined) outer?.removeEventListener('abort', onOuterAbort);
    stopped.catch(() => undefined);
  }
}
