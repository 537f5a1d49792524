/**
 * The string parser of syscall lines: `name(args) = ret <dur>`, its unfinished/detached forms and its
 * `<... name resumed> ...) = ret` second half. Arguments are read only as far as needed (the first fd and
 * its `-y/-yy` annotation, poll's fd count, connect's address); the return value and the `-T` duration
 * are read from the end of the line, so a long string argument is never scanned.
 */

import { resetSyscallEvent, type ResumedEvent, type StraceEvent, type SyscallEvent, type SyscallState } from './events.js';
import { CH_0, CH_9, CH_DOT, CH_GT, CH_LT, CH_MINUS, CH_SPACE, CH_UNDERSCORE, CH_a, CH_z, DETACHED, UNFINISHED } from './line-chars.js';
import { parseProcessMessage, STRACE_PROCESS } from './parse-strace-message.js';
import { CONNECT, FD_FIRST, POLL, syscallKind } from './syscall-kinds.js';

// Where the last readDuration() stopped: module scratch instead of a result object, because it runs
// for every line and short-lived objects showed up as GC time in profiles.
let scanEnd = 0;

/** The syscall line whose name starts at `start` (prefix and timestamp already read). */
export function parseSyscall(line: string, start: number, pid: number | null, timeMs: number | null, scratch: SyscallEvent | null): StraceEvent {
  const open = line.indexOf('(', start);
  if (open < 0) return { kind: 'unparsed', line };
  for (let k = start; k < open; k++) {
    const c = line.charCodeAt(k);
    if (!((c >= CH_a && c <= CH_z) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE)) return { kind: 'unparsed', line };
  }
  const name = intern(NAME_CACHE, line, start, open);
  let end = line.length;

  // strace's own message glued to the end of the line: `...SIGCHLDstrace: Process 22098 attached`.
  const last = line.charCodeAt(end - 1);
  if (last === 100 /* d */ && (line.endsWith(' attached') || line.endsWith(' detached'))) {
    const at = line.lastIndexOf(STRACE_PROCESS);
    if (at > open) {
      const msg = parseProcessMessage(line, at + STRACE_PROCESS.length);
      if (msg !== undefined) return { kind: 'split', pid, head: line.slice(0, at), message: msg };
    }
  }

  let state: SyscallState = 'complete';
  let durationMs: number | null = null;
  if (last === CH_GT) {
    if (line.endsWith(UNFINISHED)) {
      state = 'unfinished';
      end -= UNFINISHED.length;
    } else if (line.endsWith(DETACHED)) {
      state = 'detached';
      end -= DETACHED.length;
    } else {
      const d = readDuration(line);
      if (d >= 0) {
        durationMs = d;
        end = scanEnd;
      }
    }
  }

  let ev: SyscallEvent;
  if (scratch !== null) {
    ev = resetSyscallEvent(scratch, pid, timeMs, name, state, durationMs);
  } else {
    ev = {
      kind: 'syscall', pid, timeMs, name, fd: null, fdNote: null, fdCount: null, state,
      ret: null, retNote: null, errno: null, durationMs, peer: null,
    };
  }

  if (state === 'complete') {
    const eq = findReturn(line, open, end);
    if (eq < 0) ev.state = 'truncated';
    else readReturn(line, eq + 3, end, ev);
  }

  // First argument.
  const kind = syscallKind(name);
  if ((kind & FD_FIRST) !== 0) {
    readFdArg(line, open + 1, ev);
  } else if ((kind & POLL) !== 0) {
    if (line.startsWith('[{fd=', open + 1)) {
      readFdArg(line, open + 6, ev);
      let count = 1;
      const close = line.indexOf('}]', open);
      for (let k = line.indexOf('}, {fd=', open); k >= 0 && (close < 0 || k < close); k = line.indexOf('}, {fd=', k + 7)) count++;
      ev.fdCount = count;
    } else if (line.startsWith('[]', open + 1)) {
      ev.fdCount = 0;
    }
  }
  if ((kind & CONNECT) !== 0) ev.peer = readSockaddrPeer(line, open);
  return ev;
}

