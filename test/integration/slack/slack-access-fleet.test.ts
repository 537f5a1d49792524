// Issue 5 through Slack, end to end in HTTP mode: access rules on signed slash commands and button
// clicks, one audit line per request, a fleet status over the real loopback sshd, the per-user rate
// limit, 429s from the stand-in retried, and property tests over hostile command text and button values.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { OUTSIDER_RULE } from '../../../src/access/check-access.js';
import type { HostConfig } from '../../../src/config/host-config.js';
import { Config } from '../../../src/config/schema.js';
import { ACTION_IDS } from '../../../src/slack/ids.js';
import { sendButtonClick, sendCommand, type ButtonClick } from '../../helpers/slack-signing.js';
import { startBotHarness, type BotHarness } from '../../helpers/slack-bot-harness.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

const BOT_TOKEN = 'xoxb-1111-2222-issue5token';
const OPS = 'C0OPS0001';
const RANDOM = 'C0RANDOM1';
const AUDIT = 'C0AUDIT01';
const BOB = 'U0BOB0001';
const WEBBER = 'U0WEB0001';
const ALICE = 'U0ALICE01';
const ROOMY_LIMITS = { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 };

type Line = Record<string, unknown>;

type Harness = BotHarness;

function startBot(standIn: SlackStandIn, config: Config): Promise<Harness> {
  return startBotHarness(standIn, config, { botToken: BOT_TOKEN });
}

/** Waits until the audit has `count` lines and no work is in flight (thread replies included). */
async function settle(h: Harness, count: number, timeoutMs = 15_000): Promise<void> {
  await h.standIn.waitFor(() => h.auditLines.length >= count && h.bot.inFlightCount() === 0, timeoutMs, `${count} audit lines`);
  await new Promise((r) => setTimeout(r, 10));
}

/** How many times fake-php ran `status` for this app (its replay counter). */
function statusRuns(app: FakeApp): number {
  const file = `${app.startFile}.status.count`;
  return existsSync(file) ? Number(readFileSync(file, 'utf8')) : 0;
}

function handlerCrashes(h: Harness): Line[] {
  return h.logLines.filter((l) => l['event'] === 'bolt_error' || l['event'] === 'internal_error');
}

