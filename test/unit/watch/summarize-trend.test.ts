import { describe, expect, it } from 'vitest';
import { summarizeTrend, theilSenSlope } from '../../../src/watch/summarize-trend.js';

const MIN = 60_000;
const line = (n: number, perMin: number, at: (i: number) => number = () => 0) => Array.from({ length: n }, (_, i) => ({ t: i * MIN, v: 100 + perMin * i + at(i) }));

describe('summarizeTrend()', () => {
  it('reads the slope per hour of a straight line exactly', () => {
    const trend = summarizeTrend(line(31, 2));
    expect(trend.slopePerHour).toBeCloseTo(120, 9);
    expect(trend).toMatchObject({ spanMs: 30 * MIN, points: 31, first: 100, last: 160, upShare: 1 });
    expect(trend.maxStepShare).toBeCloseTo(2 / 60, 9);
  });

  it('Theil–Sen: a quarter of wild points barely moves the slope, where least squares would tilt', () => {
    const wild = line(40, 1, (i) => (i % 4 === 0 ? 500 : 0));
    expect(summarizeTrend(wild).slopePerHour).toBeGreaterThan(55);
    expect(summarizeTrend(wild).slopePerHour).toBeLessThan(65);
  });

  it('a single step that stays: most of the rise in one change (maxStepShare 1), median slope about 0 off-centre', () => {
    const step = line(60, 0, (i) => (i >= 45 ? 50 : 0));
    const trend = summarizeTrend(step);
    expect(trend.maxStepShare).toBe(1);
    expect(trend.slopePerHour).toBe(0);
  });

  it('noise below the threshold counts as no change; no change at all reads as no direction (0.5)', () => {
    expect(summarizeTrend(line(10, 0, (i) => (i % 2) * 0.001), { noise: 0.01 }).upShare).toBe(0.5);
    expect(summarizeTrend(line(10, 0)).upShare).toBe(0.5);
  });

  it('fits at most maxFitPoints points, first and last included, with the same answer on a line', () => {
    expect(summarizeTrend(line(721, 0.5), { maxFitPoints: 50 }).slopePerHour).toBeCloseTo(30, 9);
  });

  it('theilSenSlope() is 0 for fewer than two distinct times', () => {
    expect(theilSenSlope([])).toBe(0);
    expect(theilSenSlope([{ t: 5, v: 1 }, { t: 5, v: 9 }])).toBe(0);
  });
});
