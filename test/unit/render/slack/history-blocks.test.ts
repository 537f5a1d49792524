import { describe, expect, test } from 'vitest';
import { buildHostHistory } from '../../../../src/history/build-host-history.js';
import type { HostHistory } from '../../../../src/history/types.js';
import { DATA_VIZ_LIMITS, renderHistoryChartButton, renderHistoryMessage, renderLineChartBlock, type DataVisualizationBlock } from '../../../../src/render/slack/history-blocks.js';
import type { WatchSample, WindowView } from '../../../../src/watch/types.js';
import { buildHistoryScenario } from '../../../helpers/history-scenario.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

const HOUR = 3_600_000;
const view = buildHistoryScenario().window.view();
const slackHistory = (v: WindowView, windowMs = 6 * HOUR): HostHistory => buildHostHistory(v, { windowMs, maxBuckets: DATA_VIZ_LIMITS.pointsPerSeries, maxSeries: DATA_VIZ_LIMITS.seriesPerChart });
const charts = (blocks: readonly unknown[]): DataVisualizationBlock[] => blocks.filter((b) => (b as { type: string }).type === 'data_visualization') as DataVisualizationBlock[];

/** The scenario with every worker process its own worker, named by `name(k)`: eight workers. */
function renameWorkers(name: (k: number) => string): WindowView {
  const samples = view.samples.map((s): WatchSample => {
    let k = 0;
    const processes = s.processes.map((p) => (p.role === 'worker' ? { ...p, worker: name(k++) } : p));
    const status = s.status === null ? null : { ...s.status, processes: s.status.processes.map((p, j) => ({ ...p, worker: name(j) })) };
    return { ...s, processes, status };
  });
  return { host: view.host, samples };
}

describe('renderHistoryMessage()', () => {
  test('renderHistoryMessage() shows two native line charts Slack accepts: ≤ 6 series, ≤ 20 points, time buckets as categories', async () => {
    const history = slackHistory(view);
    const message = renderHistoryMessage(history, { withCharts: true, pngInThread: true, requestedBy: 'U0123ABCD' });
    expect(validateBlocks(message.blocks)).toBeNull();
    const [memory, requests] = charts(message.blocks);
    for (const block of [memory!, requests!]) {
      expect(block.chart.type).toBe('line');
      expect(block.chart.series.length).toBeLessThanOrEqual(6);
      for (const s of block.chart.series) expect(s.data.map((d) => d.label)).toEqual(block.chart.axis_config.categories);
      expect(block.chart.axis_config.categories.every((c) => /^\d\d:\d\d$/.test(c))).toBe(true);
    }
    expect(memory!.chart.axis_config.categories).toHaveLength(20);
    await expect(JSON.stringify(message, null, 2)).toMatchFileSnapshot('__snapshots__/history.blocks.json');
  });

  test('renderHistoryMessage() keeps eight workers to six lines (the smallest summed into "other (3)") and names within 20 characters', () => {
    const eight = renameWorkers((k) => `notification-consumer-${k}`);
    const message = renderHistoryMessage(slackHistory(eight), { withCharts: true, pngInThread: true });
    expect(validateBlocks(message.blocks)).toBeNull();
    for (const block of charts(message.blocks)) {
      const names = block.chart.series.map((s) => s.name);
      expect(names).toHaveLength(6);
      expect(names.at(-1)).toBe('other (3)');
      expect(new Set(names).size).toBe(6);
      expect(names.every((n) => Array.from(n).length <= 20)).toBe(true);
    }
  });

  test('renderHistoryMessage() without charts gives the same numbers as text; worker names escaped in mrkdwn', () => {
    const evil = renameWorkers((k) => (k === 0 ? '<!channel> *boom*' : `w${k}`));
    const history = slackHistory(evil);
    const message = renderHistoryMessage(history, { withCharts: false, pngInThread: true });
    expect(validateBlocks(message.blocks)).toBeNull();
    expect(charts(message.blocks)).toEqual([]);
    const texts = mrkdwnTexts(message.text, message.blocks);
    expect(texts.some((t) => t.includes('&lt;!channel&gt;'))).toBe(true);
    expect(texts.every((t) => !/<!channel>/.test(t))).toBe(true);
    expect(texts.join('\n')).toContain('the chart as a PNG is in the thread');
    // In the native chart the name is a plain string (Slack does not parse it): cut, never escaped twice.
    const native = charts(renderHistoryMessage(history, { withCharts: true, pngInThread: true }).blocks);
    expect(native[0]!.chart.series.some((s) => s.name === '<!channel> *boom*')).toBe(true);
  });

  test('renderHistoryMessage() says what is missing: no status samples yet, a window cut to what is kept, a PNG that did not arrive', () => {
    const noStatus: WindowView = { host: 'web-1', samples: view.samples.slice(0, 30).map((s) => ({ ...s, status: null })) };
    const history = slackHistory(noStatus, HOUR);
    const message = renderHistoryMessage(history, { withCharts: true, pngInThread: true, askedMs: 12 * HOUR, gaps: { replies: 0, files: ['history-web-1-20261126T0629Z.png'] } });
    expect(validateBlocks(message.blocks)).toBeNull();
    expect(charts(message.blocks)).toHaveLength(1);
    const text = mrkdwnTexts(undefined, message.blocks).join('\n');
    expect(text).toContain('No requests per second yet');
    expect(text).toContain('(12 h asked: the watcher keeps 1 h)');
    expect(text).toContain('`history-web-1-20261126T0629Z.png` could not be attached');
    expect(text).not.toContain('PNG is in the thread');
  });

  test('renderHistoryChartButton() carries the host (and window) for the Chart button, within Slack\'s limits', () => {
    const button = renderHistoryChartButton('history_chart', 'web-1', '1h');
    expect(button).toEqual({ type: 'button', action_id: 'history_chart', text: { type: 'plain_text', text: 'Chart' }, value: 'web-1 1h' });
    expect(validateBlocks([{ type: 'actions', elements: [button] }])).toBeNull();
  });
});

