import { BotError } from '../errors.js';

// Characters that mean nothing to a POSIX shell in any position. `=` is left out on purpose: an unquoted
// first word `A=b` is an assignment, not a command. `~` is left out because a leading one expands.
const SAFE_UNQUOTED = /^[A-Za-z0-9_@%+:,./-]+$/;

/**
 * Returns `s` as one word for a POSIX shell (sh, dash, bash, zsh): unchanged when it only has safe
 * characters, else in single quotes, with each `'` written as `'\''`. Throws `input_invalid` for NUL,
 * which no argv can carry.
 *
 * @example
 * quoteArg('status');        // status
 * quoteArg('');              // ''
 * quoteArg("it's $(id)");    // 'it'\''s $(id)'
 */
export function quoteArg(s: string): string {
  if (s.includes('\0')) {
    throw new BotError('input_invalid', 'An argument contains a NUL byte, which cannot be passed to a command.');
  }
  if (s === '') return "''";
  if (SAFE_UNQUOTED.test(s)) return s;
  // Inside single quotes nothing is special except the closing quote itself, so `'` is the only
  // character that needs care: close the quotes, add an escaped quote, reopen.
  return `'${s.replaceAll("'", "'\\''")}'`;
}

/** Returns argv as one shell command line whose words are exactly argv (see `quoteArg`). */
export function quoteArgv(argv: readonly string[]): string {
  if (argv.length === 0) throw new BotError('input_invalid', 'Cannot run an empty command.');
  return argv.map(quoteArg).join(' ');
}
