import type { Finding, ProcessRow, WorkermanStatus } from '../../workerman/types.js';
import { describeExitStatus } from '../../workerman/compute-findings.js';

export interface TextRenderOptions {
  /** ANSI colour (the CLI passes true only on a TTY). */
  color: boolean;
}

const ANSI = {
  bold: '\x1b[1m',
  red: '\x1b[31m',
  green: '\x1b[32m',
  yellow: '\x1b[33m',
  dim: '\x1b[2m',
  reset: '\x1b[0m',
} as const;

type Tone = keyof Omit<typeof ANSI, 'reset'>;

/** Wraps text in an ANSI colour when colour is on; returns it unchanged otherwise. */
export function paint(text: string, tone: Tone, color: boolean): string {
  return color ? `${ANSI[tone]}${text}${ANSI.reset}` : text;
}

// C0/C1 controls, DEL, and the bidi overrides/isolates that can reorder what a terminal shows.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns text from the host (worker names, addresses, messages) with every control character written
 * as a visible escape (`\x1b`), so output from a host can never drive the operator's terminal.
 */
export function escapeControlChars(text: string): string {
  return text.replace(UNSAFE_CHARS, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** A column of a text table: header, alignment, and the cell text per row (already escaped). */
export interface TextColumn<Row> {
  header: string;
  align?: 'left' | 'right';
  cell: (row: Row) => string;
}

/**
 * Lays rows out as an aligned table (two spaces between columns, no trailing spaces); `tone` picks a
 * colour per row, applied after padding so escape codes never shift the alignment.
 */
export function renderTextTable<Row>(
  rows: readonly Row[],
  columns: readonly TextColumn<Row>[],
  opts: TextRenderOptions & { tone?: (row: Row) => Tone | undefined },
): string[] {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const widths = columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => (r[i] as string).length)));
  const layout = (values: readonly string[]): string =>
    values
      .map((v, i) => (columns[i]?.align === 'right' ? v.padStart(widths[i] as number) : v.padEnd(widths[i] as number)))
      .join('  ')
      .trimEnd();
  const lines = [paint(layout(columns.map((c) => c.header)), 'bold', opts.color)];
  rows.forEach((row, r) => {
    const line = layout(cells[r] as string[]);
    const tone = opts.tone?.(row);
    lines.push(tone ? paint(line, tone, opts.color) : line);
  });
  return lines;
}

/**
 * Renders a parsed status for a terminal: header lines, findings first (marked `!`), the exit table
 * when any worker exited, then the process table with busy and outlier rows marked. Ends in a newline.
 */
export function renderStatusText(status: WorkermanStatus, opts: TextRenderOptions): string {
  const { color } = opts;
  const out: string[] = [];
  const wm = status.workerman;
  const title = [
    status.host === null ? 'Workerman status' : `Workerman status of ${escapeControlChars(status.host)}`,
    wm.version === null ? null : `Workerman ${escapeControlChars(wm.version)}`,
    wm.phpVersion === null ? null : `PHP ${escapeControlChars(wm.phpVersion)}`,
    wm.eventLoop === null ? null : `event loop ${escapeControlChars(wm.eventLoop)}`,
  ].filter((s): s is string => s !== null);
  out.push(paint(title.join(' | '), 'bold', color));
  const facts = [
    status.startedAt === null ? null : `started ${escapeControlChars(status.startedAt)}`,
    status.uptime === null ? null : `up ${escapeControlChars(status.uptime)}`,
    status.loadAverage === null ? null : `load ${status.loadAverage.join(' ')}`,
    status.workerCount === null ? null : `${status.workerCount} workers`,
    status.processCount === null ? null : `${status.processCount} processes`,
  ].filter((s): s is string => s !== null);
  if (facts.length > 0) out.push(facts.join(' | '));

  if (status.findings.length > 0) {
    out.push('');
    for (const f of status.findings) {
      out.push(paint(`! ${f.kind}: ${escapeControlChars(f.message)}`, toneOfFinding(f), color));
    }
  }

  if (status.workers.some((w) => w.exitCount > 0)) {
    out.push('', paint('Worker exits since start', 'bold', color));
    out.push(
      ...renderTextTable(
        status.workers,
        [
          { header: 'WORKER', cell: (w) => escapeControlChars(w.name) },
          { header: 'EXIT STATUS', cell: (w) => (w.exitStatus === 0 ? 'normal (0)' : escapeControlChars(describeExitStatus(w.exitStatus))) },
          { header: 'COUNT', align: 'right', cell: (w) => String(w.exitCount) },
        ],
        { color, tone: (w) => (w.exitCount > 0 && w.exitStatus !== 0 && w.exitStatus !== '0' ? 'yellow' : undefined) },
      ),
    );
  }

  out.push('');
  if (status.processes.length === 0) {
    out.push('No worker processes in the table.');
    return `${out.join('\n')}\n`;
  }
  const flagged = new Map<number, Tone>();
  for (const f of status.findings) {
    if (f.pid === null) continue;
    if (f.kind === 'busy') flagged.set(f.pid, 'red');
    else if (!flagged.has(f.pid)) flagged.set(f.pid, 'yellow');
  }
  const showQps = status.processes.some((p) => p.qps !== null);
  const extraNames = [...new Set(status.processes.flatMap((p) => Object.keys(p.extra)))];
  const columns: TextColumn<ProcessRow>[] = [
    { header: 'PID', cell: (p) => String(p.pid) },
    { header: 'WORKER', cell: (p) => escapeControlChars(p.workerName) },
    { header: 'LISTEN', cell: (p) => (p.listen === null ? '-' : escapeControlChars(p.listen)) },
    { header: 'MEM MB', align: 'right', cell: (p) => (p.memoryBytes === null ? '-' : (p.memoryBytes / 1024 / 1024).toFixed(2)) },
    { header: 'CONNS', align: 'right', cell: (p) => numberCell(p.connections) },
    { header: 'SEND_FAIL', align: 'right', cell: (p) => numberCell(p.sendFail) },
    { header: 'TIMERS', align: 'right', cell: (p) => numberCell(p.timers) },
    { header: 'REQUESTS', align: 'right', cell: (p) => numberCell(p.totalRequest) },
    ...(showQps ? [{ header: 'QPS', align: 'right' as const, cell: (p: ProcessRow) => numberCell(p.qps) }] : []),
    { header: 'STATUS', cell: (p) => p.status ?? '-' },
    ...extraNames.map((name) => ({
      header: escapeControlChars(name),
      cell: (p: ProcessRow) => escapeControlChars(p.extra[name] ?? ''),
    })),
  ];
  // A marker column for terminals without colour (and for copy-paste), only when something is flagged.
  if (flagged.size > 0) columns.unshift({ header: '!', cell: (p) => (flagged.has(p.pid) ? '!' : '') });
  out.push(...renderTextTable(status.processes, columns, { color, tone: (p) => flagged.get(p.pid) }));
  return `${out.join('\n')}\n`;
}

function toneOfFinding(f: Finding): Tone {
  return f.kind === 'busy' || f.kind === 'orphaned-workers' ? 'red' : 'yellow';
}

function numberCell(n: number | null): string {
  return n === null ? '-' : String(n);
}
