import { openOfKind, traceCommand, type DetectContext } from './detector.js';
import { summarizeTrend, type Trend } from './summarize-trend.js';
import type { AlertSignal } from './types.js';
import { formatBytes, formatDuration } from '../render/format.js';
import type { ProcSeries } from './window-series.js';

const MB = 1_048_576;
const MIN_MS = 60_000;
/** RSS moves by a few pages at rest; smaller changes are no change for the up/down count. */
const RSS_NOISE_BYTES = 16 * 1024;
/** A fit needs at least this many readings besides the span (a 30 min span from 2 points is no trend). */
const MIN_POINTS = 8;

interface ProcessTrend {
  s: ProcSeries;
  trend: Trend;
  isLeak: boolean;
  /** Slope at or above the resolve level, with enough span: keeps an open alert open. */
  isAboveResolve: boolean;
}

/**
 * Memory growth of a worker's processes. The series is RSS from /proc, not the status `memory`
 * column: /proc is read every minute without disturbing anyone (status runs every 10 min, so 30 min
 * would give 3 points), and RSS also grows with leaks outside PHP's allocator (extensions' buffers).
 * PHP's heap from status is quoted beside it and, being what `memory_limit` limits, is what the time to
 * the limit is projected from. Each process is fitted on its own life (pid + start time), so a reload,
 * which replaces every pid, starts new series instead of reading as a drop (the sawtooth).
 */
export function detectMemoryGrowth(ctx: DetectContext): AlertSignal[] {
  const th = ctx.thresholds.memoryGrowth;
  const latest = ctx.w.ok.at(-1);
  if (latest === undefined) return [];
  const byWorker = new Map<string, ProcessTrend[]>();
  for (const s of ctx.w.series.values()) {
    if (s.role !== 'worker' || s.worker === null || !ctx.w.latestKeys.has(s.key)) continue;
    const list = byWorker.get(s.worker) ?? [];
    byWorker.set(s.worker, list);
    const points = s.points.filter((p) => p.t >= latest.t - th.fitMin * MIN_MS).map((p) => ({ t: p.t, v: p.rssBytes }));
    if (points.length < MIN_POINTS || points.at(-1)!.t - points[0]!.t < th.minSpanMin * MIN_MS) continue;
    const trend = summarizeTrend(points, { noise: RSS_NOISE_BYTES });
    const mbPerHour = trend.slopePerHour / MB;
    const isLeak = mbPerHour >= th.openMbPerHour && trend.upShare >= th.minUpShare && trend.maxStepShare <= th.maxStepShare;
    list.push({ s, trend, isLeak, isAboveResolve: mbPerHour >= th.resolveMbPerHour && trend.upShare >= th.minUpShare });
  }

  const signals: AlertSignal[] = [];
  const seen = new Set<string>();
  for (const [worker, trends] of byWorker) {
    seen.add(worker);
    const leaking = trends.filter((p) => p.isLeak).sort((a, b) => b.trend.slopePerHour - a.trend.slopePerHour);
    const isOpen = openOfKind(ctx, 'memory-growth').some((a) => a.subject === worker);
    if (leaking.length > 0) {
      signals.push(leakSignal(ctx, worker, leaking, 'fire'));
    } else if (isOpen) {
      const above = trends.filter((p) => p.isAboveResolve).sort((a, b) => b.trend.slopePerHour - a.trend.slopePerHour);
      if (above.length > 0) signals.push(leakSignal(ctx, worker, above, 'hold'));
      else if (trends.length === 0) signals.push(waitingSignal(ctx, worker));
      else {
        const top = Math.max(...trends.map((p) => p.trend.slopePerHour / MB));
        signals.push(clearSignal(worker, `its processes' memory is flat again (at most ${top.toFixed(1)} MiB/h over the last ${th.minSpanMin}+ min)`));
      }
    }
  }
  for (const alert of openOfKind(ctx, 'memory-growth')) {
    if (!seen.has(alert.subject)) signals.push(clearSignal(alert.subject, `no process of ${alert.subject} runs any more`));
  }
  return signals;
}

