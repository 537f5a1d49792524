/**
 * The byte fast path. The summariser of a chunk stream reads the common syscall line straight from the
 * Buffer it arrived in: no decoded chunk string, no per-line string, no charCodeAt on sliced strings
 * (those were most of the time in profiles). It reads exactly what parseSyscall() reads and returns
 * null for everything it does not handle (resumed/signal/exit lines, strace messages, poll, connect,
 * wide hex values, ...): the caller then decodes the line and uses parseStraceLineReusing(), so the
 * string parser stays the one definition of the rare cases. test/unit/strace/parse-line-bytes.test.ts
 * holds the two equal. Structural characters are ASCII and UTF-8 continuation bytes are >= 0x80, so
 * byte offsets are safe.
 */

import { resetSyscallEvent, type SyscallEvent, type SyscallState } from './events.js';
import { CH_0, CH_9, CH_DOT, CH_COLON, CH_GT, CH_LBRACKET, CH_LPAREN, CH_LT, CH_MINUS, CH_RBRACKET, CH_SPACE, CH_UNDERSCORE, CH_a, CH_z, DETACHED, UNFINISHED } from './line-chars.js';
import { CONNECT, FD_FIRST, POLL, syscallKind } from './syscall-kinds.js';

// Where the last readTimestampBytes()/readDurationBytes() stopped (module scratch, as in the string parser).
let scanEnd = 0;

const NF_FD_FIRST = 1;
/** poll/ppoll (fd count) and connect (peer): left to the string parser. */
const NF_SLOW = 2;

interface NameSlot {
  name: string;
  flags: number;
}

const BYTE_NAME_CACHE: (NameSlot | undefined)[] = new Array(1024);

function internNameBytes(buf: Buffer, start: number, end: number): NameSlot {
  const len = end - start;
  const key = (len * 31 + (buf[start] as number) * 7 + (buf[end - 1] as number) * 3 + (buf[start + (len >> 1)] as number)) & 1023;
  const hit = BYTE_NAME_CACHE[key];
  if (hit !== undefined && hit.name.length === len) {
    const name = hit.name;
    let k = 0;
    while (k < len && name.charCodeAt(k) === buf[start + k]) k++;
    if (k === len) return hit;
  }
  const name = buf.toString('latin1', start, end); // [a-z0-9_] only
  const kind = syscallKind(name);
  let flags = (kind & FD_FIRST) !== 0 ? NF_FD_FIRST : 0;
  if ((kind & (POLL | CONNECT)) !== 0) flags |= NF_SLOW;
  const slot = { name, flags };
  BYTE_NAME_CACHE[key] = slot;
  return slot;
}

/**
 * Names by their first 4 bytes, two per set: a known name is confirmed with a compare of its bytes and
 * the `(` after them, without scanning it byte by byte (read, readv and readlink share a set).
 */
interface KnownName {
  slot: NameSlot;
  length: number;
  words: Int32Array;
  tail: Uint8Array;
}

const KNOWN_NAMES: (KnownName | undefined)[] = new Array(2048);

function nameSet(buf: Buffer, start: number): number {
  return (Math.imul(viewOf(buf).getInt32(start, true), 0x9e3779b1) >>> 22) << 1;
}

/** The name at `start` if it is a known one followed by `(` (there are at least 5 bytes from `start`). */
function knownName(buf: Buffer, start: number, end: number): NameSlot | null {
  const set = nameSet(buf, start);
  for (let way = set; way < set + 2; way++) {
    const k = KNOWN_NAMES[way];
    if (k !== undefined && start + k.length < end && buf[start + k.length] === CH_LPAREN && holdsBytes(buf, start, k.words, k.tail)) return k.slot;
  }
  return null;
}

/** Remembers a name just read (at `start`, at least 5 bytes before the end) as the newest of its set. */
function learnName(buf: Buffer, start: number, slot: NameSlot): void {
  const set = nameSet(buf, start);
  KNOWN_NAMES[set + 1] = KNOWN_NAMES[set];
  const bytes = Buffer.from(slot.name, 'latin1');
  const whole = bytes.length & ~3;
  const words = new Int32Array(whole >> 2);
  for (let k = 0; k < whole; k += 4) words[k >> 2] = bytes.readInt32LE(k);
  KNOWN_NAMES[set] = { slot, length: bytes.length, words, tail: Uint8Array.from(bytes.subarray(whole)) };
}

