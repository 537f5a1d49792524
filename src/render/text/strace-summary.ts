import type { StraceSummary, VerdictState } from '../../strace/types.js';
import { escapeControl } from '../escape-control.js';
import { formatBytes, formatMs, formatMsValue, formatPercentValue } from '../format.js';
import { rankSyscalls } from '../rank-syscalls.js';
import { redactStraceSummary } from '../redact-strace-summary.js';
import { joinWithin, wrapWords } from './fit-columns.js';
import { paint } from './paint.js';
import { renderTextTable } from './table.js';

export interface StraceTextOptions {
  /** ANSI colour (the CLI decides: see cli/decide-color.ts). */
  color: boolean;
  /** The terminal's width (see TextRenderOptions.maxWidth); undefined: nothing is cut. */
  maxWidth?: number | undefined;
  /** Unparsed lines to show under the count (already redacted; from the summariser's details()). */
  unparsedSamples?: readonly string[];
  /** Said after the samples when there are more unparsed lines than samples (the CLI names its flag). */
  moreUnparsedHint?: string;
  /** Rows per table (default 10). */
  maxRows?: number;
}

const STATE_TONE: Record<VerdictState, 'red' | 'yellow' | 'bold' | 'dim'> = {
  blocked: 'red',
  'not-traced': 'red',
  'cpu-bound': 'red',
  sleeping: 'yellow',
  waiting: 'yellow',
  silent: 'yellow',
  exited: 'yellow',
  active: 'bold',
  idle: 'bold',
};

/**
 * Renders a strace summary for a terminal: the verdict first (state + one sentence), its evidence,
 * then the top syscalls, errors by errno, signals, top fds, unfinished calls, exits and the unparsed
 * count. Everything that came from the trace is redacted, then control-char escaped. Ends in a newline.
 */
