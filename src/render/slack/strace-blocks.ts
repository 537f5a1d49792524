import type { ContextBlock, KnownBlock, SectionBlock } from '@slack/types';
import type { FdStat, StraceSummary, UnfinishedCall, VerdictState } from '../../strace/types.js';
import { escapeControl } from '../escape-control.js';
import { formatBytes, formatCount, formatMs, formatMsAsSeconds, plural } from '../format.js';
import { rankSyscalls } from '../rank-syscalls.js';
import { redactStraceSummary } from '../redact-strace-summary.js';
import { askedBy, codeBlock, context, header, monospaceTable, packLines, section, tableBlock } from './blocks.js';
import { countChars, escapeCodeSpan, escapeMrkdwn, truncateEscaped, truncatePlain } from './escape.js';
import { measureBlockText, SLACK_LIMITS, type SlackFile, type SlackMessage, type ThreadGaps } from './limits.js';
import { describeRawLog, renderRawLogUpload, renderStraceSummaryFile, type RawLogDelivery, type RawLogUpload } from './strace-files.js';
import { clean, NAME_CHARS, pidList, plainTarget } from './strace-target.js';
import { exitText, renderStraceThread, signalText, SYSCALL_COLUMNS, type NotInParent } from './strace-thread.js';
import { describeThreadGaps } from './thread-notes.js';

// The parent message of a trace: the verdict and its evidence, the scope, the top syscalls and short
// lists of what stands out, each cut to keep the message within Block Kit limits. The progress it shows
// before is strace-progress-blocks.ts, its thread strace-thread.ts, its files strace-files.ts.

export interface StraceRenderOptions {
  host: string;
  requestedBy?: string;
  /** Size of the redacted raw log saved while streaming (TraceResult.rawLog.bytes); omit when there is none. */
  rawLogBytes?: number;
  /** Where the raw log goes and how far it got; the footer says exactly that. Default: thread, pending. */
  rawLog?: RawLogDelivery;
  /** True when the raw log was cut at the output cap. */
  truncated?: boolean;
  /** `block`: Slack's table block for the top syscalls (one per message); `monospace`: a code block section. */
  tableStyle?: 'block' | 'monospace';
  /** Thread replies beyond this many are not rendered; their content goes into `summaryFile`. */
  maxThreadReplies?: number;
  /**
   * What did not reach the thread (set when the parent is rendered again after a failed reply or
   * upload): the footer then claims neither. The raw log's own fate is `rawLog`.
   */
  gaps?: ThreadGaps;
}

/** The parent message plus what goes into its thread. */
export interface StraceMessage extends SlackMessage {
  /** Full tables (syscalls, fds, errors, …), posted as replies in the parent's thread, in order. */
  threadReplies: SlackMessage[];
  /** The raw log to upload (thread or the requester's DM); set when `rawLogBytes` is non-zero and the destination is not `none`. */
  file?: RawLogUpload;
  /** The whole summary as text; set when the thread could not hold every table (`isTruncated`). */
  summaryFile?: SlackFile;
  /** True when the thread replies could not show every row (then `summaryFile` is set). */
  isTruncated: boolean;
}

const STATE_EMOJI: Record<VerdictState, string> = {
  idle: ':large_green_circle:',
  active: ':zap:',
  blocked: ':no_entry:',
  sleeping: ':sleeping:',
  // In a call nothing names (sleeping or blocked): a question, not the queue's :hourglass:.
  waiting: ':grey_question:',
  'cpu-bound': ':fire:',
  silent: ':mute:',
  exited: ':checkered_flag:',
  'not-traced': ':warning:',
};

const STATE_LABEL: Record<VerdictState, string> = {
  idle: 'Idle',
  active: 'Active',
  blocked: 'Blocked',
  sleeping: 'Sleeping',
  waiting: 'Waiting',
  'cpu-bound': 'CPU-bound',
  silent: 'Silent',
  exited: 'Exited',
  'not-traced': 'Not traced',
};

