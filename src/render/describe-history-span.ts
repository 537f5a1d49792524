import type { HostHistory } from '../history/types.js';

/** `11-26 06:02–12:01 UTC (6 h)`: the span of a history's readings, for titles, alt text and messages. */
export function describeHistorySpan(history: Pick<HostHistory, 'fromMs' | 'toMs'>): string {
  const from = new Date(history.fromMs).toISOString();
  const to = new Date(history.toMs).toISOString();
  const sameDay = from.slice(0, 10) === to.slice(0, 10);
  const hours = (history.toMs - history.fromMs) / 3_600_000;
  const length = hours >= 1 ? `${Math.round(hours * 10) / 10} h` : `${Math.round(hours * 60)} min`;
  return `${from.slice(5, 10)} ${from.slice(11, 16)}–${sameDay ? '' : `${to.slice(5, 10)} `}${to.slice(11, 16)} UTC (${length})`;
}
