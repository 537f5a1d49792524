import { systemClock, type Clock } from '../limits/clock.js';
import type { ProgressShare } from '../limits/create-update-budget.js';
import type { SlackMessage } from '../render/slack/limits.js';

/** What runTrace reports about once a second (its `onProgress`). */
export interface TraceTick {
  elapsedMs: number;
  durationMs: number;
  lines: number;
}

/** Keeps a trace's parent message moving while strace runs. */
export interface TraceProgress {
  /** runTrace's `onProgress`: the first tick (strace attached) starts the updates, one at the time box's end stops them. */
  onProgress(tick: TraceTick): void;
  /** Stops for good: nothing is shown after it returns. Call it before the verdict is posted. */
  stop(): void;
}

export interface TraceProgressOptions {
  /** thread.show: fire and forget, the latest wins, skipped when the update budget has no room. */
  show(message: SlackMessage): void;
  render(at: { elapsedMs: number; lines: number }): SlackMessage;
  /** The poster's joinProgress: how far apart this trace's updates must be, shared with the others. */
  joinProgress(): ProgressShare;
  durationMs: number;
  /**
   * Once the time box is over, how long the verdict may take before the parent says strace is still
   * detaching. Default 1000 ms: an update sent just before the verdict would only delay it.
   */
  finishingAfterMs?: number;
  clock?: Clock;
}

/**
 * Returns when the next progress update is due (ms into the time box), or null when the next one would
 * be the verdict. Updates are evenly spaced at least `minIntervalMs` apart, and the last one comes at
 * least `minIntervalMs` before the end: it has landed by the time the verdict is ready, so the verdict
 * never waits for it. Example: 5 s at 1.5 s → 1667, then 3333, then null.
 */
export function planNextProgressMs(lastMs: number, durationMs: number, minIntervalMs: number): number | null {
  const remainingMs = durationMs - lastMs;
  const steps = Math.floor(remainingMs / Math.max(1, minIntervalMs));
  return steps < 2 ? null : lastMs + remainingMs / steps;
}

/**
 * Creates a trace's progress: from the moment strace is attached, the parent advances every
 * `intervalMs()` of its progress share (1.5 s alone, longer when several traces share the workspace's
 * update budget), never within an interval of the time box's end. Past the end, the parent says
 * "detaching and summarising…" only when the verdict is late.
 */
export function createTraceProgress(opts: TraceProgressOptions): TraceProgress {
  const clock = opts.clock ?? systemClock;
  const { durationMs } = opts;
  const finishingAfterMs = opts.finishingAfterMs ?? 1_000;
  const stopAll = new AbortController();
  const stopSchedule = new AbortController();
  let startedAt: number | null = null;
  let share: ProgressShare | null = null;
  let lines = 0;
  let isFinishing = false;

  const elapsed = (): number => clock.now() - (startedAt ?? clock.now());
  const runSchedule = async (): Promise<void> => {
    let lastMs = 0;
    for (;;) {
      const next = planNextProgressMs(lastMs, durationMs, share?.intervalMs() ?? Number.POSITIVE_INFINITY);
      if (next === null) return;
      const waitMs = next - elapsed();
      if (waitMs > 0) {
        // Planned again on waking: another trace may have joined meanwhile, and then this one slows down.
        await clock.sleep(waitMs, stopSchedule.signal);
        continue;
      }
      const now = elapsed();
      // A timer that fired late (a loaded machine) still must not crowd the verdict.
      if (stopSchedule.signal.aborted || now >= durationMs) return;
      opts.show(opts.render({ elapsedMs: now, lines }));
      lastMs = now;
    }
  };
  const leave = (): void => {
    stopSchedule.abort();
    share?.leave();
  };
  return {
    onProgress(tick) {
      if (stopAll.signal.aborted) return;
      lines = tick.lines;
      if (startedAt === null) {
        startedAt = clock.now() - tick.elapsedMs;
        share = opts.joinProgress();
        void runSchedule().catch(() => undefined);
      }
      if (tick.elapsedMs >= tick.durationMs && !isFinishing) {
        isFinishing = true;
        leave();
        void clock.sleep(finishingAfterMs, stopAll.signal).then(
          () => {
            if (!stopAll.signal.aborted) opts.show(opts.render({ elapsedMs: durationMs, lines }));
          },
          () => undefined,
        );
      }
    },
    stop() {
      stopAll.abort();
      leave();
    },
  };
}
