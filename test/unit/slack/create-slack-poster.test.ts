import { describe, expect, test } from 'vitest';
import { createManualClock } from '../../../src/limits/clock.js';
import { createJsonLogger } from '../../../src/slack/json-logger.js';
import { createSlackPoster } from '../../../src/slack/create-slack-poster.js';

/** What @slack/web-api throws for a 429 when built with rejectRateLimitedCalls. */
function rateLimitedError(retryAfterS: number): Error {
  return Object.assign(new Error('A rate limit was exceeded'), { code: 'slack_webapi_rate_limited_error', retryAfter: retryAfterS });
}

describe('createSlackPoster()', () => {
  test('paces posts to one channel at the interval, in call order; other channels do not wait', async () => {
    const clock = createManualClock();
    const lines: string[] = [];
    const poster = createSlackPoster({ intervalMs: 1000, max429Retries: 3, logger: createJsonLogger({ write: (l) => lines.push(l) }), clock });
    const started: string[] = [];
    const post = (channel: string, id: string) => poster.send(channel, async () => void started.push(`${id}@${clock.now()}`));
    const all = Promise.all([post('C1', 'a'), post('C1', 'b'), post('C2', 'x'), post('C1', 'c')]);
    await clock.advance(2500);
    await all;
    expect(started).toEqual(['a@0', 'x@0', 'b@1000', 'c@2000']);
  });

  test('a 429 is waited out (Retry-After) and retried, holding the channel: the next post comes after', async () => {
    const clock = createManualClock();
    const lines: string[] = [];
    const poster = createSlackPoster({ intervalMs: 0, max429Retries: 3, logger: createJsonLogger({ write: (l) => lines.push(l) }), clock });
    const attempts: number[] = [];
    let calls = 0;
    const first = poster.send('C1', async () => {
      attempts.push(clock.now());
      calls += 1;
      if (calls === 1) throw rateLimitedError(2);
      return 'posted';
    });
    const second = poster.send('C1', async () => clock.now());
    await clock.advance(2000);
    await expect(first).resolves.toBe('posted');
    await expect(second).resolves.toBe(2000);
    expect(attempts).toEqual([0, 2000]);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toEqual([expect.objectContaining({ event: 'slack_rate_limited', channel: 'C1', attempt: 1, waitMs: 2000 })]);
  });

  test('gives up after max429Retries with rate_limited; other errors pass through untouched', async () => {
    const clock = createManualClock();
    const poster = createSlackPoster({ intervalMs: 0, max429Retries: 1, logger: createJsonLogger({ write: () => {} }), clock });
    const limited = poster.send('C1', async () => Promise.reject(rateLimitedError(1)));
    const outcome = limited.then(() => 'resolved', (error: unknown) => error);
    await clock.advance(1000);
    expect(await outcome).toMatchObject({ code: 'rate_limited' });
    const other = Object.assign(new Error('not_in_channel'), { code: 'slack_webapi_platform_error' });
    await expect(poster.send('C1', async () => Promise.reject(other))).rejects.toBe(other);
  });
});
