import type { HistoryChart, HostHistory } from '../../history/types.js';

/** The JSON of `workerman-ops history --json` (times as ISO 8601 UTC; values null where a bucket has no data). */
export interface HistoryJson {
  host: string;
  windowS: number;
  from: string;
  to: string;
  missedSamples: number;
  counterResets: number;
  memory: ChartJson;
  requests: ChartJson;
}

interface ChartJson {
  unit: string;
  readings: number;
  buckets: { start: string; end: string }[];
  series: { name: string; workers: string[]; values: (number | null)[] }[];
}

/** Returns the machine-readable form of a history (the README's JSON contract for `history`). */
export function renderHistoryJson(history: HostHistory): HistoryJson {
  const chart = (c: HistoryChart): ChartJson => ({
    unit: c.unit,
    readings: c.readings,
    buckets: c.buckets.map((b) => ({ start: new Date(b.startMs).toISOString(), end: new Date(b.endMs).toISOString() })),
    series: c.series.map((s) => ({ name: s.name, workers: s.workers, values: s.values })),
  });
  return {
    host: history.host,
    windowS: Math.round(history.windowMs / 1000),
    from: new Date(history.fromMs).toISOString(),
    to: new Date(history.toMs).toISOString(),
    missedSamples: history.missedSamples,
    counterResets: history.counterResets,
    memory: chart(history.memory),
    requests: chart(history.requests),
  };
}
