import type { StatusProcess, StatusSnapshot, WatchSample, WindowView } from '../watch/types.js';
import { toLabelValue } from './to-label-value.js';

/** The label value that stands for every worker name (or exit status) past a host's cap. */
export const OTHER_LABEL = '_other';

/** One worker of one host, as its latest samples show it (numbers summed over its processes). */
export interface WorkerMetrics {
  /** Label value (escaped by the exposition, capped per host; `_other` for the rest). */
  worker: string;
  /** Processes with this worker name in the latest /proc sample (0: only status knows it). */
  processes: number;
  /** RSS of those processes, from /proc. */
  rssBytes: number;
  /** From the latest status run; null when there is none or it has no row for this worker. */
  phpMemoryBytes: number | null;
  connections: number | null;
  requestsTotal: number | null;
  busyProcesses: number | null;
}

/** What `/metrics` shows of one watched host: the latest sample, and the latest status that gave a table. */
export interface HostMetrics {
  /** Label value. */
  host: string;
  /** The latest sample answered (`outcome: ok`). */
  isUp: boolean;
  sampleDurationSeconds: number;
  /** Bot clock, seconds since the epoch, when the latest sample started. */
  sampleTimestampSeconds: number;
  /** The rest only while up (a host that does not answer shows no numbers from before). */
  isMasterUp: boolean | null;
  orphanProcesses: number | null;
  /** When the status behind the status numbers ran; null when there are none (see summarizeHostMetrics). */
  statusTimestampSeconds: number | null;
  workers: WorkerMetrics[];
  /** Workerman's exit table (per master): count by worker and exit status. */
  exits: { worker: string; status: string; count: number }[];
}

export interface HostMetricsLimits {
  /** Worker names kept per host; the rest are summed under `_other`. */
  maxWorkers: number;
  /** Exit statuses kept per worker; the rest are summed under `_other`. */
  maxExitStatuses: number;
}

/**
 * Returns the numbers `/metrics` shows for one host's window, or null while it holds no sample.
 * Memory and process counts come from the latest /proc sample; PHP memory, connections, requests, busy
 * processes and exits from the latest status run, when it gave a table and the app still has workers
 * (a status run that failed, or an app that stopped, shows no status numbers). A `[busy]` row prints `N/A`: its
 * memory, connections and requests are the last ones the same pid showed under the same master in the
 * window (so a busy process does not make `requests_total` dip, which Prometheus would read as a reset).
 * Pids never become labels; worker names do, at most `maxWorkers` per host (the first in code-unit
 * order, so the set is stable between scrapes), the rest summed as `_other`.
 */
