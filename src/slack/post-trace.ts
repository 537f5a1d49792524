import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import type { HostConfig } from '../config/host-config.js';
import type { FailedRequest } from '../render/slack/error-blocks.js';
import type { ThreadGaps } from '../render/slack/limits.js';
import { renderStraceMessage } from '../render/slack/strace-blocks.js';
import { renderRawLogDmMessage, type RawLogDelivery, type RawLogUpload } from '../render/slack/strace-files.js';
import { renderTracePending, renderTraceProgress } from '../render/slack/strace-progress-blocks.js';
import { renderWaitingMessage } from '../render/slack/waiting-blocks.js';
import { runTrace, type TraceResult } from '../strace/run-trace.js';
import { resolveTraceTargets, type TraceTarget } from '../workerman/resolve-trace-targets.js';
import type { BotDeps } from './bot-deps.js';
import { createTraceProgress } from './create-trace-progress.js';
import type { PostOutcome, SlackThread, ThreadRequest } from './slack-thread.js';
import { openThread } from './thread.js';

export interface TraceRequestInput extends ThreadRequest {
  host: HostConfig;
  /** A pid, or a worker name looked up on the host just before the trace. */
  target: TraceTarget;
  durationS: number;
}

/** How the trace went, and the pids it was for (a worker's: empty when looking it up failed). */
export interface TraceOutcome extends PostOutcome {
  pids: number[];
}

/**
 * Posts a trace's parent message, moves its progress bar every second or two while strace runs, then
 * replaces it with the verdict as soon as the trace is in, and puts the full tables and the summary in
 * its thread. A worker name becomes its pids on the host (from
 * /proc, never Workerman's `status`) once the trace's turn has come, and the parent names them from
 * then on; a name that matches nothing fails like any refusal. The redacted raw log goes where the host's
 * `strace.rawLog` says (the requester's DM by default, the thread, or nowhere), and the parent is
 * updated to say where it went once it is there. A trace needs its thread: where the bot cannot post,
 * nothing runs and the requester gets the /invite hint. Never throws (SlackThread.fail, slack-thread.ts, says how failures show).
 */
export async function postTrace(deps: BotDeps, req: TraceRequestInput, signal: AbortSignal): Promise<TraceOutcome> {
  const { host, target } = req;
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
  const opened = await openThread(deps, req, renderTracePending(base()), { host: host.name, orPrivately: false });
  if ('refused' in opened) return { ...opened.refused, pids };
  const thread = opened.thread;
  let hasWaited = false;
  const showWaiting =
    (on: 'host' | 'traces') =>
    ({ position, running }: { position: number; running: number }): void => {
      hasWaited = true;
      thread.show(renderWaitingMessage({ what: 'trace', host: host.name, position, running, on }));
    };
  // About every 1.5 s while strace runs (less often when traces share the update budget), never so
  // close to the end that the verdict would wait for an update in flight.
  const progress = createTraceProgress({
    show: (message) => thread.show(message),
    render: ({ elapsedMs, lines }) => renderTraceProgress({ ...base(), elapsedMs, lines }),
    joinProgress: () => deps.poster.joinProgress(),
    durationMs,
  });

  let result: TraceResult;
  const releases: (() => void)[] = [];
  const releaseAll = (): void => releases.splice(0).reverse().forEach((release) => release());
  try {
    // The global trace cap first, then the host's slot: every trace takes them in this order (no deadlock).
    releases.push(await deps.traceCap.acquire(showWaiting('traces'), signal));
    releases.push(await deps.hostQueue.acquire(host.name, showWaiting('host'), signal));
    signal.throwIfAborted();
    const transport = deps.transports.get(host.name);
    // Looked up now, in the trace's turn: the pids are as fresh as they can be when strace attaches.
    pids = (await resolveTraceTargets(transport, host, target, { signal })).pids;
    // The parent leaves "waiting", and names the worker's pids once they are known.
    if (workerName !== undefined || hasWaited) thread.show(renderTracePending(base()));
    result = await runTrace(transport, host, { pids, durationS: req.durationS }, { signal, onProgress: (tick) => progress.onProgress(tick) });
  } catch (error) {
    progress.stop();
    releaseAll();
    const failed: FailedRequest = workerName === undefined ? { kind: 'trace', host: host.name, pid: pids[0]! } : { kind: 'trace', host: host.name, workerName, pids };
    return { ...(await thread.fail(error, failed, signal)), pids };
  }
  // strace has detached and the host's after-checks are in: nothing more is shown before the verdict.
  progress.stop();
  releaseAll();

  const log = result.rawLog;
  const destination = host.strace.rawLog;
  const render = (rawLog: RawLogDelivery, gaps?: ThreadGaps): ReturnType<typeof renderStraceMessage> =>
    renderStraceMessage(result.summary, {
      host: host.name,
      requestedBy: req.userId,
      rawLog,
      ...(log === null ? {} : { rawLogBytes: log.bytes, truncated: log.truncated }),
      ...(gaps === undefined ? {} : { gaps }),
    });
  try {
    let delivery: RawLogDelivery = { destination, state: 'pending' };
    const message = render(delivery);
    await thread.update(message);
    for (const reply of message.threadReplies) await thread.reply(reply);
    if (message.summaryFile !== undefined) {
      const { filename, title, content } = message.summaryFile;
      await thread.upload({ filename, title, from: Readable.from([Buffer.from(content)]), gzip: false, what: 'the summary file' });
    }
    const hasRawLog = message.file !== undefined && log !== null;
    if (message.file !== undefined && log !== null) delivery = { destination, ...(await deliverRawLog(thread, req, pids, message.file, log.path)) };
    // The parent says where the raw log went once it is there, and what did not reach the thread.
    return { ...(await thread.finish((gaps) => render(delivery, gaps), { always: hasRawLog })), pids };
  } finally {
    // The redacted log is ours to delete once uploaded (or not, or not wanted).
    if (log !== null) await rm(dirname(log.path), { recursive: true, force: true }).catch(() => undefined);
  }
}

/**
 * Uploads the redacted raw log (streamed from its file, gzipped on the way when large) into the thread,
 * or into the requester's DM with the bot where `strace.rawLog` is `requester`. Returns what the parent
 * may then say; where the upload failed, the thread (or the DM) already says so.
 */
async function deliverRawLog(
  thread: SlackThread,
  req: TraceRequestInput,
  pids: readonly number[],
  file: RawLogUpload,
  path: string,
): Promise<Pick<RawLogDelivery, 'state' | 'error'>> {
  let where = thread;
  if (req.host.strace.rawLog === 'requester') {
    const dm = await thread.openDm(
      renderRawLogDmMessage({ host: req.host.name, pids, ...(req.target.kind === 'worker' ? { workerName: req.target.workerName } : {}), channelId: req.channelId }),
    );
    if ('error' in dm) return { state: 'failed', error: dm.error };
    where = dm;
  }
  const sent = await where.upload({ filename: file.filename, title: file.title, from: createReadStream(path), gzip: file.gzip, what: 'the raw log' });
  return sent.ok ? { state: 'sent' } : { state: 'failed', error: sent.error };
}
