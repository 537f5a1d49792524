import { renderHistoryPanelSpec } from '../render/chart/history-chart-spec.js';
import { renderChartPng } from '../render/chart/render-chart-png.js';
import { describeHistorySpan } from '../render/describe-history-span.js';
import { DATA_VIZ_LIMITS, renderHistoryMessage } from '../render/slack/history-blocks.js';
import type { SlackMessage } from '../render/slack/limits.js';
import { renderHistoryAltText } from '../render/text/history-summary.js';
import type { WindowView } from '../watch/types.js';
import { buildHostHistory } from './build-host-history.js';
import type { HostHistory } from './types.js';

/** Buckets and lines of the PNG: finer than Slack's 20 points and 6 series. */
export const PNG_MAX_BUCKETS = 150;
export const PNG_MAX_SERIES = 10;

export interface HostChartsOptions {
  /** How far back from the newest sample (ms), already bounded (parseHistoryWindow). */
  windowMs: number;
  /** The window asked for when it was more than is kept (the message says so). */
  askedMs?: number | null;
  /** Slack user ID of who asked; mentioned in the message. */
  requestedBy?: string;
  /** One panel's size in px (two panels, stacked); default 900 × 320. */
  widthPx?: number;
  panelHeightPx?: number;
  /** Pixel density of the PNG (1: 900 × 640 by default). */
  zoom?: number;
}

/** What a chart of a host consists of: the message (with and without native charts) and the PNG. */
export interface HostCharts {
  /** At Slack's resolution (≤ 20 buckets, ≤ 6 lines): what the message shows. */
  history: HostHistory;
  /** The message with Slack's `data_visualization` line charts; the PNG is said to be in the thread. */
  message: SlackMessage;
  /** The same without them (the numbers as text): for when Slack answers `invalid_blocks`. */
  fallback: SlackMessage;
  /** The PNG for the thread (finer: ≤ 150 buckets, ≤ 10 lines), with its alt text for files.uploadV2. */
  png: { bytes: Buffer; filename: string; title: string; altText: string; widthPx: number; heightPx: number };
  /** Vega-Lite → SVG, and SVG → PNG (ms). */
  timings: { svgMs: number; pngMs: number };
}

/**
 * Draws a host's memory per worker and requests per second over `windowMs` of its watch window (the
 * watcher's `window(host)`, or a state file's): the Slack message, its fallback and the PNG. Throws
 * `history_unavailable` when the window has no sample. Post the message as a thread parent (or
 * `thread.update`), and upload `png` into its thread with `alt_text: png.altText`.
 * Example: `await renderHostCharts(watcher.window('web-1')!, { windowMs: 3_600_000 })`.
 */
export async function renderHostCharts(view: WindowView, opts: HostChartsOptions): Promise<HostCharts> {
  const history = buildHostHistory(view, { windowMs: opts.windowMs, maxBuckets: DATA_VIZ_LIMITS.pointsPerSeries, maxSeries: DATA_VIZ_LIMITS.seriesPerChart });
  const fine = buildHostHistory(view, { windowMs: opts.windowMs, maxBuckets: PNG_MAX_BUCKETS, maxSeries: PNG_MAX_SERIES });
  const image = await renderHistoryPng(fine, opts);
  const common = { askedMs: opts.askedMs ?? null, pngInThread: true, ...(opts.requestedBy === undefined ? {} : { requestedBy: opts.requestedBy }) };
  const stamp = `${new Date(history.toMs).toISOString().slice(0, 16).replace(/[-:]/g, '')}Z`;
  return {
    history,
    message: renderHistoryMessage(history, { ...common, withCharts: true }),
    fallback: renderHistoryMessage(history, { ...common, withCharts: false }),
    png: {
      bytes: image.png,
      filename: `history-${view.host}-${stamp}.png`,
      title: `${view.host}: memory and requests, ${describeHistorySpan(history)}`,
      altText: renderHistoryAltText(fine),
      widthPx: image.widthPx,
      heightPx: image.heightPx,
    },
    timings: { svgMs: image.svgMs, pngMs: image.pngMs },
  };
}

/** Renders the two panels (memory, requests) of a history into one PNG. */
export function renderHistoryPng(history: HostHistory, opts: Pick<HostChartsOptions, 'widthPx' | 'panelHeightPx' | 'zoom'> = {}) {
  const panel = { widthPx: opts.widthPx ?? 900, heightPx: opts.panelHeightPx ?? 320 };
  return renderChartPng([renderHistoryPanelSpec(history, history.memory, panel), renderHistoryPanelSpec(history, history.requests, panel)], { panel, zoom: opts.zoom ?? 1 });
}
