// The bot in Socket Mode (its default mode), end to end: the real @slack/socket-mode client inside the bot
// reaches `apps.connections.open` on the Web API stand-in through SLACK_API_URL, connects to the Socket Mode
// stand-in on 127.0.0.1, and receives envelopes there; status runs over the real local transport (fake-php)
// and every Web API call lands in the stand-in, which rejects what Slack rejects.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { loadSlackEnv } from '../../../src/config/slack-env.js';
import { ACTION_IDS } from '../../../src/slack/ids.js';
import { createJsonLogger } from '../../../src/slack/json-logger.js';
import { runServe } from '../../../src/slack/serve.js';
import { createTransports } from '../../../src/transport/pool.js';
import { startSocketBotHarness, type LogLine, type SocketBotHarness } from '../../helpers/slack-bot-harness.js';
import { startSlackStandIn, type SlackStandIn, type StoredMessage } from '../../helpers/slack-standin.js';
import { startSocketModeStandIn, type EnvelopeRecord, type SocketModeStandIn } from '../../helpers/socket-mode-standin.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

const BOT_TOKEN = 'xoxb-1111-2222-sockettoken';
const APP_TOKEN = 'xapp-1-A0123ABCD-3333-sockettoken';
const CHANNEL = 'C0123ABCD';
// These tests are about delivery, not the limits: no pacing, and room for every request.
const ROOMY_LIMITS = { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 };
const ACK_DEADLINE_MS = 3000;

/** Top-level messages (the parent of each status): one per command answered. */
function parents(standIn: SlackStandIn): StoredMessage[] {
  return standIn.messages(CHANNEL);
}

/** The parents' chat.postMessage calls (no thread_ts): exactly one per status command answered. */
function parentPosts(standIn: SlackStandIn): number {
  return standIn.callsOf('chat.postMessage').filter((c) => c.params['thread_ts'] === undefined).length;
}

