import { describe, expect, test } from 'vitest';
import { parseHistoryWindow } from '../../../src/history/parse-history-window.js';

const KEPT = 6 * 3_600_000;

describe('parseHistoryWindow()', () => {
  test('parseHistoryWindow() reads hours and minutes, and defaults to all that is kept', () => {
    expect(parseHistoryWindow('1h', KEPT)).toEqual({ windowMs: 3_600_000, askedMs: null });
    expect(parseHistoryWindow('30m', KEPT)).toEqual({ windowMs: 1_800_000, askedMs: null });
    expect(parseHistoryWindow('90min', KEPT).windowMs).toBe(5_400_000);
    expect(parseHistoryWindow('1h30m', KEPT).windowMs).toBe(5_400_000);
    expect(parseHistoryWindow('6H', KEPT).windowMs).toBe(KEPT);
    expect(parseHistoryWindow(undefined, KEPT)).toEqual({ windowMs: KEPT, askedMs: null });
  });

  test('parseHistoryWindow() bounds a window by what the watcher keeps and says what was asked', () => {
    expect(parseHistoryWindow('12h', KEPT)).toEqual({ windowMs: KEPT, askedMs: 12 * 3_600_000 });
  });

  test('parseHistoryWindow() refuses what is not a duration, and less than 5 minutes (input_invalid)', () => {
    for (const bad of ['1d', 'h', 'm', '-1h', '1.5h', 'yesterday', '1h 30s', '<!channel>']) {
      expect(() => parseHistoryWindow(bad, KEPT), bad).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
    }
    expect(() => parseHistoryWindow('4m', KEPT)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: 'The window must be at least 5m, got "4m".' }));
  });
});
