import { openOfKind, traceCommand, verdictOn, type DetectContext } from './detector.js';
import type { AlertSignal, StatusSnapshot, WatchSample } from './types.js';
import { pointAt, processKey, trailing, type ProcPoint, type WindowSeries } from './window-series.js';

/**
 * Saturation: every process of a worker busy at once, so a new connection waits for one to finish.
 * From /proc, busy means running or blocked outside the event loop, or using at least
 * `cpuPinnedShare` of a CPU since the sample before; from status, `[busy]` rows. A worker with one
 * process is left to `stuck` (its saturation is that process being stuck).
 */
export function detectSaturation(ctx: DetectContext): AlertSignal[] {
  const th = ctx.thresholds;
  const latest = ctx.w.ok.at(-1);
  if (latest === undefined) return [];
  const open = new Map(openOfKind(ctx, 'saturation').map((a) => [a.subject, a]));
  const workers = new Set(latest.processes.filter((p) => p.role === 'worker' && !p.isOrphan && p.worker !== null).map((p) => p.worker!));
  const signals: AlertSignal[] = [];
  const recentFrom = ctx.w.ok[Math.max(0, ctx.w.ok.length - th.clearSamples)]!.t;
  for (const worker of workers) {
    // Only the run's end matters: the last K samples decide both opening and clearing.
    const k = Math.max(th.saturation.procSamples, th.clearSamples);
    const from = Math.max(0, ctx.w.ok.length - k);
    const procFlags = ctx.w.ok.slice(from).map((sample, j) => saturatedIn(ctx.w, sample, from + j, worker, th.cpuPinnedShare));
    const procRun = trailing(procFlags, (f) => f === true);
    const statusRun = trailing(ctx.w.status, (st) => allBusyIn(st, worker));
    const fires = procRun >= th.saturation.procSamples || statusRun >= th.saturation.statusSamples;
    const lastStatus = ctx.w.status.at(-1);
    const holds = procFlags.slice(-th.clearSamples).some((f) => f === true) || (statusRun > 0 && lastStatus !== undefined && lastStatus.t >= recentFrom);
    if (fires || (open.has(worker) && holds)) {
      const count = latest.processes.filter((p) => p.role === 'worker' && p.worker === worker && !p.isOrphan).length;
      const evidence: string[] = [];
      if (procRun > 0) evidence.push(`/proc: all ${count} processes busy (running or blocked outside the event loop) in the last ${procRun} sample${procRun === 1 ? '' : 's'}`);
      if (statusRun > 0) evidence.push(`status: all processes [busy] in the last ${statusRun} status sample${statusRun === 1 ? '' : 's'}`);
      if (evidence.length === 0) evidence.push('busy again in a recent sample; waiting for clean samples before calling it over');
      const pids = latest.processes.filter((p) => p.worker === worker && p.role === 'worker').map((p) => p.pid);
      signals.push({
        kind: 'saturation',
        subject: worker,
        verdict: fires ? 'fire' : 'hold',
        severity: 'critical',
        title: `${worker} on ${ctx.host} is saturated: all ${count} processes busy`,
        evidence,
        nextStep: `New requests to ${worker} wait. Find what the processes wait on: \`${traceCommand(ctx.host, worker)}\` traces them all; if it is load, raise the worker's count.`,
        pids,
        metrics: { processes: count },
      });
    } else if (open.has(worker)) {
      signals.push(verdictOn(open.get(worker)!, 'clear', `${worker} has idle processes again (${th.clearSamples} clean samples)`));
    }
  }
  for (const [worker, alert] of open) {
    if (!workers.has(worker)) signals.push(verdictOn(alert, 'clear', `no process of ${worker} runs any more`));
  }
  return signals;
}

/** Every process of the worker busy in this sample; null when the worker has fewer than 2 processes in it. */
function saturatedIn(w: WindowSeries, sample: WatchSample, index: number, worker: string, pinnedShare: number): boolean | null {
  const procs = sample.processes.filter((p) => p.role === 'worker' && p.worker === worker && !p.isOrphan);
  if (procs.length < 2) return null;
  return procs.every((p) => {
    const point = pointAt(w.series.get(processKey(p))?.points ?? [], index);
    return point !== undefined && isBusy(point, pinnedShare);
  });
}

function isBusy(p: ProcPoint, pinnedShare: number): boolean {
  return p.activity === 'running' || p.activity === 'blocked' || (p.cpuShare !== null && p.cpuShare >= pinnedShare);
}

function allBusyIn(status: StatusSnapshot, worker: string): boolean {
  const rows = status.processes.filter((p) => p.worker === worker);
  return rows.length >= 2 && rows.every((p) => p.isBusy);
}
