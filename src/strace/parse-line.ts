/**
 * One line of strace output -> one event. Pure and fast: the prefix (`[pid N]`, timestamp) is read by
 * hand, arguments only as far as needed (the first fd and its `-y/-yy` annotation), the return value
 * and the `-T` duration are read from the end of the line. No regex runs over a whole syscall line,
 * because a `write()` line can carry a long string argument and this runs millions of times.
 */

import {
  resetSyscallEvent,
  type AttachEvent,
  type DetachEvent,
  type ResumedEvent,
  type StraceErrorReason,
  type StraceEvent,
  type SyscallEvent,
  type SyscallState,
} from './events.js';
import { parseCountTableRow } from './parse-count-table.js';
import { CONNECT, FD_FIRST, POLL, syscallKind } from './syscall-kinds.js';

const CH_0 = 48;
const CH_9 = 57;
const CH_SPACE = 32;
const CH_COLON = 58;
const CH_DOT = 46;
const CH_LBRACKET = 91;
const CH_RBRACKET = 93;
const CH_LT = 60;
const CH_GT = 62;
const CH_LPAREN = 40;
const CH_MINUS = 45;
const CH_PLUS = 43;
const CH_a = 97;
const CH_z = 122;
const CH_UNDERSCORE = 95;

const UNFINISHED = ' <unfinished ...>';
const DETACHED = ' <detached ...>';
const STRACE_PROCESS = 'strace: Process ';

/**
 * Parses one line of strace output (without its line terminator). Returns undefined for a blank line.
 *
 * @example
 * parseStraceLine('[pid 22098] 04:44:58.945271 getrandom( <unfinished ...>');
 * // { kind: 'syscall', pid: 22098, timeMs: 17098945.271, name: 'getrandom', state: 'unfinished', ... }
 * parseStraceLine('04:43:14.825242 recvfrom(7<TCP:[127.0.0.1:18700->127.0.0.1:38986]>, "GET /", 87380, 0, NULL, NULL) = 84 <0.000092>');
 * // { kind: 'syscall', name: 'recvfrom', fd: 7, fdNote: 'TCP:[127.0.0.1:18700->127.0.0.1:38986]', ret: 84, durationMs: 0.092, ... }
 */
export function parseStraceLine(line: string): StraceEvent | undefined {
  return parseLine(line, null);
}

/**
 * Like parseStraceLine, but a syscall line is written into `scratch` (which is returned) instead of a
 * new object. For the summariser's hot loop: it reads the fields at once and never keeps the object.
 */
export function parseStraceLineReusing(line: string, scratch: SyscallEvent): StraceEvent | undefined {
  return parseLine(line, scratch);
}


function parseLine(line: string, scratch: SyscallEvent | null): StraceEvent | undefined {
  const len = line.length;
  if (len === 0) return undefined;
  let i = 0;
  let pid: number | null = null;
  let c = line.charCodeAt(0);

  // `[pid 22098] ` (strace pads the number with spaces for short pids).
  if (c === CH_LBRACKET && line.startsWith('[pid ', 0)) {
    i = 5;
    while (i < len && line.charCodeAt(i) === CH_SPACE) i++;
    let n = 0;
    let digits = 0;
    for (c = line.charCodeAt(i); c >= CH_0 && c <= CH_9; c = line.charCodeAt(++i)) {
      n = n * 10 + (c - CH_0);
      digits++;
    }
    if (digits === 0 || line.charCodeAt(i) !== CH_RBRACKET) return { kind: 'unparsed', line };
    pid = n;
    i++;
    if (line.charCodeAt(i) === CH_SPACE) i++;
  }

  // Timestamp: `04:43:14` (-t), `04:43:14.827339` (-tt) or `1795668202.473610` (-ttt).
  let timeMs: number | null = null;
  c = line.charCodeAt(i);
  if (c >= CH_0 && c <= CH_9) {
    const ms = readTimestamp(line, i);
    if (ms >= 0) {
      timeMs = ms;
      i = scanEnd;
    }
  }
  if (i >= len) return { kind: 'unparsed', line };
  c = line.charCodeAt(i);

  if ((c >= CH_a && c <= CH_z) || c === CH_UNDERSCORE) {
    if (i === 0 && c === 115 /* s */ && line.startsWith('strace: ')) return parseStraceMessage(line);
    return parseSyscall(line, i, pid, timeMs, scratch);
  }
  if (c === CH_LT && line.startsWith('<... ', i)) return parseResumed(line, i, pid, timeMs);
  if (c === CH_MINUS) {
    if (line.startsWith('--- ', i)) return parseSignal(line, i, pid, timeMs);
    if (line.startsWith('------ ', i)) return { kind: 'count-table', part: 'separator' };
  }
  if (c === CH_PLUS && line.startsWith('+++ ', i)) return parseExit(line, i, pid, timeMs);
  if (i === 0) {
    if (c === CH_SPACE) {
      if (line === DETACHED || line.trim() === '<detached ...>') return { kind: 'continuation', text: line };
      const row = parseCountTableRow(line);
      if (row !== undefined) return row;
    } else if (c === 44 /* , */) {
      return { kind: 'continuation', text: line };
    } else if (c === 37 /* % */ && line.startsWith('% time')) {
      return { kind: 'count-table', part: 'header' };
    } else if (c >= CH_0 && c <= CH_9) {
      const row = parseCountTableRow(line);
      if (row !== undefined) return row;
    } else if (c === 80 /* P */ && line.startsWith('Process ')) {
      // strace 4.x printed `Process 10354 attached - interrupt to quit` without the `strace: ` prefix.
      const msg = parseProcessMessage(line, 8);
      if (msg !== undefined) return msg;
    }
  }
  return { kind: 'unparsed', line };
}

