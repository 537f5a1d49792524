import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { asBotError, BotError, type BotErrorCode } from '../errors.js';
import {
  renderErrorMessage,
  renderFailureNotice,
  renderNotInChannelHint,
  renderShutdownNotice,
  renderShutdownReply,
  type FailedRequest,
} from '../render/slack/error-blocks.js';
import { sectionMessage } from '../render/slack/blocks.js';
import { truncateEscaped } from '../render/slack/escape.js';
import { joinMessages, SLACK_LIMITS, type SlackMessage, type ThreadGaps } from '../render/slack/limits.js';
import { renderReplyFailedNote, renderUploadFailedNote } from '../render/slack/thread-notes.js';
import type { BotDeps } from './bot-deps.js';
import { describeError } from './json-logger.js';
import { respondPrivately } from './respond-privately.js';
import { slackErrorCode } from './slack-error-code.js';

/** What posting a request's answer came to (for the audit line). */
export interface PostOutcome {
  outcome: 'ok' | 'error' | 'not_in_channel' | 'cancelled';
  errorCode?: BotErrorCode | string;
}

/** Where a request came from and who asked: what a thread is opened for. */
export interface ThreadRequest {
  client: WebClient;
  respond: RespondFn;
  channelId: string;
  userId: string;
  /** Set for a refresh: the parent is posted as a reply in this thread, and its replies go there too. */
  threadTs?: string;
}

/** How a reply or an upload went: Slack's error code (or ours, e.g. `file_too_large`) when it did not arrive. */
export type StepResult = { ok: true } | { ok: false; error: string };

/** A file for the thread, read once from a stream. */
export interface ThreadFile {
  filename: string;
  title: string;
  from: Readable;
  /** Compress on the way (zlib's thread pool, never the event loop). */
  gzip: boolean;
  /** What it is, for the note when it cannot be attached ("the raw log"); written by the caller. */
  what: string;
  /** Description of an image for screen readers (files.uploadV2 `alt_text`); plain text, at most 1000 characters. */
  altText?: string;
}

/** The one way the bot posts a request's answer: a parent message and its thread. */
export interface SlackThread {
  /** The parent message; null when the bot cannot post in the channel (then only `tell` reaches anyone). */
  readonly parent: { channel: string; ts: string } | null;
  /** `not_in_channel` / `channel_not_found` when the parent could not be posted, else null. */
  readonly cannotPost: string | null;
  /** What did not reach the thread so far (failed replies and uploads). */
  readonly gaps: ThreadGaps;
  /**
   * Replaces the parent (`parse: 'none'`, fallback text always set); when Slack refuses the blocks (e.g.
   * `invalid_blocks` for a block type this workspace does not take), `fallback` when given, then the
   * text alone with `fallbackNote`. Waits for a `show` in flight, and `show` is ignored from then on.
   */
  update(message: SlackMessage, opts?: { fallback?: SlackMessage; fallbackNote?: string }): Promise<boolean>;
  /**
   * Shows a passing state (waiting, progress) without waiting: one update in flight, the latest wins; it
   * is skipped when the workspace's update budget has no room for progress (poster.update).
   */
  show(message: SlackMessage): void;
  /** Posts a reply in the thread; a refused one is said in the thread and counted in `gaps`. */
  reply(message: SlackMessage): Promise<StepResult>;
  /** Attaches a file in the thread; one that cannot be attached is said in the thread and counted in `gaps`. */
  upload(file: ThreadFile): Promise<StepResult>;
  /** Answers the requester privately; where the bot cannot post, led by the /invite hint. */
  tell(message: SlackMessage): Promise<boolean>;
  /** Opens the requester's DM with the bot with `root` as its first message: a thread there, or Slack's error code. */
  openDm(root: SlackMessage): Promise<SlackThread | { error: string }>;
  /**
   * Ends a request that failed: the message (which may quote the host) to the requester only, the
   * outcome and code to the parent. Stopped by a shutdown (`signal` aborted), it says exactly that.
   */
  fail(error: unknown, failed: FailedRequest, signal: AbortSignal, opts?: { retryActionId?: string }): Promise<PostOutcome>;
  /**
   * Ends a request that ran: when a reply or an upload did not arrive (or `always`), updates the parent
   * with `render(gaps)` so it never claims what is missing.
   */
  finish(render: (gaps: ThreadGaps) => SlackMessage, opts?: { always?: boolean; fallback?: (gaps: ThreadGaps) => SlackMessage }): Promise<PostOutcome>;
}

