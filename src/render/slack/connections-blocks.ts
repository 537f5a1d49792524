import type { KnownBlock } from '@slack/types';
import { redactSecrets } from '../../strace/redact.js';
import { formatMs, plural } from '../format.js';
import type { ConnectionRow, WorkermanConnections } from '../../workerman/types.js';
import { askedBy, codeBlock, context, header, monospaceTable, section, sectionMessage, tableBlock, type SlackColumn } from './blocks.js';
import { countChars, escapeCodeSpan, escapeMrkdwn, truncatePlain } from './escape.js';
import { SLACK_LIMITS, type SlackFile, type SlackMessage, type ThreadGaps } from './limits.js';
import { describeThreadGaps } from './thread-notes.js';

export interface ConnectionsRenderOptions {
  /** The configured host name the user asked for (a slug). */
  host: string;
  /** Slack user ID of who asked; shown as a mention. */
  requestedBy?: string;
  durationMs?: number;
  /** What `php start.php connections` printed: the attached file when the table does not fit the thread. */
  raw?: { stdout: string; stderr: string };
  /** Table replies beyond this many are not rendered; their rows are then only in the file. Default 3. */
  maxThreadReplies?: number;
  /** What did not reach the thread (set when the parent is rendered again after a failed reply or upload). */
  gaps?: ThreadGaps;
}

/** The parent message (a summary), the table in thread replies, and the file when the table does not fit. */
export interface ConnectionsMessage extends SlackMessage {
  /** The table, one Block Kit `table` per reply (Slack allows one per message), in Workerman's order. */
  threadReplies: SlackMessage[];
  /** The whole output, when the rows did not all fit the replies. */
  file?: SlackFile;
  /** Rows shown in the thread. */
  shownRowCount: number;
  isTruncated: boolean;
}

/** How many entries each "by …" list of the summary names before "+N more". */
const SUMMARY_ENTRIES = 8;
// Per reply: Slack's table takes ≤ 100 rows (header included) and about 10,000 characters of cells.
const ROWS_PER_REPLY = 99;
const CELL_CHARS_PER_REPLY = 9_000;

// Cells are cut to a column's width in the table block, the code block and the file alike.
const cut = (max: number, get: (c: ConnectionRow) => string) => (c: ConnectionRow): string => truncatePlain(get(c), max);

const COLUMNS: readonly SlackColumn<ConnectionRow>[] = [
  { title: 'pid', cell: cut(10, (c) => String(c.pid)), align: 'right' },
  { title: 'worker', cell: cut(32, (c) => c.worker), align: 'left', isWrapped: true },
  { title: 'cid', cell: cut(12, (c) => String(c.cid)), align: 'right' },
  { title: 'proto', cell: cut(32, (c) => `${c.transport}/${c.protocol}`), align: 'left' },
  { title: 'local', cell: cut(48, (c) => c.localAddress), align: 'left' },
  { title: 'foreign', cell: cut(48, (c) => c.foreignAddress), align: 'left', isWrapped: true },
  { title: 'state', cell: cut(16, (c) => c.status), align: 'left' },
  { title: 'recv-q', cell: cut(12, (c) => c.recvQueue), align: 'right' },
  { title: 'send-q', cell: cut(12, (c) => c.sendQueue), align: 'right' },
  { title: 'read', cell: cut(12, (c) => c.bytesRead), align: 'right' },
  { title: 'written', cell: cut(12, (c) => c.bytesWritten), align: 'right' },
];

/** Returns the parent message posted before `connections` runs. */
export function renderConnectionsPending(host: string, requestedBy?: string): SlackMessage {
  const who = askedBy(requestedBy);
  return sectionMessage(`:hourglass_flowing_sand: Workerman connections of \`${escapeCodeSpan(host)}\`${who === null ? '' : `, ${who}`}…`);
}

/**
 * Returns the parent (counts by worker, protocol and state; how many have data waiting to be sent),
 * the table in thread replies within Block Kit limits, and the raw output as a file when not every row
 * fits `maxThreadReplies` replies. Host-derived text is escaped (mrkdwn) or literal (`raw_text` cells).
 */
