import { formatBytes } from '../render/format.js';
import { describeExitStatus, exitCauseOfStatus } from './describe-exit-status.js';
import { exitHint } from './exit-hint.js';
import type { Finding, ProcessRow, WorkermanStatus } from './types.js';

/** A process is an outlier above this multiple of its worker's median memory. */
export const MEMORY_OUTLIER_FACTOR = 2;
/**
 * Fewer processes than this and the median says little: with 2 processes, one at 2x the other is just
 * two different workloads (one holds the only keep-alive connection), not a leak.
 */
export const MEMORY_OUTLIER_MIN_PROCESSES = 3;

/**
 * Returns what Workerman does not say itself: busy processes, workers with an abnormal exit (one) or a
 * crash loop (repeated abnormal exits), memory outliers and processes missing from the table. Pure;
 * drives highlighting everywhere.
 */
export function computeFindings(status: WorkermanStatus): Finding[] {
  const findings: Finding[] = [];

  for (const p of status.processes) {
    if (p.status !== 'busy') continue;
    findings.push({
      kind: 'busy',
      pid: p.pid,
      worker: p.workerName,
      message: `pid ${p.pid} (${p.workerName}) did not answer within 1 s: it is stuck in a request (a blocking call or a CPU loop). Trace it to see where.`,
    });
  }

  // One finding per worker name, however many exit statuses it has: one abnormal exit is just that (a
  // kill -9, the OOM killer), repeated ones are a crash loop; the same words as a trace's verdict.
  const abnormal = new Map<string, { total: number; parts: string[]; hints: Set<string> }>();
  for (const w of status.workers) {
    if (w.exitCount <= 0 || w.exitStatus === 0 || w.exitStatus === '0') continue;
    const entry = abnormal.get(w.name) ?? { total: 0, parts: [], hints: new Set<string>() };
    entry.total += w.exitCount;
    entry.parts.push(`${describeExitStatus(w.exitStatus)} x${w.exitCount}`);
    const hint = exitHintOfStatus(w.exitStatus);
    if (hint !== null) entry.hints.add(hint);
    abnormal.set(w.name, entry);
  }
  for (const [worker, { total, parts, hints }] of abnormal) {
    const where = hints.size > 0 ? ` ${[...hints].join('. ')}.` : '';
    findings.push(
      total === 1
        ? {
            kind: 'abnormal-exit',
            pid: null,
            worker,
            message: `${worker}: one abnormal exit since start (${parts.join(', ').replace(/ x1$/, '')}); the master re-forked the process.${where}`,
          }
        : {
            kind: 'crash-loop',
            pid: null,
            worker,
            message: `${worker} processes ended abnormally ${total} times since start (${parts.join(', ')}); the master re-forked them. Repeated exits mean a crash loop: check the app's log.${where}`,
          },
    );
  }

  const byWorker = new Map<string, ProcessRow[]>();
  for (const p of status.processes) {
    if (p.memoryBytes === null) continue;
    const list = byWorker.get(p.workerName) ?? [];
    list.push(p);
    byWorker.set(p.workerName, list);
  }
  for (const [worker, list] of byWorker) {
    if (list.length < MEMORY_OUTLIER_MIN_PROCESSES) continue;
    const median = medianOf(list.map((p) => p.memoryBytes as number));
    if (median <= 0) continue;
    for (const p of list) {
      const bytes = p.memoryBytes as number;
      if (bytes <= MEMORY_OUTLIER_FACTOR * median) continue;
      findings.push({
        kind: 'memory-outlier',
        pid: p.pid,
        worker,
        message: `pid ${p.pid} (${worker}) uses ${formatBytes(bytes)}, ${(bytes / median).toFixed(1)}x the median ${formatBytes(median)} of its ${list.length} processes: a leak or an unusually large request.`,
      });
    }
  }

  if (status.processCount !== null && status.processCount > status.processes.length) {
    const missing = status.processCount - status.processes.length;
    // 3.5+ print a `[busy]` row for a process that does not answer; before 3.5 (no status column) it
    // simply has no row, so there a missing row is the usual sign of a stuck process.
    const isPre35Table = status.processes.every((p) => p.status === null);
    const why = isPre35Table
      ? ` in time. Before Workerman 3.5 a process busy in a request (a blocking call or a CPU loop) gets no row at all, nor does one being re-forked: compare the pids with \`ps\` and trace the missing one${missing === 1 ? '' : 's'}.`
      : ' (being re-forked, or not known to the master).';
    findings.push({
      kind: 'not-reported',
      pid: null,
      worker: null,
      message: `Workerman counts ${status.processCount} processes but only ${status.processes.length} appear in the table: ${missing} did not report${why}`,
    });
  }
  return findings;
}

/** exitHint() of a raw `pcntl_wait()` status, said as `Killed by SIGKILL: the OOM killer? …`; null when it points nowhere. */
function exitHintOfStatus(status: number | string): string | null {
  const cause = exitCauseOfStatus(status);
  const hint = cause === null ? null : exitHint(cause);
  if (cause === null || hint === null) return null;
  return `${cause.signal !== null ? `Killed by ${cause.signal}` : `exit(${cause.code})`}: ${hint}`;
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}