// Parent message caps: the parent is a glance; every row is in the thread.
const EVIDENCE_SHOWN = 8;
const EVIDENCE_CHARS = 300;
const VERDICT_CHARS = 600;
const PARENT_SYSCALL_ROWS = 10;
const PARENT_LIST_ROWS = 5;
const SIGNALS_SHOWN = 10;
const DESCRIPTION_CHARS = 120;
// A section smaller than this is not worth showing cut; it is dropped (the thread has it).
const MIN_SECTION_CHARS = 200;
// Room kept in the parent's budget for the footer context (its longest form is about 170 chars).
const FOOTER_RESERVE_CHARS = 300;

/**
 * Returns the parent message (verdict, evidence, top tables), its thread replies (every table in full)
 * and the raw-log upload for one strace summary, every message within Block Kit limits. Everything
 * taken from the trace is redacted (before any cut, so half a secret never shows) and escaped, so a
 * file named `<!channel>` cannot ping.
 */
export function renderStraceMessage(traced: StraceSummary, opts: StraceRenderOptions): StraceMessage {
  const summary = redactStraceSummary(traced);
  const v = summary.verdict;
  const pids = summary.pids;
  const delivery: RawLogDelivery = opts.rawLog ?? { destination: 'thread', state: 'pending' };
  const file = delivery.destination === 'none' ? undefined : renderRawLogUpload(opts.host, pids, opts.rawLogBytes, opts.truncated === true);

  // plain_text is not parsed by Slack, so the host and the label need no escaping here.
  const title = header(`${STATE_EMOJI[v.state]} ${STATE_LABEL[v.state]}: strace of ${plainTarget(opts.host, pids)}`);
  const verdictLine = `*${escapeMrkdwn(clean(v.text, VERDICT_CHARS))}*`;
  const evidence = packLines(
    v.evidence.slice(0, EVIDENCE_SHOWN).map((e) => `• ${escapeMrkdwn(clean(e, EVIDENCE_CHARS))}`),
    SLACK_LIMITS.sectionTextChars - countChars(verdictLine) - 1,
    moreLine,
    v.evidence.length,
  );
  const verdict = section([verdictLine, ...evidence.lines].join('\n'));
  const scope = scopeContext(summary, opts);
  const table = renderTopSyscalls(summary, opts.tableStyle ?? 'block');

  // What the parent shows only in part is given in full in the thread (errors and fds always are).
  const notInParent = new Set<NotInParent>();
  if (evidence.omitted > 0) notInParent.add('evidence');
  if (summary.unfinished.length > PARENT_LIST_ROWS) notInParent.add('unfinished');
  if (summary.signals.length > SIGNALS_SHOWN) notInParent.add('signals');
  if (summary.exits.length > PARENT_LIST_ROWS) notInParent.add('exits');
  // Optional sections in priority order, each cut or dropped to keep the whole message in budget;
  // what a section held is then in the thread.
  const optional: { text: string | null; inThread: readonly NotInParent[] }[] = [
    { text: unfinishedSection(summary), inThread: ['unfinished'] },
    { text: errorsSection(summary), inThread: [] },
    { text: fdsSection(summary), inThread: [] },
    { text: signalsAndExitsSection(summary), inThread: ['signals', 'exits'] },
  ];
  let budget = SLACK_LIMITS.messageTextChars - measureBlockText([title, verdict, scope, ...table]) - FOOTER_RESERVE_CHARS;
  const middle: SectionBlock[] = [];
  for (const { text, inThread } of optional) {
    if (text === null) continue;
    const limit = Math.min(SLACK_LIMITS.sectionTextChars, budget);
    if (countChars(text) <= limit) {
      middle.push(section(text));
      budget -= countChars(text);
      continue;
    }
    for (const part of inThread) notInParent.add(part);
    if (limit >= MIN_SECTION_CHARS) {
      const shortened = truncateEscaped(text, limit, '\n…(more in the thread)');
      middle.push(section(shortened));
      budget -= countChars(shortened);
    }
  }
  const thread = renderStraceThread(summary, opts.host, opts.maxThreadReplies ?? 4, notInParent);
  const summaryFile = thread.isTruncated ? renderStraceSummaryFile(summary, opts.host) : undefined;
  const logNote = describeRawLog(opts.rawLogBytes ?? 0, file, delivery, opts.requestedBy);
  const footerBlock = footerContext(summary, logNote, thread, summaryFile, opts.gaps, file?.filename);
  const footer = footerBlock === null ? [] : [footerBlock];

  return {
    text: fallbackText(summary, opts.host),
    // Slack shows a table block after the rest of the message, so it goes last.
    blocks: [title, verdict, scope, ...middle, ...footer, ...table],
    threadReplies: thread.replies,
    ...(file === undefined ? {} : { file }),
    ...(summaryFile === undefined ? {} : { summaryFile }),
    isTruncated: thread.isTruncated,
  };
}

