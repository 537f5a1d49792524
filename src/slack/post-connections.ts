import { Readable } from 'node:stream';
import type { HostConfig } from '../config/host-config.js';
import { renderConnectionsMessage, renderConnectionsPending, renderConnectionsPrivately } from '../render/slack/connections-blocks.js';
import { renderWaitingMessage } from '../render/slack/waiting-blocks.js';
import { runConnections, type ConnectionsRun } from '../workerman/run-status.js';
import type { BotDeps } from './bot-deps.js';
import { runOnHost } from './run-on-host.js';
import type { PostOutcome, ThreadRequest } from './slack-thread.js';
import { openThread } from './thread.js';

export interface ConnectionsRequest extends ThreadRequest {
  host: HostConfig;
}

/**
 * Posts the client connections of one host as status is posted: a parent message (counts by worker,
 * protocol and state), `php start.php connections` run in the host's queue, then the table in the
 * parent's thread (Block Kit tables, the raw output attached when they cannot hold every row). Where
 * the bot cannot post, the summary and the first rows go to the requester privately. Never throws.
 */
export async function postConnections(deps: BotDeps, req: ConnectionsRequest, signal: AbortSignal): Promise<PostOutcome> {
  const { host } = req;
  const opened = await openThread(deps, req, renderConnectionsPending(host.name, req.userId), { host: host.name, orPrivately: true });
  if ('refused' in opened) return opened.refused;
  const thread = opened.thread;

  let run: ConnectionsRun;
  try {
    run = await runOnHost(deps.hostQueue, host.name, () => runConnections(deps.transports.get(host.name), host, { signal }), {
      signal,
      onQueued: ({ position, running }) => thread.show(renderWaitingMessage({ what: 'connections', host: host.name, position, running, on: 'host' })),
    });
  } catch (error) {
    return thread.fail(error, { kind: 'connections', host: host.name }, signal);
  }

  const options = { host: host.name, requestedBy: req.userId, durationMs: run.durationMs, raw: run.raw };
  if (thread.parent === null) {
    await thread.tell(renderConnectionsPrivately(run.connections, options));
    return { outcome: 'not_in_channel', errorCode: thread.cannotPost ?? undefined };
  }
  const message = renderConnectionsMessage(run.connections, options);
  await thread.update(message, { fallbackNote: '(the summary could not be shown; the table is in the thread)' });
  for (const reply of message.threadReplies) await thread.reply(reply);
  if (message.file !== undefined) {
    const { filename, title, content } = message.file;
    await thread.upload({ filename, title, from: Readable.from([Buffer.from(content)]), gzip: false, what: 'the connections output' });
  }
  return thread.finish((gaps) => renderConnectionsMessage(run.connections, { ...options, gaps }));
}
