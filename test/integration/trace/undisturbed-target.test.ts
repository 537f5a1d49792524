// Issue 8, "never disturb the target": a trace must deliver no signal to the process it traces. Workerman's
// own `status` signals every worker (SIGIOT through the master; the stand-in sends SIGUSR2), which cuts a PHP sleep() in a handler
// short; traces resolve their targets from /proc instead. Each test traces a fresh fake-workerman
// `sleep-record` worker (it sleeps in clock_nanosleep and appends the name of every signal it receives
// to a file) with real strace, through the built CLI and through the bot (HTTP mode, signed requests),
// and checks the file stays empty and the verdict says `sleeping`. The host's `workerman.php` is
// fake-php-signals, which signals the app's workers as `status` would: a trace path that ran `status`
// would fill the file. A fresh worker each time: a re-trace finds the worker inside restart_syscall
// and honestly says `waiting`.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { ACTION_IDS } from '../../../src/slack/ids.js';
import { startFakeWorkerman, straceUnavailableReason, type FakeWorkerman } from '../../helpers/fake-workerman.js';
import { FIXTURES, REPO_ROOT } from '../../helpers/paths.js';
import { startBotWithStandIn, type BotWithStandIn } from '../../helpers/slack-bot-harness.js';
import { sendButtonClick, sendCommand } from '../../helpers/slack-signing.js';
import type { RecordedResponse, SlackStandIn, StoredMessage } from '../../helpers/slack-standin.js';

const FAKE_PHP_SIGNALS = join(FIXTURES, 'bin', 'fake-php-signals');
// The BUILT CLI (npm test compiles first), run exactly as a user runs it.
const BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');
const BOT_TOKEN = 'xoxb-1111-2222-undisturbed';
const CHANNEL = 'C0123ABCD';
const USER = 'U0123ABCD';

const skipReason = straceUnavailableReason();
if (skipReason !== null) console.warn(`Undisturbed-target trace tests skipped: ${skipReason}`);

interface SleepRecorder {
  pid: number;
  name: string;
  /** Where the worker appends the name of every signal it receives. */
  file: string;
}

const running: FakeWorkerman[] = [];
let seq = 0;

/**
 * Starts fake-workerman for `startFile` with one `sleep-record` worker per name, and resolves once each
 * has its handlers in place (its file exists) and sleeps in clock_nanosleep.
 */
