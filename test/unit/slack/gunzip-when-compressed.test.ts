// gunzipWhenCompressed() at chunk boundaries (1, 7 and 4096 bytes, the gzip magic split), over a real
// capture plain and gzipped; the cap on inflated text; and the source ended whenever it stops early.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { gunzipWhenCompressed } from '../../../src/slack/gunzip-when-compressed.js';
import { STRACE_FIXTURES } from '../../helpers/paths.js';

const LOG = readFileSync(join(STRACE_FIXTURES, 'wm5.2.2-blocked-upstream-f-tt-T-yy.txt'));

/** `bytes` in chunks of `size`, recording whether the consumer ended it (return()) or read it all. */
function source(bytes: Buffer, size: number): { chunks: AsyncIterable<Uint8Array>; state: { ended: boolean; sent: number } } {
  const state = { ended: false, sent: 0 };
  const chunks = (async function* () {
    try {
      for (let at = 0; at < bytes.length; at += size) {
        const piece = bytes.subarray(at, at + size);
        state.sent += piece.length;
        yield piece;
      }
    } finally {
      state.ended = true;
    }
  })();
  return { chunks, state };
}

async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const all: Uint8Array[] = [];
  for await (const chunk of chunks) all.push(chunk);
  return Buffer.concat(all);
}

describe('gunzipWhenCompressed()', () => {
  it.each([1, 7, 4096])('gunzipWhenCompressed() yields the same text for a plain and a gzipped log in chunks of %i bytes', async (size) => {
    expect((await collect(gunzipWhenCompressed(source(LOG, size).chunks, '"x"', 1 << 20))).equals(LOG)).toBe(true);
    expect((await collect(gunzipWhenCompressed(source(gzipSync(LOG), size).chunks, '"x.gz"', 1 << 20))).equals(LOG)).toBe(true);
  });

  it('gunzipWhenCompressed() passes empty and one-byte input through', async () => {
    expect((await collect(gunzipWhenCompressed(source(Buffer.alloc(0), 1).chunks, '"x"', 10))).length).toBe(0);
    expect((await collect(gunzipWhenCompressed(source(Buffer.from([0x1f]), 1).chunks, '"x"', 10))).equals(Buffer.from([0x1f]))).toBe(true);
  });

  it('gunzipWhenCompressed() stops a gzip bomb at maxBytes of text and ends the source before it is all read', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100 * 1024);
    const { chunks, state } = source(bomb, 1024);
    let out = 0;
    const error = await (async () => {
      try {
        for await (const chunk of gunzipWhenCompressed(chunks, '"bomb.gz"', 1 << 20)) out += chunk.byteLength;
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toMatchObject({ code: 'file_too_large', message: expect.stringContaining('"bomb.gz" is over 1.0 MiB') });
    expect(out).toBeLessThanOrEqual(1 << 20);
    // The gunzip stage is torn down asynchronously (pipeline), then the source is ended.
    for (let i = 0; i < 100 && !state.ended; i++) await new Promise((r) => setTimeout(r, 10));
    expect(state.ended).toBe(true);
    expect(state.sent).toBeLessThan(bomb.length);
  });

  it('gunzipWhenCompressed() says not_strace_log for bytes that start like gzip but are not', async () => {
    const fake = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from('strace: Process 1 attached\n')]);
    await expect(collect(gunzipWhenCompressed(source(fake, 7).chunks, '"x.gz"', 1 << 20))).rejects.toMatchObject({ code: 'not_strace_log', message: expect.stringMatching(/^"x\.gz" starts like a gzip file but cannot be gunzipped \(Z_/) });
  });

  it('gunzipWhenCompressed() ends a plain source when its consumer stops early', async () => {
    const { chunks, state } = source(LOG, 100);
    for await (const _ of gunzipWhenCompressed(chunks, '"x"', 1 << 20)) break;
    expect(state.ended).toBe(true);
    expect(state.sent).toBeLessThan(LOG.length);
  });
});
