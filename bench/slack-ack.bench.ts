// Ack latency of the bot in HTTP mode next to a bare Bolt app that only acks, in the same run: the bot's
// ack must cost no more than the framework's own (target: p99 within 1.1x). Requests are signed exactly
// as Slack signs them and sent over loopback; requests to the two apps alternate so machine noise hits
// both alike. Self-contained (tsc compiles bench/ without test/): its own signing and a tiny Web API.
//
// Connections are the same for both apps: sequential requests reuse one kept-alive connection per app,
// and every request of a burst opens its own (a new client per burst). With one shared client, reuse
// depended on how long ago that app's previous burst was, so the bot (whose status work after a burst
// takes seconds) paid 50 new connections per burst and the bare app often none.
import { createHmac } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LogLevel } from '@slack/bolt';
import { Agent, request } from 'undici';
import { Config } from '../src/config/schema.js';
import { loadSlackEnv } from '../src/config/slack-env.js';
import { createSlackApp, type SlackApp } from '../src/slack/app.js';
import { createJsonLogger } from '../src/slack/json-logger.js';
import { createTransports } from '../src/transport/pool.js';
import { findRepoRoot, fixtureDir } from './repo-root.js';

const SECRET = 'benchbenchbenchbenchbenchbench12';
const TOKEN = 'xoxb-bench-token';
// WO_BENCH_SEQUENTIAL lowers the sample count for a quick look; the default is what the README quotes.
const SEQUENTIAL = Number(process.env['WO_BENCH_SEQUENTIAL'] ?? 300);
const BURST = 50;
// Issue 5: ack latency under a burst of 100 commands at once (every request also passes the rate
// limiter, the audit trail and, after the ack, the host queue and the post pacer).
const BIG_BURST = 100;
/** Paired rounds per burst size, the order alternating (one burst alone is mostly noise). */
const BURST_ROUNDS = 6;
const BIG_BURST_ROUNDS = 4;


function sign(body: string): Record<string, string> {
  const ts = Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': `v0=${createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')}`,
  };
}

/** Time until the response (the ack) arrives, in ms, through `dispatcher` (its connections). */
async function timeAck(url: string, text: string, responseUrl: string, dispatcher: Agent): Promise<number> {
  const body = new URLSearchParams({
    team_id: 'T0123ABCD',
    channel_id: 'C0123ABCD',
    user_id: 'U0123ABCD',
    command: '/workerman',
    text,
    response_url: responseUrl,
    trigger_id: '1.2.3',
    api_app_id: 'A0123ABCD',
  }).toString();
  const t0 = performance.now();
  const res = await request(url, { method: 'POST', headers: sign(body), body, dispatcher });
  await res.body.arrayBuffer();
  const ms = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`ack failed: HTTP ${res.statusCode}`);
  return ms;
}

/** A Web API that says ok to everything the bot calls (no validation: that is the tests' job). */
async function startFakeSlack(): Promise<{ url: string; server: Server }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const path = req.url ?? '';
      n += 1;
      const ts = `${1_700_000_000 + n}.000000`;
      const port = (server.address() as AddressInfo).port;
      const body = path.includes('files.getUploadURLExternal')
        ? { ok: true, upload_url: `http://127.0.0.1:${port}/upload/F${n}`, file_id: `F${n}` }
        : path.includes('files.completeUploadExternal')
          ? { ok: true, files: [{ id: 'F1' }] }
          : { ok: true, channel: 'C0123ABCD', ts, user_id: 'U0BOT00001', bot_id: 'B0BOT00001', team_id: 'T0123ABCD' };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function stats(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted[sorted.length - 1] ?? NaN };
}

