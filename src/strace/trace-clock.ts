/**
 * The clock of a trace: strace's timestamps (`-t`/`-tt` ms since midnight, `-ttt` since the epoch) made
 * monotonic across midnight, and the first and last instant the trace shows (a call's end counts).
 */
export class TraceClock {
  firstTimeMs: number | null = null;
  lastTimeMs: number | null = null;
  private lastRawMs = -1;
  private dayOffsetMs = 0;

  /** Returns a line's timestamp on the trace's clock (null stays null). */
  stamp(raw: number | null): number | null {
    if (raw === null) return null;
    // `-t`/`-tt` restart at midnight: keep the clock monotonic.
    if (raw < 86_400_000 && this.lastRawMs >= 0 && raw + 43_200_000 < this.lastRawMs) this.dayOffsetMs += 86_400_000;
    this.lastRawMs = raw;
    const t = raw + this.dayOffsetMs;
    if (this.firstTimeMs === null) this.firstTimeMs = t;
    if (this.lastTimeMs === null || t > this.lastTimeMs) this.lastTimeMs = t;
    return t;
  }

  /** Moves the end of the trace to the end of a call that started at `t` and took `durationMs`. */
  seeEnd(t: number | null, durationMs: number | null): void {
    if (t !== null && durationMs !== null && (this.lastTimeMs === null || t + durationMs > this.lastTimeMs)) this.lastTimeMs = t + durationMs;
  }
}
