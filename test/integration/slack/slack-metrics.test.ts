// GET /metrics end to end: the real bot (HTTP mode and Socket Mode) with METRICS_PORT set, scraped over
// HTTP and read with a strict parser of the text format; requests are real signed slash commands into
// Bolt's receiver (or envelopes over the Socket Mode stand-in) and counted from the audit trail; the
// host numbers come from a watcher: a stand-in holding real windows built from captures, and the real
// watcher sampling real processes over the loopback sshd.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { Config } from '../../../src/config/schema.js';
import { WatchSettings } from '../../../src/config/watch-settings.js';
import { loadSlackEnv } from '../../../src/config/slack-env.js';
import { BotError } from '../../../src/errors.js';
import type { MetricsWatchSource } from '../../../src/metrics/create-bot-metrics.js';
import { createSlackApp, type SlackApp } from '../../../src/slack/app.js';
import { createJsonLogger } from '../../../src/slack/json-logger.js';
import { createTransports } from '../../../src/transport/pool.js';
import { createWatcher } from '../../../src/watch/create-watcher.js';
import { createHostWindow, type HostWindow } from '../../../src/watch/host-window.js';
import { startFakeWorkerman } from '../../helpers/fake-workerman.js';
import { parsePrometheusText, samplesOf, valueOf, type Family } from '../../helpers/parse-prometheus-text.js';
import { FIXTURES, STATUS_FIXTURES } from '../../helpers/paths.js';
import { sendCommand, TEST_SIGNING_SECRET } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';
import { startSocketModeStandIn } from '../../helpers/socket-mode-standin.js';
import { sshdUnavailableReason, startSshd } from '../../helpers/sshd.js';
import { editStatusText, createSequence } from '../../helpers/watch-sequence.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

const BOT_TOKEN = 'xoxb-1111-2222-metricstoken';
const APP_TOKEN = 'xapp-1-A0123ABCD-3333-metricstoken';
const CHANNEL = 'C0123ABCD';
const ROOMY_LIMITS = { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 };

interface Bot {
  bot: SlackApp;
  auditLines: Record<string, unknown>[];
  logLines: Record<string, unknown>[];
}

/** The real bot, its Web API pointed at the stand-in, with `env` on top of the mode's settings. */
async function startBot(standIn: SlackStandIn, config: Config, env: NodeJS.ProcessEnv, watcher?: MetricsWatchSource): Promise<Bot> {
  const auditLines: Record<string, unknown>[] = [];
  const logLines: Record<string, unknown>[] = [];
  const bot = createSlackApp({
    env: loadSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: standIn.apiUrl, ...env }),
    config,
    transports: createTransports(config.hosts),
    logger: createJsonLogger({ write: (line) => logLines.push(JSON.parse(line) as Record<string, unknown>) }),
    auditSink: { write: (line: string) => void auditLines.push(JSON.parse(line) as Record<string, unknown>) },
    clientOptions: { retryConfig: { retries: 0 } },
    ...(watcher === undefined ? {} : { watcher }),
  });
  await bot.start();
  return { bot, auditLines, logLines };
}

const HTTP_MODE = { SLACK_MODE: 'http', SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, PORT: '0', HOST: '127.0.0.1' };

async function scrape(bot: SlackApp): Promise<{ response: Response; text: string; families: Map<string, Family> }> {
  const address = bot.metricsAddress()!;
  const response = await fetch(`http://127.0.0.1:${address.port}/metrics`);
  const text = await response.text();
  return { response, text, families: parsePrometheusText(text) };
}

