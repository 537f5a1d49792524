/**
 * The byte reader of the lines around the syscall lines that a traced fork or signal brings, a few in
 * every hundred of a `-f` trace: `strace: Process N attached|detached`, `--- SIGCHLD {...} ---`, a
 * syscall line cut by strace's own message (`clone(...|SIGCHLDstrace: Process N attached`) and the
 * second half of a call another pid's line interrupted (`<... wait4 resumed>...) = 22100`). Returns the
 * string parser's event for those (test/unit/strace/parse-line-bytes.test.ts holds the two equal), and
 * null for anything else, which then goes to the string parser as before.
 */

import { internTokenBytes } from './byte-names.js';
import { createSyscallScratch, type AttachEvent, type DetachEvent, type ResumedEvent, type StraceEvent } from './events.js';
import { CH_0, CH_9, CH_GT, CH_LPAREN, CH_LT, CH_MINUS, CH_SPACE, CH_UNDERSCORE, CH_a, CH_z, DETACHED, UNFINISHED } from './line-chars.js';
import { findReturnBytes, readReturnBytes } from './parse-bytes-fields.js';
import { durationStart, lineStartPid, lineStartTimeMs, readEndDuration, readLineStart } from './parse-line-bytes.js';
import { STRACE_PROCESS } from './parse-strace-message.js';

const STRACE_PROCESS_BYTES = Buffer.from(STRACE_PROCESS, 'latin1');
const ATTACHED_BYTES = Buffer.from(' attached', 'latin1');
const DETACHED_BYTES = Buffer.from(' detached', 'latin1');
const SIGNAL_BYTES = Buffer.from('--- SIG', 'latin1');
const RESUMED_OPEN_BYTES = Buffer.from('<... ', 'latin1');
const RESUMED_BYTES = Buffer.from(' resumed>', 'latin1');
const DETACHED_LINE_BYTES = Buffer.from(DETACHED, 'latin1');
const UNFINISHED_LINE_BYTES = Buffer.from(UNFINISHED, 'latin1');
// readReturnBytes() fills a syscall event; a resumed line's result is read into this one and copied.
const result = createSyscallScratch();

/** The event of the line in `buf[start, end)` (not empty) when it is one of the lines above, else null. */
export function parseOtherLineBytes(buf: Buffer, start: number, end: number): StraceEvent | null {
  if (startsWithBytes(buf, start, end, STRACE_PROCESS_BYTES)) return processMessage(buf, start + STRACE_PROCESS_BYTES.length, end) ?? null;
  const i = readLineStart(buf, start, end);
  if (i < 0) return null;
  const c = buf[i] as number;
  if (c === CH_MINUS) return signalLine(buf, i, end);
  if (c === CH_LT) return resumedLine(buf, start, i, end);
  if ((c >= CH_a && c <= CH_z) || c === CH_UNDERSCORE) return splitLine(buf, start, i, end);
  return null;
}

/** `--- SIGCHLD {si_signo=...} ---` at `i`: the signal, when its name follows at once and is ASCII. */
function signalLine(buf: Buffer, i: number, end: number): StraceEvent | null {
  if (!startsWithBytes(buf, i, end, SIGNAL_BYTES)) return null;
  const s = i + 4;
  let e = s;
  for (; e < end; e++) {
    const b = buf[e] as number;
    if (b === CH_SPACE) break;
    if (b >= 0x80) return null;
  }
  return { kind: 'signal', pid: lineStartPid(), timeMs: lineStartTimeMs(), signal: internTokenBytes(buf, s, e) };
}