describe('access rules through signed commands and buttons (local transport)', () => {
  let standIn: SlackStandIn;
  let h: Harness;
  const apps = new Map<string, FakeApp>();
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`A${++seq}`);
  const runs = (): Record<string, number> => Object.fromEntries([...apps].map(([name, app]) => [name, statusRuns(app)]));

  beforeAll(async () => {
    const hosts: HostConfig[] = [];
    for (const [name, groups] of [['web-1', ['web']], ['web-2', ['web']], ['db-1', ['db']]] as const) {
      const app = await createFakeApp({ status: ['wm5.2.2-idle'] });
      apps.set(name, app);
      hosts.push(app.host(name, { groups }));
    }
    const config = Config.parse({
      hosts,
      access: {
        channels: [OPS],
        contact: 'ask @ops-oncall in #ops',
        rules: [
          { name: 'web team', commands: ['status'], hosts: ['web'], users: [WEBBER] },
          { name: 'tracers', commands: ['trace'], hosts: ['web-1'], users: [ALICE], channels: [OPS] },
        ],
      },
      limits: ROOMY_LIMITS,
    });
    standIn = await startSlackStandIn({
      botToken: BOT_TOKEN,
      channels: [
        { id: OPS, kind: 'public', botIsMember: true },
        { id: RANDOM, kind: 'public', botIsMember: true },
      ],
    });
    h = await startBot(standIn, config);
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
    expect(handlerCrashes(h)).toEqual([]);
  });

  afterAll(async () => {
    await h?.bot.stop();
    await standIn?.close();
    for (const app of apps.values()) await app.cleanup();
  });

  // [user, channel, text, allowed?, rule named in the audit line, hosts that must run]
  // Bob in #random is an outsider (no rule lists him, #random is no access channel): he is denied
  // before his text is read, and told nothing about hosts, groups or rules.
  const commandCases: [string, string, string, boolean, string, string[]][] = [
    [BOB, OPS, 'status web-1', true, 'access.channels', ['web-1']],
    [BOB, RANDOM, 'status web-1', false, OUTSIDER_RULE, []],
    [BOB, RANDOM, 'status nosuch', false, OUTSIDER_RULE, []],
    [WEBBER, RANDOM, 'status web-2', true, '"web team" (access.rules[0])', ['web-2']],
    [WEBBER, RANDOM, 'status db-1', false, 'default: access.channels', []],
    [WEBBER, RANDOM, 'status web', true, '"web team" (access.rules[0])', ['web-1', 'web-2']],
    [WEBBER, RANDOM, 'status all', false, 'default: access.channels', []],
    [BOB, RANDOM, 'status all', false, OUTSIDER_RULE, []],
    [BOB, OPS, 'trace web-1 123', false, '"tracers" (access.rules[1])', []],
    [ALICE, RANDOM, 'trace web-1 123', false, '"tracers" (access.rules[1])', []],
    [ALICE, OPS, 'trace web-1 123', true, '"tracers" (access.rules[1])', []],
    [ALICE, OPS, 'trace web-2 123', false, 'default: trace needs an access rule', []],
    [BOB, RANDOM, 'hosts', false, OUTSIDER_RULE, []],
    [BOB, OPS, 'hosts', true, 'access.channels', []],
  ];

  test.each(commandCases)('%s in %s: "/workerman %s" allowed=%s (%s)', async (userId, channelId, text, allowed, rule, ran) => {
    const before = runs();
    const auditBefore = h.auditLines.length;
    const responsesBefore = standIn.responses.length;
    const res = await sendCommand(h.eventsUrl, { text, userId, channelId, responseUrl: responseUrl() });
    expect(res.status).toBe(200);
    const ackBody = await res.text();
    await settle(h, auditBefore + 1);

    // Exactly one audit line, with the outcome and the rule that decided it.
    const lines = h.auditLines.slice(auditBefore);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ userId, channelId, via: 'command', outcome: allowed ? 'ok' : 'denied', errorCode: allowed ? null : 'access_denied', rule });

    const after = runs();
    for (const name of apps.keys()) expect(after[name]! - before[name]!, `status runs on ${name}`).toBe(ran.includes(name) ? 1 : 0);
    const replies = [ackBody, ...standIn.responses.slice(responsesBefore).map((r) => JSON.stringify(r.body))].join('\n');
    if (!allowed && rule === OUTSIDER_RULE) {
      // Privately, and nothing about the configuration: no host, group or rule name.
      expect(replies).toContain('access_denied');
      expect(replies).toMatch(/not allowed to use this bot here.*Ask @ops-oncall in #ops/);
      expect(replies).not.toMatch(/web-1|web-2|db-1|\bweb\b|\bdb\b|web team|tracers|access\.rules/);
    } else if (!allowed) {
      // Privately, naming the rule and who to ask; nothing posted in the channel.
      const named = rule.startsWith('default: ') ? (rule.includes('trace') ? 'trace is denied unless a rule' : 'access.channels') : rule.slice(rule.indexOf('(') + 1, -1);
      expect(replies).toContain('access_denied');
      expect(replies).toContain(named);
      expect(replies).toMatch(/is not allowed.*Ask @ops-oncall in #ops/);
    }
    if (!allowed) expect(standIn.responses.slice(responsesBefore).every((r) => r.body['response_type'] === 'ephemeral')).toBe(true);
    if (text.startsWith('status') && allowed) {
      const parent = standIn.messages(channelId).at(-1)!;
      expect(parent.text).toMatch(/^Workerman status of /);
    }
  });

  // [user, channel, action, value, expected outcome, errorCode]
  const buttonCases: [string, string, ButtonClick['actionId'], string, 'ok' | 'denied' | 'error', string | null][] = [
    [BOB, RANDOM, ACTION_IDS.statusRefresh, 'web-1', 'denied', 'access_denied'],
    [WEBBER, RANDOM, ACTION_IDS.statusRefresh, 'db-1', 'denied', 'access_denied'],
    [WEBBER, RANDOM, ACTION_IDS.statusRefresh, 'all', 'denied', 'access_denied'],
    // An outsider's button value is not even read.
    [BOB, RANDOM, ACTION_IDS.statusRefresh, 'web-1; reboot', 'denied', 'access_denied'],
    [BOB, RANDOM, ACTION_IDS.statusRefresh, 'nosuch', 'denied', 'access_denied'],
    [WEBBER, RANDOM, ACTION_IDS.statusRefresh, 'web-1; reboot', 'error', 'input_invalid'],
    [ALICE, OPS, ACTION_IDS.traceConfirm, JSON.stringify({ h: 'web-2', p: '123', d: '2' }), 'denied', 'access_denied'],
    [BOB, OPS, ACTION_IDS.traceConfirm, JSON.stringify({ h: 'web-1', p: '123', d: '2' }), 'denied', 'access_denied'],
    [ALICE, OPS, ACTION_IDS.traceConfirm, JSON.stringify({ h: 'web-1', p: '-1', d: '2' }), 'error', 'input_invalid'],
    [ALICE, OPS, ACTION_IDS.traceConfirm, JSON.stringify({ h: 'web-1', p: '0x10', d: '2' }), 'error', 'input_invalid'],
    [ALICE, OPS, ACTION_IDS.traceConfirm, JSON.stringify({ h: 'web-1', p: '99999999999', d: '2' }), 'error', 'input_invalid'],
    [ALICE, OPS, ACTION_IDS.traceConfirm, JSON.stringify({ h: 'web-1', p: '123', d: '999' }), 'error', 'input_invalid'],
    [ALICE, RANDOM, ACTION_IDS.traceSelect, 'web-1:123', 'denied', 'access_denied'],
    [BOB, OPS, ACTION_IDS.traceSelect, 'web-1:123', 'denied', 'access_denied'],
    [ALICE, OPS, ACTION_IDS.traceSelect, 'web-1:123', 'ok', null],
  ];

  test.each(buttonCases)('%s in %s clicks %s with %j: %s', async (userId, channelId, actionId, value, outcome, errorCode) => {
    const before = runs();
    const auditBefore = h.auditLines.length;
    const responsesBefore = standIn.responses.length;
    const postsBefore = standIn.callsOf('chat.postMessage').length;
    const res = await sendButtonClick(h.eventsUrl, {
      actionId,
      value,
      userId,
      channelId,
      responseUrl: responseUrl(),
      messageTs: '1700000000.000001',
      ...(actionId === ACTION_IDS.traceSelect ? { kind: 'static_select' as const } : {}),
    });
    expect(res.status).toBe(200);
    await settle(h, auditBefore + 1);
    expect(h.auditLines.slice(auditBefore)).toEqual([expect.objectContaining({ userId, channelId, command: actionId, via: 'button', outcome, errorCode })]);
    // Nothing ran and nothing was posted in the channel: the answer is private.
    expect(runs()).toEqual(before);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(postsBefore);
    const reply = await standIn.waitFor(() => standIn.responses[responsesBefore]);
    expect(reply.body['response_type']).toBe('ephemeral');
    if (outcome === 'denied') expect(String(reply.body['text'])).toMatch(/not allowed.*Ask @ops-oncall in #ops/);
    if (userId === BOB && channelId === RANDOM) expect(String(reply.body['text'])).not.toMatch(/web-1|web-2|db-1|\bweb\b/);
    if (outcome === 'ok') expect(JSON.stringify(reply.body)).toContain(ACTION_IDS.traceConfirm);
  });

  test('an allowed Refresh of a group re-runs the fleet in the same thread', async () => {
    const auditBefore = h.auditLines.length;
    await sendCommand(h.eventsUrl, { text: 'status web', userId: WEBBER, channelId: RANDOM, responseUrl: responseUrl() });
    await settle(h, auditBefore + 1);
    const parent = standIn.messages(RANDOM).at(-1)!;
    expect(parent.text).toBe('Workerman status of web: 2 hosts: 2 up');
    const before = runs();
    await sendButtonClick(h.eventsUrl, { actionId: ACTION_IDS.statusRefresh, value: 'web', userId: WEBBER, channelId: RANDOM, responseUrl: responseUrl(), messageTs: parent.ts });
    await settle(h, auditBefore + 2);
    expect(h.auditLines.at(-1)).toMatchObject({ command: ACTION_IDS.statusRefresh, host: 'web', hosts: ['web-1', 'web-2'], outcome: 'ok' });
    expect(runs()).toEqual({ ...before, 'web-1': before['web-1']! + 1, 'web-2': before['web-2']! + 1 });
    const replies = standIn.replies(RANDOM, parent.ts);
    expect(replies.filter((m) => m.text === 'Workerman status of web: 2 hosts: 2 up')).toHaveLength(1);
  });

  test('a host reply Slack refuses does not stop the next host; the thread says so and the parent stops pointing there', async () => {
    const auditBefore = h.auditLines.length;
    standIn.fail('chat.postMessage', 'msg_blocks_too_long', 1, (p) => typeof p['thread_ts'] === 'string' && String(p['text']).startsWith('Workerman status of web-1'));
    await sendCommand(h.eventsUrl, { text: 'status web', userId: WEBBER, channelId: RANDOM, responseUrl: responseUrl() });
    await settle(h, auditBefore + 1);
    const parent = standIn.messages(RANDOM).at(-1)!;
    const replies = standIn.replies(RANDOM, parent.ts).map((m) => m.text);
    expect(replies).toEqual([':warning: A reply of this thread could not be posted (`msg_blocks_too_long`).', expect.stringMatching(/^Workerman status of web-2:/)]);
    const context = JSON.stringify(parent.blocks);
    expect(context).toContain(':warning: Not everything reached the thread: 1 reply could not be posted.');
    expect(context).not.toContain("Each host's details are in the thread");
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'status', host: 'web', outcome: 'ok' });
  });
});

