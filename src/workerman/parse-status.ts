import { BotError, oneLine } from '../errors.js';
import { computeFindings } from './compute-findings.js';
import type { ProcessRow, WorkerExitRow, WorkermanInfo, WorkermanStatus } from './types.js';

export interface ParseStatusOptions {
  /** stderr of the same command: PHP warnings and errors land there (permission problems, fatals). */
  stderr?: string;
  /** Host name to put into the result (`null` for a saved file). */
  host?: string | null;
}

/**
 * Parses the stdout of `php start.php status` (Workerman 3.5+, 4.x, 5.x; one-shot or live `status -d`)
 * into the JSON contract, or throws a BotError saying what went wrong and what to do.
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
 */
export function parseStatus(stdout: string, opts: ParseStatusOptions = {}): WorkermanStatus {
  const stderr = opts.stderr ?? '';
  const lines = splitOutputLines(stdout);
  const frames = findFrames(lines);
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

const FIRST_LINE = /^Workerman\[(.*)\] (status|connections)\s*$/;
const NOT_RUN = /^Workerman\[(.*)\] not run\s*$/;
const STALE_MASTER = /Master pid:\s*(\d+) is not alive/;
const PHP_ERROR = /(?:^|\s)(?:PHP )?(?:Fatal error|Parse error)\s*:/;
const INPUT_FILE = /^Could not open input file:\s*(.*)$/;

/**
 * Recognises Workerman's (and PHP's) failure texts in the output of `status` or `connections`; returns
 * the typed error, or undefined when the output is not one of them. Workerman exits 0 in every case,
 * so the text is all there is to go by.
 */
export function parseWorkermanFailure(
  lines: readonly OutputLine[],
  stderr: string,
  command: 'status' | 'connections',
): BotError | undefined {
  const errLines = splitOutputLines(stderr);
  const all = [...lines, ...errLines];

  const inputFile = firstMatch(all, INPUT_FILE);
  if (inputFile) {
    const startFile = inputFile.match[1]?.trim() ?? '';
    return new BotError(
      'start_file_missing',
      `PHP could not open the start file ${oneLine(startFile, 120)}: check workerman.startFile for this host (a path on the target, relative to the start file's directory or absolute).`,
      { details: { startFile } },
    );
  }

  const phpError = all.find((l) => PHP_ERROR.test(l.text));
  if (phpError) {
    return new BotError(
      'workerman_php_error',
      `PHP failed while running the start file: "${oneLine(phpError.text)}". Fix the start file or its dependencies (run \`php <startFile> ${command}\` on the host to see the whole error).`,
      { details: { line: oneLine(phpError.text) } },
    );
  }

  const denied = all.find((l) => /Permission denied|Operation not permitted/.test(l.text)) ??
    errLines.find((l) => l.text.startsWith('sudo:'));
  if (denied) {
    return new BotError(
      'permission_denied',
      `Workerman ${command} was not allowed to do its work: "${oneLine(denied.text)}". Run ${command} as the user the app runs as (set workerman.runAs for this host; it needs passwordless \`sudo -n -u\`).`,
      { details: { line: oneLine(denied.text) } },
    );
  }

  const notRun = firstMatch(lines, NOT_RUN);
  if (notRun) {
    const startFile = notRun.match[1] ?? '';
    const stale = firstMatch(lines, STALE_MASTER);
    const stalePid = stale ? Number(stale.match[1]) : undefined;
    const staleText = stalePid === undefined ? '' : ` (its pid file names master ${stalePid}, which is not alive)`;
    return new BotError(
      'workerman_not_running',
      `Workerman says ${startFile || 'the start file'} is not running${staleText}. Start it (\`php ${startFile || 'start.php'} start -d\`). If it should be running: its master may have died while workers still serve, or ${command} ran as a user that cannot signal the master (set workerman.runAs).`,
      { details: stalePid === undefined ? { startFile } : { startFile, stalePid } },
    );
  }

  const usage = lines.find((l) => /^Usage: php \S+ <command>/.test(l.text) || /^Unknown command:/.test(l.text));
  if (usage) {
    const unknown = lines.find((l) => /^Unknown command:/.test(l.text));
    const quoted = unknown ? ` ("${oneLine(unknown.text)}")` : '';
    return new BotError(
      'status_unparseable',
      `The start file printed its usage instead of a ${command} table${quoted}: is it a Workerman start file? (If it is, check that this Workerman version supports \`${command}\`.)`,
      { details: { line: usage.lineNo } },
    );
  }

  // The master answers by writing the statistics file; a dead (zombie) or hung master never does, and
  // the command then prints only its first line (5.x also warns on stderr that the file is missing).
  const meaningful = lines.filter((l) => l.text.trim() !== '' && !/^Start worker in \w+ mode\.?$/.test(l.text.trim()));
  const first = meaningful[0];
  const firstLine = first ? FIRST_LINE.exec(first.text) : null;
  if (meaningful.length === 1 && firstLine && firstLine[2] === command) {
    const startFile = firstLine[1] ?? '';
    return new BotError(
      'workerman_not_running',
      `The Workerman master of ${startFile || 'the start file'} did not answer ${command}: it is dead (a zombie not yet reaped) or not answering signals. Check \`ps\` for "WorkerMan: master process" and its workers, then restart the app.`,
      { details: { startFile, masterAnswered: false } },
    );
  }
  return undefined;
}

function firstMatch(lines: readonly OutputLine[], re: RegExp): { line: OutputLine; match: RegExpExecArray } | undefined {
  for (const line of lines) {
    const match = re.exec(line.text);
    if (match) return { line, match };
  }
  return undefined;
}

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
interface Frame {
  /** The GLOBAL STATUS separator. */
  start: number;
  /** The first PROCESS STATUS separator (the process header follows it), if reached. */
  processSep?: number;
  /** The second PROCESS STATUS separator (the Summary row follows it), if reached. */
  summarySep?: number;
  /** The Summary row, if printed completely. */
  summary?: number;
  isComplete: boolean;
}

function findFrames(lines: readonly OutputLine[]): Frame[] {
  const frames: Frame[] = [];
  let frame: Frame | undefined;
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
      frame.isComplete = true;
    }
  }
  return frames;
}