async function startSleepers(dir: string, startFile: string, names: string[]): Promise<SleepRecorder[]> {
  const files = names.map(() => join(dir, `signals-${++seq}.txt`));
  const app = await startFakeWorkerman(startFile, names.map((n, i) => `${n}:sleep-record:${files[i]}`), { lifetimeS: 90 });
  running.push(app);
  const sleepers = app.workers.map((w, i) => ({ pid: w.pid, name: w.name, file: files[i]! }));
  const deadline = Date.now() + 10_000;
  for (const w of sleepers) {
    while (!(existsSync(w.file) && readFileSync(`/proc/${w.pid}/wchan`, 'utf8').includes('nanosleep'))) {
      if (Date.now() > deadline) throw new Error(`worker ${w.pid} did not start sleeping`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  return sleepers;
}

/** What the worker received: the signal names in its file (empty: nothing reached it). */
function signalsReceived(w: SleepRecorder): string[] {
  return readFileSync(w.file, 'utf8').split('\n').filter((l) => l !== '');
}

function procStatus(pid: number): string {
  return readFileSync(`/proc/${pid}/status`, 'utf8');
}

/** Waits a little for anything still under way (a late SIGCONT, a signal in flight) to land in the files. */
const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 300));

describe.skipIf(skipReason !== null)('a trace delivers no signal to its target (sleep-record workers, real strace)', () => {
  let dir: string;
  let cliStartFile: string;
  let cliConfig: string;
  let botStartFile: string;
  let standIn: SlackStandIn;
  let h: BotWithStandIn;
  let responseSeq = 0;
  const responseUrl = (): string => standIn.responseUrl(`U${++responseSeq}`);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wo-undisturbed-'));
    cliStartFile = join(dir, 'cli', 'start.php');
    botStartFile = join(dir, 'bot', 'start.php');
    cliConfig = join(dir, 'ops.yml');
    await writeFile(cliConfig, `hosts:\n  - name: app\n    workerman: { php: "${FAKE_PHP_SIGNALS}", startFile: "${cliStartFile}" }\n`);
    const config = Config.parse({
      hosts: [{ name: 'box', workerman: { php: FAKE_PHP_SIGNALS, startFile: botStartFile }, strace: { rawLog: 'none' } }],
      access: { rules: [{ name: 'oncall', commands: ['trace', 'status'], hosts: ['*'], users: [USER], contact: 'the on-call' }] },
      limits: { userBurst: 100, userPerMinute: 600, postIntervalMs: 0 },
    });
    h = await startBotWithStandIn(config, { botToken: BOT_TOKEN, channels: [CHANNEL] });
    standIn = h.standIn;
  });

  afterEach(async () => {
    if (h !== undefined) await standIn.waitFor(() => h.bot.inFlightCount() === 0, 30_000, 'the work after the click');
    // SIGKILL for all: a sleep-record worker records (and survives) everything else.
    for (const app of running.splice(0)) app.stop();
    standIn?.reset();
  });

  afterAll(async () => {
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('the probe works: what `status` does (fake-php-signals) lands in the file', async () => {
    const [w] = await startSleepers(dir, cliStartFile, ['Probe']);
    const r = spawnSync(FAKE_PHP_SIGNALS, [cliStartFile, 'status'], { encoding: 'utf8' });
    expect(r.stderr).toContain('sent SIGUSR2 to 1 worker(s)');
    await settle();
    expect(signalsReceived(w!)).toEqual(['USR2']);
  });

  test('the CLI traces a sleeping worker by pid without a signal and says sleeping', async () => {
    const [w] = await startSleepers(dir, cliStartFile, ['Sleeper']);
    const r = spawnSync(process.execPath, [BIN, 'trace', 'app', String(w!.pid), '--duration', '1s', '--json', '--config', cliConfig], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
      timeout: 55_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const summary = JSON.parse(r.stdout) as { pids: number[]; verdict: { state: string }; signals: unknown[] };
    expect(summary.pids).toEqual([w!.pid]);
    expect(summary.verdict.state).toBe('sleeping');
    expect(summary.signals).toEqual([]);
    await settle();
    expect(signalsReceived(w!)).toEqual([]);
    expect(procStatus(w!.pid)).toMatch(/^TracerPid:\s+0$/m);
    expect(procStatus(w!.pid)).toMatch(/^State:\s+S/m);
  });

  /** Sends `/workerman <text>`, returns the ephemeral confirmation and its Trace button. */
  async function askToTrace(text: string): Promise<{ question: RecordedResponse; button: { value: string; text: { text: string } } }> {
    await sendCommand(h.eventsUrl, { text, responseUrl: responseUrl(), userId: USER, channelId: CHANNEL });
    const question = await standIn.waitFor(() => standIn.responses.find((r) => JSON.stringify(r.body).includes(ACTION_IDS.traceConfirm)), 10_000, 'the confirmation');
    const button = (question.body['blocks'] as { elements?: { action_id: string; value: string; text: { text: string } }[] }[])
      .flatMap((b) => b.elements ?? [])
      .find((e) => e.action_id === ACTION_IDS.traceConfirm)!;
    return { question, button };
  }

  /** Clicks the Trace button and returns the parent once the trace's outcome is in it and the work is done. */
  async function confirm(value: string): Promise<StoredMessage> {
    await sendButtonClick(h.eventsUrl, { actionId: ACTION_IDS.traceConfirm, value, responseUrl: responseUrl(), messageTs: '1700000000.000001', userId: USER, channelId: CHANNEL });
    const parent = await standIn.waitFor(() => standIn.messages(CHANNEL).find((m) => m.updates > 0 && !m.text.startsWith('Tracing')), 30_000, 'the outcome');
    await standIn.waitFor(() => h.bot.inFlightCount() === 0, 30_000, 'the work after the click');
    return standIn.message(CHANNEL, parent.ts)!;
  }

  test('a Slack trace by pid delivers no signal and says sleeping', async () => {
    const [w] = await startSleepers(dir, botStartFile, ['Sleeper']);
    const { button } = await askToTrace(`trace box ${w!.pid} 1`);
    expect(JSON.parse(button.value)).toEqual({ h: 'box', p: w!.pid, d: 1 });
    const parent = await confirm(button.value);
    expect(parent.text).toMatch(new RegExp(`^Sleeping: strace of pid ${w!.pid} on box`));
    await settle();
    expect(signalsReceived(w!)).toEqual([]);
    expect(procStatus(w!.pid)).toMatch(/^TracerPid:\s+0$/m);
  });

  test('a Slack trace by worker name traces all its processes, names their pids, and signals none of them', async () => {
    const workers = await startSleepers(dir, botStartFile, ['Sleeper', 'Sleeper']);
    const pids = workers.map((w) => w.pid).sort((a, b) => a - b);
    const { question, button } = await askToTrace('trace box Sleeper 1');
    expect(String(question.body['text'])).toBe('Attach strace to worker Sleeper (all its processes) on box for 1 s?');
    expect(button.text.text).toBe('Trace worker Sleeper');
    expect(JSON.parse(button.value)).toEqual({ h: 'box', w: 'Sleeper', d: 1 });
    const parent = await confirm(button.value);
    expect(parent.text).toMatch(new RegExp(`^Sleeping: strace of pids ${pids.join(', ')} on box`));
    // The pending parent named the worker first, then its pids once they were looked up.
    const texts = standIn.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update').map((c) => String(c.params['text']));
    expect(texts).toContain('Tracing worker Sleeper on box for 1 s…');
    expect(texts).toContain(`Tracing worker Sleeper (pids ${pids.join(', ')}) on box for 1 s…`);
    await settle();
    for (const w of workers) {
      expect(signalsReceived(w)).toEqual([]);
      expect(procStatus(w.pid)).toMatch(/^TracerPid:\s+0$/m);
    }
    // The command's audit line had no pids yet; the click's line names the ones traced.
    await standIn.waitFor(() => h.auditLines.some((l) => l['command'] === ACTION_IDS.traceConfirm && JSON.stringify(l['pids']) === JSON.stringify(pids)), 10_000, 'the audit line');
    expect(h.auditLines.slice(-2)).toEqual([
      expect.objectContaining({ command: 'trace', host: 'box', pids: [], outcome: 'ok' }),
      expect.objectContaining({ command: ACTION_IDS.traceConfirm, host: 'box', pids, outcome: 'ok', via: 'button' }),
    ]);
  });

  test('a worker name that matches nothing fails like a refusal: the workers go to the requester, the channel gets the code', async () => {
    const [w] = await startSleepers(dir, botStartFile, ['Sleeper']);
    const { button } = await askToTrace('trace box NoSuchWorker 1');
    const parent = await confirm(button.value);
    expect(parent.text).toBe('Trace of worker NoSuchWorker on box failed: the request is not valid (input_invalid). Details were sent to <@U0123ABCD>.');
    expect(JSON.stringify(parent)).not.toContain('Sleeper');
    const details = standIn.responses.filter((r) => String(r.body['text']).includes('is neither a pid nor a worker of box'));
    expect(details).toHaveLength(1);
    expect(String(details[0]!.body['text'])).toContain('workers: Sleeper');
    expect(details[0]!.body['response_type']).toBe('ephemeral');
    await settle();
    expect(signalsReceived(w!)).toEqual([]);
  });
});