// A port nothing listens on: bind an ephemeral port, then close it.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.skipIf(sshdUnavailableReason !== null)('fleet status through Slack over the real loopback sshd', () => {
  const PER_HOST_TIMEOUT_MS = 3_000;
  const POST_INTERVAL_MS = 200;
  let sshd: SshdHandle;
  let standIn: SlackStandIn;
  let h: Harness;
  const apps: FakeApp[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    const fast = await createFakeApp({ status: ['wm5.2.2-idle'] });
    const slow = await createFakeApp({ status: ['wm4.0.47-busy-sleep'] }, 700);
    const stopped = await createFakeApp({ status: ['wm4.0.47-not-running'] });
    // Hangs past the fleet's per-host timeout, and ends by itself soon after (nothing left running).
    const hanging = await createFakeApp({ status: ['wm5.2.2-idle'] }, PER_HOST_TIMEOUT_MS + 2_000);
    apps.push(fast, slow, stopped, hanging);
    const deadPort = await closedPort();
    const host = (name: string, app: FakeApp, ssh: Record<string, unknown> = {}) => ({
      name,
      groups: ['web'],
      ssh: sshd.sshSettings({ connectTimeoutMs: 2_000, ...ssh }),
      workerman: app.host().workerman,
    });
    const config = Config.parse({
      hosts: [
        host('web-1', fast),
        host('web-2', fast),
        host('web-3', fast),
        host('slow-1', slow),
        host('stopped-1', stopped),
        host('dead-1', fast, { port: deadPort }),
        host('hung-1', hanging),
      ],
      limits: { ...ROOMY_LIMITS, postIntervalMs: POST_INTERVAL_MS, fleetHostTimeoutMs: PER_HOST_TIMEOUT_MS, fleetConcurrency: 16 },
    });
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: OPS, kind: 'public', botIsMember: true }] });
    h = await startBot(standIn, config);
  });

  afterAll(async () => {
    await h?.bot.stop();
    await standIn?.close();
    await sshd?.stop();
    await Promise.all(apps.map((a) => a.cleanup()));
  });

  test('/workerman status web posts ONE message with a row per host in time; dead hosts show unreachable; details in the thread', async () => {
    const started = performance.now();
    const res = await sendCommand(h.eventsUrl, { text: 'status web', channelId: OPS, responseUrl: standIn.responseUrl('F1') });
    expect(res.status).toBe(200);
    const parent = await standIn.waitFor(() => standIn.messages(OPS).find((m) => m.text.startsWith('Workerman status of web:')), 20_000, 'the fleet message');
    const elapsedMs = performance.now() - started;
    expect(standIn.messages(OPS)).toHaveLength(1);
    expect(parent.text).toBe('Workerman status of web: 7 hosts: 4 up, 1 not running, 2 unreachable');

    const table = parent.blocks?.find((b) => (b as { type: string }).type === 'table') as { rows: { text: string }[][] } | undefined;
    const rows = Object.fromEntries(table!.rows.slice(1).map((cells) => [cells[0]!.text, cells.map((c) => c.text)]));
    expect(Object.keys(rows)).toEqual(['web-1', 'web-2', 'web-3', 'slow-1', 'stopped-1', 'dead-1', 'hung-1']);
    expect(rows['web-1']!.slice(1, 5)).toEqual(['up', '5.2.2', '8', '0']);
    expect(rows['stopped-1']![1]).toBe('not running');
    expect(rows['dead-1']![1]).toBe('unreachable');
    expect(rows['hung-1']![1]).toBe('unreachable');
    expect(JSON.stringify(parent.blocks)).toContain('ssh_connect_failed');
    expect(JSON.stringify(parent.blocks)).toContain('command_timed_out');

    // Within the slowest live host's time plus the per-host timeout (plus one paced post interval).
    const times = table!.rows.slice(1).filter((c) => c[1]!.text === 'up' || c[1]!.text === 'not running').map((c) => parseDuration(c[7]!.text));
    const slowestLiveMs = Math.max(...times);
    console.log(`[slack fleet] 7 hosts: message after ${Math.round(elapsedMs)} ms; slowest live host ${slowestLiveMs} ms; per-host timeout ${PER_HOST_TIMEOUT_MS} ms`);
    expect(elapsedMs).toBeLessThan(slowestLiveMs + PER_HOST_TIMEOUT_MS + POST_INTERVAL_MS + 1_000);

    await settle(h, 1, 30_000);
    expect(h.auditLines).toEqual([
      expect.objectContaining({ command: 'status', host: 'web', outcome: 'ok', hosts: ['web-1', 'web-2', 'web-3', 'slow-1', 'stopped-1', 'dead-1', 'hung-1'] }),
    ]);
    const replies = standIn.replies(OPS, parent.ts);
    expect(replies.map((r) => r.text.split(':')[0])).toEqual([
      'Workerman status of web-1',
      'Workerman status of web-2',
      'Workerman status of web-3',
      'Workerman status of slow-1',
      'Workerman status of stopped-1 failed',
      'Workerman status of dead-1 failed',
      'Workerman status of hung-1 failed',
    ]);
    // Paced: posts in one channel are at least the interval apart. (Updates are not paced per channel:
    // chat.update is Tier 3, counted per workspace; the poster keeps them within that budget.)
    const posts = standIn.calls.filter((c) => c.method === 'chat.postMessage').map((c) => c.at);
    // Times are of arrival at the stand-in, so a gap can be shorter than the pacing by the HTTP
    // jitter of the post before it (tens of ms on a loaded machine); over the whole run only the
    // first and last posts' jitter remains, so the span shows the pacing held for every post.
    const gaps = posts.slice(1).map((t, i) => t - posts[i]!);
    expect(posts.at(-1)! - posts[0]!).toBeGreaterThanOrEqual((posts.length - 1) * POST_INTERVAL_MS - 100);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(POST_INTERVAL_MS - 100);
    expect(standIn.violations).toEqual([]);
    expect(handlerCrashes(h)).toEqual([]);
  });
});

