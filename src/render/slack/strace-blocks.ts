import type { ContextBlock, HeaderBlock, KnownBlock, RawTextElement, SectionBlock, TableBlock } from '@slack/types';
import type { FdStat, StraceSummary, UnfinishedCall, VerdictState } from '../../strace/types.js';
import { formatTimePct, rankSyscalls, type RankedSyscall } from '../rank-syscalls.js';
import { redactStraceSummary } from '../redact-strace-summary.js';
import { escapeControlChars } from '../text/status-table.js';
import { renderStraceText } from '../text/strace-summary.js';
import { countChars, escapeCodeBlock, escapeCodeSpan, escapeMrkdwn, truncateEscaped, truncatePlain } from './escape.js';
import { measureBlockText, SLACK_LIMITS, type SlackFile, type SlackMessage, type ThreadGaps } from './limits.js';
import { describeThreadGaps } from './thread-notes.js';
import { packThreadReplies, type ThreadSection } from './thread-replies.js';

/** What the parent message says before strace attached (preflight still running). */
export interface TracePendingOptions {
  /** The configured host name the user asked for (a slug). */
  host: string;
  /** Empty while a worker name is not yet looked up on the host. */
  pids: readonly number[];
  /** The worker the pids were asked for by name (`trace web-1 HttpApi01`), if any. */
  workerName?: string;
  durationMs: number;
  /** Slack user ID of who asked (`U…`/`W…`); shown as a mention. */
  requestedBy?: string;
}

/** One progress update of a running trace (from runTrace's onProgress). */
export interface TraceProgressOptions extends TracePendingOptions {
  elapsedMs: number;
  /** Trace lines received so far. */
  lines: number;
}

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

/**
 * The raw strace log to upload into the thread. The renderer never holds the log: the edge reads
 * `TraceResult.rawLog.path` (already redacted), gzips it when `gzip` is set, and uploads it under this name.
 */
export interface RawLogUpload {
  filename: string;
  title: string;
  gzip: boolean;
  /** Size before compression. */
  bytes: number;
}

/**
 * Where the raw log goes (the host's `strace.rawLog`) and how far it got. The parent is rendered again
 * once the upload is done, so it never claims a file that is not there.
 */
