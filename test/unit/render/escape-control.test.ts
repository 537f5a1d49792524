import { describe, expect, it } from 'vitest';
import { escapeControl } from '../../../src/render/escape-control.js';

describe('escapeControl()', () => {
  it('escapeControl() leaves printable text as it is, accents and wide characters included', () => {
    for (const text of ['HttpApi01 ws-notifications-gateway http://127.0.0.1:18700', 'café ünïcode', '队列 ワーカー 🚀']) {
      expect(escapeControl(text)).toBe(text);
    }
  });

  it('escapeControl() writes C0, DEL and C1 controls as visible \\x escapes, tabs and newlines too', () => {
    expect(escapeControl('a\tb\nc\u0000')).toBe('a\\x09b\\x0ac\\x00');
    expect(escapeControl('evil\x1b[2J\x1b]0;pwned\x07\x7f\x9b1m')).toBe('evil\\x1b[2J\\x1b]0;pwned\\x07\\x7f\\x9b1m');
  });

  it('escapeControl() writes line separators and bidi overrides as \\u escapes, so nothing reorders or breaks a line', () => {
    expect(escapeControl('a\u2028b\u2029c')).toBe('a\\u2028b\\u2029c');
    expect(escapeControl('invoice\u202etxt.exe')).toBe('invoice\\u202etxt.exe');
    expect(escapeControl('\u200e\u200f\u2066x\u2069\u061c')).toBe('\\u200e\\u200f\\u2066x\\u2069\\u061c');
  });
});
