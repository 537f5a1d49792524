import type { ActionsBlockElement, ContextBlock, KnownBlock } from '@slack/types';
import { redactSecrets } from '../../strace/redact.js';
import { formatMs } from '../format.js';
import type { FindingKind, WorkermanStatus } from '../../workerman/types.js';
import { askedBy, codeBlock, codeTableSections, context, header, listSections, monospaceTable, packLines, section, sectionMessage, type ThreadSection } from './blocks.js';
import { escapeCodeSpan, escapeMrkdwn, truncatePlain } from './escape.js';
import { measureBlockText, SLACK_LIMITS, type SlackFile, type SlackMessage, type ThreadGaps } from './limits.js';
import { countFindings, countsPhrase, fallbackText, summaryLine } from './status-counts.js';
import { prioritized, PROCESS_COLUMNS, processLines, renderParentTable, renderWorkerTable } from './status-tables.js';
import { describeThreadGaps } from './thread-notes.js';
import { packThreadReplies } from './thread-replies.js';

/** What renderStatusMessage needs besides the status: who asked, the raw output, the buttons, the table style. */
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
      monospaceTable(PROCESS_COLUMNS, status.processes),
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
