import { BotError } from '../errors.js';

export type RateDecision = { allowed: true; remaining: number } | { allowed: false; retryAfterMs: number };

export interface RateLimiterOptions {
  /** Requests a user may make at once (bucket size). */
  burst: number;
  /** Tokens added per minute. */
  perMinute: number;
  /** Milliseconds clock; default `performance.now`. */
  now?: () => number;
  /** Forget buckets beyond this many keys (full buckets first); bounds memory under a flood of IDs. */
  maxKeys?: number;
}

export interface RateLimiter {
  /** Takes one token for `key` (a user ID) if there is one. */
  take(key: string): RateDecision;
  /** Like take, but throws BotError `rate_limited` with a human message when refused. */
  takeOrThrow(key: string): void;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Creates a per-key token bucket: `burst` at once, refilled at `perMinute`. Pure apart from the clock. */
export function createRateLimiter(opts: RateLimiterOptions): RateLimiter {
  const now = opts.now ?? (() => performance.now());
  const burst = Math.max(1, opts.burst);
  const perMs = opts.perMinute / 60_000;
  const maxKeys = opts.maxKeys ?? 10_000;
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, t: number): void => {
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, t - bucket.updatedAt) * perMs);
    bucket.updatedAt = t;
  };

  const prune = (t: number): void => {
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= burst) buckets.delete(key);
    }
    // Still too many: drop the oldest (Map keeps insertion order). Dropping refills a bucket, so this
    // only ever favours users, and only under a flood of distinct IDs.
    for (const key of buckets.keys()) {
      if (buckets.size < maxKeys) break;
      buckets.delete(key);
    }
  };

  const take = (key: string): RateDecision => {
    const t = now();
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      if (buckets.size >= maxKeys) prune(t);
      bucket = { tokens: burst, updatedAt: t };
      buckets.set(key, bucket);
    }
    refill(bucket, t);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const retryAfterMs = perMs > 0 ? Math.ceil((1 - bucket.tokens) / perMs) : Number.POSITIVE_INFINITY;
    return { allowed: false, retryAfterMs };
  };

  return {
    take,
    takeOrThrow(key) {
      const decision = take(key);
      if (!decision.allowed) {
        const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        throw new BotError(
          'rate_limited',
          `You have sent ${burst} commands in a short time (the limit is ${burst} at once, ${opts.perMinute} per minute). Try again in ${seconds} s.`,
          { details: { retryAfterMs: decision.retryAfterMs } },
        );
      }
    },
  };
}