function leakSignal(ctx: DetectContext, worker: string, trends: ProcessTrend[], verdict: 'fire' | 'hold'): AlertSignal {
  const th = ctx.thresholds.memoryGrowth;
  const top = trends[0]!;
  const mbPerHour = top.trend.slopePerHour / MB;
  const evidence = trends.slice(0, 3).map(({ s, trend }) => {
    const ups = Math.round(trend.upShare * 100);
    return `pid ${s.pid}: RSS ${formatBytes(trend.first)} → ${formatBytes(trend.last)} in ${formatDuration(trend.spanMs)}, +${(trend.slopePerHour / MB).toFixed(1)} MiB/h (Theil–Sen over ${trend.points} samples, ${ups}% of the changes up)`;
  });
  if (trends.length > 3) evidence.push(`… and ${trends.length - 3} more process${trends.length - 3 === 1 ? '' : 'es'} of ${worker} growing`);
  const heap = heapTrend(ctx, top.s.pid);
  if (heap !== null) evidence.push(`PHP heap of pid ${top.s.pid} (status memory): ${formatBytes(heap.first)} → ${formatBytes(heap.last)} over ${heap.points} status samples`);
  const metrics: Record<string, number> = { mbPerHour: round1(mbPerHour), rssBytes: top.trend.last };
  let severity: 'warning' | 'critical' = 'warning';
  if (th.memoryLimitMb !== undefined) {
    // memory_limit caps PHP's heap: project from the heap when status has a trend of it, else from RSS.
    const nowBytes = heap?.last ?? top.trend.last;
    const perHour = heap !== null && heap.spanMs >= th.minSpanMin * MIN_MS && heap.points >= 3 && heap.slopePerHour > 0 ? heap.slopePerHour : top.trend.slopePerHour;
    const leftBytes = th.memoryLimitMb * MB - nowBytes;
    const projectedMs = leftBytes <= 0 ? 0 : (leftBytes / perHour) * 3_600_000;
    metrics.projectedMs = Math.round(projectedMs);
    evidence.push(
      leftBytes <= 0
        ? `memory_limit ${th.memoryLimitMb} MiB is reached: PHP ends the next request that allocates with "Allowed memory size exhausted"`
        : `memory_limit ${th.memoryLimitMb} MiB reached in about ${formatDuration(projectedMs)} at this rate (${heap !== null ? 'PHP heap' : 'RSS'} ${formatBytes(nowBytes)} now)`,
    );
    if (projectedMs < 3_600_000) severity = 'critical';
  }
  return {
    kind: 'memory-growth',
    subject: worker,
    verdict,
    severity,
    title: `${worker} on ${ctx.host}: memory grows ${mbPerHour.toFixed(1)} MiB/h`,
    evidence,
    nextStep:
      `Find what a request keeps (static caches, global arrays, unclosed resources): \`${traceCommand(ctx.host, top.s.pid)}\` shows what the process does. ` +
      `A reload (\`php start.php reload\`) gives the memory back meanwhile; this alert stays open until the new processes stay flat for ${th.minSpanMin} min.`,
    pids: trends.map((p) => p.s.pid),
    metrics,
  };
}

// After a reload the worker's new processes have too short a life to say anything yet: the alert
// stays open (a reload hides a leak, it does not fix it) until they have been watched long enough.
function waitingSignal(ctx: DetectContext, worker: string): AlertSignal {
  const alert = openOfKind(ctx, 'memory-growth').find((a) => a.subject === worker)!;
  const oldPids = new Set(alert.pids);
  const replaced = ![...ctx.w.series.values()].some((s) => ctx.w.latestKeys.has(s.key) && oldPids.has(s.pid));
  return {
    kind: 'memory-growth',
    subject: worker,
    verdict: 'hold',
    severity: alert.severity,
    title: alert.title,
    evidence: [
      ...alert.evidence.filter((l) => !l.startsWith('Processes replaced')),
      replaced
        ? `Processes replaced (a reload or restart): memory is back down; watching the new ones for ${ctx.thresholds.memoryGrowth.minSpanMin} min before calling it fixed`
        : `Processes replaced in part: watching the new ones for ${ctx.thresholds.memoryGrowth.minSpanMin} min`,
    ],
    nextStep: alert.nextStep,
    pids: alert.pids,
    metrics: alert.metrics,
  };
}

function clearSignal(worker: string, why: string): AlertSignal {
  return { kind: 'memory-growth', subject: worker, verdict: 'clear', severity: 'warning', title: '', evidence: [], nextStep: '', pids: [], metrics: {}, resolution: why };
}

/** PHP's heap of one pid across status samples (what `memory_limit` counts), or null with fewer than 2. */
function heapTrend(ctx: DetectContext, pid: number): Trend | null {
  const points = ctx.w.status.flatMap((s) => {
    const row = s.processes.find((p) => p.pid === pid);
    return row?.memoryBytes == null ? [] : [{ t: s.t, v: row.memoryBytes }];
  });
  return points.length < 2 ? null : summarizeTrend(points);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