export interface RawLogDelivery {
  destination: 'requester' | 'thread' | 'none';
  /** `pending` while it uploads, `sent` once Slack accepted it, `failed` otherwise (with Slack's error code). */
  state: 'pending' | 'sent' | 'failed';
  error?: string;
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

/** Raw logs above this size are gzipped before upload (strace text compresses about 10:1). */
export const RAW_LOG_GZIP_ABOVE_BYTES = 1024 * 1024;

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

/** Parent parts that, when cut or dropped to fit, are repeated in full in the thread (errors and fds always are). */
type ThreadExtra = 'evidence' | 'unfinished' | 'errors' | 'fds' | 'signals-exits';

const PROGRESS_CELLS = 10;
const PIDS_SHOWN = 5;
// Parent message caps: the parent is a glance; every row is in the thread.
const EVIDENCE_SHOWN = 8;
const EVIDENCE_CHARS = 300;
const THREAD_EVIDENCE_CHARS = 1000;
const VERDICT_CHARS = 600;
const PARENT_SYSCALL_ROWS = 10;
const PARENT_LIST_ROWS = 5;
const SIGNALS_SHOWN = 10;
const DESCRIPTION_CHARS = 120;
const THREAD_DESCRIPTION_CHARS = 200;
const NAME_CHARS = 40;
// A section smaller than this is not worth showing cut; it is dropped (the thread has it).
const MIN_SECTION_CHARS = 200;
// Room kept in the parent's budget for the footer context (its longest form is about 170 chars).
const FOOTER_RESERVE_CHARS = 300;
// Thread reply budget, as in the status renderer: below the message budget, room for intro lines.

/** Returns the parent message posted when a trace is accepted, before strace attaches (0% bar). */
export function renderTracePending(opts: TracePendingOptions): SlackMessage {
  const what = traceTitle(opts.host, opts.pids, opts.workerName);
  const line = `\`${progressBar(0)}\` 0% · ${formatSeconds(opts.durationMs)} s time box · checking strace and permissions…`;
  return {
    text: escapeMrkdwn(truncatePlain(`Tracing ${plainTarget(opts.host, opts.pids, opts.workerName)} for ${formatSeconds(opts.durationMs)} s…`, SLACK_LIMITS.fallbackTextChars)),
    blocks: [section(`:mag: *${what}* for ${formatSeconds(opts.durationMs)} s\n${line}`), progressContext(opts.requestedBy)],
  };
}

/** Returns the parent message while the trace runs: a text progress bar (`▓▓▓▓▓░░░░░ 50% · 2.5 of 5 s · 1,234 lines`). */
export function renderTraceProgress(opts: TraceProgressOptions): SlackMessage {
  const fraction = opts.durationMs <= 0 ? 1 : Math.min(1, Math.max(0, opts.elapsedMs / opts.durationMs));
  const percent = Math.floor(fraction * 100);
  const shownElapsedMs = Math.min(Math.max(0, opts.elapsedMs), Math.max(0, opts.durationMs));
  const lines = `${formatCount(opts.lines)} ${opts.lines === 1 ? 'line' : 'lines'}`;
  // Past the time box strace still detaches and the host re-reads /proc: say so rather than sit at 100%.
  const finishing = fraction >= 1 ? ' · detaching and summarising…' : '';
  const progress = `${percent}% · ${formatSeconds(shownElapsedMs)} of ${formatSeconds(opts.durationMs)} s · ${lines}${finishing}`;
  return {
    text: escapeMrkdwn(truncatePlain(`Tracing ${plainTarget(opts.host, opts.pids, opts.workerName)}: ${progress}`, SLACK_LIMITS.fallbackTextChars)),
    blocks: [section(`:mag: *${traceTitle(opts.host, opts.pids, opts.workerName)}*\n\`${progressBar(fraction)}\` ${progress}`), progressContext(opts.requestedBy)],
  };
}

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

  const header: HeaderBlock = {
    type: 'header',
    // plain_text is not parsed by Slack, so the host and the label need no escaping here.
    text: { type: 'plain_text', emoji: true, text: truncatePlain(`${STATE_EMOJI[v.state]} ${STATE_LABEL[v.state]}: strace of ${plainTarget(opts.host, pids)}`, SLACK_LIMITS.headerChars) },
  };
  const verdictLine = `*${escapeMrkdwn(clean(v.text, VERDICT_CHARS))}*`;
  const evidence = packLines(
    v.evidence.slice(0, EVIDENCE_SHOWN).map((e) => `• ${escapeMrkdwn(clean(e, EVIDENCE_CHARS))}`),
    v.evidence.length,
    SLACK_LIMITS.sectionTextChars - countChars(verdictLine) - 1,
  );
  const verdict = section([verdictLine, ...evidence.lines].join('\n'));
  const scope = scopeContext(summary, opts);
  const table = renderTopSyscalls(summary, opts.tableStyle ?? 'block');

