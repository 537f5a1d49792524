import type { ActionsBlockElement, ContextBlock, KnownBlock } from '@slack/types';
import { redactSecrets } from '../../strace/redact.js';
import { formatMiB, formatMs, plural } from '../format.js';
import type { Finding, FindingKind, ProcessRow, WorkermanStatus } from '../../workerman/types.js';
import { askedBy, codeBlock, codeTableSections, context, header, listSections, monospaceTable, packLines, section, sectionMessage, tableBlock, type SlackColumn, type ThreadSection } from './blocks.js';
import { countChars, escapeCodeSpan, escapeMrkdwn, truncatePlain } from './escape.js';
import { measureBlockText, SLACK_LIMITS, type SlackFile, type SlackMessage, type ThreadGaps } from './limits.js';
import { describeThreadGaps } from './thread-notes.js';
import { packThreadReplies } from './thread-replies.js';

export interface StatusRenderOptions {
  /** The configured host name the user asked for (a slug). */
  host: string;
  /** Slack user ID of who asked (`U…`/`W…`); shown as a mention. */
  requestedBy?: string;
  durationMs?: number;
  /** What `php start.php status` printed: becomes the attached file when the tables do not fit. */
  raw?: { stdout: string; stderr: string };
  /** Adds a Refresh button with this action_id (value = host name). Omit for ephemeral messages. */
  refreshActionId?: string;
  /** Adds a "Trace a PID…" menu with this action_id (option value = `host:pid`). Omit when nobody may trace. */
  traceActionId?: string;
  /** `block`: Slack's table block (one per message, ≤ 99 rows); `monospace`: a code block section. */
  tableStyle?: 'block' | 'monospace';
  /** Thread replies beyond this many are not rendered; their content is only in the file. */
  maxThreadReplies?: number;
  /** What did not reach the thread (set when the parent is rendered again after a failed reply or upload). */
  gaps?: ThreadGaps;
}

/** The parent message plus what goes into its thread. */
export interface StatusMessage extends SlackMessage {
  /** Full tables, posted as replies in the parent's thread, in order. */
  threadReplies: SlackMessage[];
  /** Raw status output to upload into the thread; set when something did not fit the messages. */
  file?: SlackFile;
  /** How many process rows the parent shows. */
  shownProcessCount: number;
  /** True when the parent or the thread could not show everything (then `file` is set). */
  isTruncated: boolean;
}

const FINDING_EMOJI: Record<FindingKind, string> = {
  busy: ':hourglass_flowing_sand:',
  'abnormal-exit': ':skull:',
  'crash-loop': ':repeat:',
  'memory-outlier': ':chart_with_upwards_trend:',
  'not-reported': ':grey_question:',
  'orphaned-workers': ':rotating_light:',
};

// Room kept for the "showing N of M" note and the actions block when filling the table.
const RESERVED_CHARS = 400;
// Thread reply budget: below the message budget so a reply never hits it even with intro lines.

/** Returns the parent message posted before the status runs: "Workerman status of `web-1`, asked by @u…". */
export function renderStatusPending(host: string, requestedBy?: string): SlackMessage {
  const who = askedBy(requestedBy);
  return sectionMessage(`:hourglass_flowing_sand: Workerman status of \`${escapeCodeSpan(host)}\`${who === null ? '' : `, ${who}`}…`);
}

