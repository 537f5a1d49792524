import { describe, expect, it } from 'vitest';
import { displayWidth, graphemes } from '../../../../src/render/text/display-width.js';

describe('displayWidth()', () => {
  it.each([
    ['', 0],
    ['HttpApi01', 9],
    ['café', 4],
    // e + COMBINING ACUTE ACCENT: one character on screen.
    ['cafe\u0301', 4],
    ['Ñandú ünïcode', 13],
    ['队列', 4],
    ['ワーカー', 8],
    ['한국어', 6],
    // Halfwidth katakana is narrow, fullwidth Latin wide.
    ['ｱｲｳ', 3],
    ['ＡＢＣ', 6],
    ['🚀', 2],
    ['⚡', 2],
    // Text-presentation symbols are narrow unless they ask for emoji style (U+FE0F).
    ['✔', 1],
    ['❤', 1],
    ['❤\ufe0f', 2],
    // One grapheme each: a ZWJ sequence, a flag, a keycap.
    ['👩\u200d💻', 2],
    ['🇩🇪', 2],
    ['1\ufe0f\u20e3', 2],
    ['a\u200bb', 2],
    ['ws-队列-🚀', 10],
  ] as const)('displayWidth(%j) is %i', (text, width) => {
    expect(displayWidth(text)).toBe(width);
  });

  it('graphemes() keeps a base and its marks, and a ZWJ sequence, together', () => {
    expect(graphemes('ab')).toEqual(['a', 'b']);
    expect(graphemes('e\u0301x')).toEqual(['e\u0301', 'x']);
    expect(graphemes('👩\u200d💻!')).toEqual(['👩\u200d💻', '!']);
  });
});
