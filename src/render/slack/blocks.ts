import type { ContextBlock, HeaderBlock, RawTextElement, SectionBlock, TableBlock } from '@slack/types';
import { layoutTable, type TextColumn } from '../text/table.js';
import { countChars, escapeCodeBlock, escapeMrkdwn, truncateEscaped, truncatePlain } from './escape.js';
import { SLACK_LIMITS, type SlackMessage } from './limits.js';

// The Block Kit pieces every Slack renderer builds its messages from. Text given to them is mrkdwn that
// is already escaped (escape.ts); these helpers only keep it inside Slack's limits.

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,}$/;

/** One section of a thread reply: already-escaped mrkdwn, and a plain label for the reply's fallback text. */
export interface ThreadSection {
  text: string;
  label: string;
}

/** Returns a mrkdwn section of `text` (already escaped), cut to Slack's 3000 characters. */
export function section(text: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateEscaped(text, SLACK_LIMITS.sectionTextChars) } };
}

/** Returns a context block of mrkdwn elements (already escaped): at most Slack's 10, each cut to 3000. */
export function context(texts: readonly string[]): ContextBlock {
  return {
    type: 'context',
    elements: texts.slice(0, SLACK_LIMITS.contextElements).map((text) => ({ type: 'mrkdwn' as const, text: truncateEscaped(text, SLACK_LIMITS.sectionTextChars) })),
  };
}

/** Returns a header block: plain text (Slack does not parse it, so nothing is escaped), emoji on, cut to 150. */
export function header(text: string): HeaderBlock {
  return { type: 'header', text: { type: 'plain_text', emoji: true, text: truncatePlain(text, SLACK_LIMITS.headerChars) } };
}

/** Returns a message of one section whose text (mrkdwn, already escaped) is also the fallback text. */
export function sectionMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}

/** Returns `<@U0123ABCD>` for a Slack user ID, anything else as escaped text (never markup). */
export function mention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}

/** Returns `asked by <@U0123ABCD>` for who asked, or null when nobody is named. */
export function askedBy(userId: string | undefined): string | null {
  return userId === undefined ? null : `asked by ${mention(userId)}`;
}

/** A column of a Slack table: its title, alignment and the cell text per row (plain, never escaped). */
export interface SlackColumn<Row> {
  title: string;
  align: 'left' | 'right';
  cell: (row: Row) => string;
  /** Long values wrap in the table block instead of being cut off by the client. */
  isWrapped?: boolean;
}

/**
 * Returns Slack's table block (one per message, at most 100 rows with the header): `raw_text` cells are
 * literal, so they are NOT escaped (a worker named `<!channel>` shows as such); an empty cell is `empty`.
 */
export function tableBlock<Row>(columns: readonly SlackColumn<Row>[], rows: readonly Row[], empty = ' '): TableBlock {
  const cell = (text: string): RawTextElement => ({ type: 'raw_text', text: text === '' ? empty : text });
  return {
    type: 'table',
    column_settings: columns.map((c) => ({ align: c.align, ...(c.isWrapped === true ? { is_wrapped: true } : {}) })),
    rows: [columns.map((c) => cell(c.title)), ...rows.map((r) => columns.map((c) => cell(c.cell(r))))],
  };
}

/** Returns the table as plain aligned lines for a code block (header apart): the terminal's layout. */
export function monospaceTable<Row>(columns: readonly SlackColumn<Row>[], rows: readonly Row[]): { header: string; rows: string[] } {
  const text: TextColumn<Row>[] = columns.map((c) => ({ header: c.title, align: c.align, cell: c.cell }));
  return layoutTable(rows, text);
}

/** Returns lines (plain, unescaped) as a ``` code block, escaped so nothing in them closes it. */
export function codeBlock(lines: readonly string[]): string {
  return `\`\`\`${escapeCodeBlock(lines.join('\n'))}\`\`\``;
}

/**
 * Returns a table as code-block sections of at most 3000 characters each, the table's header line
 * repeated in each, headed `heading(first, last, total)` (1-based row numbers). A row never splits.
 */
export function codeTableSections(
  table: { header: string; rows: readonly string[] },
  heading: (first: number, last: number, total: number) => string,
  label: string | ((first: number, last: number) => string),
): ThreadSection[] {
  const { header: head, rows } = table;
  const out: ThreadSection[] = [];
  const fenceChars = 6;
  for (let start = 0; start < rows.length; ) {
    // The heading as long as it can get for this chunk (its last row is at most the total).
    let used = countChars(heading(start + 1, rows.length, rows.length)) + 1 + fenceChars + countChars(escapeCodeBlock(head)) + 1;
    let end = start;
    while (end < rows.length && used + countChars(escapeCodeBlock(rows[end]!)) + 1 <= SLACK_LIMITS.sectionTextChars) {
      used += countChars(escapeCodeBlock(rows[end]!)) + 1;
      end += 1;
    }
    // A row longer than a section cannot happen (cells are capped), but never loop forever.
    if (end === start) end = start + 1;
    const title = heading(start + 1, end, rows.length);
    const body = truncateEscaped(escapeCodeBlock([head, ...rows.slice(start, end)].join('\n')), SLACK_LIMITS.sectionTextChars - countChars(title) - 1 - fenceChars);
    out.push({ text: `${title}\n\`\`\`${body}\`\`\``, label: typeof label === 'string' ? label : label(start + 1, end) });
    start = end;
  }
  return out;
}

/** Returns `*Title (12)*` for a table in one section, `*Title 1–40 of 120*` for one of several. */
export function rowsHeading(title: string): (first: number, last: number, total: number) => string {
  return (first, last, total) => (first === 1 && last === total ? `*${title} (${total})*` : `*${title} ${first}–${last} of ${total}*`);
}

/** Returns mrkdwn lines (already escaped) packed into sections of at most 3000 characters, `*Title*` then `*Title (continued)*`. */
export function listSections(title: string, label: string, lines: readonly string[]): ThreadSection[] {
  const out: ThreadSection[] = [];
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
      // One line longer than a section: cut it (already escaped: never inside an entity).
      chunk.push(truncateEscaped(lines[start]!, SLACK_LIMITS.sectionTextChars - used, '…'));
      start += 1;
    }
    out.push({ text: [heading, ...chunk].join('\n'), label });
  }
  return out;
}

/**
 * Keeps `lines` (mrkdwn) while they fit `maxChars` with a newline each, then ends with `more(omitted)`;
 * `total` is how many lines there are in all when `lines` is already a first few of them.
 */
export function packLines(lines: readonly string[], maxChars: number, more: (omitted: number) => string, total = lines.length): { lines: string[]; omitted: number } {
  const kept: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    // Room for the "more" line, unless this is the very last line there is.
    const reserve = i === total - 1 ? 0 : countChars(more(total)) + 1;
    if (used + countChars(line) + 1 + reserve > maxChars) break;
    kept.push(line);
    used += countChars(line) + 1;
  }
  const omitted = total - kept.length;
  return { lines: omitted > 0 ? [...kept, more(omitted)] : kept, omitted };
}
