/**
 * The clock of a trace: strace's timestamps (`-t`/`-tt` ms since midnight, `-ttt` since the epoch) made
 * monotonic across midnight, and the first and last instant the trace shows (a call's end counts).
 */
export class TraceClock {
  // Number-only fields (never null): V8 then updates them in place instead of allocating a new heap
  // number on every line that moves the end of the trace.
  private first = Number.NaN;
  private last = Number.NEGATIVE_INFINITY;
  private seen = false;
  private lastRawMs = -1;
  private dayOffsetMs = 0;

  /** The first instant seen, or null without timestamps. */
  get firstTimeMs(): number | null {
    return this.seen ? this.first : null;
  }

  /** The last instant seen (a call's end included), or null without timestamps. */
  get lastTimeMs(): number | null {
    return this.seen ? this.last : null;
  }

  /** Returns a line's timestamp on the trace's clock (null stays null). */
  stamp(raw: number | null): number | null {
    // The usual case inline: the same day, after the first timestamp (stamp() is on every line).
    if (raw === null || !this.seen || this.dayOffsetMs !== 0 || raw + 43_200_000 < this.lastRawMs) return this.stampRare(raw);
    this.lastRawMs = raw;
    if (raw > this.last) this.last = raw;
    return raw;
  }

  private stampRare(raw: number | null): number | null {
    if (raw === null) return null;
    // `-t`/`-tt` restart at midnight: keep the clock monotonic.
    if (raw < 86_400_000 && this.lastRawMs >= 0 && raw + 43_200_000 < this.lastRawMs) this.dayOffsetMs += 86_400_000;
    this.lastRawMs = raw;
    const t = this.dayOffsetMs === 0 ? raw : raw + this.dayOffsetMs;
    if (!this.seen) {
      this.seen = true;
      this.first = t;
      this.last = t;
    } else if (t > this.last) {
      this.last = t;
    }
    return t;
  }

  /** Moves the end of the trace to the end of a call that started at `t` and took `durationMs`. */
  seeEnd(t: number | null, durationMs: number | null): void {
    // `t` comes from stamp(), so the clock has started whenever it is not null.
    if (t === null || durationMs === null) return;
    const end = t + durationMs;
    if (end > this.last) this.last = end;
  }
}