// Where the last readTimestamp()/readDuration() stopped: module scratch instead of a result object,
// because these run for every line and short-lived objects showed up as GC time in profiles.
let scanEnd = 0;

/** Reads `HH:MM:SS[.ffffff] ` or `EPOCH.ffffff ` at `start`; returns ms (scanEnd = after the space) or -1. */
function readTimestamp(line: string, start: number): number {
  let i = start;
  let n = 0;
  let c = line.charCodeAt(i);
  while (c >= CH_0 && c <= CH_9) {
    n = n * 10 + (c - CH_0);
    c = line.charCodeAt(++i);
  }
  let ms: number;
  if (c === CH_COLON && i - start === 2) {
    // HH:MM:SS[.ffffff]
    const mm = twoDigits(line, i + 1);
    const ss = twoDigits(line, i + 4);
    if (mm < 0 || ss < 0 || line.charCodeAt(i + 3) !== CH_COLON) return -1;
    i += 6;
    ms = (n * 3600 + mm * 60 + ss) * 1000;
    if (line.charCodeAt(i) === CH_DOT) {
      ms += readFraction(line, i + 1);
      i = scanEnd;
    }
  } else if (c === CH_DOT && i - start >= 9) {
    ms = n * 1000 + readFraction(line, i + 1);
    i = scanEnd;
  } else {
    return -1;
  }
  if (line.charCodeAt(i) !== CH_SPACE) return -1;
  scanEnd = i + 1;
  return ms;
}

function twoDigits(line: string, i: number): number {
  const a = line.charCodeAt(i) - CH_0;
  const b = line.charCodeAt(i + 1) - CH_0;
  if (a < 0 || a > 9 || b < 0 || b > 9) return -1;
  return a * 10 + b;
}

/** Digits after a dot -> ms (`827339` -> 827.339); scanEnd = first non-digit. */
function readFraction(line: string, start: number): number {
  let i = start;
  let n = 0;
  let scale = 1;
  for (let c = line.charCodeAt(i); c >= CH_0 && c <= CH_9; c = line.charCodeAt(++i)) {
    n = n * 10 + (c - CH_0);
    scale *= 10;
  }
  scanEnd = i;
  return (n / scale) * 1000;
}

