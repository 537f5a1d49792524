import { oneLine } from '../errors.js';
import type { ProcessRow } from './types.js';
import { splitAnchored, unparseableLine, type OutputLine } from './split-output-lines.js';

/**
 * Parses the process table: its header, then one row per process, columns found by header name.
 * `hasRealQps` says whether the qps column is a measurement (a later live frame) or Workerman's 0.
 *
 * @example
 * pid	memory  listening                   worker_name              connections send_fail timers  total_request qps    status
 * 19521	1.09M   http://127.0.0.1:18500      HttpApi01                0           0         0       249           0      [idle]
 * (3.0-3.4: `pid	memory  listening … worker_name connections total_request send_fail throw_exception`, or `timers` in 3.4.7)
 */
export function parseProcessTable(header: OutputLine, rows: readonly OutputLine[], hasRealQps: boolean): ProcessRow[] {
  const columns = parseProcessHeader(header);
  const processes: ProcessRow[] = [];
  const seen = new Set<number>();
  for (const line of rows) {
    if (line.text.trim() === '') continue;
    const row = parseProcessRow(line, columns, hasRealQps);
    if (seen.has(row.pid)) throw unparseableLine(line, `repeats pid ${row.pid}`);
    seen.add(row.pid);
    processes.push(row);
  }
  return processes;
}

/** The process table's columns by header name; unknown ones are kept for `extra`. */
interface ProcessColumns {
  names: string[];
  nameAt: number;
}

// `throw_exception` (3.0-3.4.6) has no field in the model: it goes to `extra` like any unknown column.
const KNOWN_COLUMNS = new Set([
  'pid',
  'memory',
  'listening',
  'worker_name',
  'name',
  'connections',
  'connection',
  'send_fail',
  'timers',
  'total_request',
  'qps',
  'status',
]);

function parseProcessHeader(line: OutputLine): ProcessColumns {
  const names = line.text.trim().split(/\s+/);
  if (names[0] !== 'pid') throw unparseableLine(line, 'should be the process table header starting with "pid"');
  const nameAt = names.findIndex((n) => n === 'worker_name' || n === 'name');
  if (nameAt === -1) throw unparseableLine(line, 'is a process table header without a worker_name/name column');
  return { names, nameAt };
}

/**
 * One process row: the pid, a tab, then fields separated by runs of spaces (a `[busy]` row of 3.x/4.x is
 * misaligned and has `N/A` in every numeric column, so columns are counted, never measured).
 */
function parseProcessRow(line: OutputLine, columns: ProcessColumns, hasRealQps: boolean): ProcessRow {
  // Workerman prints a tab after the pid; accept spaces too, for output copied from a terminal.
  const m = /^(\d+)[\t ]+(.*)$/.exec(line.text);
  if (!m) throw unparseableLine(line, 'should be a process row (a pid, a tab, then the columns)');
  const fields = splitAnchored(`${m[1]} ${m[2]}`, columns.names.length, columns.nameAt);
  if (!fields) {
    const got = `${m[1]} ${m[2]}`.trim().split(/\s+/).length;
    throw unparseableLine(line, `has ${got} columns, expected ${columns.names.length}`);
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
      // 3.0.3 named the column `connection` for one commit, then `connections`.
      case 'connection':
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
  if (!/^\d+$/.test(value)) throw unparseableLine(line, `has "${oneLine(value, 40)}" in the ${column} column, expected a number`);
  return Number(value);
}

const UNIT_BYTES: Record<string, number> = { '': 1, B: 1, K: 1024, M: 1024 * 1024, G: 1024 * 1024 * 1024 };

/** `1.09M` -> 1142948 bytes (MiB as PHP's `round($bytes / 1024 / 1024, 2) . "M"`), `N/A` -> null. */
function parseMemory(value: string, line: OutputLine): number | null {
  if (value === 'N/A') return null;
  const m = /^(\d+(?:\.\d+)?)([BKMG]?)$/.exec(value);
  if (!m) throw unparseableLine(line, `has "${oneLine(value, 40)}" in the memory column, expected a size like 1.09M`);
  return Math.round(Number(m[1]) * (UNIT_BYTES[m[2] ?? ''] ?? 1));
}