const ERRNO_CACHE: (string | undefined)[] = new Array(256);

/** `EAGAIN` etc. from bytes ([A-Z0-9_], ASCII), without a new string per failing call. */
function internErrnoBytes(buf: Buffer, start: number, end: number): string {
  const len = end - start;
  const key = (len * 31 + (buf[start + 1] as number) * 7 + (buf[end - 1] as number) * 3 + (buf[start + (len >> 1)] as number)) & 255;
  const hit = ERRNO_CACHE[key];
  if (hit !== undefined && hit.length === len) {
    let k = 0;
    while (k < len && hit.charCodeAt(k) === buf[start + k]) k++;
    if (k === len) return hit;
  }
  const errno = buf.toString('latin1', start, end);
  ERRNO_CACHE[key] = errno;
  return errno;
}

/**
 * The last annotation seen of an fd number: its text (to return) and its bytes as little-endian 32-bit
 * words plus a tail (to compare): the same fd usually carries the same annotation line after line, and
 * comparing 4 bytes at a time through a DataView is about twice as fast as byte by byte.
 */
interface NoteSlot {
  text: string;
  length: number;
  words: Int32Array;
  tail: Uint8Array;
}

const NOTE_BY_FD: (NoteSlot | undefined)[] = new Array(1024);

function noteSlot(bytes: Buffer, text: string): NoteSlot {
  const length = bytes.length;
  const whole = length & ~3;
  const words = new Int32Array(whole >> 2);
  for (let k = 0; k < whole; k += 4) words[k >> 2] = bytes.readInt32LE(k);
  return { text, length, words, tail: Uint8Array.from(bytes.subarray(whole)) };
}

// A DataView over the buffer being parsed, made once per buffer (a chunk holds hundreds of lines).
let viewBuf: Buffer | null = null;
let view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));

