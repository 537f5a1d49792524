import type { Logger } from '@slack/bolt';
import type { Clock } from '../limits/clock.js';
import { createPostPacer } from '../limits/create-post-pacer.js';
import { retryOn429 } from './retry-on-429.js';

/** The one way the bot sends channel messages (chat.postMessage, chat.update, files.uploadV2). */
export interface SlackPoster {
  /**
   * Runs `call` for `channelId` paced to about one message per `intervalMs` per channel (in call order),
   * retrying Slack 429s after their `Retry-After`. Resolves/rejects with the call's result.
   */
  send<T>(channelId: string, call: () => Promise<T>): Promise<T>;
}

export interface SlackPosterOptions {
  /** `limits.postIntervalMs`. */
  intervalMs: number;
  /** `limits.max429Retries`. */
  max429Retries: number;
  logger: Logger;
  clock?: Clock;
}

/**
 * Creates the poster. Why one place: Slack allows about one message per second per channel, and the
 * Web API client is built with `rejectRateLimitedCalls` so a 429 surfaces here once and is retried
 * here once (never by both web-api and us). The retry waits inside the channel's lane: the channel is
 * the thing being rate-limited, so the posts queued behind it must wait too.
 */
export function createSlackPoster(opts: SlackPosterOptions): SlackPoster {
  const pacer = createPostPacer({ intervalMs: opts.intervalMs, ...(opts.clock === undefined ? {} : { clock: opts.clock }) });
  return {
    send(channelId, call) {
      return pacer.run(channelId, () =>
        retryOn429(call, {
          maxRetries: opts.max429Retries,
          ...(opts.clock === undefined ? {} : { clock: opts.clock }),
          onRetry: (attempt, waitMs) => opts.logger.warn({ event: 'slack_rate_limited', channel: channelId, attempt, waitMs }),
        }),
      );
    },
  };
}
