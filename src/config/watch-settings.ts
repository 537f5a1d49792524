import { z } from 'zod';
import { AbsolutePath } from './absolute-path.js';
import { HostName } from './host-name.js';
import { SlackChannelId } from './slack-ids.js';

/**
 * Alert thresholds of `watch` (see WatchSettings). Each alert opens at one level and clears at a lower
 * one, or only after several clean samples, so a value sitting on a threshold does not flap.
 */
export const WatchThresholds = z.strictObject({
  memoryGrowth: z
    .strictObject({
      /** Opens when a process's RSS grows at least this fast (robust slope, MB per hour)… */
      openMbPerHour: z.number().positive().max(100_000).default(2),
      /** …and clears when the slope falls below this. */
      resolveMbPerHour: z.number().min(0).max(100_000).default(1),
      /** A trend needs samples over at least this span of one process's life (minutes, ≥ 30). */
      minSpanMin: z.number().int().min(30).max(10_080).default(30),
      /** The slope is fitted over at most the last this many minutes of the process's life. */
      fitMin: z.number().int().min(30).max(10_080).default(120),
      /** Share of the sample-to-sample changes that must go up (a flat noisy series is about 0.5). */
      minUpShare: z.number().min(0.5).max(1).default(0.65),
      /** The largest single rise may be at most this share of the whole rise (else it is a spike). */
      maxStepShare: z.number().min(0.05).max(1).default(0.5),
      /** PHP's memory_limit of the app, MB: the alert then says when it would be reached. */
      memoryLimitMb: z.number().positive().max(1_048_576).optional(),
    })
    .prefault({}),
  stuck: z
    .strictObject({
      /** `[busy]` in this many status samples in a row. */
      statusSamples: z.number().int().min(2).max(100).default(2),
      /** In the same blocking call with no CPU progress in this many /proc samples in a row. */
      procSamples: z.number().int().min(2).max(1_000).default(3),
      /** Kernel wait functions that mean "idle in the event loop" besides the built-in ones (epoll, select). */
      extraIdleWchans: z.array(z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, 'expected a kernel function name')).max(32).default([]),
    })
    .prefault({}),
  saturation: z
    .strictObject({
      /** Every process of a worker busy (running or blocked) in this many /proc samples in a row… */
      procSamples: z.number().int().min(1).max(1_000).default(3),
      /** …or `[busy]` in this many status samples in a row. */
      statusSamples: z.number().int().min(1).max(100).default(1),
    })
    .prefault({}),
  crashLoop: z
    .strictObject({
      /** Opens at this many abnormal exits (non-zero exit status) of a worker within windowMin… */
      minExits: z.number().int().min(2).max(10_000).default(3),
      windowMin: z.number().int().min(1).max(10_080).default(30),
      /** …and clears after this long without a new one. */
      quietMin: z.number().int().min(1).max(10_080).default(30),
    })
    .prefault({}),
  stall: z
    .strictObject({
      /** `total_request` unchanged over at least this long (two status samples) while connections are open. */
      minSpanMin: z.number().int().min(1).max(10_080).default(5),
      /** Listen schemes checked (a websocket with idle clients serves no requests and is fine); empty: all. */
      protocols: z.array(z.string().regex(/^[a-z][a-z0-9+.-]{0,31}$/, 'expected a scheme like http')).default(['http']),
    })
    .prefault({}),
  /** Unreachable host, app not running, master down, orphans: this many samples in a row. */
  hostSamples: z.number().int().min(1).max(100).default(2),
  /** An open alert seen from /proc clears after this many clean samples in a row. */
  clearSamples: z.number().int().min(1).max(1_000).default(3),
  /** A process using at least this share of one CPU between two samples is "CPU pinned". */
  cpuPinnedShare: z.number().min(0.1).max(1).default(0.9),
});
export type WatchThresholds = z.infer<typeof WatchThresholds>;

/**
 * `watch`: sample hosts on a schedule and open alerts before users notice. Runs only on the replica
 * started with `WATCH=on` (see config/watch-env.ts); the others answer commands as usual.
 */
export const WatchSettings = z
  .strictObject({
    /** Hosts and groups to watch (`all` or `*`: every host). */
    hosts: z.array(z.union([z.literal('*'), HostName])).min(1).default(['all']),
    /** Slack channel the alerts go to. */
    channel: SlackChannelId.optional(),
    /** A /proc sample of each host this often (seconds). */
    intervalS: z.number().int().min(1).max(3_600).default(60),
    /** Workerman's own status (it signals every worker) this often… */
    statusEveryS: z.number().int().min(1).max(86_400).default(600),
    /** …and when /proc shows something worth a look, but never more often than this. */
    statusMinGapS: z.number().int().min(1).max(86_400).default(120),
    /** Samples kept per host, by age (minutes)… */
    windowMin: z.number().int().min(30).max(10_080).default(360),
    /** …and by count. */
    maxSamplesPerHost: z.number().int().min(10).max(100_000).default(1_000),
    /** The window and the open alerts survive a restart here (written with an atomic replace, mode 0600). */
    stateFile: AbsolutePath.default('/var/lib/workerman-ops/watch-state.json'),
    /**
     * The state file is rewritten at most this often (seconds; 0: every round), and at once when an
     * alert opens or resolves: a crash loses at most this much of the window, never an alert.
     */
    saveEveryS: z.number().int().min(0).max(86_400).default(300),
    /** Hosts sampled at once. */
    concurrency: z.number().int().min(1).max(256).default(16),
    /**
     * An open alert's Slack message is edited at most this often (seconds; 0: at every change), except
     * at once when its severity or the kind of its evidence changes: a growing duration changes it every round.
     */
    alertEditEveryS: z.number().int().min(0).max(86_400).default(600),
    /** A host's round (sample, and status when due) is cut after this long and counted unreachable. */
    hostTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
    thresholds: WatchThresholds.prefault({}),
  })
  .superRefine((w, ctx) => {
    if (w.thresholds.memoryGrowth.resolveMbPerHour >= w.thresholds.memoryGrowth.openMbPerHour) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'memoryGrowth', 'resolveMbPerHour'], message: 'must be below openMbPerHour (else the alert flaps)' });
    }
    if (w.thresholds.memoryGrowth.fitMin < w.thresholds.memoryGrowth.minSpanMin) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'memoryGrowth', 'fitMin'], message: 'must be at least minSpanMin' });
    }
    if (w.statusEveryS < w.intervalS) {
      ctx.addIssue({ code: 'custom', path: ['statusEveryS'], message: 'must be at least intervalS (status runs within a sampling round)' });
    }
  });
export type WatchSettings = z.infer<typeof WatchSettings>;
