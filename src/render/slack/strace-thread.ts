import type { FdStat, StraceSummary, UnfinishedCall } from '../../strace/types.js';
import { formatBytes, formatCount, formatMsValue, formatPercentValue } from '../format.js';
import { rankSyscalls, type RankedSyscall } from '../rank-syscalls.js';
import { codeTableSections, listSections, monospaceTable, rowsHeading, type SlackColumn, type ThreadSection } from './blocks.js';
import { escapeMrkdwn } from './escape.js';
import type { SlackMessage } from './limits.js';
import { clean, NAME_CHARS, plainTarget } from './strace-target.js';
import { packThreadReplies } from './thread-replies.js';

/** What the parent did not show in full, so the thread repeats it (syscalls, errors and fds always are). */
export type NotInParent = 'evidence' | 'unfinished' | 'signals' | 'exits';

// The thread holds every row: descriptions get more room than in the parent.
const THREAD_EVIDENCE_CHARS = 1000;
const THREAD_DESCRIPTION_CHARS = 200;

/** The syscall table, rows ranked like `strace -c` (rankSyscalls): in the thread in full, and its top rows in the parent. */
export const SYSCALL_COLUMNS: readonly SlackColumn<RankedSyscall>[] = [
  { title: 'syscall', align: 'left', cell: (s) => clean(s.name, NAME_CHARS) },
  { title: 'calls', align: 'right', cell: (s) => formatCount(s.count) },
  // Blank rather than 0 so the rows with errors stand out.
  { title: 'errors', align: 'right', cell: (s) => (s.errors > 0 ? formatCount(s.errors) : '') },
  { title: '% time', align: 'right', cell: (s) => formatPercentValue(s.timePct) },
  { title: 'total ms', align: 'right', cell: (s) => formatMsValue(s.totalTimeMs) },
  { title: 'max ms', align: 'right', cell: (s) => formatMsValue(s.maxTimeMs) },
];

const ERROR_COLUMNS: readonly SlackColumn<StraceSummary['errors'][number]>[] = [
  { title: 'syscall', align: 'left', cell: (e) => clean(e.syscall, NAME_CHARS) },
  { title: 'errno', align: 'left', cell: (e) => clean(e.errno, NAME_CHARS) },
  { title: 'count', align: 'right', cell: (e) => formatCount(e.count) },
];

const FD_COLUMNS: readonly SlackColumn<FdStat>[] = [
  { title: 'pid', align: 'right', cell: (f) => (f.pid === null ? '-' : String(f.pid)) },
  { title: 'fd', align: 'right', cell: (f) => (f.fd < 0 ? '*' : String(f.fd)) },
  { title: 'calls', align: 'right', cell: (f) => formatCount(f.calls) },
  { title: 'read', align: 'right', cell: (f) => formatBytes(f.bytesRead) },
  { title: 'written', align: 'right', cell: (f) => formatBytes(f.bytesWritten) },
  { title: 'ms', align: 'right', cell: (f) => formatMsValue(f.timeMs) },
  { title: 'what', align: 'left', cell: (f) => clean(f.description ?? '', THREAD_DESCRIPTION_CHARS) },
];

const UNFINISHED_COLUMNS: readonly SlackColumn<UnfinishedCall>[] = [
  { title: 'pid', align: 'right', cell: (u) => (u.pid === null ? '-' : String(u.pid)) },
  { title: 'syscall', align: 'left', cell: (u) => clean(u.syscall, NAME_CHARS) },
  { title: 'fd', align: 'right', cell: (u) => (u.fd === null ? '' : String(u.fd)) },
  // ≥: only a lower bound (a file's last timestamp, or a call in progress since before the attach).
  { title: 'waited ms', align: 'right', cell: (u) => `${u.waitedIsLowerBound ? '≥ ' : ''}${formatMsValue(u.waitedMs)}` },
  { title: 'what', align: 'left', cell: (u) => clean(u.description ?? '', THREAD_DESCRIPTION_CHARS) },
];

/** Returns `SIGALRM ×2` (mrkdwn). */
export function signalText(s: StraceSummary['signals'][number]): string {
  return `${escapeMrkdwn(clean(s.signal, NAME_CHARS))} ×${formatCount(s.count)}`;
}

/** Returns `pid 1 killed by SIGKILL` or `pid 1 exited with 0` (mrkdwn). */
export function exitText(x: StraceSummary['exits'][number]): string {
  return `pid ${x.pid} ${x.signal !== null ? `killed by ${escapeMrkdwn(clean(x.signal, NAME_CHARS))}` : `exited with ${x.code ?? '?'}`}`;
}

/**
 * Returns the thread of a trace's parent: every table in full (syscalls, errors, fds) and what the
 * parent did not show in full (`notInParent`), as sections packed into replies; stops at `maxReplies`
 * and then says the rest is in the summary file.
 */
export function renderStraceThread(summary: StraceSummary, host: string, maxReplies: number, notInParent: ReadonlySet<NotInParent>): { replies: SlackMessage[]; isTruncated: boolean } {
  const sections: ThreadSection[] = [];
  if (notInParent.has('evidence')) {
    sections.push(...listSections('Evidence', 'evidence', summary.verdict.evidence.map((e) => `• ${escapeMrkdwn(clean(e, THREAD_EVIDENCE_CHARS))}`)));
  }
  sections.push(...tableSections('Syscalls', 'syscalls', SYSCALL_COLUMNS, rankSyscalls(summary.syscalls).rows));
  sections.push(...tableSections('Errors by errno', 'errors', ERROR_COLUMNS, summary.errors));
  sections.push(...tableSections('File descriptors and peers', 'fds', FD_COLUMNS, summary.fds));
  if (notInParent.has('unfinished')) sections.push(...tableSections('Unfinished when the trace ended', 'unfinished', UNFINISHED_COLUMNS, summary.unfinished));
  if (notInParent.has('signals')) sections.push(...listSections('Signals', 'signals', summary.signals.map((s) => `• ${signalText(s)}`)));
  if (notInParent.has('exits')) sections.push(...listSections('Exits', 'exits', summary.exits.map((x) => `• ${exitText(x)}`)));

  return packThreadReplies(sections, {
    title: (labels) => `strace of ${plainTarget(host, summary.pids)}: ${labels.join(', ')}`,
    maxReplies,
    restNote: 'The rest did not fit in the thread: see the attached summary file.',
  });
}

/** A full table as code-block sections of at most 3000 chars each, the header repeated in each. */
function tableSections<Row>(title: string, label: string, columns: readonly SlackColumn<Row>[], rows: readonly Row[]): ThreadSection[] {
  return rows.length === 0 ? [] : codeTableSections(monospaceTable(columns, rows), rowsHeading(title), label);
}
