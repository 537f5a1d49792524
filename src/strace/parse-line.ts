/**
 * One line of strace output -> one event. Pure and fast: the prefix (`[pid N]`, timestamp) is read by
 * hand here, then the line goes to the reader of its kind: syscall and resumed lines to
 * parse-syscall-line.ts, strace's own messages to parse-strace-message.ts, `-c` rows to
 * parse-count-table.ts; signal and exit lines are read here. No regex runs over a whole syscall line,
 * because a `write()` line can carry a long string argument and this runs millions of times. The
 * byte fast path for the common syscall line is parse-line-bytes.ts.
 */

import type { StraceEvent, SyscallEvent } from './events.js';
import { CH_0, CH_9, CH_COLON, CH_DOT, CH_LBRACKET, CH_LT, CH_MINUS, CH_PLUS, CH_RBRACKET, CH_SPACE, CH_UNDERSCORE, CH_a, CH_z, DETACHED } from './line-chars.js';
import { parseCountTableRow } from './parse-count-table.js';
import { parseProcessMessage, parseStraceMessage } from './parse-strace-message.js';
import { parseResumed, parseSyscall } from './parse-syscall-line.js';

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
