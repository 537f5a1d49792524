// The bot in HTTP mode, end to end: signed requests over HTTP into Bolt's real HTTPReceiver, status over
// the real transports (LocalTransport running fake-php, and SSH to a real sshd), every Web API call into
// the local Slack stand-in, which rejects what Slack rejects.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { Config } from '../../../src/config/schema.js';
import { loadSlackEnv } from '../../../src/config/slack-env.js';
import { createSlackApp } from '../../../src/slack/app.js';
import { runServe } from '../../../src/slack/serve.js';
import { ACTION_IDS } from '../../../src/slack/ids.js';
import { createJsonLogger } from '../../../src/slack/json-logger.js';
import { createTransports } from '../../../src/transport/pool.js';
import { STATUS_FIXTURES } from '../../helpers/paths.js';
import { sendButtonClick, sendCommand, TEST_SIGNING_SECRET } from '../../helpers/slack-signing.js';
import { startBotHarness, type BotHarness } from '../../helpers/slack-bot-harness.js';
import { startSlackStandIn, type SlackStandIn, type StoredMessage } from '../../helpers/slack-standin.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

const BOT_TOKEN = 'xoxb-1111-2222-testtoken';
const CHANNEL = 'C0123ABCD';
const NOT_MEMBER = 'C0OUTSIDE1';
const PRIVATE = 'G0PRIVATE1';

type Harness = BotHarness;

// These tests are about the flow, not the limits: no pacing, and room for every request of a test.
const ROOMY_LIMITS = { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 };

function startBot(standIn: SlackStandIn, hosts: HostConfig[], opts: { shutdownGraceMs?: number } = {}): Promise<Harness> {
  return startBotHarness(standIn, Config.parse({ hosts, limits: ROOMY_LIMITS }), { botToken: BOT_TOKEN, ...opts });
}

/** Waits until work after the acks (thread replies, uploads, the log line) is done, so tests do not bleed. */
async function quiesce(h: Harness): Promise<void> {
  await h.standIn.waitFor(() => h.bot.inFlightCount() === 0, 30_000, 'work in flight to finish');
  await new Promise((r) => setTimeout(r, 20));
}

function requestLines(h: Harness): Record<string, unknown>[] {
  return h.auditLines;
}

/** The parent once its result arrived (the pending message has been updated). */
function finishedParent(standIn: SlackStandIn, channel = CHANNEL): () => StoredMessage | undefined {
  return () => standIn.messages(channel).find((m) => m.updates > 0);
}

/** A fixture capture rewritten to 200 processes (fresh pids), saved as a fixture base fake-php can replay. */
async function write200ProcessCapture(dir: string): Promise<{ base: string; stdout: string }> {
  const lines = (await readFile(join(STATUS_FIXTURES, 'wm5.2.2-after-load.out'), 'utf8')).split('\n');
  const first = lines.findIndex((l) => /^\d+\t/.test(l));
  const rows = lines.filter((l) => /^\d+\t/.test(l));
  const rest = lines.filter((l) => !/^\d+\t/.test(l));
  rest.splice(first, 0, ...Array.from({ length: 200 }, (_, i) => rows[i % rows.length]!.replace(/^\d+/, String(40000 + i))));
  const stdout = rest.join('\n').replace(/(\d+) processes/, '200 processes');
  const base = join(dir, 'wm5.2.2-200-processes');
  await writeFile(`${base}.out`, stdout);
  await writeFile(`${base}.json`, JSON.stringify({ exit_code: 0 }));
  return { base, stdout };
}

