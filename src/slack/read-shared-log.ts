import { Readable } from 'node:stream';
import type { WebClient } from '@slack/web-api';
import { BotError } from '../errors.js';
import { isStraceLog, notStraceLogError } from '../strace/is-strace-log.js';
import { summarizeStraceChunksWithDetails } from '../strace/summarize.js';
import type { StraceSummary } from '../strace/types.js';
import type { BotDeps } from './bot-deps.js';
import type { SlackFileDownloader } from './download-slack-file.js';
import { gunzipWhenCompressed } from './gunzip-when-compressed.js';
import { checkSharedFile, pickSharedLog, type SlackFileObject } from './pick-shared-log.js';
import { retryOn429 } from './retry-on-429.js';
import { slackErrorCode } from './slack-error-code.js';

/** A strace log read from Slack and summarised, and what to call it where a host name would go. */
export interface SharedLogSummary {
  /** `file trace.txt`, or `pasted log` for a message's own text. */
  label: string;
  summary: StraceSummary;
  /** Bytes of strace text summarised (after gunzip). */
  bytes: number;
}

/**
 * Reads the strace log of a message the shortcut was used on and summarises it with the same parser and
 * verdict as `trace --from-file` (no host, no live evidence): its first text file (files.info, then a
 * streamed download of at most `limits.summariseMaxBytes`, gunzipped when gzip), else the message's own
 * text. Throws a BotError saying what to do when there is nothing to read or it holds no strace line.
 */
export async function readSharedLog(
  deps: Pick<BotDeps, 'config'>,
  io: { client: WebClient; download: SlackFileDownloader },
  message: { text?: unknown; files?: unknown },
  signal: AbortSignal,
): Promise<SharedLogSummary> {
  const maxBytes = deps.config.limits.summariseMaxBytes;
  const picked = pickSharedLog(message);
  if (picked.kind === 'text') {
    const { summary } = await summarizeStraceChunksWithDetails(Readable.from([picked.text]), { host: null });
    if (!isStraceLog(summary)) {
      throw new BotError(
        'not_strace_log',
        'This message has no file attached, and its text has no strace line: there is no strace log here to summarise.',
      );
    }
    return { label: 'pasted log', summary, bytes: Buffer.byteLength(picked.text) };
  }
  const info = await describeFile(deps, io.client, picked.id, picked.name);
  const file = checkSharedFile(info, maxBytes);
  const mimetype = typeof info['mimetype'] === 'string' ? info['mimetype'] : undefined;
  const downloaded = io.download({ url: file.url, name: file.name, ...(mimetype === undefined ? {} : { mimetype }), maxBytes, signal });
  let bytes = 0;
  const counted = countBytes(gunzipWhenCompressed(downloaded, `"${file.name}"`, maxBytes), (n) => (bytes += n));
  const { summary, details } = await summarizeStraceChunksWithDetails(counted, { host: null });
  if (!isStraceLog(summary)) throw notStraceLogError(`"${file.name}"`, summary, details.unparsedSamples[0]);
  return { label: `file ${file.name}`, summary, bytes };
}

/** files.info's `file`, or why the bot may not see it, in words for the person who used the shortcut. */
async function describeFile(deps: Pick<BotDeps, 'config'>, client: WebClient, id: string, name: string): Promise<SlackFileObject> {
  const quoted = `"${name}"`;
  try {
    const answer = await retryOn429(() => client.files.info({ file: id }), { maxRetries: deps.config.limits.max429Retries });
    if (answer.file === undefined) throw new BotError('file_unavailable', `Slack did not describe ${quoted}.`);
    return answer.file as SlackFileObject;
  } catch (error) {
    if (error instanceof BotError) throw error;
    const code = slackErrorCode(error);
    if (code === 'missing_scope' || code === 'no_permission') {
      throw new BotError(
        'file_unavailable',
        `The bot may not read files shared in Slack (${code}): whoever runs it must add the \`files:read\` scope to the Slack app and reinstall it.`,
        { cause: error },
      );
    }
    if (code === 'file_deleted') throw new BotError('file_unavailable', `${quoted} was deleted from Slack.`, { cause: error });
    if (code === 'file_not_found') {
      throw new BotError(
        'file_unavailable',
        `The bot cannot see ${quoted}: invite it to this conversation (\`/invite @workerman\`), or share the file in a DM with it, then try again.`,
        { cause: error },
      );
    }
    const why = code ?? (error instanceof Error ? error.message : String(error));
    throw new BotError('file_unavailable', `Slack did not describe ${quoted} (${why}).`, { cause: error });
  }
}

async function* countBytes(chunks: AsyncIterable<Uint8Array>, add: (n: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of chunks) {
    add(chunk.byteLength);
    yield chunk;
  }
}