function parseSyscall(line: string, start: number, pid: number | null, timeMs: number | null, scratch: SyscallEvent | null): StraceEvent {
  const open = line.indexOf('(', start);
  if (open < 0) return { kind: 'unparsed', line };
  for (let k = start; k < open; k++) {
    const c = line.charCodeAt(k);
    if (!((c >= CH_a && c <= CH_z) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE)) return { kind: 'unparsed', line };
  }
  const name = internName(line, start, open);
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
        ev.retNote = line.slice(i + 1, close);
        i = close + 1;
      }
    }
  }
  // ` EAGAIN (description in any language)` or ` ERESTARTSYS (...)` after -1 or ?.
  if (line.charCodeAt(i) === CH_SPACE && line.charCodeAt(i + 1) === 69 /* E */ && (ev.ret === null || ev.ret < 0)) {
    const s = i + 1;
    let k = s + 1;
    for (c = line.charCodeAt(k); (c >= 65 && c <= 90) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE; c = line.charCodeAt(++k));
    if (k < end + 1 && (k === end || line.charCodeAt(k) === CH_SPACE)) ev.errno = line.slice(s, k);
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

// A small cache so that syscall names, which repeat on every line, are not allocated again per line:
// a cheap key (length + a few chars) picks a candidate, and a native startsWith() confirms it. A miss
// slices and replaces the slot. (Tried for fd annotations too: slower than slicing.)
const NAME_CACHE: (string | undefined)[] = new Array(1024);

function internName(line: string, start: number, end: number): string {
  const len = end - start;
  const key = (len * 31 + line.charCodeAt(start) * 7 + line.charCodeAt(end - 1) * 3 + line.charCodeAt(start + (len >> 1))) & 1023;
  const hit = NAME_CACHE[key];
  if (hit !== undefined && hit.length === len && line.startsWith(hit, start)) return hit;
  const name = line.slice(start, end);
  NAME_CACHE[key] = name;
  return name;
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
      const note = line.slice(i + 1, close);
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
  if (a4 >= 0) return `${line.slice(a4 + 11, line.indexOf('"', a4 + 11))}:${port}`;
  const a6 = line.indexOf('inet_pton(AF_INET6, "', open);
  if (a6 >= 0) return `[${line.slice(a6 + 21, line.indexOf('"', a6 + 21))}]:${port}`;
  return null;
}

function parseResumed(line: string, start: number, pid: number | null, timeMs: number | null): StraceEvent {
  const nameStart = start + 5;
  const r = line.indexOf(' resumed>', nameStart);
  if (r < 0) return { kind: 'unparsed', line };
  const name = line.slice(nameStart, r);
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

function parseSignal(line: string, start: number, pid: number | null, timeMs: number | null): StraceEvent {
  // `--- SIGCHLD {si_signo=...} ---`, `--- SIGUSR2 (User defined signal 2) @ 0 (0) ---`, `--- stopped by SIGSTOP ---`.
  let s = start + 4;
  let e = s;
  while (e < line.length && line.charCodeAt(e) !== CH_SPACE) e++;
  let signal = line.slice(s, e);
  if (!signal.startsWith('SIG')) {
    const k = line.indexOf('SIG', e);
    if (k < 0) return { kind: 'unparsed', line };
    s = k;
    for (e = k; e < line.length && line.charCodeAt(e) !== CH_SPACE; e++);
    signal = line.slice(s, e);
  }
  return { kind: 'signal', pid, timeMs, signal };
}

function parseExit(line: string, start: number, pid: number | null, timeMs: number | null): StraceEvent {
  // `+++ exited with 0 +++`, `+++ killed by SIGKILL +++`, `+++ killed by SIGSEGV (core dumped) +++`.
  const body = line.slice(start + 4);
  if (body.startsWith('exited with ')) {
    const code = Number.parseInt(body.slice(12), 10);
    return { kind: 'exit', pid, timeMs, code: Number.isFinite(code) ? code : null, signal: null };
  }
  if (body.startsWith('killed by ')) {
    const rest = body.slice(10);
    const sp = rest.indexOf(' ');
    return { kind: 'exit', pid, timeMs, code: null, signal: sp < 0 ? rest : rest.slice(0, sp) };
  }
  return { kind: 'unparsed', line };
}

function parseProcessMessage(line: string, at: number): AttachEvent | DetachEvent | undefined {
  let i = at;
  let n = 0;
  let digits = 0;
  for (let c = line.charCodeAt(i); c >= CH_0 && c <= CH_9; c = line.charCodeAt(++i)) {
    n = n * 10 + (c - CH_0);
    digits++;
  }
  if (digits === 0) return undefined;
  if (line.startsWith(' attached', i)) return { kind: 'attach', pid: n };
  if (line.startsWith(' detached', i)) return { kind: 'detach', pid: n };
  return undefined;
}

function parseStraceMessage(line: string): StraceEvent {
  if (line.startsWith(STRACE_PROCESS)) {
    const msg = parseProcessMessage(line, STRACE_PROCESS.length);
    if (msg !== undefined) return msg;
  }
  const message = line.slice(8);
  const pidMatch = /PTRACE_[A-Z]+, (\d+)\)/.exec(message);
  const pid = pidMatch?.[1] !== undefined ? Number(pidMatch[1]) : null;
  if (message.includes("can't let you do that")) return { kind: 'strace-error', reason: 'self', pid, message: line };
  if (message.startsWith('Invalid process id')) return { kind: 'strace-error', reason: 'invalid_pid', pid, message: line };
  if (message.startsWith('attach:') || message.includes('ptrace(')) {
    let reason: StraceErrorReason = 'other';
    if (message.endsWith('No such process')) reason = 'no_such_process';
    else if (message.endsWith('Operation not permitted')) reason = 'not_permitted';
    return { kind: 'strace-error', reason, pid, message: line };
  }
  return { kind: 'strace-message', message: line };
}

// ---------------------------------------------------------------------------------------------------
// Byte fast path. The summariser of a chunk stream reads the common syscall line straight from the
// Buffer it arrived in: no decoded chunk string, no per-line string, no charCodeAt on sliced strings
// (those were most of the time in profiles). It reads exactly what parseSyscall() reads and returns
// null for everything it does not handle (resumed/signal/exit lines, strace messages, poll, connect,
// wide hex values, ...): the caller then decodes the line and uses
// parseStraceLineReusing(), so the string parser stays the one definition of the rare cases.
// Structural characters are ASCII and UTF-8 continuation bytes are >= 0x80, so byte offsets are safe.
// ---------------------------------------------------------------------------------------------------

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

/** Last annotation seen per fd number, as bytes (to compare) and as text (to return). */
const NOTE_BYTES_BY_FD: (Buffer | undefined)[] = new Array(1024);
const NOTE_TEXT_BY_FD: (string | undefined)[] = new Array(1024);

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
    const ms = readTimestampBytes(buf, i, end);
    if (ms < 0) return null;
    timeMs = ms;
    i = scanEnd;
    if (i >= end) return null;
    c = buf[i] as number;
  }
  if (!((c >= CH_a && c <= CH_z) || c === CH_UNDERSCORE)) return null;

  // The name runs up to `(`; anything else (`strace: ...`, garbage) is the string parser's business.
  const nameStart = i;
  for (i++; i < end; i++) {
    c = buf[i] as number;
    if (!((c >= CH_a && c <= CH_z) || (c >= CH_0 && c <= CH_9) || c === CH_UNDERSCORE)) break;
  }
  if (i >= end || c !== CH_LPAREN) return null;
  const open = i;
  const slot = internNameBytes(buf, nameStart, open);
  if ((slot.flags & NF_SLOW) !== 0) return null;

  const last = buf[end - 1] as number;
  // `... attached`/`... detached` glued by strace (split lines), or a line cut after a `d`.
  if (last === 100 /* d */) return null;

  let state: SyscallState = 'complete';
  let durationMs: number | null = null;
  let retEnd = end;
  if (last === CH_GT) {
    if (endsWithBytes(buf, start, end, UNFINISHED_BYTES)) {
      state = 'unfinished';
      retEnd -= UNFINISHED_BYTES.length;
    } else if (endsWithBytes(buf, start, end, DETACHED_BYTES)) {
      state = 'detached';
      retEnd -= DETACHED_BYTES.length;
    } else {
      const d = readDurationBytes(buf, start, end);
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
  const cachedBytes = n < NOTE_BYTES_BY_FD.length ? NOTE_BYTES_BY_FD[n] : undefined;
  if (cachedBytes !== undefined) {
    const len = cachedBytes.length;
    const s = i + 1;
    if (s + len < end && buf[s + len] === CH_GT) {
      let k = 0;
      while (k < len && buf[s + k] === cachedBytes[k]) k++;
      if (k === len) {
        ev.fdNote = NOTE_TEXT_BY_FD[n] as string;
        return;
      }
    }
  }
  const close = annotationEndBytes(buf, i, end);
  if (close > 0) {
    const note = buf.toString('utf8', i + 1, close);
    ev.fdNote = note;
    if (n < NOTE_BYTES_BY_FD.length) {
      // A copy: the chunk is reused or freed, the cache outlives it.
      NOTE_BYTES_BY_FD[n] = Buffer.from(buf.subarray(i + 1, close));
      NOTE_TEXT_BY_FD[n] = note;
    }
  }
}