  // Optional sections in priority order, each cut or dropped to keep the whole message in budget;
  // what the parent cut this way is then given in full in the thread.
  const optional: { key: ThreadExtra; text: string | null }[] = [
    { key: 'unfinished', text: unfinishedSection(summary) },
    { key: 'errors', text: errorsSection(summary) },
    { key: 'fds', text: fdsSection(summary) },
    { key: 'signals-exits', text: signalsAndExitsSection(summary) },
  ];
  const cut = new Set<ThreadExtra>(evidence.omitted > 0 ? ['evidence'] : []);
  let budget = SLACK_LIMITS.messageTextChars - measureBlockText([header, verdict, scope, ...table]) - FOOTER_RESERVE_CHARS;
  const middle: SectionBlock[] = [];
  for (const { key, text } of optional) {
    if (text === null) continue;
    const limit = Math.min(SLACK_LIMITS.sectionTextChars, budget);
    if (countChars(text) <= limit) {
      middle.push(section(text));
      budget -= countChars(text);
      continue;
    }
    cut.add(key);
    if (limit >= MIN_SECTION_CHARS) {
      const shortened = truncateEscaped(text, limit, '\n…(more in the thread)');
      middle.push(section(shortened));
      budget -= countChars(shortened);
    }
  }
  const thread = renderThreadReplies(summary, opts.host, opts.maxThreadReplies ?? 4, cut);
  const summaryFile = thread.isTruncated ? renderStraceSummaryFile(summary, opts.host) : undefined;
  const logNote = rawLogNote(opts.rawLogBytes ?? 0, file, delivery, opts.requestedBy);
  const footerBlock = footerContext(summary, logNote, thread, summaryFile, opts.gaps, file?.filename);
  const footer = footerBlock === null ? [] : [footerBlock];

  return {
    text: fallbackText(summary, opts.host),
    // Slack shows a table block after the rest of the message, so it goes last.
    blocks: [header, verdict, scope, ...middle, ...footer, ...table],
    threadReplies: thread.replies,
    ...(file === undefined ? {} : { file }),
    ...(summaryFile === undefined ? {} : { summaryFile }),
    isTruncated: thread.isTruncated,
  };
}

/**
 * Returns the message the raw log is attached under in the requester's DM with the bot: which trace it
 * is and where it was asked (`channelId` becomes a channel link only when it has a channel ID's shape).
 */
export function renderRawLogDmMessage(opts: { host: string; pids: readonly number[]; workerName?: string; channelId: string }): SlackMessage {
  const where = /^[CG][A-Z0-9]{2,}$/.test(opts.channelId) ? ` in <#${opts.channelId}>` : '';
  const text = `:page_facing_up: The raw log of your ${traceTitle(opts.host, opts.pids, opts.workerName)}${where} (secrets redacted; only you see this DM).`;
  return { text, blocks: [section(text)] };
}

/** Returns the whole summary as a text file (every row of every table), for when the thread is not enough. */
export function renderStraceSummaryFile(traced: StraceSummary, host: string): SlackFile {
  const summary = redactStraceSummary(traced);
  return {
    filename: `strace-summary-${fileSlug(host)}-${pidSlug(summary.pids)}.txt`,
    title: `strace summary of ${plainTarget(host, summary.pids)}`,
    content: renderStraceText(summary, { color: false, maxRows: Number.MAX_SAFE_INTEGER }),
  };
}

function renderRawLogUpload(host: string, pids: readonly number[], bytes: number | undefined, isCut: boolean): RawLogUpload | undefined {
  if (bytes === undefined || bytes <= 0) return undefined;
  const gzip = bytes > RAW_LOG_GZIP_ABOVE_BYTES;
  return {
    filename: `strace-${fileSlug(host)}-${pidSlug(pids)}.log${gzip ? '.gz' : ''}`,
    title: `strace log of ${plainTarget(host, pids)} (secrets redacted${isCut ? ', cut at the size cap' : ''})`,
    gzip,
    bytes,
  };
}

function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(texts: readonly string[]): ContextBlock {
  return { type: 'context', elements: texts.slice(0, SLACK_LIMITS.contextElements).map((text) => ({ type: 'mrkdwn' as const, text })) };
}

/** Trace text made single-line and bounded before escaping (control chars would break bullets). */
function clean(text: string, maxChars: number): string {
  return truncatePlain(escapeControlChars(text), maxChars);
}

function askedBy(userId: string | undefined): string | null {
  if (userId === undefined) return null;
  // A user ID from Slack's payload; anything else is shown as text, never as markup.
  return /^[UW][A-Z0-9]{2,}$/.test(userId) ? `asked by <@${userId}>` : `asked by ${escapeMrkdwn(userId)}`;
}

