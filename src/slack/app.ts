import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, SocketModeReceiver, type AllMiddlewareArgs, type BlockAction, type Logger, type LogLevel, type SlackActionMiddlewareArgs } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { createUserGroupResolver, listRuleUserGroups } from '../access/create-user-group-resolver.js';
import { createAuditLog, type AuditHealth, type AuditLine, type AuditLog, type AuditSink } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { SlackEnv } from '../config/slack-env.js';
import { BotError } from '../errors.js';
import { createHistorySource, type HistorySource } from '../history/create-history-source.js';
import { createHostQueue } from '../limits/create-host-queue.js';
import { createRateLimiter } from '../limits/create-rate-limiter.js';
import { createTraceCap } from '../limits/create-trace-cap.js';
import { createBotMetrics, type MetricsWatchSource } from '../metrics/create-bot-metrics.js';
import { createMetricsServer, METRICS_PATH } from '../metrics/create-metrics-server.js';
import type { TransportPool } from '../transport/pool.js';
import type { Watcher } from '../watch/create-watcher.js';
import { createAlertSilenceAction } from './actions/create-alert-silence-action.js';
import { createHistoryChartAction } from './actions/create-history-chart-action.js';
import { hasLocalWorkermanMaster } from '../workerman/has-local-workerman-master.js';
import { createStatusRefreshAction } from './actions/create-status-refresh-action.js';
import { createTraceCancelAction, createTraceConfirmAction } from './actions/create-trace-confirm-action.js';
import { createTraceSelectAction } from './actions/create-trace-select-action.js';
import type { BotDeps } from './bot-deps.js';
import { createWorkermanCommand } from './commands/create-workerman-command.js';
import { createAckGate } from './create-ack-gate.js';
import type { AlertPoster } from './create-alert-poster.js';
import { createBotWatch, type BotWatch } from './create-bot-watch.js';
import { createSlackNetwork, type SlackNetwork } from './create-slack-network.js';
import { createSlackPoster } from './create-slack-poster.js';
import { createSlackFileDownloader } from './download-slack-file.js';
import { explainSlackNetworkError } from './explain-slack-network-error.js';
import { ACTION_IDS, COMMAND, EVENTS_PATH, HEALTH_PATH, SHORTCUT_IDS } from './ids.js';
import { createInFlight } from './in-flight.js';
import { createJsonLogger } from './json-logger.js';
import { retryOn429 } from './retry-on-429.js';
import { createSummariseShortcut } from './shortcuts/create-summarise-shortcut.js';
import { slackErrorCode } from './slack-error-code.js';

export interface SlackAppDeps {
  env: SlackEnv;
  config: Config;
  transports: TransportPool;
  logger?: Logger;
  /** Merged over the defaults (API URL from SLACK_API_URL, a short retry policy, a request timeout). */
  clientOptions?: WebClientOptions;
  /** How long a stop waits for requests in flight before cancelling them. Default 10 s. */
  shutdownGraceMs?: number;
  /**
   * Where the audit trail's JSON lines go. Default: appended to `config.audit.file`, else stdout. Each
   * line is also posted to `config.audit.channel` when set. The trail is flushed and closed by stop().
   */
  auditSink?: AuditSink;
  /** A watch source for GET /metrics in place of this replica's own watcher (tests). */
  watcher?: MetricsWatchSource;
  /**
   * This replica runs the watcher (`WATCH=on`, config/watch-env.ts), when the config has `watch`.
   * Default false: every replica answers commands, exactly one watches.
   */
  isWatcher?: boolean;
  /** The watcher's clock and its alerts' (ms since the epoch); tests move it. Default Date.now. */
  watchNow?: () => number;
  /**
   * Where `history` and the Chart button read the watch windows. Default with a `watch` section: the
   * watcher's live window on the replica that watches, the state file (read-only) on the others.
   */
  history?: HistorySource;
  /** Where this machine's processes are looked at for a Workerman master (default /proc); tests pass their own. */
  procDir?: string;
}

