import { openOfKind, traceCommand, verdictOn, type DetectContext } from './detector.js';
import type { AlertSignal, StatusSnapshot } from './types.js';
import { formatDuration } from '../render/format.js';
import { trailing, type ProcPoint, type ProcSeries } from './window-series.js';

/**
 * A process stuck in a request, from either source:
 * - /proc: blocked in the same call (syscall and wchan) with no CPU progress in `stuck.procSamples`
 *   samples in a row. A worker serving requests that block briefly moves between samples (its CPU
 *   time grows); one whose call never returns does not;
 * - status: `[busy]` (it did not answer Workerman's status within a second) in `stuck.statusSamples`
 *   status samples in a row. A process busy once was just in a long request.
 * It clears when the pid is gone, or after `clearSamples` /proc samples in which it moved.
 */
export function detectStuck(ctx: DetectContext): AlertSignal[] {
  const th = ctx.thresholds;
  const signals: AlertSignal[] = [];
  const latest = ctx.w.ok.at(-1);
  if (latest === undefined) return [];
  const open = new Map(openOfKind(ctx, 'stuck').map((a) => [a.subject, a]));
  const done = new Set<string>();
  // Status samples older than the last clearSamples /proc samples no longer hold an alert open.
  const recentFrom = ctx.w.ok[Math.max(0, ctx.w.ok.length - th.clearSamples)]!.t;

  for (const s of ctx.w.series.values()) {
    if (s.role !== 'worker' || !ctx.w.latestKeys.has(s.key)) continue;
    const subject = String(s.pid);
    const stuckRun = trailing(pairs(s.points), isStuckPair);
    const busyRun = trailing(ctx.w.status, (st) => busyIn(st, s.pid));
    const firesFromProc = stuckRun + 1 >= th.stuck.procSamples;
    const firesFromStatus = busyRun >= th.stuck.statusSamples;
    const lastStatus = ctx.w.status.at(-1);
    const holdsFromStatus = busyRun > 0 && lastStatus !== undefined && lastStatus.t >= recentFrom;
    // Clean = each of the last clearSamples readings moved (left the call, or used CPU).
    const holdsFromProc = pairs(s.points).slice(-th.clearSamples).some(isStuckPair);
    const verdict = firesFromProc || firesFromStatus ? 'fire' : open.has(subject) && (holdsFromProc || holdsFromStatus) ? 'hold' : null;
    if (verdict === null) continue;
    done.add(subject);
    signals.push(stuckSignal(ctx, s, verdict, stuckRun, busyRun));
  }
  for (const [subject, alert] of open) {
    if (done.has(subject)) continue;
    const s = [...ctx.w.series.values()].find((x) => String(x.pid) === subject && ctx.w.latestKeys.has(x.key));
    const why = s === undefined ? `pid ${subject} is gone (it exited or was replaced)` : `pid ${subject} is moving again (its CPU time grows or it left the call)`;
    signals.push(verdictOn(alert, 'clear', why));
  }
  return signals;
}

type Pair = [ProcPoint, ProcPoint];

/** Consecutive readings of a process that were taken in consecutive ok samples. */
function pairs(points: readonly ProcPoint[]): Pair[] {
  const out: Pair[] = [];
  for (let i = 1; i < points.length; i++) if (points[i]!.i === points[i - 1]!.i + 1) out.push([points[i - 1]!, points[i]!]);
  return out;
}

function isStuckPair([a, b]: Pair): boolean {
  return a.activity === 'blocked' && b.activity === 'blocked' && a.call === b.call && a.cpuTicks === b.cpuTicks;
}

function busyIn(status: StatusSnapshot, pid: number): boolean {
  return status.processes.some((p) => p.pid === pid && p.isBusy);
}

function stuckSignal(ctx: DetectContext, s: ProcSeries, verdict: 'fire' | 'hold', stuckRun: number, busyRun: number): AlertSignal {
  const last = s.points.at(-1)!;
  const evidence: string[] = [];
  let forMs = 0;
  if (stuckRun > 0) {
    const since = s.points[s.points.length - 1 - stuckRun]!;
    forMs = last.t - since.t;
    evidence.push(`/proc: in ${last.call ?? 'the same call'} with no CPU progress for ${formatDuration(forMs)} (${stuckRun + 1} samples, CPU time ${last.cpuTicks} ticks unchanged)`);
  } else if (last.activity === 'running' && last.cpuShare !== null) {
    evidence.push(`/proc: running at ${Math.round(last.cpuShare * 100)}% of a CPU`);
  } else if (last.activity === 'idle') {
    evidence.push('/proc: back in the event loop in the latest sample');
  }
  if (busyRun > 0) {
    const runs = ctx.w.status.slice(-busyRun);
    const span = runs.at(-1)!.t - runs[0]!.t;
    forMs = Math.max(forMs, span);
    evidence.push(`status: [busy] (did not answer within 1 s) in the last ${busyRun} status sample${busyRun === 1 ? '' : 's'}${span > 0 ? `, over ${formatDuration(span)}` : ''}`);
  }
  const where = stuckRun > 0 && last.call !== null ? ` in ${last.call.split(' ')[0]}` : '';
  return {
    kind: 'stuck',
    subject: String(s.pid),
    verdict,
    severity: 'warning',
    title: `pid ${s.pid} (${s.worker ?? 'worker'}) on ${ctx.host} is stuck${where}${forMs > 0 ? ` for ${formatDuration(forMs)}` : ''}`,
    evidence,
    nextStep: `Trace it to see the call and what it waits on: \`${traceCommand(ctx.host, s.pid)}\` (it reads the process without stopping it for long). Requests routed to it wait meanwhile.`,
    pids: [s.pid],
    metrics: { stuckMs: forMs, pid: s.pid },
  };
}
