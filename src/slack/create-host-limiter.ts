/** Bounds how many commands run at once on one host; the rest wait in order. */
export interface HostLimiter {
  /** Runs `work` when a slot on `host` is free; `onQueued` is told how many wait ahead when it must wait. */
  run<T>(host: string, work: () => Promise<T>, onQueued?: (ahead: number) => void): Promise<T>;
}

/**
 * Returns a per-host limiter with `maxPerHost` slots. Why: a burst of `/workerman status web-1` must
 * not fork dozens of PHP processes on web-1 at once (each status signals every worker).
 */
export function createHostLimiter(maxPerHost: number): HostLimiter {
  const running = new Map<string, number>();
  const waiting = new Map<string, (() => void)[]>();
  const release = (host: string): void => {
    const next = waiting.get(host)?.shift();
    if (next !== undefined) {
      next();
      return;
    }
    running.set(host, (running.get(host) ?? 1) - 1);
  };
  return {
    async run(host, work, onQueued) {
      if ((running.get(host) ?? 0) >= maxPerHost) {
        const queue = waiting.get(host) ?? [];
        waiting.set(host, queue);
        onQueued?.(queue.length + 1);
        // The slot is handed over by release(): `running` stays the same.
        await new Promise<void>((resolve) => queue.push(resolve));
      } else {
        running.set(host, (running.get(host) ?? 0) + 1);
      }
      try {
        return await work();
      } finally {
        release(host);
      }
    },
  };
}
