import type { KnownBlock } from '@slack/types';
import type { FleetHostState, FleetRow } from '../../fleet/types.js';
import type { BotErrorCode } from '../../errors.js';
import { redactSecrets } from '../../strace/redact.js';
import { describeFleetStates, FLEET_STATE_TEXT } from '../describe-fleet-states.js';
import { formatBytes, formatMs, plural } from '../format.js';
import { renderErrorHint, renderErrorOutcome } from './error-blocks.js';
import { askedBy, context, header, section, sectionMessage, tableBlock, type SlackColumn } from './blocks.js';
import { countChars, escapeCodeSpan, escapeMrkdwn, truncateEscaped, truncatePlain } from './escape.js';
import { measureBlockText, SLACK_LIMITS, type SlackMessage, type ThreadGaps } from './limits.js';
import { describeThreadGaps } from './thread-notes.js';

export interface FleetRenderOptions {
  /** The group as typed (`web`, `all`). */
  target: string;
  requestedBy?: string;
  /** Wall time of the whole fleet run. */
  durationMs?: number;
  /** Adds a Refresh button whose value is the group (re-validated on click). */
  refreshActionId?: string;
  /** What did not reach the thread (set when the parent is rendered again after a failed reply). */
  gaps?: ThreadGaps;
}

const STATE_EMOJI: Record<FleetHostState, string> = { up: ':large_green_circle:', 'not-running': ':red_circle:', unreachable: ':black_circle:', error: ':warning:' };
// Cells are cut to 40 characters: a host's row stays one line in the channel.
const cut = (get: (r: FleetRow) => string) => (r: FleetRow): string => truncatePlain(get(r), 40);
const count = (v: number | null): string => (v === null ? '-' : String(v));

const COLUMNS: readonly SlackColumn<FleetRow>[] = [
  { title: 'host', align: 'left', cell: cut((r) => r.host) },
  { title: 'state', align: 'left', cell: cut((r) => FLEET_STATE_TEXT[r.state]) },
  { title: 'version', align: 'left', cell: cut((r) => r.version ?? '-') },
  { title: 'processes', align: 'right', cell: cut((r) => count(r.processes)) },
  { title: 'busy', align: 'right', cell: cut((r) => count(r.busy)) },
  { title: 'crash loops', align: 'right', cell: cut((r) => count(r.crashLoops)) },
  { title: 'memory', align: 'right', cell: cut((r) => (r.memoryBytes === null ? '-' : formatBytes(r.memoryBytes))) },
  { title: 'time', align: 'right', cell: cut((r) => formatMs(r.durationMs)) },
];
// A table block holds 100 rows: the header and 99 hosts; the rest are named in a context line.
const MAX_TABLE_HOSTS = SLACK_LIMITS.tableRows - 1;
// Room for the failures section, the note and the actions block when filling the table.
const RESERVED_CHARS = 3400;

/** Returns the parent message posted before a fleet status runs: "Workerman status of `web` (6 hosts), asked by @u…". */
export function renderFleetPending(target: string, hostCount: number, requestedBy?: string): SlackMessage {
  const who = askedBy(requestedBy);
  return sectionMessage(`:hourglass_flowing_sand: Workerman status of \`${escapeCodeSpan(target)}\` (${plural(hostCount, 'host')})${who === null ? '' : `, ${who}`}…`);
}

/**
 * Returns the fleet parent message: one table row per host (state, version, processes, busy, crash
 * loops, memory, time), the failures with what happened, and a Refresh button; within Block Kit limits
 * for any number of hosts (beyond 99 the rest are named in a note; their details are in the thread).
 * A failed host shows its error code and a fixed phrase for it, never the error's message: that can
 * quote the host's output, and goes to the requester only (renderFleetFailureDetails).
 */
