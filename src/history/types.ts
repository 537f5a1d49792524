/**
 * Types of `history`: a host's watch window arranged as two charts (memory per worker, requests per
 * second) over time buckets. Plain data: the Slack blocks, the PNG and the CLI's JSON are drawn from it.
 */

/** One time bucket of a chart: `[startMs, endMs)` on the bot's clock, labelled by its start (UTC). */
export interface HistoryBucket {
  startMs: number;
  endMs: number;
  /** `14:05` (UTC); `11-26 14:05` when the window spans more than a day. At most 11 characters. */
  label: string;
}

/** One line of a chart: a worker (or the workers beyond the series limit, summed), one value per bucket. */
export interface HistorySeries {
  /** Worker name as the host reported it (plain text: escape or cut where it is shown). */
  name: string;
  /** The workers in this line: `[name]`, or the several summed into an `other` line. */
  workers: string[];
  /** One value per bucket; null where the bucket has no data for the whole chart. */
  values: (number | null)[];
}

/** One chart: what it plots, its buckets and its series (largest first). */
export interface HistoryChart {
  kind: 'memory' | 'requests';
  /** Unit of the values: `MB` (MiB of RSS; the name is the `history --json` contract, renderers say MiB) or `req/s`. */
  unit: 'MB' | 'req/s';
  buckets: HistoryBucket[];
  series: HistorySeries[];
  /** Readings behind the chart: /proc samples (memory) or intervals between two status samples (requests). */
  readings: number;
}

/** A host's history over a window: the two charts and what they are made of. */
export interface HostHistory {
  host: string;
  /** The window asked for (ms), after bounding by what the watcher keeps. */
  windowMs: number;
  /** First and last reading in the window (bot clock, ms since the epoch). */
  fromMs: number;
  toMs: number;
  /** Sum of the RSS of each worker's processes (MB), per bucket: the mean of the /proc samples in it. */
  memory: HistoryChart;
  /** Requests per second per worker: `total_request` deltas between status samples, counter resets handled. */
  requests: HistoryChart;
  /** Samples in the window whose host did not answer (gaps in the memory chart). */
  missedSamples: number;
  /** Processes whose request counter went back (a reload, a restart) and was counted from 0. */
  counterResets: number;
}
