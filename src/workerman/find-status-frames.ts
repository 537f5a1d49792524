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
  /** End (exclusive) of the process rows: the Summary separator, or for a pre-3.5 table the frame's end. */
  rowsEnd?: number;
  /**
   * Workerman 3.0-3.4: no status column, no Summary row, nothing after the last row. Such a table ends
   * where the output ends; a process that did not answer in time simply has no row.
   */
  isOpenTable: boolean;
  isComplete: boolean;
}

/**
 * Finds the status frames (one for `status`, one per refresh for live `status -d`). A 3.5+ frame is
 * complete once its Summary row is printed; a pre-3.5 frame once its process header is, as long as
 * the output does not end inside a line (`isLastLineComplete`: it ended with a newline).
 */
export function findStatusFrames(lines: readonly OutputLine[], isLastLineComplete: boolean): StatusFrame[] {
  const frames: StatusFrame[] = [];
  let frame: StatusFrame | undefined;
  for (let i = 0; i < lines.length; i++) {
    const text = (lines[i] as OutputLine).text;
    const kind = text.startsWith('-') ? separatorKind(text) : undefined;
    if (kind === 'global') {
      frame = { start: i, isOpenTable: false, isComplete: false };
      frames.push(frame);
    } else if (!frame || frame.isComplete || frame.isOpenTable) {
      continue;
    } else if (kind === 'process') {
      // The same separator text comes twice: before the process header, and before the Summary row.
      if (frame.processSep === undefined) {
        frame.processSep = i;
        frame.isOpenTable = isPre35Header(lines[i + 1]);
      } else if (frame.summarySep === undefined) {
        frame.summarySep = i;
      }
    } else if (frame.summarySep !== undefined && /^Summary[\t ].*\[Summary\]\s*$/.test(text)) {
      frame.summary = i;
      frame.rowsEnd = frame.summarySep;
      frame.isComplete = true;
    }
  }
  frames.forEach((f, n) => {
    if (!f.isOpenTable) return;
    const end = frames[n + 1]?.start ?? lines.length;
    const isCut = end === lines.length && !isLastLineComplete;
    f.rowsEnd = end;
    f.isComplete = (f.processSep as number) + 1 < end && !isCut;
  });
  return frames;
}

/** `pid	memory  listening … worker_name connections total_request send_fail throw_exception|timers`. */
function isPre35Header(line: OutputLine | undefined): boolean {
  if (line === undefined) return false;
  const names = line.text.trim().split(/\s+/);
  return names[0] === 'pid' && names.includes('memory') && !names.includes('status');
}

/** The error for output without a complete status frame: empty, cut short, translated, or not status. */
export function explainMissingTable(lines: readonly OutputLine[], frames: readonly StatusFrame[]): BotError {
  const nonEmpty = lines.filter((l) => l.text.trim() !== '');
  if (nonEmpty.length === 0) {
    return new BotError(
      'status_unparseable',
      'Workerman status printed nothing. Workerman 3.3.5 to 3.4.x print nothing at all when the app is not running or its master does not answer ' +
        '(they write "not run" only to a terminal and to their log file): check that the app runs (`ps` for "WorkerMan: master process"). ' +
        'Otherwise check that workerman.startFile is a Workerman start file and that php runs on the host.',
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
      `Status output line ${other.lineNo} is a section titled "${oneLine(title, 60)}", expected "GLOBAL STATUS": translated status output (as in some documentation) cannot be read. Run the command on the host and use what Workerman itself prints.`,
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
