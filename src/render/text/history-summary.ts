import type { HistoryChart, HistorySeries, HostHistory } from '../../history/types.js';
import { describeHistorySpan } from '../describe-history-span.js';
import { escapeControl } from '../escape-control.js';
import { displayWidth } from './display-width.js';
import { cutToWidth } from './fit-columns.js';
import { padToWidth } from './table.js';

/** First, last, lowest, highest and mean of the buckets that have a value; null when none has. */
export interface SeriesStats {
  first: number;
  last: number;
  min: number;
  max: number;
  mean: number;
}

/** Returns the numbers a line is summed up by (for text, alt text and the fallback message). */
export function summarizeSeries(series: HistorySeries): SeriesStats | null {
  const known = series.values.filter((v): v is number => v !== null);
  if (known.length === 0) return null;
  return {
    first: known[0]!,
    last: known.at(-1)!,
    min: Math.min(...known),
    max: Math.max(...known),
    mean: known.reduce((a, v) => a + v, 0) / known.length,
  };
}

// Control characters from a host stay out of any text we print.
const plain = escapeControl;
const mb = (v: number): string => v.toFixed(1);
const rate = (v: number): string => (v >= 100 ? v.toFixed(0) : v.toFixed(2));

/** One phrase per line of a chart, largest first: `HttpApi01 41.0 → 58.3 MiB (max 58.3)` / `HttpApi01 12.34 req/s (max 40.10)`. */
export function describeChartLines(chart: HistoryChart): string[] {
  return chart.series.flatMap((s) => {
    const stats = summarizeSeries(s);
    if (stats === null) return [];
    return chart.kind === 'memory'
      ? [`${plain(s.name)} ${mb(stats.first)} → ${mb(stats.last)} MiB (max ${mb(stats.max)})`]
      : [`${plain(s.name)} ${rate(stats.mean)} req/s on average (max ${rate(stats.max)})`];
  });
}

/**
 * Returns the alt text of the history PNG (at most `maxChars`): what the two charts show, in words, for
 * a screen reader or a client that shows no image.
 * Example: `Line charts of web-1, 11-26 06:02–12:01 UTC (6 h). Memory per worker (RSS of its processes summed): HttpApi01 41.0 → 58.3 MiB (max 58.3); …`
 */
export function renderHistoryAltText(history: HostHistory, maxChars = 1000): string {
  const part = (title: string, chart: HistoryChart, none: string): string => {
    const lines = describeChartLines(chart);
    return `${title}: ${lines.length === 0 ? none : lines.join('; ')}.`;
  };
  const text = [
    `Line charts of ${plain(history.host)}, ${describeHistorySpan(history)}.`,
    part('Memory per worker (RSS of its processes summed)', history.memory, 'no data'),
    part('Requests per second per worker', history.requests, 'no data yet (two status samples needed)'),
  ].join(' ');
  const cps = Array.from(text);
  return cps.length <= maxChars ? text : `${cps.slice(0, maxChars - 1).join('')}…`;
}

/** Returns the CLI's text answer of `history` (without --png or --json): the window and each line's numbers. */
export function renderHistoryText(history: HostHistory): string {
  const out: string[] = [];
  const gaps = history.missedSamples === 0 ? '' : `, ${history.missedSamples} unanswered`;
  out.push(`${plain(history.host)}: ${describeHistorySpan(history)}, ${history.memory.readings} /proc samples${gaps}, ${history.requests.readings} status intervals`);
  const width = Math.min(40, Math.max(8, ...[...history.memory.series, ...history.requests.series].map((s) => displayWidth(plain(s.name)))));
  const pad = (name: string): string => padToWidth(cutToWidth(plain(name), width), width);
  out.push('', 'Memory per worker (MiB, RSS of its processes summed):');
  const memLines = history.memory.series.flatMap((s) => {
    const st = summarizeSeries(s);
    return st === null ? [] : [`  ${pad(s.name)}  ${mb(st.first).padStart(8)} → ${mb(st.last).padStart(8)}   min ${mb(st.min)}  max ${mb(st.max)}`];
  });
  out.push(...(memLines.length === 0 ? ['  no data: no /proc sample in this window answered'] : memLines));
  out.push('', 'Requests per second per worker:');
  const reqLines = history.requests.series.flatMap((s) => {
    const st = summarizeSeries(s);
    return st === null ? [] : [`  ${pad(s.name)}  mean ${rate(st.mean).padStart(8)}   max ${rate(st.max).padStart(8)}   last ${rate(st.last).padStart(8)}`];
  });
  out.push(...(reqLines.length === 0 ? ['  no data yet: requests per second need two status samples in the window'] : reqLines));
  if (history.counterResets > 0) out.push('', `${history.counterResets} process(es) started counting requests again (a reload or a restart): counted from 0.`);
  return `${out.join('\n')}\n`;
}