export interface SlackApp {
  app: App;
  logger: Logger;
  /** Verifies the bot token (auth.test once), then connects (Socket Mode) or listens (HTTP mode). */
  start(): Promise<void>;
  /** Stops taking requests, lets work in flight finish (or cancels it after the grace period), closes transports. Idempotent. */
  stop(): Promise<void>;
  /** HTTP mode, once started: where it listens (`port: 0` in the env picks a free port). */
  httpAddress(): AddressInfo | null;
  /** With METRICS_PORT, once started: where GET /metrics listens (never the Slack port). */
  metricsAddress(): AddressInfo | null;
  /** Requests still being worked on after their ack. */
  inFlightCount(): number;
  /** The watcher on the replica that watches, else null (the same as BotDeps.watcher). */
  readonly watcher: Watcher | null;
  /** Its alerts' Slack side (BotDeps.alerts), else null: `idle()` says when their posts have ended. */
  readonly alerts: AlertPoster | null;
}

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

// A user waits on these: a few quick retries, never web-api's default of ten retries over ~30 minutes.
const DEFAULT_RETRY = { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 10_000 };
// apps.connections.open, also on every reconnect: nobody waits on it, and when its retries run out during a
// reconnect, @slack/socket-mode 3.1 rejects a promise nobody handles, which ends the process. So keep trying
// for about 20 minutes (a Slack outage), not 7 s. A rejected app token is not retried (invalid_auth).
const SOCKET_RETRY = { retries: 50, factor: 1.5, minTimeout: 1000, maxTimeout: 30_000 };

