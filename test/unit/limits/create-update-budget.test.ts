import { describe, expect, it } from 'vitest';
import { createManualClock } from '../../../src/limits/clock.js';
import { createUpdateBudget } from '../../../src/limits/create-update-budget.js';
import { planNextProgressMs } from '../../../src/slack/create-trace-progress.js';

describe('createUpdateBudget()', () => {
  it('createUpdateBudget() gives progress four fifths of a minute, results included; results are always counted, never refused', async () => {
    const clock = createManualClock(0);
    const budget = createUpdateBudget({ perMinute: 50, clock });
    let progress = 0;
    for (let i = 0; i < 100; i += 1) if (budget.tryTakeProgress()) progress += 1;
    expect(progress).toBe(40);
    await clock.advance(30_000);
    for (let i = 0; i < 10; i += 1) budget.countResult();
    expect(budget.usedInLastMinute()).toBe(50);
    await clock.advance(29_999);
    expect(budget.tryTakeProgress()).toBe(false);
    // The 40 progress updates leave the window; the 10 results still count against progress.
    await clock.advance(1);
    expect(budget.usedInLastMinute()).toBe(10);
    for (let i = 0; i < 40; i += 1) if (budget.tryTakeProgress()) progress += 1;
    expect(progress).toBe(70);
  });

  it('createUpdateBudget() keeps room for the verdicts still owed to the messages showing progress', () => {
    const clock = createManualClock(0);
    const budget = createUpdateBudget({ perMinute: 50, clock });
    const shares = Array.from({ length: 4 }, () => budget.joinProgress());
    let progress = 0;
    for (let i = 0; i < 100; i += 1) if (budget.tryTakeProgress()) progress += 1;
    // 40 less two results (a verdict and a last note) for each of the 4.
    expect(progress).toBe(32);
    for (const share of shares) share.leave();
    expect(budget.tryTakeProgress()).toBe(true);
  });

  it('createUpdateBudget() stops progress first when results are many', () => {
    const clock = createManualClock(0);
    const budget = createUpdateBudget({ perMinute: 50, clock });
    for (let i = 0; i < 45; i += 1) budget.countResult();
    expect(budget.tryTakeProgress()).toBe(false);
    expect(budget.usedInLastMinute()).toBe(45);
  });

  it('createUpdateBudget() spaces each message\'s progress about 1.6 s apart alone and degrades with how many share it', () => {
    const budget = createUpdateBudget({ perMinute: 50 });
    const shares = [budget.joinProgress()];
    // 38 a minute for progress (40, less the verdict and last note owed to this message).
    expect(shares[0]!.intervalMs()).toBe(1_579);
    shares.push(budget.joinProgress());
    expect(shares.map((s) => s.intervalMs())).toEqual([3_334, 3_334]);
    shares.push(budget.joinProgress(), budget.joinProgress());
    expect(shares[0]!.intervalMs()).toBe(7_500);
    shares[3]!.leave();
    shares[3]!.leave(); // idempotent
    expect(budget.progressCount).toBe(3);
    expect(shares[0]!.intervalMs()).toBe(5_295);
    expect(createUpdateBudget({ perMinute: 600 }).joinProgress().intervalMs()).toBe(1_500);
  });

  it('createUpdateBudget() keeps any number of traces at once under Slack\'s Tier 3 in every minute, results included', async () => {
    for (const traces of [1, 2, 4, 8, 32]) {
      const clock = createManualClock(0);
      const budget = createUpdateBudget({ perMinute: 50, clock });
      const sentAt: number[] = [];
      const perTrace: number[] = [];
      // Each trace: 30 s of progress on its own schedule (as createTraceProgress plans it), then its
      // verdict; traces start 250 ms apart and run in two waves, so they overlap and come and go.
      const runOne = async (i: number): Promise<void> => {
        await clock.sleep((i % 16) * 250 + Math.floor(i / 16) * 40_000);
        const share = budget.joinProgress();
        const start = clock.now();
        let last = 0;
        let shown = 0;
        for (;;) {
          const next = planNextProgressMs(last, 30_000, share.intervalMs());
          if (next === null) break;
          await clock.sleep(start + next - clock.now());
          if (budget.tryTakeProgress()) {
            sentAt.push(clock.now());
            shown += 1;
          }
          last = next;
        }
        share.leave();
        await clock.sleep(start + 30_000 - clock.now());
        budget.countResult();
        sentAt.push(clock.now());
        perTrace.push(shown);
      };
      const all = Promise.all(Array.from({ length: traces }, (_, i) => runOne(i)));
      for (let t = 0; t < 200_000 && perTrace.length < traces; t += 250) await clock.advance(250);
      await all;
      const worstMinute = Math.max(...sentAt.map((t) => sentAt.filter((u) => u >= t && u < t + 60_000).length));
      expect(worstMinute, `${traces} traces`).toBeLessThanOrEqual(50);
      if (traces === 1) expect(perTrace).toEqual([17]); // every 1.7 s of a 30 s trace, none in its last 1.6 s
      // Up to 4 at once (limits.maxConcurrentTraces' default) each still moves; beyond, the interval
      // outgrows a 30 s trace and only results go out.
      else if (traces <= 4) expect(Math.min(...perTrace), `${traces} traces`).toBeGreaterThan(0);
    }
  });
});
