/**
 * The byte fast path. The summariser of a chunk stream reads the common syscall line straight from the
 * Buffer it arrived in: no decoded chunk string and no string per line (names, errnos and fd
 * annotations come from caches that recognise their bytes; only timestamps and durations are new
 * numbers). It reads exactly what parseSyscall() reads and returns null for everything else: the
 * caller then tries parse-bytes-other.ts (the extra lines of a -f trace), and decodes what is left for
 * parseStraceLineReusing(), so the string parser stays the one definition of the rare cases.
 * test/unit/strace/parse-line-bytes.test.ts holds them equal. Structural characters are ASCII and
 * UTF-8 continuation bytes are >= 0x80, so byte offsets are safe.
 *
 * Its helpers keep their common case short and their misses in separate functions on purpose: V8
 * inlines small callees only, within a budget per function, and what it inlines here is most of the
 * speed (the commits that did it measured each step).
 */

import { internNameBytes, knownName, learnName, NF_FD_FIRST, NF_SLOW } from './byte-names.js';
import { digitPair, endsWithBytes, twoDigitsBytes, viewOf } from './byte-reads.js';
import { resetSyscallEvent, type SyscallEvent, type SyscallState } from './events.js';
import { CH_0, CH_9, CH_COLON, CH_DOT, CH_GT, CH_LBRACKET, CH_LPAREN, CH_LT, CH_RBRACKET, CH_SPACE, CH_UNDERSCORE, CH_a, CH_z, DETACHED, UNFINISHED } from './line-chars.js';
import { findReturnBytes, readFdArgBytes, readReturnBytes } from './parse-bytes-fields.js';

const UNFINISHED_BYTES = Buffer.from(UNFINISHED, 'latin1');
const DETACHED_BYTES = Buffer.from(DETACHED, 'latin1');

// Where the last readTimestampBytes()/readDurationBytes() stopped (module scratch, as in the string parser).
let scanEnd = 0;

/**
 * Parses the syscall line in `buf[start, end)` (no terminator, not empty) into `scratch`, or returns
 * null when the line needs the string parser (decode it and call parseStraceLineReusing). For a line
 * it accepts, the result equals what parseStraceLineReusing() gives for the decoded line.
 */
export function parseStraceLineBytes(buf: Buffer, start: number, end: number, scratch: SyscallEvent): SyscallEvent | null {
  let i = readLineStart(buf, start, end);
  if (i < 0) return null;
  const pid = linePid;
  const timeMs = lineTimeMs;
  let c = buf[i] as number;
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
      const d = readEndDuration(buf, start, end);
      if (d >= 0) {
        durationMs = d;
        retEnd = scanEnd;
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

// What readLineStart() read: the `[pid N]` prefix's pid and the timestamp (null when absent).
let linePid: number | null = null;
let lineTimeMs: number | null = null;

/** The pid of the `[pid N]` prefix readLineStart() read last (null: none). */
export function lineStartPid(): number | null {
  return linePid;
}

/** The timestamp readLineStart() read last, in ms (null: none). */
export function lineStartTimeMs(): number | null {
  return lineTimeMs;
}

/**
 * Reads the `[pid N] ` prefix and the timestamp of the line in `buf[start, end)` into linePid and
 * lineTimeMs; returns where the rest starts (before `end`), or -1 when either is malformed or nothing
 * follows them (the string parser's business). Shared by every byte reader of a line.
 */
export function readLineStart(buf: Buffer, start: number, end: number): number {
  let i = start;
  let pid: number | null = null;
  let c = buf[i] as number;

  if (c === CH_LBRACKET) {
    // `[pid 22098] `
    if (end - i < 6 || buf[i + 1] !== 112 || buf[i + 2] !== 105 || buf[i + 3] !== 100 || buf[i + 4] !== CH_SPACE) return -1;
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
    if (digits === 0 || i >= end || buf[i] !== CH_RBRACKET) return -1;
    pid = n;
    i++;
    if (i < end && buf[i] === CH_SPACE) i++;
  }

  let timeMs: number | null = null;
  if (i >= end) return -1;
  c = buf[i] as number;
  if (c >= CH_0 && c <= CH_9) {
    // `-tt`'s `HH:MM:SS.ffffff ` is read in place; other forms (and anything odd) by readTimestampBytes.
    const t = i + 16 <= end && buf[i + 2] === CH_COLON && buf[i + 5] === CH_COLON && buf[i + 8] === CH_DOT && buf[i + 15] === CH_SPACE ? clockTime(buf, i) : -1;
    if (t >= 0) {
      timeMs = t;
      i += 16;
    } else {
      const ms = readTimestampBytes(buf, i, end);
      if (ms < 0) return -1;
      timeMs = ms;
      i = scanEnd;
    }
    if (i >= end) return -1;
  }
  linePid = pid;
  lineTimeMs = timeMs;
  return i;
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

/**
 * The `-T` duration ` <0.000123>` that ends the line `buf[start, end)` (whose last byte is `>`), in ms,
 * or -1; durationStart() then says where its ` <` is. The usual ` <S.ffffff>` is read in place, other
 * widths by readDurationBytes.
 */
export function readEndDuration(buf: Buffer, start: number, end: number): number {
  if (end - start >= 11 && buf[end - 8] === CH_DOT && buf[end - 10] === CH_LT && buf[end - 11] === CH_SPACE) {
    const d = shortDuration(buf, end);
    if (d >= 0) {
      scanEnd = end - 11;
      return d;
    }
  }
  return readDurationBytes(buf, start, end);
}

/** Where the ` <` of the duration readEndDuration() read last starts. */
export function durationStart(): number {
  return scanEnd;
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

