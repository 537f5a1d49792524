import { systemClock, type Clock } from './clock.js';

export interface PostPacer {
  /**
   * Runs `post` for `channelId` after the previous post to that channel has settled and at least
   * `intervalMs` after it started. Posts to one channel run in call order; channels do not wait for
   * each other. Resolves/rejects with `post`'s result.
   */
  run<T>(channelId: string, post: () => Promise<T>): Promise<T>;
  /** Posts queued or running for `channelId`. */
  queued(channelId: string): number;
}

export interface PostPacerOptions {
  /** Slack allows about one message per second per channel. Default 1000. */
  intervalMs?: number;
  clock?: Clock;
}

interface Lane {
  tail: Promise<unknown>;
  lastStartMs: number;
  queued: number;
}

/** Creates the per-channel pacer for chat.postMessage and file shares (about 1 message/s per channel). */
export function createPostPacer(opts: PostPacerOptions = {}): PostPacer {
  const intervalMs = opts.intervalMs ?? 1_000;
  const clock = opts.clock ?? systemClock;
  const lanes = new Map<string, Lane>();
  return {
    run<T>(channelId: string, post: () => Promise<T>): Promise<T> {
      let lane = lanes.get(channelId);
      if (lane === undefined) {
        lane = { tail: Promise.resolve(), lastStartMs: Number.NEGATIVE_INFINITY, queued: 0 };
        lanes.set(channelId, lane);
      }
      const current = lane;
      current.queued += 1;
      const result = current.tail.then(async () => {
        const waitMs = current.lastStartMs + intervalMs - clock.now();
        if (waitMs > 0) await clock.sleep(waitMs);
        current.lastStartMs = clock.now();
        return post();
      });
      current.tail = result.then(
        () => undefined,
        () => undefined,
      );
      void current.tail.then(async () => {
        current.queued -= 1;
        if (current.queued > 0) return;
        // Keep the lane until its interval has passed (the next post must still wait), then forget it.
        const idleMs = current.lastStartMs + intervalMs - clock.now();
        if (idleMs > 0) await clock.sleep(idleMs);
        if (current.queued === 0 && lanes.get(channelId) === current) lanes.delete(channelId);
      });
      return result;
    },
    queued(channelId) {
      return lanes.get(channelId)?.queued ?? 0;
    },
  };
}
