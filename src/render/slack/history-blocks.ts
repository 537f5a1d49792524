import type { Button, KnownBlock } from '@slack/types';
import type { HistoryChart, HostHistory } from '../../history/types.js';
import { describeHistorySpan } from '../describe-history-span.js';
import { escapeControl } from '../escape-control.js';
import { formatDuration } from '../format.js';
import { describeChartLines } from '../text/history-summary.js';
import { askedBy, context, section, sectionMessage } from './blocks.js';
import { escapeCodeBlock, escapeCodeSpan, escapeMrkdwn, truncateEscaped } from './escape.js';
import { SLACK_LIMITS, type SlackMessage, type ThreadGaps } from './limits.js';
import { describeThreadGaps } from './thread-notes.js';

/**
 * Limits of Slack's `data_visualization` block, line chart (https://docs.slack.dev/reference/block-kit/blocks/data-visualization-block;
 * not in shared/docs/slack-platform.md): title ≤ 50 characters; 1–6 series with distinct names ≤ 20
 * characters; each series 1–20 points `{ label, value }` whose labels are the axis categories; categories
 * ≤ 20 characters; axis labels ≤ 50; at most 2 such blocks a message.
 */
export const DATA_VIZ_LIMITS = {
  titleChars: 50,
  seriesPerChart: 6,
  pointsPerSeries: 20,
  nameChars: 20,
  categoryChars: 20,
  axisLabelChars: 50,
  blocksPerMessage: 2,
} as const;

/** The block as Slack takes it (not yet in @slack/types 3.x). */
export interface DataVisualizationBlock {
  type: 'data_visualization';
  block_id?: string;
  title: string;
  chart: {
    type: 'line';
    series: { name: string; data: { label: string; value: number }[] }[];
    axis_config: { categories: string[]; x_label?: string; y_label?: string };
  };
}

export interface HistoryMessageOptions {
  /** Slack user ID of who asked (`U…`/`W…`), mentioned. */
  requestedBy?: string;
  /** Slack's native line charts in the message; false for the message without them (Slack refused the blocks). */
  withCharts: boolean;
  /** The window asked for when it was more than the watcher keeps (ms). */
  askedMs?: number | null;
  /** Whether the PNG goes to the thread (false where the answer is private: no file can go there). */
  pngInThread: boolean;
  /** What did not reach the thread (the PNG), when rendered again after the upload. */
  gaps?: ThreadGaps;
}

const TITLES = { memory: 'Memory per worker (MiB, RSS)', requests: 'Requests per second per worker' } as const;
const AXES = { memory: 'MiB (RSS of its processes, summed)', requests: 'requests per second' } as const;
const EMPTY = {
  memory: 'No memory data: no /proc sample in this window answered.',
  requests: 'No requests per second yet: they come from two status samples in a row (`watch.statusEveryS`).',
} as const;

/** Returns the parent posted while the charts are drawn. */
export function renderHistoryPending(host: string, requestedBy?: string): SlackMessage {
  const who = askedBy(requestedBy);
  return sectionMessage(`:hourglass_flowing_sand: Memory and requests of \`${escapeCodeSpan(host)}\`${who === null ? '' : `, ${who}`}: drawing the charts…`);
}

/**
 * Returns the history message: a summary line, Slack's native line chart of memory per worker and of
 * requests per second (`withCharts`), or the same numbers as text when the charts cannot be shown,
 * and a context line (readings, gaps, who asked, the PNG in the thread).
 */