export function summarizeHostMetrics(view: WindowView, limits: HostMetricsLimits): HostMetrics | null {
  const latest = view.samples.at(-1);
  if (latest === undefined) return null;
  const base = {
    host: toLabelValue(view.host),
    isUp: latest.outcome === 'ok',
    sampleDurationSeconds: latest.durationMs / 1000,
    sampleTimestampSeconds: latest.t / 1000,
  };
  if (latest.outcome !== 'ok') {
    return { ...base, isMasterUp: null, orphanProcesses: null, statusTimestampSeconds: null, workers: [], exits: [] };
  }
  const procWorkers = latest.processes.filter((p) => p.role === 'worker' && p.worker !== null);
  // The latest status run, unless it failed or the app has no worker left: numbers we no longer know
  // are left out rather than repeated for as long as the window holds them.
  const statusAt = view.samples.findLastIndex((s) => s.status !== null);
  const lastStatus = statusAt < 0 ? null : view.samples[statusAt]!.status!;
  const status = lastStatus === null || lastStatus.error !== null || procWorkers.length === 0 ? null : lastStatus;
  const rows = status === null ? [] : fillBusyRows(status, view.samples.slice(0, statusAt));

  const names = new Set<string>();
  for (const p of procWorkers) names.add(toLabelValue(p.worker!));
  for (const r of rows) names.add(toLabelValue(r.worker));
  for (const e of status?.exits ?? []) names.add(toLabelValue(e.worker));
  const kept = new Set([...names].sort().slice(0, Math.max(0, limits.maxWorkers)));
  const labelOf = (raw: string): string => {
    const value = toLabelValue(raw);
    return kept.has(value) ? value : OTHER_LABEL;
  };

  const workers = new Map<string, WorkerMetrics>();
  const workerOf = (raw: string): WorkerMetrics => {
    const worker = labelOf(raw);
    let w = workers.get(worker);
    if (w === undefined) {
      w = { worker, processes: 0, rssBytes: 0, phpMemoryBytes: null, connections: null, requestsTotal: null, busyProcesses: null };
      workers.set(worker, w);
    }
    return w;
  };
  for (const p of procWorkers) {
    const w = workerOf(p.worker!);
    w.processes += 1;
    w.rssBytes += p.rssBytes;
  }
  for (const r of rows) {
    const w = workerOf(r.worker);
    w.busyProcesses = (w.busyProcesses ?? 0) + (r.isBusy ? 1 : 0);
    if (r.memoryBytes !== null) w.phpMemoryBytes = (w.phpMemoryBytes ?? 0) + r.memoryBytes;
    if (r.connections !== null) w.connections = (w.connections ?? 0) + r.connections;
    if (r.totalRequest !== null) w.requestsTotal = (w.requestsTotal ?? 0) + r.totalRequest;
  }

  const exitCounts = new Map<string, Map<string, number>>();
  for (const e of status?.exits ?? []) {
    const worker = labelOf(e.worker);
    const byStatus = exitCounts.get(worker) ?? new Map<string, number>();
    exitCounts.set(worker, byStatus);
    const code = toLabelValue(String(e.status));
    byStatus.set(code, (byStatus.get(code) ?? 0) + e.count);
  }
  const exits: HostMetrics['exits'] = [];
  for (const [worker, byStatus] of exitCounts) {
    const codes = [...byStatus.keys()].sort(compareExitStatus);
    const keptCodes = new Set(codes.slice(0, Math.max(0, limits.maxExitStatuses)));
    const capped = new Map<string, number>();
    for (const [code, count] of byStatus) {
      const label = keptCodes.has(code) ? code : OTHER_LABEL;
      capped.set(label, (capped.get(label) ?? 0) + count);
    }
    for (const [code, count] of capped) exits.push({ worker, status: code, count });
  }

  return {
    ...base,
    isMasterUp: latest.processes.some((p) => p.role === 'master' && p.state !== 'Z'),
    orphanProcesses: latest.processes.filter((p) => p.isOrphan).length,
    statusTimestampSeconds: status === null ? null : status.t / 1000,
    workers: [...workers.values()],
    exits,
  };
}

/** The rows of `status`, a busy row's N/A columns taken from the same pid's last row under the same master. */
function fillBusyRows(status: StatusSnapshot, earlier: readonly WatchSample[]): StatusProcess[] {
  return status.processes.map((row) => {
    if (row.memoryBytes !== null && row.connections !== null && row.totalRequest !== null) return row;
    const filled = { ...row };
    for (let i = earlier.length - 1; i >= 0; i--) {
      const before = earlier[i]!.status;
      if (before === null || before.error !== null || before.startedAt !== status.startedAt) continue;
      const same = before.processes.find((p) => p.pid === row.pid);
      if (same === undefined) continue;
      filled.memoryBytes ??= same.memoryBytes;
      filled.connections ??= same.connections;
      filled.totalRequest ??= same.totalRequest;
      if (filled.memoryBytes !== null && filled.connections !== null && filled.totalRequest !== null) break;
    }
    return filled;
  });
}

/** Numeric exit statuses in numeric order first, then the rest in code-unit order. */
function compareExitStatus(a: string, b: string): number {
  const na = /^\d+$/.test(a) ? Number(a) : Number.NaN;
  const nb = /^\d+$/.test(b) ? Number(b) : Number.NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  if (!Number.isNaN(na)) return -1;
  if (!Number.isNaN(nb)) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
