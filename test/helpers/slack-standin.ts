// A local stand-in for the Slack Web API (and response_url / upload URLs), for tests. It records every
// call and rejects what real Slack rejects (doc: shared/docs/slack-platform.md section 9), so a test that
// passes here sends messages Slack would accept. Rules that real Slack does not enforce but that are bugs
// for this bot (an unescaped <!channel>, a thread_ts that is not a parent, an upload whose bytes never
// arrived) are recorded in `violations`; tests assert it stays empty.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StandInChannel {
  id: string;
  kind: 'public' | 'private' | 'im' | 'mpim';
  botIsMember: boolean;
}

export interface StandInOptions {
  botToken: string;
  /**
   * The app-level token (`xapp-…`) `apps.connections.open` accepts, as Slack does; any other method refuses
   * it (`not_allowed_token_type`). Socket Mode tests attach a stand-in with `serveSocketMode`.
   */
  appToken?: string;
  channels?: StandInChannel[];
  botUserId?: string;
  botId?: string;
  teamId?: string;
  /** Grants chat:write.public: posting (not file sharing) in public channels without membership. */
  chatWritePublic?: boolean;
  /** Members of user groups (`usergroups.users.list`); change them with `setUserGroup`. */
  userGroups?: Record<string, string[]>;
}

/** Picks which calls of a method a fault applies to, by their parameters. */
export type CallMatch = (params: Record<string, unknown>) => boolean;

export interface RecordedCall {
  method: string;
  params: Record<string, unknown>;
  at: number;
}

export interface StoredMessage {
  channel: string;
  ts: string;
  threadTs?: string;
  text: string;
  blocks?: unknown[];
  /** The bot user for messages the bot posted. */
  user: string;
  updates: number;
}

export interface StoredFile {
  id: string;
  filename: string;
  title?: string;
  declaredLength: number;
  /** `alt_text` given to files.getUploadURLExternal (what a screen reader says for an image). */
  altText?: string;
  bytes: Buffer | null;
  channel?: string;
  threadTs?: string;
  isComplete: boolean;
}

/** A file someone shared in a conversation (an upload or a snippet), for the shortcut tests: see `shareFile`. */
export interface SharedFileSpec {
  /** The conversation the message with the file is in. */
  channel: string;
  /** Who shared it. Default `U0123ABCD`. */
  user?: string;
  name: string;
  bytes: Buffer;
  /** Default `text/plain`. */
  mimetype?: string;
  /** Slack's own type name (`text`, `gzip`, `png`). Default `text`. */
  filetype?: string;
  prettyType?: string;
  /** `snippet` for a text snippet made in Slack; `external`, `tombstone`, `hidden_by_limit` as Slack says them. Default `hosted`. */
  mode?: 'hosted' | 'snippet' | 'external' | 'tombstone' | 'hidden_by_limit';
  /**
   * The size files.info declares, when it differs from the bytes: the download then has no
   * Content-Length (chunked), as for a file whose size was misdeclared. Default: the bytes' length.
   */
  declaredSize?: number;
  /** Share it as a reply in this thread (the ts of a top-level message). */
  threadTs?: string;
  /** The message's text beside the file. Default empty. */
  text?: string;
}

/** A shared file as the stand-in keeps it: Slack's file object and every download of its bytes. */
export interface SharedFileRecord {
  id: string;
  spec: SharedFileSpec;
  /** Slack's file object (files.info's `file`, and the entry in the message's `files`). */
  object: Record<string, unknown>;
  /** Each GET of `url_private_download`: with the bot token or not, bytes written before the client left. */
  downloads: { authorized: boolean; bytesSent: number; isComplete: boolean }[];
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
  at: number;
}

