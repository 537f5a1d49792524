import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { ThreadFile } from './slack-thread.js';

// Bounds what an upload holds in memory: the largest raw log (strace.maxOutputBytes ≤ 512 MB) gzips to
// about a tenth of that; Slack itself takes up to 1 GB.
const MAX_UPLOAD_BYTES = 128 * 1024 * 1024;

/** A file over MAX_UPLOAD_BYTES (told as `file_too_large`). */
export class UploadTooLargeError extends Error {
  override name = 'UploadTooLargeError';
}

/**
 * Reads a file for upload, gzipped on the way when asked (zlib works on its thread pool, so a 50 MB log
 * costs the event loop milliseconds where gzipSync blocked it for about a second), into one Buffer of at
 * most MAX_UPLOAD_BYTES. Why a Buffer and not the stream itself: @slack/web-api 8.2's files.uploadV2 must
 * send the byte length to files.getUploadURLExternal before any byte, so given a Readable it collects the
 * whole stream into a Buffer anyway (file-upload.ts getFileDataAsStream), without listening for 'error':
 * a failed read would hang the upload forever. And a 429 retry sends the same bytes again.
 */
export async function readUpload(file: ThreadFile): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = async (source: AsyncIterable<Buffer | string>): Promise<void> => {
    for await (const chunk of source) {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      size += bytes.length;
      if (size > MAX_UPLOAD_BYTES) throw new UploadTooLargeError(`${file.filename} is over ${MAX_UPLOAD_BYTES} bytes`);
      chunks.push(bytes);
    }
  };
  // pipeline() closes every stream (the file handle too) when one fails or the limit is hit.
  if (file.gzip) await pipeline(file.from, createGzip(), collect);
  else await pipeline(file.from, collect);
  return Buffer.concat(chunks, size);
}
