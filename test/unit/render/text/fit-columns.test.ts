import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../../../src/render/text/display-width.js';
import { cutToWidth, describeFit, fitColumns, joinWithin, wrapWords } from '../../../../src/render/text/fit-columns.js';

describe('fitColumns()', () => {
  // Natural widths 10 + 20 + 8 + 6 with three gaps of 2: 50 columns.
  const widths = [10, 20, 8, 6];
  const fits = [{}, { shrink: { step: 2, minWidth: 12 } }, { drop: 1 }, { drop: 3 }];

  it('fitColumns() keeps every column whole without a width (piped) or when the table fits', () => {
    expect(fitColumns(widths, fits, undefined)).toEqual({ widths, dropped: [], cut: [], fits: true });
    expect(fitColumns(widths, fits, 50)).toEqual({ widths, dropped: [], cut: [], fits: true });
  });

  it('fitColumns() runs the steps in order and stops as soon as the table fits', () => {
    // Step 1 drops the third column (50 - 10 = 40).
    expect(fitColumns(widths, fits, 45)).toEqual({ widths: [10, 20, null, 6], dropped: [2], cut: [], fits: true });
    // Step 2 then cuts the second column only as far as needed.
    expect(fitColumns(widths, fits, 36)).toEqual({ widths: [10, 16, null, 6], dropped: [2], cut: [1], fits: true });
    expect(fitColumns(widths, fits, 33)).toEqual({ widths: [10, 13, null, 6], dropped: [2], cut: [1], fits: true });
    // Its minimum is not enough: step 3 drops the last column and gives the room back to the cut one.
    expect(fitColumns(widths, fits, 31)).toEqual({ widths: [10, 19, null, null], dropped: [2, 3], cut: [1], fits: true });
  });

  it('fitColumns() says when even every step is not enough (the terminal wraps)', () => {
    expect(fitColumns(widths, fits, 10)).toEqual({ widths: [10, 12, null, null], dropped: [2, 3], cut: [1], fits: false });
  });

  it('fitColumns() cuts columns sharing a step evenly, the widest first', () => {
    const shared = { shrink: { step: 1, minWidth: 4 } };
    expect(fitColumns([30, 20, 5], [shared, shared, {}], 41).widths).toEqual([16, 16, 5]);
    expect(fitColumns([30, 20, 5], [shared, shared, {}], 49).widths).toEqual([20, 20, 5]);
  });
});

describe('cutToWidth()', () => {
  it.each([
    ['short', 10, 'start', 'short'],
    ['ws-notifications-gateway', 14, 'start', 'ws-notificati…'],
    ['websocket://127.0.0.1:18401', 22, 'ends', 'websocket:/….0.1:18401'],
    ['abc', 1, 'start', '…'],
    ['abc', 0, 'start', ''],
    ['héllo wörld', 6, 'start', 'héllo…'],
    ['队列工作进程', 6, 'start', '队列…'],
    ['队列工作进程', 7, 'ends', '队列…程'],
    ['🚀🚀🚀', 4, 'start', '🚀…'],
    ['cafe\u0301-bar', 5, 'start', 'cafe\u0301…'],
  ] as const)('cutToWidth(%j, %i, %s) is %j', (text, width, keep, expected) => {
    expect(cutToWidth(text, width, keep)).toBe(expected);
    expect(displayWidth(cutToWidth(text, width, keep))).toBeLessThanOrEqual(Math.max(width, 0));
  });
});

describe('describeFit(), wrapWords(), joinWithin()', () => {
  it('describeFit() names what was hidden and cut, and nothing when nothing was', () => {
    const headers = ['PID', 'WORKER', 'SEND_FAIL', 'TIMERS'];
    expect(describeFit({ widths: [], dropped: [2, 3], cut: [1], fits: true }, headers, 80)).toBe('(fit to 80 columns: SEND_FAIL, TIMERS hidden; WORKER cut)');
    expect(describeFit({ widths: [], dropped: [], cut: [], fits: true }, headers, 80)).toBeNull();
  });

  it('wrapWords() breaks at spaces with a hanging indent and keeps an overlong word whole', () => {
    expect(wrapWords('! busy: pid 19713 did not answer within 1 s', 20)).toEqual(['! busy: pid 19713', '  did not answer', '  within 1 s']);
    expect(wrapWords('a https://example.com/a/very/long/path b', 10)).toEqual(['a', '  https://example.com/a/very/long/path', '  b']);
    expect(wrapWords('one line', undefined)).toEqual(['one line']);
  });

  it('wrapWords() and joinWithin() measure terminal columns: a wide character takes two', () => {
    expect(wrapWords('队列 工作 进程', 9)).toEqual(['队列 工作', '  进程']);
    expect(joinWithin(['队列', '进程'], ' ', 8)).toEqual(['队列', '进程']);
    expect(joinWithin(['队列', '进程'], ' ', 9)).toEqual(['队列 进程']);
  });

  it('joinWithin() never splits a part', () => {
    expect(joinWithin(['started 2026-11-26 04:34:59', 'up 0 days', 'load 0.1 0.2 0.3'], ' | ', 40)).toEqual(['started 2026-11-26 04:34:59 | up 0 days', 'load 0.1 0.2 0.3']);
    expect(joinWithin(['a', 'b'], ' | ', undefined)).toEqual(['a | b']);
  });
});