export interface SlackStandIn {
  /** Base for `clientOptions.slackApiUrl` (ends with `/api/`). */
  apiUrl: string;
  baseUrl: string;
  /** A response_url for a command or action payload; its posts land in `responses`. */
  responseUrl(id: string): string;
  calls: RecordedCall[];
  responses: RecordedResponse[];
  files: StoredFile[];
  /** Bot bugs that Slack might not reject but tests must (unescaped broadcasts, bad thread_ts, missing text…). */
  violations: string[];
  /** The bot's DM channel (`D…`) with a user, once a chat.postMessage to the user ID opened it. */
  dmOf(userId: string): string | undefined;
  /** Top-level messages of a channel, oldest first. */
  messages(channel: string): StoredMessage[];
  /** Replies in the thread of `ts`, oldest first. */
  replies(channel: string, ts: string): StoredMessage[];
  message(channel: string, ts: string): StoredMessage | undefined;
  callsOf(method: string): RecordedCall[];
  /** Sets the members `usergroups.users.list` answers for `groupId`. */
  setUserGroup(groupId: string, users: string[]): void;
  /**
   * Lets `apps.connections.open` (called with the app-level token) answer `{ ok: true, url: issueUrl() }`:
   * the Socket Mode stand-in (test/helpers/socket-mode-standin.ts) issues a one-time WebSocket URL.
   */
  serveSocketMode(issueUrl: () => string): void;
  /**
   * Makes the next `times` calls of `method` answer `{ ok: false, error }`; with `match`, only calls whose
   * parameters it accepts (e.g. thread replies: `(p) => p['thread_ts'] !== undefined`) count.
   */
  fail(method: string, error: string, times?: number, match?: CallMatch): void;
  /** Makes the next `times` calls of `method` (those `match` accepts) answer HTTP 429 with `Retry-After: retryAfterS`. */
  rateLimit(method: string, retryAfterS: number, times?: number, match?: CallMatch): void;
  /**
   * Posts a message by a person with `spec`'s file attached, as Slack stores it, and returns the message as
   * a `message_action` payload carries it (`files[]` holds the file object). The bytes are served at the
   * file's `url_private_download` only with the bot token (`Authorization: Bearer`); without it Slack
   * redirects to its sign-in page, a web page, and so does the stand-in. files.info describes the file
   * only where the bot is a member of the conversation (else `file_not_found`).
   */
  shareFile(spec: SharedFileSpec): { message: Record<string, unknown>; file: SharedFileRecord };
  /** Posts a message by a person (no file) and returns it as a `message_action` payload carries it. */
  postUserMessage(m: { channel: string; text: string; user?: string; threadTs?: string }): Record<string, unknown>;
  /** Files shared with `shareFile`, with their downloads. */
  sharedFiles: SharedFileRecord[];
  /** Polls until `check` returns a truthy value (work continues after the ack), or throws after `timeoutMs`. */
  waitFor<T>(check: () => T | undefined | null | false, timeoutMs?: number, what?: string): Promise<T>;
  reset(): void;
  close(): Promise<void>;
}

