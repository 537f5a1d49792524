// `/workerman doctor <host>` through the real bot in HTTP mode and the Slack stand-in: the checks reach
// only the requester (ephemeral, never a channel post: they name paths, uids and kernel settings),
// escaped; it is allowed wherever `status` is for that host, denied elsewhere, an outsider is screened
// before the host is looked up, and every request leaves one audit line.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { OUTSIDER_RULE } from '../../../src/access/check-access.js';
import { Config } from '../../../src/config/schema.js';
import { FAKE_PHP, STATUS_FIXTURES } from '../../helpers/paths.js';
import { startBotWithStandIn, type BotWithStandIn } from '../../helpers/slack-bot-harness.js';
import { sendCommand } from '../../helpers/slack-signing.js';
import type { SlackStandIn } from '../../helpers/slack-standin.js';

const BOT_TOKEN = 'xoxb-1111-2222-doctortoken';
const OPS = 'C0OPS0001';
const RANDOM = 'C0RANDOM1';
const ANN = 'U0ANN0001';
const OUTSIDER = 'U0OUT0001';

describe('/workerman doctor <host>', () => {
  let standIn: SlackStandIn;
  let h: BotWithStandIn;
  let tmp: string;
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`D${++seq}`);

  beforeAll(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'wo-doctor-'));
    // A directory whose name is a Slack control sequence: the doctor quotes the start file's path.
    const hostile = join(tmp, 'app<!here>');
    await mkdir(hostile);
    const webStart = join(hostile, 'start.php');
    await writeFile(webStart, JSON.stringify({ status: [join(STATUS_FIXTURES, 'wm5.2.2-idle')] }));
    await mkdir(join(tmp, 'db'));
    const dbStart = join(tmp, 'db', 'start.php');
    await writeFile(dbStart, JSON.stringify({ status: [join(STATUS_FIXTURES, 'wm5.2.2-idle')] }));
    const config = Config.parse({
      hosts: [
        { name: 'web-1', workerman: { php: FAKE_PHP, startFile: webStart } },
        { name: 'db-1', workerman: { php: FAKE_PHP, startFile: dbStart }, strace: { path: '/nonexistent/strace' } },
      ],
      access: {
        channels: [OPS],
        contact: 'ask @ops-oncall in #ops',
        rules: [{ name: 'web status', commands: ['status'], hosts: ['web-1'], users: [ANN] }],
      },
      limits: { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 },
    });
    h = await startBotWithStandIn(config, { botToken: BOT_TOKEN, channels: [OPS, RANDOM] });
    standIn = h.standIn;
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
  });

  afterAll(async () => {
    await h?.close();
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  /** Sends the command; returns the ack's body and every response_url post, once the audit line is written. */
  async function ask(text: string, who: { userId: string; channelId: string }): Promise<{ ack: string; responses: Array<Record<string, unknown>> }> {
    const before = standIn.responses.length;
    const audit = h.auditLines.length;
    const res = await sendCommand(h.eventsUrl, { text, responseUrl: responseUrl(), ...who });
    const ack = await res.text();
    await h.settled(audit + 1);
    return { ack, responses: standIn.responses.slice(before).map((r) => r.body) };
  }

  const channelPosts = (): number => standIn.callsOf('chat.postMessage').length + standIn.callsOf('chat.update').length;

  test('a user a status rule allows gets the checks privately, escaped, and nothing is posted in the channel', async () => {
    const posts = channelPosts();
    const { responses } = await ask('doctor web-1', { userId: ANN, channelId: RANDOM });
    expect(responses).toHaveLength(1);
    const reply = responses[0]!;
    expect(reply['response_type']).toBe('ephemeral');
    expect(String(reply['text'])).toBe('Doctor for web-1: every check passed');
    const body = JSON.stringify(reply['blocks']);
    for (const id of ['`local`', '`php`', '`start_file`', '`status`', '`strace`', '`yama`', '`tools`', '`lock_dir`']) expect(body).toContain(id);
    expect(body).toContain('PHP 8.2.0');
    expect(body).toContain('app&lt;!here&gt;');
    expect(body).not.toContain('<!here>');
    expect(body).toContain('Only you can see this');
    expect(channelPosts()).toBe(posts);
    expect(h.auditLines.at(-1)).toMatchObject({ userId: ANN, command: 'doctor', host: 'web-1', outcome: 'ok', rule: '"web status" (access.rules[0])' });
  });

  test('a failing check comes with its fix; the audit line says problems were found', async () => {
    const { responses } = await ask('doctor db-1', { userId: OUTSIDER, channelId: OPS });
    expect(responses).toHaveLength(1);
    expect(responses[0]!['response_type']).toBe('ephemeral');
    expect(String(responses[0]!['text'])).toBe('Doctor for db-1: 1 problem');
    const body = JSON.stringify(responses[0]!['blocks']);
    expect(body).toContain(':x: `strace` strace (/nonexistent/strace) is not installed on db-1');
    expect(body).toContain('*fix:* install strace on db-1 (`apt-get install strace`');
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'doctor', host: 'db-1', outcome: 'ok', errorCode: 'doctor_found_problems', rule: 'access.channels' });
  });

  test('where status is not allowed for that host, doctor is denied too', async () => {
    const { ack, responses } = await ask('doctor db-1', { userId: ANN, channelId: RANDOM });
    const all = [ack, ...responses.map((r) => JSON.stringify(r))].join('\n');
    expect(all).toContain('access_denied');
    expect(all).toContain('`status db-1` is not allowed');
    expect(all).not.toContain('nonexistent');
    expect(h.auditLines.at(-1)).toMatchObject({ userId: ANN, command: 'doctor', outcome: 'denied' });
  });

  test('an outsider is screened before the host is looked up: no host name, no check', async () => {
    for (const text of ['doctor web-1', 'doctor nosuch']) {
      const { ack, responses } = await ask(text, { userId: OUTSIDER, channelId: RANDOM });
      const all = [ack, ...responses.map((r) => JSON.stringify(r))].join('\n');
      expect(all).toMatch(/not allowed to use this bot here.*Ask @ops-oncall in #ops/);
      expect(all).not.toMatch(/web-1|db-1|nosuch|Doctor for/);
      expect(h.auditLines.at(-1)).toMatchObject({ userId: OUTSIDER, command: 'doctor', outcome: 'denied', rule: OUTSIDER_RULE });
    }
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
  });
});
