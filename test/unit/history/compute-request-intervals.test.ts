import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { computeRequestIntervals } from '../../../src/history/compute-request-intervals.js';
import { failedStatusSnapshot, toStatusSnapshot } from '../../../src/watch/status-snapshot.js';
import type { StatusSnapshot } from '../../../src/watch/types.js';
import { BotError } from '../../../src/errors.js';
import { parseStatus } from '../../../src/workerman/parse-status.js';
import { STATUS_FIXTURES } from '../../helpers/paths.js';
import { editStatusText, type StatusEdits } from '../../helpers/watch-sequence.js';

// A real capture (wm5.2.2-idle: HttpApi01 19366-19369, ws-notifications-gateway 19370-19371,
// TextCmd2 19372, cron_jobs 19373), its columns edited the way Workerman would print them.
const CAPTURE = readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-idle.out'), 'utf8');
const T0 = Date.UTC(2026, 10, 26, 6, 0, 0);
const PIDS = [19366, 19367, 19368, 19369, 19370, 19371, 19372, 19373];

function snapshot(minute: number, edits: StatusEdits): StatusSnapshot {
  return toStatusSnapshot(parseStatus(editStatusText(CAPTURE, edits), { host: 'web-1' }), T0 + minute * 60_000, 'cadence');
}

/** Every process at `n` requests (but the busy ones: their row says N/A), then the overrides. */
const totals = (n: number, overrides: Record<number, number> = {}, busy: number[] = []): Record<number, number> => ({
  ...Object.fromEntries(PIDS.filter((p) => !busy.includes(p)).map((p) => [p, n])),
  ...overrides,
});

describe('computeRequestIntervals()', () => {
  test('computeRequestIntervals() sums each worker\'s counter deltas between consecutive status samples', () => {
    const intervals = computeRequestIntervals([snapshot(0, { totalRequest: totals(100) }), snapshot(10, { totalRequest: totals(700) })]);
    expect(intervals).toHaveLength(1);
    expect(intervals[0]).toMatchObject({ fromMs: T0, toMs: T0 + 600_000, resets: 0 });
    expect(Object.fromEntries(intervals[0]!.requests)).toEqual({ HttpApi01: 2400, 'ws-notifications-gateway': 1200, TextCmd2: 600, cron_jobs: 600 });
  });

  test('computeRequestIntervals() counts a reloaded process (new pid) from 0, never a negative delta', () => {
    const reload = Object.fromEntries(PIDS.map((p) => [p, p + 1000]));
    const after = Object.fromEntries(PIDS.map((p) => [p + 1000, 50]));
    const intervals = computeRequestIntervals([snapshot(0, { totalRequest: totals(9000) }), snapshot(10, { pids: reload, totalRequest: after })]);
    expect(intervals[0]!.resets).toBe(8);
    expect(Object.fromEntries(intervals[0]!.requests)).toEqual({ HttpApi01: 200, 'ws-notifications-gateway': 100, TextCmd2: 50, cron_jobs: 50 });
  });

  test('computeRequestIntervals() treats a counter that went down, or a new master, as a restart from 0', () => {
    const down = computeRequestIntervals([snapshot(0, { totalRequest: totals(500) }), snapshot(10, { totalRequest: totals(500, { 19366: 20 }) })]);
    expect(down[0]!.resets).toBe(1);
    expect(down[0]!.requests.get('HttpApi01')).toBe(20);
    // Same pids under a new master (start time changed): every counter starts again.
    const master = computeRequestIntervals([snapshot(0, { totalRequest: totals(500) }), snapshot(10, { startTime: '2026-11-26 06:05:00', totalRequest: totals(30) })]);
    expect(master[0]!.resets).toBe(8);
    expect(master[0]!.requests.get('HttpApi01')).toBe(120);
  });

  test('computeRequestIntervals() carries a busy row (N/A) over: the next reading counts from the last known value', () => {
    const intervals = computeRequestIntervals([
      snapshot(0, { totalRequest: totals(100) }),
      snapshot(10, { busy: [19366], totalRequest: totals(200, {}, [19366]) }),
      snapshot(20, { busy: [], totalRequest: totals(300, { 19366: 400 }) }),
    ]);
    expect(intervals.map((iv) => iv.requests.get('HttpApi01'))).toEqual([300, 100 * 3 + 300]);
    expect(intervals.every((iv) => iv.resets === 0)).toBe(true);
  });

  test('computeRequestIntervals() skips a process busy in its first reading (its requests so far are unknown)', () => {
    const intervals = computeRequestIntervals([snapshot(0, { busy: [19366], totalRequest: totals(100, {}, [19366]) }), snapshot(10, { busy: [], totalRequest: totals(200) })]);
    expect(intervals[0]!.requests.get('HttpApi01')).toBe(300);
    expect(intervals[0]!.resets).toBe(0);
  });

  test('computeRequestIntervals() leaves out status samples that gave no table', () => {
    const failed = failedStatusSnapshot(new BotError('command_timed_out', 'no answer'), T0 + 300_000, 'cadence');
    const intervals = computeRequestIntervals([snapshot(0, { totalRequest: totals(100) }), failed, snapshot(10, { totalRequest: totals(160) })]);
    expect(intervals).toHaveLength(1);
    expect(intervals[0]).toMatchObject({ fromMs: T0, toMs: T0 + 600_000 });
    expect(intervals[0]!.requests.get('cron_jobs')).toBe(60);
  });
});