const KNOWN_BLOCK_TYPES = new Set([
  'actions',
  'context',
  'data_visualization',
  'divider',
  'file',
  'header',
  'image',
  'input',
  'markdown',
  'rich_text',
  'section',
  'table',
  'video',
]);
const BROADCAST = /<!(channel|here|everyone)\b|<!subteam\^/;
const CHANNEL_ID = /^[CGDZ][A-Z0-9]{8,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const MESSAGE_TEXT_CHARS = 12_000;

export interface BlocksVerdict {
  error: 'invalid_blocks' | 'invalid_blocks_format' | 'msg_blocks_too_long';
  messages: string[];
}

const len = (s: string): number => Array.from(s).length;

/** Validates `blocks` as Slack does for chat.postMessage/chat.update; null when Slack would accept them. */
export function validateBlocks(blocks: unknown): BlocksVerdict | null {
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks_format', messages: ['[ERROR] must be an array [json-pointer:/blocks]'] };
  const errors: string[] = [];
  const err = (what: string, pointer: string): void => {
    errors.push(`[ERROR] ${what} [json-pointer:/blocks${pointer}]`);
  };
  if (blocks.length > 50) err('no more than 50 items allowed', '');
  const blockIds = new Set<string>();
  let tables = 0;
  let dataVisualizations = 0;
  let markdownChars = 0;
  const textObject = (t: unknown, pointer: string, opts: { max: number; plainOnly?: boolean }): void => {
    const o = t as { type?: unknown; text?: unknown } | null;
    if (o === null || typeof o !== 'object') return err('must be a text object', pointer);
    if (o.type !== 'mrkdwn' && o.type !== 'plain_text') return err('must be plain_text or mrkdwn', `${pointer}/type`);
    if (opts.plainOnly === true && o.type !== 'plain_text') return err('must be plain_text', `${pointer}/type`);
    if (typeof o.text !== 'string' || o.text.length === 0) return err('must be more than 0 characters', `${pointer}/text`);
    if (len(o.text) > opts.max) err(`must be less than ${opts.max + 1} characters`, `${pointer}/text`);
  };
  blocks.forEach((raw, i) => {
    const b = raw as Record<string, unknown> | null;
    const at = `/${i}`;
    if (b === null || typeof b !== 'object' || typeof b['type'] !== 'string') return err('missing required field: type', at);
    const type = b['type'];
    if (!KNOWN_BLOCK_TYPES.has(type)) return err(`unsupported type: ${type}`, `${at}/type`);
    if (b['block_id'] !== undefined) {
      const id = String(b['block_id']);
      if (id.length > 255) err('block_id must be less than 256 characters', `${at}/block_id`);
      if (blockIds.has(id)) err(`duplicate block_id: ${id}`, `${at}/block_id`);
      blockIds.add(id);
    }
    switch (type) {
      case 'section': {
        if (b['text'] === undefined && b['fields'] === undefined) err('must provide text or fields', at);
        if (b['text'] !== undefined) textObject(b['text'], `${at}/text`, { max: 3000 });
        if (b['fields'] !== undefined) {
          const fields = b['fields'];
          if (!Array.isArray(fields) || fields.length > 10) err('fields: no more than 10 items allowed', `${at}/fields`);
          else fields.forEach((f, j) => textObject(f, `${at}/fields/${j}`, { max: 2000 }));
        }
        break;
      }
      case 'header':
        textObject(b['text'], `${at}/text`, { max: 150, plainOnly: true });
        break;
      case 'context': {
        const elements = b['elements'];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 10) {
          err('elements: between 1 and 10 items', `${at}/elements`);
          break;
        }
        elements.forEach((e, j) => {
          if ((e as { type?: string }).type !== 'image') textObject(e, `${at}/elements/${j}`, { max: 3000 });
        });
        break;
      }
      case 'actions': {
        const elements = b['elements'];
        if (!Array.isArray(elements) || elements.length === 0 || elements.length > 25) {
          err('elements: between 1 and 25 items', `${at}/elements`);
          break;
        }
        const actionIds = new Set<string>();
        elements.forEach((raw2, j) => {
          const e = raw2 as Record<string, unknown>;
          const p = `${at}/elements/${j}`;
          if (e['type'] === 'button') {
            textObject(e['text'], `${p}/text`, { max: 75, plainOnly: true });
            if (typeof e['value'] === 'string' && e['value'].length > 2000) err('value must be less than 2001 characters', `${p}/value`);
            if (typeof e['url'] === 'string' && e['url'].length > 3000) err('url must be less than 3001 characters', `${p}/url`);
          }
          if (e['type'] === 'static_select') {
            if (e['placeholder'] !== undefined) textObject(e['placeholder'], `${p}/placeholder`, { max: 150, plainOnly: true });
            const options = e['options'];
            if (!Array.isArray(options) || options.length === 0 || options.length > 100) err('options: between 1 and 100 items', `${p}/options`);
            else
              options.forEach((o: { text?: unknown; value?: unknown }, k) => {
                textObject(o.text, `${p}/options/${k}/text`, { max: 75, plainOnly: true });
                if (typeof o.value !== 'string' || o.value.length === 0 || o.value.length > 75) err('value must be 1 to 75 characters', `${p}/options/${k}/value`);
              });
          }
          if (typeof e['action_id'] === 'string') {
            if (e['action_id'].length > 255) err('action_id must be less than 256 characters', `${p}/action_id`);
            if (actionIds.has(e['action_id'])) err(`duplicate action_id: ${e['action_id']}`, `${p}/action_id`);
            actionIds.add(e['action_id']);
          }
        });
        break;
      }
      case 'table': {
        tables += 1;
        if (tables > 1) err('only one table block is allowed per message', at);
        const rows = b['rows'];
        if (!Array.isArray(rows) || rows.length === 0 || rows.length > 100) {
          err('rows: between 1 and 100 items', `${at}/rows`);
          break;
        }
        rows.forEach((row, r) => {
          if (!Array.isArray(row) || row.length === 0 || row.length > 20) return err('a row has between 1 and 20 cells', `${at}/rows/${r}`);
          row.forEach((cell, c) => {
            const t = (cell as { type?: unknown }).type;
            if (t !== 'raw_text' && t !== 'raw_number' && t !== 'rich_text') err('cell must be raw_text, raw_number or rich_text', `${at}/rows/${r}/${c}`);
            if (t === 'raw_text' && (typeof (cell as { text?: unknown }).text !== 'string' || (cell as { text: string }).text === '')) {
              err('raw_text must be more than 0 characters', `${at}/rows/${r}/${c}/text`);
            }
          });
        });
        const settings = b['column_settings'];
        if (settings !== undefined && (!Array.isArray(settings) || settings.length > 20)) err('column_settings: no more than 20 items', `${at}/column_settings`);
        break;
      }
      case 'data_visualization':
        dataVisualizations += 1;
        if (dataVisualizations > 2) err('no more than 2 data_visualization blocks allowed per message', at);
        validateDataVisualization(b, at, err);
        break;
      case 'markdown':
        if (typeof b['text'] !== 'string') err('missing required field: text', at);
        else markdownChars += len(b['text']);
        break;
      case 'rich_text':
        if (!Array.isArray(b['elements'])) err('missing required field: elements', at);
        break;
      default:
        break;
    }
  });
  if (markdownChars > 12_000) err('markdown blocks exceed 12000 characters in total', '');
  if (errors.length > 0) return { error: 'invalid_blocks', messages: errors };
  const total = measureText(blocks);
  if (total > MESSAGE_TEXT_CHARS) return { error: 'msg_blocks_too_long', messages: [`[ERROR] ${total} characters of text [json-pointer:/blocks]`] };
  return null;
}

/**
 * The `data_visualization` block (https://docs.slack.dev/reference/block-kit/blocks/data-visualization-block):
 * `title` 1–50 characters; `chart.type` pie, bar, area or line. Pie: 1–6 `segments` `{ label ≤ 20, value > 0 }`.
 * Bar, area, line: 1–6 `series` with distinct `name`s (1–20 characters), each 1–20 points `{ label, value }`
 * (a finite number) whose labels are exactly `axis_config.categories`, in order; categories 1–20 characters;
 * `x_label`/`y_label` ≤ 50.
 */