export type ThreadDeps = Pick<BotDeps, 'ackGate' | 'logger' | 'poster'>;

// Slack answers these where the bot may not post (doc: slack-platform.md 1.5); later posts fail alike.
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);
// Bounds what an upload holds in memory: the largest raw log (strace.maxOutputBytes ≤ 512 MB) gzips to
// about a tenth of that; Slack itself takes up to 1 GB.
const MAX_UPLOAD_BYTES = 128 * 1024 * 1024;

/**
 * Posts `pending` as the parent of a new thread, once requests still arriving have been acked. Where the
 * bot cannot post, either goes on privately (`orPrivately`: the answer goes to the requester with the
 * /invite hint) or tells the requester the hint and stops; any other refusal is told and stops.
 */
export async function openThread(
  deps: ThreadDeps,
  req: ThreadRequest,
  pending: SlackMessage,
  opts: { host: string; orPrivately: boolean },
): Promise<{ thread: SlackThread } | { refused: PostOutcome }> {
  // Requests still arriving (a burst) are acked before this work competes with them for the loop.
  await deps.ackGate.quiet();
  try {
    const posted = await deps.poster.send(req.channelId, () =>
      req.client.chat.postMessage({
        channel: req.channelId,
        text: pending.text,
        blocks: pending.blocks,
        ...(req.threadTs === undefined ? {} : { thread_ts: req.threadTs }),
      }),
    );
    const parent = { channel: posted.channel ?? req.channelId, ts: String(posted.ts) };
    return { thread: createThread(deps, req, parent, req.threadTs ?? parent.ts, null) };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code !== undefined && CANNOT_POST.has(code)) {
      if (opts.orPrivately) return { thread: createThread(deps, req, null, null, code) };
      await respondPrivately(deps, req.respond, renderNotInChannelHint(code));
      return { refused: { outcome: 'not_in_channel', errorCode: code } };
    }
    const failure = new BotError('internal', `Slack refused the message (${code ?? describeError(error)}).`, { cause: error });
    await respondPrivately(deps, req.respond, renderErrorMessage(failure, { host: opts.host }));
    return { refused: { outcome: 'error', errorCode: code ?? 'internal' } };
  }
}

/** A thread no request asked for (a watch alert): its parent, updates and replies; nobody to tell privately. */
export type ChannelThread = Pick<SlackThread, 'parent' | 'gaps' | 'update' | 'reply'>;

/**
 * Posts `message` as the parent of a new thread in `channel` on nobody's request (the watcher's alerts),
 * once requests still arriving have been acked. Returns the thread, or Slack's error code (nobody to tell:
 * the caller logs and audits it).
 */
export async function openChannelThread(
  deps: ThreadDeps,
  client: WebClient,
  channel: string,
  message: SlackMessage,
): Promise<{ thread: ChannelThread } | { error: string }> {
  await deps.ackGate.quiet();
  try {
    const posted = await deps.poster.send(channel, () =>
      client.chat.postMessage({ channel, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }),
    );
    const parent = { channel: posted.channel ?? channel, ts: String(posted.ts) };
    return { thread: createThread(deps, noRequester(client, channel), parent, parent.ts, null) };
  } catch (error) {
    deps.logger.warn({ event: 'slack_call_failed', method: 'chat.postMessage', error: slackErrorCode(error) ?? describeError(error) });
    return { error: slackErrorCode(error) ?? 'post_failed' };
  }
}

/** The thread of a parent posted earlier on nobody's request (its ts kept, e.g. across a restart). */
export function resumeChannelThread(deps: ThreadDeps, client: WebClient, parent: { channel: string; ts: string }): ChannelThread {
  return createThread(deps, noRequester(client, parent.channel), parent, parent.ts, null);
}

/** A request without a requester: what a ChannelThread never tells anyone privately (it has no `tell`). */
function noRequester(client: WebClient, channelId: string): ThreadRequest {
  const respond: RespondFn = () => Promise.reject(new BotError('internal', 'A channel thread has no requester to answer.'));
  return { client, respond, channelId, userId: '' };
}