export function renderConnectionsMessage(conns: WorkermanConnections, opts: ConnectionsRenderOptions): ConnectionsMessage {
  const rows = conns.connections;
  const n = rows.length;
  const title = header(`:link: Workerman connections of ${opts.host}`);
  const workers = new Set(rows.map((c) => c.worker)).size;
  const waiting = rows.filter(hasSendQueue).length;
  const summary =
    n === 0
      ? `\`${escapeCodeSpan(opts.host)}\` has no client connections.`
      : `\`${escapeCodeSpan(opts.host)}\`: *${plural(n, 'client connection')}* to ${plural(workers, 'worker')}` +
        (waiting === 0 ? ', no data waiting to be sent.' : `, *${waiting} with data waiting to be sent* (the peer is not reading).`);
  const blocks: KnownBlock[] = [title, section(summary)];
  if (n > 0) {
    blocks.push({
      type: 'section',
      fields: [
        countField('By worker', rows.map((c) => c.worker)),
        countField('By protocol', rows.map((c) => `${c.transport}/${c.protocol}`)),
        countField('By state', rows.map((c) => c.status)),
      ],
    });
  }

  const pages = paginate(rows, opts.maxThreadReplies ?? 3);
  const shown = pages.reduce((sum, p) => sum + p.rows.length, 0);
  const isTruncated = shown < n;
  const file = isTruncated ? renderConnectionsFile(conns, opts.host, opts.raw) : undefined;
  const threadReplies = pages.map((page, i) => renderPage(page, i === pages.length - 1 && isTruncated ? n - shown : 0, opts.host, n));

  // Where the rows are: said only of what reached the thread (`gaps` names what did not).
  const repliesArrived = (opts.gaps?.replies ?? 0) === 0;
  const fileArrived = file !== undefined && !(opts.gaps?.files ?? []).includes(file.filename);
  let where = '';
  if (n > 0 && !isTruncated && repliesArrived) where = 'The table is in the thread.';
  if (isTruncated) {
    const parts: string[] = [];
    if (repliesArrived && shown > 0) parts.push(`the first ${shown} rows are in the thread`);
    if (fileArrived) parts.push(`the whole output is attached ${parts.length > 0 ? 'there' : 'in the thread'}`);
    if (parts.length > 0) where = `${parts.join(', ').replace(/^t/, 'T')}.`;
  }
  const facts = [askedBy(opts.requestedBy) ?? '', opts.durationMs === undefined ? '' : `took ${formatMs(opts.durationMs)}`, where]
    .filter((s) => s !== '')
    .join(' · ');
  if (facts !== '') blocks.push(context([facts]));
  const gapNote = describeThreadGaps(opts.gaps);
  if (gapNote !== null) blocks.push(context([gapNote]));

  const text = escapeMrkdwn(
    truncatePlain(
      n === 0 ? `Workerman connections of ${opts.host}: none` : `Workerman connections of ${opts.host}: ${plural(n, 'client connection')}${waiting === 0 ? '' : `, ${waiting} with data waiting`}`,
      SLACK_LIMITS.fallbackTextChars,
    ),
  );
  return { text, blocks, threadReplies, ...(file === undefined ? {} : { file }), shownRowCount: shown, isTruncated };
}

/**
 * Returns the answer for the requester alone, where the bot cannot post in the channel: the summary and
 * as many rows as fit one code block (no thread to put the table in).
 */
export function renderConnectionsPrivately(conns: WorkermanConnections, opts: ConnectionsRenderOptions): SlackMessage {
  const message = renderConnectionsMessage(conns, { ...opts, maxThreadReplies: 0 });
  const rows = conns.connections;
  if (rows.length === 0) return { text: message.text, blocks: message.blocks.filter((b) => b.type !== 'context') };
  const table = monospaceTable(COLUMNS, rows);
  const fence = (k: number): string => codeBlock([table.header, ...table.rows.slice(0, k)]);
  let k = rows.length;
  while (k > 1 && countChars(fence(k)) > SLACK_LIMITS.sectionTextChars) k -= 1;
  const blocks: KnownBlock[] = [...message.blocks.filter((b) => b.type !== 'context'), section(fence(k))];
  if (k < rows.length) blocks.push(context([`Showing ${k} of ${rows.length} connections.`]));
  return { text: message.text, blocks };
}

