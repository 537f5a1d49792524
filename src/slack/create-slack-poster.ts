import type { Logger } from '@slack/bolt';
import type { Clock } from '../limits/clock.js';
import { createPostPacer } from '../limits/create-post-pacer.js';
import { createUpdateBudget, type ProgressShare } from '../limits/create-update-budget.js';
import { retryOn429 } from './retry-on-429.js';

/** The one way the bot sends channel messages (chat.postMessage, chat.update, files.uploadV2). */
export interface SlackPoster {
  /**
   * Runs `call` for `channelId` paced to about one message per `intervalMs` per channel (in call order),
   * retrying Slack 429s after their `Retry-After`. Resolves/rejects with the call's result.
   */
  send<T>(channelId: string, call: () => Promise<T>): Promise<T>;
  /**
   * Runs a `chat.update` counted in the workspace's Tier-3 budget (`limits.updatesPerMinute`). A result
   * (a verdict, a status, a failure) goes at once and has its 429s retried. A progress update
   * (`isProgress`) that does not fit the progress share is skipped (resolves undefined) and a 429 on it
   * is not waited out: the next one brings the message up to date, and a result never waits behind a
   * stale progress bar.
   */
  update<T>(channelId: string, call: () => Promise<T>, opts?: { isProgress?: boolean }): Promise<T | undefined>;
  /** Registers a message that shows progress: its interval grows with how many messages do at once. */
  joinProgress(): ProgressShare;
}

export interface SlackPosterOptions {
  /** `limits.postIntervalMs`. */
  intervalMs: number;
  /** `limits.updatesPerMinute`. Default 50. */
  updatesPerMinute?: number;
  /** `limits.max429Retries`. */
  max429Retries: number;
  logger: Logger;
  clock?: Clock;
}

/**
 * Creates the poster. Why one place: Slack allows about one message per second per channel, and the
 * Web API client is built with `rejectRateLimitedCalls` so a 429 surfaces here once and is retried
 * here once (never by both web-api and us). The retry waits inside the channel's lane: the channel is
 * the thing being rate-limited, so the posts queued behind it must wait too. Updates are not paced per
 * channel (chat.update is Tier 3, counted per workspace): they share one budget instead, where progress
 * gives way to results, so a verdict never waits behind other requests' thread replies or progress bars.
 */
export function createSlackPoster(opts: SlackPosterOptions): SlackPoster {
  const clock = opts.clock === undefined ? {} : { clock: opts.clock };
  const pacer = createPostPacer({ intervalMs: opts.intervalMs, ...clock });
  const budget = createUpdateBudget({ perMinute: opts.updatesPerMinute ?? 50, ...clock });
  const withRetries = <T>(channelId: string, call: () => Promise<T>, maxRetries: number): Promise<T> =>
    retryOn429(call, {
      maxRetries,
      ...clock,
      onRetry: (attempt, waitMs) => opts.logger.warn({ event: 'slack_rate_limited', channel: channelId, attempt, waitMs }),
    });
  return {
    send(channelId, call) {
      return pacer.run(channelId, () => withRetries(channelId, call, opts.max429Retries));
    },
    async update(channelId, call, updateOpts = {}) {
      if (updateOpts.isProgress === true) {
        if (!budget.tryTakeProgress()) return undefined;
        return withRetries(channelId, call, 0);
      }
      budget.countResult();
      return withRetries(channelId, call, opts.max429Retries);
    },
    joinProgress: () => budget.joinProgress(),
  };
}
