import { readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { HostConfig } from '../config/schema.js';
import { asBotError, BotError } from '../errors.js';
import { renderErrorMessage, renderNotInChannelHint } from '../render/slack/error-blocks.js';
import { renderStraceMessage, renderTracePending, renderTraceProgress } from '../render/slack/strace-blocks.js';
import { renderWaitingMessage } from '../render/slack/waiting-blocks.js';
import { runTrace, type TraceResult } from '../strace/run-trace.js';
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
  pid: number;
  durationS: number;
}

// chat.update is Tier 3 (~50/min per workspace): a trace updates its progress at most every 5 s.
const PROGRESS_INTERVAL_MS = 5_000;

/**
 * Posts a trace's parent message, keeps its progress bar current, then replaces it with the verdict and
 * puts the full tables, the summary and the redacted raw log in its thread. Never throws.
 */
export async function postTrace(deps: BotDeps, req: TraceRequestInput, signal: AbortSignal): Promise<StatusOutcome> {
  const { client, host } = req;
  const durationMs = req.durationS * 1000;
  const base = { host: host.name, pids: [req.pid], durationMs, requestedBy: req.userId };
  await deps.ackGate.quiet();

  let parent: { channel: string; ts: string };
  try {
    const posted = await deps.poster.send(req.channelId, () => client.chat.postMessage({ channel: req.channelId, ...renderTracePending(base) }));
    parent = { channel: posted.channel ?? req.channelId, ts: String(posted.ts) };
  } catch (error) {
    const code = slackErrorCode(error);
    // A trace needs its thread (raw log, tables): in a channel the bot cannot post in, only the hint.
    await safeRespond(deps, req.respond, code === 'not_in_channel' || code === 'channel_not_found'
      ? renderNotInChannelHint(code)
      : renderErrorMessage(new BotError('internal', `Slack refused the message (${code ?? String(error)}).`)));
    return { outcome: code === 'not_in_channel' || code === 'channel_not_found' ? 'not_in_channel' : 'error', errorCode: code ?? 'internal' };
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
    progressInFlight = update(renderTraceProgress({ ...base, elapsedMs: p.elapsedMs, lines: p.lines }))
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
    result = await runTrace(deps.transports.get(host.name), host, { pids: [req.pid], durationS: req.durationS }, { signal, onProgress });
  } catch (error) {
    for (const release of releases.reverse()) release();
    const botError = signal.aborted ? new BotError('command_timed_out', 'Cancelled: the bot is shutting down. Ask again in a minute.') : asBotError(error);
    await progressInFlight;
    const failure = renderErrorMessage(botError, { host: host.name });
    await update({ text: `Trace of PID ${req.pid} on ${host.name} failed: ${failure.text}`, blocks: failure.blocks }).catch(() => undefined);
    await safeRespond(deps, req.respond, failure);
    return { outcome: signal.aborted ? 'cancelled' : 'error', errorCode: botError.code };
  }
  for (const release of releases.reverse()) release();
  await progressInFlight;
  try {
    const message = renderStraceMessage(result.summary, {
      host: host.name,
      requestedBy: req.userId,
      ...(result.rawLog === null ? {} : { rawLogBytes: result.rawLog.bytes, truncated: result.rawLog.truncated }),
    });
    await update(message).catch((error: unknown) => deps.logger.warn({ event: 'slack_call_failed', method: 'chat.update', error: slackErrorCode(error) ?? String(error) }));
    const send = <T>(call: () => Promise<T>): Promise<T> => deps.poster.send(parent.channel, call);
    for (const reply of message.threadReplies) {
      await send(() => client.chat.postMessage({ channel: parent.channel, thread_ts: parent.ts, text: reply.text, blocks: reply.blocks }));
    }
    if (message.summaryFile !== undefined) {
      const f = message.summaryFile;
      await send(() => client.files.uploadV2({ channel_id: parent.channel, thread_ts: parent.ts, filename: f.filename, title: f.title, content: f.content }));
    }
    if (message.file !== undefined && result.rawLog !== null) {
      const raw = await readFile(result.rawLog.path);
      const file = message.file;
      await send(() => client.files.uploadV2({
        channel_id: parent.channel,
        thread_ts: parent.ts,
        filename: file.filename,
        title: file.title,
        file: file.gzip ? gzipSync(raw) : raw,
      }));
    }
  } catch (error) {
    deps.logger.warn({ event: 'slack_call_failed', method: 'trace_thread', error: slackErrorCode(error) ?? String(error) });
  } finally {
    // The redacted log is ours to delete once uploaded (or not).
    if (result.rawLog !== null) await rm(dirname(result.rawLog.path), { recursive: true, force: true }).catch(() => undefined);
  }
  return { outcome: 'ok' };
}
