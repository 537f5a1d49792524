import { describe, expect, it } from 'vitest';
import { decideColor } from '../../../src/cli/decide-color.js';
import { decideTableWidth } from '../../../src/cli/decide-table-width.js';

describe('decideColor()', () => {
  // [flag, env, isTTY, expected, why]
  it.each([
    [undefined, {}, true, true, 'a terminal'],
    [undefined, {}, false, false, 'piped'],
    [undefined, { NO_COLOR: '1' }, true, false, 'NO_COLOR set'],
    [undefined, { NO_COLOR: '' }, true, true, 'NO_COLOR empty is ignored (no-color.org)'],
    [undefined, { NO_COLOR: '0' }, true, false, 'NO_COLOR=0 is still set and not empty'],
    [undefined, { FORCE_COLOR: '1' }, false, true, 'FORCE_COLOR when piped'],
    [undefined, { FORCE_COLOR: '3' }, false, true, 'FORCE_COLOR any level'],
    [undefined, { FORCE_COLOR: 'true' }, false, true, 'FORCE_COLOR=true'],
    [undefined, { FORCE_COLOR: '0' }, true, false, 'FORCE_COLOR=0 forces it off'],
    [undefined, { FORCE_COLOR: 'false' }, true, false, 'FORCE_COLOR=false forces it off'],
    [undefined, { FORCE_COLOR: '' }, false, false, 'FORCE_COLOR empty is ignored'],
    [undefined, { FORCE_COLOR: '1', NO_COLOR: '1' }, false, true, 'FORCE_COLOR wins over NO_COLOR, as in Node'],
    [undefined, { TERM: 'dumb' }, true, false, 'TERM=dumb'],
    [undefined, { TERM: 'dumb', FORCE_COLOR: '1' }, true, true, 'FORCE_COLOR wins over TERM=dumb'],
    [undefined, { TERM: 'xterm-256color' }, true, true, 'an ordinary TERM'],
    [false, {}, true, false, '--no-color'],
    [false, { FORCE_COLOR: '1' }, true, false, '--no-color wins over FORCE_COLOR'],
    [true, {}, false, true, '--color when piped'],
    [true, { NO_COLOR: '1', TERM: 'dumb' }, false, true, '--color wins over everything'],
  ] as [boolean | undefined, Record<string, string>, boolean, boolean, string][])('decideColor(%j, %j, tty=%j) is %j (%s)', (flag, env, isTTY, expected) => {
    expect(decideColor({ flag, env, isTTY })).toBe(expected);
  });
});

describe('decideTableWidth()', () => {
  it.each([
    [{}, { isTTY: true, columns: 100 }, 100, 'the terminal width'],
    [{}, { isTTY: false, columns: 100 }, undefined, 'piped: nothing is cut'],
    [{}, {}, undefined, 'no terminal at all'],
    [{ COLUMNS: '80' }, {}, 80, 'COLUMNS when piped'],
    [{ COLUMNS: '72' }, { isTTY: true, columns: 200 }, 72, 'COLUMNS over the terminal'],
    [{ COLUMNS: '' }, { isTTY: true, columns: 90 }, 90, 'an empty COLUMNS is ignored'],
    [{ COLUMNS: 'wide' }, { isTTY: true, columns: 90 }, 90, 'a COLUMNS that is not a number is ignored'],
    [{ COLUMNS: '0' }, {}, undefined, 'COLUMNS=0 is ignored'],
    [{}, { isTTY: true, columns: 0 }, undefined, 'a terminal that reports no width'],
  ] as [Record<string, string>, { isTTY?: boolean; columns?: number }, number | undefined, string][])('decideTableWidth(%j, %j) is %j (%s)', (env, stdout, expected) => {
    expect(decideTableWidth(env, stdout)).toBe(expected);
  });
});
