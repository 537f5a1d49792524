// The built-in `local` host through the real bot: part of `/workerman hosts` and `status all` only when the
// config names it or a Workerman master runs on this machine (looked for in /proc when those are asked,
// here in a stand-in /proc directory); it can always be asked by name.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { parseConfigText } from '../../../src/config/load.js';
import { FAKE_PHP, STATUS_FIXTURES } from '../../helpers/paths.js';
import { startBotHarness, type BotHarness } from '../../helpers/slack-bot-harness.js';
import { sendCommand } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';

const BOT_TOKEN = 'xoxb-1111-2222-localtoken';
const CHANNEL = 'C0123ABCD';

describe('the built-in local host in /workerman hosts and status all', () => {
  let standIn: SlackStandIn;
  let tmp: string;
  let configText: string;
  let seq = 0;
  const bots: BotHarness[] = [];

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'wo-slack-local-'));
    const startFile = join(tmp, 'start.php');
    writeFileSync(startFile, JSON.stringify({ status: [join(STATUS_FIXTURES, 'wm5.2.2-idle')] }));
    configText = `hosts:\n  - name: web-1\n    workerman: { php: "${FAKE_PHP}", startFile: "${startFile}" }\nlimits: { userBurst: 100, userPerMinute: 600, postIntervalMs: 0 }\n`;
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
  });

  afterEach(async () => {
    for (const h of bots.splice(0)) await h.stop();
    expect(standIn.violations).toEqual([]);
    standIn.reset();
  });

  afterAll(async () => {
    await standIn?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** A bot whose "/proc" holds a Workerman master or not. */
  async function botWith(masterRunsHere: boolean): Promise<BotHarness> {
    const proc = mkdtempSync(join(tmp, 'proc-'));
    mkdirSync(join(proc, '1'));
    writeFileSync(join(proc, '1', 'cmdline'), 'init\0');
    if (masterRunsHere) {
      mkdirSync(join(proc, '4242'));
      writeFileSync(join(proc, '4242', 'cmdline'), 'WorkerMan: master process  start_file=/srv/app/start.php\0');
    }
    const h = await startBotHarness(standIn, parseConfigText(configText, 'ops.yml'), { botToken: BOT_TOKEN, procDir: proc });
    bots.push(h);
    return h;
  }

  async function ask(h: BotHarness, text: string): Promise<string> {
    const audit = h.auditLines.length;
    const res = await sendCommand(h.eventsUrl, { text, responseUrl: standIn.responseUrl(`L${++seq}`) });
    const ack = await res.text();
    await h.settled(audit + 1);
    return ack;
  }

  test('no Workerman master here: hosts lists only the configured hosts, status all runs on them alone', async () => {
    const h = await botWith(false);
    const hosts = JSON.parse(await ask(h, 'hosts')) as { text: string };
    expect(hosts.text).toBe('1 configured host: web-1');
    await ask(h, 'status all');
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'status', host: 'all', hosts: ['web-1'], outcome: 'ok' });
    expect(standIn.messages(CHANNEL)[0]!.text).toBe('Workerman status of all: 1 host: 1 up');
    // Still there by name.
    await ask(h, 'status local');
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'status', host: 'local', hosts: ['local'] });
  });

  test('a Workerman master here: hosts lists local, and status all asks it too', async () => {
    const h = await botWith(true);
    const hosts = JSON.parse(await ask(h, 'hosts')) as { text: string };
    expect(hosts.text).toBe('2 configured hosts: web-1, local');
    await ask(h, 'status all');
    expect(h.auditLines.at(-1)).toMatchObject({ command: 'status', host: 'all', hosts: ['web-1', 'local'] });
  });
});
