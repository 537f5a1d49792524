/** Tracks work that continues after a request was acknowledged, so a shutdown can finish or cancel it. */
export interface InFlight {
  /** Number of tasks still running. */
  readonly size: number;
  /** True once `drain()` was called: callers should refuse new work. */
  readonly isDraining: boolean;
  /** Runs `work` with a signal that aborts when a drain's grace period ends. */
  run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Waits up to `graceMs` for running tasks, then aborts the rest and waits up to `abortWaitMs` for them. */
  drain(opts: { graceMs: number; abortWaitMs?: number }): Promise<{ finished: number; aborted: number }>;
}

/** Returns an empty in-flight tracker. */
export function createInFlight(): InFlight {
  const tasks = new Set<{ controller: AbortController; settled: Promise<unknown> }>();
  let isDraining = false;
  const wait = (ms: number): Promise<'timeout'> =>
    new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());
  const allSettled = (): Promise<'settled'> =>
    Promise.allSettled([...tasks].map((t) => t.settled)).then(() => 'settled' as const);
  return {
    get size() {
      return tasks.size;
    },
    get isDraining() {
      return isDraining;
    },
    async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
      const controller = new AbortController();
      const promise = work(controller.signal);
      const task = { controller, settled: promise.then(() => undefined, () => undefined) };
      tasks.add(task);
      try {
        return await promise;
      } finally {
        tasks.delete(task);
      }
    },
    async drain({ graceMs, abortWaitMs = 5000 }) {
      isDraining = true;
      const before = tasks.size;
      if (before === 0) return { finished: 0, aborted: 0 };
      await Promise.race([allSettled(), wait(graceMs)]);
      const remaining = [...tasks];
      for (const t of remaining) t.controller.abort(new Error('the bot is shutting down'));
      if (remaining.length > 0) await Promise.race([allSettled(), wait(abortWaitMs)]);
      return { finished: before - remaining.length, aborted: remaining.length };
    },
  };
}