function progressContext(requestedBy: string | undefined): ContextBlock {
  const who = askedBy(requestedBy);
  // Said on every update because strace slows the target for as long as it is attached.
  const note = 'strace slows the traced process down while attached; the time box is enforced on the host';
  return context(who === null ? [note] : [who, note]);
}

function progressBar(fraction: number): string {
  const filled = Math.floor(Math.min(1, Math.max(0, fraction)) * PROGRESS_CELLS);
  return '▓'.repeat(filled) + '░'.repeat(PROGRESS_CELLS - filled);
}

/** `1234567` -> `1,234,567` (fixed, not the host's locale, so snapshots and messages are stable). */
function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `2500` -> `2.5`, `5000` -> `5`. */
function formatSeconds(ms: number): string {
  return (ms / 1000).toFixed(1).replace(/\.0$/, '');
}

function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(1);
  return ms.toFixed(3);
}

function formatWait(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${formatMs(ms)} ms`;
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

function pidList(pids: readonly number[]): string {
  if (pids.length === 0) return 'no pid';
  const shown = pids.slice(0, PIDS_SHOWN).join(', ');
  const more = pids.length > PIDS_SHOWN ? ` +${pids.length - PIDS_SHOWN} more` : '';
  return `${pids.length === 1 ? 'pid' : 'pids'} ${shown}${more}`;
}

/** Unescaped "pid 1 on web-1" (or "worker W (pids 1, 2) on web-1"), for plain_text and (escaped later) fallback text and file titles. */
function plainTarget(host: string, pids: readonly number[], workerName?: string): string {
  if (workerName === undefined) return `${pidList(pids)} on ${host}`;
  const name = truncatePlain(escapeControlChars(workerName), NAME_CHARS);
  return `worker ${name}${pids.length === 0 ? '' : ` (${pidList(pids)})`} on ${host}`;
}

/** mrkdwn "strace of pid 1 on `web-1`" (or "strace of worker `W` (pids 1, 2) on `web-1`"). */
function traceTitle(host: string, pids: readonly number[], workerName?: string): string {
  if (workerName === undefined) return `strace of ${pidList(pids)} on \`${escapeCodeSpan(host)}\``;
  const name = escapeCodeSpan(truncatePlain(escapeControlChars(workerName), NAME_CHARS));
  return `strace of worker \`${name}\`${pids.length === 0 ? '' : ` (${pidList(pids)})`} on \`${escapeCodeSpan(host)}\``;
}

function fileSlug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'host';
}

function pidSlug(pids: readonly number[]): string {
  if (pids.length === 0) return 'nopid';
  return pids.length > 3 ? `${pids.slice(0, 3).join('-')}-and-${pids.length - 3}-more` : pids.join('-');
}

function plural(n: number, word: string, words = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : words}`;
}

function fallbackText(summary: StraceSummary, host: string): string {
  const v = summary.verdict;
  const text = `${STATE_LABEL[v.state]}: strace of ${plainTarget(host, summary.pids)}: ${escapeControlChars(v.text)}`;
  return escapeMrkdwn(truncatePlain(text, SLACK_LIMITS.fallbackTextChars));
}

function scopeContext(summary: StraceSummary, opts: StraceRenderOptions): ContextBlock {
  const parts = [`\`${escapeCodeSpan(opts.host)}\` · ${pidList(summary.pids)}`];
  const facts: string[] = [];
  // A file's duration is only the span of its timestamps: strace may have run longer.
  if (summary.durationMs !== null) facts.push(summary.durationSource === 'timestamps' ? `timestamps span ${formatSeconds(summary.durationMs)} s` : `${formatSeconds(summary.durationMs)} s traced`);
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