/** Returns the parent message, its thread replies and the overflow file for one status, within Block Kit limits. */
export function renderStatusMessage(status: WorkermanStatus, opts: StatusRenderOptions): StatusMessage {
  const host = opts.host;
  const processes = status.processes;
  const counts = countFindings(status.findings);
  const hasFindings = status.findings.length > 0;

  const title = header(`${hasFindings ? ':warning:' : ':white_check_mark:'} Workerman status of ${host}`);
  const summary = section(summaryLine(status, host, counts));
  const facts = contextBlock(status, opts);
  const findingLines = status.findings.map((f) => `• ${FINDING_EMOJI[f.kind]} ${escapeMrkdwn(f.message)}`);
  const repliesArrived = (opts.gaps?.replies ?? 0) === 0;
  const findings = packLines(
    findingLines.length > 0 ? ['*Findings*', ...findingLines] : [':white_check_mark: No findings: no busy process, no crash loop, no memory outlier.'],
    SLACK_LIMITS.sectionTextChars,
    (more) => `…and ${more} more findings${repliesArrived ? ' (see the thread)' : ''}`,
  );
  const findingsText = findings.lines.join('\n');
  const actionElements: ActionsBlockElement[] = [];
  if (opts.refreshActionId !== undefined) {
    actionElements.push({ type: 'button', action_id: opts.refreshActionId, text: { type: 'plain_text', text: 'Refresh', emoji: true }, value: host });
  }
  if (opts.traceActionId !== undefined && processes.length > 0) {
    // Select options: ≤ 100, text and value ≤ 75 chars. Flagged processes first, like the table.
    const options = prioritized(processes, status.findings)
      .slice(0, 100)
      .map((i) => processes[i]!)
      .map((p) => ({
        text: { type: 'plain_text' as const, text: truncatePlain(`${p.pid} ${p.workerName}${p.status === 'busy' ? ' (busy)' : ''}`, 75) },
        value: `${host}:${p.pid}`,
      }));
    actionElements.push({
      type: 'static_select',
      action_id: opts.traceActionId,
      placeholder: { type: 'plain_text', text: 'Trace a PID…' },
      options,
    });
  }
  const actions: KnownBlock[] = actionElements.length === 0 ? [] : [{ type: 'actions', elements: actionElements }];

  const fixed: KnownBlock[] = [title, summary, section(findingsText), facts];
  const budget = SLACK_LIMITS.messageTextChars - measureBlockText([...fixed, ...actions]) - RESERVED_CHARS;
  const table = renderParentTable(processes, status.findings, opts.tableStyle ?? 'block', budget);

  const parentTruncated = table.shown < processes.length || findings.omitted > 0;
  const thread = renderThreadReplies(status, host, findingLines, opts.maxThreadReplies ?? 4);
  const isTruncated = parentTruncated || thread.isTruncated;
  const file = isTruncated ? renderStatusFile(status, host, opts.raw) : undefined;

  const blocks: KnownBlock[] = [...fixed];
  if (processes.length === 0) {
    blocks.push(section('_No process rows in the status output._'));
  } else {
    blocks.push(...table.blocks);
  }
  // Where the rest is: said only of what reached the thread (`gaps` names what did not).
  const fileArrived = file !== undefined && !(opts.gaps?.files ?? []).includes(file.filename);
  if (table.shown < processes.length) {
    const where = repliesArrived
      ? ` The full table is in the thread${fileArrived ? ', the raw output is attached there' : ''}.`
      : fileArrived
        ? ' The raw output is attached in the thread.'
        : '';
    blocks.push(context([`Showing ${table.shown} of ${processes.length} processes (flagged ones first).${where}`]));
  }
  const gapNote = describeThreadGaps(opts.gaps);
  if (gapNote !== null) blocks.push(context([gapNote]));
  blocks.push(...actions);

  return {
    text: fallbackText(status, host, counts),
    blocks,
    threadReplies: thread.replies,
    ...(file === undefined ? {} : { file }),
    shownProcessCount: table.shown,
    isTruncated,
  };
}

/**
 * Returns the file with the raw status output (or the full table when no raw output was kept). The raw
 * output is redacted line by line: PHP warnings on stderr can quote a DSN or a config line.
 */
export function renderStatusFile(status: WorkermanStatus, host: string, raw?: { stdout: string; stderr: string }): SlackFile {
  const redacted = (text: string): string => text.split('\n').map(redactSecrets).join('\n');
  const content =
    raw === undefined
      ? [...renderWorkerTable(status), '', ...processLines(status.processes)].join('\n') + '\n'
      : redacted(raw.stdout) + (raw.stderr === '' ? '' : `\n--- stderr ---\n${redacted(raw.stderr)}`);
  return { filename: `${host}-status.txt`, title: `php start.php status on ${host}`, content };
}

