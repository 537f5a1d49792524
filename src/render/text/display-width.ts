// Wide (2 columns) in a terminal: the East Asian Wide and Fullwidth blocks of Unicode's EastAsianWidth.txt
// (Hangul Jamo, CJK, Hiragana, Katakana, Hangul syllables, fullwidth forms, CJK extensions). Emoji are
// matched by their Emoji_Presentation property below. Sorted [first, last] pairs, searched by bisection.
const WIDE_RANGES: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f],
  [0x2329, 0x232a],
  [0x2630, 0x2637],
  [0x268a, 0x268f],
  [0x2e80, 0x303e],
  [0x3041, 0x3247],
  [0x3250, 0xa4cf],
  [0xa960, 0xa97f],
  [0xac00, 0xd7a3],
  [0xf900, 0xfaff],
  [0xfe10, 0xfe19],
  [0xfe30, 0xfe6f],
  [0xff00, 0xff60],
  [0xffe0, 0xffe6],
  [0x16fe0, 0x16fe4],
  [0x16ff0, 0x16ff6],
  [0x17000, 0x18dff],
  [0x1aff0, 0x1b2ff],
  [0x1d300, 0x1d376],
  [0x1f200, 0x1f2ff],
  [0x20000, 0x2fffd],
  [0x30000, 0x3fffd],
];

// Nothing of its own on screen: combining marks, format characters (ZWJ, ZWSP) and the variation
// selectors (they are marks). Within a grapheme they add nothing anyway: a grapheme is as wide as its
// widest code point (a Hangul syllable written as jamo L+V+T is 2).
const ZERO_WIDTH = /^(?:\p{Mn}|\p{Me}|\p{Cf})$/u;
const EMOJI_PRESENTATION = /\p{Emoji_Presentation}/u;
const EMOJI_STYLE = '\ufe0f';
// Printable ASCII only: the common case, measured without looking at a character.
const ASCII = /^[\x20-\x7e]*$/;

let segmenter: Intl.Segmenter | undefined;

/**
 * Returns how many terminal columns `text` takes (no control characters: escape them first): East
 * Asian wide characters and emoji 2, combining marks and zero-width characters 0, everything else 1.
 * Counted per grapheme, so an emoji sequence joined with ZWJ (`👩‍💻`) or a flag (`🇩🇪`) is 2, and
 * `é` written as `e` + U+0301 is 1. What monospace fonts and terminals do, without a dependency: the
 * rules fit in the table above, and the tables it lays out never need more.
 */
export function displayWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let width = 0;
  for (const grapheme of graphemes(text)) width += graphemeWidth(grapheme);
  return width;
}

/** Returns `text` split into what a reader sees as one character each (extended grapheme clusters). */
export function graphemes(text: string): string[] {
  if (ASCII.test(text)) return text.split('');
  segmenter ??= new Intl.Segmenter('en', { granularity: 'grapheme' });
  return Array.from(segmenter.segment(text), (s) => s.segment);
}

/** Returns the columns one grapheme takes: the widest of its code points, 2 when it asks for emoji style. */
export function graphemeWidth(grapheme: string): number {
  if (grapheme.length === 1 && grapheme >= ' ' && grapheme <= '~') return 1;
  let width = 0;
  for (const char of grapheme) {
    if (char === EMOJI_STYLE) return 2;
    const w = codePointWidth(char);
    if (w > width) width = w;
  }
  return width;
}

function codePointWidth(char: string): number {
  const code = char.codePointAt(0)!;
  if (code < 0x300) return code < 0x20 || (code >= 0x7f && code < 0xa0) ? 0 : 1;
  if (ZERO_WIDTH.test(char)) return 0;
  if (EMOJI_PRESENTATION.test(char) || isWide(code)) return 2;
  return 1;
}

function isWide(code: number): boolean {
  let lo = 0;
  let hi = WIDE_RANGES.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = WIDE_RANGES[mid]!;
    if (code < first) hi = mid - 1;
    else if (code > last) lo = mid + 1;
    else return true;
  }
  return false;
}
