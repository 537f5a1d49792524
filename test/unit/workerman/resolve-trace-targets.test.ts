import { describe, expect, test } from 'vitest';
import { formatTraceTarget, parseTraceTargetText } from '../../../src/workerman/resolve-trace-targets.js';

describe('parseTraceTargetText()', () => {
  test.each([
    ['10354', { kind: 'pid', pid: 10354 }],
    [' 1 ', { kind: 'pid', pid: 1 }],
    ['4194304', { kind: 'pid', pid: 4194304 }],
    ['007', { kind: 'pid', pid: 7 }],
    ['HttpApi01', { kind: 'worker', workerName: 'HttpApi01' }],
    ['none', { kind: 'worker', workerName: 'none' }],
    ['0x1f', { kind: 'worker', workerName: '0x1f' }],
    ['Api<&>', { kind: 'worker', workerName: 'Api<&>' }],
    ['工作者', { kind: 'worker', workerName: '工作者' }],
  ])('reads %j as %j', (text, expected) => {
    expect(parseTraceTargetText(text)).toEqual(expected);
    expect(formatTraceTarget(parseTraceTargetText(text))).toBe(text.trim().replace(/^0+(?=\d)/, ''));
  });

  test.each(['0', '4194305', '99999999', '12345678901234567890'])('refuses %j as a pid out of range', (text) => {
    expect(() => parseTraceTargetText(text)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringMatching(/is not a pid: expected a whole number from 1 to 4194304/) }));
  });

  test.each(['', 'two words', 'tab\there', 'bell\u0007', 'c1\u0085', 'rtl\u202eevil', 'zw\u200bj', 'x'.repeat(129)])('refuses %j as neither a pid nor a worker name', (text) => {
    expect(() => parseTraceTargetText(text)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringContaining('is neither a pid nor a worker name') }));
  });
});
