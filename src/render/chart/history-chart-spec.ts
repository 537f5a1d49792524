import type { HistoryChart, HostHistory } from '../../history/types.js';
import { describeHistorySpan } from '../describe-history-span.js';

/** A Vega-Lite spec as plain JSON (vega-lite's own types are loaded only with the renderer). */
export type VegaLiteSpec = Record<string, unknown>;

/** The font every chart is drawn with: bundled in assets/fonts, the only one resvg is given. */
export const CHART_FONT_FAMILY = 'DejaVu Sans';

// Tableau 10, Vega's default: distinct for up to 10 lines, in series order (largest first).
const PALETTE = ['#4c78a8', '#f58518', '#e45756', '#72b7b2', '#54a24b', '#eeca3b', '#b279a2', '#ff9da6', '#9d755d', '#bab0ac'];

/** Size of one chart panel (px before any zoom). */
export interface PanelSize {
  widthPx: number;
  heightPx: number;
}

const CHART_TEXT = {
  memory: { title: 'memory per worker (MiB, RSS of its processes summed)', axis: 'MiB', empty: 'No /proc sample in this window answered.' },
  requests: {
    title: 'requests per second per worker',
    axis: 'req/s',
    empty: 'No requests per second yet: they come from two status samples in a row (every watch.statusEveryS).',
  },
} as const;

/**
 * Returns the Vega-Lite spec of one panel of the history PNG: a line per series over UTC time, a gap
 * where a bucket has no data, exactly `size` pixels (autosize fit, padding included), one font.
 * A chart without data is a panel that says so. Host and worker names go in as data and titles:
 * Vega draws them as text, nothing is interpreted.
 */
export function renderHistoryPanelSpec(history: HostHistory, chart: HistoryChart, size: PanelSize): VegaLiteSpec {
  const text = CHART_TEXT[chart.kind];
  const names = chart.series.map((s) => s.name);
  const values = chart.series.flatMap((s) =>
    s.values.map((v, b) => ({ t: (chart.buckets[b]!.startMs + chart.buckets[b]!.endMs) / 2, s: s.name, v })),
  );
  const hasData = values.some((row) => row.v !== null);
  const common = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: size.widthPx,
    height: size.heightPx,
    autosize: { type: 'fit', contains: 'padding' },
    padding: 10,
    background: 'white',
    title: { text: `${history.host}: ${text.title}`, subtitle: describeHistorySpan(history), anchor: 'start' },
    config: {
      font: CHART_FONT_FAMILY,
      // One regular face is bundled: no bold anywhere, so nothing is synthesized or substituted.
      title: { fontSize: 14, fontWeight: 'normal', subtitleFontSize: 11, subtitleColor: '#555' },
      axis: { titleFontWeight: 'normal', labelFontSize: 11, titleFontSize: 11 },
      legend: { labelFontSize: 11 },
      view: { stroke: '#ddd' },
    },
  };
  if (!hasData) {
    return { ...common, data: { values: [{ text: text.empty }] }, mark: { type: 'text', fontSize: 13, color: '#555' }, encoding: { text: { field: 'text' } } };
  }
  return {
    ...common,
    data: { values },
    mark: { type: 'line', strokeWidth: 2, point: chart.buckets.length <= 3 ? { size: 30 } : false, invalid: 'break-paths-show-domains' },
    encoding: {
      x: {
        field: 't',
        type: 'temporal',
        scale: { type: 'utc', domain: [chart.buckets[0]!.startMs, chart.buckets.at(-1)!.endMs] },
        axis: { title: 'UTC', format: history.toMs - history.fromMs > 86_400_000 ? '%m-%d %H:%M' : '%H:%M', labelOverlap: true },
      },
      y: { field: 'v', type: 'quantitative', title: text.axis, scale: { zero: chart.kind === 'requests' } },
      color: {
        field: 's',
        type: 'nominal',
        sort: names,
        scale: { domain: names, range: PALETTE.slice(0, Math.max(1, names.length)) },
        legend: { title: null, orient: 'bottom', columns: Math.min(4, Math.max(1, names.length)), labelLimit: 200, symbolType: 'stroke' },
      },
    },
  };
}
