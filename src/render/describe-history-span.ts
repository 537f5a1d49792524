import type { HostHistory } from '../history/types.js';
import { formatDuration } from './format.js';

/** `11-26 06:02–12:01 UTC (6 h)`: the span of a history's readings, for titles, alt text and messages. */
export function describeHistorySpan(history: Pick<HostHistory, 'fromMs' | 'toMs'>): string {
  const from = new Date(history.fromMs).toISOString();
  const to = new Date(history.toMs).toISOString();
  const sameDay = from.slice(0, 10) === to.slice(0, 10);
  // A window of buckets: from an hour up its length is rounded to 6 minutes, so 06:00–11:59 reads "6 h".
  const spanMs = history.toMs - history.fromMs;
  const length = formatDuration(spanMs >= 3_600_000 ? Math.round(spanMs / 360_000) * 360_000 : spanMs);
  return `${from.slice(5, 10)} ${from.slice(11, 16)}–${sameDay ? '' : `${to.slice(5, 10)} `}${to.slice(11, 16)} UTC (${length})`;
}
