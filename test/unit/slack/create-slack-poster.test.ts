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

  test('updates are not paced per channel: a verdict does not wait behind posts queued in its channel', async () => {
    const clock = createManualClock();
    const poster = createSlackPoster({ intervalMs: 1000, max429Retries: 3, logger: createJsonLogger({ write: () => {} }), clock });
    const started: string[] = [];
    const posts = [poster.send('C1', async () => void started.push(`post1@${clock.now()}`)), poster.send('C1', async () => void started.push(`post2@${clock.now()}`))];
    const update = poster.update('C1', async () => (started.push(`update@${clock.now()}`), 'updated'));
    await clock.advance(0);
    await expect(update).resolves.toBe('updated');
    await clock.advance(1000);
    await Promise.all(posts);
    expect(started.slice().sort()).toEqual(['post1@0', 'post2@1000', 'update@0']);
    expect(started.at(-1)).toBe('post2@1000');
  });

  test('a progress update beyond the budget is skipped and a 429 on it is not waited out; a result always goes at once', async () => {
    const clock = createManualClock();
    const poster = createSlackPoster({ intervalMs: 1000, updatesPerMinute: 10, max429Retries: 3, logger: createJsonLogger({ write: () => {} }), clock });
    let calls = 0;
    const call = async (): Promise<string> => (calls += 1, 'ok');
    const progress = [];
    for (let i = 0; i < 10; i += 1) progress.push(await poster.update('C1', call, { isProgress: true }));
    // Four fifths of 10 for progress; the rest was skipped without a call.
    expect(progress.filter((r) => r === 'ok')).toHaveLength(8);
    expect(progress.filter((r) => r === undefined)).toHaveLength(2);
    expect(calls).toBe(8);
    // Results go at once, over the share, and count: progress stays off until the minute has passed.
    for (let i = 0; i < 5; i += 1) await expect(poster.update('C1', call)).resolves.toBe('ok');
    expect(calls).toBe(13);
    await clock.advance(59_999);
    await expect(poster.update('C1', call, { isProgress: true })).resolves.toBeUndefined();
    await clock.advance(60_000);
    const limited = poster.update('C1', async () => Promise.reject(rateLimitedError(30)), { isProgress: true });
    await expect(limited).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