function fallbackText(summary: StraceSummary, host: string): string {
  const v = summary.verdict;
  const text = `${STATE_LABEL[v.state]}: strace of ${plainTarget(host, summary.pids)}: ${escapeControl(v.text)}`;
  return escapeMrkdwn(truncatePlain(text, SLACK_LIMITS.fallbackTextChars));
}

function scopeContext(summary: StraceSummary, opts: StraceRenderOptions): ContextBlock {
  const parts = [`\`${escapeCodeSpan(opts.host)}\` · ${pidList(summary.pids)}`];
  const facts: string[] = [];
  // A file's duration is only the span of its timestamps: strace may have run longer.
  if (summary.durationMs !== null) facts.push(summary.durationSource === 'timestamps' ? `timestamps span ${formatMsAsSeconds(summary.durationMs)} s` : `${formatMsAsSeconds(summary.durationMs)} s traced`);
  facts.push(plural(summary.syscallCount, 'syscall'));
  if (summary.unparsedLines > 0) facts.push(`${plural(summary.unparsedLines, 'line')} not understood`);
  parts.push(facts.join(' · '));
  const who = askedBy(opts.requestedBy);
  if (who !== null) parts.push(who);
  return context(parts);
}

function footerContext(
  summary: StraceSummary,
  logNote: string | null,
  thread: { replies: SlackMessage[]; isTruncated: boolean },
  summaryFile: SlackFile | undefined,
  gaps: ThreadGaps | undefined,
  rawLogFilename: string | undefined,
): ContextBlock | null {
  const parts: string[] = [];
  const shown = Math.min(PARENT_SYSCALL_ROWS, summary.syscalls.length);
  if (summary.syscalls.length > shown) parts.push(`Top ${shown} of ${formatCount(summary.syscalls.length)} syscalls below.`);
  // Only what reached the thread is claimed; the gap note names what did not (the raw log has its own note).
  const summaryArrived = summaryFile !== undefined && !(gaps?.files ?? []).includes(summaryFile.filename);
  if (thread.replies.length > 0 && (gaps?.replies ?? 0) === 0) parts.push(`Full tables in the thread${summaryArrived ? ' (the rest in the attached summary file)' : ''}.`);
  else if (summaryArrived) parts.push('The full summary is attached in the thread.');
  const gapNote = describeThreadGaps(gaps, rawLogFilename === undefined ? [] : [rawLogFilename]);
  if (gapNote !== null) parts.push(gapNote);
  if (logNote !== null) parts.push(logNote);
  return parts.length === 0 ? null : context([parts.join(' ')]);
}

function fdTarget(pid: number | null, fd: number | null, description: string | null, showPid: boolean, maxChars = DESCRIPTION_CHARS): string {
  const who = showPid && pid !== null ? `pid ${pid} ` : '';
  const fdText = fd === null ? '' : fd < 0 ? 'other fds' : `fd ${fd}`;
  const what = description === null || description === '' ? '' : ` \`${escapeCodeSpan(clean(description, maxChars))}\``;
  return `${who}${fdText}${what}`.trim();
}

function hasManyPids(summary: StraceSummary): boolean {
  const seen = new Set<number | null>([...summary.pids, ...summary.fds.map((f) => f.pid), ...summary.unfinished.map((u) => u.pid)]);
  seen.delete(null);
  return seen.size > 1;
}

