import { BotError, oneLine } from '../errors.js';
import type { OutputLine } from './split-output-lines.js';

const SEPARATOR = /^-{10,}\s*([^-].*?)\s*-{10,}\s*$/;

type SeparatorKind = 'global' | 'process' | 'other';

function separatorKind(text: string): SeparatorKind | undefined {
  const m = SEPARATOR.exec(text);
  if (!m) return undefined;
  if (m[1] === 'GLOBAL STATUS') return 'global';
  if (m[1] === 'PROCESS STATUS') return 'process';
  return 'other';
}

/** Line indexes (into the line array) of one status frame's sections. */
export interface StatusFrame {
  /** The GLOBAL STATUS separator. */
  start: number;
  /** The first PROCESS STATUS separator (the process header follows it), if reached. */
  processSep?: number;
  /** The second PROCESS STATUS separator (the Summary row follows it), if reached. */
  summarySep?: number;
  /** The Summary row, if printed completely. */
  summary?: number;
  /** End (exclusive) of the process rows: the Summary separator. */
  rowsEnd?: number;
  isComplete: boolean;
}

/**
 * Finds the status frames (one for `status`, one per refresh for live `status -d`); a frame is
 * complete once its Summary row is printed.
 */
export function findStatusFrames(lines: readonly OutputLine[]): StatusFrame[] {
  const frames: StatusFrame[] = [];
  let frame: StatusFrame | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as OutputLine).text;
    const kind = text.startsWith('-') ? separatorKind(text) : undefined;
    if (kind === 'global') {
      frame = { start: i, isComplete: false };
      frames.push(frame);
    } else if (!frame || frame.isComplete) {
      continue;
    } else if (kind === 'process') {
      // The same separator text comes twice: before the process header, and before the Summary row.
      if (frame.processSep === undefined) frame.processSep = i;
      else if (frame.summarySep === undefined) frame.summarySep = i;
    } else if (frame.summarySep !== undefined && /^Summary[\t ].*\[Summary\]\s*$/.test(text)) {
      frame.summary = i;
      frame.rowsEnd = frame.summarySep;
      frame.isComplete = true;
    }
  }
  return frames;
}

/** The error for output without a complete status frame: empty, cut short, translated, or not status. */
export function explainMissingTable(lines: readonly OutputLine[], frames: readonly StatusFrame[]): BotError {
  const nonEmpty = lines.filter((l) => l.text.trim() !== '');
  if (nonEmpty.length === 0) {
    return new BotError(
      'status_unparseable',
      'Workerman status printed nothing: check that workerman.startFile is a Workerman start file and that php runs on the host.',
      { details: { reason: 'empty' } },
    );
  }
  const frame = frames.at(-1);
  const lastLine = lines.at(-1) as OutputLine;
  if (frame) {
    const where =
      frame.processSep === undefined
        ? 'before the process table'
        : frame.summarySep === undefined
          ? 'inside the process table'
          : 'before the Summary row';
    return new BotError(
      'status_unparseable',
      `Workerman status output was cut short ${where} (last line ${lastLine.lineNo}: "${oneLine(lastLine.text, 80)}"): the table is incomplete, so it is not shown. Try again; if it repeats, the command is being cut off (deadline or output limit).`,
      { details: { reason: 'truncated', line: lastLine.lineNo } },
    );
  }
  const other = lines.find((l) => separatorKind(l.text) === 'other');
  if (other) {
    const title = SEPARATOR.exec(other.text)?.[1] ?? '';
    return new BotError(
      'status_unparseable',
      `Status output line ${other.lineNo} is a section titled "${oneLine(title, 60)}", expected "GLOBAL STATUS": translated or pre-3.5 Workerman output is not supported.`,
      { details: { reason: 'unknown_layout', line: other.lineNo } },
    );
  }
  const first = nonEmpty[0] as OutputLine;
  return new BotError(
    'status_unparseable',
    `This is not Workerman status output: no GLOBAL STATUS section found (line ${first.lineNo}: "${oneLine(first.text, 80)}"). Check that workerman.startFile is a Workerman start file.`,
    { details: { reason: 'not_status', line: first.lineNo } },
  );
}
