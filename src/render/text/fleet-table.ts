import type { FleetRow } from '../../fleet/types.js';
import { describeFleetStates, FLEET_STATE_TEXT } from '../describe-fleet-states.js';
import { escapeControl } from '../escape-control.js';
import { formatBytes, formatMs } from '../format.js';
import { layoutTable, type TextColumn } from './table.js';

// Numbers read best right-aligned; names and words left-aligned. On a narrow terminal: timing goes
// first, then crash loops, memory and version; host names are cut last.
const COLUMNS: readonly TextColumn<FleetRow>[] = [
  { header: 'HOST', cell: (r) => escapeControl(r.host), fit: { shrink: { step: 5, minWidth: 12 } } },
  { header: 'STATE', cell: (r) => FLEET_STATE_TEXT[r.state] },
  { header: 'VERSION', cell: (r) => (r.version === null ? '-' : escapeControl(r.version)), fit: { drop: 4 } },
  { header: 'PROCS', align: 'right', cell: (r) => numberOrDash(r.processes) },
  { header: 'BUSY', align: 'right', cell: (r) => numberOrDash(r.busy) },
  { header: 'CRASH LOOPS', align: 'right', cell: (r) => numberOrDash(r.crashLoops), fit: { drop: 2 } },
  { header: 'MEMORY', align: 'right', cell: (r) => (r.memoryBytes === null ? '-' : formatBytes(r.memoryBytes)), fit: { drop: 3 } },
  { header: 'TIME', align: 'right', cell: (r) => formatMs(r.durationMs), fit: { drop: 1 } },
];

/**
 * Returns a fleet status as an aligned plain-text table (one row per host, in the given order), a
 * summary line, and one line per host that failed with its error. Host-derived text has control
 * characters escaped (`\n` → `\x0a`) so a hostile version string cannot break the layout.
 *
 * @example
 * HOST   STATE        VERSION  PROCS  BUSY  CRASH LOOPS   MEMORY   TIME
 * web-1  up           5.2.2        8     0            0  8.9 MiB  1.1 s
 * web-2  unreachable  -            -     -            -        -  5.0 s
 */
export function renderFleetText(rows: readonly FleetRow[], opts: { maxWidth?: number | undefined } = {}): string {
  const table = layoutTable(rows, COLUMNS, opts.maxWidth);
  const out = [table.header, ...table.rows];
  if (table.fitNote !== null) out.push(table.fitNote);
  out.push('', describeFleetStates(rows));
  const failures = rows.filter((row) => row.message !== null);
  for (const row of failures) out.push(`${escapeControl(row.host)}: ${escapeControl(row.message ?? '')}${row.errorCode === null ? '' : ` (${row.errorCode})`}`);
  return out.join('\n');
}

function numberOrDash(n: number | null): string {
  return n === null ? '-' : String(n);
}