describe('Slack bot in HTTP mode against the stand-in (local transport)', () => {
  let standIn: SlackStandIn;
  let h: Harness;
  const apps: FakeApp[] = [];
  let tmp: string;
  let big: { base: string; stdout: string };
  let authTestsAtStart = 0;
  let responseSeq = 0;
  const responseUrl = (): string => standIn.responseUrl(`R${++responseSeq}`);
  const command = (text: string, extra: { channelId?: string; userId?: string } = {}): Promise<Response> =>
    sendCommand(h.eventsUrl, { text, responseUrl: responseUrl(), ...extra });

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'wo-slack-'));
    big = await write200ProcessCapture(tmp);
    const app = async (spec: Record<string, string[]>, delayMs = 0): Promise<FakeApp> => {
      const a = await createFakeApp(spec, delayMs);
      apps.push(a);
      return a;
    };
    const hosts = [
      (await app({ status: ['wm5.2.2-busy-upstream', 'wm5.2.2-after-load'] })).host('web-1', { description: 'Front API' }),
      (await app({ status: ['wm4.1.17-not-running'] })).host('down'),
      (await app({ status: [big.base] })).host('big'),
      (await app({ status: ['wm3.5.35-after-load'] })).host('plain'),
      (await app({ status: ['wm4.1.17-idle'] })).host('burst'),
    ];
    standIn = await startSlackStandIn({
      botToken: BOT_TOKEN,
      channels: [
        { id: CHANNEL, kind: 'public', botIsMember: true },
        { id: NOT_MEMBER, kind: 'public', botIsMember: false },
        { id: PRIVATE, kind: 'private', botIsMember: false },
      ],
    });
    h = await startBot(standIn, hosts);
    authTestsAtStart = standIn.callsOf('auth.test').length;
  });

  afterEach(async () => {
    await quiesce(h);
    // Nothing the bot sent broke a Slack rule or a house rule (escaping, fallback text, threads, uploads).
    expect(standIn.violations).toEqual([]);
    standIn.reset();
    h.logLines.length = 0;
    h.auditLines.length = 0;
  });

  afterAll(async () => {
    await h?.stop();
    await standIn?.close();
    for (const a of apps) await a.cleanup();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('start() verified the bot token with one auth.test, and requests never call it again', async () => {
    expect(authTestsAtStart).toBe(1);
    await command('help');
    await command('status plain');
    await quiesce(h);
    expect(standIn.callsOf('auth.test')).toHaveLength(1);
  });

  test('/workerman status web-1 acks at once, posts a parent, updates it with the result and fills the thread', async () => {
    const started = performance.now();
    const res = await command('status web-1');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    expect(performance.now() - started).toBeLessThan(1000);

    const parent = await standIn.waitFor(finishedParent(standIn), 10_000, 'the parent to be updated');
    const postCall = standIn.callsOf('chat.postMessage')[0]!;
    expect(postCall.params['text']).toBe(':hourglass_flowing_sand: Workerman status of `web-1`, asked by <@U0123ABCD>…');
    expect(parent.text).toBe('Workerman status of web-1: 4 workers, 8 processes, 1 busy');
    expect(parent.blocks?.[0]).toMatchObject({ type: 'header', text: { text: ':warning: Workerman status of web-1' } });
    const table = parent.blocks?.find((b) => (b as { type: string }).type === 'table') as { rows: unknown[][] } | undefined;
    expect(table?.rows).toHaveLength(9);
    expect(JSON.stringify(parent.blocks)).toContain(`"action_id":"${ACTION_IDS.statusRefresh}"`);

    const replies = await standIn.waitFor(() => (standIn.replies(CHANNEL, parent.ts).length > 0 ? standIn.replies(CHANNEL, parent.ts) : undefined));
    expect(JSON.stringify(replies[0]!.blocks)).toContain('Processes 1–8 of 8');
    expect(standIn.files).toHaveLength(0); // everything fit: no file
    expect(standIn.responses).toHaveLength(0); // nothing went wrong: no ephemeral

    const line = await standIn.waitFor(() => requestLines(h)[0]);
    expect(line).toMatchObject({ userId: 'U0123ABCD', channelId: CHANNEL, command: 'status', host: 'web-1', hosts: ['web-1'], outcome: 'ok', errorCode: null, via: 'command' });
    expect(typeof line['durationMs']).toBe('number');
    expect(JSON.stringify([h.logLines, h.auditLines])).not.toContain(BOT_TOKEN);
    expect(JSON.stringify([h.logLines, h.auditLines])).not.toContain('/response/');
  });

  test('the Refresh button re-runs the status in the same thread, re-validating the host', async () => {
    await command('status plain');
    const parent = await standIn.waitFor(finishedParent(standIn));
    await standIn.waitFor(() => standIn.replies(CHANNEL, parent.ts).length > 0);
    const before = standIn.replies(CHANNEL, parent.ts).length;

    const click = await sendButtonClick(h.eventsUrl, { actionId: ACTION_IDS.statusRefresh, value: 'plain', responseUrl: responseUrl(), messageTs: parent.ts });
    expect(click.status).toBe(200);
    // A new status message in the thread, updated with the result, and its own tables after it.
    const refreshed = await standIn.waitFor(() => standIn.replies(CHANNEL, parent.ts).find((m) => m.updates > 0 && m.text.startsWith('Workerman status of plain')));
    await standIn.waitFor(() => standIn.replies(CHANNEL, parent.ts).length >= before + 2);
    expect(refreshed.threadTs).toBe(parent.ts);

    // Clicking Refresh on that reply still threads under the parent (thread_ts is never a reply's ts).
    await sendButtonClick(h.eventsUrl, {
      actionId: ACTION_IDS.statusRefresh,
      value: 'plain',
      responseUrl: responseUrl(),
      messageTs: refreshed.ts,
      threadTs: parent.ts,
    });
    await standIn.waitFor(() => standIn.replies(CHANNEL, parent.ts).filter((m) => m.updates > 0).length >= 2);
    expect(standIn.messages(CHANNEL)).toHaveLength(1);
  });

  test('a forged or unknown host in a button value runs nothing and tells the clicker', async () => {
    for (const value of ['web-1; rm -rf /', 'nope']) {
      const res = await sendButtonClick(h.eventsUrl, { actionId: ACTION_IDS.statusRefresh, value, responseUrl: responseUrl(), messageTs: '1700000000.000001' });
      expect(res.status).toBe(200);
    }
    await standIn.waitFor(() => standIn.responses.length >= 2);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
    const texts = standIn.responses.map((r) => String(r.body['text']));
    expect(texts[0]).toMatch(/is not a host name.*\(input_invalid\)/);
    expect(texts[1]).toMatch(/Unknown host "nope".*\(host_unknown\)/);
    expect(standIn.responses.every((r) => r.body['response_type'] === 'ephemeral')).toBe(true);
    expect(requestLines(h).map((l) => l['errorCode'])).toEqual(['input_invalid', 'host_unknown']);
  });

  test('a 200-process host gets a valid parent, the full table in the thread and the raw output as a file', async () => {
    await command('status big');
    const parent = await standIn.waitFor(finishedParent(standIn));
    expect(JSON.stringify(parent.blocks)).toMatch(/Showing \d+ of 200 processes/);
    const file = await standIn.waitFor(() => standIn.files.find((f) => f.isComplete));
    expect(file.filename).toBe('big-status.txt');
    expect(file.channel).toBe(CHANNEL);
    expect(file.threadTs).toBe(parent.ts);
    expect(file.bytes?.toString('utf8')).toBe(big.stdout);
    const replies = standIn.replies(CHANNEL, parent.ts);
    const threadText = replies.map((r) => JSON.stringify(r.blocks)).join('');
    expect(threadText).toContain('40000');
    expect(threadText).toContain('40199');
  });

  test('a table reply Slack refuses does not stop the rest or the raw output; the parent then claims only what arrived', async () => {
    standIn.fail('chat.postMessage', 'msg_too_long', 1, (p) => typeof p['thread_ts'] === 'string');
    await command('status big');
    await quiesce(h);
    const parent = standIn.messages(CHANNEL)[0]!;
    const replies = standIn.replies(CHANNEL, parent.ts);
    expect(replies[0]!.text).toBe(':warning: A reply of this thread could not be posted (`msg_too_long`).');
    expect(replies.length).toBeGreaterThan(1); // the next tables still went
    expect(standIn.files.find((f) => f.isComplete)?.filename).toBe('big-status.txt');
    const blocks = JSON.stringify(parent.blocks);
    expect(blocks).not.toContain('The full table is in the thread');
    expect(blocks).toMatch(/Showing \d+ of 200 processes \(flagged ones first\)\. The raw output is attached in the thread\./);
    expect(blocks).toContain(':warning: Not everything reached the thread: 1 reply could not be posted.');
  });

  test('a raw output that cannot be attached is said in the thread, and the parent never says it is attached', async () => {
    standIn.fail('files.completeUploadExternal', 'internal_error');
    await command('status big');
    await quiesce(h);
    const parent = standIn.messages(CHANNEL)[0]!;
    const replies = standIn.replies(CHANNEL, parent.ts).map((m) => m.text);
    expect(replies.at(-1)).toBe(':warning: I could not attach the raw status output here (`internal_error`).');
    expect(standIn.files.filter((f) => f.isComplete)).toEqual([]);
    const blocks = JSON.stringify(parent.blocks);
    expect(blocks).not.toMatch(/attached there|attached in the thread/);
    expect(blocks).toContain('The full table is in the thread.');
    expect(blocks).toContain(':warning: Not everything reached the thread: `big-status.txt` could not be attached.');
    expect(requestLines(h)[0]).toMatchObject({ host: 'big', outcome: 'ok' });
  });

  test('an unknown host is answered in the ack, privately, and posts nothing', async () => {
    const res = await command('status nope');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { response_type: string; text: string; blocks: unknown[] };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(/Unknown host "nope". Configured hosts: web-1, down, big, plain, burst/);
    expect(JSON.stringify(body.blocks)).toContain('/workerman hosts');
    expect(standIn.calls.filter((c) => c.method !== 'auth.test')).toHaveLength(0);
  });

  test('Workerman not running: the parent shows the outcome and code, the user gets the details and what to do', async () => {
    await command('status down');
    const parent = await standIn.waitFor(finishedParent(standIn));
    // The channel: one line, no text from the host (issue 8: the error's message goes to the requester only).
    expect(parent.text).toBe('Workerman status of down failed: Workerman is not running (workerman_not_running). Details were sent to <@U0123ABCD>.');
    expect(JSON.stringify(parent.blocks)).toContain('Try again');
    const reply = await standIn.waitFor(() => standIn.responses[0]);
    expect(reply.body['response_type']).toBe('ephemeral');
    expect(JSON.stringify(reply.body['blocks'])).toContain('php start.php start -d');
    const details = String(reply.body['text']).replace(/ \(workerman_not_running\)$/, '');
    expect(JSON.stringify(parent)).not.toContain(details);
    await standIn.waitFor(() => requestLines(h)[0]);
    expect(requestLines(h)[0]).toMatchObject({ host: 'down', outcome: 'error', errorCode: 'workerman_not_running' });
  });

  test.each([
    [NOT_MEMBER, 'not_in_channel'],
    [PRIVATE, 'channel_not_found'],
  ])('in %s (%s) the user gets the /invite hint and the status privately', async (channelId, error) => {
    await command('status web-1', { channelId });
    const reply = await standIn.waitFor(() => standIn.responses[0]);
    expect(String(reply.body['text'])).toContain('/invite @workerman');
    expect(String(reply.body['text'])).toContain('Workerman status of web-1');
    expect(reply.body['response_type']).toBe('ephemeral');
    expect(standIn.messages(channelId)).toHaveLength(0);
    await standIn.waitFor(() => requestLines(h)[0]);
    expect(requestLines(h)[0]).toMatchObject({ outcome: 'error', errorCode: error });
  });

  test.each([
    ['help', /Usage of `\/workerman`/],
    ['', /Usage of `\/workerman`/],
    ['frobnicate now', /`frobnicate` is not a subcommand/],
    ['hosts', /^5 configured hosts: web-1, down, big, plain, burst$/],
    ['status', /Which host\?/],
  ])('"/workerman %s" is answered ephemerally in the ack', async (text, expected) => {
    const res = await command(text);
    const body = (await res.json()) as { response_type: string; text: string };
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toMatch(expected);
    if (text === 'hosts') expect(JSON.stringify(body)).toContain('`web-1` (this machine): Front API');
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
  });

  test('a forged signature and a stale timestamp get 401 and run nothing', async () => {
    const forged = await sendCommand(h.eventsUrl, { text: 'status web-1', responseUrl: responseUrl() }, { signature: `v0=${'0'.repeat(64)}` });
    const wrongSecret = await sendCommand(h.eventsUrl, { text: 'status web-1', responseUrl: responseUrl() }, { secret: 'not-the-secret-at-all' });
    const stale = await sendCommand(h.eventsUrl, { text: 'status web-1', responseUrl: responseUrl() }, { timestampS: Math.floor(Date.now() / 1000) - 600 });
    expect([forged.status, wrongSecret.status, stale.status]).toEqual([401, 401, 401]);
    await new Promise((r) => setTimeout(r, 300));
    expect(standIn.calls).toHaveLength(0);
    expect(standIn.responses).toHaveLength(0);
    expect(requestLines(h)).toHaveLength(0);
  });

  test('a burst of 50 signed status commands is acked within 3 s each and all answered', async () => {
    const started = performance.now();
    const acks = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const t0 = performance.now();
        const res = await command('status burst', { userId: `U0BURST${String(i).padStart(3, '0')}` });
        return { status: res.status, ms: performance.now() - t0 };
      }),
    );
    expect(acks.every((a) => a.status === 200)).toBe(true);
    const worst = Math.max(...acks.map((a) => a.ms));
    expect(worst).toBeLessThan(3000);
    await standIn.waitFor(
      () => standIn.messages(CHANNEL).filter((m) => m.text.startsWith('Workerman status of burst')).length === 50 || undefined,
      30_000,
      '50 answers',
    );
    const answered = standIn.messages(CHANNEL);
    expect(answered).toHaveLength(50);
    // Two at a time on the host (limits.perHostConcurrency): the others showed a waiting state first, as
    // far as the workspace's update budget lets passing states go (four fifths of 50 a minute, answers
    // included): the 50 answers are never held back for them.
    const waited = standIn.callsOf('chat.update').filter((c) => String(c.params['text']).includes('waiting for a free slot on `burst`'));
    expect(waited.length).toBeGreaterThanOrEqual(20);
    expect(waited.length).toBeLessThanOrEqual(40);
    expect(answered.every((m) => m.text.startsWith('Workerman status of burst'))).toBe(true);
    console.log(`burst: 50 acks, worst ${worst.toFixed(0)} ms; all answered after ${(performance.now() - started).toFixed(0)} ms`);
  });
});

