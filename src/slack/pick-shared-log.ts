import { BotError, oneLine } from '../errors.js';
import { formatBytes } from '../render/format.js';

/**
 * A file as Slack describes it: `files.info`'s `file`, or an entry of a message's `files`. Every field is
 * read defensively: payload entries can be partial (`file_access: "check_file_info"` carries only the id).
 */
export type SlackFileObject = Record<string, unknown>;

/** What the "Summarise strace log" shortcut reads from the message it was used on. */
export type SharedLog =
  /** A file (an upload or a snippet): looked up with files.info, then downloaded. */
  | { kind: 'file'; id: string; name: string; fileCount: number }
  /** No file: the message's own text, Slack's formatting undone (a log pasted in a code block). */
  | { kind: 'text'; text: string };

/** A file that may be read: its display name, where to download it and the size Slack declares. */
export interface ReadableSharedFile {
  name: string;
  url: string;
  sizeBytes: number | null;
}

// Types that may hold strace text. `application/octet-stream` is what Slack says when it cannot tell (a
// `.strace` file); gzip is accepted because the bot itself uploads large raw logs as `.log.gz`.
const TEXT_MIMETYPES = new Set(['application/octet-stream', 'application/gzip', 'application/x-gzip', 'application/json', 'application/x-log']);

/**
 * Picks what to read from a message (the `message` of a `message_action` payload): its first file that
 * may hold text (a snippet, a `text/*` upload, a gzipped log), else, when it has no file, its text.
 * Throws `not_strace_log` when it has files but none of them can be text (an image, a PDF).
 *
 * @example pickSharedLog({ text: '', files: [{ id: 'F0123', name: 'trace.txt', mimetype: 'text/plain' }] })
 *   // { kind: 'file', id: 'F0123', name: 'trace.txt', fileCount: 1 }
 */
export function pickSharedLog(message: { text?: unknown; files?: unknown }): SharedLog {
  const files = (Array.isArray(message.files) ? message.files : []).filter(
    (f): f is SlackFileObject => f !== null && typeof f === 'object' && typeof (f as SlackFileObject)['id'] === 'string',
  );
  if (files.length === 0) return { kind: 'text', text: unformatMessageText(typeof message.text === 'string' ? message.text : '') };
  const candidate = files.find((f) => mayBeText(f));
  if (candidate === undefined) {
    const first = files[0]!;
    const more = files.length > 1 ? ` (nor are the other ${files.length - 1} files of this message)` : '';
    throw new BotError('not_strace_log', `${quoteName(first)} is ${describeType(first)}, not a text log${more}: the bot summarises what strace writes.`);
  }
  return { kind: 'file', id: String(candidate['id']), name: displayName(candidate), fileCount: files.length };
}

/**
 * Returns where to download a file described by `files.info`, or throws why it cannot be read: deleted
 * (`file_unavailable`), hidden by the workspace's plan, stored outside Slack, not text (`not_strace_log`)
 * or larger than `maxBytes` (`file_too_large`, before a byte is downloaded).
 */
export function checkSharedFile(file: SlackFileObject, maxBytes: number): ReadableSharedFile {
  const name = quoteName(file);
  const mode = typeof file['mode'] === 'string' ? file['mode'] : 'hosted';
  if (mode === 'tombstone') throw new BotError('file_unavailable', `${name} was deleted from Slack.`);
  if (mode === 'hidden_by_limit') throw new BotError('file_unavailable', `${name} is hidden by this workspace's plan (older than the history it keeps).`);
  if (mode === 'external' || file['is_external'] === true) {
    throw new BotError('file_unavailable', `${name} is stored outside Slack (a link to another service): download it and share the text itself.`);
  }
  if (!mayBeText(file)) throw new BotError('not_strace_log', `${name} is ${describeType(file)}, not a text log: the bot summarises what strace writes.`);
  const sizeBytes = typeof file['size'] === 'number' && Number.isFinite(file['size']) && file['size'] >= 0 ? file['size'] : null;
  if (sizeBytes !== null && sizeBytes > maxBytes) throw tooLargeError(name, maxBytes, sizeBytes);
  const url = file['url_private_download'] ?? file['url_private'];
  if (typeof url !== 'string' || url === '') throw new BotError('file_unavailable', `Slack gave no download address for ${name}.`);
  return { name: displayName(file), url, sizeBytes };
}

/** Returns the `file_too_large` error for `name` (already quoted): its size when known, the cap and the setting. */
export function tooLargeError(name: string, maxBytes: number, sizeBytes: number | null): BotError {
  const size = sizeBytes === null ? `is over ${formatBytes(maxBytes)}` : `is ${formatBytes(sizeBytes)}`;
  return new BotError(
    'file_too_large',
    `${name} ${size}: the bot summarises logs of at most ${formatBytes(maxBytes)} (\`limits.summariseMaxBytes\`), and nothing of this one was summarised.`,
  );
}

/**
 * Undoes what Slack does to a message's text: `&amp;`, `&lt;` and `&gt;` back to characters, and code
 * fences (```` ``` ````) to line breaks, so a strace log pasted in a code block reads as it was written.
 *
 * @example unformatMessageText('```read(7, "GET /", 8192) = -1 EAGAIN (Resource &lt;x&gt;)```') // '\nread(7, "GET /", 8192) = -1 EAGAIN (Resource <x>)\n'
 */
export function unformatMessageText(text: string): string {
  return text.replace(/```/g, '\n').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The name shown for a file: its name, else its title, one line, at most 80 characters. */
export function displayName(file: SlackFileObject): string {
  const raw = typeof file['name'] === 'string' && file['name'] !== '' ? file['name'] : typeof file['title'] === 'string' && file['title'] !== '' ? file['title'] : 'the file';
  return oneLine(raw, 80) || 'the file';
}

function quoteName(file: SlackFileObject): string {
  const name = displayName(file);
  return name === 'the file' ? name : `"${name}"`;
}

function mayBeText(file: SlackFileObject): boolean {
  if (file['mode'] === 'snippet') return true;
  const mimetype = typeof file['mimetype'] === 'string' ? file['mimetype'].toLowerCase().split(';')[0]!.trim() : '';
  // A partial payload entry (no mimetype) may be anything: files.info tells.
  return mimetype === '' || mimetype.startsWith('text/') || TEXT_MIMETYPES.has(mimetype);
}

function describeType(file: SlackFileObject): string {
  const pretty = typeof file['pretty_type'] === 'string' && file['pretty_type'] !== '' ? oneLine(file['pretty_type'], 40) : null;
  const mimetype = typeof file['mimetype'] === 'string' ? oneLine(file['mimetype'], 60) : null;
  if (pretty !== null && mimetype !== null) return `a ${pretty} file (${mimetype})`;
  if (pretty !== null || mimetype !== null) return `a ${pretty ?? mimetype} file`;
  return 'not a text file';
}