function viewOf(buf: Buffer): DataView<ArrayBufferLike> {
  if (buf !== viewBuf) {
    viewBuf = buf;
    view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return view;
}

/** True when `buf` holds the annotation `slot` at `s`, followed by its `>`. */
function holdsNote(buf: Buffer, s: number, end: number, slot: NoteSlot): boolean {
  const len = slot.length;
  return s + len < end && buf[s + len] === CH_GT && holdsBytes(buf, s, slot.words, slot.tail);
}

/** True when `buf` holds, at `s`, the bytes whose 32-bit little-endian words and tail these are (the caller knows they fit). */
function holdsBytes(buf: Buffer, s: number, words: Int32Array, tail: Uint8Array): boolean {
  const dv = viewOf(buf);
  const n = words.length;
  for (let w = 0; w < n; w++) if (dv.getInt32(s + (w << 2), true) !== words[w]) return false;
  const at = s + (n << 2);
  for (let k = 0; k < tail.length; k++) if (buf[at + k] !== tail[k]) return false;
  return true;
}

const UNFINISHED_BYTES = Buffer.from(UNFINISHED, 'latin1');
const DETACHED_BYTES = Buffer.from(DETACHED, 'latin1');

function endsWithBytes(buf: Buffer, start: number, end: number, suffix: Buffer): boolean {
  const n = suffix.length;
  if (end - start < n) return false;
  const at = end - n;
  for (let k = 0; k < n; k++) if (buf[at + k] !== suffix[k]) return false;
  return true;
}

/**
 * Parses the syscall line in `buf[start, end)` (no terminator, not empty) into `scratch`, or returns
 * null when the line needs the string parser (decode it and call parseStraceLineReusing). For a line
 * it accepts, the result equals what parseStraceLineReusing() gives for the decoded line.
 */
export function parseStraceLineBytes(buf: Buffer, start: number, end: number, scratch: SyscallEvent): SyscallEvent | null {
  let i = start;
  let pid: number | null = null;
  let c = buf[i] as number;

  if (c === CH_LBRACKET) {
    // `[pid 22098] `
    if (end - i < 6 || buf[i + 1] !== 112 || buf[i + 2] !== 105 || buf[i + 3] !== 100 || buf[i + 4] !== CH_SPACE) return null;
    i += 5;
    while (i < end && buf[i] === CH_SPACE) i++;
    let n = 0;
    let digits = 0;
    for (; i < end; i++) {
      c = buf[i] as number;
      if (c < CH_0 || c > CH_9) break;
      n = n * 10 + (c - CH_0);
      digits++;
    }
    if (digits === 0 || i >= end || buf[i] !== CH_RBRACKET) return null;
    pid = n;
    i++;
    if (i < end && buf[i] === CH_SPACE) i++;
  }

  let timeMs: number | null = null;
  if (i >= end) return null;
  c = buf[i] as number;
  if (c >= CH_0 && c <= CH_9) {
    // `-tt`'s `HH:MM:SS.ffffff ` is read in place; other forms (and anything odd) by readTimestampBytes.
    const t = i + 16 <= end && buf[i + 2] === CH_COLON && buf[i + 5] === CH_COLON && buf[i + 8] === CH_DOT && buf[i + 15] === CH_SPACE ? clockTime(buf, i) : -1;
    if (t >= 0) {
      timeMs = t;
      i += 16;
    } else {
      const ms = readTimestampBytes(buf, i, end);
      if (ms < 0) return null;
      timeMs = ms;
      i = scanEnd;
    }
    if (i >= end) return null;
    c = buf[i] as number;
  }
  if (!((c >= CH_a && c <= CH_z) || c === CH_UNDERSCORE)) return null;

  // The name runs up to `(`; anything else (`strace: ...`, garbage) is the string parser's business.
  // A name seen before is recognised whole from its first 4 bytes; a new one is scanned and learnt.
  const nameStart = i;
  let slot = i + 4 < end ? knownName(buf, i, end) : null;
  if (slot === null) {
    for (i++; i < end; i++) {
      c = buf[i] as number;
      if (!((c >= CH_a && c <= CH_z) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE)) break;
    }
    if (i >= end || c !== CH_LPAREN) return null;
    slot = internNameBytes(buf, nameStart, i);
    if (nameStart + 4 < end) learnName(buf, nameStart, slot);
  }
  const open = nameStart + slot.name.length;
  if ((slot.flags & NF_SLOW) !== 0) return null;

  const last = buf[end - 1] as number;
  // `... attached`/`... detached` glued by strace (split lines), or a line cut after a `d`.
  if (last === 100 /* d */) return null;

  let state: SyscallState = 'complete';
  let durationMs: number | null = null;
  let retEnd = end;
  if (last === CH_GT) {
    const before = buf[end - 2] as number; // the `(` makes the line at least 2 long
    if (before === CH_DOT) {
      // ` <unfinished ...>` / ` <detached ...>` (a duration never ends in a dot).
      if (endsWithBytes(buf, start, end, UNFINISHED_BYTES)) {
        state = 'unfinished';
        retEnd -= UNFINISHED_BYTES.length;
      } else if (endsWithBytes(buf, start, end, DETACHED_BYTES)) {
        state = 'detached';
        retEnd -= DETACHED_BYTES.length;
      }
    } else if (before >= CH_0 && before <= CH_9) {
      // `-T`'s usual ` <S.ffffff>` is read in place; other widths by readDurationBytes.
      const d = end - start >= 11 && buf[end - 8] === CH_DOT && buf[end - 10] === CH_LT && buf[end - 11] === CH_SPACE ? shortDuration(buf, end) : -1;
      if (d >= 0) {
        durationMs = d;
        retEnd = end - 11;
      } else {
        const long = readDurationBytes(buf, start, end);
        if (long >= 0) {
          durationMs = long;
          retEnd = scanEnd;
        }
      }
    }
  }

  const ev = resetSyscallEvent(scratch, pid, timeMs, slot.name, state, durationMs);

  if (state === 'complete') {
    const eq = findReturnBytes(buf, open, retEnd, end);
    if (eq < 0) ev.state = 'truncated';
    else if (!readReturnBytes(buf, eq + 3, retEnd, end, ev)) return null;
  }
  if ((slot.flags & NF_FD_FIRST) !== 0) readFdArgBytes(buf, open + 1, end, ev);
  return ev;
}

/** `HH:MM:SS.ffffff` at `i` (separators already checked) -> ms, as readTimestampBytes computes it; -1 if a digit is not one. */
function clockTime(buf: Buffer, i: number): number {
  const dv = viewOf(buf);
  const h = digitPair(dv, i);
  const m = digitPair(dv, i + 3);
  const sec = digitPair(dv, i + 6);
  const f1 = digitPair(dv, i + 9);
  const f2 = digitPair(dv, i + 11);
  const f3 = digitPair(dv, i + 13);
  if ((h | m | sec | f1 | f2 | f3) < 0) return -1;
  return (h * 3600 + m * 60 + sec) * 1000 + ((f1 * 10000 + f2 * 100 + f3) / 1000000) * 1000;
}

function readTimestampBytes(buf: Buffer, start: number, end: number): number {
  let i = start;
  let n = 0;
  let c = buf[i] as number;
  while (c >= CH_0 && c <= CH_9) {
    n = n * 10 + (c - CH_0);
    c = ++i < end ? (buf[i] as number) : -1;
  }
  let ms: number;
  if (c === CH_COLON && i - start === 2) {
    if (i + 6 > end) return -1;
    const mm = twoDigitsBytes(buf, i + 1);
    const ss = twoDigitsBytes(buf, i + 4);
    if (mm < 0 || ss < 0 || buf[i + 3] !== CH_COLON) return -1;
    i += 6;
    ms = (n * 3600 + mm * 60 + ss) * 1000;
    if (i < end && buf[i] === CH_DOT) {
      ms += readFractionBytes(buf, i + 1, end);
      i = scanEnd;
    }
  } else if (c === CH_DOT && i - start >= 9) {
    ms = n * 1000 + readFractionBytes(buf, i + 1, end);
    i = scanEnd;
  } else {
    return -1;
  }
  if (i >= end || buf[i] !== CH_SPACE) return -1;
  scanEnd = i + 1;
  return ms;
}

function twoDigitsBytes(buf: Buffer, i: number): number {
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
function digitPair(dv: DataView<ArrayBufferLike>, i: number): number {
  return DIGIT_PAIRS[dv.getUint16(i, true)] as number;
}

function readFractionBytes(buf: Buffer, start: number, end: number): number {
  let i = start;
  let n = 0;
  let scale = 1;
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (c < CH_0 || c > CH_9) break;
    n = n * 10 + (c - CH_0);
    scale *= 10;
  }
  scanEnd = i;
  return (n / scale) * 1000;
}

/** ` <S.ffffff>` ending at `end` (separators already checked) -> ms, as readDurationBytes computes it; -1 if a digit is not one. */
function shortDuration(buf: Buffer, end: number): number {
  const dv = viewOf(buf);
  const whole = (buf[end - 9] as number) - CH_0;
  const f1 = digitPair(dv, end - 7);
  const f2 = digitPair(dv, end - 5);
  const f3 = digitPair(dv, end - 3);
  if (whole < 0 || whole > 9 || (f1 | f2 | f3) < 0) return -1;
  return (whole + (f1 * 10000 + f2 * 100 + f3) / 1000000) * 1000;
}

/** Mirror of readDuration() on bytes: ` <0.000123>` ending at `end`. */
function readDurationBytes(buf: Buffer, start: number, end: number): number {
  let k = end - 2;
  let frac = 0;
  let scale = 1;
  let c = k >= start ? (buf[k] as number) : -1;
  while (c >= CH_0 && c <= CH_9) {
    frac += (c - CH_0) * scale;
    scale *= 10;
    c = --k >= start ? (buf[k] as number) : -1;
  }
  if (c !== CH_DOT || scale === 1) return -1;
  let whole = 0;
  let wscale = 1;
  c = --k >= start ? (buf[k] as number) : -1;
  while (c >= CH_0 && c <= CH_9) {
    whole += (c - CH_0) * wscale;
    wscale *= 10;
    c = --k >= start ? (buf[k] as number) : -1;
  }
  if (c !== CH_LT || wscale === 1 || k - 1 < start || buf[k - 1] !== CH_SPACE) return -1;
  scanEnd = k - 1;
  return (whole + frac / scale) * 1000;
}

/** Mirror of findReturn(): the last ` = ` before `from` that follows the args' `)`; -1 if none. */
function findReturnBytes(buf: Buffer, open: number, from: number, lineEnd: number): number {
  let eq = Math.min(from - 1, lineEnd - 3);
  for (;;) {
    while (eq > open && !(buf[eq] === CH_SPACE && buf[eq + 1] === 61 && buf[eq + 2] === CH_SPACE)) eq--;
    if (eq <= open) return -1;
    let k = eq;
    while (k > open && buf[k - 1] === CH_SPACE) k--;
    if (buf[k - 1] === 41 /* ) */) return eq;
    eq--;
  }
}

/** Mirror of readReturn() on bytes; false when the value needs the string parser (a hex value too wide to add up exactly by hand). */
function readReturnBytes(buf: Buffer, start: number, end: number, lineEnd: number, ev: SyscallEvent): boolean {
  let i = start;
  let c = i < lineEnd ? (buf[i] as number) : -1;
  if (c === 63 /* ? */) {
    i++;
  } else {
    let negative = false;
    if (c === CH_MINUS) {
      negative = true;
      c = ++i < lineEnd ? (buf[i] as number) : -1;
    }
    if (c === CH_0 && i + 1 < lineEnd && buf[i + 1] === 120 /* x */) {
      const s = i + 2;
      let n = 0;
      for (i = s; i < lineEnd; i++) {
        c = buf[i] as number;
        let v: number;
        if (c >= CH_0 && c <= CH_9) v = c - CH_0;
        else if (c >= 97 && c <= 102) v = c - 87;
        else if (c >= 65 && c <= 70) v = c - 55;
        else break;
        n = n * 16 + v;
      }
      if (i - s > 13) return false; // beyond 2^52: let parseInt round it
      if (i > s) ev.ret = (negative ? -1 : 1) * n;
    } else {
      let n = 0;
      let digits = 0;
      for (; i < lineEnd; i++) {
        c = buf[i] as number;
        if (c < CH_0 || c > CH_9) break;
        n = n * 10 + (c - CH_0);
        digits++;
      }
      if (digits > 0) ev.ret = negative ? -n : n;
    }
    if (i < lineEnd && buf[i] === CH_LT) {
      const close = annotationEndBytes(buf, i, end);
      if (close > 0) {
        ev.retNote = buf.toString('utf8', i + 1, close);
        i = close + 1;
      }
    }
  }
  if (i + 1 < lineEnd && buf[i] === CH_SPACE && buf[i + 1] === 69 /* E */ && (ev.ret === null || ev.ret < 0)) {
    const s = i + 1;
    let k = s + 1;
    for (; k < lineEnd; k++) {
      c = buf[k] as number;
      if (!((c >= 65 && c <= 90) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE)) break;
    }
    if (k < end + 1 && (k === end || (k < lineEnd && buf[k] === CH_SPACE))) ev.errno = internErrnoBytes(buf, s, k);
  }
  return true;
}

/** Mirror of annotationEnd(): the `>` closing the annotation at `lt` (not the `->` of a peer), or -1. */
function annotationEndBytes(buf: Buffer, lt: number, limit: number): number {
  for (let k = lt + 1; k < limit; k++) if (buf[k] === CH_GT && buf[k - 1] !== CH_MINUS) return k;
  return -1;
}

function readFdArgBytes(buf: Buffer, start: number, end: number, ev: SyscallEvent): void {
  let i = start;
  let c = i < end ? (buf[i] as number) : -1;
  if (c < CH_0 || c > CH_9) return;
  let n = 0;
  for (; c >= CH_0 && c <= CH_9; c = ++i < end ? (buf[i] as number) : -1) n = n * 10 + (c - CH_0);
  if (c !== CH_LT && c !== 44 /* , */ && c !== 41 /* ) */ && c !== CH_SPACE && c !== 125 /* } */) return;
  ev.fd = n;
  if (c !== CH_LT) return;
  const cached = n < NOTE_BY_FD.length ? NOTE_BY_FD[n] : undefined;
  if (cached !== undefined && holdsNote(buf, i + 1, end, cached)) {
    ev.fdNote = cached.text;
    return;
  }
  const close = annotationEndBytes(buf, i, end);
  if (close > 0) {
    const note = buf.toString('utf8', i + 1, close);
    ev.fdNote = note;
    // Copies: the chunk is reused or freed, the cache outlives it.
    if (n < NOTE_BY_FD.length) NOTE_BY_FD[n] = noteSlot(buf.subarray(i + 1, close), note);
  }
}
