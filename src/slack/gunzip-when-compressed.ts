import { pipeline, Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { BotError } from '../errors.js';
import { tooLargeError } from './pick-shared-log.js';

/**
 * Passes `chunks` through, gunzipped when they start with gzip's magic bytes (`1f 8b`: what the bot
 * uploads as `.log.gz`; the magic may be split across chunks). Gunzipped text past `maxBytes` (a small
 * `.gz` can inflate a lot) is `file_too_large`; bytes that are not gzip after the magic, `not_strace_log`.
 * Whenever it stops early, `chunks` is ended too (its `return()`), so a download behind it is closed.
 */
export async function* gunzipWhenCompressed(chunks: AsyncIterable<Uint8Array>, quoted: string, maxBytes: number): AsyncGenerator<Uint8Array> {
  const iterator = chunks[Symbol.asyncIterator]();
  const head: Uint8Array[] = [];
  let headBytes = 0;
  while (headBytes < 2) {
    const next = await iterator.next();
    if (next.done === true) break;
    head.push(next.value);
    headBytes += next.value.byteLength;
  }
  const first = head.length === 0 ? new Uint8Array(0) : Buffer.concat(head);
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    try {
      if (first.byteLength > 0) yield first;
      for (let next = await iterator.next(); next.done !== true; next = await iterator.next()) yield next.value;
    } finally {
      // Stopped early (the cap, a failure further on): the source is told, so a download is closed.
      await iterator.return?.();
    }
  };
  if (!(first[0] === 0x1f && first[1] === 0x8b)) {
    yield* rest();
    return;
  }
  // pipeline() destroys every stage when one fails or this loop stops early (the cap): the download too.
  const text = pipeline(Readable.from(rest()), createGunzip(), () => {});
  let out = 0;
  try {
    for await (const chunk of text as AsyncIterable<Buffer>) {
      out += chunk.byteLength;
      if (out > maxBytes) throw tooLargeError(quoted, maxBytes, null);
      yield chunk;
    }
  } catch (error) {
    if (error instanceof BotError || (error as { code?: unknown }).code === 'ABORT_ERR') throw error;
    const zlibCode = (error as { code?: unknown }).code;
    if (typeof zlibCode === 'string' && zlibCode.startsWith('Z_')) {
      throw new BotError('not_strace_log', `${quoted} starts like a gzip file but cannot be gunzipped (${zlibCode}).`, { cause: error });
    }
    throw error;
  }
}
