import { SocketModeReceiver, type Logger } from '@slack/bolt';
import type { WebClientOptions } from '@slack/web-api';
import type { SlackEnv } from '../config/slack-env.js';
import type { SlackNetwork } from './create-slack-network.js';

// apps.connections.open, also on every reconnect: nobody waits on it, and when its retries run out during a
// reconnect, @slack/socket-mode 3.1 rejects a promise nobody handles, which ends the process. So keep trying
// for about 20 minutes (a Slack outage), not 7 s. A rejected app token is not retried (invalid_auth).
const SOCKET_RETRY = { retries: 50, factor: 1.5, minTimeout: 1000, maxTimeout: 30_000 };

/**
 * Returns the Socket Mode receiver with the bot's own Web API options (SLACK_API_URL included) for the
 * `apps.connections.open` calls, so no stand-in or proxy is bypassed, and logs each reconnection with how
 * long the bot was offline (Slack answers `/workerman` with "dispatch_failed" meanwhile). `retryConfig`: the
 * caller's (SlackAppDeps.clientOptions), else a patient one.
 */
export function createSocketModeReceiver(
  env: SlackEnv,
  clientOptions: WebClientOptions,
  logger: Logger,
  retryConfig: WebClientOptions['retryConfig'],
  network: SlackNetwork,
): SocketModeReceiver {
  const { logger: _shared, logLevel: _level, ...options } = clientOptions;
  const receiver = new SocketModeReceiver({
    appToken: env.appToken ?? '',
    logger,
    // A proxy: the WebSocket goes through it too (Bolt does not pass a dispatcher on by itself).
    ...(network.dispatcher === undefined ? {} : { dispatcher: network.dispatcher }),
    installerOptions: { clientOptions: { ...options, retryConfig: retryConfig ?? SOCKET_RETRY } },
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