function unfinishedLine(u: UnfinishedCall, showPid: boolean): string {
  const where = fdTarget(u.pid, u.fd, u.description, showPid);
  // ≥: only a lower bound (a file's last timestamp, or a call in progress since before the attach).
  const waited = u.waitedMs === null ? '' : `: waited ${u.waitedIsLowerBound ? '≥ ' : ''}${formatMs(u.waitedMs)}`;
  return `• \`${escapeCodeSpan(clean(u.syscall, NAME_CHARS))}\`${where === '' ? '' : ` on ${where}`}${waited}`;
}

function moreLine(omitted: number): string {
  return `_…and ${formatCount(omitted)} more (see the thread)_`;
}

function listSection(title: string, lines: readonly string[], total: number): string {
  return [title, ...packLines(lines, SLACK_LIMITS.sectionTextChars - countChars(title) - 1, moreLine, total).lines].join('\n');
}

function unfinishedSection(summary: StraceSummary): string | null {
  if (summary.unfinished.length === 0) return null;
  const showPid = hasManyPids(summary);
  const lines = summary.unfinished.slice(0, PARENT_LIST_ROWS).map((u) => unfinishedLine(u, showPid));
  return listSection('*Unfinished when the trace ended*', lines, summary.unfinished.length);
}

function errorsSection(summary: StraceSummary): string | null {
  if (summary.errors.length === 0) return null;
  const lines = summary.errors
    .slice(0, PARENT_LIST_ROWS)
    .map((e) => `• \`${escapeCodeSpan(clean(e.syscall, NAME_CHARS))}\` ${escapeMrkdwn(clean(e.errno, NAME_CHARS))} ×${formatCount(e.count)}`);
  return listSection('*Errors by errno*', lines, summary.errors.length);
}

function fdLine(f: FdStat, showPid: boolean, maxChars = DESCRIPTION_CHARS): string {
  const facts = [plural(f.calls, 'call')];
  if (f.bytesRead > 0) facts.push(`${formatBytes(f.bytesRead)} read`);
  if (f.bytesWritten > 0) facts.push(`${formatBytes(f.bytesWritten)} written`);
  if (f.timeMs !== null) facts.push(formatMs(f.timeMs));
  return `• ${fdTarget(f.pid, f.fd, f.description, showPid, maxChars)} · ${facts.join(' · ')}`;
}

function fdsSection(summary: StraceSummary): string | null {
  if (summary.fds.length === 0) return null;
  const showPid = hasManyPids(summary);
  const lines = summary.fds.slice(0, PARENT_LIST_ROWS).map((f) => fdLine(f, showPid));
  return listSection('*Top fds and peers*', lines, summary.fds.length);
}

function signalsAndExitsSection(summary: StraceSummary): string | null {
  const parts: string[] = [];
  if (summary.signals.length > 0) {
    const shown = summary.signals.slice(0, SIGNALS_SHOWN).map(signalText);
    const more = summary.signals.length > SIGNALS_SHOWN ? `, …and ${summary.signals.length - SIGNALS_SHOWN} more` : '';
    parts.push(`*Signals:* ${shown.join(', ')}${more}`);
  }
  if (summary.exits.length > 0) {
    const shown = summary.exits.slice(0, PARENT_LIST_ROWS).map(exitText);
    const more = summary.exits.length > PARENT_LIST_ROWS ? `, _…and ${summary.exits.length - PARENT_LIST_ROWS} more (see the thread)_` : '';
    parts.push(`*Exits:* ${shown.join(', ')}${more}`);
  }
  return parts.length === 0 ? null : parts.join('\n');
}

function renderTopSyscalls(summary: StraceSummary, style: 'block' | 'monospace'): KnownBlock[] {
  // Ordered like `strace -c`: by time when there are -T times, else by count.
  const rows = rankSyscalls(summary.syscalls).rows.slice(0, PARENT_SYSCALL_ROWS);
  if (rows.length === 0) return [];
  if (style === 'monospace') {
    const table = monospaceTable(SYSCALL_COLUMNS, rows);
    return [section(`*Top syscalls*\n${codeBlock([table.header, ...table.rows])}`)];
  }
  // raw_text cells are literal: a syscall named `<!channel>` shows as such.
  return [tableBlock(SYSCALL_COLUMNS, rows)];
}
