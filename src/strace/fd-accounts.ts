/**
 * What a trace showed per (pid, fd): calls, bytes, time, and what the fd is (its last `-y/-yy`
 * annotation, the address connect() gave it). Capped at MAX_FDS entries; later fds fold into one.
 */

import { isSocketNote } from './fd-note.js';

const MAX_FDS = 1024;

/** One fd of one pid. */
export interface FdAcc {
  pid: number | null;
  /** -1 for the bucket that fds past the cap fold into. */
  fd: number;
  note: string | null;
  /** `note` names a socket (kept with it, so that the hot path does not test the text per line). */
  isSocket: boolean;
  connectPeer: string | null;
  /** How many other things this fd number was before (fds are reused after close). */
  earlierUses: number;
  calls: number;
  bytesRead: number;
  bytesWritten: number;
  timeMs: number;
  timed: boolean;
}

/** A fresh account (also the start of a fold of several). */
export function blankFdAcc(pid: number | null, fd: number): FdAcc {
  return { pid, fd, note: null, isSocket: false, connectPeer: null, earlierUses: 0, calls: 0, bytesRead: 0, bytesWritten: 0, timeMs: 0, timed: false };
}

/** Fds below this are found by index in an array per pid; higher ones (rare) in a map. */
const DIRECT_FDS = 1024;

interface PidFds {
  low: (FdAcc | undefined)[];
  high: Map<number, FdAcc> | null;
}

/** The fd accounts of one trace; the facts reducer owns one. */
export class FdAccounts {
  private readonly byPid = new Map<number | null, PidFds>();
  /** Every account, in the order they were opened (at most MAX_FDS). */
  private readonly list: FdAcc[] = [];
  private overflow: FdAcc | null = null;
  // Consecutive lines mostly touch the same fd, or at least the same pid: remember the last lookups.
  private last: FdAcc | null = null;
  private lastPid: number | null = null;
  private lastFds: PidFds | null = null;

  /** The account of `fd` in `pid` (the shared overflow account once MAX_FDS are taken). */
  get(pid: number | null, fd: number): FdAcc {
    const last = this.last;
    if (last !== null && last.fd === fd && last.pid === pid) return last;
    const fds = this.lastFds;
    const acc = fds !== null && this.lastPid === pid && fd < DIRECT_FDS ? fds.low[fd] : undefined;
    if (acc === undefined) return this.find(pid, fd);
    this.last = acc;
    return acc;
  }

  private find(pid: number | null, fd: number): FdAcc {
    let fds = this.lastFds !== null && this.lastPid === pid ? this.lastFds : this.byPid.get(pid);
    if (fds === undefined) {
      fds = { low: [], high: null };
      this.byPid.set(pid, fds);
    }
    this.lastPid = pid;
    this.lastFds = fds;
    let acc = fd < DIRECT_FDS ? fds.low[fd] : fds.high?.get(fd);
    if (acc === undefined) {
      if (this.list.length >= MAX_FDS) {
        this.overflow ??= blankFdAcc(null, -1);
        return this.overflow;
      }
      acc = blankFdAcc(pid, fd);
      if (fd < DIRECT_FDS) fds.low[fd] = acc;
      else (fds.high ??= new Map()).set(fd, acc);
      this.list.push(acc);
    }
    this.last = acc;
    return acc;
  }

  /** Every account, in the order they were opened. */
  all(): FdAcc[] {
    return [...this.list];
  }

  /** What the fds past the cap added up to, or null when none was past it. */
  folded(): Readonly<FdAcc> | null {
    return this.overflow;
  }
}

/** Records the annotation an fd argument carried, when it differs from the last one (the parsers' strings are the caller's to keep). */
export function seeNote(acc: FdAcc, note: string): void {
  // A socket's annotation changes when it connects (`TCP:[46583]` -> `TCP:[a->b]`): same socket.
  if (acc.note !== null && !(acc.note.startsWith('TCP:[') && note.startsWith('TCP:['))) acc.earlierUses++;
  acc.note = note;
  acc.isSocket = isSocketNote(note);
}

/** Records what a returned fd is (socket(), accept(), openat() print it): a new use of that number. */
export function seeNewFd(acc: FdAcc, note: string): void {
  if (acc.note !== null && acc.note !== note) acc.earlierUses++;
  acc.note = note;
  acc.isSocket = isSocketNote(note);
  acc.connectPeer = null;
}
