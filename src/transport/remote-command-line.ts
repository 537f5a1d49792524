import { BotError } from '../errors.js';
import { quoteArg, quoteArgv } from './quote.js';

/** Grace the remote `timeout` gives a command between its TERM and a KILL (`timeout -k`). */
const REMOTE_KILL_GRACE_S = 5;

/**
 * Returns the shell command line the remote side runs for argv: the command limits itself with
 * `timeout` (closing an SSH channel does not end a remote process), a second longer than the local
 * deadline so the local side reports the timeout first.
 *
 * @example
 * remoteCommandLine(['php', '/srv/wm/start.php', 'status'], { timeoutMs: 10_000, cwd: '/srv/wm' });
 * // cd /srv/wm && exec timeout -k 5 11 php /srv/wm/start.php status
 */
export function remoteCommandLine(argv: readonly string[], opts: { timeoutMs: number; cwd?: string }): string {
  if (argv.length === 0 || argv[0] === '') throw new BotError('input_invalid', 'Cannot run an empty command.');
  const seconds = Math.ceil(opts.timeoutMs / 1000) + 1;
  const limited = `exec ${quoteArgv(['timeout', '-k', String(REMOTE_KILL_GRACE_S), String(seconds), ...argv])}`;
  return opts.cwd === undefined ? limited : `cd ${quoteArg(opts.cwd)} && ${limited}`;
}
