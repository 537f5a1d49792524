/** Lets post-ack work wait until incoming requests have stopped arriving for a moment. */
export interface AckGate {
  /** Called for every incoming request (a global middleware, before any listener). */
  noteRequest(): void;
  /** Resolves once no request arrived for `quietMs`, or after `maxWaitMs` at the latest. */
  quiet(): Promise<void>;
}

/**
 * Returns an ack gate. Why: the work after an ack (spawning `php … status`, rendering) runs on the same
 * event loop as the HTTP receiver, and a spawn blocks the loop for milliseconds (longer on a loaded
 * host). In a burst of commands, starting that work at once delays the acks of the requests still
 * arriving; waiting for a short quiet period first keeps the bot's ack as fast as a bare Bolt app's.
 */
export function createAckGate(opts: { quietMs?: number; maxWaitMs?: number; now?: () => number } = {}): AckGate {
  const quietMs = opts.quietMs ?? 100;
  const maxWaitMs = opts.maxWaitMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  let lastRequestAt = -Infinity;
  return {
    noteRequest() {
      lastRequestAt = now();
    },
    async quiet() {
      const started = now();
      for (;;) {
        const t = now();
        const idleMs = t - lastRequestAt;
        if (idleMs >= quietMs || t - started >= maxWaitMs) return;
        await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.min(quietMs - idleMs, maxWaitMs - (t - started)))));
      }
    },
  };
}