describe('Slack bot start and stop', () => {
  let standIn: SlackStandIn;
  const apps: FakeApp[] = [];

  beforeAll(async () => {
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
  });
  afterAll(async () => {
    await standIn?.close();
    for (const a of apps) await a.cleanup();
  });
  afterEach(() => {
    expect(standIn.violations).toEqual([]);
    standIn.reset();
  });


  test('stop() lets a status in flight finish before it resolves', async () => {
    const app = await createFakeApp({ status: ['wm5.2.2-after-load'] }, 800);
    apps.push(app);
    const h = await startBot(standIn, [app.host('slow')]);
    await sendCommand(h.eventsUrl, { text: 'status slow', responseUrl: standIn.responseUrl('S1') });
    await standIn.waitFor(() => standIn.messages(CHANNEL)[0]);
    expect(h.bot.inFlightCount()).toBe(1);
    await h.stop();
    expect(h.bot.inFlightCount()).toBe(0);
    expect(standIn.messages(CHANNEL)[0]?.text).toMatch(/^Workerman status of slow: 4 workers, 8 processes/);
    expect(h.logLines.find((l) => l['event'] === 'stopped')).toMatchObject({ finished: 1, cancelled: 0 });
  });

  test('stop() cancels work past the grace period and says so in the parent', async () => {
    const app = await createFakeApp({ status: ['wm5.2.2-after-load'] }, 20_000);
    apps.push(app);
    const h = await startBot(standIn, [app.host('stuck')], { shutdownGraceMs: 200 });
    await sendCommand(h.eventsUrl, { text: 'status stuck', responseUrl: standIn.responseUrl('S2') });
    await standIn.waitFor(() => standIn.messages(CHANNEL)[0]);
    const t0 = performance.now();
    await h.stop();
    expect(performance.now() - t0).toBeLessThan(6000);
    const parent = standIn.messages(CHANNEL)[0]!;
    expect(parent.text).toMatch(/Cancelled: the bot is shutting down/);
    expect(h.logLines.find((l) => l['event'] === 'stopped')).toMatchObject({ finished: 0, cancelled: 1 });
    expect(h.auditLines).toEqual([expect.objectContaining({ outcome: 'error', errorCode: 'cancelled' })]);
  });

  test('start() with a token Slack rejects fails with config_invalid naming SLACK_BOT_TOKEN', async () => {
    const env = loadSlackEnv({
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-wrong',
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      PORT: '0',
      HOST: '127.0.0.1',
      SLACK_API_URL: standIn.apiUrl,
    });
    const config = Config.parse({ hosts: [] });
    const bot = createSlackApp({ env, config, transports: createTransports([]), logger: createJsonLogger({ write: () => {} }), clientOptions: { retryConfig: { retries: 0 } } });
    await expect(bot.start()).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/Slack rejected SLACK_BOT_TOKEN \(invalid_auth\)/) });
    await bot.stop();
  });

  test('Socket Mode start() with an app token Slack rejects fails with config_invalid naming SLACK_APP_TOKEN', async () => {
    const env = loadSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-A0123-revoked', SLACK_API_URL: standIn.apiUrl });
    expect(env.mode).toBe('socket');
    const bot = createSlackApp({ env, config: Config.parse({ hosts: [] }), transports: createTransports([]), logger: createJsonLogger({ write: () => {} }), clientOptions: { retryConfig: { retries: 0 } } });
    await expect(bot.start()).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/Slack rejected SLACK_APP_TOKEN \(invalid_auth\).*App-Level Tokens/) });
    expect(standIn.callsOf('apps.connections.open')).toHaveLength(1);
    await bot.stop();
  });

  test('runServe() starts the bot, answers /healthz and stops cleanly', async () => {
    const env = loadSlackEnv({ SLACK_MODE: 'http', SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, PORT: '0', HOST: '127.0.0.1', SLACK_API_URL: standIn.apiUrl });
    const lines: string[] = [];
    const served = await runServe({ env, config: Config.parse({ hosts: [] }), transports: createTransports([]), logger: createJsonLogger({ write: (l) => lines.push(l) }), handleSignals: false });
    const listen = (JSON.parse(lines.find((l) => l.includes('"started"'))!) as { listen: string }).listen;
    const health = await fetch(`http://${listen.replace('/slack/events', '/healthz')}`);
    expect(health.status).toBe(200);
    await served.stop();
    await expect(fetch(`http://${listen}`, { method: 'POST' })).rejects.toThrow();
  });
});

