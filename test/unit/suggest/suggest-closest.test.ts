import { describe, expect, it } from 'vitest';
import { editDistance, suggestClosest } from '../../../src/suggest/suggest-closest.js';

describe('editDistance()', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['abc', '', 3],
    ['status', 'status', 0],
    ['stauts', 'status', 1], // a swap of neighbours counts once
    ['prot', 'port', 1],
    ['sttus', 'status', 1], // a deletion
    ['statuss', 'status', 1], // an insertion
    ['statys', 'status', 1], // a substitution
    ['kitten', 'sitting', 3],
    ['ca', 'abc', 3], // optimal string alignment: no edit of a swapped pair
    ['web-l', 'web-1', 1],
  ])('editDistance(%j, %j) is %i', (a, b, expected) => {
    expect(editDistance(a, b)).toBe(expected);
    expect(editDistance(b, a)).toBe(expected);
  });
});

describe('suggestClosest()', () => {
  const commands = ['status', 'connections', 'trace', 'hosts', 'doctor', 'setup-host', 'serve', 'completion'];

  it.each([
    ['stauts', 'status'],
    ['STATUS', 'status'],
    ['trcae', 'trace'],
    ['host', 'hosts'],
    ['doctr', 'doctor'],
    ['conections', 'connections'],
    ['setup', 'setup-host'], // the only command starting with it
    ['complete', 'completion'],
    ['sever', 'serve'],
  ])('suggestClosest(%j) is %j', (input, expected) => {
    expect(suggestClosest(input, commands)).toBe(expected);
  });

  it.each(['frobnicate', 'x', '', 'se', 'rm -rf /'])('suggestClosest(%j) suggests nothing far from every candidate', (input) => {
    expect(suggestClosest(input, commands)).toBeUndefined();
  });

  it('suggestClosest() prefers the nearer candidate, then the earlier one on a tie', () => {
    expect(suggestClosest('web-3', ['web-10', 'web-1', 'web-2'])).toBe('web-1');
    expect(suggestClosest('prot', ['port', 'path'])).toBe('port');
  });

  it('suggestClosest() never suggests the input itself and ignores an ambiguous prefix', () => {
    expect(suggestClosest('status', ['status'])).toBeUndefined();
    expect(suggestClosest('web', ['web-1', 'web-2'])).toBeUndefined();
  });
});