function parseDuration(text: string): number {
  const m = /^([\d.]+) (ms|s)$/.exec(text);
  return m === null ? NaN : Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

describe('limits through Slack: per-user rate limit, 429 retried, audit channel', () => {
  let standIn: SlackStandIn;
  let h: Harness;
  let app: FakeApp;
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`L${++seq}`);

  beforeAll(async () => {
    app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    const config = Config.parse({
      hosts: [app.host('web-1')],
      audit: { channel: AUDIT },
      limits: { userBurst: 2, userPerMinute: 1, postIntervalMs: 0 },
    });
    standIn = await startSlackStandIn({
      botToken: BOT_TOKEN,
      channels: [
        { id: OPS, kind: 'public', botIsMember: true },
        { id: AUDIT, kind: 'private', botIsMember: true },
      ],
    });
    h = await startBot(standIn, config);
  });

  afterAll(async () => {
    await h?.bot.stop();
    await standIn?.close();
    await app?.cleanup();
  });

  test('a user over the limit gets a clear ephemeral rate_limited answer; denied/failed requests count too; nothing runs', async () => {
    // Two failed requests use up the burst: a flood of bad requests is throttled like good ones.
    for (const text of ['status nope', 'status <!channel>']) {
      const res = await sendCommand(h.eventsUrl, { text, userId: BOB, channelId: OPS, responseUrl: responseUrl() });
      expect(((await res.json()) as { response_type: string }).response_type).toBe('ephemeral');
    }
    const res = await sendCommand(h.eventsUrl, { text: 'status web-1', userId: BOB, channelId: OPS, responseUrl: responseUrl() });
    const body = (await res.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/You have sent 2 commands in a short time.*Try again in \d+ s\. \(rate_limited\)/);
    await settle(h, 3);
    expect(statusRuns(app)).toBe(0);
    expect(h.auditLines.map((l) => `${String(l['command'])} ${String(l['host'])}: ${String(l['outcome'])} ${String(l['errorCode'])}`)).toEqual([
      'status nope: error host_unknown',
      'status null: error input_invalid',
      'status web-1: rate_limited rate_limited',
    ]);
    // Another user is not affected.
    await sendCommand(h.eventsUrl, { text: 'status web-1', userId: WEBBER, channelId: OPS, responseUrl: responseUrl() });
    await settle(h, 4);
    expect(h.auditLines[3]).toMatchObject({ userId: WEBBER, outcome: 'ok' });
    expect(statusRuns(app)).toBe(1);
    // Each request was also posted, escaped, to the audit channel.
    await standIn.waitFor(() => standIn.messages(AUDIT).length >= 4 || undefined, 5_000, 'audit channel posts');
    expect(standIn.messages(AUDIT).map((m) => m.text)[2]).toMatch(/^⏳ <@U0BOB0001> in <#C0OPS0001>: `status web-1` → rate_limited \(rate_limited\), \d+ ms$/);
    expect(standIn.violations).toEqual([]);
  });

  test('a 429 with Retry-After from Slack is waited out and retried once: the post lands', async () => {
    standIn.reset();
    h.logLines.length = 0;
    standIn.rateLimit('chat.postMessage', 1, 1);
    const auditBefore = h.auditLines.length;
    await sendCommand(h.eventsUrl, { text: 'status web-1', userId: ALICE, channelId: OPS, responseUrl: responseUrl() });
    await settle(h, auditBefore + 1);
    const parent = standIn.messages(OPS)[0];
    expect(parent?.text).toMatch(/^Workerman status of web-1: /);
    const posts = standIn.callsOf('chat.postMessage').filter((c) => c.params['channel'] === OPS);
    expect(posts.length).toBeGreaterThanOrEqual(2);
    // web-api did not retry by itself (rejectRateLimitedCalls): ours waited the full Retry-After once.
    expect(posts[1]!.at - posts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(h.logLines.filter((l) => l['event'] === 'slack_rate_limited')).toEqual([expect.objectContaining({ attempt: 1, waitMs: 1000 })]);
    expect(h.auditLines.at(-1)).toMatchObject({ userId: ALICE, outcome: 'ok' });
    expect(standIn.violations).toEqual([]);
  });
});

describe('hostile input through the handlers (fast-check, signed HTTP requests)', () => {
  let standIn: SlackStandIn;
  let h: Harness;
  const apps = new Map<string, FakeApp>();
  let seq = 0;
  const parents = new Map<string, string>();
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    const hosts: HostConfig[] = [];
    for (const [name, groups] of [['web-1', ['web']], ['web-2', ['web']]] as const) {
      const app = await createFakeApp({ status: ['wm5.2.2-idle'] });
      apps.set(name, app);
      hosts.push(app.host(name, { groups }));
    }
    // Nobody may trace; web-1 status for WEBBER anywhere; status of anything in OPS.
    const config = Config.parse({
      hosts,
      access: { channels: [OPS], rules: [{ commands: ['status'], hosts: ['web-1'], users: [WEBBER] }] },
      limits: ROOMY_LIMITS,
    });
    standIn = await startSlackStandIn({
      botToken: BOT_TOKEN,
      channels: [
        { id: OPS, kind: 'public', botIsMember: true },
        { id: RANDOM, kind: 'public', botIsMember: true },
      ],
    });
    h = await startBot(standIn, config);
    // Real parents to click on (a Refresh that is allowed threads under the message it was clicked on).
    for (const channelId of [OPS, RANDOM]) {
      await sendCommand(h.eventsUrl, { text: 'status web-1', userId: WEBBER, channelId, responseUrl: standIn.responseUrl(`P${++seq}`) });
      await settle(h, channelId === OPS ? 1 : 2);
      parents.set(channelId, standIn.messages(channelId)[0]!.ts);
    }
  });

  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    await h?.bot.stop();
    await standIn?.close();
    for (const app of apps.values()) await app.cleanup();
  });

  const pieces = fc.oneof(
    fc.constantFrom(
      'web-1', 'web-2', 'web', 'all', 'nope', 'WEB-1', 'local', '__proto__', 'constructor',
      '<!channel>', '<!here>', '<!everyone>', '<@U0123ABCD>', '<#C0OPS0001>', '<!subteam^S0123>', '<http://x|y>', '<https://evil.example|click>',
      '$(id)', '`id`', 'web-1;reboot', 'web-1 && rm -rf /', 'web-1|nc 1.2.3.4 9', "'; DROP TABLE x; --", '../../etc/passwd', '\\x00', '%0a',
      '-1', '0', '0x10', '1e3', '99999999999', '4194305', '007', '+5', ' 123 ', 'NaN', 'Infinity',
      'ünïcödé', '😀', '\u202e', '\u200b', '\u0000', '&amp;', '&lt;!channel&gt;', '*bold*', '_it_', '~s~', '>quote', '```',
    ),
    fc.string({ maxLength: 24 }),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({ unit: 'binary', maxLength: 12 }),
    fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String),
    fc.integer({ min: 0, max: 0xffffffff }).map((n) => `0x${n.toString(16)}`),
    fc.constant('x'.repeat(3000)),
  );
  const commandText = fc.oneof(
    fc
      .tuple(fc.constantFrom('status', 'trace', 'hosts', 'help', 'STATUS', 'Trace', 'connections', 'frob', ''), fc.array(pieces, { maxLength: 4 }))
      .map(([sub, rest]) => [sub, ...rest].join(' ')),
    pieces,
  );
  const who = fc.record({ userId: fc.constantFrom(BOB, WEBBER), channelId: fc.constantFrom(OPS, RANDOM) });

  // What ran must have been allowed: a host's status runs never exceed the allowed requests naming it.
  const expectNothingUnallowedRan = (): void => {
    for (const [name, app] of apps) {
      const allowed = h.auditLines.filter((l) => l['outcome'] === 'ok' && (l['hosts'] as string[]).includes(name)).length;
      expect(statusRuns(app), `status runs on ${name}`).toBeLessThanOrEqual(allowed);
    }
    // Nobody may trace here: no trace was asked for, confirmed or started.
    const traceCommands = new Set<unknown>(['trace', ACTION_IDS.traceSelect, ACTION_IDS.traceConfirm]);
    expect(h.auditLines.filter((l) => traceCommands.has(l['command']) && l['outcome'] === 'ok')).toEqual([]);
    expect(standIn.callsOf('chat.postMessage').filter((c) => /trac/i.test(String(c.params['text'])))).toEqual([]);
  };

  test('command text: each request is answered, audited once, escaped, and runs only what is allowed', async () => {
    await fc.assert(
      fc.asyncProperty(commandText, who, async (text, { userId, channelId }) => {
        const auditBefore = h.auditLines.length;
        const res = await sendCommand(h.eventsUrl, { text, userId, channelId, responseUrl: standIn.responseUrl(`P${++seq}`) });
        expect(res.status).toBe(200);
        const body = await res.text();
        await settle(h, auditBefore + 1);
        expect(h.auditLines.length).toBe(auditBefore + 1);
        if (body !== '') {
          const reply = JSON.parse(body) as { text: string };
          // Markup typed by the user comes back as text, never as a ping or a link.
          expect(reply.text).not.toMatch(/<!(channel|here|everyone)|<@U|<http/);
        }
        expect(standIn.violations).toEqual([]);
        expect(handlerCrashes(h)).toEqual([]);
        expectNothingUnallowedRan();
      }),
      { numRuns: 100, endOnFailure: true },
    );
    expect(unhandled).toEqual([]);
    console.log(`[hostile commands] 100 runs: ${h.auditLines.filter((l) => l['outcome'] === 'ok').length} ok so far, ${h.auditLines.length} audit lines`);
  });

  const buttonValue = fc.oneof(
    pieces,
    fc.record({ h: pieces, p: pieces, d: pieces }).map((o) => JSON.stringify(o)),
    fc.tuple(pieces, pieces).map(([a, b]) => `${a}:${b}`),
    fc.constantFrom('{"h":"web-1","p":1}', '{"h":["web-1"]}', 'null', '[]', '{"__proto__":{"h":"web-1"}}', '{}', ''),
  );
  const actionId = fc.constantFrom(ACTION_IDS.statusRefresh, ACTION_IDS.traceConfirm, ACTION_IDS.traceSelect, ACTION_IDS.traceCancel);

  test('button values: each click is re-validated, audited once, escaped, and runs only what is allowed', async () => {
    await fc.assert(
      fc.asyncProperty(actionId, buttonValue, who, async (action, value, { userId, channelId }) => {
        const auditBefore = h.auditLines.length;
        const res = await sendButtonClick(h.eventsUrl, {
          actionId: action,
          value,
          userId,
          channelId,
          responseUrl: standIn.responseUrl(`B${++seq}`),
          messageTs: parents.get(channelId)!,
          ...(action === ACTION_IDS.traceSelect ? { kind: 'static_select' as const } : {}),
        });
        expect(res.status).toBe(200);
        await settle(h, auditBefore + 1);
        expect(h.auditLines.length).toBe(auditBefore + 1);
        expect(standIn.violations).toEqual([]);
        expect(handlerCrashes(h)).toEqual([]);
        expectNothingUnallowedRan();
      }),
      { numRuns: 100, endOnFailure: true },
    );
    expect(unhandled).toEqual([]);
  });
});
