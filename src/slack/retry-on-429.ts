import { BotError } from '../errors.js';
import { systemClock, type Clock } from '../limits/clock.js';

export interface RetryOn429Options {
  /** Retries after the first attempt. Default 3. */
  maxRetries?: number;
  /** A `Retry-After` longer than this is not waited for: the call fails as `rate_limited`. Default 30 s. */
  maxWaitMs?: number;
  /** Wait used when a 429 carries no usable `Retry-After`. Default 1 s. */
  defaultWaitMs?: number;
  clock?: Clock;
  /** Told before each wait (for logs). */
  onRetry?: (attempt: number, waitMs: number) => void;
}

/**
 * Calls `fn` and, when Slack answers 429, waits `Retry-After` and calls it again, at most `maxRetries`
 * times. Recognises @slack/web-api's `WebAPIRateLimitedError` (`retryAfter` in seconds, thrown with
 * `rejectRateLimitedCalls: true`), errors with `statusCode: 429` and optional `headers` (web-api's
 * HTTP error, Bolt's `RespondError`), and fetch `Response`s with status 429. Other errors pass through
 * untouched. Gives up with BotError `rate_limited` (the last 429 as its cause).
 */
export async function retryOn429<T>(fn: () => Promise<T>, opts: RetryOn429Options = {}): Promise<T> {
  const maxRetries = opts.maxRetries ?? 3;
  const maxWaitMs = opts.maxWaitMs ?? 30_000;
  const defaultWaitMs = opts.defaultWaitMs ?? 1_000;
  const clock = opts.clock ?? systemClock;
  for (let attempt = 0; ; attempt += 1) {
    let limited: { waitMs: number | null; cause: unknown };
    try {
      const result = await fn();
      const waitMs = retryAfterOfResponse(result, clock.now());
      if (waitMs === undefined) return result;
      limited = { waitMs, cause: result };
    } catch (error) {
      const waitMs = retryAfterOfError(error, clock.now());
      if (waitMs === undefined) throw error;
      limited = { waitMs, cause: error };
    }
    const waitMs = limited.waitMs ?? defaultWaitMs;
    if (attempt >= maxRetries) {
      throw new BotError('rate_limited', `Slack is rate-limiting this bot and still refused after ${maxRetries} ${maxRetries === 1 ? 'retry' : 'retries'}; try again in a minute.`, {
        cause: limited.cause,
        details: { retryAfterMs: waitMs },
      });
    }
    if (waitMs > maxWaitMs) {
      throw new BotError('rate_limited', `Slack asked this bot to wait ${Math.ceil(waitMs / 1000)} s before posting again; try again later.`, {
        cause: limited.cause,
        details: { retryAfterMs: waitMs },
      });
    }
    opts.onRetry?.(attempt + 1, waitMs);
    await clock.sleep(waitMs);
  }
}

/** Milliseconds to wait for an HTTP `Retry-After` value (delta-seconds or HTTP-date); null when unusable. */
export function parseRetryAfter(value: unknown, nowMs: number = Date.now()): number | null {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? Math.ceil(value * 1000) : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^\d{1,7}$/.test(text)) return Number(text) * 1000;
  if (/^\d{1,7}\.\d+$/.test(text)) return Math.ceil(Number(text) * 1000);
  const date = Date.parse(text);
  return Number.isFinite(date) && /[A-Za-z]/.test(text) ? Math.max(0, date - nowMs) : null;
}

// undefined: not a 429. null: a 429 without a usable Retry-After.
function retryAfterOfError(error: unknown, nowMs: number): number | null | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as { code?: unknown; retryAfter?: unknown; statusCode?: unknown; status?: unknown; headers?: unknown };
  if (e.code === 'slack_webapi_rate_limited_error') return parseRetryAfter(e.retryAfter, nowMs);
  if (e.statusCode === 429 || e.status === 429) {
    return parseRetryAfter(e.retryAfter, nowMs) ?? parseRetryAfter(headerOf(e.headers, 'retry-after'), nowMs);
  }
  return undefined;
}

function retryAfterOfResponse(result: unknown, nowMs: number): number | null | undefined {
  if (typeof Response !== 'undefined' && result instanceof Response && result.status === 429) {
    return parseRetryAfter(result.headers.get('retry-after'), nowMs);
  }
  return undefined;
}

function headerOf(headers: unknown, name: string): unknown {
  if (typeof headers !== 'object' || headers === null) return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name);
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name) return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}