describe('Slack bot in Socket Mode against the stand-ins (local transport)', () => {
  let webApi: SlackStandIn;
  let socket: SocketModeStandIn;
  let h: SocketBotHarness;
  let config: Config;
  const apps: FakeApp[] = [];
  const extra: SocketBotHarness[] = [];
  let responseSeq = 0;
  const responseUrl = (): string => webApi.responseUrl(`R${++responseSeq}`);
  const command = (text: string, opts: Parameters<SocketModeStandIn['sendCommand']>[1] = {}): EnvelopeRecord =>
    socket.sendCommand({ text, responseUrl: responseUrl() }, opts);
  const inFlight = (): number => [h, ...extra].reduce((n, x) => n + x.bot.inFlightCount(), 0);

  beforeAll(async () => {
    const app = await createFakeApp({ status: ['wm5.2.2-busy-upstream', 'wm5.2.2-after-load'] });
    // A status that takes 1.5 s: its work is still running when the socket goes away.
    const slow = await createFakeApp({ status: ['wm4.1.17-idle'] }, 1500);
    apps.push(app, slow);
    config = Config.parse({ hosts: [app.host('web-1'), slow.host('slow')], limits: ROOMY_LIMITS });
    webApi = await startSlackStandIn({ botToken: BOT_TOKEN, appToken: APP_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
    socket = await startSocketModeStandIn(webApi);
    h = await startSocketBotHarness(webApi, config, { botToken: BOT_TOKEN, appToken: APP_TOKEN });
  });

  afterEach(async () => {
    await webApi.waitFor(() => inFlight() === 0, 30_000, 'work in flight to finish');
    await new Promise((r) => setTimeout(r, 20));
    // Nothing the bot sent broke a Slack rule, and nothing it sent over the socket broke the protocol.
    expect(webApi.violations).toEqual([]);
    expect(socket.violations).toEqual([]);
    webApi.reset();
    socket.reset();
    h.logLines.length = 0;
    h.auditLines.length = 0;
  });

  afterAll(async () => {
    for (const x of extra) await x.stop();
    await h?.stop();
    await socket?.close();
    await webApi?.close();
    for (const a of apps) await a.cleanup();
  });

  test('start() opens one connection through apps.connections.open (app-level token, SLACK_API_URL) and waits for hello', async () => {
    // Checked before this test's reset: what start() did. The one apps.connections.open reached the
    // stand-in (SLACK_API_URL), with the app-level token (the stand-in refuses any other).
    expect(webApi.callsOf('auth.test')).toHaveLength(1);
    expect(webApi.callsOf('apps.connections.open')).toHaveLength(1);
    expect(h.logLines.find((l) => l['event'] === 'started')).toMatchObject({ mode: 'socket' });
    expect(socket.ticketsIssued).toBe(1);
    expect(socket.connections).toHaveLength(1);
    expect(socket.openConnections()).toHaveLength(1);
    expect(socket.upgradesRefused).toBe(0);
  });

  test('/workerman status web-1: the envelope is acked with its envelope_id within 3 s, then the status is posted once', async () => {
    const e = command('status web-1');
    expect(await socket.waitForOutcome(e, ACK_DEADLINE_MS + 1000)).toBe('acked');
    expect(e.acks).toHaveLength(1);
    expect(e.acks[0]!.ms).toBeLessThan(ACK_DEADLINE_MS);
    // status acks without a body: the answer is the parent message, not an ephemeral one.
    expect(e.acks[0]!.payload).toEqual({});

    const parent = await webApi.waitFor(() => parents(webApi).find((m) => m.updates > 0), 10_000, 'the parent to be updated');
    expect(parent.text).toBe('Workerman status of web-1: 4 workers, 8 processes, 1 busy');
    await webApi.waitFor(() => webApi.replies(CHANNEL, parent.ts).length > 0);
    expect(parentPosts(webApi)).toBe(1);
    expect(webApi.responses).toHaveLength(0);
    const line = await webApi.waitFor(() => h.auditLines[0]);
    expect(line).toMatchObject({ command: 'status', host: 'web-1', outcome: 'ok', via: 'command' });
    expect(JSON.stringify([h.logLines, h.auditLines])).not.toMatch(/xapp-|xoxb-|ticket=/);
  });

  test('/workerman help is answered in the ack itself (accepts_response_payload), privately', async () => {
    const e = command('help');
    expect(await socket.waitForOutcome(e)).toBe('acked');
    expect(e.acks[0]!.payload).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('/workerman') });
    expect(Array.isArray(e.acks[0]!.payload?.['blocks'])).toBe(true);
    expect(webApi.callsOf('chat.postMessage')).toHaveLength(0);
    expect(webApi.responses).toHaveLength(0);
  });

  test('the Refresh button (an interactive block_actions envelope) re-runs the status in the same thread', async () => {
    command('status web-1');
    const parent = await webApi.waitFor(() => parents(webApi).find((m) => m.updates > 0));
    await webApi.waitFor(() => inFlight() === 0);
    const click = socket.sendButtonClick({ actionId: ACTION_IDS.statusRefresh, value: 'web-1', responseUrl: responseUrl(), messageTs: parent.ts });
    expect(await socket.waitForOutcome(click)).toBe('acked');
    expect(click.acks[0]!.ms).toBeLessThan(ACK_DEADLINE_MS);
    const refreshed = await webApi.waitFor(() => webApi.replies(CHANNEL, parent.ts).find((m) => m.updates > 0 && m.text.startsWith('Workerman status of web-1')));
    expect(refreshed.threadTs).toBe(parent.ts);
    expect(parents(webApi)).toHaveLength(1);
    await webApi.waitFor(() => h.auditLines.length >= 2);
    expect(h.auditLines.map((l) => [l['via'], l['outcome']])).toEqual([
      ['command', 'ok'],
      ['button', 'ok'],
    ]);
  });

  test('an events_api envelope (subteam_members_changed) is acked, with no answer', async () => {
    const e = socket.sendEvent({ type: 'subteam_members_changed', subteam_id: 'S0ONCALL1', team_id: 'T0123ABCD' });
    expect(await socket.waitForOutcome(e)).toBe('acked');
    expect(e.deliveries).toHaveLength(1);
    expect(webApi.calls.filter((c) => c.method !== 'apps.connections.open')).toEqual([]);
  });

  for (const reason of ['refresh_requested', 'warning'] as const) {
    test(`disconnect (${reason}): the bot reconnects; no request is lost silently or answered twice`, async () => {
      const [conn] = socket.openConnections();
      // 1. Acked just before: its work (status over the local transport, posts over HTTP) outlives the socket.
      const before = command('status slow');
      expect(await socket.waitForOutcome(before)).toBe('acked');
      // 2. Delivered in the same tick as the disconnect: the client closes the socket on reading it.
      const edge = command('status web-1', { connection: conn });
      const t0 = performance.now();
      socket.disconnect(conn!, reason);
      await webApi.waitFor(() => conn!.closedAt !== null, 5000, 'the client to close the old connection');
      // 3. While the bot has no connection, Slack refuses at once: "dispatch_failed" (the user sees it).
      const offline = command('status web-1');
      expect(offline.outcome).toBe('dispatch_failed');
      await socket.waitForConnections(1, 15_000);
      const reconnectMs = performance.now() - t0;
      // 4. After: a new connection (a new apps.connections.open ticket) carries requests again.
      const after = command('status web-1');
      expect(await socket.waitForOutcome(after)).toBe('acked');
      expect(await socket.waitForOutcome(edge, ACK_DEADLINE_MS + 2000)).toMatch(/^(acked|operation_timeout)$/);
      await webApi.waitFor(() => inFlight() === 0 && h.auditLines.length >= 3, 20_000, 'the three requests to finish');

      expect(conn!.closedBy).toBe('client');
      expect(socket.connections.at(-1)!.id).toBeGreaterThan(conn!.id);
      expect(webApi.callsOf('apps.connections.open')).toHaveLength(1);
      // Every envelope went out once, and none was acked twice.
      for (const e of [before, edge, offline, after]) expect(e.deliveries.length + Number(e.outcome === 'dispatch_failed')).toBe(1);
      expect(socket.acks.filter((a) => a.envelopeId === edge.envelopeId).length).toBeLessThanOrEqual(1);
      // One answer per acked request; the edge one is answered only if its ack got out before the close.
      const answered = edge.outcome === 'acked' ? 3 : 2;
      expect(parentPosts(webApi)).toBe(answered);
      const outcomes = h.auditLines.map((l) => l['outcome'] === 'ok' ? 'ok' : l['errorCode']);
      expect(outcomes.sort()).toEqual((edge.outcome === 'acked' ? ['ok', 'ok', 'ok'] : ['ack_failed', 'ok', 'ok']).sort());
      // A request Slack never saw acked gets no reply from the bot: Slack already showed the user its failure.
      expect(webApi.responses).toEqual([]);
      const reconnected = h.logLines.find((l) => l['event'] === 'socket_reconnected');
      expect(reconnected).toMatchObject({ offlineMs: expect.any(Number) });
      console.info(`${reason}: edge envelope ${edge.outcome}; reconnected after ${Math.round(reconnectMs)} ms (bot log offlineMs ${String(reconnected?.['offlineMs'])})`);
    });
  }

  test('two replicas: each envelope goes to one of them and is answered once, also across a refresh of one', async () => {
    const second = await startSocketBotHarness(webApi, config, { botToken: BOT_TOKEN, appToken: APP_TOKEN });
    extra.push(second);
    const [a, b] = await socket.waitForConnections(2);
    const sent: EnvelopeRecord[] = [];
    for (let i = 0; i < 6; i++) sent.push(command('status web-1'));
    // Then a stream of commands while replica A's connection is refreshed: B takes them meanwhile.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      if (i === 3) {
        // Everything sent so far is acked first: the same-tick case is the single-replica test's.
        for (const e of sent) await socket.waitForOutcome(e, ACK_DEADLINE_MS);
        socket.disconnect(a!, 'refresh_requested');
        await new Promise((r) => setTimeout(r, 50));
      }
      sent.push(command('status web-1'));
    }
    await socket.waitForConnections(2, 15_000);
    sent.push(command('status web-1'), command('status web-1'));
    for (const e of sent) expect(await socket.waitForOutcome(e, ACK_DEADLINE_MS + 1000)).toBe('acked');
    await webApi.waitFor(() => inFlight() === 0 && h.auditLines.length + second.auditLines.length >= sent.length, 30_000, 'every request to finish');

    expect(sent.every((e) => e.deliveries.length === 1 && e.acks.length === 1 && e.acks[0]!.ms < ACK_DEADLINE_MS)).toBe(true);
    expect(parentPosts(webApi)).toBe(sent.length);
    expect(h.auditLines.length + second.auditLines.length).toBe(sent.length);
    // Both replicas took a share; the refreshed one came back on a new connection.
    expect(h.auditLines.length).toBeGreaterThan(0);
    expect(second.auditLines.length).toBeGreaterThan(0);
    const byConnection = new Map<number, number>();
    for (const e of sent) byConnection.set(e.deliveries[0]!.connectionId, (byConnection.get(e.deliveries[0]!.connectionId) ?? 0) + 1);
    expect([...byConnection.keys()].sort()).toEqual([a!.id, b!.id, socket.connections.at(-1)!.id].sort());
    expect(webApi.responses).toEqual([]);
    const slowest = Math.max(...sent.map((e) => e.acks[0]!.ms));
    console.info(`two replicas: ${sent.length} commands over connections ${JSON.stringify([...byConnection])}, slowest ack ${slowest.toFixed(1)} ms`);
    await second.stop();
    extra.length = 0;
    await webApi.waitFor(() => socket.openConnections().length === 1, 5000, 'the second replica to close its connection');
  });

  test('runServe() in Socket Mode connects, answers over the socket and closes the connection on stop', async () => {
    const env = loadSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: webApi.apiUrl });
    const lines: LogLine[] = [];
    const before = socket.connections.length;
    const served = await runServe({
      env,
      config,
      transports: createTransports(config.hosts),
      logger: createJsonLogger({ write: (l) => lines.push(JSON.parse(l) as LogLine) }),
      auditSink: { write: () => {} },
      clientOptions: { retryConfig: { retries: 0 } },
      handleSignals: false,
    });
    try {
      expect(lines.find((l) => l['event'] === 'started')).toMatchObject({ mode: 'socket' });
      expect(socket.connections).toHaveLength(before + 1);
      const mine = socket.connections.at(-1)!;
      // Round-robin over two connections: a few helps reach both, and each is answered in its ack.
      const sent = [1, 2, 3, 4].map(() => command('help'));
      for (const e of sent) expect(await socket.waitForOutcome(e)).toBe('acked');
      expect(sent.some((e) => e.deliveries[0]!.connectionId === mine.id)).toBe(true);
      await served.stop();
      await webApi.waitFor(() => mine.closedAt !== null, 5000, 'runServe stop to close its connection');
      expect(mine.closedBy).toBe('client');
    } finally {
      await served.stop();
    }
  });
});