export function renderHistoryMessage(history: HostHistory, opts: HistoryMessageOptions): SlackMessage {
  const span = describeHistorySpan(history);
  const clamped = opts.askedMs === undefined || opts.askedMs === null ? '' : ` (${formatDuration(opts.askedMs)} asked: the watcher keeps ${formatDuration(history.windowMs)})`;
  const head = `:chart_with_upwards_trend: *Memory and requests of \`${escapeCodeSpan(history.host)}\`*, ${span}${clamped}`;
  const blocks: KnownBlock[] = [section(head)];
  for (const chart of [history.memory, history.requests]) {
    const block = opts.withCharts ? renderLineChartBlock(chart, TITLES[chart.kind], `history-${chart.kind}`) : null;
    if (block !== null) {
      blocks.push(block as unknown as KnownBlock);
      continue;
    }
    const lines = describeChartLines(chart);
    if (lines.length === 0) {
      blocks.push(section(`*${TITLES[chart.kind]}:* ${EMPTY[chart.kind]}`));
      continue;
    }
    const body = truncateEscaped(lines.map(escapeCodeBlock).join('\n'), SLACK_LIMITS.sectionTextChars - 200, '\n…');
    blocks.push(section(`*${TITLES[chart.kind]}:*\n\`\`\`${body}\`\`\``));
  }
  const facts = [
    `${history.memory.readings} /proc samples${history.missedSamples === 0 ? '' : ` (${history.missedSamples} unanswered)`}`,
    `${history.requests.readings} status intervals`,
    ...(history.counterResets === 0 ? [] : [`${history.counterResets} request counters restarted (reload) and counted from 0`]),
  ];
  // Never claim a PNG that did not arrive: the gaps note below says it could not be attached.
  const isPngMissing = (opts.gaps?.files.length ?? 0) > 0;
  const where = !opts.pngInThread ? ' · the PNG goes only to a thread: invite me to the channel to get it' : isPngMissing ? '' : ' · the chart as a PNG is in the thread';
  const who = askedBy(opts.requestedBy);
  blocks.push(context([`${facts.join(' · ')}${who === null ? '' : ` · ${who}`}${where}`]));
  const gaps = describeThreadGaps(opts.gaps);
  if (gaps !== null) blocks.push(section(gaps));
  const summary = [...describeChartLines(history.memory), ...describeChartLines(history.requests)].join('; ');
  const text = truncateEscaped(escapeMrkdwn(`Memory and requests of ${history.host}, ${span}${summary === '' ? '' : `: ${summary}`}`), SLACK_LIMITS.fallbackTextChars, '…');
  return { text, blocks };
}

/**
 * Returns one chart as a `data_visualization` line chart within DATA_VIZ_LIMITS, or null when no
 * bucket has data. Buckets without data are left out (the categories are time labels, so the gap shows
 * in them); the latest 20 are kept. Names are cut to 20 characters and kept distinct.
 */
export function renderLineChartBlock(chart: HistoryChart, title: string, blockId: string): DataVisualizationBlock | null {
  const kept = chart.buckets.map((_, b) => b).filter((b) => chart.series.some((s) => s.values[b] !== null)).slice(-DATA_VIZ_LIMITS.pointsPerSeries);
  if (kept.length === 0 || chart.series.length === 0) return null;
  const categories = kept.map((b) => cut(chart.buckets[b]!.label, DATA_VIZ_LIMITS.categoryChars));
  const names = distinctNames(chart.series.slice(0, DATA_VIZ_LIMITS.seriesPerChart).map((s) => s.name));
  return {
    type: 'data_visualization',
    block_id: blockId,
    title: cut(title, DATA_VIZ_LIMITS.titleChars),
    chart: {
      type: 'line',
      series: names.map((name, k) => ({
        name,
        data: kept.map((b, j) => ({ label: categories[j]!, value: chart.series[k]!.values[b] ?? 0 })),
      })),
      axis_config: { categories, x_label: 'UTC', y_label: cut(AXES[chart.kind], DATA_VIZ_LIMITS.axisLabelChars) },
    },
  };
}

/**
 * Returns the "Chart" button for an alert message (or any message about a host): its click posts the
 * history of `host` over `window` (`1h`, `6h`; all that is kept when absent) in the clicker's channel.
 * The value is re-validated on click, like typed text.
 */
export function renderHistoryChartButton(actionId: string, host: string, window?: string): Button {
  return { type: 'button', action_id: actionId, text: { type: 'plain_text', text: 'Chart' }, value: window === undefined ? host : `${host} ${window}` };
}

// Plain strings (not mrkdwn): no escaping, but no control characters and never over the limit.
function cut(text: string, max: number): string {
  const cps = Array.from(escapeControl(text));
  return cps.length <= max ? cps.join('') : `${cps.slice(0, max - 1).join('')}…`;
}

function distinctNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    let candidate = cut(name, DATA_VIZ_LIMITS.nameChars);
    for (let k = 2; out.includes(candidate); k++) candidate = `${cut(name, DATA_VIZ_LIMITS.nameChars - 3)}~${k}`;
    out.push(candidate);
  }
  return out;
}
