// `/workerman history <host> [window]` and the Chart button through the real bot in HTTP mode and the
// Slack stand-in, reading a watch state file built from real captures (test/helpers/history-scenario.ts):
// the message with Slack's native line charts, the PNG with its alt text in the thread, the fallback
// when Slack refuses the chart block, access like `status`, and one audit line per request.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { saveWatchState } from '../../../src/watch/watch-state-file.js';
import { buildHistoryScenario } from '../../helpers/history-scenario.js';
import { FAKE_PHP } from '../../helpers/paths.js';
import { readPng } from '../../helpers/png.js';
import { startBotHarness, type BotHarness } from '../../helpers/slack-bot-harness.js';
import { sendButtonClick, sendCommand } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn, type StoredMessage } from '../../helpers/slack-standin.js';

const BOT_TOKEN = 'xoxb-1111-2222-historytoken';
const OPS = 'C0OPS0001';
const ANN = 'U0ANN0001';
const BOB = 'U0BOB0001';

const types = (m: StoredMessage | undefined): string[] => (m?.blocks ?? []).map((b) => (b as { type: string }).type);
const hasChart = (p: Record<string, unknown>): boolean => JSON.stringify(p['blocks'] ?? '').includes('data_visualization');

describe('/workerman history', () => {
  let standIn: SlackStandIn;
  let h: BotHarness;
  let tmp: string;
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`H${++seq}`);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'wo-history-'));
    const stateFile = join(tmp, 'watch-state.json');
    const { window } = buildHistoryScenario();
    await saveWatchState(stateFile, { windows: [window], alerts: [] }, Date.now());
    const host = (name: string) => ({ name, workerman: { php: FAKE_PHP, startFile: join(tmp, `${name}.php`) } });
    const config = Config.parse({
      hosts: [host('web-1'), host('web-2'), host('db-1')],
      // web-2 is watched but has no samples (its watcher has not run): db-1 is not watched at all.
      watch: { hosts: ['web-1', 'web-2'], stateFile },
      // No `access.channels`: only the rule lets anyone run status (and so history), and only ANN.
      access: { rules: [{ name: 'web status', commands: ['status'], hosts: ['web-1', 'web-2', 'db-1'], users: [ANN] }] },
      limits: { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 },
    });
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: OPS, kind: 'public', botIsMember: true }] });
    h = await startBotHarness(standIn, config, { botToken: BOT_TOKEN });
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
  });

  afterAll(async () => {
    await h?.stop();
    await standIn?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Waits for the request's audit line and the end of its work; returns the ack's body and private replies. */
  async function settle(before: { audit: number; responses: number }, res: Response): Promise<{ ack: string; responses: Record<string, unknown>[] }> {
    const ack = await res.text();
    await standIn.waitFor(() => h.auditLines.length >= before.audit + 1 && h.bot.inFlightCount() === 0, 30_000, 'the audit line');
    return { ack, responses: standIn.responses.slice(before.responses).map((r) => r.body) };
  }
  const mark = () => ({ audit: h.auditLines.length, responses: standIn.responses.length });
  const ask = async (text: string, userId = ANN) => settle(mark(), await sendCommand(h.eventsUrl, { text, userId, channelId: OPS, responseUrl: responseUrl() }));

  test('history <host> [window] posts native line charts in the channel and the PNG, with alt text, in its thread', async () => {
    const files = standIn.files.length;
    await ask('history web-1 1h');
    const parent = standIn.messages(OPS).at(-1)!;
    expect(types(parent)).toEqual(['section', 'data_visualization', 'data_visualization', 'context']);
    expect(parent.text).toMatch(/^Memory and requests of web-1, 11-26 10:59–11:59 UTC \(1 h\): HttpApi01 /);
    const [memory, requests] = parent.blocks!.filter((b) => (b as { type: string }).type === 'data_visualization') as { chart: { series: { name: string }[]; axis_config: { categories: string[] } } }[];
    expect(memory!.chart.series.map((s) => s.name)).toEqual(['HttpApi01', 'ws-notifications-ga…', 'cron_jobs', 'TextCmd2']);
    expect(requests!.chart.axis_config.categories.length).toBeGreaterThan(2);
    const png = standIn.files.slice(files).find((f) => f.isComplete)!;
    expect(png.filename).toBe('history-web-1-20261126T1159Z.png');
    expect(png.threadTs).toBe(parent.ts);
    expect(png.altText).toMatch(/^Line charts of web-1, 11-26 10:59–11:59 UTC \(1 h\)\. Memory per worker/);
    const image = readPng(png.bytes!);
    expect([image.width, image.height]).toEqual([900, 640]);
    expect(h.auditLines.at(-1)).toMatchObject({ userId: ANN, command: 'history', host: 'web-1', hosts: ['web-1'], outcome: 'ok', rule: '"web status" (access.rules[0])' });
    expect(h.logLines).toContainEqual(expect.objectContaining({ event: 'history_rendered', host: 'web-1', pngBytes: png.declaredLength }));
  });

  test('history falls back to the numbers as text when Slack answers invalid_blocks for the chart block; the PNG still comes', async () => {
    const files = standIn.files.length;
    standIn.fail('chat.update', 'invalid_blocks', 1, hasChart);
    await ask('history web-1');
    const parent = standIn.messages(OPS).at(-1)!;
    expect(types(parent)).toEqual(['section', 'section', 'section', 'context']);
    const shown = JSON.stringify(parent.blocks);
    expect(shown).toContain('*Memory per worker (MiB, RSS):*');
    expect(shown).toContain('HttpApi01 41.1 → 40.3 MiB (max 57.3)');
    expect(shown).toContain('the chart as a PNG is in the thread');
    expect(standIn.files.slice(files).filter((f) => f.isComplete && f.threadTs === parent.ts)).toHaveLength(1);
    expect(h.logLines).toContainEqual(expect.objectContaining({ event: 'slack_blocks_refused', error: 'invalid_blocks', next: 'fallback' }));
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'history', outcome: 'ok' });
  });

  test('a PNG that cannot be attached is said in the thread, and the parent stops promising it', async () => {
    standIn.fail('files.completeUploadExternal', 'internal_error', 1);
    await ask('history web-1 2h');
    const parent = standIn.messages(OPS).at(-1)!;
    const shown = JSON.stringify(parent.blocks);
    expect(shown).toMatch(/history-web-1-20261126T1159Z\.png.* could not be attached/);
    expect(shown).not.toContain('PNG is in the thread');
    expect(types(parent)).toContain('data_visualization');
    expect(standIn.replies(OPS, parent.ts).map((m) => m.text)).toEqual([':warning: I could not attach the chart (PNG) here (`internal_error`).']);
  });

  test('history is refused privately, with a reason, and nothing is posted: not allowed, not watched, no samples, bad window', async () => {
    const posts = standIn.callsOf('chat.postMessage').length;
    const denied = await ask('history web-1', BOB);
    expect(denied.ack).toContain('access_denied');
    expect(h.auditLines.at(-1)).toMatchObject({ userId: BOB, command: 'history', outcome: 'denied' });
    const notWatched = await ask('history db-1');
    expect(notWatched.ack + JSON.stringify(notWatched.responses)).toContain('db-1 is not watched: add it (or one of its groups) to watch.hosts.');
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'history', host: 'db-1', outcome: 'error', errorCode: 'history_unavailable' });
    const empty = await ask('history web-2');
    expect(empty.ack + JSON.stringify(empty.responses)).toContain('The watcher has no samples of web-2 yet');
    const bad = await ask('history web-1 yesterday');
    expect(bad.ack).toContain('The window is a duration like 30m, 1h or 6h, got \\"yesterday\\".');
    expect(standIn.callsOf('chat.postMessage').length).toBe(posts);
  });

  test('the Chart button posts the history into the thread of the message that carries it, re-checked like typed text', async () => {
    const client = new WebClient(BOT_TOKEN, { slackApiUrl: standIn.apiUrl, retryConfig: { retries: 0 } });
    const alert = await client.chat.postMessage({ channel: OPS, text: 'HttpApi01 on web-1: memory grows 6.0 MiB/h' });
    const files = standIn.files.length;
    const click = async (value: string, userId = ANN) =>
      settle(mark(), await sendButtonClick(h.eventsUrl, { actionId: 'history_chart', value, userId, channelId: OPS, messageTs: String(alert.ts), responseUrl: responseUrl() }));
    await click('web-1 30m');
    const replies = standIn.replies(OPS, String(alert.ts));
    expect(types(replies[0])).toEqual(['section', 'data_visualization', 'data_visualization', 'context']);
    expect(replies[0]!.text).toContain('11-26 11:29–11:59 UTC (30 min)');
    expect(standIn.files.slice(files).filter((f) => f.isComplete && f.threadTs === alert.ts)).toHaveLength(1);
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'history_chart', host: 'web-1', outcome: 'ok', via: 'button' });
    // A forged value is input like any other; a clicker without a rule is denied.
    const forged = await click('../etc 1h');
    expect(JSON.stringify(forged.responses)).toContain('input_invalid');
    await click('web-1', BOB);
    expect(h.auditLines.at(-1)).toMatchObject({ userId: BOB, command: 'history_chart', outcome: 'denied' });
    expect(standIn.replies(OPS, String(alert.ts))).toHaveLength(1);
  });
});
