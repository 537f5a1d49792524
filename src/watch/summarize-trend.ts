/** One point of a series: time (ms) and value. */
export interface TrendPoint {
  t: number;
  v: number;
}

/** What a series does over its span, robustly. */
export interface Trend {
  /** Theil–Sen slope: the median of the slopes of all pairs of points, in value units per hour. */
  slopePerHour: number;
  spanMs: number;
  points: number;
  first: number;
  last: number;
  /** Of the sample-to-sample changes larger than the noise, the share that go up (0.5: no direction). */
  upShare: number;
  /** The largest single rise as a share of the whole rise (last − first); 1 when it did not rise. */
  maxStepShare: number;
}

export interface TrendOptions {
  /** Changes of at most this much count as no change (RSS moves by a page or two at rest). */
  noise?: number;
  /** The slope is fitted on at most this many points, evenly picked (O(n²) pairs). */
  maxFitPoints?: number;
}

const HOUR_MS = 3_600_000;

/**
 * Returns the Theil–Sen slope and the shape of a series (oldest first). The median of pairwise slopes
 * ignores up to ~29% of wild points, so one spike barely moves it, where a least-squares line would
 * tilt towards it; `upShare` and `maxStepShare` then tell a steady climb from a single jump.
 */
export function summarizeTrend(points: readonly TrendPoint[], opts: TrendOptions = {}): Trend {
  const noise = opts.noise ?? 0;
  const n = points.length;
  const first = points[0]?.v ?? 0;
  const last = points[n - 1]?.v ?? 0;
  const spanMs = n > 1 ? points[n - 1]!.t - points[0]!.t : 0;
  let ups = 0;
  let downs = 0;
  let maxRise = 0;
  for (let i = 1; i < n; i++) {
    const d = points[i]!.v - points[i - 1]!.v;
    if (d > noise) ups += 1;
    else if (d < -noise) downs += 1;
    if (d > maxRise) maxRise = d;
  }
  const rise = last - first;
  return {
    slopePerHour: theilSenSlope(pick(points, opts.maxFitPoints ?? 120)) * HOUR_MS,
    spanMs,
    points: n,
    first,
    last,
    upShare: ups + downs === 0 ? 0.5 : ups / (ups + downs),
    maxStepShare: rise > 0 ? Math.min(1, maxRise / rise) : 1,
  };
}

/** Returns the median of the pairwise slopes (value per ms); 0 for fewer than two distinct times. */
export function theilSenSlope(points: readonly TrendPoint[]): number {
  const n = points.length;
  const slopes = new Float64Array((n * (n - 1)) / 2);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const a = points[i]!;
    for (let j = i + 1; j < n; j++) {
      const b = points[j]!;
      const dt = b.t - a.t;
      if (dt > 0) slopes[k++] = (b.v - a.v) / dt;
    }
  }
  if (k === 0) return 0;
  const used = slopes.subarray(0, k).sort();
  const mid = k >> 1;
  return k % 2 === 1 ? used[mid]! : (used[mid - 1]! + used[mid]!) / 2;
}

// Evenly spaced points, first and last always in: the fit's cost stays bounded for a 6 h window.
function pick(points: readonly TrendPoint[], max: number): readonly TrendPoint[] {
  if (points.length <= max) return points;
  const out: TrendPoint[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}
