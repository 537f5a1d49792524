import { BotError, oneLine } from '../errors.js';
import { escapeControl } from '../render/escape-control.js';
import type { StraceSummary } from './types.js';

/**
 * Whether a summary read anything strace writes: a syscall line or a `strace -c` row, a pid (attached to
 * or seen in a `[pid N]` prefix), a signal, an exit, or strace's own refusal (the `not-traced` verdict).
 * False for empty input and for text without a single strace line (a Workerman status capture, a chat
 * message), which would otherwise read as the "silent" verdict. For a summary made without
 * `SummarizeOptions.pids`: pids asked for would count as seen.
 *
 * @example isStraceLog(await summarizeStraceChunks(createReadStream('status.out'))) // false
 */
export function isStraceLog(summary: StraceSummary): boolean {
  return (
    summary.syscallCount > 0 ||
    summary.syscalls.length > 0 ||
    summary.pids.length > 0 ||
    summary.signals.length > 0 ||
    summary.exits.length > 0 ||
    summary.verdict.state === 'not-traced'
  );
}

/**
 * Returns the `not_strace_log` error for input `name` whose summary fails isStraceLog: empty, or how many
 * lines none of which strace wrote, quoting the first (already redacted by the summariser, cut to one line,
 * control characters made spaces or escaped).
 */
export function notStraceLogError(name: string, summary: StraceSummary, firstUnparsedLine?: string): BotError {
  if (summary.unparsedLines === 0) return new BotError('not_strace_log', `${name} is empty: there is no strace output in it to summarise.`);
  const lines = summary.unparsedLines === 1 ? 'its only line is not a strace line' : `none of its ${summary.unparsedLines} lines is a strace line`;
  // oneLine makes tabs and C0 controls spaces; escapeControl then shows what is left that could drive a
  // terminal or reorder the line (C1 controls, bidi marks) as `\x9b`, `\u202e`.
  const first = firstUnparsedLine === undefined || oneLine(firstUnparsedLine) === '' ? '' : ` (the first reads "${escapeControl(oneLine(firstUnparsedLine, 80))}")`;
  return new BotError('not_strace_log', `${name} is not a strace log: ${lines}${first}.`);
}
