// `/workerman connections <host>` through the real bot in HTTP mode and the Slack stand-in: posted like
// status (a parent with counts by worker, protocol and state, the table in its thread as Block Kit, the
// raw output attached when the table does not fit), allowed by the `connections` access command,
// refused like status when the app is not running, and one audit line per request.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { FAKE_PHP, STATUS_FIXTURES } from '../../helpers/paths.js';
import { startBotWithStandIn, type BotWithStandIn } from '../../helpers/slack-bot-harness.js';
import { sendCommand } from '../../helpers/slack-signing.js';
import type { SlackStandIn, StoredMessage } from '../../helpers/slack-standin.js';

const BOT_TOKEN = 'xoxb-1111-2222-conntoken';
const OPS = 'C0OPS0001';
const RANDOM = 'C0RANDOM1';
const OUTSIDE = 'C0OUTSIDE1';
const ANN = 'U0ANN0001';
const BOB = 'U0BOB0001';

/** A capture of `rows` connections built from the 5.2.2 one (fresh ids and ports), saved as a fake-php base. */
async function writeManyConnections(dir: string, rows: number): Promise<string> {
  const lines = (await readFile(join(STATUS_FIXTURES, 'wm5.2.2-connections.out'), 'utf8')).split('\n');
  const header = lines.slice(0, 3);
  const sample = lines[3]!;
  const body = Array.from({ length: rows }, (_, i) => sample.replace(/^(\d+\s+HttpApi01\s+)\d+(\s+)/, (_m, a: string) => `${a}${String(i + 10).padEnd(10)}`).replace('127.0.0.1:40238', `10.0.${Math.floor(i / 200)}.${i % 200}:4${String(i).padStart(4, '0')}`.padEnd(15)));
  const base = join(dir, `wm5.2.2-${rows}-connections`);
  await writeFile(`${base}.out`, [...header, ...body, ''].join('\n'));
  await writeFile(`${base}.json`, JSON.stringify({ exit_code: 0 }));
  return base;
}

