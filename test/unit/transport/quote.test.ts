import { execFileSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { quoteArg, quoteArgv } from '../../../src/transport/quote.js';

// Every property is checked by a real shell: the quoted words go to `sh -c 'printf "%s\0" …'` (started
// with an argv, no shell in between) and the bytes printed must be exactly the original strings.
// /bin/sh is often a link to dash: test each real shell once.
const SHELLS = [...new Set(['/bin/sh', '/bin/bash', '/bin/dash'].filter((s) => existsSync(s)).map((s) => realpathSync(s)))];

function echoThroughShell(shell: string, argv: readonly string[]): Buffer {
  return execFileSync(shell, ['-c', `printf '%s\\0' ${quoteArgv(argv)}`], { maxBuffer: 16 * 1024 * 1024 });
}

function expectedBytes(argv: readonly string[]): Buffer {
  return Buffer.from(argv.map((a) => `${a}\0`).join(''), 'utf8');
}

const HOSTILE_PIECES = [
  "'", '"', '\\', '$(', ')', '`', '\n', '\r', '\t', ' ', ';', '|', '&', '&&', '||', '<', '>', '>>', '*', '?',
  '[a]', '~', '~root', '!', '#', '$HOME', '${IFS}', '$0', '$$', '{a,b}', '=', 'A=b', '-', '--', '-rf', '%s',
  '\\n', "'\\''", 'é', '日本', '😀', '\u202e', '\u00a0', 'x', '/srv/wm/start.php',
];

/** Strings built from shell-special fragments, plus arbitrary Unicode (no NUL: argv cannot hold it). */
const hostileString = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 12 }).map((parts) => parts.join('')),
  fc.string({ unit: 'binary', maxLength: 40 }).filter((s) => !s.includes('\0')),
  fc.string({ unit: fc.constantFrom(...'\'"`$\\\n;|&<>*?~!# -'), maxLength: 30 }),
);

describe('quoteArg()', () => {
  it('quoteArg() leaves plain words unquoted and quotes the empty string', () => {
    expect(quoteArg('status')).toBe('status');
    expect(quoteArg('/srv/wm/start.php')).toBe('/srv/wm/start.php');
    expect(quoteArg('--json')).toBe('--json');
    expect(quoteArg('')).toBe("''");
  });

  it('quoteArg() wraps special characters in single quotes and escapes quotes as \'\\\'\'', () => {
    expect(quoteArg("it's $(id)")).toBe("'it'\\''s $(id)'");
    expect(quoteArg('~')).toBe("'~'");
    expect(quoteArg('A=b')).toBe("'A=b'");
    expect(quoteArg('a b')).toBe("'a b'");
  });

  it('quoteArg() refuses a NUL byte with input_invalid', () => {
    expect(() => quoteArg('a\0b')).toThrow(BotError);
    try {
      quoteArg('\0');
    } catch (error) {
      expect((error as BotError).code).toBe('input_invalid');
    }
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(() => quoteArgv(['printf', a, `${b}\0`])).toThrow(/NUL/);
      }),
    );
  });

  it('quoteArgv() refuses an empty argv', () => {
    expect(() => quoteArgv([])).toThrow(BotError);
  });
});

describe.each(SHELLS)('quoteArgv() through %s', (shell) => {
  it('quoteArgv() round-trips hostile strings byte for byte', () => {
    fc.assert(
      fc.property(fc.array(hostileString, { minLength: 1, maxLength: 6 }), (argv) => {
        expect(echoThroughShell(shell, argv).equals(expectedBytes(argv))).toBe(true);
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('quoteArgv() round-trips empty strings, leading dashes and a 50 000 character argument', () => {
    const long = "'$(rm -rf /)`;\n".repeat(3_334).slice(0, 50_000);
    const argv = ['', '-n', '--', '-e', 'a\nb', long, '😀 日本 é', "''", '\\'];
    expect(echoThroughShell(shell, argv).equals(expectedBytes(argv))).toBe(true);
  });

  it('quoteArgv() never lets a command substitution run', () => {
    const argv = ['$(echo pwned)', '`echo pwned`', '; echo pwned', '| echo pwned', '&& echo pwned'];
    const printed = echoThroughShell(shell, argv).toString('utf8');
    expect(printed.split('\0').filter((w) => w === 'pwned')).toEqual([]);
    expect(printed).toBe(argv.map((a) => `${a}\0`).join(''));
  });
});