/** Whether something accepts TCP connections on 127.0.0.1:port. */
async function isListening(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}/metrics`, { signal: AbortSignal.timeout(2000) });
    return true;
  } catch {
    return false;
  }
}

describe('GET /metrics on its own listener', () => {
  let standIn: SlackStandIn;
  const apps: FakeApp[] = [];
  let config: Config;

  beforeAll(async () => {
    const app = await createFakeApp({ status: ['wm5.2.2-after-load'] });
    apps.push(app);
    config = Config.parse({ hosts: [app.host('web-1')], limits: ROOMY_LIMITS });
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, appToken: APP_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
  });

  afterAll(async () => {
    await standIn?.close();
    for (const a of apps) await a.cleanup();
  });

  test('HTTP mode: /metrics answers on METRICS_PORT (127.0.0.1 by default) with the window’s numbers and the requests, and the Slack port does not serve it', async () => {
    // A watcher stand-in over a real window: the wm4.1.17-busy-upstream capture, one sample.
    const seq = createSequence('wm4.1.17-busy-upstream', { host: 'web-1' });
    seq.proc();
    const window: HostWindow = createHostWindow('web-1', { windowMs: 3_600_000, maxSamples: 100 });
    window.push(seq.status());
    const watcher: MetricsWatchSource = { hosts: () => ['web-1'], window: (host) => (host === 'web-1' ? window.view() : null) };
    const { bot, auditLines, logLines } = await startBot(standIn, config, { ...HTTP_MODE, METRICS_PORT: '0' }, watcher);
    const metricsAddress = bot.metricsAddress()!;
    try {
      const slackPort = bot.httpAddress()!.port;
      expect(metricsAddress.address).toBe('127.0.0.1');
      expect(metricsAddress.port).not.toBe(slackPort);
      expect(logLines.find((l) => l.event === 'started')).toMatchObject({ metrics: `127.0.0.1:${metricsAddress.port}/metrics` });

      const eventsUrl = `http://127.0.0.1:${slackPort}/slack/events`;
      for (const text of ['help', 'help', 'nonsense', 'status nowhere']) {
        expect((await sendCommand(eventsUrl, { text, responseUrl: standIn.responseUrl(`R-${text}`) })).status).toBe(200);
      }
      await standIn.waitFor(() => auditLines.length === 4 && bot.inFlightCount() === 0, 10_000, 'four audit lines');

      const { response, families } = await scrape(bot);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(valueOf(families, 'workerman_ops_requests_total', { command: 'help', outcome: 'ok' })).toBe(3);
      expect(valueOf(families, 'workerman_ops_requests_total', { command: 'status', outcome: 'error' })).toBe(1);
      expect(valueOf(families, 'workerman_ops_request_duration_seconds_count', { command: 'help' })).toBe(3);
      expect(valueOf(families, 'workerman_ops_watching')).toBe(1);
      expect(valueOf(families, 'workerman_up', { host: 'web-1' })).toBe(1);
      expect(valueOf(families, 'workerman_worker_requests_total', { host: 'web-1', worker: 'HttpApi01' })).toBe(249 + 1117 + 430);
      expect(valueOf(families, 'workerman_worker_busy_processes', { host: 'web-1', worker: 'HttpApi01' })).toBe(1);
      const truth = JSON.parse(readFileSync(join(STATUS_FIXTURES, 'wm4.1.17-busy-upstream.json'), 'utf8')) as { worker_processes: { name: string; rss_kb: number }[] };
      const rss = truth.worker_processes.filter((p) => p.name === 'HttpApi01').reduce((n, p) => n + p.rss_kb * 1024, 0);
      expect(valueOf(families, 'workerman_worker_rss_bytes', { host: 'web-1', worker: 'HttpApi01' })).toBe(rss);

      // The Slack receiver faces the internet in HTTP mode: no /metrics there, and no host name in what it says.
      for (const method of ['GET', 'HEAD', 'POST']) {
        const res = await fetch(`http://127.0.0.1:${slackPort}/metrics`, { method });
        const body = await res.text();
        expect(res.status, method).toBe(404);
        expect(body).not.toMatch(/workerman_|web-1|HttpApi01/);
      }
      // The metrics listener serves /metrics only, GET and HEAD only.
      const base = `http://127.0.0.1:${metricsAddress.port}`;
      expect((await fetch(`${base}/slack/events`, { method: 'POST' })).status).toBe(404);
      expect((await fetch(`${base}/`)).status).toBe(404);
      const post = await fetch(`${base}/metrics`, { method: 'POST' });
      expect([post.status, post.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
      const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
      expect([head.status, await head.text()]).toEqual([200, '']);
      expect((await fetch(`${base}/metrics?x=1`)).status).toBe(200);
    } finally {
      await bot.stop();
    }
    expect(bot.metricsAddress()).toBeNull();
    expect(await isListening(metricsAddress.port)).toBe(false);
  });

  test('HTTP mode without a watcher: only the bot’s own metrics, and no host name anywhere', async () => {
    const { bot } = await startBot(standIn, config, { ...HTTP_MODE, METRICS_PORT: '0' });
    try {
      const { text, families } = await scrape(bot);
      expect(valueOf(families, 'workerman_ops_watching')).toBe(0);
      expect([...families.keys()].filter((n) => !n.startsWith('workerman_ops_'))).toEqual([]);
      expect(text).not.toContain('web-1');
    } finally {
      await bot.stop();
    }
  });

  test('Socket Mode: /metrics is served on METRICS_PORT too (the mode has no HTTP listener of its own), and stop() closes it', async () => {
    const socket = await startSocketModeStandIn(standIn);
    const { bot, auditLines } = await startBot(standIn, config, { SLACK_APP_TOKEN: APP_TOKEN, METRICS_PORT: '0' });
    const port = bot.metricsAddress()!.port;
    expect(await isListening(port)).toBe(true);
    try {
      expect(bot.httpAddress()).toBeNull();
      expect(bot.metricsAddress()!.address).toBe('127.0.0.1');
      socket.sendCommand({ text: 'help', responseUrl: standIn.responseUrl('R-socket') });
      await standIn.waitFor(() => auditLines.length === 1, 10_000, 'the audit line of help');
      const { families } = await scrape(bot);
      expect(valueOf(families, 'workerman_ops_requests_total', { command: 'help', outcome: 'ok' })).toBe(1);
      expect(samplesOf(families, 'workerman_up')).toEqual([]);
    } finally {
      await bot.stop();
      await socket.close();
    }
    expect(await isListening(port)).toBe(false);
  });

  test('start() fails with config_invalid naming METRICS_PORT when the port is taken, and leaves no Slack listener behind', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const bot = createSlackApp({
      env: loadSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: standIn.apiUrl, ...HTTP_MODE, METRICS_PORT: String(port) }),
      config,
      transports: createTransports(config.hosts),
      logger: createJsonLogger({ write: () => undefined }),
      auditSink: { write: () => undefined },
      clientOptions: { retryConfig: { retries: 0 } },
    });
    try {
      const error = await bot.start().then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(BotError);
      expect(error).toMatchObject({ code: 'config_invalid', message: `METRICS_PORT ${port} is in use on 127.0.0.1: set METRICS_PORT to a free port.` });
      expect(bot.httpAddress()).toBeNull();
    } finally {
      await bot.stop();
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe.skipIf(sshdUnavailableReason !== null)('GET /metrics over the real watcher (loopback sshd, real processes)', () => {
  test('/metrics shows what the real watcher sampled: up, the workers’ real processes and RSS, and status numbers', async () => {
    const sshd = await startSshd();
    const dir = await mkdtemp(join(tmpdir(), 'wmops-metrics-'));
    const app = await createFakeApp({ status: [join(dir, 'status')] });
    const wm = await startFakeWorkerman(app.startFile, ['HttpApi01:idle', 'HttpApi01:idle', 'TextCmd2:idle']);
    const standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
    const host = HostConfig.parse({ name: 'web-1', ssh: sshd.sshSettings(), workerman: { php: join(FIXTURES, 'bin', 'fake-php'), startFile: app.startFile } });
    const transports = createTransports([host]);
    let bot: SlackApp | null = null;
    try {
      // The status the app prints: the wm5.2.2-after-reload-kill9 capture with the real pids.
      const capture = readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-after-reload-kill9.out'), 'utf8');
      const [h1, h2, t1] = wm.workers.map((w) => w.pid) as [number, number, number];
      const text = editStatusText(capture, { pids: { 32443: h1, 32445: h2, 32450: t1 }, totalRequest: { [h1]: 70, [h2]: 30, [t1]: 5 } });
      await writeFile(join(dir, 'status.out'), text);
      await writeFile(join(dir, 'status.json'), '{"exit_code":0}');
      const settings = WatchSettings.parse({ intervalS: 60, stateFile: join(dir, 'watch-state.json'), hostTimeoutMs: 8_000 });
      const watcher = createWatcher({ settings, hosts: [host], transports });
      const report = await watcher.runRound();
      expect(report.failures).toEqual([]);
      expect(report.statusRuns).toHaveLength(1);

      bot = (await startBot(standIn, Config.parse({ hosts: [host] }), { ...HTTP_MODE, METRICS_PORT: '0' }, watcher)).bot;
      const { families } = await scrape(bot);
      expect(valueOf(families, 'workerman_up', { host: 'web-1' })).toBe(1);
      expect(valueOf(families, 'workerman_master_up', { host: 'web-1' })).toBe(1);
      expect(valueOf(families, 'workerman_worker_processes', { host: 'web-1', worker: 'HttpApi01' })).toBe(2);
      expect(valueOf(families, 'workerman_worker_processes', { host: 'web-1', worker: 'TextCmd2' })).toBe(1);
      // RSS as /proc had it: the sample's own reading (a process's RSS moves by pages between two reads).
      const rss = (pid: number): number => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[21]) * 4096;
      const measured = valueOf(families, 'workerman_worker_rss_bytes', { host: 'web-1', worker: 'HttpApi01' });
      expect(Math.abs(measured - (rss(h1) + rss(h2)))).toBeLessThan(2 * 1_048_576);
      expect(measured).toBeGreaterThan(0);
      expect(valueOf(families, 'workerman_worker_requests_total', { host: 'web-1', worker: 'HttpApi01' })).toBe(100);
      expect(valueOf(families, 'workerman_worker_requests_total', { host: 'web-1', worker: 'TextCmd2' })).toBe(5);
      expect(valueOf(families, 'workerman_worker_exits_total', { host: 'web-1', worker: 'HttpApi01', status: '9' })).toBe(1);
      expect(valueOf(families, 'workerman_sample_duration_seconds', { host: 'web-1' })).toBeGreaterThan(0);
      // No pid among the labels.
      const pids = new Set([wm.master, h1, h2, t1].map(String));
      for (const f of families.values()) for (const s of f.samples) for (const v of Object.values(s.labels)) expect(pids.has(v)).toBe(false);
      await watcher.stop();
    } finally {
      await bot?.stop();
      await transports.closeAll();
      await standIn.close();
      wm.stop();
      await app.cleanup();
      await sshd.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