describe.skipIf(sshdUnavailableReason !== null)('Slack bot with status over SSH (real sshd on 127.0.0.1)', () => {
  let sshd: SshdHandle;
  let standIn: SlackStandIn;
  let h: Harness;
  let app: FakeApp;

  beforeAll(async () => {
    sshd = await startSshd();
    app = await createFakeApp({ status: ['wm5.2.2-busy-upstream'] });
    const host = HostConfig.parse({ name: 'ssh-1', ssh: sshd.sshSettings(), workerman: app.host().workerman });
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
    h = await startBot(standIn, [host]);
  });
  afterAll(async () => {
    await h?.stop();
    await standIn?.close();
    await app?.cleanup();
    await sshd?.stop();
  });

  test('/workerman status ssh-1 answers with the parsed status in a parent and its thread', async () => {
    await sendCommand(h.eventsUrl, { text: 'status ssh-1', responseUrl: standIn.responseUrl('X1') });
    const parent = await standIn.waitFor(finishedParent(standIn), 20_000);
    expect(parent.text).toBe('Workerman status of ssh-1: 4 workers, 8 processes, 1 busy');
    expect(JSON.stringify(parent.blocks)).toContain('19366');
    await standIn.waitFor(() => standIn.replies(CHANNEL, parent.ts).length > 0);
    expect(standIn.violations).toEqual([]);
  });
});
