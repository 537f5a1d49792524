import { BotError } from '../errors.js';
import type { WindowView } from '../watch/types.js';
import { computeRequestIntervals, type RequestInterval } from './compute-request-intervals.js';
import type { HistoryBucket, HistoryChart, HistorySeries, HostHistory } from './types.js';

export interface HostHistoryOptions {
  /** How far back from the newest sample (ms). */
  windowMs: number;
  /** At most this many time buckets (Slack's line chart takes 20 points a series; the PNG more). */
  maxBuckets: number;
  /** At most this many lines per chart; beyond it the smallest workers are summed into one `other (N)` line. */
  maxSeries: number;
}

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 3_600_000;
const MB = 1_048_576;

/**
 * Arranges a host's watch window as two charts over time buckets ending at the newest sample (so a
 * state file read hours later still shows its last window). Each chart's buckets are at least 1.5 of
 * its readings' usual interval wide (a /proc sample a minute, a status sample every 10 min), so an empty
 * bucket is a real gap, not a bucket finer than the sampling:
 * - memory: per worker, the RSS of its processes SUMMED (the master is left out), averaged over the
 *   /proc samples in each bucket. A sum, not the per-process max: it is what the worker costs the host,
 *   a leak in one of its processes raises it by the same MB/h the memory-growth alert quotes, and a
 *   respawn does not swap one line for another. A worker with no process in a sample counts 0 there;
 *   a bucket with no answered sample is null (a gap).
 * - requests per second: per worker, from `total_request` deltas between status samples (counter resets
 *   handled, see computeRequestIntervals), each interval counted in the bucket where it ends.
 * Throws `history_unavailable` when the window has no sample at all.
 */
export function buildHostHistory(view: WindowView, opts: HostHistoryOptions): HostHistory {
  const last = view.samples.at(-1);
  if (last === undefined) throw new BotError('history_unavailable', `The watcher has no samples of ${view.host} yet.`);
  const toMs = last.t;
  const startLimit = toMs - opts.windowMs;
  const inWindow = view.samples.filter((s) => s.t >= startLimit);
  const fromMs = inWindow[0]!.t;
  const ok = inWindow.filter((s) => s.outcome === 'ok');
  const memBuckets = makeBuckets(fromMs, toMs, opts.maxBuckets, 1.5 * medianStep(inWindow.map((s) => s.t)));

  // Memory: per bucket, the sum over its samples of each worker's total, then divided by the sample count.
  const memSums = new Map<string, number[]>();
  const memCounts = new Array<number>(memBuckets.length).fill(0);
  for (const s of ok) {
    const b = bucketIndex(memBuckets, s.t);
    memCounts[b]! += 1;
    for (const p of s.processes) {
      if (p.role !== 'worker' || p.worker === null) continue;
      const sums = memSums.get(p.worker) ?? new Array<number>(memBuckets.length).fill(0);
      sums[b]! += p.rssBytes;
      memSums.set(p.worker, sums);
    }
  }
  const memory = chart('memory', 'MB', memBuckets, ok.length, memSums, (sums, b) => (memCounts[b] === 0 ? null : round(sums[b]! / memCounts[b]! / MB, 1)), opts.maxSeries);

  // Requests: the status samples of the whole view (the one before the window is the first interval's start).
  const statuses = view.samples.flatMap((s) => (s.status === null ? [] : [s.status]));
  const intervals = computeRequestIntervals(statuses).filter((iv) => iv.toMs >= fromMs);
  const reqBuckets = makeBuckets(fromMs, toMs, opts.maxBuckets, 1.5 * medianStep([intervals[0]?.fromMs ?? fromMs, ...intervals.map((iv) => iv.toMs)]));
  const reqSums = new Map<string, number[]>();
  const seconds = new Array<number>(reqBuckets.length).fill(0);
  intervals.forEach((iv: RequestInterval) => {
    const b = bucketIndex(reqBuckets, iv.toMs);
    seconds[b]! += (iv.toMs - iv.fromMs) / 1000;
    for (const [worker, n] of iv.requests) {
      const sums = reqSums.get(worker) ?? new Array<number>(reqBuckets.length).fill(0);
      sums[b]! += n;
      reqSums.set(worker, sums);
    }
  });
  const requests = chart('requests', 'req/s', reqBuckets, intervals.length, reqSums, (sums, b) => (seconds[b] === 0 ? null : round(sums[b]! / seconds[b]!, 2)), opts.maxSeries);

  return {
    host: view.host,
    windowMs: opts.windowMs,
    fromMs,
    toMs,
    memory,
    requests,
    missedSamples: inWindow.length - ok.length,
    counterResets: intervals.reduce((n, iv) => n + iv.resets, 0),
  };
}

