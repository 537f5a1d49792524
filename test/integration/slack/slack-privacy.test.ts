// Issue 8 item 6, "nothing from a host leaks into a channel", through the real bot in HTTP mode and the
// Slack stand-in: a failed status or fleet shows the channel its outcome and code only (what the host
// said goes to the requester), and someone no access rule covers learns no host or group name from any
// answer (help, hosts, an unknown host, a usage line, a button value), while an allowed user still does.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { OUTSIDER_RULE } from '../../../src/access/check-access.js';
import { Config } from '../../../src/config/schema.js';
import { ACTION_IDS } from '../../../src/slack/ids.js';
import { startBotWithStandIn, type BotWithStandIn } from '../../helpers/slack-bot-harness.js';
import { sendButtonClick, sendCommand } from '../../helpers/slack-signing.js';
import type { SlackStandIn } from '../../helpers/slack-standin.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

const BOT_TOKEN = 'xoxb-1111-2222-privacytoken';
const OPS = 'C0OPS0001';
const RANDOM = 'C0RANDOM1';
const ANN = 'U0ANN0001';
const OUTSIDER = 'U0OUT0001';
const ROOMY_LIMITS = { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 };
// What a PHP fatal on the host prints: a stack line with a DSN that carries a password.
const PHP_FATAL = "PHP Fatal error:  Uncaught PDOException: SQLSTATE[HY000] [1045] at mysql://app:Hunter2Leak@10.0.0.7/app in /srv/app/db.php:12\n";

/** Everything the bot sent into `channel`: every post and every version of every update. */
function channelTraffic(standIn: SlackStandIn, channel: string): string {
  return JSON.stringify(standIn.calls.filter((c) => (c.method === 'chat.postMessage' || c.method === 'chat.update') && c.params['channel'] === channel).map((c) => c.params));
}

describe('a failure shows the channel its outcome and code; what the host said goes to the requester', () => {
  let standIn: SlackStandIn;
  let h: BotWithStandIn;
  let tmp: string;
  const apps: FakeApp[] = [];
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`F${++seq}`);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'wo-privacy-'));
    const fatal = join(tmp, 'php-fatal');
    await writeFile(`${fatal}.out`, PHP_FATAL);
    await writeFile(`${fatal}.json`, JSON.stringify({ exit_code: 255 }));
    const ok = await createFakeApp({ status: ['wm5.2.2-idle'] });
    const broken = await createFakeApp({ status: [fatal] });
    apps.push(ok, broken);
    const config = Config.parse({ hosts: [ok.host('web-1', { groups: ['web'] }), broken.host('web-2', { groups: ['web'] })], limits: ROOMY_LIMITS });
    h = await startBotWithStandIn(config, { botToken: BOT_TOKEN, channels: [OPS] });
    standIn = h.standIn;
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
    for (const a of apps) await a.cleanup();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  test('status: the parent is one line with the code and a mention; the PHP error reaches only the requester, redacted', async () => {
    await sendCommand(h.eventsUrl, { text: 'status web-2', userId: ANN, channelId: OPS, responseUrl: responseUrl() });
    await h.settled(1, 20_000);
    const parent = standIn.messages(OPS).at(-1)!;
    expect(parent.text).toBe('Workerman status of web-2 failed: PHP failed (workerman_php_error). Details were sent to <@U0ANN0001>.');
    const channel = channelTraffic(standIn, OPS);
    for (const word of ['PDOException', 'Hunter2Leak', 'db.php', '10.0.0.7']) expect(channel).not.toContain(word);
    const reply = standIn.responses.find((r) => String(r.body['text']).includes('workerman_php_error'))!;
    expect(reply.body['response_type']).toBe('ephemeral');
    expect(String(reply.body['text'])).toContain('PDOException');
    expect(String(reply.body['text'])).toContain('mysql://app:[REDACTED]@10.0.0.7');
    expect(JSON.stringify(reply.body)).not.toContain('Hunter2Leak');
  });

  test('fleet: a failed host shows its code and a fixed phrase in the channel; its message goes to the requester in one reply', async () => {
    const before = h.auditLines.length;
    const responsesBefore = standIn.responses.length;
    await sendCommand(h.eventsUrl, { text: 'status web', userId: ANN, channelId: OPS, responseUrl: responseUrl() });
    await h.settled(before + 1, 20_000);
    const parent = standIn.messages(OPS).at(-1)!;
    expect(parent.text).toBe('Workerman status of web: 2 hosts: 1 up, 1 error');
    expect(JSON.stringify(parent.blocks)).toContain('`web-2` error: PHP failed (`workerman_php_error`)');
    const failedReply = standIn.replies(OPS, parent.ts).find((m) => m.text.startsWith('Workerman status of web-2'))!;
    expect(failedReply.text).toBe('Workerman status of web-2 failed: PHP failed (workerman_php_error). Details were sent to <@U0ANN0001>.');
    const channel = channelTraffic(standIn, OPS);
    for (const word of ['PDOException', 'Hunter2Leak', 'db.php']) expect(channel).not.toContain(word);
    const replies = standIn.responses.slice(responsesBefore);
    expect(replies).toHaveLength(1);
    expect(replies[0]!.body['response_type']).toBe('ephemeral');
    expect(JSON.stringify(replies[0]!.body)).toContain('PDOException');
    expect(JSON.stringify(replies[0]!.body)).not.toContain('Hunter2Leak');
  });
});

