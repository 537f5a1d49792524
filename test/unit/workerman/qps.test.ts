import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../../src/workerman/parse-status.js';
import { computeQps } from '../../../src/workerman/qps.js';
import { STATUS_FIXTURES } from '../../helpers/paths.js';

const read = (base: string): string => readFileSync(join(STATUS_FIXTURES, `${base}.out`), 'utf8');

/** Splits live output into one-shot outputs, one per frame (each frame ends with its Summary row). */
function framesOf(text: string): string[] {
  const header = text.slice(0, text.indexOf('\n') + 1);
  return text
    .split(/\nPress Ctrl\+C to quit\.\n/)
    .filter((chunk) => chunk.includes('[Summary]'))
    .map((chunk, i) => (i === 0 ? chunk : header + chunk.replace(/^\n+/, '')));
}

describe('computeQps()', () => {
  it('computeQps() divides the total_request delta per pid by the interval', () => {
    const [a, b] = framesOf(read('wm4.1.17-live-load')).map((t) => parseStatus(t));
    if (!a || !b) throw new Error('live-load has fewer than 2 frames');
    const withQps = computeQps(a, b, 1000);
    // Workerman's own qps of the 2nd frame is the same per-second delta.
    expect(withQps.processes.map((p) => p.qps)).toEqual([1460, 0, 0, 3444, 0, 0, 0, 0]);
    expect(computeQps(a, b, 2000).processes[0]?.qps).toBe(730);
    expect(withQps.processes.map((p) => p.totalRequest)).toEqual(b.processes.map((p) => p.totalRequest));
  });

  it('computeQps() gives null for a pid new in the second sample, a busy row and a counter that went down', () => {
    const first = parseStatus(read('wm4.1.17-after-kill9'));
    const second = parseStatus(read('wm4.1.17-busy-upstream'));
    const swapped = {
      ...second,
      processes: second.processes.map((p, i) => (i === 1 ? { ...p, totalRequest: 0 } : i === 2 ? { ...p, pid: 99999 } : p)),
    };
    const before = { ...first, processes: first.processes.map((p, i) => (i === 1 ? { ...p, pid: second.processes[1]?.pid ?? 0, totalRequest: 50 } : p)) };
    const result = computeQps(before, swapped, 1000);
    expect(result.processes[0]?.status).toBe('busy');
    expect(result.processes[0]?.qps).toBeNull();
    expect(result.processes[1]?.qps).toBeNull(); // 50 -> 0: reloaded
    expect(result.processes[2]?.qps).toBeNull(); // pid not in the first sample
  });

  it('computeQps() leaves the second sample itself untouched', () => {
    const s = parseStatus(read('wm5.2.2-idle'));
    const copy = structuredClone(s);
    computeQps(s, s, 1000);
    expect(s).toEqual(copy);
    expect(computeQps(s, s, 1000).processes.every((p) => p.qps === 0)).toBe(true);
  });
});
