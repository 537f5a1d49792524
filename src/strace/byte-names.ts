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
 * Names by their first 4 bytes, two per set: a known name is confirmed with a compare of its bytes and
 * the `(` after them, without scanning it byte by byte (read, readv and readlink share a set).
 */
interface KnownName extends ByteWords {
  slot: NameSlot;
}

const KNOWN_NAMES: (KnownName | undefined)[] = new Array(2048);

function nameSet(buf: Buffer, start: number): number {
  return (Math.imul(viewOf(buf).getInt32(start, true), 0x9e3779b1) >>> 22) << 1;
}

/** The name at `start` if it is a known one followed by `(` (there are at least 5 bytes from `start`). */
export function knownName(buf: Buffer, start: number, end: number): NameSlot | null {
  const set = nameSet(buf, start);
  for (let way = set; way < set + 2; way++) {
    const k = KNOWN_NAMES[way];
    if (k !== undefined && start + k.length < end && buf[start + k.length] === CH_LPAREN && holdsBytes(buf, start, k.words, k.tail)) return k.slot;
  }
  return null;
}

/** Remembers a name just read (at `start`, at least 5 bytes before the end) as the newest of its set. */
export function learnName(buf: Buffer, start: number, slot: NameSlot): void {
  const set = nameSet(buf, start);
  KNOWN_NAMES[set + 1] = KNOWN_NAMES[set];
  const { length, words, tail } = byteWords(Buffer.from(slot.name, 'latin1'));
  KNOWN_NAMES[set] = { slot, length, words, tail };
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
 * The last two annotations seen of an fd number, newest first (all pids share them: with -f, one pid's
 * fd 4 is its epoll and another's a file, line after line; two ways keep both; a stale entry just
 * fails the check).
 */
interface NoteSlot extends ByteWords {
  text: string;
}

const NOTE_FDS = 1024;
const NOTES: (NoteSlot | undefined)[] = new Array(2 * NOTE_FDS);

/** The annotation of fd `fd` at `s` (after its `<`) when it is one this fd had lately, else null. */
export function knownNote(buf: Buffer, s: number, end: number, fd: number): string | null {
  if (fd >= NOTE_FDS) return null;
  const first = NOTES[2 * fd];
  if (first === undefined) return null;
  if (holdsNote(buf, s, end, first)) return first.text;
  const second = NOTES[2 * fd + 1];
  if (second === undefined || !holdsNote(buf, s, end, second)) return null;
  // Newest first: the next line of this fd most likely carries this one again.
  NOTES[2 * fd + 1] = first;
  NOTES[2 * fd] = second;
  return second.text;
}

function holdsNote(buf: Buffer, s: number, end: number, slot: NoteSlot): boolean {
  const len = slot.length;
  return s + len < end && buf[s + len] === CH_GT && holdsBytes(buf, s, slot.words, slot.tail);
}

/** Remembers `text`, decoded from `bytes`, as the newest annotation of fd `fd`. */
export function learnNote(fd: number, bytes: Uint8Array, text: string): void {
  if (fd >= NOTE_FDS) return;
  const { length, words, tail } = byteWords(bytes);
  NOTES[2 * fd + 1] = NOTES[2 * fd];
  NOTES[2 * fd] = { text, length, words, tail };
}
