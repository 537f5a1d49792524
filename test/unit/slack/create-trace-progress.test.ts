import { describe, expect, it } from 'vitest';
import { createManualClock, type ManualClock } from '../../../src/limits/clock.js';
import { createUpdateBudget, type UpdateBudget } from '../../../src/limits/create-update-budget.js';
import { createTraceProgress, planNextProgressMs, type TraceProgress } from '../../../src/slack/create-trace-progress.js';

describe('planNextProgressMs()', () => {
  it.each([
    // [last, duration, interval, next]
    [0, 5_000, 1_500, 5_000 / 3],
    [5_000 / 3, 5_000, 1_500, 10_000 / 3],
    [10_000 / 3, 5_000, 1_500, null],
    [0, 30_000, 1_500, 1_500],
    [27_000, 30_000, 1_500, 28_500],
    [28_500, 30_000, 1_500, null],
    [0, 3_000, 1_500, 1_500],
    [0, 2_000, 1_500, null],
    [0, 5_000, 6_000, null],
    [0, 30_000, 6_000, 6_000],
  ])('planNextProgressMs(%d, %d, %d) is %s', (last, duration, interval, next) => {
    const planned = planNextProgressMs(last, duration, interval);
    if (next === null) expect(planned).toBeNull();
    else expect(planned).toBeCloseTo(next, 6);
  });
});

/** A trace as runTrace reports it: a tick at attach, one per second, and one at the time box's end. */
function startTrace(clock: ManualClock, budget: UpdateBudget, durationMs: number, shown: string[]): { progress: TraceProgress; tick(): void; end(): void } {
  const startedAt = clock.now();
  let lines = 0;
  const progress = createTraceProgress({
    show: (m) => shown.push(m.text),
    render: ({ elapsedMs, lines: n }) => ({ text: `${Math.round(clock.now() - startedAt)}: ${Math.round(elapsedMs)} ms, ${n} lines`, blocks: [] }),
    joinProgress: () => budget.joinProgress(),
    durationMs,
    clock,
  });
  progress.onProgress({ elapsedMs: 0, durationMs, lines });
  return {
    progress,
    tick: () => progress.onProgress({ elapsedMs: Math.min(durationMs, clock.now() - startedAt), durationMs, lines: (lines += 10) }),
    end: () => progress.onProgress({ elapsedMs: durationMs, durationMs, lines }),
  };
}

describe('createTraceProgress()', () => {
  it('createTraceProgress() moves a 5 s trace at 1.7 and 3.3 s, and nothing once the verdict is near', async () => {
    const clock = createManualClock(0);
    const shown: string[] = [];
    const t = startTrace(clock, createUpdateBudget({ clock }), 5_000, shown);
    for (let s = 1; s <= 5; s += 1) {
      await clock.advance(1_000);
      t.tick();
    }
    t.end();
    await clock.advance(100);
    t.progress.stop();
    await clock.advance(5_000);
    expect(shown).toEqual(['1667: 1667 ms, 10 lines', '3333: 3333 ms, 30 lines']);
  });

  it('createTraceProgress() says "detaching" only when the verdict is over a second late, and never after stop()', async () => {
    const clock = createManualClock(0);
    const shown: string[] = [];
    const t = startTrace(clock, createUpdateBudget({ clock }), 2_000, shown);
    await clock.advance(2_000);
    t.end();
    await clock.advance(999);
    expect(shown).toEqual([]);
    await clock.advance(1);
    expect(shown).toEqual(['3000: 2000 ms, 0 lines']);
    t.progress.stop();

    const onTime: string[] = [];
    const u = startTrace(clock, createUpdateBudget({ clock }), 2_000, onTime);
    await clock.advance(2_000);
    u.end();
    await clock.advance(300);
    u.progress.stop();
    await clock.advance(5_000);
    expect(onTime).toEqual([]);
  });

  it('createTraceProgress() spaces two traces at once at least 3.3 s apart each, and speeds up again when one ends', async () => {
    const clock = createManualClock(0);
    const budget = createUpdateBudget({ clock });
    const a: string[] = [];
    const b: string[] = [];
    const ta = startTrace(clock, budget, 20_000, a);
    const tb = startTrace(clock, budget, 8_000, b);
    await clock.advance(8_000);
    tb.end();
    tb.progress.stop();
    await clock.advance(12_000);
    ta.end();
    ta.progress.stop();
    expect(b).toEqual(['4000: 4000 ms, 0 lines']);
    // While b runs, a plans with 3.3 s (its first plan, 1.7 s alone, is redone when it wakes); once
    // b has stopped, what is left goes in even steps of at least 1.6 s, none in the last 1.6 s.
    const times = a.map((s) => Number(s.split(':')[0]));
    expect(times).toEqual([4_000, 8_000, 12_000, 13_600, 15_200, 16_800, 18_400]);
    expect(budget.progressCount).toBe(0);
  });

  it('createTraceProgress() shows nothing for a short trace when many share the budget: the verdict comes first', async () => {
    const clock = createManualClock(0);
    const budget = createUpdateBudget({ clock });
    const others = Array.from({ length: 3 }, () => budget.joinProgress());
    const shown: string[] = [];
    const t = startTrace(clock, budget, 5_000, shown);
    await clock.advance(5_000);
    t.end();
    t.progress.stop();
    expect(shown).toEqual([]);
    for (const o of others) o.leave();
  });
});