describe('/workerman connections <host>', () => {
  let standIn: SlackStandIn;
  let h: BotWithStandIn;
  let tmp: string;
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`K${++seq}`);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'wo-conns-'));
    const app = async (name: string, spec: Record<string, string[]>): Promise<string> => {
      const startFile = join(tmp, `${name}.php`);
      await writeFile(startFile, JSON.stringify(spec));
      return startFile;
    };
    const many = await writeManyConnections(tmp, 400);
    const config = Config.parse({
      hosts: [
        { name: 'web-1', workerman: { php: FAKE_PHP, startFile: await app('web-1', { connections: [join(STATUS_FIXTURES, 'wm5.2.2-connections')] }) } },
        { name: 'big-1', workerman: { php: FAKE_PHP, startFile: await app('big-1', { connections: [many] }) } },
        { name: 'down-1', workerman: { php: FAKE_PHP, startFile: await app('down-1', { connections: [join(STATUS_FIXTURES, 'wm5.2.2-not-running-connections')] }) } },
      ],
      access: {
        channels: [OPS],
        rules: [
          { name: 'web connections', commands: ['connections'], hosts: ['web-1'], users: [ANN] },
          { name: 'status only', commands: ['status'], hosts: ['*'], users: [BOB] },
        ],
      },
      limits: { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 },
    });
    h = await startBotWithStandIn(config, { botToken: BOT_TOKEN, channels: [OPS, RANDOM, { id: OUTSIDE, kind: 'public', botIsMember: false }] });
    standIn = h.standIn;
  });

  afterEach(async () => {
    await standIn.waitFor(() => h.bot.inFlightCount() === 0, 30_000, 'work in flight');
    expect(standIn.violations).toEqual([]);
    standIn.reset();
  });

  afterAll(async () => {
    await h?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Sends the command and waits for its audit line; returns the ack body. */
  async function ask(text: string, who: { userId: string; channelId: string }): Promise<string> {
    const audit = h.auditLines.length;
    const res = await sendCommand(h.eventsUrl, { text, responseUrl: responseUrl(), ...who });
    expect(res.status).toBe(200);
    const ack = await res.text();
    await h.settled(audit + 1);
    return ack;
  }

  function parentIn(channel: string): StoredMessage {
    const parents = standIn.messages(channel);
    expect(parents).toHaveLength(1);
    return parents[0]!;
  }

  test('posts a summary in the channel and the table in its thread, audited as connections', async () => {
    await ask('connections web-1', { userId: ANN, channelId: RANDOM });
    const parent = parentIn(RANDOM);
    expect(parent.text).toBe('Workerman connections of web-1: 5 client connections');
    const blocks = JSON.stringify(parent.blocks);
    expect(blocks).toContain('*5 client connections* to 3 workers');
    expect(blocks).toContain('*By protocol*\\n`tcp/Http` 3\\n`tcp/Websocket` 1\\n`tcp/Text` 1');
    expect(blocks).toContain('The table is in the thread.');
    const replies = standIn.replies(RANDOM, parent.ts);
    expect(replies).toHaveLength(1);
    const table = replies[0]!.blocks!.find((b) => (b as { type: string }).type === 'table') as { rows: { text: string }[][] };
    expect(table.rows).toHaveLength(6);
    expect(table.rows[4]!.map((c) => c.text)).toEqual(['19371', 'ws-notificat..', '2', 'tcp/Websocket', '127.0.0.1:18701', '127.0.0.1:59248', 'ESTABLISHED', '0B', '0B', '158B', '155B']);
    expect(standIn.files).toEqual([]);
    expect(h.auditLines.at(-1)).toMatchObject({ userId: ANN, command: 'connections', host: 'web-1', hosts: ['web-1'], outcome: 'ok', rule: '"web connections" (access.rules[0])' });
  });

  test('a table too long for the thread: the first rows as tables, the whole output attached, the parent says both', async () => {
    await ask('connections big-1', { userId: BOB, channelId: OPS });
    const parent = parentIn(OPS);
    expect(parent.text).toBe('Workerman connections of big-1: 400 client connections');
    expect(JSON.stringify(parent.blocks)).toContain('The first 297 rows are in the thread, the whole output is attached there.');
    const replies = standIn.replies(OPS, parent.ts);
    expect(replies.map((r) => r.text)).toEqual([
      'Workerman connections of big-1: 1–99 of 400',
      'Workerman connections of big-1: 100–198 of 400',
      'Workerman connections of big-1: 199–297 of 400',
    ]);
    const file = await standIn.waitFor(() => standIn.files.find((f) => f.isComplete), 10_000, 'the file');
    expect(file.filename).toBe('big-1-connections.txt');
    expect(file.threadTs).toBe(parent.ts);
    expect(file.bytes!.toString().split('\n').filter((l) => /^\d+\s/.test(l))).toHaveLength(400);
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'connections', host: 'big-1', outcome: 'ok', rule: 'access.channels' });
  });

  test('an app that is not running: the channel sees the outcome and code, the requester the details', async () => {
    await ask('connections down-1', { userId: BOB, channelId: OPS });
    const parent = parentIn(OPS);
    expect(parent.text).toMatch(/^Workerman connections of down-1 failed: .*\(workerman_not_running\)\. Details were sent to <@U0BOB0001>\.$/);
    expect(standIn.responses.some((r) => String(r.body['text']).includes('workerman_not_running') && r.body['response_type'] === 'ephemeral')).toBe(true);
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'connections', host: 'down-1', outcome: 'error', errorCode: 'workerman_not_running' });
  });

  test('a rule for status does not allow connections outside access.channels; nothing runs', async () => {
    const ack = await ask('connections web-1', { userId: BOB, channelId: RANDOM });
    const all = [ack, ...standIn.responses.map((r) => JSON.stringify(r.body))].join('\n');
    expect(all).toContain('access_denied');
    expect(all).toContain('`connections web-1` is not allowed');
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
    expect(h.auditLines.at(-1)).toMatchObject({ userId: BOB, command: 'connections', host: 'web-1', outcome: 'denied' });
  });

  test('where the bot is not a member, the summary and the first rows reach the requester privately', async () => {
    await ask('connections web-1', { userId: ANN, channelId: OUTSIDE });
    expect(standIn.messages(OUTSIDE)).toEqual([]);
    const reply = standIn.responses.find((r) => String(r.body['text']).includes('Workerman connections of web-1'));
    expect(reply?.body['response_type']).toBe('ephemeral');
    const body = JSON.stringify(reply!.body['blocks']);
    expect(body).toContain('/invite @workerman');
    expect(body).toContain('ws-notificat..');
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'connections', outcome: 'error', errorCode: 'not_in_channel' });
  });
});