export function renderFleetMessage(rows: readonly FleetRow[], opts: FleetRenderOptions): SlackMessage {
  const summary = describeFleetStates(rows);
  const healthy = rows.every((r) => r.state === 'up' && (r.busy ?? 0) === 0 && (r.crashLoops ?? 0) === 0);
  const anyDown = rows.some((r) => r.state !== 'up');
  const icon = healthy ? ':white_check_mark:' : anyDown ? ':x:' : ':warning:';
  const title = header(`${icon} Workerman status of ${opts.target}`);
  const took = opts.durationMs === undefined ? '' : ` in ${formatMs(opts.durationMs)}`;
  // Each host's details are a reply of their own: the parent points there only while they all arrived.
  const gapNote = describeThreadGaps(opts.gaps);
  const where = gapNote === null ? " Each host's details are in the thread." : ` ${gapNote}`;
  const who = askedBy(opts.requestedBy);
  const facts = context([`${escapeMrkdwn(summary)}${took}${who === null ? '' : `, ${who}`}.${where}`]);
  const failures = rows.filter((r) => r.state !== 'up');
  const failureBlocks: KnownBlock[] =
    failures.length === 0
      ? []
      : [
          section(
            truncateEscaped(
              failures
                .map((r) => `${STATE_EMOJI[r.state]} \`${escapeCodeSpan(r.host)}\` ${FLEET_STATE_TEXT[r.state]}${r.errorCode === null ? '' : `: ${renderErrorOutcome(r.errorCode)} (\`${r.errorCode}\`)`}`)
                .join('\n'),
              SLACK_LIMITS.sectionTextChars - 100,
              gapNote === null ? `\n…and more (see the thread)` : '\n…and more',
            ),
          ),
        ];
  const actions: KnownBlock[] =
    opts.refreshActionId === undefined
      ? []
      : [{ type: 'actions', elements: [{ type: 'button', action_id: opts.refreshActionId, text: { type: 'plain_text', text: 'Refresh', emoji: true }, value: opts.target }] }];

  const fixed = [title, facts];
  const budget = SLACK_LIMITS.messageTextChars - measureBlockText([...fixed, ...failureBlocks, ...actions]) - RESERVED_CHARS;
  let used = COLUMNS.reduce((n, c) => n + c.title.length, 0);
  const fitting: FleetRow[] = [];
  for (const row of rows.slice(0, MAX_TABLE_HOSTS)) {
    const size = COLUMNS.reduce((n, c) => n + countChars(c.cell(row) || '-'), 0);
    if (used + size > budget) break;
    fitting.push(row);
    used += size;
  }
  const shown = fitting.length;
  // raw_text is literal (no mrkdwn): a version string like `<!channel>` shows as such, so no escaping.
  const table = tableBlock(COLUMNS, fitting, '-');
  const blocks: KnownBlock[] = [...fixed, ...(rows.length === 0 ? [] : [table])];
  if (shown < rows.length) {
    const rest = rows.slice(shown).map((r) => `${r.host} ${FLEET_STATE_TEXT[r.state]}`);
    blocks.push(context([truncateEscaped(escapeMrkdwn(`Showing ${shown} of ${rows.length} hosts. The others: ${rest.join(', ')}`), 2000)]));
  }
  blocks.push(...failureBlocks, ...actions);
  return { text: truncateEscaped(escapeMrkdwn(`Workerman status of ${opts.target}: ${summary}`), SLACK_LIMITS.fallbackTextChars), blocks };
}

/**
 * Returns the ephemeral details of the hosts that failed in a fleet status (each host's own message,
 * which may quote its output, and what to do per code), or null when none failed. One message: a
 * response_url takes only five posts.
 */
export function renderFleetFailureDetails(rows: readonly FleetRow[], target: string): SlackMessage | null {
  const failed = rows.filter((r) => r.state !== 'up');
  if (failed.length === 0) return null;
  const lines = failed.map((r) => {
    const code = r.errorCode === null ? '' : ` (\`${r.errorCode}\`)`;
    return `• \`${escapeCodeSpan(r.host)}\` ${FLEET_STATE_TEXT[r.state]}: ${escapeMrkdwn(redactSecrets(r.message ?? 'no answer'))}${code}`;
  });
  const codes = [...new Set(failed.map((r) => r.errorCode).filter((c): c is BotErrorCode => c !== null))];
  const head = `*Hosts of \`${escapeCodeSpan(target)}\` that failed* (only you see this)`;
  const blocks: KnownBlock[] = [section(truncateEscaped([head, ...lines].join('\n'), SLACK_LIMITS.sectionTextChars, '\n…and more'))];
  if (codes.length > 0) {
    const hints = codes.slice(0, 8).map((c) => `\`${c}\`: ${renderErrorHint(c)}`);
    blocks.push(section(`*What to do:*\n${hints.join('\n')}`));
  }
  const text = truncateEscaped(
    escapeMrkdwn(`Hosts of ${target} that failed: ${failed.map((r) => `${r.host} (${r.errorCode ?? r.state})`).join(', ')}`),
    SLACK_LIMITS.fallbackTextChars,
  );
  return { text, blocks };
}