/** The bucket `t` falls in (the first or last for a time outside them). */
function bucketIndex(buckets: readonly HistoryBucket[], t: number): number {
  const width = buckets[0]!.endMs - buckets[0]!.startMs;
  return Math.min(buckets.length - 1, Math.max(0, Math.floor((t - buckets[0]!.startMs) / width)));
}

/** The median gap between consecutive times (0 for fewer than two). */
function medianStep(times: readonly number[]): number {
  const steps = times.slice(1).map((t, i) => t - times[i]!).filter((d) => d > 0).sort((a, b) => a - b);
  return steps.length === 0 ? 0 : steps[Math.floor(steps.length / 2)]!;
}

/**
 * Whole-minute buckets from the minute of `fromMs` through `toMs`, at most `max` of them, each at least
 * a minute (and `minWidthMs`) wide: so every label (HH:MM, UTC) is distinct.
 */
function makeBuckets(fromMs: number, toMs: number, max: number, minWidthMs: number): HistoryBucket[] {
  const start = Math.floor(fromMs / MINUTE_MS) * MINUTE_MS;
  const span = toMs - start;
  const width = Math.max(MINUTE_MS, Math.ceil(minWidthMs / MINUTE_MS) * MINUTE_MS, Math.ceil((span + 1) / Math.max(1, max) / MINUTE_MS) * MINUTE_MS);
  const count = Math.floor(span / width) + 1;
  const withDay = toMs - fromMs > DAY_MS;
  return Array.from({ length: count }, (_, i) => {
    const startMs = start + i * width;
    const iso = new Date(startMs).toISOString();
    return { startMs, endMs: startMs + width, label: withDay ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16) };
  });
}

/** One chart: a line per worker, largest (mean over its buckets) first, the rest summed into `other (N)`. */
function chart(
  kind: HistoryChart['kind'],
  unit: HistoryChart['unit'],
  buckets: HistoryBucket[],
  readings: number,
  sums: Map<string, number[]>,
  valueAt: (sums: number[], bucket: number) => number | null,
  maxSeries: number,
): HistoryChart {
  const lines = [...sums].map(([worker, s]): HistorySeries => ({ name: worker, workers: [worker], values: buckets.map((_, b) => valueAt(s, b)) }));
  const meanOf = (line: HistorySeries): number => {
    const known = line.values.filter((v): v is number => v !== null);
    return known.length === 0 ? 0 : known.reduce((a, v) => a + v, 0) / known.length;
  };
  // Largest first; equal ones by name, so the same window always gives the same chart.
  lines.sort((a, b) => meanOf(b) - meanOf(a) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (lines.length <= maxSeries) return { kind, unit, buckets, series: lines, readings };
  const kept = lines.slice(0, Math.max(0, maxSeries - 1));
  const rest = lines.slice(kept.length);
  const digits = unit === 'MB' ? 1 : 2;
  const other: HistorySeries = {
    name: `other (${rest.length})`,
    workers: rest.map((l) => l.name),
    values: buckets.map((_, b) => {
      const vs = rest.map((l) => l.values[b]!);
      return vs.every((v) => v === null) ? null : round(vs.reduce((a: number, v) => a + (v ?? 0), 0), digits);
    }),
  };
  return { kind, unit, buckets, series: [...kept, other], readings };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
