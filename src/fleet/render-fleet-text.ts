import { escapeControl } from '../render/escape-control.js';
import { formatBytes, formatMs } from '../render/format.js';
import { cutToWidth, describeFit, fitColumns, type ColumnFit } from '../render/text/fit-columns.js';
import type { FleetHostState, FleetRow } from './run-fleet-status.js';

const STATE_TEXT: Record<FleetHostState, string> = {
  up: 'up',
  'not-running': 'not running',
  unreachable: 'unreachable',
  error: 'error',
};

const HEADERS = ['HOST', 'STATE', 'VERSION', 'PROCS', 'BUSY', 'CRASH LOOPS', 'MEMORY', 'TIME'] as const;
// Numbers read best right-aligned; names and words left-aligned.
const RIGHT_ALIGNED = new Set([3, 4, 5, 6, 7]);
// On a narrow terminal: timing goes first, then crash loops, memory and version; host names are cut last.
const FITS: readonly ColumnFit[] = [{ shrink: { step: 5, minWidth: 12 } }, {}, { drop: 4 }, {}, {}, { drop: 2 }, { drop: 3 }, { drop: 1 }];

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
  const table = rows.map((row) => [
    escapeControl(row.host),
    STATE_TEXT[row.state],
    row.version === null ? '-' : escapeControl(row.version),
    numberOrDash(row.processes),
    numberOrDash(row.busy),
    numberOrDash(row.crashLoops),
    row.memoryBytes === null ? '-' : formatBytes(row.memoryBytes),
    formatMs(row.durationMs),
  ]);
  const natural = HEADERS.map((header, col) => Math.max(displayWidth(header), ...table.map((cells) => displayWidth(cells[col] ?? ''))));
  const fitted = fitColumns(natural, FITS, opts.maxWidth);
  const line = (cells: readonly string[]): string =>
    cells
      .flatMap((cell, col) => {
        const width = fitted.widths[col];
        return width === null || width === undefined ? [] : [pad(cutToWidth(cell, width), width, RIGHT_ALIGNED.has(col))];
      })
      .join('  ')
      .trimEnd();
  const out = [line(HEADERS), ...table.map(line)];
  const note = opts.maxWidth === undefined ? null : describeFit(fitted, HEADERS, opts.maxWidth);
  if (note !== null) out.push(note);
  out.push('', summarizeFleetStates(rows));
  const failures = rows.filter((row) => row.message !== null);
  for (const row of failures) out.push(`${escapeControl(row.host)}: ${escapeControl(row.message ?? '')}${row.errorCode === null ? '' : ` (${row.errorCode})`}`);
  return out.join('\n');
}

/** Returns `8 hosts: 6 up, 1 not running, 1 unreachable` (states with zero hosts left out). */
export function summarizeFleetStates(rows: readonly FleetRow[]): string {
  const counts = new Map<FleetHostState, number>();
  for (const row of rows) counts.set(row.state, (counts.get(row.state) ?? 0) + 1);
  const parts = (Object.keys(STATE_TEXT) as FleetHostState[])
    .filter((state) => (counts.get(state) ?? 0) > 0)
    .map((state) => `${counts.get(state)} ${STATE_TEXT[state]}`);
  return `${rows.length} host${rows.length === 1 ? '' : 's'}${parts.length > 0 ? `: ${parts.join(', ')}` : ''}`;
}

function numberOrDash(n: number | null): string {
  return n === null ? '-' : String(n);
}

// Code points, not UTF-16 units, so an emoji counts once; East Asian wide characters are not special-cased.
function displayWidth(text: string): number {
  return [...text].length;
}

function pad(text: string, width: number, right: boolean): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return right ? fill + text : text + fill;
}