/** What the parent says about the raw log: where it went, only once it is there (mrkdwn). */
function rawLogNote(bytes: number, file: RawLogUpload | undefined, delivery: RawLogDelivery, requestedBy: string | undefined): string | null {
  if (bytes <= 0) return null;
  if (delivery.destination === 'none' || file === undefined) return 'The raw log is not shared (`strace.rawLog: none`).';
  const what = `Raw log (${formatBytes(file.bytes)}${file.gzip ? ', gzipped' : ''}, secrets redacted)`;
  const who = requestedBy !== undefined && /^[UW][A-Z0-9]{2,}$/.test(requestedBy) ? `<@${requestedBy}>` : 'the requester';
  const why = delivery.error === undefined ? '' : ` (\`${escapeCodeSpan(delivery.error)}\`)`;
  if (delivery.destination === 'requester') {
    if (delivery.state === 'sent') return `${what} sent to ${who} in a DM with the bot.`;
    if (delivery.state === 'failed') return `The raw log could not be sent to ${who}${why}.`;
    return `${what}: sending it to ${who} in a DM with the bot…`;
  }
  if (delivery.state === 'sent') return `${what} attached in the thread.`;
  if (delivery.state === 'failed') return `The raw log could not be attached in the thread${why}.`;
  return `${what}: attaching it in the thread…`;
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
  // ≥: a file's last timestamp bounds the wait from below (the call may have gone on after it).
  const waited = u.waitedMs === null ? '' : `: waited ${u.waitedIsLowerBound ? '≥ ' : ''}${formatWait(u.waitedMs)}`;
  return `• \`${escapeCodeSpan(clean(u.syscall, NAME_CHARS))}\`${where === '' ? '' : ` on ${where}`}${waited}`;
}

function moreLine(omitted: number): string {
  return `_…and ${formatCount(omitted)} more (see the thread)_`;
}

/** Keeps lines while they fit `maxChars` (of `total` lines in all), then says how many more there are. */
function packLines(lines: readonly string[], total: number, maxChars: number): { lines: string[]; omitted: number } {
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const reserve = countChars(moreLine(total)) + 1;
    if (used + countChars(line) + 1 + reserve > maxChars) break;
    kept.push(line);
    used += countChars(line) + 1;
  }
  const omitted = total - kept.length;
  return { lines: omitted > 0 ? [...kept, moreLine(omitted)] : kept, omitted };
}

function listSection(title: string, lines: readonly string[], total: number): string {
  return [title, ...packLines(lines, total, SLACK_LIMITS.sectionTextChars - countChars(title) - 1).lines].join('\n');
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
  if (f.timeMs !== null) facts.push(`${formatMs(f.timeMs)} ms`);
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
    const shown = summary.signals.slice(0, SIGNALS_SHOWN).map((s) => `${escapeMrkdwn(clean(s.signal, NAME_CHARS))} ×${formatCount(s.count)}`);
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

function exitText(x: StraceSummary['exits'][number]): string {
  return `pid ${x.pid} ${x.signal !== null ? `killed by ${escapeMrkdwn(clean(x.signal, NAME_CHARS))}` : `exited with ${x.code ?? '?'}`}`;
}

interface Column<Row> {
  title: string;
  align: 'left' | 'right';
  get: (row: Row) => string;
}

type SyscallRow = RankedSyscall;

const SYSCALL_COLUMNS: readonly Column<SyscallRow>[] = [
  { title: 'syscall', align: 'left', get: (s) => clean(s.name, NAME_CHARS) },
  { title: 'calls', align: 'right', get: (s) => formatCount(s.count) },
  // Blank rather than 0 so the rows with errors stand out.
  { title: 'errors', align: 'right', get: (s) => (s.errors > 0 ? formatCount(s.errors) : '') },
  { title: '% time', align: 'right', get: (s) => formatTimePct(s.timePct) },
  { title: 'total ms', align: 'right', get: (s) => formatMs(s.totalTimeMs) },
  { title: 'max ms', align: 'right', get: (s) => formatMs(s.maxTimeMs) },
];

function renderTopSyscalls(summary: StraceSummary, style: 'block' | 'monospace'): KnownBlock[] {
  // Ordered like `strace -c`: by time when there are -T times, else by count.
  const rows = rankSyscalls(summary.syscalls).rows.slice(0, PARENT_SYSCALL_ROWS);
  if (rows.length === 0) return [];
  if (style === 'monospace') {
    return [section(`*Top syscalls*\n\`\`\`${escapeCodeBlock(monospaceLines(SYSCALL_COLUMNS, rows).join('\n'))}\`\`\``)];
  }
  const cell = (text: string): RawTextElement => ({ type: 'raw_text', text: text === '' ? ' ' : text });
  const table: TableBlock = {
    type: 'table',
    column_settings: SYSCALL_COLUMNS.map((c) => ({ align: c.align })),
    // raw_text is literal (no mrkdwn), so cells are NOT escaped: a syscall named `<!channel>` shows as such.
    rows: [SYSCALL_COLUMNS.map((c) => cell(c.title)), ...rows.map((r) => SYSCALL_COLUMNS.map((c) => cell(c.get(r))))],
  };
  return [table];
}

/** Plain (unescaped) aligned lines: header first. */
function monospaceLines<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string[] {
  const cells = rows.map((r) => columns.map((c) => c.get(r)));
  const widths = columns.map((c, i) => Math.max(countChars(c.title), ...cells.map((row) => countChars(row[i] ?? ''))));
  const line = (row: readonly string[]): string =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat(Math.max(0, (widths[i] ?? 0) - countChars(cell)));
        return columns[i]?.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.title)), ...cells.map(line)];
}

