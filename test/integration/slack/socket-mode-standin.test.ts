// The Socket Mode stand-in itself, driven by a bare WebSocket client (ws): it must refuse what Slack
// refuses and redeliver what Slack redelivers, or the bot tests in slack-socket-mode.test.ts prove nothing.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { startSocketModeStandIn, type SocketModeStandIn } from '../../helpers/socket-mode-standin.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';

const BOT_TOKEN = 'xoxb-1111-2222-standintoken';
const APP_TOKEN = 'xapp-1-A0123ABCD-3333-standin';

interface Frame {
  type?: string;
  envelope_id?: string;
  payload?: Record<string, unknown>;
  retry_attempt?: number;
  retry_reason?: string;
  accepts_response_payload?: boolean;
  num_connections?: number;
  connection_info?: { app_id?: string };
}

/** apps.connections.open over HTTP with `token`, as the SDK calls it. */
async function openConnection(webApi: SlackStandIn, token: string): Promise<{ ok: boolean; url?: string; error?: string }> {
  const res = await fetch(`${webApi.apiUrl}apps.connections.open`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  return (await res.json()) as { ok: boolean; url?: string; error?: string };
}

/** A bare client: connects to `url` and collects every frame it receives. */
async function connect(url: string): Promise<{ ws: WebSocket; frames: Frame[]; next(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame> }> {
  const ws = new WebSocket(url);
  const frames: Frame[] = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return {
    ws,
    frames,
    async next(pred, timeoutMs = 5000) {
      const deadline = performance.now() + timeoutMs;
      for (;;) {
        const hit = frames.find(pred);
        if (hit !== undefined) {
          frames.splice(frames.indexOf(hit), 1);
          return hit;
        }
        if (performance.now() > deadline) throw new Error(`no such frame after ${timeoutMs} ms; got ${JSON.stringify(frames)}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
  };
}

describe('Socket Mode stand-in (bare WebSocket client)', () => {
  let webApi: SlackStandIn;
  let socket: SocketModeStandIn;
  const clients: WebSocket[] = [];

  beforeEach(async () => {
    webApi = await startSlackStandIn({ botToken: BOT_TOKEN, appToken: APP_TOKEN });
    // Short deadlines so that redelivery is observable in a test; the defaults are Slack's (3 s; 0, 1 min, 5 min).
    socket = await startSocketModeStandIn(webApi, { ackTimeoutMs: 150, eventRetryDelaysMs: [0, 50, 50], warningLeadMs: 100, refreshCloseMs: 100 });
  });
  afterEach(async () => {
    for (const ws of clients.splice(0)) ws.terminate();
    await socket.close();
    await webApi.close();
  });

  const open = async (): Promise<Awaited<ReturnType<typeof connect>>> => {
    const answer = await openConnection(webApi, APP_TOKEN);
    const client = await connect(answer.url!);
    clients.push(client.ws);
    await client.next((f) => f.type === 'hello');
    return client;
  };

  test('apps.connections.open takes only the app-level token and hands out a one-time ws://127.0.0.1 URL', async () => {
    expect(await openConnection(webApi, BOT_TOKEN)).toEqual({ ok: false, error: 'not_allowed_token_type' });
    expect(await openConnection(webApi, 'xapp-1-A0123ABCD-9999-revoked')).toEqual({ ok: false, error: 'invalid_auth' });
    // The app-level token is good for nothing else.
    const post = await fetch(`${webApi.apiUrl}chat.postMessage`, { method: 'POST', headers: { authorization: `Bearer ${APP_TOKEN}` } });
    expect(await post.json()).toEqual({ ok: false, error: 'not_allowed_token_type' });

    const answer = await openConnection(webApi, APP_TOKEN);
    expect(answer.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/link\/\?ticket=[0-9a-f-]{36}&app_id=A0123ABCD$/);
    const client = await connect(answer.url!);
    clients.push(client.ws);
    expect(await client.next((f) => f.type === 'hello')).toMatchObject({ num_connections: 1, connection_info: { app_id: 'A0123ABCD' } });
    // The same URL again, or a made-up ticket, is refused at the upgrade.
    for (const url of [answer.url!, answer.url!.replace(/ticket=[^&]+/, 'ticket=forged')]) {
      const status = await new Promise<number>((resolve) => {
        const ws = new WebSocket(url);
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
      expect(status).toBe(401);
    }
    expect(socket.upgradesRefused).toBe(2);
  });

  test('each envelope goes to one connection, round-robin, and its ack is recorded with the time it took', async () => {
    const a = await open();
    const b = await open();
    const sent = [1, 2, 3, 4].map((i) => socket.sendCommand({ text: `status web-${i}`, responseUrl: webApi.responseUrl(`R${i}`) }));
    const got: { client: string; frame: Frame }[] = [];
    for (const [name, c] of [['a', a], ['b', b]] as const) {
      for (let i = 0; i < 2; i++) got.push({ client: name, frame: await c.next((f) => f.type === 'slash_commands') });
    }
    expect(got.map((g) => g.frame.envelope_id).sort()).toEqual(sent.map((e) => e.envelopeId).sort());
    expect(a.frames.concat(b.frames).filter((f) => f.type === 'slash_commands')).toEqual([]);
    expect(got[0]!.frame).toMatchObject({ accepts_response_payload: true, payload: { command: '/workerman', text: expect.stringMatching(/^status web-\d$/) } });
    for (const { client, frame } of got) (client === 'a' ? a : b).ws.send(JSON.stringify({ envelope_id: frame.envelope_id, payload: {} }));
    for (const e of sent) expect(await socket.waitForOutcome(e)).toBe('acked');
    expect(socket.acks.every((k) => k.ms >= 0 && k.ms < 150 && !k.isLate)).toBe(true);
    expect(socket.violations).toEqual([]);
  });

  test('an unacked event is sent again with retry_attempt and retry_reason; an unacked command is not', async () => {
    const c = await open();
    const event = socket.sendEvent({ type: 'subteam_members_changed', subteam_id: 'S0ONCALL1' });
    const command = socket.sendCommand({ text: 'help', responseUrl: webApi.responseUrl('R1') });
    expect(await c.next((f) => f.type === 'events_api')).toMatchObject({ retry_attempt: 0, retry_reason: '', accepts_response_payload: false });
    await c.next((f) => f.type === 'slash_commands');
    const retry = await c.next((f) => f.type === 'events_api');
    expect(retry).toMatchObject({ envelope_id: event.envelopeId, retry_attempt: 1, retry_reason: 'timeout' });
    c.ws.send(JSON.stringify({ envelope_id: retry.envelope_id }));
    expect(await socket.waitForOutcome(event)).toBe('acked');
    expect(await socket.waitForOutcome(command)).toBe('operation_timeout');
    expect(command.deliveries).toHaveLength(1);
    // After three retries the event is dropped, as Slack does.
    const ignored = socket.sendEvent({ type: 'subteam_members_changed', subteam_id: 'S0ONCALL1' });
    expect(await socket.waitForOutcome(ignored, 3000)).toBe('retries_exhausted');
    expect(ignored.deliveries.map((d) => d.attempt)).toEqual([0, 1, 2, 3]);
  });

  test('with no connection a command fails at once (dispatch_failed) and an event waits for the next one', async () => {
    const command = socket.sendCommand({ text: 'help', responseUrl: webApi.responseUrl('R1') });
    const event = socket.sendEvent({ type: 'subteam_members_changed', subteam_id: 'S0ONCALL1' });
    expect(command.outcome).toBe('dispatch_failed');
    expect(event.outcome).toBe('pending');
    const c = await open();
    const frame = await c.next((f) => f.type === 'events_api');
    c.ws.send(JSON.stringify({ envelope_id: frame.envelope_id }));
    expect(await socket.waitForOutcome(event)).toBe('acked');
  });

  test('disconnect: refresh_requested takes the connection out of rotation and closes it; warning is followed by refresh_requested', async () => {
    const a = await open();
    const b = await open();
    socket.disconnect(socket.connections[0]!, 'refresh_requested');
    expect(await a.next((f) => f.type === 'disconnect')).toMatchObject({ reason: 'refresh_requested' });
    const sent = [1, 2, 3].map(() => socket.sendCommand({ text: 'help', responseUrl: webApi.responseUrl('R') }));
    expect(sent.every((e) => e.deliveries[0]?.connectionId === 2)).toBe(true);
    await new Promise<void>((resolve) => a.ws.once('close', () => resolve()));
    expect(socket.connections[0]).toMatchObject({ closedBy: 'stand-in' });

    socket.disconnect(socket.connections[1]!, 'warning');
    expect(await b.next((f) => f.type === 'disconnect')).toMatchObject({ reason: 'warning' });
    expect(socket.openConnections()).toHaveLength(1);
    expect(await b.next((f) => f.type === 'disconnect')).toMatchObject({ reason: 'refresh_requested' });
    expect(socket.openConnections()).toHaveLength(0);
  });

  test('an ack of an unknown envelope, a second ack and a non-JSON frame are violations', async () => {
    const c = await open();
    const e = socket.sendCommand({ text: 'help', responseUrl: webApi.responseUrl('R1') });
    await c.next((f) => f.envelope_id === e.envelopeId);
    c.ws.send(JSON.stringify({ envelope_id: e.envelopeId }));
    c.ws.send(JSON.stringify({ envelope_id: e.envelopeId }));
    c.ws.send(JSON.stringify({ envelope_id: 'made-up' }));
    c.ws.send('not json');
    await expect.poll(() => socket.violations.length).toBe(3);
    expect(socket.violations.join('\n')).toMatch(/acked twice[\s\S]*unknown envelope made-up[\s\S]*not JSON/);
  });
});