interface FindingCounts {
  busy: number;
  abnormalExits: number;
  crashLoops: number;
  memoryOutliers: number;
  other: number;
}

function countFindings(findings: readonly Finding[]): FindingCounts {
  const counts: FindingCounts = { busy: 0, abnormalExits: 0, crashLoops: 0, memoryOutliers: 0, other: 0 };
  for (const f of findings) {
    if (f.kind === 'busy') counts.busy += 1;
    else if (f.kind === 'abnormal-exit') counts.abnormalExits += 1;
    else if (f.kind === 'crash-loop') counts.crashLoops += 1;
    else if (f.kind === 'memory-outlier') counts.memoryOutliers += 1;
    else counts.other += 1;
  }
  return counts;
}

function countsPhrase(status: WorkermanStatus, counts: FindingCounts): string[] {
  const parts = [
    plural(status.workerCount ?? new Set(status.processes.map((p) => p.workerName)).size, 'worker'),
    plural(status.processCount ?? status.processes.length, 'process', 'processes'),
  ];
  if (counts.busy > 0) parts.push(`${counts.busy} busy`);
  if (counts.abnormalExits > 0) parts.push(plural(counts.abnormalExits, 'abnormal exit'));
  if (counts.crashLoops > 0) parts.push(plural(counts.crashLoops, 'crash loop'));
  if (counts.memoryOutliers > 0) parts.push(plural(counts.memoryOutliers, 'memory outlier'));
  if (counts.other > 0) parts.push(plural(counts.other, 'other finding'));
  return parts;
}

function summaryLine(status: WorkermanStatus, host: string, counts: FindingCounts): string {
  const version = status.workerman.version === null ? '' : ` runs Workerman ${escapeMrkdwn(status.workerman.version)}:`;
  const [workers, processes, ...flags] = countsPhrase(status, counts);
  const flagText = flags.length === 0 ? ', all idle' : `, *${flags.join(', ')}*`;
  return `\`${escapeCodeSpan(host)}\`${version} ${workers}, ${processes}${flagText}.`;
}

function fallbackText(status: WorkermanStatus, host: string, counts: FindingCounts): string {
  const text = `Workerman status of ${host}: ${countsPhrase(status, counts).join(', ')}`;
  return escapeMrkdwn(truncatePlain(text, SLACK_LIMITS.fallbackTextChars));
}

function contextBlock(status: WorkermanStatus, opts: StatusRenderOptions): ContextBlock {
  const w = status.workerman;
  const parts: string[] = [];
  const versions = [w.version && `Workerman ${w.version}`, w.phpVersion && `PHP ${w.phpVersion}`, w.eventLoop && `loop ${w.eventLoop}`]
    .filter((s): s is string => typeof s === 'string' && s !== '')
    .map(escapeMrkdwn);
  if (versions.length > 0) parts.push(versions.join(' · '));
  if (status.uptime !== null || status.startedAt !== null) {
    const up = status.uptime === null ? '' : `up ${escapeMrkdwn(status.uptime)}`;
    const since = status.startedAt === null ? '' : ` (since ${escapeMrkdwn(status.startedAt)})`;
    parts.push(`${up}${since}`.trim());
  }
  if (status.loadAverage !== null && status.loadAverage.length > 0) parts.push(`load ${status.loadAverage.join(' ')}`);
  parts.push(countsPhrase(status, { busy: 0, abnormalExits: 0, crashLoops: 0, memoryOutliers: 0, other: 0 }).join(' · '));
  const took = opts.durationMs === undefined ? null : `took ${formatMs(opts.durationMs)}`;
  const tail = [askedBy(opts.requestedBy), took].filter((s) => s !== null).join(' · ');
  if (tail !== '') parts.push(tail);
  return context(parts);
}