/** Returns the Bolt app with the `/workerman` command, its buttons and the message shortcut, in Socket Mode or HTTP mode per `env`. */
export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const { env, config } = deps;
  const logger = deps.logger ?? createJsonLogger({ level: env.logLevel as LogLevel });
  // Direct unless HTTPS_PROXY/HTTP_PROXY is set: then every call, respond() and the WebSocket go through it.
  const network = createSlackNetwork(env.proxy);
  const clientOptions: WebClientOptions = {
    retryConfig: DEFAULT_RETRY,
    timeout: 15_000,
    ...(env.apiUrl === undefined ? {} : { slackApiUrl: env.apiUrl }),
    ...(network.fetch === undefined ? {} : { fetch: network.fetch }),
    ...deps.clientOptions,
    // A 429 must reach our retryOn429 (paced per channel, bounded): web-api's own wait-and-retry would
    // double up with it, and it pauses the client's whole queue.
    rejectRateLimitedCalls: true,
  };
  // deferInitialization: auth.test runs once in start() (fail fast on a bad token, and no auth.test per request).
  // convoStore: false: Bolt's default conversation store is a global middleware that looks up every
  // request's conversation (and builds an Error when there is none, which is always); nothing here uses it.
  const common = { token: env.botToken, logger, clientOptions, deferInitialization: true, convoStore: false } as const;
  const receiver = env.mode === 'socket' ? createSocketModeReceiver(env, clientOptions, logger, deps, network) : undefined;
  const app =
    receiver !== undefined
      ? new App({ ...common, socketMode: true, receiver })
      : new App({
          ...common,
          signingSecret: env.signingSecret ?? '',
          endpoints: EVENTS_PATH,
          port: env.port,
          // The ack is the HTTP response: never hold it until the listener finishes.
          processBeforeResponse: false,
          customRoutes: [
            {
              path: HEALTH_PATH,
              method: ['GET'],
              handler: (_req, res) => {
                // 200 even when degraded: a restart frees no disk space (and would drop the backlog), and
                // a failed readiness check would stop `status` too. Monitors match the body instead.
                res.writeHead(200, { 'content-type': 'text/plain' });
                res.end(renderHealthText(checkAuditHealth(audit)));
              },
            },
          ],
        });

  const inFlight = createInFlight();
  const ackGate = createAckGate();
  const ruleGroups = listRuleUserGroups(config);
  const limits = config.limits;
    const poster = createSlackPoster({ intervalMs: limits.postIntervalMs, updatesPerMinute: limits.updatesPerMinute, max429Retries: limits.max429Retries, logger });
  // Its own listener (METRICS_PORT on METRICS_HOST), in both modes: never a route of the Slack receiver.
  // The watcher is made further down (it needs the bot's deps); /metrics reads it through this, at scrape time.
  let ownWatcher: Watcher | null = null;
  const willWatch = deps.isWatcher === true && config.watch !== undefined;
  const watchSource: MetricsWatchSource | undefined =
    deps.watcher ??
    (willWatch
      ? { hosts: () => ownWatcher?.hosts() ?? [], window: (host) => ownWatcher?.window(host) ?? null, openAlerts: () => ownWatcher?.openAlerts() ?? [] }
      : undefined);
  const metrics =
    env.metrics === undefined
      ? null
      : createBotMetrics({
          ...(watchSource === undefined ? {} : { watch: watchSource }),
          onCollectError: (host, error) => logger.warn({ event: 'metrics_collect_failed', host, error: String(error) }),
        });
  const metricsServer =
    env.metrics === undefined || metrics === null
      ? null
      : createMetricsServer(metrics, { ...env.metrics, onError: (error) => logger.warn({ event: 'metrics_scrape_failed', error: String(error) }) });
  const auditChannel = config.audit.channel;
  const auditSink: AuditSink =
    deps.auditSink ?? (config.audit.file === undefined ? { write: (line) => void process.stdout.write(line) } : { file: config.audit.file });
  const audit = createAuditLog(auditSink, {
    ...(auditChannel === undefined
      ? {}
      : {
          post: (text: string) =>
            poster.send(auditChannel, () => app.client.chat.postMessage({ channel: auditChannel, text, unfurl_links: false, unfurl_media: false })),
        }),
    onError: (error) => logger.warn({ event: 'audit_failed', error: slackErrorCode(error) ?? String(error) }),
    // The record itself, whole: at error level so that no log level filters it out.
    onUnwritten: (line, errorCode) => logger.error({ event: 'audit_record', errorCode, line }),
    onChange: (change) => {
      if (change.kind === 'degraded') {
        logger.warn({ event: 'audit_degraded', errorCode: change.errorCode, msg: 'audit trail not writable: records go to this log (event audit_record) until it is' });
      } else if (change.kind === 'backlog_full') {
        logger.warn({ event: 'audit_backlog_full', errorCode: change.errorCode, maxBacklogRecords: change.maxBacklogRecords, msg: 'the oldest unwritten records are dropped from memory; they are only in this log' });
      } else {
        logger.warn({ event: 'audit_recovered', keptInLog: change.keptInLog, written: change.written, dropped: change.dropped });
      }
    },
    maxBacklogRecords: config.audit.maxBacklogRecords,
    ...(metrics === null ? {} : { onRecord: (line: AuditLine) => metrics.countRequest(line) }),
  });
  const botDeps: BotDeps = {
    config,
    transports: deps.transports,
    logger,
    inFlight,
    audit,
    rateLimiter: createRateLimiter({ burst: limits.userBurst, perMinute: limits.userPerMinute }),
    hostQueue: createHostQueue(limits.perHostConcurrency),
    traceCap: createTraceCap(limits.maxConcurrentTraces),
    poster,
    ackGate,
    ...(deps.history !== undefined ? { history: deps.history } : config.watch === undefined ? {} : { history: createHistorySource(config.watch) }),
    hasLocalMaster: () => hasLocalWorkermanMaster(deps.procDir),
    ...(ruleGroups.length === 0
      ? {}
      : {
          userGroups: createUserGroupResolver(
            async (usergroup) =>
              (await retryOn429(() => app.client.usergroups.users.list({ usergroup }), { maxRetries: limits.max429Retries })).users ?? [],
            (config.access?.userGroupCacheS ?? 300) * 1000,
            { onError: (groupId, error) => logger.warn({ event: 'user_group_lookup_failed', groupId, error: slackErrorCode(error) ?? String(error) }) },
          ),
        }),
  };

  const watch: BotWatch | null =
    willWatch && config.watch !== undefined
      ? createBotWatch({ bot: botDeps, client: app.client, settings: config.watch, config, ...(deps.watchNow === undefined ? {} : { now: deps.watchNow }) })
      : null;
  if (watch !== null) {
    ownWatcher = watch.watcher;
    botDeps.watcher = watch.watcher;
    // On the watching replica `history` draws the live window, not the state file (up to saveEveryS old).
    if (deps.history === undefined && config.watch !== undefined) botDeps.history = createHistorySource(config.watch, watch.watcher);
    botDeps.alerts = watch.alerts;
  }

  // Every request runs each registered listener's middleware chain (and every global middleware) before
  // the ack, whatever it matches: so the command and the buttons are two listeners, not five plus a
  // global middleware, and each notes the request for the ack gate itself.
  const command = createWorkermanCommand(botDeps);
  app.command(COMMAND, async (args) => {
    ackGate.noteRequest();
    await command(args);
  });
  // Each handler reads the shape of action its id is put on (a button, a select menu).
  const actions = new Map<string, (args: ActionArgs) => Promise<void>>([
    [ACTION_IDS.statusRefresh, createStatusRefreshAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.traceConfirm, createTraceConfirmAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.traceCancel, createTraceCancelAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.traceSelect, createTraceSelectAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.alertSilence, createAlertSilenceAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.historyChart, createHistoryChartAction(botDeps) as (args: ActionArgs) => Promise<void>],
  ]);
  app.action<BlockAction>(new RegExp(`^(${[...actions.keys()].join('|')})$`), async (args) => {
    ackGate.noteRequest();
    await actions.get(args.action.action_id)?.(args);
  });
  // Its downloads carry the bot token, only to Slack's file hosts (or SLACK_API_URL's origin), through the proxy if any.
  const download = createSlackFileDownloader({ token: env.botToken, ...(network.fetch === undefined ? {} : { fetch: network.fetch }), ...(env.apiUrl === undefined ? {} : { apiUrl: env.apiUrl }) });
  const summarise = createSummariseShortcut(botDeps, download);
  app.shortcut({ type: 'message_action', callback_id: SHORTCUT_IDS.summarise }, async (args) => {
    ackGate.noteRequest();
    await summarise(args);
  });
  // Delivered only when the app subscribes to it (manifest.yml): a changed group is looked up again.
  app.event('subteam_members_changed', async ({ event }) => {
    ackGate.noteRequest();
    if (botDeps.userGroups === undefined || !ruleGroups.includes(event.subteam_id)) return;
    botDeps.userGroups.forget(event.subteam_id);
    logger.info({ event: 'user_group_changed', groupId: event.subteam_id });
  });
  app.error(async (error) => {
    // Handlers catch their own failures; this is for Bolt-level ones (authorize, middleware).
    logger.error({ event: 'bolt_error', code: error.code ?? null, error: `${error.name}: ${error.message}` });
  });

  let server: Server | null = null;
  let started = false;
  let stopping: Promise<void> | null = null;

  return {
    app,
    logger,
    async start() {
      try {
        await app.init();
      } catch (error) {
        throw explainStartError(error, 'SLACK_BOT_TOKEN', env, network);
      }
      // Before the receiver: a METRICS_PORT in use fails the start before Slack can reach the bot.
      await metricsServer?.listen();
      // Before listening: loading execa or ssh2 with the first command would hold up the acks of the
      // requests that arrive meanwhile.
      await deps.transports.preload();
      try {
        if (env.mode === 'http') {
          server = (await app.start({ port: env.port, ...(env.host === undefined ? {} : { host: env.host }) })) as Server;
        } else {
          await app.start();
        }
      } catch (error) {
        throw explainStartError(error, env.mode === 'socket' ? 'SLACK_APP_TOKEN' : 'PORT', env, network);
      }
      started = true;
      if (watch !== null) await watch.start();
      else if (config.watch !== undefined) logger.info({ event: 'watch_off', msg: 'this replica does not watch (WATCH is off); the one started with WATCH=on does' });
      else if (deps.isWatcher === true) logger.warn({ event: 'watch_unconfigured', msg: 'WATCH=on but the config has no watch section: nothing is watched' });
      const address = server?.address();
      const metricsAddress = metricsServer?.address() ?? null;
      logger.info({
        event: 'started',
        mode: env.mode,
        hosts: config.hosts.map((h) => h.name),
        ...(address !== null && typeof address === 'object' ? { listen: `${address.address}:${address.port}${EVENTS_PATH}` } : {}),
        ...(metricsAddress === null ? {} : { metrics: `${metricsAddress.address}:${metricsAddress.port}${METRICS_PATH}` }),
      });
    },
    stop() {
      stopping ??= (async () => {
        // Refuse new work first (handlers check isDraining), then close the receiver, then drain.
        const graceMs = deps.shutdownGraceMs ?? 10_000;
        const drained = inFlight.drain({ graceMs });
        // Before the transports close (it samples over them) and the audit trail (its alerts are audited).
        const watchStopped = watch?.stop(graceMs).catch((error: unknown) => logger.warn({ event: 'watch_stop_failed', error: String(error) }));
        if (started) {
          await app.stop().catch((error: unknown) => logger.warn({ event: 'receiver_stop_failed', error: String(error) }));
        }
        const { finished, aborted } = await drained;
        await watchStopped;
        await deps.transports.closeAll();
        await audit.close().catch((error: unknown) => logger.warn({ event: 'audit_failed', error: String(error) }));
        await network.close().catch(() => {});
        await metricsServer?.close();
        logger.info({ event: 'stopped', finished, cancelled: aborted });
      })();
      return stopping;
    },
    httpAddress() {
      const address = server?.address();
      return address !== null && typeof address === 'object' ? address : null;
    },
    metricsAddress() {
      return metricsServer?.address() ?? null;
    },
    inFlightCount() {
      return inFlight.size;
    },
    watcher: watch?.watcher ?? null,
    alerts: watch?.alerts ?? null,
  };
}

