import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { escapeCodeBlock, escapeCodeSpan, escapeMrkdwn, truncateEscaped, truncatePlain } from '../../../../src/render/slack/escape.js';

describe('escapeMrkdwn()', () => {
  test('escapes only & < > (ampersand first)', () => {
    expect(escapeMrkdwn('<!channel> *x* & <@U1|bob> <http://evil|click>')).toBe(
      '&lt;!channel&gt; *x* &amp; &lt;@U1|bob&gt; &lt;http://evil|click&gt;',
    );
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
  });

  test('never leaves a < or > in its output (property)', () => {
    fc.assert(fc.property(fc.string(), (s) => !/[<>]/.test(escapeMrkdwn(s))));
  });
});

describe('escapeCodeBlock() / escapeCodeSpan()', () => {
  test('keep data from closing the fence or the span', () => {
    expect(escapeCodeBlock('a```b<')).toBe('aʼʼʼb&lt;');
    expect(escapeCodeSpan('a`b')).toBe('aʼb');
  });
});

describe('truncateEscaped()', () => {
  test('returns short text unchanged', () => {
    expect(truncateEscaped('abc', 10)).toBe('abc');
  });

  test('never cuts inside an entity and stays within the limit (property)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.integer({ min: 20, max: 200 }), (s, max) => {
        const out = truncateEscaped(escapeMrkdwn(s), max);
        return Array.from(out).length <= max && !/&[a-z]{0,3}\n…\(truncated\)$/.test(out);
      }),
    );
  });
});

describe('truncatePlain()', () => {
  test('cuts at code points and marks the cut', () => {
    expect(truncatePlain('😀😀😀😀', 3)).toBe('😀😀…');
  });
});
