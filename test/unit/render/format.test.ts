import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatMiB, formatMs, formatMsAsSeconds, formatMsValue, formatPercentValue, plural } from '../../../src/render/format.js';
import { REPO_ROOT } from '../../helpers/paths.js';

describe('render/format', () => {
  it('formatBytes() counts in binary units and says so: B, KiB, MiB, GiB', () => {
    expect([0, 1, 1023, 1024, 1536, 1_048_575, 1_048_576, 9_332_000, 1.5 * 1024 ** 3, 3 * 1024 ** 4].map(formatBytes)).toEqual([
      '0 B',
      '1 B',
      '1023 B',
      '1.0 KiB',
      '1.5 KiB',
      '1024.0 KiB',
      '1.0 MiB',
      '8.9 MiB',
      '1.5 GiB',
      '3.0 TiB',
    ]);
  });

  it('formatMiB() gives bytes as a bare number of MiB for a column that names the unit', () => {
    expect([formatMiB(1_174_405), formatMiB(0), formatMiB(41.2 * 1_048_576, 1)]).toEqual(['1.12', '0.00', '41.2']);
  });

  it('formatCount() and plural() group thousands the same on every host, plural unless 1', () => {
    expect([formatCount(0), formatCount(999), formatCount(1000), formatCount(1_234_567), formatCount(12.6)]).toEqual(['0', '999', '1,000', '1,234,567', '13']);
    expect([plural(1, 'call'), plural(0, 'call'), plural(1204, 'process', 'processes')]).toEqual(['1 call', '0 calls', '1,204 processes']);
  });

  it('formatMsValue() gives ms as a bare number, three significant places for small times, - when unknown', () => {
    expect([null, 0.0123, 0.5, 1, 12.34, 100, 12_345.6].map(formatMsValue)).toEqual(['-', '0.012', '0.500', '1.0', '12.3', '100', '12346']);
  });

  it('formatPercentValue() gives two decimals as strace -c prints % time, - when unknown', () => {
    expect([null, 0, 0.004, 0.005, 12.3456, 99.914, 100].map(formatPercentValue)).toEqual(['-', '0.00', '0.00', '0.01', '12.35', '99.91', '100.00']);
  });

  it('formatMs() gives a short time with its unit, seconds from 1 s', () => {
    expect([0, 0.0434, 0.42, 1, 9.94, 10, 12.4, 999, 1000, 1500, 61_000].map(formatMs)).toEqual(['0 ms', '0.043 ms', '0.42 ms', '1.0 ms', '9.9 ms', '10 ms', '12 ms', '999 ms', '1.0 s', '1.5 s', '61.0 s']);
  });

  it('formatMsAsSeconds() takes milliseconds and drops a trailing .0', () => {
    expect([0, 500, 2500, 5000, 30_000, 2960].map(formatMsAsSeconds)).toEqual(['0', '0.5', '2.5', '5', '30', '3']);
  });

  it('formatDuration() writes seconds, minutes, hours and minutes, then days and hours', () => {
    const s = 1000;
    const min = 60 * s;
    const h = 60 * min;
    const cases: [number, string][] = [
      [-5, '0 s'],
      [45 * s, '45 s'],
      [89 * s, '89 s'],
      [90 * s, '2 min'],
      [3 * min, '3 min'],
      [59 * min, '59 min'],
      [60 * min, '1 h'],
      [68 * min, '1 h 8 min'],
      [90 * min, '1 h 30 min'],
      [6 * h, '6 h'],
      [23 * h + 59 * min, '23 h 59 min'],
      [24 * h, '1 day'],
      [57 * h + 10 * min, '2 days 9 h'],
      [72 * h, '3 days'],
    ];
    expect(cases.map(([ms]) => formatDuration(ms))).toEqual(cases.map(([, text]) => text));
  });

  it('imports nothing, so domain wording can use it without an import cycle', () => {
    const source = readFileSync(join(REPO_ROOT, 'src/render/format.ts'), 'utf8');
    expect(source).not.toMatch(/^\s*import\b/m);
  });
});