/** A full table as code-block sections of at most 3000 chars each, the header repeated in each. */
function tableSections<Row>(title: string, label: string, columns: readonly Column<Row>[], rows: readonly Row[]): { text: string; label: string }[] {
  if (rows.length === 0) return [];
  const [header = '', ...lines] = monospaceLines(columns, rows);
  const out: { text: string; label: string }[] = [];
  const fenceCost = 6;
  for (let start = 0; start < lines.length; ) {
    const intro = `*${title} ${start + 1}–${lines.length} of ${lines.length}*\n`;
    let end = start;
    let used = countChars(intro) + fenceCost + countChars(escapeCodeBlock(header)) + 1;
    while (end < lines.length && used + countChars(escapeCodeBlock(lines[end]!)) + 1 <= SLACK_LIMITS.sectionTextChars) {
      used += countChars(escapeCodeBlock(lines[end]!)) + 1;
      end += 1;
    }
    // A single row longer than a section cannot happen (cells are capped), but never loop forever.
    if (end === start) end = start + 1;
    const heading = start === 0 && end === lines.length ? `*${title} (${lines.length})*` : `*${title} ${start + 1}–${end} of ${lines.length}*`;
    const body = truncateEscaped(escapeCodeBlock([header, ...lines.slice(start, end)].join('\n')), SLACK_LIMITS.sectionTextChars - countChars(heading) - 8);
    out.push({ text: `${heading}\n\`\`\`${body}\`\`\``, label });
    start = end;
  }
  return out;
}

/** Bulleted mrkdwn lines packed into sections of at most 3000 chars. */
function listSections(title: string, label: string, lines: readonly string[]): { text: string; label: string }[] {
  const out: { text: string; label: string }[] = [];
  for (let start = 0; start < lines.length; ) {
    const heading = out.length === 0 ? `*${title}*` : `*${title} (continued)*`;
    const chunk: string[] = [];
    let used = countChars(heading) + 1;
    while (start < lines.length && used + countChars(lines[start]!) + 1 <= SLACK_LIMITS.sectionTextChars) {
      used += countChars(lines[start]!) + 1;
      chunk.push(lines[start]!);
      start += 1;
    }
    if (chunk.length === 0) {
      chunk.push(truncateEscaped(lines[start]!, SLACK_LIMITS.sectionTextChars - used, '…'));
      start += 1;
    }
    out.push({ text: [heading, ...chunk].join('\n'), label });
  }
  return out;
}

