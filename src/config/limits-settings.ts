import { z } from 'zod';

/** The `limits` section: per-user rates, per-host and fleet concurrency, Slack pacing. */
export const LimitsSettings = z.strictObject({
  /** Per-user token bucket: this many requests at once… */
  userBurst: z.number().int().min(1).max(1000).default(5),
  /** …refilled at this rate. */
  userPerMinute: z.number().min(0.1).max(6000).default(20),
  /** Commands run at once on one host; more wait in a visible queue. */
  perHostConcurrency: z.number().int().min(1).max(64).default(2),
  /** Traces running at once across all hosts. */
  maxConcurrentTraces: z.number().int().min(1).max(256).default(4),
  /** Hosts queried at once by a fleet status (`status all`). */
  fleetConcurrency: z.number().int().min(1).max(256).default(16),
  /** A host that has not answered a fleet status after this long is shown as unreachable. */
  fleetHostTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  /** Slack posts about one message per second per channel. */
  postIntervalMs: z.number().int().min(0).max(60_000).default(1_000),
  /**
   * chat.update calls per minute across the workspace (Slack's Tier 3, "50+"). Results go at once;
   * progress (trace bars, waiting notices) is sent only while the last minute, results included, is
   * below four fifths of it, and each bar moves less often when several run at once.
   */
  updatesPerMinute: z.number().int().min(5).max(600).default(50),
  /** Retries of a Slack call answered with 429 (each waits `Retry-After`). */
  max429Retries: z.number().int().min(0).max(10).default(3),
  /**
   * The largest strace log the "Summarise strace log" shortcut reads (bytes of text, after gunzip).
   * A larger file is refused before its download; a download that runs past it is stopped there.
   */
  summariseMaxBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
});
export type LimitsSettings = z.infer<typeof LimitsSettings>;
