/**
 * What the byte parser hands out without decoding it again: syscall names (recognised from their first
 * 4 bytes when known), errnos, and the last annotation of each fd number. Each cache gives back the
 * string it decoded the first time, so a name or an annotation that repeats is the same object.
 */

import { byteWords, holdsBytes, viewOf, type ByteWords } from './byte-reads.js';
import { CH_GT, CH_LPAREN } from './line-chars.js';
import { CONNECT, FD_FIRST, POLL, syscallKind } from './syscall-kinds.js';

/** The call's first argument is an fd worth reading. */
export const NF_FD_FIRST = 1;
/** poll/ppoll (fd count) and connect (peer): left to the string parser. */
export const NF_SLOW = 2;

/** A syscall name and what the byte parser does with it (NF_* flags). */
export interface NameSlot {
  name: string;
  flags: number;
}

const BYTE_NAME_CACHE: (NameSlot | undefined)[] = new Array(1024);

/** The name in `buf[start, end)` (already checked to be one), from the cache or decoded and cached. */
export function internNameBytes(buf: Buffer, start: number, end: number): NameSlot {
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
 * Names by their first 4 bytes, four per set, the last one found first: a known name is confirmed with
 * a compare of its bytes and the `(` after them, without scanning it byte by byte. (rt_sigaction,
 * rt_sigprocmask and rt_sigreturn share a set, and so do the epoll calls.)
 */
interface KnownName extends ByteWords {
  slot: NameSlot;
}

const NAME_WAYS = 4;
const KNOWN_NAMES: (KnownName | undefined)[] = new Array(1024 * NAME_WAYS);

function nameSet(buf: Buffer, start: number): number {
  return (Math.imul(viewOf(buf).getInt32(start, true), 0x9e3779b1) >>> 22) * NAME_WAYS;
}

/** The name at `start` if it is a known one followed by `(` (there are at least 5 bytes from `start`). */
export function knownName(buf: Buffer, start: number, end: number): NameSlot | null {
  const set = nameSet(buf, start);
  // The first way inline, the others apart: this is on every line, and small is what V8 inlines.
  const k = KNOWN_NAMES[set];
  if (k === undefined) return null;
  if (start + k.length < end && buf[start + k.length] === CH_LPAREN && holdsBytes(buf, start, k.words, k.tail)) return k.slot;
  return otherKnownName(buf, start, end, set);
}

function otherKnownName(buf: Buffer, start: number, end: number, set: number): NameSlot | null {
  for (let way = set + 1; way < set + NAME_WAYS; way++) {
    const k = KNOWN_NAMES[way];
    if (k === undefined) return null;
    if (start + k.length < end && buf[start + k.length] === CH_LPAREN && holdsBytes(buf, start, k.words, k.tail)) {
      if (way !== set) moveToFront(KNOWN_NAMES, set, way);
      return k.slot;
    }
  }
  return null;
}

/** Remembers a name just read (at `start`, at least 5 bytes before the end) as the first of its set. */
export function learnName(buf: Buffer, start: number, slot: NameSlot): void {
  const set = nameSet(buf, start);
  const { length, words, tail } = byteWords(Buffer.from(slot.name, 'latin1'));
  moveToFront(KNOWN_NAMES, set, set + NAME_WAYS - 1);
  KNOWN_NAMES[set] = { slot, length, words, tail };
}

/** Moves entry `way` of the set starting at `set` to its front, shifting the ones before it back. */
function moveToFront<T>(ways: (T | undefined)[], set: number, way: number): void {
  const entry = ways[way];
  for (let k = way; k > set; k--) ways[k] = ways[k - 1];
  ways[set] = entry;
}

const TOKEN_CACHE: (string | undefined)[] = new Array(256);

/** An ASCII token of 2+ bytes (`EAGAIN`, `SIGCHLD`) from bytes, without a new string per line that has it. */
export function internTokenBytes(buf: Buffer, start: number, end: number): string {
  const len = end - start;
  const key = (len * 31 + (buf[start + 1] as number) * 7 + (buf[end - 1] as number) * 3 + (buf[start + (len >> 1)] as number)) & 255;
  const hit = TOKEN_CACHE[key];
  if (hit !== undefined && hit.length === len) {
    let k = 0;
    while (k < len && hit.charCodeAt(k) === buf[start + k]) k++;
    if (k === len) return hit;
  }
  const errno = buf.toString('latin1', start, end);
  TOKEN_CACHE[key] = errno;
  return errno;
}

/**
 * The last four annotations seen of an fd number, the last one found first (all pids share them: with
 * -f, one pid's fd 2 is a log file while another's is a source file it opens and its epoll, line after
 * line; a stale entry just fails the check).
 */
interface NoteSlot extends ByteWords {
  text: string;
}

const NOTE_FDS = 1024;
const NOTE_WAYS = 4;
const NOTES: (NoteSlot | undefined)[] = new Array(NOTE_FDS * NOTE_WAYS);

/** The annotation of fd `fd` at `s` (after its `<`) when it is one this fd had lately, else null. */
export function knownNote(buf: Buffer, s: number, end: number, fd: number): string | null {
  if (fd >= NOTE_FDS) return null;
  const set = fd * NOTE_WAYS;
  // The first way inline, the others apart (as in knownName).
  const first = NOTES[set];
  if (first === undefined) return null;
  const len = first.length;
  if (s + len < end && buf[s + len] === CH_GT && holdsBytes(buf, s, first.words, first.tail)) return first.text;
  return otherKnownNote(buf, s, end, set);
}

function otherKnownNote(buf: Buffer, s: number, end: number, set: number): string | null {
  for (let way = set + 1; way < set + NOTE_WAYS; way++) {
    const slot = NOTES[way];
    if (slot === undefined) return null;
    const len = slot.length;
    if (s + len < end && buf[s + len] === CH_GT && holdsBytes(buf, s, slot.words, slot.tail)) {
      if (way !== set) moveToFront(NOTES, set, way);
      return slot.text;
    }
  }
  return null;
}

/** Remembers `text`, decoded from `bytes`, as the first annotation of fd `fd`. */
export function learnNote(fd: number, bytes: Uint8Array, text: string): void {
  if (fd >= NOTE_FDS) return;
  const set = fd * NOTE_WAYS;
  const { length, words, tail } = byteWords(bytes);
  moveToFront(NOTES, set, set + NOTE_WAYS - 1);
  NOTES[set] = { text, length, words, tail };
}
