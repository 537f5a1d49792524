import { App, type Logger } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { SlackEnv } from '../config/slack-env.js';
import type { SlackNetwork } from './create-slack-network.js';
import { createSocketModeReceiver } from './create-socket-mode-receiver.js';
import { EVENTS_PATH, HEALTH_PATH } from './ids.js';

// A user waits on these: a few quick retries, never web-api's default of ten retries over ~30 minutes.
const DEFAULT_RETRY = { retries: 3, factor: 2, minTimeout: 1000, maxTimeout: 10_000 };

/** What the Bolt app is made of besides the env. */
export interface BoltAppOptions {
  logger: Logger;
  /** Direct, or through HTTPS_PROXY/HTTP_PROXY (see createSlackNetwork). */
  network: SlackNetwork;
  /** Merged over the defaults (SlackAppDeps.clientOptions). */
  clientOptions: WebClientOptions | undefined;
  /** The body of GET /healthz in HTTP mode, made at each request. */
  healthText: () => string;
}

/**
 * Returns the Bolt app in Socket Mode or HTTP mode per `env`, with no listener yet: its Web API client
 * set up for a user who waits (quick retries, a timeout, 429s left to retryOn429) and, in HTTP mode,
 * the events endpoint and GET /healthz.
 */
export function createBoltApp(env: SlackEnv, opts: BoltAppOptions): App {
  const { logger, network } = opts;
  const clientOptions: WebClientOptions = {
    retryConfig: DEFAULT_RETRY,
    timeout: 15_000,
    ...(env.apiUrl === undefined ? {} : { slackApiUrl: env.apiUrl }),
    ...(network.fetch === undefined ? {} : { fetch: network.fetch }),
    ...opts.clientOptions,
    // A 429 must reach our retryOn429 (paced per channel, bounded): web-api's own wait-and-retry would
    // double up with it, and it pauses the client's whole queue.
    rejectRateLimitedCalls: true,
  };
  // deferInitialization: auth.test runs once in start() (fail fast on a bad token, and no auth.test per request).
  // convoStore: false: Bolt's default conversation store is a global middleware that looks up every
  // request's conversation (and builds an Error when there is none, which is always); nothing here uses it.
  const common = { token: env.botToken, logger, clientOptions, deferInitialization: true, convoStore: false } as const;
  const receiver = env.mode === 'socket' ? createSocketModeReceiver(env, clientOptions, logger, opts.clientOptions?.retryConfig, network) : undefined;
  return receiver !== undefined
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
              res.end(opts.healthText());
            },
          },
        ],
      });
}