function validateDataVisualization(b: Record<string, unknown>, at: string, err: (what: string, pointer: string) => void): void {
  const isText = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && len(v) <= max;
  if (!isText(b['title'], 50)) err('title: 1 to 50 characters required', `${at}/title`);
  const chart = b['chart'] as Record<string, unknown> | null | undefined;
  if (chart === null || typeof chart !== 'object') return err('missing required field: chart', `${at}/chart`);
  const type = chart['type'];
  if (type === 'pie') {
    const segments = chart['segments'];
    if (!Array.isArray(segments) || segments.length === 0 || segments.length > 6) return err('segments: between 1 and 6 items', `${at}/chart/segments`);
    segments.forEach((seg: { label?: unknown; value?: unknown }, k) => {
      if (!isText(seg.label, 20)) err('label: 1 to 20 characters required', `${at}/chart/segments/${k}/label`);
      if (typeof seg.value !== 'number' || !(seg.value > 0)) err('value must be a number greater than 0', `${at}/chart/segments/${k}/value`);
    });
    return;
  }
  if (type !== 'bar' && type !== 'area' && type !== 'line') return err(`chart type must be pie, bar, area or line, got ${String(type)}`, `${at}/chart/type`);
  const axis = chart['axis_config'] as Record<string, unknown> | null | undefined;
  if (axis === null || typeof axis !== 'object') return err('missing required field: axis_config', `${at}/chart/axis_config`);
  const categories = axis['categories'];
  if (!Array.isArray(categories) || categories.length === 0) return err('categories: at least 1 item', `${at}/chart/axis_config/categories`);
  categories.forEach((c, k) => {
    if (!isText(c, 20)) err('category: 1 to 20 characters required', `${at}/chart/axis_config/categories/${k}`);
  });
  for (const key of ['x_label', 'y_label']) {
    if (axis[key] !== undefined && !isText(axis[key], 50)) err(`${key}: at most 50 characters`, `${at}/chart/axis_config/${key}`);
  }
  const series = chart['series'];
  if (!Array.isArray(series) || series.length === 0 || series.length > 6) return err('series: between 1 and 6 items', `${at}/chart/series`);
  const names = new Set<string>();
  series.forEach((raw, k) => {
    const one = raw as { name?: unknown; data?: unknown } | null;
    const p = `${at}/chart/series/${k}`;
    if (one === null || typeof one !== 'object') return err('must be an object', p);
    if (!isText(one.name, 20)) err('name: 1 to 20 characters required', `${p}/name`);
    else if (names.has(one.name)) err(`duplicate series name: ${one.name}`, `${p}/name`);
    else names.add(one.name);
    const data = one.data;
    if (!Array.isArray(data) || data.length === 0 || data.length > 20) return err('data: between 1 and 20 items', `${p}/data`);
    data.forEach((point: { label?: unknown; value?: unknown }, j) => {
      if (typeof point.value !== 'number' || !Number.isFinite(point.value)) err('value must be a number', `${p}/data/${j}/value`);
    });
    const labels = data.map((point: { label?: unknown }) => point.label);
    if (labels.length !== categories.length || labels.some((l, j) => l !== categories[j])) err('data labels must match axis_config.categories', `${p}/data`);
  });
}

/** Characters of text across blocks, the way the stand-in applies Slack's cumulative limit. */
export function measureText(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + measureText(item), 0);
  if (node === null || typeof node !== 'object') return 0;
  let total = 0;
  for (const [key, value] of Object.entries(node)) {
    total += key === 'text' && typeof value === 'string' ? len(value) : measureText(value);
  }
  return total;
}

/** Every mrkdwn string in blocks (what Slack parses for mentions and links), with the top-level text. */
export function mrkdwnTexts(text: unknown, blocks: unknown): string[] {
  const out: string[] = typeof text === 'string' ? [text] : [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const o = node as Record<string, unknown>;
    if (o['type'] === 'mrkdwn' && typeof o['text'] === 'string') out.push(o['text']);
    Object.values(o).forEach(visit);
  };
  visit(blocks);
  return out;
}

/**
 * Returns the bytes of the first part named one of `names` in a multipart/form-data body (empty when there
 * is none). Scans with Buffer.indexOf (native), not undici's formData(): a file of tens of MB must not
 * stall this process's event loop, which the bot under test shares (its stalls are measured).
 */
export function multipartPart(contentType: string, raw: Buffer, names: readonly string[]): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (boundary === null) return Buffer.alloc(0);
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  for (let at = raw.indexOf(delimiter); at >= 0; ) {
    const headersEnd = raw.indexOf('\r\n\r\n', at);
    const next = raw.indexOf(delimiter, at + delimiter.length);
    if (headersEnd < 0 || next < 0) break;
    const name = /name="([^"]*)"/.exec(raw.subarray(at, headersEnd).toString('latin1'))?.[1];
    // The part's bytes end with the CRLF that precedes the next delimiter.
    if (name !== undefined && names.includes(name)) return Buffer.from(raw.subarray(headersEnd + 4, next - 2));
    at = next;
  }
  return Buffer.alloc(0);
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function parseParams(contentType: string, raw: Buffer): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  if (contentType.startsWith('application/json')) {
    return raw.length === 0 ? {} : (JSON.parse(raw.toString('utf8')) as Record<string, unknown>);
  }
  for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) {
    // web-api sends nested values (blocks, files) as JSON strings.
    if ((key === 'blocks' || key === 'files' || key === 'attachments') && value !== '') {
      try {
        params[key] = JSON.parse(value);
      } catch {
        params[key] = value;
      }
    } else {
      params[key] = value;
    }
  }
  return params;
}