/** Returns the file with the raw `connections` output (redacted line by line), or the table when none was kept. */
export function renderConnectionsFile(conns: WorkermanConnections, host: string, raw?: { stdout: string; stderr: string }): SlackFile {
  const redacted = (text: string): string => text.split('\n').map(redactSecrets).join('\n');
  const content =
    raw === undefined ? `${tableLines(conns.connections).join('\n')}\n` : redacted(raw.stdout) + (raw.stderr === '' ? '' : `\n--- stderr ---\n${redacted(raw.stderr)}`);
  return { filename: `${host}-connections.txt`, title: `php start.php connections on ${host}`, content };
}

function hasSendQueue(c: ConnectionRow): boolean {
  return !/^0(\.0+)?B?$/.test(c.sendQueue);
}

function cells(c: ConnectionRow): string[] {
  return COLUMNS.map((col) => col.cell(c));
}

interface Page {
  first: number;
  rows: ConnectionRow[];
}

/** Splits the rows into replies of at most ROWS_PER_REPLY rows and CELL_CHARS_PER_REPLY characters; at most `maxPages`. */
function paginate(rows: readonly ConnectionRow[], maxPages: number): Page[] {
  if (maxPages <= 0) return [];
  const headerChars = COLUMNS.reduce((sum, c) => sum + countChars(c.title), 0);
  const pages: Page[] = [];
  let current: Page = { first: 0, rows: [] };
  let used = headerChars;
  for (const [i, row] of rows.entries()) {
    const cost = cells(row).reduce((sum, c) => sum + countChars(c), 0);
    if (current.rows.length >= ROWS_PER_REPLY || (current.rows.length > 0 && used + cost > CELL_CHARS_PER_REPLY)) {
      pages.push(current);
      if (pages.length >= maxPages) return pages;
      current = { first: i, rows: [] };
      used = headerChars;
    }
    current.rows.push(row);
    used += cost;
  }
  if (current.rows.length > 0 && pages.length < maxPages) pages.push(current);
  return pages;
}

function renderPage(page: Page, rest: number, host: string, total: number): SlackMessage {
  // raw_text cells are literal: a worker named `<!channel>` shows as such, so cells are not escaped.
  const table = tableBlock(COLUMNS, page.rows);
  const last = page.first + page.rows.length;
  const title = `*Connections ${page.first + 1}–${last} of ${total}*`;
  const blocks: KnownBlock[] = [section(title), table];
  if (rest > 0) blocks.push(context([`${rest} more did not fit in the thread: see the attached output.`]));
  return { text: escapeMrkdwn(`Workerman connections of ${host}: ${page.first + 1}–${last} of ${total}`), blocks };
}

/** Plain aligned lines (header first), unescaped. */
function tableLines(rows: readonly ConnectionRow[]): string[] {
  const table = monospaceTable(COLUMNS, rows);
  return [table.header, ...table.rows];
}

/** A `*title*` field listing values by count, most first (ties in first-seen order), at most SUMMARY_ENTRIES. */
function countField(title: string, values: readonly string[]): { type: 'mrkdwn'; text: string } {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  const sorted = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  const lines = sorted.slice(0, SUMMARY_ENTRIES).map(([value, count]) => `\`${escapeCodeSpan(truncatePlain(value, 40))}\` ${count}`);
  if (sorted.length > SUMMARY_ENTRIES) {
    const rest = sorted.slice(SUMMARY_ENTRIES);
    lines.push(`+${rest.length} more (${rest.reduce((sum, [, c]) => sum + c, 0)})`);
  }
  return { type: 'mrkdwn', text: [`*${title}*`, ...lines].join('\n') };
}

