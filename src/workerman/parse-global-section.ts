import type { WorkerExitRow, WorkermanInfo, WorkermanStatus } from './types.js';
import { splitAnchored, unparseableLine, type OutputLine } from './split-output-lines.js';

/** What the GLOBAL STATUS section says: versions, start time, load, counts and the exit table. */
export type GlobalSection = Pick<WorkermanStatus, 'workerman' | 'startedAt' | 'uptime' | 'loadAverage' | 'workerCount' | 'processCount' | 'workers'>;

/**
 * Parses the lines between the GLOBAL STATUS and the first PROCESS STATUS separator, of every
 * generation: 3.0-3.4 print no event loop (3.0-3.2.6) or a bare name / class after `event-loop:`,
 * 3.x/4.x name it on the load line, 5.x per worker in the exit table.
 *
 * @example
 * Workerman version:3.4.7          PHP version:7.1.33
 * start time:2026-12-03 06:40:03   run 0 days 0 hours
 * load average: 0.48, 0, 0         event-loop:\Workerman\Events\Select
 * 4 workers       8 processes
 * worker_name              exit_status     exit_count
 * HttpApi01                9                1
 */
export function parseGlobalSection(lines: readonly OutputLine[]): GlobalSection {
  const exitHeaderIndex = lines.findIndex((l) => /\bexit_status\b/.test(l.text) && /\bexit_count\b/.test(l.text));
  const infoLines = exitHeaderIndex === -1 ? lines : lines.slice(0, exitHeaderIndex);
  const info = parseInfoLines(infoLines);
  const exitTable =
    exitHeaderIndex === -1
      ? { workers: [], eventLoops: [] }
      : parseExitTable(lines[exitHeaderIndex] as OutputLine, lines.slice(exitHeaderIndex + 1));
  const eventLoops = new Set(exitTable.eventLoops);
  // 5.x moved the event loop from the global lines into the exit table, one value per worker.
  if (info.workerman.eventLoop === null && eventLoops.size === 1) info.workerman.eventLoop = [...eventLoops][0] ?? null;
  return { ...info, workers: exitTable.workers };
}

type GlobalInfo = Omit<GlobalSection, 'workers'>;

function parseInfoLines(lines: readonly OutputLine[]): GlobalInfo {
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
    // `event-loop:\Workerman\Events\Event` -> `Event`; 3.2.7-3.3.x print the bare name (`event`, `select`).
    const loop = /event-loop:\s*(\S+)/.exec(text);
    if (loop) workerman.eventLoop = (loop[1] ?? '').split('\\').filter(Boolean).at(-1) ?? null;
    const started = /start time:\s*(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})/.exec(text);
    if (started) info.startedAt = started[1] ?? null;
    const run = /\brun\s+(\d+ days? \d+ hours?)/.exec(text);
    if (run) info.uptime = run[1] ?? null;
    // 3.0-3.3 print sys_getloadavg() raw (`0.1, 0.03, 0.05`); 3.4+ round the 2nd and 3rd to integers.
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
  if (nameAt === -1) throw unparseableLine(header, 'is an exit table header without a worker name column');
  const workers: WorkerExitRow[] = [];
  const eventLoops: string[] = [];
  for (const line of rows) {
    if (line.text.trim() === '') continue;
    const fields = splitAnchored(line.text, names.length, nameAt);
    if (!fields) throw unparseableLine(line, `has fewer than the ${names.length} exit table columns`);
    const exitCount = Number(fields[countAt]);
    if (!Number.isInteger(exitCount)) throw unparseableLine(line, 'has an exit_count that is not a number');
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