const ERROR_COLUMNS: readonly Column<StraceSummary['errors'][number]>[] = [
  { title: 'syscall', align: 'left', get: (e) => clean(e.syscall, NAME_CHARS) },
  { title: 'errno', align: 'left', get: (e) => clean(e.errno, NAME_CHARS) },
  { title: 'count', align: 'right', get: (e) => formatCount(e.count) },
];

const FD_COLUMNS: readonly Column<FdStat>[] = [
  { title: 'pid', align: 'right', get: (f) => (f.pid === null ? '-' : String(f.pid)) },
  { title: 'fd', align: 'right', get: (f) => (f.fd < 0 ? '*' : String(f.fd)) },
  { title: 'calls', align: 'right', get: (f) => formatCount(f.calls) },
  { title: 'read', align: 'right', get: (f) => formatBytes(f.bytesRead) },
  { title: 'written', align: 'right', get: (f) => formatBytes(f.bytesWritten) },
  { title: 'ms', align: 'right', get: (f) => formatMs(f.timeMs) },
  { title: 'what', align: 'left', get: (f) => clean(f.description ?? '', THREAD_DESCRIPTION_CHARS) },
];

const UNFINISHED_COLUMNS: readonly Column<UnfinishedCall>[] = [
  { title: 'pid', align: 'right', get: (u) => (u.pid === null ? '-' : String(u.pid)) },
  { title: 'syscall', align: 'left', get: (u) => clean(u.syscall, NAME_CHARS) },
  { title: 'fd', align: 'right', get: (u) => (u.fd === null ? '' : String(u.fd)) },
  { title: 'waited ms', align: 'right', get: (u) => `${u.waitedIsLowerBound ? '≥ ' : ''}${formatMs(u.waitedMs)}` },
  { title: 'what', align: 'left', get: (u) => clean(u.description ?? '', THREAD_DESCRIPTION_CHARS) },
];

/** Every table in full, as sections packed into thread replies; stops at `maxReplies`. */
function renderThreadReplies(summary: StraceSummary, host: string, maxReplies: number, cutInParent: ReadonlySet<ThreadExtra>): { replies: SlackMessage[]; isTruncated: boolean } {
  const v = summary.verdict;
  const sections: ThreadSection[] = [];
  if (cutInParent.has('evidence')) {
    sections.push(...listSections('Evidence', 'evidence', v.evidence.map((e) => `• ${escapeMrkdwn(clean(e, THREAD_EVIDENCE_CHARS))}`)));
  }
  sections.push(...tableSections('Syscalls', 'syscalls', SYSCALL_COLUMNS, rankSyscalls(summary.syscalls).rows));
  sections.push(...tableSections('Errors by errno', 'errors', ERROR_COLUMNS, summary.errors));
  sections.push(...tableSections('File descriptors and peers', 'fds', FD_COLUMNS, summary.fds));
  if (summary.unfinished.length > PARENT_LIST_ROWS || cutInParent.has('unfinished')) {
    sections.push(...tableSections('Unfinished when the trace ended', 'unfinished', UNFINISHED_COLUMNS, summary.unfinished));
  }
  if (summary.signals.length > SIGNALS_SHOWN || cutInParent.has('signals-exits')) {
    sections.push(...listSections('Signals', 'signals', summary.signals.map((s) => `• ${escapeMrkdwn(clean(s.signal, NAME_CHARS))} ×${formatCount(s.count)}`)));
  }
  if (summary.exits.length > PARENT_LIST_ROWS || cutInParent.has('signals-exits')) sections.push(...listSections('Exits', 'exits', summary.exits.map((x) => `• ${exitText(x)}`)));

  return packThreadReplies(sections, {
    title: (labels) => `strace of ${plainTarget(host, summary.pids)}: ${labels.join(', ')}`,
    maxReplies,
    restNote: 'The rest did not fit in the thread: see the attached summary file.',
  });
}