function explainMissingTable(lines: readonly OutputLine[], frames: readonly Frame[]): BotError {
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

function unparseable(line: OutputLine, why: string): BotError {
  return new BotError(
    'status_unparseable',
    `Workerman status line ${line.lineNo} ${why}: "${oneLine(line.text, 120)}".`,
    { details: { reason: 'bad_line', line: line.lineNo } },
  );
}

function buildStatus(lines: readonly OutputLine[], frame: Frame, host: string | null, hasRealQps: boolean): WorkermanStatus {
  const processSep = frame.processSep as number;
  const summarySep = frame.summarySep as number;
  const globalLines = lines.slice(frame.start + 1, processSep);
  const exitHeaderIndex = globalLines.findIndex((l) => /\bexit_status\b/.test(l.text) && /\bexit_count\b/.test(l.text));
  const infoLines = exitHeaderIndex === -1 ? globalLines : globalLines.slice(0, exitHeaderIndex);
  const info = parseGlobalLines(infoLines);
  const exitTable =
    exitHeaderIndex === -1
      ? { workers: [], eventLoops: [] }
      : parseExitTable(globalLines[exitHeaderIndex] as OutputLine, globalLines.slice(exitHeaderIndex + 1));
  const eventLoops = new Set(exitTable.eventLoops);
  // 5.x moved the event loop from the global lines into the exit table, one value per worker.
  if (info.workerman.eventLoop === null && eventLoops.size === 1) info.workerman.eventLoop = [...eventLoops][0] ?? null;

  const header = lines[processSep + 1];
  if (header === undefined || processSep + 1 >= summarySep) {
    throw unparseable(lines[processSep] as OutputLine, 'is not followed by the process table header');
  }
  const columns = parseProcessHeader(header);
  const processes: ProcessRow[] = [];
  const seen = new Set<number>();
  for (const line of lines.slice(processSep + 2, summarySep)) {
    if (line.text.trim() === '') continue;
    const row = parseProcessRow(line, columns, hasRealQps);
    if (seen.has(row.pid)) throw unparseable(line, `repeats pid ${row.pid}`);
    seen.add(row.pid);
    processes.push(row);
  }
  return {
    host,
    ...info,
    workers: exitTable.workers,
    processes,
    findings: [],
  };
}

type GlobalInfo = Pick<WorkermanStatus, 'workerman' | 'startedAt' | 'uptime' | 'loadAverage' | 'workerCount' | 'processCount'>;

function parseGlobalLines(lines: readonly OutputLine[]): GlobalInfo {
  const workerman: WorkermanInfo = { version: null, phpVersion: null, eventLoop: null };
  const info: GlobalInfo = { workerman, startedAt: null, uptime: null, loadAverage: null, workerCount: null, processCount: null };
  for (const { text } of lines) {
    // 3.x/4.x: `Workerman version:4.1.17          PHP version:8.2.36`
    const v4 = /Workerman version:\s*(\S+)/.exec(text);
    if (v4) workerman.version = v4[1] ?? null;
    const php4 = /PHP version:\s*(\S+)/.exec(text);
    if (php4) workerman.phpVersion = php4[1] ?? null;
    // 5.x: `Workerman/5.2.2         PHP/8.2.36 (JIT off)          Linux/6.18.44-fc-v782`
    const v5 = /^Workerman\/(\S+)/.exec(text);
    if (v5) workerman.version = v5[1] ?? null;
    const php5 = /\bPHP\/(\S+)/.exec(text);
    if (php5) workerman.phpVersion = php5[1] ?? null;
    // `event-loop:\Workerman\Events\Event` -> `Event`
    const loop = /event-loop:\s*(\S+)/.exec(text);
    if (loop) workerman.eventLoop = (loop[1] ?? '').split('\\').filter(Boolean).at(-1) ?? null;
    const started = /start time:\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(text);
    if (started) info.startedAt = started[1] ?? null;
    const run = /\brun\s+(\d+ days? \d+ hours?)/.exec(text);
    if (run) info.uptime = run[1] ?? null;
    const load = /load average:\s*([\d.]+(?:\s*,\s*[\d.]+)*)/.exec(text);
    if (load) info.loadAverage = (load[1] ?? '').split(',').map((s) => Number(s.trim()));
    const counts = /^(\d+) workers\s+(\d+) processes\s*$/.exec(text);
    if (counts) {
      info.workerCount = Number(counts[1]);
      info.processCount = Number(counts[2]);
    }
  }
  return info;
}

/**
 * 3.x/4.x: `worker_name exit_status exit_count`; 5.x: `name event-loop exit_status exit_count`. A worker
 * name appears once per distinct exit status. Names are matched from both ends so a name with spaces
 * still lands in one field.
 */
function parseExitTable(
  header: OutputLine,
  rows: readonly OutputLine[],
): { workers: WorkerExitRow[]; eventLoops: string[] } {
  const names = header.text.trim().split(/\s+/);
  const nameAt = names.findIndex((n) => n === 'worker_name' || n === 'name');
  const statusAt = names.indexOf('exit_status');
  const countAt = names.indexOf('exit_count');
  const loopAt = names.indexOf('event-loop');
  if (nameAt === -1) throw unparseable(header, 'is an exit table header without a worker name column');
  const workers: WorkerExitRow[] = [];
  const eventLoops: string[] = [];
  for (const line of rows) {
    if (line.text.trim() === '') continue;
    const fields = splitAnchored(line.text, names.length, nameAt);
    if (!fields) throw unparseable(line, `has fewer than the ${names.length} exit table columns`);
    const exitCount = Number(fields[countAt]);
    if (!Number.isInteger(exitCount)) throw unparseable(line, 'has an exit_count that is not a number');
    const rawStatus = fields[statusAt] ?? '';
    workers.push({
      name: fields[nameAt] ?? '',
      exitStatus: /^-?\d+$/.test(rawStatus) ? Number(rawStatus) : rawStatus,
      exitCount,
    });
    if (loopAt !== -1 && fields[loopAt] !== undefined) eventLoops.push(fields[loopAt]);
  }
  return { workers, eventLoops };
}

/**
 * Splits a row on runs of spaces into `count` fields; when there are more words than columns (a name
 * with spaces), the extra words are joined into the field at `flexAt`. Undefined when there are fewer.
 */
function splitAnchored(text: string, count: number, flexAt: number): string[] | undefined {
  const words = text.trim().split(/\s+/);
  if (words.length < count) return undefined;
  if (words.length === count) return words;
  const tail = count - flexAt - 1;
  return [...words.slice(0, flexAt), words.slice(flexAt, words.length - tail).join(' '), ...words.slice(words.length - tail)];
}

/** The process table's columns by header name; unknown ones are kept for `extra`. */
interface ProcessColumns {
  names: string[];
  nameAt: number;
}

const KNOWN_COLUMNS = new Set([
  'pid',
  'memory',
  'listening',
  'worker_name',
  'name',
  'connections',
  'send_fail',
  'timers',
  'total_request',
  'qps',
  'status',
]);

function parseProcessHeader(line: OutputLine): ProcessColumns {
  const names = line.text.trim().split(/\s+/);
  if (names[0] !== 'pid') throw unparseable(line, 'should be the process table header starting with "pid"');
  const nameAt = names.findIndex((n) => n === 'worker_name' || n === 'name');
  if (nameAt === -1) throw unparseable(line, 'is a process table header without a worker_name/name column');
  return { names, nameAt };
}

/**
 * One process row: the pid, a tab, then fields separated by runs of spaces (a `[busy]` row of 3.x/4.x is
 * misaligned and has `N/A` in every numeric column, so columns are counted, never measured).
 */
function parseProcessRow(line: OutputLine, columns: ProcessColumns, hasRealQps: boolean): ProcessRow {
  // Workerman prints a tab after the pid; accept spaces too, for output copied from a terminal.
  const m = /^(\d+)[\t ]+(.*)$/.exec(line.text);
  if (!m) throw unparseable(line, 'should be a process row (a pid, a tab, then the columns)');
  const fields = splitAnchored(`${m[1]} ${m[2]}`, columns.names.length, columns.nameAt);
  if (!fields) {
    const got = `${m[1]} ${m[2]}`.trim().split(/\s+/).length;
    throw unparseable(line, `has ${got} columns, expected ${columns.names.length}`);
  }
  const row: ProcessRow = {
    pid: Number(m[1]),
    workerName: '',
    listen: null,
    memoryBytes: null,
    connections: null,
    sendFail: null,
    timers: null,
    totalRequest: null,
    qps: null,
    status: null,
    extra: {},
  };
  columns.names.forEach((name, i) => {
    const value = fields[i] ?? '';
    switch (name) {
      case 'pid':
        break;
      case 'worker_name':
      case 'name':
        row.workerName = value;
        break;
      case 'listening':
        // Workerman prints `none` for a worker without a listen address.
        row.listen = value === 'none' || value === 'N/A' ? null : value;
        break;
      case 'memory':
        row.memoryBytes = parseMemory(value, line);
        break;
      case 'connections':
        row.connections = parseCount(value, name, line);
        break;
      case 'send_fail':
        row.sendFail = parseCount(value, name, line);
        break;
      case 'timers':
        row.timers = parseCount(value, name, line);
        break;
      case 'total_request':
        row.totalRequest = parseCount(value, name, line);
        break;
      case 'qps': {
        const qps = parseCount(value, name, line);
        row.qps = hasRealQps ? qps : null;
        break;
      }
      case 'status':
        row.status = value === '[busy]' ? 'busy' : value === '[idle]' ? 'idle' : null;
        if (row.status === null) row.extra[name] = value;
        break;
      default:
        if (!KNOWN_COLUMNS.has(name)) row.extra[name] = value;
    }
  });
  return row;
}

function parseCount(value: string, column: string, line: OutputLine): number | null {
  if (value === 'N/A') return null;
  if (!/^\d+$/.test(value)) throw unparseable(line, `has "${oneLine(value, 40)}" in the ${column} column, expected a number`);
  return Number(value);
}

const UNIT_BYTES: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 };

/** `1.09M` -> 1142948 bytes (MiB as PHP's `round($bytes / 1024 / 1024, 2) . "M"`), `N/A` -> null. */
function parseMemory(value: string, line: OutputLine): number | null {
  if (value === 'N/A') return null;
  const m = /^(\d+(?:\.\d+)?)([BKMG]?)$/.exec(value);
  if (!m) throw unparseable(line, `has "${oneLine(value, 40)}" in the memory column, expected a size like 1.09M`);
  return Math.round(Number(m[1]) * (UNIT_BYTES[m[2] ?? ''] ?? 1));
}
