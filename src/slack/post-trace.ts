import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { HostConfig } from '../config/schema.js';
import { asBotError, BotError } from '../errors.js';
import { renderErrorMessage, renderFailureNotice, renderNotInChannelHint } from '../render/slack/error-blocks.js';
import {
  renderRawLogDmMessage,
  renderRawLogUploadFailed,
  renderStraceMessage,
  renderTracePending,
  renderTraceProgress,
  type RawLogDelivery,
  type RawLogUpload,
} from '../render/slack/strace-blocks.js';
import { renderWaitingMessage } from '../render/slack/waiting-blocks.js';
import { runTrace, type TraceResult } from '../strace/run-trace.js';
import { resolveTraceTargets, type TraceTarget } from '../workerman/resolve-trace-targets.js';
import type { BotDeps } from './bot-deps.js';
import type { StatusOutcome } from './post-status.js';
import { safeRespond } from './post-status.js';
import { slackErrorCode } from './slack-error-code.js';

export interface TraceRequestInput {
  client: WebClient;
  respond: RespondFn;
  channelId: string;
  userId: string;
  host: HostConfig;
  /** A pid, or a worker name looked up on the host just before the trace. */
  target: TraceTarget;
  durationS: number;
}

/** How the trace went, and the pids it was for (a worker's: empty when looking it up failed). */
export interface TraceOutcome extends StatusOutcome {
  pids: number[];
}

// chat.update is Tier 3 (~50/min per workspace): a trace updates its progress at most every 5 s.
const PROGRESS_INTERVAL_MS = 5_000;

/**
 * Posts a trace's parent message, keeps its progress bar current, then replaces it with the verdict and
 * puts the full tables and the summary in its thread. A worker name becomes its pids on the host (from
 * /proc, never Workerman's `status`) once the trace's turn has come, and the parent names them from
 * then on; a name that matches nothing fails like any refusal. The redacted raw log goes where the host's
 * `strace.rawLog` says (the requester's DM by default, the thread, or nowhere), and the parent is
 * updated to say where it went once it is there. A failure shows in the channel as its outcome and
 * code only; the message (which may quote the host) goes to the requester. Never throws.
 */
export async function postTrace(deps: BotDeps, req: TraceRequestInput, signal: AbortSignal): Promise<TraceOutcome> {
  const { client, host, target } = req;
  const durationMs = req.durationS * 1000;
  const workerName = target.kind === 'worker' ? target.workerName : undefined;
  let pids: number[] = target.kind === 'pid' ? [target.pid] : [];
  const base = (): Parameters<typeof renderTracePending>[0] => ({
    host: host.name,
    pids,
    ...(workerName === undefined ? {} : { workerName }),
    durationMs,
    requestedBy: req.userId,
  });
  await deps.ackGate.quiet();

  let parent: { channel: string; ts: string };
  try {
    const posted = await deps.poster.send(req.channelId, () => client.chat.postMessage({ channel: req.channelId, ...renderTracePending(base()) }));
    parent = { channel: posted.channel ?? req.channelId, ts: String(posted.ts) };
  } catch (error) {
    const code = slackErrorCode(error);
    // A trace needs its thread (raw log, tables): in a channel the bot cannot post in, only the hint.
    await safeRespond(deps, req.respond, code === 'not_in_channel' || code === 'channel_not_found'
      ? renderNotInChannelHint(code)
      : renderErrorMessage(new BotError('internal', `Slack refused the message (${code ?? String(error)}).`)));
    return { outcome: code === 'not_in_channel' || code === 'channel_not_found' ? 'not_in_channel' : 'error', errorCode: code ?? 'internal', pids };
  }
  const update = (message: { text: string; blocks: unknown[] }): Promise<unknown> =>
    deps.poster.send(parent.channel, () =>
      client.chat.update({ channel: parent.channel, ts: parent.ts, parse: 'none', text: message.text, blocks: message.blocks as never }),
    );
  const showWaiting =
    (on: 'host' | 'traces') =>
    ({ position, running }: { position: number; running: number }): void => {
      void update(renderWaitingMessage({ what: 'trace', host: host.name, position, running, on })).catch(() => undefined);
    };

  // Progress: fire-and-forget, at most one update in flight, the latest state wins.
  let lastProgressAt = Date.now();
  let progressInFlight: Promise<unknown> | null = null;
  const onProgress = (p: { elapsedMs: number; durationMs: number; lines: number }): void => {
    if (progressInFlight !== null || Date.now() - lastProgressAt < PROGRESS_INTERVAL_MS) return;
    lastProgressAt = Date.now();
    progressInFlight = update(renderTraceProgress({ ...base(), elapsedMs: p.elapsedMs, lines: p.lines }))
      .catch((error: unknown) => deps.logger.warn({ event: 'slack_call_failed', method: 'chat.update', error: slackErrorCode(error) ?? String(error) }))
      .finally(() => {
        progressInFlight = null;
      });
  };

  let result: TraceResult;
  const releases: (() => void)[] = [];
  try {
    // The global trace cap first, then the host's slot: every trace takes them in this order (no deadlock).
    releases.push(await deps.traceCap.acquire(showWaiting('traces'), signal));
    releases.push(await deps.hostQueue.acquire(host.name, showWaiting('host'), signal));
    signal.throwIfAborted();
    const transport = deps.transports.get(host.name);
    // Looked up now, in the trace's turn: the pids are as fresh as they can be when strace attaches.
    pids = (await resolveTraceTargets(transport, host, target, { signal })).pids;
    if (workerName !== undefined) void update(renderTracePending(base())).catch(() => undefined);
    result = await runTrace(transport, host, { pids, durationS: req.durationS }, { signal, onProgress });
  } catch (error) {
    for (const release of releases.reverse()) release();
    const cancelled = signal.aborted;
    const botError = cancelled ? new BotError('command_timed_out', 'Cancelled: the bot is shutting down. Ask again in a minute.') : asBotError(error);
    await progressInFlight;
    const detailsSent = await safeRespond(deps, req.respond, renderErrorMessage(botError, { host: host.name }));
    const failed = workerName === undefined ? { kind: 'trace' as const, host: host.name, pid: pids[0]! } : { kind: 'trace' as const, host: host.name, workerName, pids };
    const notice = renderFailureNotice(failed, { code: botError.code, requestedBy: req.userId, detailsSent, cancelled });
    await update(notice).catch(() => undefined);
    return { outcome: cancelled ? 'cancelled' : 'error', errorCode: botError.code, pids };
  }
  for (const release of releases.reverse()) release();
  await progressInFlight;
  const log = result.rawLog;
  const destination = host.strace.rawLog;
  const render = (delivery: RawLogDelivery): ReturnType<typeof renderStraceMessage> =>
    renderStraceMessage(result.summary, {
      host: host.name,
      requestedBy: req.userId,
      rawLog: delivery,
      ...(log === null ? {} : { rawLogBytes: log.bytes, truncated: log.truncated }),
    });
  const warn = (method: string) => (error: unknown) => deps.logger.warn({ event: 'slack_call_failed', method, error: slackErrorCode(error) ?? String(error) });
  try {
    const message = render({ destination, state: 'pending' });
    await update(message).catch(warn('chat.update'));
    const send = <T>(call: () => Promise<T>): Promise<T> => deps.poster.send(parent.channel, call);
    try {
      for (const reply of message.threadReplies) {
        await send(() => client.chat.postMessage({ channel: parent.channel, thread_ts: parent.ts, text: reply.text, blocks: reply.blocks }));
      }
      if (message.summaryFile !== undefined) {
        const f = message.summaryFile;
        await send(() => client.files.uploadV2({ channel_id: parent.channel, thread_ts: parent.ts, filename: f.filename, title: f.title, content: f.content }));
      }
    } catch (error) {
      warn('trace_thread')(error);
    }
    if (message.file !== undefined && log !== null) {
      const delivered = await deliverRawLog(deps, req, pids, parent, message.file, log.path, destination === 'requester' ? 'requester' : 'thread');
      await update(render({ destination, ...delivered })).catch(warn('chat.update'));
    }
  } finally {
    // The redacted log is ours to delete once uploaded (or not, or not wanted).
    if (log !== null) await rm(dirname(log.path), { recursive: true, force: true }).catch(() => undefined);
  }
  return { outcome: 'ok', pids };
}

