import { systemClock, type Clock } from './clock.js';

/**
 * The bot's use of Slack's Tier 3 for `chat.update` (about 50 calls per minute per app per workspace,
 * across all channels). Results (a verdict, a status, a failure) are what someone asked for: they go at
 * once and are counted. Progress (a trace's bar, a "waiting" notice) only goes while the last minute's
 * updates, results included, plus the results still owed to the messages showing progress (a verdict
 * and its last note each), are below four fifths of the budget. So progress never takes the bot over
 * it, leaves room for the results it leads to and for others, and stops first when results are many.
 */
export interface UpdateBudget {
  /** Counts a result update (never refused: a 429 from Slack is waited out by the poster). */
  countResult(): void;
  /** Counts one progress update if it fits below the progress share; false: skip it. */
  tryTakeProgress(): boolean;
  /** Registers a message that shows progress while something runs; leave() when it stops. */
  joinProgress(): ProgressShare;
  /** Updates counted in the last minute. */
  usedInLastMinute(): number;
  /** Messages showing progress now. */
  readonly progressCount: number;
}

/** One message's part of the progress share. */
export interface ProgressShare {
  /**
   * How far apart this message's progress updates should be now so that all messages showing progress
   * together fit the progress share: with the default budget 1.6 s alone, 3.3 s for two, 7.5 s for four,
   * and never under `minProgressIntervalMs`.
   */
  intervalMs(): number;
  /** Idempotent. */
  leave(): void;
}

export interface UpdateBudgetOptions {
  /** `limits.updatesPerMinute`: Tier 3 is "50+ per minute". Default 50. */
  perMinute?: number;
  /** The shortest interval between one message's progress updates. Default 1500 ms. */
  minProgressIntervalMs?: number;
  clock?: Clock;
}

const WINDOW_MS = 60_000;
/** Result updates a message showing progress still owes: its verdict, and the note once its files are in. */
const RESULTS_OWED_PER_PROGRESS = 2;

/** Creates the workspace-wide chat.update budget (see UpdateBudget): a sliding window of one minute. */
export function createUpdateBudget(opts: UpdateBudgetOptions = {}): UpdateBudget {
  const perMinute = opts.perMinute ?? 50;
  // Four fifths for progress: the rest is room for results that arrive meanwhile.
  const progressPerMinute = Math.max(1, Math.floor(perMinute * 0.8));
  const minIntervalMs = opts.minProgressIntervalMs ?? 1_500;
  const clock = opts.clock ?? systemClock;
  const sent: number[] = [];
  let progressCount = 0;
  // The progress updates a minute can take once the results owed to the running messages are set aside.
  const progressRoom = (): number => progressPerMinute - RESULTS_OWED_PER_PROGRESS * progressCount;

  const prune = (now: number): void => {
    while (sent.length > 0 && sent[0]! <= now - WINDOW_MS) sent.shift();
  };
  return {
    countResult() {
      const now = clock.now();
      prune(now);
      sent.push(now);
    },
    tryTakeProgress() {
      const now = clock.now();
      prune(now);
      if (sent.length >= progressRoom()) return false;
      sent.push(now);
      return true;
    },
    joinProgress() {
      progressCount += 1;
      let isIn = true;
      return {
        intervalMs: () => Math.max(minIntervalMs, Math.ceil((Math.max(1, progressCount) * WINDOW_MS) / Math.max(1, progressRoom()))),
        leave() {
          if (!isIn) return;
          isIn = false;
          progressCount -= 1;
        },
      };
    },
    usedInLastMinute() {
      prune(clock.now());
      return sent.length;
    },
    get progressCount() {
      return progressCount;
    },
  };
}