describe('the stand-in\'s data_visualization checks', () => {
  const good = renderLineChartBlock(slackHistory(view).memory, 'Memory per worker (MiB, RSS)', 'm')!;
  const verdictOf = (mutate: (b: DataVisualizationBlock) => void, extra: unknown[] = []) => {
    const block = structuredClone(good);
    mutate(block);
    return validateBlocks([block, ...extra]);
  };

  test('validateBlocks() accepts the block as rendered and refuses each malformed variant with invalid_blocks', () => {
    expect(validateBlocks([good])).toBeNull();
    const seventh = { name: 'seventh', data: good.chart.series[0]!.data };
    const cases: [string, (b: DataVisualizationBlock) => void, RegExp][] = [
      ['7 series', (b) => b.chart.series.push(...Array.from({ length: 7 - b.chart.series.length }, (_, i) => ({ ...seventh, name: `s${i}` }))), /series: between 1 and 6/],
      ['21 points', (b) => { b.chart.axis_config.categories.push('12:00'); for (const s of b.chart.series) s.data.push({ label: '12:00', value: 1 }); }, /data: between 1 and 20/],
      ['labels off the categories', (b) => { b.chart.series[0]!.data[0]!.label = '05:59'; }, /labels must match/],
      ['a 51-character title', (b) => { b.title = 'x'.repeat(51); }, /title/],
      ['a 21-character name', (b) => { b.chart.series[0]!.name = 'n'.repeat(21); }, /name: 1 to 20/],
      ['two series of one name', (b) => { b.chart.series[1]!.name = b.chart.series[0]!.name; }, /duplicate series name/],
      ['a value that is not a number', (b) => { (b.chart.series[0]!.data[0] as { value: unknown }).value = '41.0'; }, /value must be a number/],
      ['a scatter chart', (b) => { (b.chart as { type: string }).type = 'scatter'; }, /chart type/],
    ];
    for (const [what, mutate, why] of cases) {
      const verdict = verdictOf(mutate);
      expect(verdict?.error, what).toBe('invalid_blocks');
      expect(verdict?.messages.join(' '), what).toMatch(why);
    }
    expect(verdictOf(() => undefined, [{ ...good, block_id: 'b' }, { ...good, block_id: 'c' }])?.messages.join(' ')).toMatch(/no more than 2 data_visualization/);
  });
});