/**
 * Returns the Socket Mode receiver with the bot's own Web API options (SLACK_API_URL included) for the
 * `apps.connections.open` calls, so no stand-in or proxy is bypassed, and logs each reconnection with how
 * long the bot was offline (Slack answers `/workerman` with "dispatch_failed" meanwhile).
 */
function createSocketModeReceiver(env: SlackEnv, clientOptions: WebClientOptions, logger: Logger, deps: SlackAppDeps, network: SlackNetwork): SocketModeReceiver {
  const { logger: _shared, logLevel: _level, ...options } = clientOptions;
  const receiver = new SocketModeReceiver({
    appToken: env.appToken ?? '',
    logger,
    // A proxy: the WebSocket goes through it too (Bolt does not pass a dispatcher on by itself).
    ...(network.dispatcher === undefined ? {} : { dispatcher: network.dispatcher }),
    installerOptions: { clientOptions: { ...options, retryConfig: deps.clientOptions?.retryConfig ?? SOCKET_RETRY } },
  });
  let lostAt: number | null = null;
  let hasConnected = false;
  // 'close' is emitted once per closed WebSocket (Slack's refresh, a missed pong, a network error).
  receiver.client.on('close', () => {
    lostAt ??= performance.now();
  });
  receiver.client.on('reconnecting', () => logger.info({ event: 'socket_reconnecting' }));
  receiver.client.on('connected', () => {
    if (hasConnected && lostAt !== null) logger.info({ event: 'socket_reconnected', offlineMs: Math.round(performance.now() - lostAt) });
    hasConnected = true;
    lostAt = null;
  });
  return receiver;
}

