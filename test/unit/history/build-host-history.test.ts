import { describe, expect, test } from 'vitest';
import { buildHostHistory } from '../../../src/history/build-host-history.js';
import type { HostHistory } from '../../../src/history/types.js';
import type { WindowView } from '../../../src/watch/types.js';
import { buildHistoryScenario, HISTORY_T0, LEAK_MB_PER_HOUR, RATE_PER_PROCESS } from '../../helpers/history-scenario.js';

const HOUR = 3_600_000;
const MB = 1_048_576;
// The capture's ground truth: every worker process at 10 308 KB of RSS, the master at 11 416 KB.
const PROCESS_MB = (10_308 * 1024) / MB;

const scenario = buildHistoryScenario();
const view = scenario.window.view();
const slack = buildHostHistory(view, { windowMs: 6 * HOUR, maxBuckets: 20, maxSeries: 6 });
const fine = buildHostHistory(view, { windowMs: 6 * HOUR, maxBuckets: 150, maxSeries: 10 });

const line = (h: HostHistory, kind: 'memory' | 'requests', name: string) => h[kind].series.find((s) => s.name === name)!;

describe('buildHostHistory()', () => {
  test('buildHostHistory() spans the newest sample and what came before it within the window', () => {
    expect(slack.toMs).toBe(HISTORY_T0 + 359 * 60_000);
    expect(slack.fromMs).toBe(HISTORY_T0);
    const hour = buildHostHistory(view, { windowMs: HOUR, maxBuckets: 20, maxSeries: 6 });
    expect(hour.fromMs).toBe(hour.toMs - HOUR);
    expect(hour.memory.readings).toBe(61);
    expect(hour.memory.buckets[0]!.label).toBe('10:59');
  });

  test('buildHostHistory() keeps to maxBuckets whole-minute buckets with distinct HH:MM labels, at least 1.5 samples wide', () => {
    for (const h of [slack, fine]) {
      for (const chart of [h.memory, h.requests]) {
        expect(chart.buckets.length).toBeLessThanOrEqual(h === slack ? 20 : 150);
        expect(new Set(chart.buckets.map((b) => b.label)).size).toBe(chart.buckets.length);
        for (const b of chart.buckets) expect((b.endMs - b.startMs) % 60_000).toBe(0);
        expect(chart.buckets.at(-1)!.endMs).toBeGreaterThan(h.toMs);
        for (const s of chart.series) expect(s.values).toHaveLength(chart.buckets.length);
      }
    }
    expect(slack.memory.buckets).toHaveLength(20);
    expect(fine.memory.buckets[0]!.endMs - fine.memory.buckets[0]!.startMs).toBe(3 * 60_000);
    // Status every 10 min: a request bucket is at least 15 min, so each one has an interval ending in it.
    expect(fine.requests.buckets[0]!.endMs - fine.requests.buckets[0]!.startMs).toBe(15 * 60_000);
  });

  test('buildHostHistory() sums the RSS of each worker\'s processes and leaves the master out', () => {
    const first = (name: string) => line(fine, 'memory', name).values[1]!;
    expect(first('HttpApi01')).toBeCloseTo(4 * PROCESS_MB + (LEAK_MB_PER_HOUR * 4) / 60, 0);
    expect(first('ws-notifications-gateway')).toBeCloseTo(2 * PROCESS_MB, 1);
    expect(first('TextCmd2')).toBeCloseTo(PROCESS_MB, 1);
    expect(fine.memory.series.map((s) => s.name).sort()).toEqual(Object.keys(RATE_PER_PROCESS).sort());
  });

  test('buildHostHistory() shows the leak at the alert\'s MB/h, and the reload taking it back', () => {
    const http = line(slack, 'memory', 'HttpApi01');
    const b = slack.memory.buckets;
    // 18-minute buckets: the rise between the first and the last whole bucket before the reload (180 min).
    const before = b.findIndex((x) => x.endMs > HISTORY_T0 + 180 * 60_000) - 1;
    const slope = (http.values[before]! - http.values[0]!) / ((b[before]!.startMs - b[0]!.startMs) / HOUR);
    expect(slope).toBeCloseTo(LEAK_MB_PER_HOUR, 0);
    expect(http.values.at(-1)!).toBeCloseTo(4 * PROCESS_MB, 1);
  });

  test('buildHostHistory() gives requests per second per worker across the reload, its counter resets counted from 0', () => {
    expect(fine.counterResets).toBe(8);
    for (const [name, perProcess] of Object.entries(RATE_PER_PROCESS)) {
      const processes = name === 'HttpApi01' ? 4 : name === 'ws-notifications-gateway' ? 2 : 1;
      const values = line(fine, 'requests', name).values.filter((v): v is number => v !== null);
      expect(values.length).toBeGreaterThan(20);
      // Never negative, never above the real rate; exact in every bucket but the reload's.
      expect(values.every((v) => v >= 0 && v <= perProcess * processes + 0.01)).toBe(true);
      expect(values.filter((v) => Math.abs(v - perProcess * processes) > 0.01).length).toBeLessThanOrEqual(1);
    }
    // Without reset handling the reload interval would be hugely negative (counters from ~54 000 to ~150).
    expect(Math.min(...line(fine, 'requests', 'HttpApi01').values.filter((v): v is number => v !== null))).toBeGreaterThan(0);
  });

  test('buildHostHistory() leaves a gap (null in every line) where the host did not answer', () => {
    expect(fine.missedSamples).toBe(3);
    const gap = fine.memory.buckets.findIndex((b) => b.startMs === HISTORY_T0 + 240 * 60_000);
    expect(gap).toBeGreaterThan(0);
    for (const s of fine.memory.series) {
      expect(s.values[gap]).toBeNull();
      expect(s.values[gap - 1]).not.toBeNull();
      expect(s.values[gap + 1]).not.toBeNull();
    }
  });

  test('buildHostHistory() keeps the largest maxSeries - 1 lines and sums the rest into "other (N)"', () => {
    const three = buildHostHistory(view, { windowMs: 6 * HOUR, maxBuckets: 20, maxSeries: 3 });
    expect(three.memory.series.map((s) => s.name)).toEqual(['HttpApi01', 'ws-notifications-gateway', 'other (2)']);
    const other = three.memory.series[2]!;
    expect(other.workers.sort()).toEqual(['TextCmd2', 'cron_jobs']);
    const parts = ['TextCmd2', 'cron_jobs'].map((n) => line(slack, 'memory', n).values[5]!);
    expect(other.values[5]).toBeCloseTo(parts[0]! + parts[1]!, 1);
    expect(three.requests.series.map((s) => s.name)).toEqual(['HttpApi01', 'ws-notifications-gateway', 'other (2)']);
  });

  test('buildHostHistory() of a host that never answered has no memory data; of no samples, history_unavailable', () => {
    const down: WindowView = { host: 'web-9', samples: view.samples.slice(0, 5).map((s) => ({ ...s, host: 'web-9', outcome: 'unreachable', processes: [], status: null })) };
    const h = buildHostHistory(down, { windowMs: HOUR, maxBuckets: 20, maxSeries: 6 });
    expect(h.memory.readings).toBe(0);
    expect(h.memory.series).toEqual([]);
    expect(h.requests.series).toEqual([]);
    expect(h.missedSamples).toBe(5);
    expect(() => buildHostHistory({ host: 'web-9', samples: [] }, { windowMs: HOUR, maxBuckets: 20, maxSeries: 6 })).toThrowError(
      expect.objectContaining({ code: 'history_unavailable', message: 'The watcher has no samples of web-9 yet.' }),
    );
  });
});