/** `<... wait4 resumed>, [...], 0, NULL) = 22100 <0.000321>` at `i`, as parseResumed() reads it (an ASCII name). */
function resumedLine(buf: Buffer, start: number, i: number, end: number): ResumedEvent | null {
  if (!startsWithBytes(buf, i, end, RESUMED_OPEN_BYTES)) return null;
  const nameStart = i + RESUMED_OPEN_BYTES.length;
  const r = buf.indexOf(RESUMED_BYTES, nameStart);
  if (r < 0 || r + RESUMED_BYTES.length > end || r - nameStart < 2) return null;
  for (let k = nameStart; k < r; k++) if ((buf[k] as number) >= 0x80) return null;
  const ev: ResumedEvent = {
    kind: 'resumed', pid: lineStartPid(), timeMs: lineStartTimeMs(), name: internTokenBytes(buf, nameStart, r),
    ret: null, retNote: null, errno: null, durationMs: null, incomplete: false,
  };
  if (
    endsWithBytes(buf, start, end, DETACHED_LINE_BYTES) ||
    endsWithBytes(buf, start, end, ATTACHED_BYTES) ||
    endsWithBytes(buf, start, end, DETACHED_BYTES) ||
    endsWithBytes(buf, start, end, UNFINISHED_LINE_BYTES)
  ) {
    ev.incomplete = true;
    return ev;
  }
  let retEnd = end;
  if (buf[end - 1] === CH_GT) {
    const d = readEndDuration(buf, start, end);
    if (d >= 0) {
      ev.durationMs = d;
      retEnd = durationStart();
    }
  }
  const eq = findReturnBytes(buf, r + RESUMED_BYTES.length - 1, retEnd, end);
  if (eq < 0) {
    ev.incomplete = true;
    return ev;
  }
  result.ret = null;
  result.retNote = null;
  result.errno = null;
  if (!readReturnBytes(buf, eq + 3, retEnd, end, result)) return null;
  ev.ret = result.ret;
  ev.retNote = result.retNote;
  ev.errno = result.errno;
  return ev;
}

/**
 * A syscall line strace cut with `strace: Process N attached|detached` (its name starts at `i`): the
 * split event with the line's head, which the next line may continue. Null for any other line.
 */
function splitLine(buf: Buffer, start: number, i: number, end: number): StraceEvent | null {
  const last = buf[end - 1] as number;
  if (last !== 100 /* d */ || !(endsWithBytes(buf, start, end, ATTACHED_BYTES) || endsWithBytes(buf, start, end, DETACHED_BYTES))) return null;
  // The name runs up to `(`, as the string parser checks it.
  let open = i;
  for (; open < end; open++) {
    const c = buf[open] as number;
    if (c === CH_LPAREN) break;
    if (!((c >= CH_a && c <= CH_z) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE)) return null;
  }
  if (open >= end) return null;
  // The last `strace: Process ` that ends within the line.
  const at = buf.lastIndexOf(STRACE_PROCESS_BYTES, end - STRACE_PROCESS_BYTES.length);
  if (at <= open || at < start) return null;
  const message = processMessage(buf, at + STRACE_PROCESS_BYTES.length, end);
  if (message === undefined) return null;
  return { kind: 'split', pid: lineStartPid(), head: buf.toString('utf8', start, at), message };
}

/** `N attached` / `N detached` at `at`, as parseProcessMessage() reads it; undefined otherwise. */
function processMessage(buf: Buffer, at: number, end: number): AttachEvent | DetachEvent | undefined {
  let i = at;
  let n = 0;
  for (; i < end; i++) {
    const c = buf[i] as number;
    if (c < CH_0 || c > CH_9) break;
    n = n * 10 + (c - CH_0);
  }
  if (i === at) return undefined;
  if (startsWithBytes(buf, i, end, ATTACHED_BYTES)) return { kind: 'attach', pid: n };
  if (startsWithBytes(buf, i, end, DETACHED_BYTES)) return { kind: 'detach', pid: n };
  return undefined;
}

function startsWithBytes(buf: Buffer, at: number, end: number, prefix: Buffer): boolean {
  const n = prefix.length;
  if (end - at < n) return false;
  for (let k = 0; k < n; k++) if (buf[at + k] !== prefix[k]) return false;
  return true;
}

function endsWithBytes(buf: Buffer, start: number, end: number, suffix: Buffer): boolean {
  return end - start >= suffix.length && startsWithBytes(buf, end - suffix.length, end, suffix);
}