/**
 * Uploads the redacted raw log into the thread, or into the requester's DM with the bot: a message
 * posted to the user ID opens that DM (`chat:write` is enough) and answers with its `D…` channel, and
 * the file goes into that message's thread. Where an upload fails, says so in its place. Returns what
 * the parent may then say.
 */
async function deliverRawLog(
  deps: BotDeps,
  req: TraceRequestInput,
  pids: readonly number[],
  parent: { channel: string; ts: string },
  file: RawLogUpload,
  path: string,
  to: 'requester' | 'thread',
): Promise<Pick<RawLogDelivery, 'state' | 'error'>> {
  const { client } = req;
  let where = parent;
  if (to === 'requester') {
    try {
      const dm = renderRawLogDmMessage({
        host: req.host.name,
        pids,
        ...(req.target.kind === 'worker' ? { workerName: req.target.workerName } : {}),
        channelId: req.channelId,
      });
      const posted = await deps.poster.send(req.userId, () =>
        client.chat.postMessage({ channel: req.userId, text: dm.text, blocks: dm.blocks, unfurl_links: false, unfurl_media: false }),
      );
      if (typeof posted.channel !== 'string' || posted.ts === undefined) return { state: 'failed', error: 'no_dm_channel' };
      where = { channel: posted.channel, ts: String(posted.ts) };
    } catch (error) {
      deps.logger.warn({ event: 'slack_call_failed', method: 'chat.postMessage', error: slackErrorCode(error) ?? String(error) });
      return { state: 'failed', error: slackErrorCode(error) ?? 'dm_failed' };
    }
  }
  try {
    const raw = await readFile(path);
    await deps.poster.send(where.channel, () =>
      client.files.uploadV2({
        channel_id: where.channel,
        thread_ts: where.ts,
        filename: file.filename,
        title: file.title,
        file: file.gzip ? gzipSync(raw) : raw,
      }),
    );
    return { state: 'sent' };
  } catch (error) {
    const code = slackErrorCode(error) ?? 'upload_failed';
    deps.logger.warn({ event: 'slack_call_failed', method: 'files.uploadV2', error: slackErrorCode(error) ?? String(error) });
    const note = renderRawLogUploadFailed(code);
    await deps.poster
      .send(where.channel, () => client.chat.postMessage({ channel: where.channel, thread_ts: where.ts, text: note.text, blocks: note.blocks }))
      .catch(() => undefined);
    return { state: 'failed', error: code };
  }
}
