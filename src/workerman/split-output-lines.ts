import { BotError, oneLine } from '../errors.js';

/** One output line with its 1-based line number (for error messages). */
export interface OutputLine {
  lineNo: number;
  text: string;
}

/**
 * Splits command output into lines: CRLF from a pseudo-terminal and ANSI screen codes from live mode
 * are removed, so the table parsers only see text.
 */
export function splitOutputLines(output: string): OutputLine[] {
  const lines = output.split('\n');
  // A trailing newline gives one empty last element: not a line.
  if (lines.length > 0 && lines.at(-1) === '') lines.pop();
  return lines.map((raw, i) => ({ lineNo: i + 1, text: stripTerminalCodes(raw) }));
}

// CSI sequences (`ESC[H`, `ESC[2J`, `ESC[m`), charset selection (`ESC(B`) and any other lone ESC pair.
// eslint-disable-next-line no-control-regex
const TERMINAL_CODE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[@-_]|\r/g;

function stripTerminalCodes(line: string): string {
  return line.includes('\x1b') || line.includes('\r') ? line.replace(TERMINAL_CODE, '') : line;
}

/**
 * Splits a row on runs of spaces into `count` fields; when there are more words than columns (a name
 * with spaces), the extra words are joined into the field at `flexAt`. Undefined when there are fewer.
 */
export function splitAnchored(text: string, count: number, flexAt: number): string[] | undefined {
  const words = text.trim().split(/\s+/);
  if (words.length < count) return undefined;
  if (words.length === count) return words;
  const tail = count - flexAt - 1;
  return [...words.slice(0, flexAt), words.slice(flexAt, words.length - tail).join(' '), ...words.slice(words.length - tail)];
}

/** The error for a status line that does not read as what its place in the output says it is. */
export function unparseableLine(line: OutputLine, why: string): BotError {
  return new BotError(
    'status_unparseable',
    `Workerman status line ${line.lineNo} ${why}: "${oneLine(line.text, 120)}".`,
    { details: { reason: 'bad_line', line: line.lineNo } },
  );
}