export function renderStraceText(traced: StraceSummary, opts: StraceTextOptions): string {
  const summary = redactStraceSummary(traced);
  const { color, maxWidth } = opts;
  const maxRows = opts.maxRows ?? 10;
  const e = escapeControl;
  const v = summary.verdict;
  const out: string[] = [];

  for (const line of wrapWords(`${v.state.toUpperCase()}: ${e(v.text)}`, maxWidth)) out.push(paint(line, STATE_TONE[v.state], color));
  for (const line of v.evidence) out.push(...wrapWords(`  - ${e(line)}`, maxWidth, 4));

  const scope = [
    summary.host !== null ? `host ${e(summary.host)}` : null,
    summary.pids.length > 0 ? `pid${summary.pids.length > 1 ? 's' : ''} ${summary.pids.join(', ')}` : null,
    // A file's duration is only the span of its timestamps: strace may have run longer.
    summary.durationMs !== null ? `${summary.durationSource === 'timestamps' ? 'timestamps span' : 'traced'} ${formatMs(summary.durationMs)}` : null,
    `${summary.syscallCount} syscalls`,
  ].filter((s): s is string => s !== null);
  out.push('', ...joinWithin(scope, ' | ', maxWidth).map((line) => paint(line, 'dim', color)));

  if (summary.syscalls.length > 0) {
    // Ordered like `strace -c`: by time when there are -T times, else by count.
    const ranked = rankSyscalls(summary.syscalls);
    out.push('', paint(`Top syscalls (by ${ranked.by})`, 'bold', color));
    out.push(
      ...renderTextTable(
        ranked.rows.slice(0, maxRows),
        [
          { header: 'SYSCALL', cell: (s) => e(s.name) },
          { header: 'CALLS', align: 'right', cell: (s) => String(s.count) },
          { header: 'ERRORS', align: 'right', cell: (s) => (s.errors > 0 ? String(s.errors) : '') },
          { header: '% TIME', align: 'right', cell: (s) => formatPercentValue(s.timePct) },
          { header: 'TOTAL MS', align: 'right', cell: (s) => formatMsValue(s.totalTimeMs) },
          { header: 'MAX MS', align: 'right', cell: (s) => formatMsValue(s.maxTimeMs) },
        ],
        { color },
      ),
    );
    if (summary.syscalls.length > maxRows) out.push(paint(`(${summary.syscalls.length - maxRows} more)`, 'dim', color));
  }

  if (summary.errors.length > 0) {
    out.push('', paint('Errors by errno', 'bold', color));
    out.push(
      ...renderTextTable(
        summary.errors.slice(0, maxRows),
        [
          { header: 'SYSCALL', cell: (x) => e(x.syscall) },
          { header: 'ERRNO', cell: (x) => e(x.errno) },
          { header: 'COUNT', align: 'right', cell: (x) => String(x.count) },
        ],
        { color },
      ),
    );
  }

  if (summary.signals.length > 0) {
    out.push('', paint('Signals', 'bold', color));
    out.push(summary.signals.map((s) => `${e(s.signal)} ×${s.count}`).join(', '));
  }

  const fds = summary.fds.slice(0, maxRows);
  if (fds.length > 0) {
    out.push('', paint('Top fds (by time, then bytes)', 'bold', color));
    out.push(
      ...renderTextTable(
        fds,
        [
          { header: 'PID', align: 'right', cell: (f) => (f.pid === null ? '-' : String(f.pid)) },
          { header: 'FD', align: 'right', cell: (f) => (f.fd < 0 ? '*' : String(f.fd)) },
          { header: 'CALLS', align: 'right', cell: (f) => String(f.calls) },
          { header: 'READ', align: 'right', cell: (f) => formatBytes(f.bytesRead) },
          { header: 'WRITTEN', align: 'right', cell: (f) => formatBytes(f.bytesWritten) },
          { header: 'MS', align: 'right', cell: (f) => formatMsValue(f.timeMs) },
          { header: 'WHAT', cell: (f) => e(f.description ?? ''), fit: { shrink: { step: 1, minWidth: 16 } } },
        ],
        { color, maxWidth },
      ),
    );
  }

  if (summary.unfinished.length > 0) {
    out.push('', paint('Unfinished when the trace ended', 'bold', color));
    out.push(
      ...renderTextTable(
        summary.unfinished,
        [
          { header: 'PID', align: 'right', cell: (u) => (u.pid === null ? '-' : String(u.pid)) },
          { header: 'SYSCALL', cell: (u) => e(u.syscall) },
          { header: 'FD', align: 'right', cell: (u) => (u.fd === null ? '' : String(u.fd)) },
          // ≥: only a lower bound (a file's last timestamp, or a call in progress since before the attach).
          { header: 'WAITED MS', align: 'right', cell: (u) => `${u.waitedIsLowerBound ? '≥ ' : ''}${formatMsValue(u.waitedMs)}` },
          { header: 'WHAT', cell: (u) => e(u.description ?? ''), fit: { shrink: { step: 1, minWidth: 16 } } },
        ],
        { color, maxWidth },
      ),
    );
  }

  if (summary.exits.length > 0) {
    out.push('', paint('Exits', 'bold', color));
    for (const x of summary.exits) out.push(`pid ${x.pid}: ${x.signal !== null ? `killed by ${e(x.signal)}` : `exited with ${x.code ?? '?'}`}`);
  }

  if (summary.unparsedLines > 0) {
    out.push('', paint(`${summary.unparsedLines} line(s) not understood`, 'yellow', color));
    const samples = opts.unparsedSamples ?? [];
    for (const s of samples) out.push(`  ${e(s)}`);
    const more = summary.unparsedLines - samples.length;
    if (samples.length > 0 && more > 0) out.push(paint(`  (${more} more not shown${opts.moreUnparsedHint !== undefined ? `: ${opts.moreUnparsedHint}` : ''})`, 'dim', color));
  }
  return `${out.join('\n')}\n`;
}
