/**
 * The fields of a syscall line the byte parser reads beyond its name and times: where the return value
 * starts, the value itself (with its errno and the returned fd's annotation), and the first argument
 * when it is an fd (with its annotation). Mirrors of parse-syscall-line.ts's readers, on bytes.
 */

import { internTokenBytes, knownNote, learnNote } from './byte-names.js';
import type { SyscallEvent } from './events.js';
import { CH_0, CH_9, CH_GT, CH_LT, CH_MINUS, CH_SPACE, CH_UNDERSCORE } from './line-chars.js';

/** Mirror of findReturn(): the last ` = ` before `from` that follows the args' `)`; -1 if none. */
export function findReturnBytes(buf: Buffer, open: number, from: number, lineEnd: number): number {
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

/**
 * Mirror of readReturn() on bytes; false when the value needs the string parser (a hex value too wide
 * to add up exactly by hand). The plain decimal value is read here; `?`, hex values, a returned fd's
 * annotation and the errno by readOtherReturn(): keeping this small lets V8 inline it into the line.
 */
export function readReturnBytes(buf: Buffer, start: number, end: number, lineEnd: number, ev: SyscallEvent): boolean {
  let i = start;
  let c = i < lineEnd ? (buf[i] as number) : -1;
  let negative = false;
  if (c === CH_MINUS) {
    negative = true;
    c = ++i < lineEnd ? (buf[i] as number) : -1;
  }
  if (c < CH_0 || c > CH_9 || (c === CH_0 && i + 1 < lineEnd && buf[i + 1] === 120 /* x */)) return readOtherReturn(buf, start, end, lineEnd, ev);
  let n = 0;
  for (; i < lineEnd; i++) {
    c = buf[i] as number;
    if (c < CH_0 || c > CH_9) break;
    n = n * 10 + (c - CH_0);
  }
  ev.ret = negative ? -n : n;
  // Nothing follows (the usual case), or a space that is not the start of an errno.
  if (i >= lineEnd || (buf[i] === CH_SPACE && (i + 1 >= lineEnd || buf[i + 1] !== 69 /* E */))) return true;
  return readOtherReturn(buf, start, end, lineEnd, ev);
}

function readOtherReturn(buf: Buffer, start: number, end: number, lineEnd: number, ev: SyscallEvent): boolean {
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
    if (k < end + 1 && (k === end || (k < lineEnd && buf[k] === CH_SPACE))) ev.errno = internTokenBytes(buf, s, k);
  }
  return true;
}

/** Mirror of annotationEnd(): the `>` closing the annotation at `lt` (not the `->` of a peer), or -1. */
function annotationEndBytes(buf: Buffer, lt: number, limit: number): number {
  for (let k = lt + 1; k < limit; k++) if (buf[k] === CH_GT && buf[k - 1] !== CH_MINUS) return k;
  return -1;
}

/** Reads the first argument at `start` when it is an fd, and its `-y/-yy` annotation. */
export function readFdArgBytes(buf: Buffer, start: number, end: number, ev: SyscallEvent): void {
  let i = start;
  let c = i < end ? (buf[i] as number) : -1;
  if (c < CH_0 || c > CH_9) return;
  let n = 0;
  for (; c >= CH_0 && c <= CH_9; c = ++i < end ? (buf[i] as number) : -1) n = n * 10 + (c - CH_0);
  if (c !== CH_LT && c !== 44 /* , */ && c !== 41 /* ) */ && c !== CH_SPACE && c !== 125 /* } */) return;
  ev.fd = n;
  if (c !== CH_LT) return;
  ev.fdNote = knownNote(buf, i + 1, end, n) ?? newNote(buf, i, end, n);
}

// Apart from readFdArgBytes, which is on most lines: small functions are the ones V8 inlines.
function newNote(buf: Buffer, lt: number, end: number, fd: number): string | null {
  const close = annotationEndBytes(buf, lt, end);
  if (close < 0) return null;
  const note = buf.toString('utf8', lt + 1, close);
  learnNote(fd, buf.subarray(lt + 1, close), note);
  return note;
}
