import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { BotError } from '../errors.js';
import { renderErrorMessage, renderNotInChannelHint } from '../render/slack/error-blocks.js';
import type { SlackMessage } from '../render/slack/limits.js';
import { CANNOT_POST, createThread } from './create-thread.js';
import { describeError } from './json-logger.js';
import { respondPrivately } from './respond-privately.js';
import type { ChannelThread, PostOutcome, SlackThread, ThreadDeps, ThreadRequest } from './slack-thread.js';
import { slackErrorCode } from './slack-error-code.js';

// The one way the bot posts: open a thread here (its types in slack-thread.ts, its methods in
// create-thread.ts), then update, reply, upload and finish through it.

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

