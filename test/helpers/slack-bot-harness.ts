import type { Config } from '../../src/config/schema.js';
import { loadSlackEnv } from '../../src/config/slack-env.js';
import { createSlackApp, type SlackApp } from '../../src/slack/app.js';
import { createJsonLogger } from '../../src/slack/json-logger.js';
import { createTransports } from '../../src/transport/pool.js';
import { TEST_SIGNING_SECRET } from './slack-signing.js';
import { startSlackStandIn, type SlackStandIn, type StandInChannel, type StandInOptions } from './slack-standin.js';

export type LogLine = Record<string, unknown>;

export interface BotHarness {
  standIn: SlackStandIn;
  bot: SlackApp;
  /** Where signed requests go (Bolt's HTTP receiver on 127.0.0.1). */
  eventsUrl: string;
  /** The bot's own JSON log lines. */
  logLines: LogLine[];
  /** The audit trail: one line per request (empty with `auditToConfiguredFile`). */
  auditLines: LogLine[];
  /** Waits until the audit trail has `auditLines` lines and no work is in flight (thread replies included). */
  settled(auditLines: number, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface BotHarnessOptions {
  botToken: string;
  shutdownGraceMs?: number;
  /** Write the trail where the config says (`audit.file`), as in production. */
  auditToConfiguredFile?: boolean;
  /** More environment for loadSlackEnv (HTTPS_PROXY, NO_PROXY…). */
  env?: NodeJS.ProcessEnv;
  /** Run the config's watcher on this replica (WATCH=on), on this clock. */
  isWatcher?: boolean;
  watchNow?: () => number;
  /** A stand-in for /proc: whether a Workerman master runs on "this machine". */
  procDir?: string;
  /** The environment of the bot's transports (a private TMPDIR keeps trace locks apart), else the process's. */
  transportEnv?: NodeJS.ProcessEnv;
}

/**
 * Starts the real bot in HTTP mode on a free loopback port, its Web API client pointed at the stand-in,
 * its transports real, and its log and audit lines collected for assertions.
 */
export async function startBotHarness(
  standIn: SlackStandIn,
  config: Config,
  opts: BotHarnessOptions,
): Promise<BotHarness> {
  const logLines: LogLine[] = [];
  const auditLines: LogLine[] = [];
  const env = loadSlackEnv({
    SLACK_MODE: 'http',
    SLACK_BOT_TOKEN: opts.botToken,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    PORT: '0',
    HOST: '127.0.0.1',
    SLACK_API_URL: standIn.apiUrl,
    ...opts.env,
  });
  const bot = createSlackApp({
    env,
    config,
    transports: createTransports(config.hosts, opts.transportEnv === undefined ? {} : { env: opts.transportEnv }),
    logger: createJsonLogger({ write: (line) => logLines.push(JSON.parse(line) as LogLine) }),
    ...(opts.auditToConfiguredFile === true ? {} : { auditSink: { write: (line: string) => void auditLines.push(JSON.parse(line) as LogLine) } }),
    clientOptions: { retryConfig: { retries: 0 } },
    ...(opts.shutdownGraceMs === undefined ? {} : { shutdownGraceMs: opts.shutdownGraceMs }),
    ...(opts.isWatcher === undefined ? {} : { isWatcher: opts.isWatcher }),
    ...(opts.watchNow === undefined ? {} : { watchNow: opts.watchNow }),
    ...(opts.procDir === undefined ? {} : { procDir: opts.procDir }),
  });
  await bot.start();
  return {
    standIn,
    bot,
    eventsUrl: `http://127.0.0.1:${bot.httpAddress()!.port}/slack/events`,
    logLines,
    auditLines,
    async settled(lines, timeoutMs = 30_000) {
      await standIn.waitFor(() => auditLines.length >= lines && bot.inFlightCount() === 0, timeoutMs, `${lines} audit lines`);
    },
    stop: () => bot.stop(),
  };
}

/** A bot harness with its own stand-in; `close()` stops the bot, then the stand-in. */
export interface BotWithStandIn extends BotHarness {
  close(): Promise<void>;
}

/**
 * Starts a stand-in with `channels` (an id alone: a public channel the bot is in) and the bot against it
 * (startBotHarness): the set-up of most Slack suites. On failure nothing is left running.
 */
export async function startBotWithStandIn(
  config: Config,
  opts: BotHarnessOptions & { channels: readonly (string | StandInChannel)[]; standIn?: Omit<StandInOptions, 'botToken' | 'channels'> },
): Promise<BotWithStandIn> {
  const { channels, standIn: standInOpts, ...harnessOpts } = opts;
  const standIn = await startSlackStandIn({
    ...standInOpts,
    botToken: opts.botToken,
    channels: channels.map((c): StandInChannel => (typeof c === 'string' ? { id: c, kind: 'public', botIsMember: true } : c)),
  });
  try {
    const h = await startBotHarness(standIn, config, harnessOpts);
    return {
      ...h,
      async close() {
        await h.stop();
        await standIn.close();
      },
    };
  } catch (error) {
    await standIn.close();
    throw error;
  }
}

export interface SocketBotHarness {
  bot: SlackApp;
  logLines: LogLine[];
  auditLines: LogLine[];
  stop(): Promise<void>;
}

/**
 * Starts the real bot in Socket Mode (the default mode), its Web API client and its `apps.connections.open`
 * pointed at the stand-in through SLACK_API_URL; `start()` resolves once the Socket Mode stand-in said hello.
 */
export async function startSocketBotHarness(
  standIn: SlackStandIn,
  config: Config,
  opts: { botToken: string; appToken: string; shutdownGraceMs?: number },
): Promise<SocketBotHarness> {
  const logLines: LogLine[] = [];
  const auditLines: LogLine[] = [];
  const env = loadSlackEnv({ SLACK_BOT_TOKEN: opts.botToken, SLACK_APP_TOKEN: opts.appToken, SLACK_API_URL: standIn.apiUrl });
  const bot = createSlackApp({
    env,
    config,
    transports: createTransports(config.hosts),
    logger: createJsonLogger({ write: (line) => logLines.push(JSON.parse(line) as LogLine) }),
    auditSink: { write: (line: string) => void auditLines.push(JSON.parse(line) as LogLine) },
    clientOptions: { retryConfig: { retries: 0 } },
    ...(opts.shutdownGraceMs === undefined ? {} : { shutdownGraceMs: opts.shutdownGraceMs }),
  });
  await bot.start();
  return { bot, logLines, auditLines, stop: () => bot.stop() };
}