describe('someone no access rule covers learns no host or group name; an allowed user still gets the list', () => {
  let standIn: SlackStandIn;
  let h: BotWithStandIn;
  const apps: FakeApp[] = [];
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`A${++seq}`);
  const NAMES = /web-1|db-1|\bweb\b|\bdbs\b|web team/;

  beforeAll(async () => {
    const web = await createFakeApp({ status: ['wm5.2.2-idle'] });
    const db = await createFakeApp({ status: ['wm5.2.2-idle'] });
    apps.push(web, db);
    const config = Config.parse({
      hosts: [web.host('web-1', { groups: ['web'] }), db.host('db-1', { groups: ['dbs'] })],
      access: {
        teams: ['T0123ABCD'],
        channels: [OPS],
        contact: 'ask @ops-oncall in #ops',
        rules: [{ name: 'web team', commands: ['status'], hosts: ['web'], users: [ANN] }],
      },
      limits: ROOMY_LIMITS,
    });
    h = await startBotWithStandIn(config, { botToken: BOT_TOKEN, channels: [OPS, RANDOM] });
    standIn = h.standIn;
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
    for (const a of apps) await a.cleanup();
  });

  /** The private answer to a command: the ack's body, or what came through response_url. */
  async function answer(text: string, who: { userId: string; channelId: string; teamId?: string }): Promise<string> {
    const before = standIn.responses.length;
    const audit = h.auditLines.length;
    const res = await sendCommand(h.eventsUrl, { text, responseUrl: responseUrl(), ...who });
    const body = await res.text();
    await h.settled(audit + 1, 20_000);
    return [body, ...standIn.responses.slice(before).map((r) => JSON.stringify(r.body))].join('\n');
  }

  test.each(['status nosuch', 'status web-1', 'status web', 'status all', 'status', 'hosts', 'help', '', 'trace web-1 123', 'frobnicate', 'status web-l', 'stauts web-1'])(
    'an outsider in an unlisted channel typing "%s" is denied without a name',
    async (text) => {
      const reply = await answer(text, { userId: OUTSIDER, channelId: RANDOM });
      expect(reply).toContain('access_denied');
      expect(reply).toMatch(/not allowed to use this bot here.*Ask @ops-oncall in #ops/);
      expect(reply).not.toMatch(NAMES);
      expect(h.auditLines.at(-1)).toMatchObject({ userId: OUTSIDER, outcome: 'denied', rule: OUTSIDER_RULE });
      expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
    },
  );

  test('an outsider gets the same answer for a real host and for a name that does not exist', async () => {
    const real = await answer('status web-1', { userId: OUTSIDER, channelId: RANDOM });
    const fake = await answer('status nosuch', { userId: OUTSIDER, channelId: RANDOM });
    expect(JSON.parse(real.split('\n')[0]!)).toEqual(JSON.parse(fake.split('\n')[0]!));
  });

  test('a request from another workspace is denied before its text is read, even from a listed user in a listed channel', async () => {
    const reply = await answer('status nosuch', { userId: ANN, channelId: OPS, teamId: 'T0GUEST01' });
    expect(reply).toMatch(/does not take requests from your workspace.*access_denied/);
    expect(reply).not.toMatch(NAMES);
    expect(h.auditLines.at(-1)).toMatchObject({ outcome: 'denied', rule: 'access.teams' });
  });

  test('an outsider clicking a button with any value is denied without a name', async () => {
    for (const value of ['nosuch', 'web-1']) {
      const audit = h.auditLines.length;
      await sendButtonClick(h.eventsUrl, { actionId: ACTION_IDS.statusRefresh, value, userId: OUTSIDER, channelId: RANDOM, responseUrl: responseUrl(), messageTs: '1700000000.000001' });
      await h.settled(audit + 1, 20_000);
      const reply = standIn.responses.at(-1)!;
      expect(String(reply.body['text'])).toMatch(/not allowed to use this bot here/);
      expect(JSON.stringify(reply.body)).not.toMatch(NAMES);
    }
  });

  test('an allowed user still gets the helpful list: a rule lists them, or the channel is an access channel', async () => {
    const listed = await answer('status nosuch', { userId: ANN, channelId: RANDOM });
    expect(listed).toMatch(/Unknown host \\"nosuch\\". Configured hosts: web-1, db-1. Groups: dbs, web, all.*host_unknown/);
    // A near miss gets the closest name: only for someone the screening let through, like the list itself.
    const nearMiss = await answer('status web-l', { userId: ANN, channelId: RANDOM });
    expect(nearMiss).toMatch(/Unknown host \\"web-l\\". Did you mean \\"web-1\\"\? Configured hosts: web-1, db-1/);
    const typo = await answer('stauts web-1', { userId: ANN, channelId: RANDOM });
    expect(typo).toContain('is not a subcommand. Did you mean `/workerman status`?');
    const inOps = await answer('hosts', { userId: OUTSIDER, channelId: OPS });
    expect(inOps).toMatch(/2 configured hosts: web-1, db-1/);
  });
});