function createThread(
  deps: ThreadDeps,
  req: ThreadRequest,
  parent: { channel: string; ts: string } | null,
  root: string | null,
  cannotPost: string | null,
): SlackThread {
  const { client } = req;
  const gaps = { replies: 0, files: [] as string[] };
  // Set once Slack says the bot may no longer post here: what is left would fail the same way.
  let gone: string | null = null;
  let isSettled = false;
  let nextShow: SlackMessage | null = null;
  let showing: Promise<void> | null = null;

  /**
   * Runs one Web API call through the poster: posts paced per channel, updates within the workspace's
   * budget (429s retried there; a progress update may be skipped). A failure is logged and returned as its code.
   */
  const attempt = async (method: string, call: () => Promise<unknown>, fallbackCode: string, via: 'post' | 'update' | 'progress' = 'post'): Promise<string | null> => {
    if (parent === null) return 'no_thread';
    if (gone !== null) return gone;
    try {
      if (via === 'post') await deps.poster.send(parent.channel, call);
      else await deps.poster.update(parent.channel, call, { isProgress: via === 'progress' });
      return null;
    } catch (error) {
      const code = slackErrorCode(error) ?? (error instanceof BotError ? error.code : fallbackCode);
      deps.logger.warn({ event: 'slack_call_failed', method, error: slackErrorCode(error) ?? describeError(error) });
      if (CANNOT_POST.has(code) && method !== 'files.uploadV2') gone = code;
      return code;
    }
  };
  const chatUpdate = (message: SlackMessage) => (): Promise<unknown> =>
    // chat.update defaults to parse=client, which would turn `@here` typed by a host into a mention.
    client.chat.update({ channel: parent!.channel, ts: parent!.ts, parse: 'none', text: message.text, blocks: message.blocks });
  const sayInThread = async (note: SlackMessage): Promise<void> => {
    await attempt('chat.postMessage', () => client.chat.postMessage({ channel: parent!.channel, thread_ts: root!, text: note.text, blocks: note.blocks }), 'post_failed');
  };
  const update: SlackThread['update'] = async (message, opts = {}) => {
    isSettled = true;
    nextShow = null;
    await showing;
    if (parent === null) return false;
    const failed = await attempt('chat.update', chatUpdate(message), 'update_failed', 'update');
    if (failed === null) return true;
    if (gone !== null) return false;
    if (opts.fallback !== undefined) {
      deps.logger.warn({ event: 'slack_blocks_refused', error: failed, next: 'fallback' });
      if ((await attempt('chat.update', chatUpdate(opts.fallback), 'update_failed', 'update')) === null) return true;
      if (gone !== null) return false;
    }
    // Never leave the parent saying "…" forever: the summary alone, in one section Slack accepts.
    const text = truncateEscaped(`${message.text} ${opts.fallbackNote ?? '(the formatted message could not be shown)'}`, SLACK_LIMITS.sectionTextChars);
    return (await attempt('chat.update', chatUpdate(sectionMessage(text)), 'update_failed', 'update')) === null;
  };
  // Sends what show() left, newest only; clears `showing` in the same turn its loop ends, so no show() is lost.
  const showLatest = async (): Promise<void> => {
    while (nextShow !== null && !isSettled) {
      const message = nextShow;
      nextShow = null;
      // A progress update: skipped when the workspace's update budget has no room for it now.
      await attempt('chat.update', chatUpdate(message), 'update_failed', 'progress');
    }
    showing = null;
  };
  /** Reads, gzips and uploads `file`; returns why it did not arrive, or null. */
  const uploadFile = async (file: ThreadFile): Promise<string | null> => {
    if (parent === null || gone !== null) {
      file.from.destroy();
      return gone ?? 'no_thread';
    }
    let bytes: Buffer;
    try {
      bytes = await readUpload(file);
    } catch (error) {
      deps.logger.warn({ event: 'upload_read_failed', file: file.filename, error: describeError(error) });
      return error instanceof UploadTooLargeError ? 'file_too_large' : 'file_unreadable';
    }
    return attempt(
      'files.uploadV2',
      () =>
        client.files.uploadV2({
          channel_id: parent.channel,
          thread_ts: root!,
          filename: file.filename,
          title: file.title,
          file: bytes,
          ...(file.altText === undefined ? {} : { alt_text: Array.from(file.altText).slice(0, 1000).join('') }),
        }),
      'upload_failed',
    );
  };
  const tell: SlackThread['tell'] = (message) =>
    respondPrivately(deps, req.respond, cannotPost === null ? message : joinMessages(renderNotInChannelHint(cannotPost), message));

  return {
    parent,
    cannotPost,
    gaps,
    update,
    tell,
    show(message) {
      if (parent === null || isSettled) return;
      nextShow = message;
      showing ??= showLatest();
    },
    async reply(message) {
      const failed = await attempt(
        'chat.postMessage',
        () => client.chat.postMessage({ channel: parent!.channel, thread_ts: root!, text: message.text, blocks: message.blocks }),
        'post_failed',
      );
      if (failed === null) return { ok: true };
      gaps.replies += 1;
      if (gone === null) await sayInThread(renderReplyFailedNote(failed));
      return { ok: false, error: failed };
    },
    async upload(file) {
      const failed = await uploadFile(file);
      if (failed === null) return { ok: true };
      gaps.files.push(file.filename);
      if (gone === null && parent !== null) await sayInThread(renderUploadFailedNote(file.what, failed));
      return { ok: false, error: failed };
    },
    async openDm(message) {
      try {
        // A post to the user ID opens the bot's DM with them (`chat:write` is enough) and names its D… channel.
        const posted = await deps.poster.send(req.userId, () =>
          client.chat.postMessage({ channel: req.userId, text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false }),
        );
        if (typeof posted.channel !== 'string' || posted.ts === undefined) return { error: 'no_dm_channel' };
        const dm = { channel: posted.channel, ts: String(posted.ts) };
        return createThread(deps, { ...req, channelId: dm.channel }, dm, dm.ts, null);
      } catch (error) {
        deps.logger.warn({ event: 'slack_call_failed', method: 'chat.postMessage', error: slackErrorCode(error) ?? describeError(error) });
        return { error: slackErrorCode(error) ?? 'dm_failed' };
      }
    },
    async fail(error, failed, signal, opts = {}) {
      if (signal.aborted) {
        // Not a timeout and nothing to configure: the bot is going away.
        if (parent !== null) await update(renderShutdownNotice(failed));
        else await tell(renderShutdownReply());
        return { outcome: 'cancelled', errorCode: 'shutting_down' };
      }
      const botError = asBotError(error);
      if (botError.code === 'internal') deps.logger.error({ event: 'internal_error', host: failed.host, error: describeError(error) });
      // The message may quote the host (a PHP error, a path): only the requester sees it. The channel gets
      // the outcome and the code, and says where the details went only once they did.
      const detailsSent = await tell(renderErrorMessage(botError, { host: failed.host }));
      if (parent !== null) {
        const notice = renderFailureNotice(failed, { code: botError.code, requestedBy: req.userId, detailsSent, ...opts });
        await update(notice);
      }
      return { outcome: 'error', errorCode: botError.code };
    },
    async finish(render, opts = {}) {
      const isComplete = gaps.replies === 0 && gaps.files.length === 0;
      if (!isComplete) deps.logger.warn({ event: 'thread_incomplete', replies: gaps.replies, files: gaps.files });
      if (parent !== null && (!isComplete || opts.always === true)) {
        const now = { replies: gaps.replies, files: [...gaps.files] };
        await update(render(now), opts.fallback === undefined ? {} : { fallback: opts.fallback(now) });
      }
      return { outcome: 'ok' };
    },
  };
}

class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
}

/**
 * Reads a file for upload, gzipped on the way when asked (zlib works on its thread pool, so a 50 MB log
 * costs the event loop milliseconds where gzipSync blocked it for about a second), into one Buffer of at
 * most MAX_UPLOAD_BYTES. Why a Buffer and not the stream itself: @slack/web-api 8.2's files.uploadV2 must
 * send the byte length to files.getUploadURLExternal before any byte, so given a Readable it collects the
 * whole stream into a Buffer anyway (file-upload.ts getFileDataAsStream), without listening for 'error':
 * a failed read would hang the upload forever. And a 429 retry sends the same bytes again.
 */
async function readUpload(file: ThreadFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = async (source: AsyncIterable<Buffer | string>): Promise<void> => {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > MAX_UPLOAD_BYTES) throw new UploadTooLargeError(`${file.filename} is over ${MAX_UPLOAD_BYTES} bytes`);
      chunks.push(bytes);
    }
  };
  // pipeline() closes every stream (the file handle too) when one fails or the limit is hit.
  if (file.gzip) await pipeline(file.from, createGzip(), collect);
  else await pipeline(file.from, collect);
  return Buffer.concat(chunks, size);
}
