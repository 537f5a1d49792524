// `/workerman trace` end to end: signed command → ephemeral confirmation → signed button click → real
// strace (LocalTransport) on a process titled like a Workerman worker → verdict in the parent, tables
// and the redacted raw log in its thread, all against the Slack stand-in.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { loadSlackEnv } from '../../../src/config/slack-env.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/app.js';
import { ACTION_IDS } from '../../../src/slack/ids.js';
import { createJsonLogger } from '../../../src/slack/json-logger.js';
import { createTransports } from '../../../src/transport/pool.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { sendButtonClick, sendCommand, TEST_SIGNING_SECRET } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';

const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const START_FILE = '/srv/wm-test/apps/slack/start.php';
const BOT_TOKEN = 'xoxb-1111-2222-tracetoken';
const CHANNEL = 'C0123ABCD';

function unavailableReason(): string | null {
  if (process.platform !== 'linux') return `strace tests need Linux, not ${process.platform}`;
  try {
    execFileSync('strace', ['-o', '/dev/null', 'true'], { stdio: 'ignore' });
    execFileSync('perl', ['-e', '1'], { stdio: 'ignore' });
  } catch {
    return 'strace or perl missing, or ptrace not permitted here';
  }
  return null;
}
const skipReason = process.env.CI === 'true' ? null : unavailableReason();
if (skipReason !== null) console.warn(`Slack trace tests skipped: ${skipReason}`);

function tracerPid(pid: number): number {
  return Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? '-1');
}

