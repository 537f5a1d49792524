import type { CountRowEvent, CountTableLineEvent } from './events.js';

/**
 * Rows of the `strace -c` summary table, e.g.
 *
 * ```
 * % time     seconds  usecs/call     calls    errors syscall
 * ------ ----------- ----------- --------- --------- ----------------
 *  33.16    0.000435          54         8           kill
 *   2.21    0.000029          29         1         1 wait4
 * 100.00    0.001312          13        99         2 total
 * ```
 *
 * The header and separator lines are recognised by parseStraceLine; this reads the data rows. The
 * `errors` cell is blank when zero, so a row has 5 or 6 cells.
 */

/** Returns a data row, the `total` row marker, or undefined when the line is not a table row. */
export function parseCountTableRow(line: string): CountRowEvent | CountTableLineEvent | undefined {
  const cells = line.trim().split(/\s+/);
  if (cells.length !== 5 && cells.length !== 6) return undefined;
  const name = cells[cells.length - 1] as string;
  const pct = Number(cells[0]);
  const seconds = Number(cells[1]);
  const calls = Number(cells[3]);
  const errors = cells.length === 6 ? Number(cells[4]) : 0;
  if (![pct, seconds, calls, errors].every(Number.isFinite) || !/^[a-z0-9_]+$/.test(name)) return undefined;
  if (name === 'total') return { kind: 'count-table', part: 'total' };
  return { kind: 'count-row', name, seconds, calls, errors };
}
