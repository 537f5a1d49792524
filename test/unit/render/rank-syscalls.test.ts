// rankSyscalls() against strace itself: a `strace -c` capture is strace's own ranking (by time) with its
// own `% time`, so summarising that capture and ranking the rows must give strace's order and numbers.
import { describe, expect, it } from 'vitest';
import { rankSyscalls } from '../../../src/render/rank-syscalls.js';
import { summarizeStrace } from '../../../src/strace/summarize.js';
import { linesOf, loadStraceFixtures } from '../strace/fixture-helpers.js';

/** The rows of a `strace -c` table as strace printed them: name, % time and seconds, in its order. */
function straceTableRows(text: string): { name: string; pct: number; seconds: number }[] {
  const rows: { name: string; pct: number; seconds: number }[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+\.\d+)\s+(\d+\.\d+)\s+\d+\s+\d+\s+(?:\d+\s+)?([a-z_0-9]+)\s*$/.exec(line);
    if (m !== null && m[3] !== 'total') rows.push({ name: m[3]!, pct: Number(m[1]), seconds: Number(m[2]) });
  }
  return rows;
}

describe('rankSyscalls()', () => {
  // An idle process's `strace -c` prints no table at all (no syscall in the time box): nothing to rank.
  const tables = loadStraceFixtures().filter((f) => f.meta.flagset === 'c-f' && straceTableRows(f.text).length > 0);

  it(`finds the strace -c captures with a table (${tables.length})`, () => {
    expect(tables.length).toBeGreaterThanOrEqual(5);
  });

  for (const f of tables) {
    it(`rankSyscalls() orders ${f.name} as strace -c did, with its % time`, async () => {
      const expected = straceTableRows(f.text);
      const ranked = rankSyscalls((await summarizeStrace(linesOf(f.text))).syscalls);
      expect(ranked.by).toBe('time');
      // strace breaks ties in seconds its own way: compare the order of distinct times only.
      const seconds = (rows: readonly { seconds: number }[]) => rows.map((r) => r.seconds.toFixed(6));
      expect(seconds(ranked.rows.map((r) => ({ seconds: (r.totalTimeMs ?? 0) / 1000 })))).toEqual(seconds(expected));
      for (const row of expected) {
        const ours = ranked.rows.find((r) => r.name === row.name);
        expect(ours?.timePct ?? Number.NaN, row.name).toBeCloseTo(row.pct, 1);
      }
    });
  }

  it('rankSyscalls() keeps the count order, with no % time, for a trace without -T times', () => {
    const rows = [
      { name: 'read', count: 9, errors: 0, totalTimeMs: null, maxTimeMs: null },
      { name: 'write', count: 3, errors: 1, totalTimeMs: null, maxTimeMs: null },
    ];
    expect(rankSyscalls(rows)).toEqual({ by: 'count', rows: rows.map((r) => ({ ...r, timePct: null })) });
  });
});
