import { asBotError, BotError } from '../errors.js';
import { renderErrorMessage, renderFailureNotice, renderNotInChannelHint, renderShutdownNotice, renderShutdownReply } from '../render/slack/error-blocks.js';
import { sectionMessage } from '../render/slack/blocks.js';
import { truncateEscaped } from '../render/slack/escape.js';
import { joinMessages, SLACK_LIMITS, type SlackMessage } from '../render/slack/limits.js';
import { renderReplyFailedNote, renderUploadFailedNote } from '../render/slack/thread-notes.js';
import { describeError } from './json-logger.js';
import { readUpload, UploadTooLargeError } from './read-upload.js';
import { respondPrivately } from './respond-privately.js';
import type { SlackThread, ThreadDeps, ThreadFile, ThreadRequest } from './slack-thread.js';
import { slackErrorCode } from './slack-error-code.js';

/** Slack answers these where the bot may not post (doc: slack-platform.md 1.5); later posts fail alike. */
export const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found', 'is_archived']);

/**
 * Returns the methods of a thread under `parent` (null: the bot cannot post there, `cannotPost` says why;
 * `tell` still reaches the requester), its replies and uploads under `root`.
 */
export function createThread(
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