/** The trail's state now; while degraded, the backlog is tried once first (the disk may have space again). */
function checkAuditHealth(audit: AuditLog): AuditHealth {
  if (!audit.health().isWritable) audit.retry();
  return audit.health();
}

/** `ok`, or `degraded: audit trail not writable (ENOSPC), 3 records kept in the log, …` for GET /healthz. */
function renderHealthText(health: AuditHealth): string {
  if (health.isWritable) return 'ok';
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const dropped = health.dropped === 0 ? '' : `, ${health.dropped} dropped from memory (backlog full)`;
  return `degraded: audit trail not writable (${health.errorCode ?? 'error'}), ${plural(health.keptInLog, 'record')} kept in the log, ${health.backlog} waiting for the file${dropped}`;
}

function explainStartError(error: unknown, variable: string, env: SlackEnv, network: SlackNetwork): BotError {
  // Start-up calls auth.test (bot token), then apps.connections.open (Socket Mode): name the one that failed.
  const method = variable === 'SLACK_APP_TOKEN' ? 'apps.connections.open' : 'auth.test';
  const unreachable = explainSlackNetworkError(error, { url: `${env.apiUrl ?? 'https://slack.com/api/'}${method}`, proxy: network.proxyShown });
  if (unreachable !== undefined) return unreachable;
  const code = slackErrorCode(error);
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
    const where =
      variable === 'SLACK_APP_TOKEN'
        ? 'Basic Information → App-Level Tokens (scope connections:write)'
        : 'OAuth & Permissions → Bot User OAuth Token (reinstall the app if it was revoked)';
    return new BotError('config_invalid', `Slack rejected ${variable} (${code}): copy it again from the Slack app settings, ${where}.`, { cause: error });
  }
  if (code !== undefined) return new BotError('config_invalid', `Slack refused to start the bot (${code}).`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  if (/EADDRINUSE/.test(message)) {
    return new BotError('config_invalid', `Port ${env.port} is in use: set PORT to a free port.`, { cause: error });
  }
  return new BotError('internal', `Could not start the Slack bot: ${message}`, { cause: error });
}
