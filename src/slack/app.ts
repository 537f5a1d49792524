import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App, Logger, LogLevel } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import { createUserGroupResolver, listRuleUserGroups } from '../access/create-user-group-resolver.js';
import type { AuditSink } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { SlackEnv } from '../config/slack-env.js';
import { createHistorySource, type HistorySource } from '../history/create-history-source.js';
import { createHostQueue } from '../limits/create-host-queue.js';
import { createRateLimiter } from '../limits/create-rate-limiter.js';
import { createTraceCap } from '../limits/create-trace-cap.js';
import { createBotMetrics, type MetricsWatchSource } from '../metrics/create-bot-metrics.js';
import { createMetricsServer, METRICS_PATH } from '../metrics/create-metrics-server.js';
import type { TransportPool } from '../transport/pool.js';
import type { Watcher } from '../watch/watcher.js';
import { hasLocalWorkermanMaster } from '../workerman/has-local-workerman-master.js';
import type { BotDeps } from './bot-deps.js';
import { createAckGate } from './create-ack-gate.js';
import type { AlertPoster } from './create-alert-poster.js';
import { createBoltApp } from './create-bolt-app.js';
import { createBotAuditLog } from './create-bot-audit-log.js';
import { createBotWatch, type BotWatch } from './create-bot-watch.js';
import { createSlackNetwork } from './create-slack-network.js';
import { createSlackPoster } from './create-slack-poster.js';
import { createSlackFileDownloader } from './download-slack-file.js';
import { explainStartError } from './explain-start-error.js';
import { EVENTS_PATH } from './ids.js';
import { createInFlight } from './in-flight.js';
import { createJsonLogger } from './json-logger.js';
import { registerListeners } from './register-listeners.js';
import { checkAuditHealth, renderHealthText } from './render-health-text.js';
import { retryOn429 } from './retry-on-429.js';
import { slackErrorCode } from './slack-error-code.js';

// The parts live beside this file: create-bolt-app.ts (the Bolt app and its receiver),
// register-listeners.ts (the command, buttons, shortcut, events), create-bot-audit-log.ts,
// explain-start-error.ts. This file wires them to the bot's deps and runs start and stop.

/** What the Slack app is made from: the env and config, the transports, and what tests replace. */
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

/** The running bot: its Bolt app, start and stop, and what tests and the metrics look at. */
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

/** Returns the Bolt app with the `/workerman` command, its buttons and the message shortcut, in Socket Mode or HTTP mode per `env`. */
export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const { env, config } = deps;
  const logger = deps.logger ?? createJsonLogger({ level: env.logLevel as LogLevel });
  // Direct unless HTTPS_PROXY/HTTP_PROXY is set: then every call, respond() and the WebSocket go through it.
  const network = createSlackNetwork(env.proxy);
  const app = createBoltApp(env, {
    logger,
    network,
    clientOptions: deps.clientOptions,
    healthText: () => renderHealthText(checkAuditHealth(audit)),
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
  const audit = createBotAuditLog({ config, sink: deps.auditSink, logger, poster, client: app.client, metrics });
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

  // Its downloads carry the bot token, only to Slack's file hosts (or SLACK_API_URL's origin), through the proxy if any.
  const download = createSlackFileDownloader({ token: env.botToken, ...(network.fetch === undefined ? {} : { fetch: network.fetch }), ...(env.apiUrl === undefined ? {} : { apiUrl: env.apiUrl }) });
  registerListeners(app, botDeps, { ackGate, ruleGroups, download });

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
