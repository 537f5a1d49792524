import { computeFindings } from './compute-findings.js';
import { explainMissingTable, findStatusFrames, type StatusFrame } from './find-status-frames.js';
import { parseGlobalSection } from './parse-global-section.js';
import { parseProcessTable } from './parse-process-table.js';
import { parseWorkermanFailure } from './parse-workerman-failure.js';
import { splitOutputLines, unparseableLine, type OutputLine } from './split-output-lines.js';
import type { WorkermanStatus } from './types.js';

// Older imports name this module for the shared line splitter and the failure texts.
export { parseWorkermanFailure } from './parse-workerman-failure.js';
export { splitOutputLines, type OutputLine } from './split-output-lines.js';

export interface ParseStatusOptions {
  /** stderr of the same command: PHP warnings and errors land there (permission problems, fatals). */
  stderr?: string;
  /** Host name to put into the result (`null` for a saved file). */
  host?: string | null;
}

/**
 * Parses the stdout of `php start.php status` (Workerman 3.0-3.4, 3.5.5+, 4.x, 5.x; one-shot or live
 * `status -d`) into the JSON contract, or throws a BotError saying what went wrong and what to do.
 *
 * @example
 * Workerman[start.php] status
 * ----------------------------------------------GLOBAL STATUS----------------------------------------------------
 * Workerman version:4.1.17          PHP version:8.2.36
 * start time:2026-11-26 04:34:19   run 0 days 0 hours
 * load average: 0.17, 0.2, 0.18    event-loop:\Workerman\Events\Event
 * 4 workers       8 processes
 * worker_name              exit_status      exit_count
 * HttpApi01                9                1
 * ----------------------------------------------PROCESS STATUS---------------------------------------------------
 * pid	memory  listening                   worker_name              connections send_fail timers  total_request qps    status
 * 19521	1.09M   http://127.0.0.1:18500      HttpApi01                0           0         0       249           0      [idle]
 * ----------------------------------------------PROCESS STATUS---------------------------------------------------
 * Summary	3M      -                           -                        0           0         1       14649         0      [Summary]
 *
 * Before 3.5 the table ends with the last row (no Summary, no status column, no qps):
 * ---------------------------------------PROCESS STATUS-------------------------------------------
 * pid	memory  listening                   worker_name              connections total_request send_fail throw_exception
 * 11202	0.76M   http://127.0.0.1:18100      HttpApi01                0           497            0         0
 */
export function parseStatus(stdout: string, opts: ParseStatusOptions = {}): WorkermanStatus {
  const stderr = opts.stderr ?? '';
  const lines = splitOutputLines(stdout);
  // A pre-3.5 table has no end marker: only a final newline tells a whole last row from a cut one.
  const frames = findStatusFrames(lines, stdout.endsWith('\n'));
  const complete = frames.filter((f) => f.isComplete);
  const last = complete.at(-1);
  if (last === undefined) {
    // Only now look for failure texts: a complete table wins over a stray warning on stderr.
    const failure = parseWorkermanFailure(lines, stderr, 'status');
    if (failure) throw failure;
    throw explainMissingTable(lines, frames);
  }
  // Live mode (`status -d`) repeats frames and ends each with "Press Ctrl+C to quit.".
  const isLive = frames.length > 1 || lines.some((l) => l.text.startsWith('Press Ctrl+C to quit'));
  // A one-shot `status` always prints qps 0 (Workerman has no previous sample to diff against), and so
  // does the first frame of live mode: those zeros are not measurements, so they become null. Only a
  // later live frame carries a real per-second delta.
  const hasRealQps = isLive && frames.indexOf(last) > 0;
  const status = buildStatus(lines, last, opts.host ?? null, hasRealQps);
  status.findings = computeFindings(status);
  return status;
}

function buildStatus(lines: readonly OutputLine[], frame: StatusFrame, host: string | null, hasRealQps: boolean): WorkermanStatus {
  const processSep = frame.processSep as number;
  const rowsEnd = frame.rowsEnd as number;
  const global = parseGlobalSection(lines.slice(frame.start + 1, processSep));
  const header = lines[processSep + 1];
  if (header === undefined || processSep + 1 >= rowsEnd) {
    throw unparseableLine(lines[processSep] as OutputLine, 'is not followed by the process table header');
  }
  const processes = parseProcessTable(header, lines.slice(processSep + 2, rowsEnd), hasRealQps);
  return { host, ...global, processes, findings: [] };
}
