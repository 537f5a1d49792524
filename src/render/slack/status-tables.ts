import type { KnownBlock } from '@slack/types';
import { formatMiB } from '../format.js';
import type { Finding, ProcessRow, WorkermanStatus } from '../../workerman/types.js';
import { codeBlock, monospaceTable, section, tableBlock, type SlackColumn } from './blocks.js';
import { countChars, truncatePlain } from './escape.js';
import { SLACK_LIMITS } from './limits.js';

function numberOrNa(n: number | null): string {
  return n === null ? 'N/A' : String(n);
}

// Cells are cut to a column's width in the table block and the code block alike.
const cut = (max: number, get: (p: ProcessRow) => string) => (p: ProcessRow): string => truncatePlain(get(p), max);

/** The process table's columns, shared by the table block, the code blocks and the file. */
export const PROCESS_COLUMNS: readonly SlackColumn<ProcessRow>[] = [
  { title: 'pid', cell: cut(64, (p) => String(p.pid)), align: 'right' },
  { title: 'worker', cell: cut(32, (p) => p.workerName), align: 'left', isWrapped: true },
  { title: 'listen', cell: cut(30, (p) => p.listen ?? 'none'), align: 'left', isWrapped: true },
  { title: 'memory (MiB)', cell: cut(64, (p) => (p.memoryBytes === null ? 'N/A' : formatMiB(p.memoryBytes))), align: 'right' },
  { title: 'conns', cell: cut(64, (p) => numberOrNa(p.connections)), align: 'right' },
  { title: 'send_fail', cell: cut(64, (p) => numberOrNa(p.sendFail)), align: 'right' },
  { title: 'timers', cell: cut(64, (p) => numberOrNa(p.timers)), align: 'right' },
  { title: 'requests', cell: cut(64, (p) => numberOrNa(p.totalRequest)), align: 'right' },
  // null = not measured (one sample); Workerman's own one-shot qps column is always 0.
  { title: 'qps', cell: cut(64, (p) => (p.qps === null ? '-' : String(p.qps))), align: 'right' },
  { title: 'status', cell: cut(64, (p) => p.status ?? '?'), align: 'left' },
];

interface WorkerLine {
  name: string;
  processes: number;
  exitStatus: number | string;
  exitCount: number;
}

const WORKER_COLUMNS: readonly SlackColumn<WorkerLine>[] = [
  { title: 'worker', cell: (w) => w.name, align: 'left' },
  { title: 'processes', cell: (w) => String(w.processes), align: 'left' },
  { title: 'exit_status', cell: (w) => String(w.exitStatus), align: 'left' },
  { title: 'exit_count', cell: (w) => String(w.exitCount), align: 'left' },
];

/** The workers table (plain lines, header first): processes per worker, exit status and count. */
export function renderWorkerTable(status: WorkermanStatus): string[] {
  const perWorker = new Map<string, number>();
  for (const p of status.processes) perWorker.set(p.workerName, (perWorker.get(p.workerName) ?? 0) + 1);
  const lines = status.workers.map((w) => ({ name: w.name, processes: perWorker.get(w.name) ?? 0, exitStatus: w.exitStatus, exitCount: w.exitCount }));
  const table = monospaceTable(WORKER_COLUMNS, lines);
  return [table.header, ...table.rows];
}

/** Process indices in display priority: rows named by a finding first, then the rest, each in table order. */
export function prioritized(processes: readonly ProcessRow[], findings: readonly Finding[]): number[] {
  const flagged = new Set(findings.map((f) => f.pid).filter((pid): pid is number => pid !== null));
  const indices = processes.map((_, i) => i);
  return [...indices.filter((i) => flagged.has(processes[i]!.pid)), ...indices.filter((i) => !flagged.has(processes[i]!.pid))];
}

/** The process table's plain lines (header first), as the code blocks show it. */
export function processLines(processes: readonly ProcessRow[]): string[] {
  const table = monospaceTable(PROCESS_COLUMNS, processes);
  return [table.header, ...table.rows];
}

/**
 * The parent's process table within `budgetChars`: flagged rows first, shown in table order; a table block
 * (≤ tableRows) or one code block section. `shown`: how many rows it holds.
 */
export function renderParentTable(
  processes: readonly ProcessRow[],
  findings: readonly Finding[],
  style: 'block' | 'monospace',
  budgetChars: number,
): { blocks: KnownBlock[]; shown: number } {
  if (processes.length === 0) return { blocks: [], shown: 0 };
  const order = prioritized(processes, findings);
  if (style === 'block') {
    let used = PROCESS_COLUMNS.reduce((n, c) => n + countChars(c.title), 0);
    const chosen: number[] = [];
    for (const i of order) {
      if (chosen.length >= SLACK_LIMITS.tableRows - 1) break;
      const cost = PROCESS_COLUMNS.reduce((n, c) => n + countChars(c.cell(processes[i]!)), 0);
      if (used + cost > budgetChars) break;
      used += cost;
      chosen.push(i);
    }
    chosen.sort((a, b) => a - b);
    // raw_text cells are literal: a worker named `<!channel>` shows as such.
    return { blocks: [tableBlock(PROCESS_COLUMNS, chosen.map((i) => processes[i]!))], shown: chosen.length };
  }
  // Laid out over every row, so the columns keep their width whichever rows fit.
  const { header, rows } = monospaceTable(PROCESS_COLUMNS, processes);
  const fence = (lines: string[]): string => codeBlock([header, ...lines]);
  const limit = Math.min(SLACK_LIMITS.sectionTextChars, budgetChars);
  const chosen: number[] = [];
  for (const i of order) {
    const next = [...chosen, i].sort((a, b) => a - b);
    if (countChars(fence(next.map((j) => rows[j] ?? ''))) > limit) break;
    chosen.push(i);
  }
  chosen.sort((a, b) => a - b);
  if (chosen.length === 0) return { blocks: [], shown: 0 };
  return { blocks: [section(fence(chosen.map((j) => rows[j] ?? '')))], shown: chosen.length };
}