/** Runs the bench and prints a table of ack latencies. */
export async function run(): Promise<void> {
  const root = findRepoRoot();
  const fixture = join(fixtureDir('workerman-status'), 'wm5.2.2-after-load');
  const fakePhp = join(root, 'test', 'fixtures', 'bin', 'fake-php');
  const tmp = await mkdtemp(join(tmpdir(), 'wo-bench-slack-'));
  const startFile = join(tmp, 'start.php');
  await writeFile(startFile, JSON.stringify({ status: [fixture] }));
  const slack = await startFakeSlack();
  const responseUrl = `${slack.url}/response/1`;

  const bare = new App({
    token: TOKEN,
    signingSecret: SECRET,
    deferInitialization: true,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: `${slack.url}/api/`, retryConfig: { retries: 0 } },
  });
  bare.command('/workerman', async ({ ack }) => {
    await ack();
  });
  await bare.init();
  const bareServer = (await bare.start({ port: 0, host: '127.0.0.1' })) as Server;
  const bareUrl = `http://127.0.0.1:${(bareServer.address() as AddressInfo).port}/slack/events`;

  // Limits roomy enough that no bench request is refused: this measures the ack, not the rate limiter.
  const config = Config.parse({
    hosts: [{ name: 'bench', workerman: { php: fakePhp, startFile } }],
    limits: { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 },
  });
  let bot: SlackApp | undefined;
  const agents: Agent[] = [];
  try {
    bot = createSlackApp({
      env: loadSlackEnv({
        SLACK_MODE: 'http',
        SLACK_BOT_TOKEN: TOKEN,
        SLACK_SIGNING_SECRET: SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        SLACK_API_URL: `${slack.url}/api/`,
      }),
      config,
      transports: createTransports(config.hosts),
      logger: createJsonLogger({ level: LogLevel.ERROR, write: () => {} }),
      // The audit trail still formats every line; only the write is dropped (stdout is the bench's table).
      auditSink: { write: () => {} },
      clientOptions: { retryConfig: { retries: 0 } },
    });
    await bot.start();
    const botUrl = `http://127.0.0.1:${bot.httpAddress()!.port}/slack/events`;
    const idle = async (): Promise<void> => {
      while (bot!.inFlightCount() > 0) await new Promise((r) => setTimeout(r, 2));
    };

    // Sequential requests: one kept-alive connection per app (each agent keeps its own).
    const bareAgent = new Agent();
    const botAgent = new Agent();
    agents.push(bareAgent, botAgent);
    // Warm-up: JIT, connections, the first auth middleware pass, the first spawn and render.
    for (let i = 0; i < 30; i += 1) {
      await timeAck(bareUrl, 'help', responseUrl, bareAgent);
      await timeAck(botUrl, i % 3 === 0 ? 'status bench' : 'help', responseUrl, botAgent);
      await idle();
    }
    const loadAtStart = loadavg();
    const rows: { request: string; bare: number[]; bot: number[]; pairs: number[] }[] = [];
    const sample = async (request: string, botText: string, waitIdle: boolean): Promise<void> => {
      const bareSamples: number[] = [];
      const botSamples: number[] = [];
      for (let i = 0; i < SEQUENTIAL; i += 1) {
        bareSamples.push(await timeAck(bareUrl, botText, responseUrl, bareAgent));
        botSamples.push(await timeAck(botUrl, botText, responseUrl, botAgent));
        // Ack cost only: the status work after the ack must not overlap the next measurement.
        if (waitIdle) await idle();
      }
      rows.push({ request, bare: bareSamples, bot: botSamples, pairs: [] });
    };
    await sample(`${SEQUENTIAL} sequential "help"`, 'help', false);
    await sample(`${SEQUENTIAL} sequential "status bench"`, 'status bench', true);

    // A burst: `size` requests at once, each on its own new connection (a new agent per burst).
    const burst = async (url: string, size: number): Promise<number[]> => {
      const agent = new Agent({ connections: size });
      try {
        return await Promise.all(Array.from({ length: size }, () => timeAck(url, 'status bench', responseUrl, agent)));
      } finally {
        await agent.close();
      }
    };
    const bursts = async (size: number, rounds: number): Promise<void> => {
      const row = { request: `${rounds} bursts of ${size} "status bench"`, bare: [] as number[], bot: [] as number[], pairs: [] as number[] };
      for (let round = 0; round < rounds; round += 1) {
        // The order alternates; each burst starts with the bot idle (its status work done).
        await idle();
        const first = round % 2 === 0 ? await burst(bareUrl, size) : await burst(botUrl, size);
        await idle();
        const second = round % 2 === 0 ? await burst(botUrl, size) : await burst(bareUrl, size);
        const [bareRound, botRound] = round % 2 === 0 ? [first, second] : [second, first];
        row.bare.push(...bareRound);
        row.bot.push(...botRound);
        row.pairs.push(stats(botRound).p99 / stats(bareRound).p99);
      }
      await idle();
      rows.push(row);
    };
    await bursts(BURST, BURST_ROUNDS);
    await bursts(BIG_BURST, BIG_BURST_ROUNDS);

    console.log(`load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start, ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
    console.log('| requests | bare Bolt p50 / p99 / max ms | bot p50 / p99 / max ms | p99 bot / bare | per burst pair (median, min-max) |');
    console.log('|---|---:|---:|---:|---:|');
    for (const row of rows) {
      const a = stats(row.bare);
      const b = stats(row.bot);
      const ratio = b.p99 / a.p99;
      const pairs = row.pairs.length === 0 ? '-' : `${median(row.pairs).toFixed(2)} (${Math.min(...row.pairs).toFixed(2)}-${Math.max(...row.pairs).toFixed(2)})`;
      console.log(
        `| ${row.request} | ${a.p50.toFixed(2)} / ${a.p99.toFixed(2)} / ${a.max.toFixed(2)} | ${b.p50.toFixed(2)} / ${b.p99.toFixed(2)} / ${b.max.toFixed(2)} | ` +
          `${ratio.toFixed(2)} ${ratio <= 1.1 ? '(≤ 1.10: met)' : '(≤ 1.10: NOT met)'} | ${pairs} |`,
      );
    }
  } finally {
    await Promise.all(agents.map((a) => a.close()));
    await bot?.stop();
    await bare.stop();
    await new Promise<void>((r) => {
      slack.server.closeAllConnections();
      slack.server.close(() => r());
    });
    await rm(tmp, { recursive: true, force: true });
  }
}
