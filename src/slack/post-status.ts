import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { HostConfig } from '../config/schema.js';
import { asBotError, BotError, type BotErrorCode } from '../errors.js';
import { renderErrorMessage, renderFailureNotice, renderNotInChannelHint } from '../render/slack/error-blocks.js';
import type { SlackMessage } from '../render/slack/limits.js';
import { renderStatusMessage, renderStatusPending } from '../render/slack/status-blocks.js';
import { renderWaitingMessage } from '../render/slack/waiting-blocks.js';
import { runStatus } from '../workerman/run-status.js';
import type { BotDeps } from './bot-deps.js';
import { ACTION_IDS } from './ids.js';
import { slackErrorCode } from './slack-error-code.js';

export interface StatusRequest {
  client: WebClient;
  respond: RespondFn;
  channelId: string;
  userId: string;
  host: HostConfig;
  /** Set for a refresh: the thread root (the parent's ts) to post the new status into. */
  threadTs?: string;
}

export interface StatusOutcome {
  outcome: 'ok' | 'error' | 'not_in_channel' | 'cancelled';
  errorCode?: BotErrorCode | string;
}

// Slack answers these when the bot may not post in the conversation (doc: slack-platform.md 1.5).
const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found']);

/**
 * Posts the status of one host as a parent message (or a reply in `threadTs`), runs it, updates the
 * message with the result, adds the full tables and the raw output in the thread. Never throws: every
 * failure reaches the user (ephemeral, in full) and the parent message (its outcome and code only).
 */