/** Index of the ` = ` that starts the return value (after the closing paren of the args), or -1. */
function findReturn(line: string, open: number, end: number): number {
  let from = end;
  for (;;) {
    const eq = line.lastIndexOf(' = ', from - 1);
    if (eq <= open) return -1;
    // The args end with `)`, optionally padded with spaces to column 40.
    let k = eq;
    while (k > open && line.charCodeAt(k - 1) === CH_SPACE) k--;
    if (line.charCodeAt(k - 1) === 41 /* ) */) return eq;
    from = eq;
  }
}

function readReturn(line: string, start: number, end: number, ev: { ret: number | null; retNote: string | null; errno: string | null }): void {
  let i = start;
  let c = line.charCodeAt(i);
  if (c === 63 /* ? */) {
    i++;
  } else {
    let negative = false;
    if (c === CH_MINUS) {
      negative = true;
      c = line.charCodeAt(++i);
    }
    if (c === CH_0 && line.charCodeAt(i + 1) === 120 /* x */) {
      const s = i + 2;
      i = s;
      for (c = line.charCodeAt(i); isHex(c); c = line.charCodeAt(++i));
      if (i > s) ev.ret = (negative ? -1 : 1) * parseInt(line.slice(s, i), 16);
    } else {
      let n = 0;
      let digits = 0;
      for (; c >= CH_0 && c <= CH_9; c = line.charCodeAt(++i)) {
        n = n * 10 + (c - CH_0);
        digits++;
      }
      if (digits > 0) ev.ret = negative ? -n : n;
    }
    if (line.charCodeAt(i) === CH_LT) {
      const close = annotationEnd(line, i, end);
      if (close > 0) {
        ev.retNote = ownCopy(line.slice(i + 1, close));
        i = close + 1;
      }
    }
  }
  // ` EAGAIN (description in any language)` or ` ERESTARTSYS (...)` after -1 or ?.
  if (line.charCodeAt(i) === CH_SPACE && line.charCodeAt(i + 1) === 69 /* E */ && (ev.ret === null || ev.ret < 0)) {
    const s = i + 1;
    let k = s + 1;
    for (c = line.charCodeAt(k); (c >= 65 && c <= 90) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE; c = line.charCodeAt(++k));
    if (k < end + 1 && (k === end || line.charCodeAt(k) === CH_SPACE)) ev.errno = intern(ERRNO_CACHE, line, s, k);
  }
}

