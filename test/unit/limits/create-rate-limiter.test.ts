import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../../src/limits/create-rate-limiter.js';

describe('createRateLimiter()', () => {
  it('createRateLimiter() allows a burst, then refuses with the time until the next token', () => {
    let nowMs = 0;
    const limiter = createRateLimiter({ burst: 3, perMinute: 6, now: () => nowMs });
    expect([1, 2, 3].map(() => limiter.take('UALICE').allowed)).toEqual([true, true, true]);
    expect(limiter.take('UALICE')).toEqual({ allowed: false, retryAfterMs: 10_000 });
    nowMs = 4_000;
    expect(limiter.take('UALICE')).toEqual({ allowed: false, retryAfterMs: 6_000 });
    nowMs = 10_000;
    expect(limiter.take('UALICE')).toEqual({ allowed: true, remaining: 0 });
  });

  it('createRateLimiter() keeps one bucket per user', () => {
    const limiter = createRateLimiter({ burst: 1, perMinute: 1, now: () => 0 });
    expect(limiter.take('UALICE').allowed).toBe(true);
    expect(limiter.take('UALICE').allowed).toBe(false);
    expect(limiter.take('UBOB').allowed).toBe(true);
  });

  it('createRateLimiter() refills no higher than the burst after a long pause', () => {
    let nowMs = 0;
    const limiter = createRateLimiter({ burst: 2, perMinute: 60, now: () => nowMs });
    limiter.take('U1');
    nowMs = 3_600_000;
    expect([1, 2, 3].map(() => limiter.take('U1').allowed)).toEqual([true, true, false]);
  });

  it('createRateLimiter() takeOrThrow() throws rate_limited with the wait in seconds', () => {
    const limiter = createRateLimiter({ burst: 1, perMinute: 2, now: () => 0 });
    limiter.takeOrThrow('U1');
    expect(() => limiter.takeOrThrow('U1')).toThrow(
      expect.objectContaining({ code: 'rate_limited', message: expect.stringContaining('Try again in 30 s.'), details: { retryAfterMs: 30_000 } }),
    );
  });

  it('createRateLimiter() bounds memory under a flood of distinct IDs without refusing newcomers', () => {
    let nowMs = 0;
    const limiter = createRateLimiter({ burst: 1, perMinute: 1, now: () => nowMs, maxKeys: 100 });
    for (let i = 0; i < 10_000; i += 1) {
      nowMs += 1;
      expect(limiter.take(`U${i}`).allowed).toBe(true);
    }
  });
});