export async function postStatus(deps: BotDeps, req: StatusRequest, signal: AbortSignal): Promise<StatusOutcome> {
  const { client, host } = req;
  const log = deps.logger;
  let parent: { channel: string; ts: string } | null = null;
  let cannotPost: string | null = null;

  // Requests still arriving (a burst) are acked before this work competes with them for the loop.
  await deps.ackGate.quiet();
  const pending = renderStatusPending(host.name, req.userId);
  try {
    const posted = await deps.poster.send(req.channelId, () =>
      client.chat.postMessage({
        channel: req.channelId,
        ...pending,
        ...(req.threadTs === undefined ? {} : { thread_ts: req.threadTs }),
      }),
    );
    parent = { channel: posted.channel ?? req.channelId, ts: String(posted.ts) };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === undefined || !CANNOT_POST.has(code)) {
      const failure = new BotError('internal', `Slack refused the message (${code ?? describeError(error)}).`, { cause: error });
      await safeRespond(deps, req.respond, renderErrorMessage(failure, { host: host.name }));
      return { outcome: 'error', errorCode: code ?? 'internal' };
    }
    // Still answer, privately: respond() works where the bot cannot post (doc 1.5).
    cannotPost = code;
  }
  const threadRoot = req.threadTs ?? parent?.ts;

  let run: Awaited<ReturnType<typeof runStatus>>;
  try {
    // A busy host means waiting, visibly, not failing: the parent says so until a slot frees up.
    const release = await deps.hostQueue.acquire(
      host.name,
      ({ position, running }) => {
        if (parent === null) return;
        const waiting = renderWaitingMessage({ what: 'status', host: host.name, position, running, on: 'host' });
        void safeSend(deps, 'chat.update', parent.channel, () => client.chat.update({ channel: parent!.channel, ts: parent!.ts, parse: 'none', ...waiting }));
      },
      signal,
    );
    try {
      signal.throwIfAborted();
      run = await runStatus(deps.transports.get(host.name), host, { signal });
    } finally {
      release();
    }
  } catch (error) {
    const cancelled = signal.aborted;
    const botError = cancelled
      ? new BotError('command_timed_out', `Cancelled: the bot is shutting down. Ask again in a minute.`, { cause: error })
      : asBotError(error);
    if (botError.code === 'internal') log.error({ event: 'internal_error', host: host.name, error: describeError(error) });
    // The message may quote the host (a PHP error, a path): only the requester sees it. The channel
    // gets the outcome and the code, and says where the details went only once they did.
    const reply = renderErrorMessage(botError, { host: host.name });
    const detailsSent = await safeRespond(deps, req.respond, cannotPost === null ? reply : prepend(renderNotInChannelHint(cannotPost), reply));
    if (parent !== null) {
      const failure = renderFailureNotice(
        { kind: 'status', host: host.name },
        { code: botError.code, requestedBy: req.userId, detailsSent, cancelled, ...(cancelled ? {} : { retryActionId: ACTION_IDS.statusRefresh }) },
      );
      await safeSend(deps, 'chat.update', parent.channel, () => client.chat.update({ channel: parent!.channel, ts: parent!.ts, parse: 'none', ...failure }));
    }
    return { outcome: cancelled ? 'cancelled' : 'error', errorCode: botError.code };
  }

  if (parent === null) {
    const message = renderStatusMessage(run.status, {
      host: host.name,
      requestedBy: req.userId,
      durationMs: run.durationMs,
      raw: run.raw,
      // Ephemeral: no button (its click would have no message to thread under), no table block.
      tableStyle: 'monospace',
      maxThreadReplies: 0,
    });
    await safeRespond(deps, req.respond, prepend(renderNotInChannelHint(cannotPost ?? 'not_in_channel'), message));
    return { outcome: 'not_in_channel', errorCode: cannotPost ?? undefined };
  }

  const message = renderStatusMessage(run.status, {
    host: host.name,
    requestedBy: req.userId,
    durationMs: run.durationMs,
    raw: run.raw,
    refreshActionId: ACTION_IDS.statusRefresh,
    // The menu only when some access rule allows trace at all (by default nobody may).
    ...(deps.config.access?.rules.some((r) => r.commands.includes('trace')) ? { traceActionId: ACTION_IDS.traceSelect } : {}),
  });
  // chat.update defaults to parse=client, which would turn `@here` typed by a host into a mention.
  const updated = await safeSend(deps, 'chat.update', parent.channel, () =>
    client.chat.update({ channel: parent.channel, ts: parent.ts, parse: 'none', text: message.text, blocks: message.blocks }),
  );
  if (!updated) {
    // Never leave the parent saying "…" forever: fall back to the plain summary, details in the thread.
    const text = `${message.text} (the formatted table could not be shown; details in the thread)`;
    await safeSend(deps, 'chat.update', parent.channel, () =>
      client.chat.update({ channel: parent.channel, ts: parent.ts, parse: 'none', text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }),
    );
  }
  for (const reply of message.threadReplies) {
    const ok = await safeSend(deps, 'chat.postMessage', parent.channel, () =>
      client.chat.postMessage({ channel: parent.channel, thread_ts: threadRoot, text: reply.text, blocks: reply.blocks }),
    );
    if (!ok) break;
  }
  if (message.file !== undefined) {
    const file = message.file;
    const uploaded = await safeSend(deps, 'files.uploadV2', parent.channel, () =>
      client.files.uploadV2({
        channel_id: parent.channel,
        thread_ts: threadRoot!,
        filename: file.filename,
        title: file.title,
        content: file.content,
      }),
    );
    if (!uploaded) {
      await safeSend(deps, 'chat.postMessage', parent.channel, () =>
        client.chat.postMessage({
          channel: parent.channel,
          thread_ts: threadRoot,
          text: 'I could not attach the raw status output here (files need me to be a member: `/invite @workerman`).',
        }),
      );
    }
  }
  return { outcome: 'ok' };
}

/** Returns `first` and `second` as one message (blocks capped at Slack's 50). */
export function prepend(first: SlackMessage, second: SlackMessage): SlackMessage {
  return { text: `${first.text}\n${second.text}`, blocks: [...first.blocks, ...second.blocks].slice(0, 50) };
}

/** Returns `Name: message` of anything thrown, for logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Sends an ephemeral reply; a dead response_url (30 min, 5 uses) is logged, not thrown. */
export async function safeRespond(deps: Pick<BotDeps, 'logger'>, respond: RespondFn, message: SlackMessage): Promise<boolean> {
  const body: RespondArguments = { response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks };
  try {
    await respond(body);
    return true;
  } catch (error) {
    deps.logger.warn({ event: 'slack_call_failed', method: 'response_url', error: describeError(error) });
    return false;
  }
}

/** Sends a channel post/update through the pacer (429s retried); a failure is logged and reported as false. */
export async function safeSend(deps: Pick<BotDeps, 'logger' | 'poster'>, method: string, channelId: string, call: () => Promise<unknown>): Promise<boolean> {
  try {
    await deps.poster.send(channelId, call);
    return true;
  } catch (error) {
    deps.logger.warn({ event: 'slack_call_failed', method, error: slackErrorCode(error) ?? describeError(error) });
    return false;
  }
}