function numberOrNa(n: number | null): string {
  return n === null ? 'N/A' : String(n);
}

// Cells are cut to a column's width in the table block and the code block alike.
const cut = (max: number, get: (p: ProcessRow) => string) => (p: ProcessRow): string => truncatePlain(get(p), max);

const COLUMNS: readonly SlackColumn<ProcessRow>[] = [
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
function renderWorkerTable(status: WorkermanStatus): string[] {
  const perWorker = new Map<string, number>();
  for (const p of status.processes) perWorker.set(p.workerName, (perWorker.get(p.workerName) ?? 0) + 1);
  const lines = status.workers.map((w) => ({ name: w.name, processes: perWorker.get(w.name) ?? 0, exitStatus: w.exitStatus, exitCount: w.exitCount }));
  const table = monospaceTable(WORKER_COLUMNS, lines);
  return [table.header, ...table.rows];
}

/** Process indices in display priority: rows named by a finding first, then the rest, each in table order. */
function prioritized(processes: readonly ProcessRow[], findings: readonly Finding[]): number[] {
  const flagged = new Set(findings.map((f) => f.pid).filter((pid): pid is number => pid !== null));
  const indices = processes.map((_, i) => i);
  return [...indices.filter((i) => flagged.has(processes[i]!.pid)), ...indices.filter((i) => !flagged.has(processes[i]!.pid))];
}

/** The process table's plain lines (header first), as the code blocks show it. */
function processLines(processes: readonly ProcessRow[]): string[] {
  const table = monospaceTable(COLUMNS, processes);
  return [table.header, ...table.rows];
}

function renderParentTable(
  processes: readonly ProcessRow[],
  findings: readonly Finding[],
  style: 'block' | 'monospace',
  budgetChars: number,
): { blocks: KnownBlock[]; shown: number } {
  if (processes.length === 0) return { blocks: [], shown: 0 };
  const order = prioritized(processes, findings);
  if (style === 'block') {
    let used = COLUMNS.reduce((n, c) => n + countChars(c.title), 0);
    const chosen: number[] = [];
    for (const i of order) {
      if (chosen.length >= SLACK_LIMITS.tableRows - 1) break;
      const cost = COLUMNS.reduce((n, c) => n + countChars(c.cell(processes[i]!)), 0);
      if (used + cost > budgetChars) break;
      used += cost;
      chosen.push(i);
    }
    chosen.sort((a, b) => a - b);
    // raw_text cells are literal: a worker named `<!channel>` shows as such.
    return { blocks: [tableBlock(COLUMNS, chosen.map((i) => processes[i]!))], shown: chosen.length };
  }
  // Laid out over every row, so the columns keep their width whichever rows fit.
  const { header, rows } = monospaceTable(COLUMNS, processes);
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

/** Full tables as code-block sections packed into thread replies; stops at `maxReplies`. */
function renderThreadReplies(
  status: WorkermanStatus,
  host: string,
  findingLines: readonly string[],
  maxReplies: number,
): { replies: SlackMessage[]; isTruncated: boolean } {
  // Findings the parent may have cut: all of them, in as many sections as needed.
  const sections: ThreadSection[] = listSections('Findings', 'findings', findingLines);
  if (status.workers.length > 0) sections.push({ text: `*Workers and exits*\n${codeBlock(renderWorkerTable(status))}`, label: 'workers' });
  sections.push(
    ...codeTableSections(
      monospaceTable(COLUMNS, status.processes),
      (first, last, total) => `*Processes ${first}–${last} of ${total}*`,
      (first, last) => `processes ${first}–${last}`,
    ),
  );
  return packThreadReplies(sections, {
    title: (labels) => `Workerman status of ${host}: ${labels.join(', ')}`,
    maxReplies,
    restNote: 'The rest did not fit in the thread: see the attached raw output.',
  });
}
