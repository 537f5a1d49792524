/**
 * Fast reads of the bytes of a chunk for the byte parser: a DataView made once per chunk, byte strings
 * compared 4 bytes at a time (names and annotations repeat line after line, and this is about twice as
 * fast as byte by byte), and digit pairs read as one 16-bit value from a table.
 */

import { CH_0 } from './line-chars.js';

// A DataView over the buffer being parsed, made once per buffer (a chunk holds hundreds of lines).
let viewBuf: Buffer | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

/** A DataView over `buf` (the last one made, while `buf` is the same buffer). */
export function viewOf(buf: Buffer): DataView<ArrayBufferLike> {
  if (buf !== viewBuf) {
    viewBuf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return view;
}

/** Bytes to recognise: their length, their little-endian 32-bit words, and the 0-3 bytes after those. */
export interface ByteWords {
  length: number;
  words: Int32Array;
  tail: Uint8Array;
}

/** The words of `bytes` (copied: the chunk they are in is reused or freed, a cache outlives it). */
export function byteWords(bytes: Uint8Array): ByteWords {
  const length = bytes.length;
  const whole = length & ~3;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const words = new Int32Array(whole >> 2);
  for (let k = 0; k < whole; k += 4) words[k >> 2] = view.getInt32(k, true);
  return { length, words, tail: Uint8Array.from(bytes.subarray(whole)) };
}

/**
 * True when `buf` holds, at `s`, the bytes of a ByteWords' `words` and `tail` (the caller knows they fit
 * in the line). Takes the two arrays, not the object, so that the call stays monomorphic for callers
 * whose objects differ.
 */
export function holdsBytes(buf: Buffer, s: number, words: Int32Array, tail: Uint8Array): boolean {
  const dv = viewOf(buf);
  const n = words.length;
  for (let w = 0; w < n; w++) if (dv.getInt32(s + (w << 2), true) !== words[w]) return false;
  const at = s + (n << 2);
  for (let k = 0; k < tail.length; k++) if (buf[at + k] !== tail[k]) return false;
  return true;
}

/** True when `buf[start, end)` ends with `suffix`. */
export function endsWithBytes(buf: Buffer, start: number, end: number, suffix: Buffer): boolean {
  const n = suffix.length;
  if (end - start < n) return false;
  const at = end - n;
  for (let k = 0; k < n; k++) if (buf[at + k] !== suffix[k]) return false;
  return true;
}

/** The two digits at `i` as a number, or -1. */
export function twoDigitsBytes(buf: Buffer, i: number): number {
  const a = (buf[i] as number) - CH_0;
  const b = (buf[i + 1] as number) - CH_0;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

// Two ASCII digits, read as one little-endian 16-bit value, -> their number (-1: not two digits). A
// table lookup per pair instead of two loads, four compares and a multiply: timestamps and
// durations are 12 and 7 digits on every line.
const DIGIT_PAIRS = new Int8Array(65536).fill(-1);
for (let a = 0; a < 10; a++) for (let b = 0; b < 10; b++) DIGIT_PAIRS[((CH_0 + b) << 8) | (CH_0 + a)] = a * 10 + b;

/** The two digits at `i` as a number, or -1 (the caller has checked that `i + 1` is in the line). */
export function digitPair(dv: DataView<ArrayBufferLike>, i: number): number {
  return DIGIT_PAIRS[dv.getUint16(i, true)] as number;
}
