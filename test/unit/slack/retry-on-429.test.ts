import { describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../../src/limits/clock.js';
import { parseRetryAfter, retryOn429 } from '../../../src/slack/retry-on-429.js';

// The shapes Slack's libraries throw (see @slack/web-api errors.ts and @slack/bolt errors.ts).
const webApiRateLimited = (retryAfter: number) => Object.assign(new Error('A rate-limit has been reached'), { code: 'slack_webapi_rate_limited_error', retryAfter });
const httpError = (statusCode: number, headers: Record<string, string> = {}) => Object.assign(new Error(`HTTP ${statusCode}`), { code: 'slack_webapi_http_error', statusCode, headers });
const respondError = () => Object.assign(new Error('Failed to respond to the response_url: 429 Too Many Requests'), { code: 'slack_bolt_respond_error', statusCode: 429 });

// Runs `promise` while advancing the manual clock in 100 ms steps until it settles.
async function drive<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined);
  while (!settled) await clock.advance(100);
  return tracked;
}

describe('retryOn429()', () => {
  it('retryOn429() waits Retry-After seconds between attempts and returns the first success', async () => {
    const clock = createManualClock();
    const calls: number[] = [];
    const waits: number[] = [];
    const result = await drive(
      clock,
      retryOn429(
        async () => {
          calls.push(clock.now());
          if (calls.length === 1) throw webApiRateLimited(2);
          if (calls.length === 2) throw httpError(429, { 'Retry-After': '1' });
          return 'ok';
        },
        { clock, onRetry: (_attempt, waitMs) => waits.push(waitMs) },
      ),
    );
    expect(result).toBe('ok');
    expect(waits).toEqual([2_000, 1_000]);
    expect(calls).toEqual([0, 2_000, 3_000]);
  });

  it('retryOn429() gives up with rate_limited after maxRetries', async () => {
    const clock = createManualClock();
    let calls = 0;
    const attempt = retryOn429(
      async () => {
        calls += 1;
        throw respondError();
      },
      { clock, maxRetries: 2, defaultWaitMs: 500 },
    );
    await expect(drive(clock, attempt)).rejects.toMatchObject({ code: 'rate_limited', message: expect.stringContaining('after 2 retries') });
    expect(calls).toBe(3);
  });

  it('retryOn429() does not wait for a Retry-After beyond maxWaitMs', async () => {
    const clock = createManualClock();
    await expect(retryOn429(() => Promise.reject(webApiRateLimited(120)), { clock, maxWaitMs: 30_000 })).rejects.toMatchObject({
      code: 'rate_limited',
      message: 'Slack asked this bot to wait 120 s before posting again; try again later.',
      details: { retryAfterMs: 120_000 },
    });
    expect(clock.now()).toBe(0);
  });

  it('retryOn429() passes other errors through at once', async () => {
    const clock = createManualClock();
    let calls = 0;
    const failure = httpError(500);
    await expect(
      retryOn429(async () => {
        calls += 1;
        throw failure;
      }, { clock }),
    ).rejects.toBe(failure);
    expect(calls).toBe(1);
  });

  it('retryOn429() retries a fetch Response with status 429 and its Retry-After header', async () => {
    const clock = createManualClock();
    const responses = [new Response('', { status: 429, headers: { 'Retry-After': '3' } }), new Response('ok', { status: 200 })];
    const response = await drive(clock, retryOn429(async () => responses.shift()!, { clock }));
    expect(response.status).toBe(200);
    expect(clock.now()).toBeGreaterThanOrEqual(3_000);
  });

  it('parseRetryAfter() reads seconds and HTTP dates and rejects junk', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('2', now)).toBe(2_000);
    expect(parseRetryAfter(' 30 ', now)).toBe(30_000);
    expect(parseRetryAfter(1.5, now)).toBe(1_500);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    for (const junk of ['-1', 'soon', '', '1e9', undefined, null, -3, Number.NaN]) expect(parseRetryAfter(junk, now)).toBeNull();
  });
});
