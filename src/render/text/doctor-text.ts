import type { DoctorCheck, DoctorCheckOutcome, DoctorReport } from '../../host/doctor-types.js';
import { escapeControl } from '../escape-control.js';
import { plural } from '../format.js';
import { paint, type TextRenderOptions } from './paint.js';
import { padToWidth } from './table.js';

/** The mark of an outcome: symbols where colour shows them apart, words everywhere else (copy-paste, logs). */
function mark(ok: DoctorCheckOutcome, color: boolean): string {
  if (color) return ok === true ? paint('✔', 'green', true) : ok === false ? paint('✘', 'red', true) : paint('!', 'yellow', true);
  return ok === true ? 'ok  ' : ok === false ? 'FAIL' : 'warn';
}

/**
 * Renders a doctor report for a terminal: per host a title with its verdict, then one aligned line per
 * check and, under each failure or warning, `fix: …`. Host output is shown with control characters
 * escaped. Ends in a newline.
 */
export function renderDoctorText(report: DoctorReport, opts: TextRenderOptions): string {
  const { color } = opts;
  const out: string[] = [];
  for (const host of report.hosts) {
    if (out.length > 0) out.push('');
    const failed = host.checks.filter((c) => c.ok === false).length;
    const warned = host.checks.filter((c) => c.ok === 'warn').length;
    const verdict = [failed > 0 ? plural(failed, 'problem') : 'ok', warned > 0 ? plural(warned, 'warning') : null]
      .filter((s): s is string => s !== null)
      .join(', ');
    out.push(`${paint(escapeControl(host.host), 'bold', color)}: ${failed > 0 ? paint(verdict, 'red', color) : warned > 0 ? paint(verdict, 'yellow', color) : paint(verdict, 'green', color)}`);
    const width = Math.max(...host.checks.map((c) => c.id.length), 0);
    const indent = ' '.repeat(2 + (color ? 1 : 4) + 2 + width + 2);
    for (const check of host.checks) out.push(...renderCheck(check, width, indent, color));
  }
  if (report.hosts.length > 1) {
    const bad = report.hosts.filter((h) => !h.ok).length;
    out.push('', `${report.hosts.length} hosts: ${report.hosts.length - bad} ok, ${bad} with problems`);
  }
  return `${out.join('\n')}\n`;
}

function renderCheck(check: DoctorCheck, width: number, indent: string, color: boolean): string[] {
  const lines = [`  ${mark(check.ok, color)}  ${padToWidth(check.id, width)}  ${escapeControl(check.detail)}`.trimEnd()];
  if (check.ok !== true && check.fix !== null) lines.push(`${indent}${paint('fix:', 'bold', color)} ${escapeControl(check.fix)}`);
  return lines;
}