function isHex(c: number): boolean {
  return (c >= CH_0 && c <= CH_9) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** ` <0.000123>` at the end of the line -> ms (scanEnd = where ` <` starts), or -1. Read by hand: no slice, no Number(). */
function readDuration(line: string): number {
  const last = line.length - 1;
  let k = last - 1;
  let frac = 0;
  let scale = 1;
  let c = line.charCodeAt(k);
  while (c >= CH_0 && c <= CH_9) {
    frac += (c - CH_0) * scale;
    scale *= 10;
    c = line.charCodeAt(--k);
  }
  if (c !== CH_DOT || scale === 1) return -1;
  let whole = 0;
  let wscale = 1;
  c = line.charCodeAt(--k);
  while (c >= CH_0 && c <= CH_9) {
    whole += (c - CH_0) * wscale;
    wscale *= 10;
    c = line.charCodeAt(--k);
  }
  if (c !== CH_LT || wscale === 1 || line.charCodeAt(k - 1) !== CH_SPACE) return -1;
  scanEnd = k - 1;
  return (whole + frac / scale) * 1000;
}

/**
 * Index of the `>` closing the annotation that opens at `lt`. A `>` right after `-` is the arrow of a
 * peer (`TCP:[a->b]`), not the end; indexOf is native and much faster than a char loop here.
 */
function annotationEnd(line: string, lt: number, limit: number): number {
  let k = line.indexOf('>', lt + 1);
  while (k > 0 && k < limit && line.charCodeAt(k - 1) === CH_MINUS) k = line.indexOf('>', k + 1);
  return k > 0 && k < limit ? k : -1;
}

// Small caches so that syscall names and errnos, which repeat line after line, are neither sliced nor
// copied again per line: a cheap key (length + a few chars) picks a candidate, and a native
// startsWith() confirms it. A miss copies the text and replaces the slot. (Tried for fd annotations
// too: slower than slicing; those have their own per-fd cache below.)
const NAME_CACHE: (string | undefined)[] = new Array(1024);
const ERRNO_CACHE: (string | undefined)[] = new Array(256);

function intern(cache: (string | undefined)[], line: string, start: number, end: number): string {
  const len = end - start;
  const key = (len * 31 + line.charCodeAt(start) * 7 + line.charCodeAt(end - 1) * 3 + line.charCodeAt(start + (len >> 1))) & (cache.length - 1);
  const hit = cache[key];
  if (hit !== undefined && hit.length === len && line.startsWith(hit, start)) return hit;
  const text = ownCopy(line.slice(start, end));
  cache[key] = text;
  return text;
}

/**
 * A copy that shares no memory with the line it was sliced from. What the events carry is kept by the
 * facts for the whole trace (names, errnos, annotations, peers), and a slice of a line would keep the
 * whole line (up to 64 KB) alive with it.
 */
function ownCopy(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function readFdArg(line: string, start: number, ev: SyscallEvent): void {
  let i = start;
  let c = line.charCodeAt(i);
  if (c < CH_0 || c > CH_9) return; // AT_FDCWD, -100 /* AT_FDCWD */, NULL, a struct...
  let n = 0;
  for (; c >= CH_0 && c <= CH_9; c = line.charCodeAt(++i)) n = n * 10 + (c - CH_0);
  if (c !== CH_LT && c !== 44 /* , */ && c !== 41 /* ) */ && c !== CH_SPACE && c !== 125 /* } */) return;
  ev.fd = n;
  if (c === CH_LT) {
    // The same fd usually carries the same annotation line after line: confirm the last one with a
    // native startsWith() instead of scanning for its end and slicing a new string.
    const cached = n < NOTE_BY_FD.length ? NOTE_BY_FD[n] : undefined;
    if (cached !== undefined && line.charCodeAt(i + 1 + cached.length) === CH_GT && line.startsWith(cached, i + 1)) {
      ev.fdNote = cached;
      return;
    }
    const close = annotationEnd(line, i, line.length);
    if (close > 0) {
      const note = ownCopy(line.slice(i + 1, close));
      ev.fdNote = note;
      if (n < NOTE_BY_FD.length) NOTE_BY_FD[n] = note;
    }
  }
}

/** Last annotation seen per fd number (all pids share it; a stale entry just fails the check). */
const NOTE_BY_FD: (string | undefined)[] = new Array(1024);

/** `{sa_family=AF_INET, sin_port=htons(18790), sin_addr=inet_addr("127.0.0.1")}` -> `127.0.0.1:18790`. */
function readSockaddrPeer(line: string, open: number): string | null {
  const p = line.indexOf('htons(', open);
  if (p < 0) return null;
  const pe = line.indexOf(')', p);
  const port = line.slice(p + 6, pe);
  const a4 = line.indexOf('inet_addr("', open);
  if (a4 >= 0) return ownCopy(`${line.slice(a4 + 11, line.indexOf('"', a4 + 11))}:${port}`);
  const a6 = line.indexOf('inet_pton(AF_INET6, "', open);
  if (a6 >= 0) return ownCopy(`[${line.slice(a6 + 21, line.indexOf('"', a6 + 21))}]:${port}`);
  return null;
}

/** A `<... name resumed>` line; `start` is at its `<`. */
export function parseResumed(line: string, start: number, pid: number | null, timeMs: number | null): StraceEvent {
  const nameStart = start + 5;
  const r = line.indexOf(' resumed>', nameStart);
  if (r < 0) return { kind: 'unparsed', line };
  const name = intern(NAME_CACHE, line, nameStart, r);
  const ev: ResumedEvent = { kind: 'resumed', pid, timeMs, name, ret: null, retNote: null, errno: null, durationMs: null, incomplete: false };
  let end = line.length;
  if (line.endsWith(DETACHED) || line.endsWith(' attached') || line.endsWith(' detached') || line.endsWith(UNFINISHED)) {
    ev.incomplete = true;
    return ev;
  }
  if (line.charCodeAt(end - 1) === CH_GT) {
    const d = readDuration(line);
    if (d >= 0) {
      ev.durationMs = d;
      end = scanEnd;
    }
  }
  const eq = findReturn(line, r + 8, end);
  if (eq < 0) ev.incomplete = true;
  else readReturn(line, eq + 3, end, ev);
  return ev;
}
