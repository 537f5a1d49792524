/** Time as the limiters see it; injectable so tests run without waiting. */
export interface Clock {
  /** Milliseconds, monotonic enough for intervals. */
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The real clock: `performance.now()` and timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, Math.max(0, ms));
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

export interface ManualClock extends Clock {
  /** Moves time forward, waking sleepers in time order (letting each one's continuation run). */
  advance(ms: number): Promise<void>;
  /** Sleeps not yet due. */
  readonly pendingSleeps: number;
}

/** Returns a clock that moves only when told to (for unit tests of limiters and pacers). */
export function createManualClock(startMs = 0): ManualClock {
  let nowMs = startMs;
  let seq = 0;
  const sleepers: { at: number; seq: number; resolve: () => void }[] = [];
  const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  return {
    now: () => nowMs,
    sleep(ms, signal) {
      if (signal?.aborted) return Promise.reject(signal.reason);
      return new Promise<void>((resolve, reject) => {
        const entry = { at: nowMs + Math.max(0, ms), seq: seq++, resolve };
        sleepers.push(entry);
        signal?.addEventListener(
          'abort',
          () => {
            const i = sleepers.indexOf(entry);
            if (i >= 0) sleepers.splice(i, 1);
            reject(signal.reason);
          },
          { once: true },
        );
      });
    },
    async advance(ms) {
      const target = nowMs + ms;
      await settle();
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at || a.seq - b.seq);
        const first = sleepers[0];
        if (first === undefined || first.at > target) break;
        sleepers.shift();
        nowMs = Math.max(nowMs, first.at);
        first.resolve();
        await settle();
      }
      nowMs = target;
      await settle();
    },
    get pendingSleeps() {
      return sleepers.length;
    },
  };
}