/** Starts the stand-in on 127.0.0.1 (a free port). */
export async function startSlackStandIn(opts: StandInOptions): Promise<SlackStandIn> {
  const botUserId = opts.botUserId ?? 'U0BOT00001';
  const botId = opts.botId ?? 'B0BOT00001';
  const teamId = opts.teamId ?? 'T0123ABCD';
  const channels = new Map((opts.channels ?? []).map((c) => [c.id, c]));
  const userGroups = new Map(Object.entries(opts.userGroups ?? {}));
  const dms = new Map<string, string>();
  /** chat.postMessage to a user ID posts in the bot's DM with that user (App Home, Messages tab), opened on first use. */
  const openDm = (userId: string): string => {
    let id = dms.get(userId);
    if (id === undefined) {
      id = `D${userId.slice(1).padEnd(8, '0')}`;
      dms.set(userId, id);
      channels.set(id, { id, kind: 'im', botIsMember: true });
    }
    return id;
  };
  const calls: RecordedCall[] = [];
  const responses: RecordedResponse[] = [];
  const files: StoredFile[] = [];
  const violations: string[] = [];
  const stored = new Map<string, StoredMessage>();
  const sharedFiles: SharedFileRecord[] = [];
  const injected = new Map<string, { error: string; times: number; match?: CallMatch }>();
  const limited = new Map<string, { retryAfterS: number; times: number; match?: CallMatch }>();
  let counter = 0;
  let baseUrl = '';
  let issueSocketUrl: (() => string) | null = null;

  const key = (channel: string, ts: string): string => `${channel}/${ts}`;
  const nextTs = (): string => {
    counter += 1;
    return `${1_700_000_000 + counter}.${String(counter).padStart(6, '0')}`;
  };
  const checkMentions = (method: string, text: unknown, blocks: unknown): void => {
    for (const s of mrkdwnTexts(text, blocks)) {
      if (BROADCAST.test(s)) violations.push(`${method}: unescaped broadcast in mrkdwn: ${s.slice(0, 120)}`);
    }
  };
  /** Membership rules of doc 1.5; returns an error code or null. */
  const postingError = (channelId: unknown, forFiles: boolean): string | null => {
    const channel = typeof channelId === 'string' ? channels.get(channelId) : undefined;
    if (channel === undefined) return 'channel_not_found';
    if (channel.botIsMember) return null;
    if (channel.kind !== 'public') return 'channel_not_found';
    return opts.chatWritePublic === true && !forFiles ? null : 'not_in_channel';
  };
  const threadError = (method: string, channel: string, threadTs: unknown): string | null => {
    if (threadTs === undefined || threadTs === '') return null;
    const parent = typeof threadTs === 'string' ? stored.get(key(channel, threadTs)) : undefined;
    if (parent === undefined || parent.threadTs !== undefined) {
      violations.push(`${method}: thread_ts ${String(threadTs)} is not a top-level message in ${channel}`);
      return 'thread_not_found';
    }
    return null;
  };
  const messageContentError = (method: string, params: Record<string, unknown>, isUpdate: boolean): Record<string, unknown> | null => {
    const text = params['text'];
    const blocks = params['blocks'];
    if ((typeof text !== 'string' || text === '') && blocks === undefined && !isUpdate) return { ok: false, error: 'no_text' };
    if (typeof text !== 'string' || text === '') violations.push(`${method}: blocks without fallback text`);
    if (typeof text === 'string' && len(text) > 40_000) return { ok: false, error: 'msg_too_long' };
    if (blocks !== undefined) {
      const verdict = validateBlocks(blocks);
      if (verdict !== null) {
        violations.push(`${method}: ${verdict.error}: ${verdict.messages.join('; ')}`);
        return { ok: false, error: verdict.error, errors: verdict.messages, response_metadata: { messages: verdict.messages } };
      }
    }
    checkMentions(method, text, blocks);
    return null;
  };

  /** Stores a person's message (never updatable by the bot) and returns it in a payload's shape. */
  const storeUserMessage = (m: { channel: string; text: string; user?: string; threadTs?: string }, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    if (m.threadTs !== undefined && threadError('test message', m.channel, m.threadTs) !== null) throw new Error(`stand-in: no top-level message ${m.threadTs} in ${m.channel}`);
    const ts = nextTs();
    const user = m.user ?? 'U0123ABCD';
    stored.set(key(m.channel, ts), { channel: m.channel, ts, ...(m.threadTs === undefined ? {} : { threadTs: m.threadTs }), text: m.text, user, updates: 0 });
    return { type: 'message', user, ts, text: m.text, team: teamId, ...(m.threadTs === undefined ? {} : { thread_ts: m.threadTs }), ...extra };
  };
  /** files.info shows a file only in a conversation the bot is in (a file in a DM between people is not the bot's). */
  const botSeesFile = (record: SharedFileRecord): boolean => channels.get(record.spec.channel)?.botIsMember === true;

  const handlers: Record<string, (p: Record<string, unknown>) => Record<string, unknown>> = {
    'files.info': (p) => {
      const record = sharedFiles.find((f) => f.id === p['file']);
      if (record === undefined || !botSeesFile(record)) return { ok: false, error: 'file_not_found' };
      return { ok: true, file: record.object, comments: [], response_metadata: { next_cursor: '' } };
    },
    'apps.connections.open': () => {
      if (issueSocketUrl === null) {
        violations.push('apps.connections.open: no Socket Mode stand-in is attached (serveSocketMode)');
        return { ok: false, error: 'internal_error' };
      }
      return { ok: true, url: issueSocketUrl() };
    },
    'auth.test': () => ({
      ok: true,
      url: 'https://acme.slack.com/',
      team: 'acme',
      user: 'workerman',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),
    'chat.postMessage': (p) => {
      const target = String(p['channel'] ?? '');
      // A user ID is accepted here (not by files.* or chat.update): the answer names the DM channel.
      const channel = USER_ID.test(target) ? openDm(target) : target;
      const denied = postingError(channel, false);
      if (denied !== null) return { ok: false, error: denied };
      const bad = messageContentError('chat.postMessage', p, false);
      if (bad !== null) return bad;
      if (threadError('chat.postMessage', channel, p['thread_ts']) !== null) return { ok: false, error: 'thread_not_found' };
      const ts = nextTs();
      const message: StoredMessage = {
        channel,
        ts,
        ...(typeof p['thread_ts'] === 'string' && p['thread_ts'] !== '' ? { threadTs: p['thread_ts'] } : {}),
        text: String(p['text'] ?? ''),
        ...(Array.isArray(p['blocks']) ? { blocks: p['blocks'] } : {}),
        user: botUserId,
        updates: 0,
      };
      stored.set(key(channel, ts), message);
      return { ok: true, channel, ts, message: { type: 'message', text: message.text, user: botUserId, bot_id: botId, ts, thread_ts: message.threadTs, blocks: message.blocks } };
    },
    'chat.update': (p) => {
      const channel = String(p['channel'] ?? '');
      if (!channels.has(channel)) return { ok: false, error: 'channel_not_found' };
      const message = stored.get(key(channel, String(p['ts'] ?? '')));
      if (message === undefined) return { ok: false, error: 'message_not_found' };
      if (message.user !== botUserId) return { ok: false, error: 'cant_update_message' };
      const bad = messageContentError('chat.update', p, true);
      if (bad !== null) return bad;
      if (p['parse'] !== 'none') violations.push('chat.update: parse is not "none" (defaults to client-side parsing)');
      if (typeof p['text'] === 'string') message.text = p['text'];
      if (Array.isArray(p['blocks'])) message.blocks = p['blocks'];
      message.updates += 1;
      return { ok: true, channel, ts: message.ts, text: message.text, message: { text: message.text, blocks: message.blocks } };
    },
    'chat.postEphemeral': (p) => {
      const denied = postingError(p['channel'], false);
      if (denied !== null) return { ok: false, error: denied };
      if (typeof p['user'] !== 'string') return { ok: false, error: 'user_not_in_channel' };
      const bad = messageContentError('chat.postEphemeral', p, false);
      if (bad !== null) return bad;
      return { ok: true, message_ts: nextTs() };
    },
    'usergroups.users.list': (p) => {
      const users = userGroups.get(String(p['usergroup'] ?? ''));
      return users === undefined ? { ok: false, error: 'no_such_subteam' } : { ok: true, users: [...users] };
    },
    'files.getUploadURLExternal': (p) => {
      const length = Number(p['length']);
      if (typeof p['filename'] !== 'string' || p['filename'] === '' || !Number.isInteger(length) || length <= 0) {
        return { ok: false, error: 'missing_argument' };
      }
      const id = `F${String(files.length + 1).padStart(9, '0')}`;
      files.push({ id, filename: p['filename'], declaredLength: length, ...(typeof p['alt_text'] === 'string' ? { altText: p['alt_text'] } : {}), bytes: null, isComplete: false });
      return { ok: true, upload_url: `${baseUrl}/upload/${id}`, file_id: id };
    },
    'files.completeUploadExternal': (p) => {
      const channel = p['channel_id'];
      if (channel !== undefined && (typeof channel !== 'string' || !CHANNEL_ID.test(channel))) return { ok: false, error: 'invalid_arguments' };
      if (typeof channel === 'string') {
        const denied = postingError(channel, true);
        if (denied !== null) return { ok: false, error: denied };
        if (threadError('files.completeUploadExternal', channel, p['thread_ts']) !== null) return { ok: false, error: 'thread_not_found' };
      }
      const list = p['files'];
      if (!Array.isArray(list) || list.length === 0) return { ok: false, error: 'invalid_arguments' };
      const done: Record<string, unknown>[] = [];
      for (const item of list as { id?: string; title?: string }[]) {
        const file = files.find((f) => f.id === item.id);
        if (file === undefined || file.bytes === null || file.bytes.length !== file.declaredLength) {
          violations.push(`files.completeUploadExternal: file ${String(item.id)} was not (fully) uploaded`);
          return { ok: false, error: 'file_upload_incomplete' };
        }
        file.isComplete = true;
        if (item.title !== undefined) file.title = item.title;
        if (typeof channel === 'string') file.channel = channel;
        if (typeof p['thread_ts'] === 'string') file.threadTs = p['thread_ts'];
        done.push({ id: file.id, name: file.filename, title: file.title ?? file.filename, mimetype: 'text/plain', size: file.declaredLength, channels: [] });
      }
      return { ok: true, files: done };
    },
  };

  const server: Server = createServer((req, res) => {
    void (async () => {
      const raw = await readAll(req);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const json = (body: unknown, status = 200): void => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (url.pathname.startsWith('/upload/')) {
        const file = files.find((f) => f.id === url.pathname.slice('/upload/'.length));
        if (file === undefined) {
          res.writeHead(404).end('no such upload');
          return;
        }
        const contentType = req.headers['content-type'] ?? '';
        file.bytes = contentType.startsWith('multipart/form-data') ? multipartPart(contentType, raw, ['body', 'file']) : raw;
        calls.push({ method: 'upload', params: { id: file.id, bytes: file.bytes.length }, at: Date.now() });
        res.writeHead(200, { 'content-type': 'text/plain' }).end(`OK - ${file.bytes.length}`);
        return;
      }
      if (req.method === 'GET' && url.pathname.startsWith('/files-pri/')) {
        await serveSharedFile(url, req.headers.authorization ?? '', res);
        return;
      }
      if (req.method === 'GET' && url.pathname === '/signin') {
        // What Slack shows a download without a usable token: its sign-in page, HTTP 200.
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!DOCTYPE html><html><head><title>Slack</title></head><body>Sign in to acme</body></html>');
        return;
      }
      if (url.pathname.startsWith('/response/')) {
        const body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
        responses.push({ id: url.pathname.slice('/response/'.length), body, at: Date.now() });
        if (body['blocks'] !== undefined) {
          const verdict = validateBlocks(body['blocks']);
          if (verdict !== null) {
            violations.push(`response_url: ${verdict.error}: ${verdict.messages.join('; ')}`);
            res.writeHead(400, { 'content-type': 'text/plain' }).end(verdict.error);
            return;
          }
        }
        checkMentions('response_url', body['text'], body['blocks']);
        json({ ok: true });
        return;
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const params = parseParams(req.headers['content-type'] ?? '', raw);
      const token = (req.headers.authorization ?? '').replace(/^Bearer /, '') || (typeof params['token'] === 'string' ? params['token'] : '');
      calls.push({ method, params, at: Date.now() });
      // API errors are HTTP 200 + ok:false: any other status makes web-api retry.
      if (token === '') return json({ ok: false, error: 'not_authed' });
      // apps.connections.open takes only the app-level token (scope connections:write); everything else only the bot token.
      const wanted = method === 'apps.connections.open' ? opts.appToken : opts.botToken;
      const other = method === 'apps.connections.open' ? opts.botToken : opts.appToken;
      if (token !== wanted) return json({ ok: false, error: token === other ? 'not_allowed_token_type' : 'invalid_auth' });
      const applies = (fault: { times: number; match?: CallMatch } | undefined): boolean =>
        fault !== undefined && fault.times > 0 && (fault.match === undefined || fault.match(params));
      const limit = limited.get(method);
      if (limit !== undefined && applies(limit)) {
        limit.times -= 1;
        res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limit.retryAfterS) });
        res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
        return;
      }
      const fault = injected.get(method);
      if (fault !== undefined && applies(fault)) {
        fault.times -= 1;
        return json({ ok: false, error: fault.error });
      }
      const handler = handlers[method];
      json(handler === undefined ? { ok: false, error: 'unknown_method' } : handler(params));
    })().catch((error: unknown) => {
      violations.push(`stand-in crashed: ${String(error)}`);
      if (!res.headersSent) res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'internal_error' }));
    });
  });
  /** GET url_private_download: the bytes with the bot token (in 64 KiB writes, as fast as the client reads), else a redirect to /signin. */
  const serveSharedFile = async (url: URL, authorization: string, res: ServerResponse): Promise<void> => {
    const id = /^\/files-pri\/[^/]+-(F[A-Z0-9]+)\/download\//.exec(url.pathname)?.[1];
    const record = sharedFiles.find((f) => f.id === id);
    const download = { authorized: authorization === `Bearer ${opts.botToken}`, bytesSent: 0, isComplete: false };
    calls.push({ method: 'download', params: { id: id ?? null, authorized: download.authorized }, at: Date.now() });
    if (!download.authorized) {
      record?.downloads.push(download);
      res.writeHead(302, { location: `${baseUrl}/signin?redir=${encodeURIComponent(url.pathname)}` }).end();
      return;
    }
    if (record === undefined || record.spec.mode === 'tombstone') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('file not found');
      return;
    }
    record.downloads.push(download);
    const bytes = record.spec.bytes;
    res.writeHead(200, {
      'content-type': String(record.object['mimetype']),
      ...(record.spec.declaredSize === undefined ? { 'content-length': String(bytes.length) } : {}),
    });
    let isClosed = false;
    res.on('close', () => {
      isClosed = true;
    });
    for (let at = 0; at < bytes.length && !isClosed; at += 64 * 1024) {
      const piece = bytes.subarray(at, at + 64 * 1024);
      download.bytesSent += piece.length;
      if (!res.write(piece)) await new Promise((resolve) => {
        res.once('drain', resolve);
        res.once('close', resolve);
      });
    }
    if (!isClosed) {
      res.end();
      download.isComplete = true;
    }
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  baseUrl = `http://127.0.0.1:${port}`;

  const all = (): StoredMessage[] => [...stored.values()].sort((a, b) => Number(a.ts) - Number(b.ts));
  return {
    apiUrl: `${baseUrl}/api/`,
    baseUrl,
    responseUrl: (id) => `${baseUrl}/response/${id}`,
    calls,
    responses,
    files,
    violations,
    dmOf: (userId) => dms.get(userId),
    messages: (channel) => all().filter((m) => m.channel === channel && m.threadTs === undefined),
    replies: (channel, ts) => all().filter((m) => m.channel === channel && m.threadTs === ts),
    message: (channel, ts) => stored.get(key(channel, ts)),
    callsOf: (method) => calls.filter((c) => c.method === method),
    sharedFiles,
    shareFile(spec) {
      const id = `F5${String(sharedFiles.length + 1).padStart(8, '0')}`;
      const mode = spec.mode ?? 'hosted';
      const kind = channels.get(spec.channel)?.kind;
      const urlPrivate = `${baseUrl}/files-pri/${teamId}-${id}/${encodeURIComponent(spec.name)}`;
      const object: Record<string, unknown> = {
        id,
        created: Math.floor(Date.now() / 1000),
        timestamp: Math.floor(Date.now() / 1000),
        name: spec.name,
        title: spec.name,
        mimetype: spec.mimetype ?? 'text/plain',
        filetype: spec.filetype ?? 'text',
        pretty_type: spec.prettyType ?? 'Plain Text',
        user: spec.user ?? 'U0123ABCD',
        user_team: teamId,
        editable: mode === 'snippet',
        size: spec.declaredSize ?? spec.bytes.length,
        mode,
        is_external: mode === 'external',
        external_type: mode === 'external' ? 'gdrive' : '',
        is_public: kind === 'public',
        url_private: urlPrivate,
        url_private_download: `${baseUrl}/files-pri/${teamId}-${id}/download/${encodeURIComponent(spec.name)}`,
        permalink: `https://acme.slack.com/files/${spec.user ?? 'U0123ABCD'}/${id}/${encodeURIComponent(spec.name)}`,
        channels: kind === 'public' ? [spec.channel] : [],
        groups: kind === 'private' || kind === 'mpim' ? [spec.channel] : [],
        ims: kind === 'im' ? [spec.channel] : [],
        ...(mode === 'snippet' ? { lines: spec.bytes.toString('utf8').split('\n').length, preview: spec.bytes.toString('utf8').slice(0, 200) } : {}),
      };
      const record: SharedFileRecord = { id, spec, object, downloads: [] };
      sharedFiles.push(record);
      const message = storeUserMessage(
        { channel: spec.channel, text: spec.text ?? '', ...(spec.user === undefined ? {} : { user: spec.user }), ...(spec.threadTs === undefined ? {} : { threadTs: spec.threadTs }) },
        { files: [object], upload: true, display_as_bot: false },
      );
      return { message, file: record };
    },
    postUserMessage: (m) => storeUserMessage(m),
    serveSocketMode: (issueUrl) => {
      issueSocketUrl = issueUrl;
    },
    setUserGroup: (groupId, users) => {
      userGroups.set(groupId, [...users]);
    },
    fail: (method, error, times = 1, match) => {
      injected.set(method, { error, times, ...(match === undefined ? {} : { match }) });
    },
    rateLimit: (method, retryAfterS, times = 1, match) => {
      limited.set(method, { retryAfterS, times, ...(match === undefined ? {} : { match }) });
    },
    async waitFor(check, timeoutMs = 10_000, what = 'condition') {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const value = check();
        if (value) return value;
        if (Date.now() > deadline) throw new Error(`stand-in: timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    reset() {
      calls.length = 0;
      responses.length = 0;
      files.length = 0;
      violations.length = 0;
      stored.clear();
      sharedFiles.length = 0;
      for (const id of dms.values()) channels.delete(id);
      dms.clear();
      injected.clear();
      limited.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
