import type { StraceSummary } from '../../strace/types.js';
import { formatBytes } from '../format.js';
import { redactStraceSummary } from '../redact-strace-summary.js';
import { renderStraceText } from '../text/strace-summary.js';
import { sectionMessage } from './blocks.js';
import { escapeCodeSpan } from './escape.js';
import type { SlackFile, SlackMessage } from './limits.js';
import { fileSlug, pidSlug, plainTarget, traceTitle } from './strace-target.js';

// The files of a trace: the raw log (uploaded by the edge, in the thread or the requester's DM) and the
// whole summary as text when the thread cannot hold every table; and what the parent says of the log.

/**
 * The raw strace log to upload into the thread. The renderer never holds the log: the edge reads
 * `TraceResult.rawLog.path` (already redacted), gzips it when `gzip` is set, and uploads it under this name.
 */
export interface RawLogUpload {
  filename: string;
  title: string;
  gzip: boolean;
  /** Size before compression. */
  bytes: number;
}

/**
 * Where the raw log goes (the host's `strace.rawLog`) and how far it got. The parent is rendered again
 * once the upload is done, so it never claims a file that is not there.
 */
export interface RawLogDelivery {
  destination: 'requester' | 'thread' | 'none';
  /** `pending` while it uploads, `sent` once Slack accepted it, `failed` otherwise (with Slack's error code). */
  state: 'pending' | 'sent' | 'failed';
  error?: string;
}

/** Raw logs above this size are gzipped before upload (strace text compresses about 10:1). */
export const RAW_LOG_GZIP_ABOVE_BYTES = 1024 * 1024;

/** Returns the raw log's file name, title and whether it is gzipped; undefined when there is no log. */
export function renderRawLogUpload(host: string, pids: readonly number[], bytes: number | undefined, isCut: boolean): RawLogUpload | undefined {
  if (bytes === undefined || bytes <= 0) return undefined;
  const gzip = bytes > RAW_LOG_GZIP_ABOVE_BYTES;
  return {
    filename: `strace-${fileSlug(host)}-${pidSlug(pids)}.log${gzip ? '.gz' : ''}`,
    title: `strace log of ${plainTarget(host, pids)} (secrets redacted${isCut ? ', cut at the size cap' : ''})`,
    gzip,
    bytes,
  };
}

/**
 * Returns the message the raw log is attached under in the requester's DM with the bot: which trace it
 * is and where it was asked (`channelId` becomes a channel link only when it has a channel ID's shape).
 */
export function renderRawLogDmMessage(opts: { host: string; pids: readonly number[]; workerName?: string; channelId: string }): SlackMessage {
  const where = /^[CG][A-Z0-9]{2,}$/.test(opts.channelId) ? ` in <#${opts.channelId}>` : '';
  return sectionMessage(`:page_facing_up: The raw log of your ${traceTitle(opts.host, opts.pids, opts.workerName)}${where} (secrets redacted; only you see this DM).`);
}

/** Returns the whole summary as a text file (every row of every table), for when the thread is not enough. */
export function renderStraceSummaryFile(traced: StraceSummary, host: string): SlackFile {
  const summary = redactStraceSummary(traced);
  return {
    filename: `strace-summary-${fileSlug(host)}-${pidSlug(summary.pids)}.txt`,
    title: `strace summary of ${plainTarget(host, summary.pids)}`,
    content: renderStraceText(summary, { color: false, maxRows: Number.MAX_SAFE_INTEGER }),
  };
}

/** Returns what the parent says about the raw log: where it went, only once it is there (mrkdwn). */
export function describeRawLog(bytes: number, file: RawLogUpload | undefined, delivery: RawLogDelivery, requestedBy: string | undefined): string | null {
  if (bytes <= 0) return null;
  if (delivery.destination === 'none' || file === undefined) return 'The raw log is not shared (`strace.rawLog: none`).';
  const what = `Raw log (${formatBytes(file.bytes)}${file.gzip ? ', gzipped' : ''}, secrets redacted)`;
  const who = requestedBy !== undefined && /^[UW][A-Z0-9]{2,}$/.test(requestedBy) ? `<@${requestedBy}>` : 'the requester';
  const why = delivery.error === undefined ? '' : ` (\`${escapeCodeSpan(delivery.error)}\`)`;
  if (delivery.destination === 'requester') {
    if (delivery.state === 'sent') return `${what} sent to ${who} in a DM with the bot.`;
    if (delivery.state === 'failed') return `The raw log could not be sent to ${who}${why}.`;
    return `${what}: sending it to ${who} in a DM with the bot…`;
  }
  if (delivery.state === 'sent') return `${what} attached in the thread.`;
  if (delivery.state === 'failed') return `The raw log could not be attached in the thread${why}.`;
  return `${what}: attaching it in the thread…`;
}
