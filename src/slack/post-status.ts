import { Readable } from 'node:stream';
import type { HostConfig } from '../config/host-config.js';
import { renderStatusMessage, renderStatusPending } from '../render/slack/status-blocks.js';
import { renderWaitingMessage } from '../render/slack/waiting-blocks.js';
import { runStatus, type StatusRun } from '../workerman/run-status.js';
import type { BotDeps } from './bot-deps.js';
import { ACTION_IDS } from './ids.js';
import { runOnHost } from './run-on-host.js';
import type { PostOutcome, ThreadRequest } from './slack-thread.js';
import { openThread } from './thread.js';

export interface StatusRequest extends ThreadRequest {
  host: HostConfig;
}

/**
 * Posts the status of one host: a parent message (or a reply in `threadTs`, for Refresh), the status
 * run in the host's queue (the parent says it waits), then the parent updated with the result and the
 * full tables and raw output in its thread. Where the bot cannot post, the whole status goes to the
 * requester privately. Never throws: every failure reaches the user (SlackThread.fail, slack-thread.ts, says how).
 */
export async function postStatus(deps: BotDeps, req: StatusRequest, signal: AbortSignal): Promise<PostOutcome> {
  const { host } = req;
  const opened = await openThread(deps, req, renderStatusPending(host.name, req.userId), { host: host.name, orPrivately: true });
  if ('refused' in opened) return opened.refused;
  const thread = opened.thread;

  let run: StatusRun;
  try {
    // A busy host means waiting, visibly, not failing: the parent says so until a slot frees up.
    run = await runOnHost(deps.hostQueue, host.name, () => runStatus(deps.transports.get(host.name), host, { signal }), {
      signal,
      onQueued: ({ position, running }) => thread.show(renderWaitingMessage({ what: 'status', host: host.name, position, running, on: 'host' })),
    });
  } catch (error) {
    return thread.fail(error, { kind: 'status', host: host.name }, signal, { retryActionId: ACTION_IDS.statusRefresh });
  }

  const rendered = { host: host.name, requestedBy: req.userId, durationMs: run.durationMs, raw: run.raw };
  if (thread.parent === null) {
    // Ephemeral: no button (its click would have no message to thread under), no table block.
    await thread.tell(renderStatusMessage(run.status, { ...rendered, tableStyle: 'monospace', maxThreadReplies: 0 }));
    return { outcome: 'not_in_channel', errorCode: thread.cannotPost ?? undefined };
  }
  const options = {
    ...rendered,
    refreshActionId: ACTION_IDS.statusRefresh,
    // The menu only when some access rule allows trace at all (by default nobody may).
    ...(deps.config.access?.rules.some((r) => r.commands.includes('trace')) ? { traceActionId: ACTION_IDS.traceSelect } : {}),
  };
  const message = renderStatusMessage(run.status, options);
  await thread.update(message, { fallbackNote: '(the formatted table could not be shown; details in the thread)' });
  for (const reply of message.threadReplies) await thread.reply(reply);
  if (message.file !== undefined) {
    const { filename, title, content } = message.file;
    await thread.upload({ filename, title, from: Readable.from([Buffer.from(content)]), gzip: false, what: 'the raw status output' });
  }
  return thread.finish((gaps) => renderStatusMessage(run.status, { ...options, gaps }));
}
