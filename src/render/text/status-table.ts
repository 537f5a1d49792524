import type { DescribedStatus, Finding, ProcessRow } from '../../workerman/types.js';
import { escapeControl } from '../escape-control.js';
import { formatMiB } from '../format.js';
import { joinWithin, wrapWords } from './fit-columns.js';
import { paint, type TextRenderOptions, type Tone } from './paint.js';
import { renderTextTable, type TextColumn } from './table.js';

/**
 * Renders a parsed status for a terminal: header lines, findings first (marked `!`), the exit table
 * when any worker exited (each status in words: see describeExits), then the process table with busy
 * and outlier rows marked. Ends in a newline.
 */
export function renderStatusText(status: DescribedStatus, opts: TextRenderOptions): string {
  const { color, maxWidth } = opts;
  const out: string[] = [];
  const wm = status.workerman;
  const title = [
    status.host === null ? 'Workerman status' : `Workerman status of ${escapeControl(status.host)}`,
    wm.version === null ? null : `Workerman ${escapeControl(wm.version)}`,
    wm.phpVersion === null ? null : `PHP ${escapeControl(wm.phpVersion)}`,
    wm.eventLoop === null ? null : `event loop ${escapeControl(wm.eventLoop)}`,
  ].filter((s): s is string => s !== null);
  for (const line of joinWithin(title, ' | ', maxWidth)) out.push(paint(line, 'bold', color));
  const facts = [
    status.startedAt === null ? null : `started ${escapeControl(status.startedAt)}`,
    status.uptime === null ? null : `up ${escapeControl(status.uptime)}`,
    status.loadAverage === null ? null : `load ${status.loadAverage.join(' ')}`,
    status.workerCount === null ? null : `${status.workerCount} workers`,
    status.processCount === null ? null : `${status.processCount} processes`,
  ].filter((s): s is string => s !== null);
  if (facts.length > 0) out.push(...joinWithin(facts, ' | ', maxWidth));

  if (status.findings.length > 0) {
    out.push('');
    for (const f of status.findings) {
      for (const line of wrapWords(`! ${f.kind}: ${escapeControl(f.message)}`, maxWidth)) out.push(paint(line, toneOfFinding(f), color));
    }
  }

  if (status.workers.some((w) => w.exitCount > 0)) {
    out.push('', paint('Worker exits since start', 'bold', color));
    out.push(
      ...renderTextTable(
        status.workers,
        [
          { header: 'WORKER', cell: (w) => escapeControl(w.name), fit: { shrink: { step: 1, minWidth: 12 } } },
          { header: 'EXIT STATUS', cell: (w) => (w.exitStatus === 0 ? 'normal (0)' : escapeControl(w.meaning)), fit: { shrink: { step: 1, minWidth: 12 } } },
          { header: 'COUNT', align: 'right', cell: (w) => String(w.exitCount) },
        ],
        { color, maxWidth, tone: (w) => (w.exitCount > 0 && w.exitStatus !== 0 && w.exitStatus !== '0' ? 'yellow' : undefined) },
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
  // On a narrow terminal: columns of version-specific extras go first, then send_fail and timers
  // (almost always 0), then worker names and addresses are cut, then the address goes, then requests
  // and connections. PID, STATUS, memory and a measured QPS (asked for) always stay.
  const columns: TextColumn<ProcessRow>[] = [
    { header: 'PID', cell: (p) => String(p.pid) },
    { header: 'WORKER', cell: (p) => escapeControl(p.workerName), fit: { shrink: { step: 3, minWidth: 14 } } },
    { header: 'LISTEN', cell: (p) => (p.listen === null ? '-' : escapeControl(p.listen)), fit: { shrink: { step: 3, minWidth: 22, keep: 'ends' }, drop: 4 } },
    { header: 'MEM MiB', align: 'right', cell: (p) => (p.memoryBytes === null ? '-' : formatMiB(p.memoryBytes)) },
    { header: 'CONNS', align: 'right', cell: (p) => numberCell(p.connections), fit: { drop: 6 } },
    { header: 'SEND_FAIL', align: 'right', cell: (p) => numberCell(p.sendFail), fit: { drop: 1 } },
    { header: 'TIMERS', align: 'right', cell: (p) => numberCell(p.timers), fit: { drop: 2 } },
    { header: 'REQUESTS', align: 'right', cell: (p) => numberCell(p.totalRequest), fit: { drop: 5 } },
    ...(showQps ? [{ header: 'QPS', align: 'right' as const, cell: (p: ProcessRow) => numberCell(p.qps) }] : []),
    { header: 'STATUS', cell: (p) => p.status ?? '-' },
    ...extraNames.map((name) => ({
      header: escapeControl(name),
      cell: (p: ProcessRow) => escapeControl(p.extra[name] ?? ''),
      fit: { drop: 0 },
    })),
  ];
  // A marker column for terminals without colour (and for copy-paste), only when something is flagged.
  if (flagged.size > 0) columns.unshift({ header: '!', cell: (p) => (flagged.has(p.pid) ? '!' : '') });
  out.push(...renderTextTable(status.processes, columns, { color, maxWidth, tone: (p) => flagged.get(p.pid) }));
  return `${out.join('\n')}\n`;
}

function toneOfFinding(f: Finding): Tone {
  return f.kind === 'busy' || f.kind === 'orphaned-workers' ? 'red' : 'yellow';
}

function numberCell(n: number | null): string {
  return n === null ? '-' : String(n);
}