describe.skipIf(skipReason !== null)('/workerman trace through Slack (real strace, local transport)', () => {
  let standIn: SlackStandIn;
  let bot: SlackApp;
  let eventsUrl: string;
  let lockDir: string;
  let app: ChildProcess;
  let workerPid = 0;
  const auditLines: Record<string, unknown>[] = [];
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`T${++seq}`);

  beforeAll(async () => {
    lockDir = await mkdtemp(join(tmpdir(), 'wo-slack-trace-'));
    app = spawn(FAKE_WORKERMAN, [START_FILE, '120', 'web:idle'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      app.once('error', reject);
      app.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        for (const line of buffer.split('\n')) {
          const [kind, pid] = line.split(' ');
          if (kind === 'worker') workerPid = Number(pid);
          if (kind === 'ready') resolve();
        }
      });
    });
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
    const config = Config.parse({
      hosts: [{ name: 'box', workerman: { startFile: START_FILE } }],
      access: { rules: [{ name: 'oncall', commands: ['trace', 'status'], hosts: ['*'], users: ['U0123ABCD'], contact: 'the on-call' }] },
      // Room for every request of this suite (the rate limit has its own tests), no pacing.
      limits: { userBurst: 100, userPerMinute: 600, postIntervalMs: 0 },
    });
    bot = createSlackApp({
      env: loadSlackEnv({ SLACK_MODE: 'http', SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, PORT: '0', HOST: '127.0.0.1', SLACK_API_URL: standIn.apiUrl }),
      config,
      // A private TMPDIR keeps the host's trace locks apart from other suites running on this machine.
      transports: createTransports(config.hosts, { env: { ...process.env, TMPDIR: lockDir } }),
      logger: createJsonLogger({ write: () => {} }),
      auditSink: { write: (line) => void auditLines.push(JSON.parse(line) as Record<string, unknown>) },
      clientOptions: { retryConfig: { retries: 0 } },
    });
    await bot.start();
    eventsUrl = `http://127.0.0.1:${bot.httpAddress()!.port}/slack/events`;
  });

  afterEach(async () => {
    await standIn.waitFor(() => bot.inFlightCount() === 0, 30_000);
    expect(standIn.violations).toEqual([]);
    standIn.reset();
  });

  afterAll(async () => {
    await bot?.stop();
    await standIn?.close();
    app?.kill('SIGTERM');
    if (lockDir) await rm(lockDir, { recursive: true, force: true });
  });

  test('asks for confirmation, then posts the verdict with tables and the raw log in the thread', async () => {
    const res = await sendCommand(eventsUrl, { text: `trace box ${workerPid} 2`, responseUrl: responseUrl() });
    expect(res.status).toBe(200);
    const question = await standIn.waitFor(() => standIn.responses[0]);
    expect(question.body['response_type']).toBe('ephemeral');
    const button = (question.body['blocks'] as { type: string; elements?: { action_id: string; value: string }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION_IDS.traceConfirm)!;
    expect(JSON.parse(button.value)).toEqual({ h: 'box', p: workerPid, d: 2 });
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0); // nothing runs before the click

    await sendButtonClick(eventsUrl, { actionId: ACTION_IDS.traceConfirm, value: button.value, responseUrl: responseUrl(), messageTs: '1700000000.000001' });
    const parent = await standIn.waitFor(() => standIn.messages(CHANNEL).find((m) => m.updates > 0 && !m.text.startsWith('Tracing')), 30_000, 'the verdict');
    expect(parent.text).toMatch(/idle/i);
    console.log(`trace verdict message: ${parent.text}`);
    const file = await standIn.waitFor(() => standIn.files.find((f) => f.isComplete), 10_000, 'the raw log');
    expect(file.threadTs).toBe(parent.ts);
    expect(file.bytes!.length).toBeGreaterThan(0);
    expect(standIn.replies(CHANNEL, parent.ts).length).toBeGreaterThan(0);
    expect(tracerPid(workerPid)).toBe(0);
    // One audit line for the command (asked) and one for the click (traced), with the pid.
    await standIn.waitFor(() => auditLines.length >= 2 || undefined);
    expect(auditLines.slice(-2)).toEqual([
      expect.objectContaining({ command: 'trace', host: 'box', pids: [workerPid], outcome: 'ok', rule: '"oncall" (access.rules[0])' }),
      expect.objectContaining({ command: ACTION_IDS.traceConfirm, host: 'box', pids: [workerPid], outcome: 'ok', via: 'button' }),
    ]);
  });

  test('the "Trace a PID…" menu of a status message leads to the same confirmation, re-validated', async () => {
    await sendButtonClick(eventsUrl, { kind: 'static_select', actionId: ACTION_IDS.traceSelect, value: `box:${workerPid}`, responseUrl: responseUrl(), messageTs: '1700000000.000001' });
    await sendButtonClick(eventsUrl, { kind: 'static_select', actionId: ACTION_IDS.traceSelect, value: 'box:0x1f', responseUrl: responseUrl(), messageTs: '1700000000.000001' });
    await standIn.waitFor(() => standIn.responses.length >= 2);
    const [question, refused] = [...standIn.responses].sort((a, b) => Number(a.id.slice(1)) - Number(b.id.slice(1)));
    expect(JSON.stringify(question!.body['blocks'])).toContain(`"value":"{\\"h\\":\\"box\\",\\"p\\":${workerPid},\\"d\\":5}"`);
    expect(String(refused!.body['text'])).toMatch(/is not a PID.*input_invalid/);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
  });

  test('a user no rule allows is told which rule applies, and nothing is traced', async () => {
    await sendCommand(eventsUrl, { text: `trace box ${workerPid}`, responseUrl: responseUrl(), userId: 'U0OTHER01' });
    const reply = await standIn.waitFor(() => standIn.responses[0]);
    expect(String(reply.body['text'])).toMatch(/access_denied/);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
  });

  test('a forged confirmation value (other pid format, too long a duration) runs nothing', async () => {
    for (const value of ['{"h":"box","p":"1;id","d":2}', `{"h":"box","p":${workerPid},"d":9999}`, 'not json']) {
      await sendButtonClick(eventsUrl, { actionId: ACTION_IDS.traceConfirm, value, responseUrl: responseUrl(), messageTs: '1700000000.000001' });
    }
    await standIn.waitFor(() => standIn.responses.length >= 3);
    expect(standIn.responses.every((r) => /input_invalid/.test(String(r.body['text'])))).toBe(true);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(0);
  });
});
