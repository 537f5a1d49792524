/**
 * What a trace showed about one pid beyond the counts: how much it waited in its event loop or slept,
 * whether it touched sockets, the request it last read, its last call, the children it forked and
 * reaped. The verdict reads these; nothing here words anything.
 */

import { MAX_PIDS } from './call-counts.js';
import type { FdAcc } from './fd-accounts.js';
import { readRequestLine, readRequestLineBytes } from './request-line.js';
import { CHILD_WAIT } from './syscall-kinds.js';

/** A socket read that returned data since the last event-loop wait: the request being served. */
export interface RequestRead {
  fd: number | null;
  note: string | null;
  /** The first line of the data (request-line.ts), once resolveRequestLine() has read it; null: not text, or not known. */
  line: string | null;
  /**
   * Where that line still is, until resolved: the syscall line as a string, or its byte range of a
   * Buffer that stays valid only while the summariser's current chunk is being read (it resolves them
   * before the next). Kept as a reference so that the many reads of a busy trace cost no decoding:
   * only the read before a call that is still in progress (or the last one) is ever read.
   */
  src: string | Buffer | null;
  /**
   * Where in `src` the line is; -1 when there is nothing to read (read already, or no source given).
   * A new read sets -1 rather than clearing `src`: the summariser then stores the chunk again only when
   * it is another one (a pointer store into this long-lived object costs a write barrier; a number, none).
   */
  srcStart: number;
  srcEnd: number;
}

/** What a pending call keeps of the request read before it. */
export type RequestSeen = Pick<RequestRead, 'fd' | 'note' | 'line'>;

/** What the trace showed about one pid (beyond the JSON contract). */
export interface PidFacts {
  pid: number | null;
  calls: number;
  /** Socket traffic calls (recv, send, accept, connect families; read/write on annotated sockets). */
  ioCalls: number;
  /** Socket reads that returned data. */
  socketReads: number;
  eventLoopCalls: number;
  eventLoopMs: number;
  sleepMs: number;
  socketsSeen: boolean;
  /** The last socket read with data since the last event-loop wait (a request being served). */
  requestRead: RequestRead | null;
  /** The object requestRead points to when set, kept and reused: a busy trace reads a request per few lines. */
  requestSlot: RequestRead | null;
  /** The call that last returned ERESTART_RESTARTBLOCK (stopped or interrupted by the tracer), which a restart_syscall resumes. */
  restartable: string | null;
  /** The last call seen: when it started (NaN: in progress, or no timestamp) and its `-T` duration (NaN: none). */
  lastCall: { name: string; errno: string | null; startMs: number; durationMs: number } | null;
  waitCalls: number;
  killCalls: number;
  signals: number;
  sigchld: number;
  /** The last 10 pids its wait calls returned. */
  reapedPids: number[];
  /** The last 10 pids its fork/clone calls returned. */
  forkedPids: number[];
}

/** The facts of every pid of one trace; past MAX_PIDS pids, later ones share the facts of pid -1. */
export class PidFactsTable {
  readonly byPid = new Map<number | null, PidFacts>();
  // Consecutive lines mostly come from the same pid: remember the last lookup.
  private last: PidFacts | null = null;

  /** The facts of `pid`, created on first use. */
  get(pid: number | null): PidFacts {
    const last = this.last;
    return last !== null && last.pid === pid ? last : this.find(pid);
  }

  private find(pid: number | null): PidFacts {
    let f = this.byPid.get(pid);
    if (f === undefined) {
      if (this.byPid.size >= MAX_PIDS) return this.byPid.get(-1) ?? this.create(-1);
      f = this.create(pid);
    }
    this.last = f;
    return f;
  }

  private create(pid: number | null): PidFacts {
    const f: PidFacts = {
      pid,
      calls: 0,
      ioCalls: 0,
      socketReads: 0,
      eventLoopCalls: 0,
      eventLoopMs: 0,
      sleepMs: 0,
      socketsSeen: false,
      requestRead: null,
      requestSlot: null,
      restartable: null,
      lastCall: null,
      waitCalls: 0,
      killCalls: 0,
      signals: 0,
      sigchld: 0,
      reapedPids: [],
      forkedPids: [],
    };
    this.byPid.set(pid, f);
    return f;
  }
}

/**
 * Updates the last call in place. Times are kept in number-only fields (NaN for none), which V8
 * updates in place: storing the line's own (new) number objects into this long-lived object would
 * cost a new heap number or a write-barrier slow path per line. Its end is added up when it is read.
 */
export function setLastCall(f: PidFacts, name: string, errno: string | null, timeMs: number | null, durationMs: number | null): void {
  const call = f.lastCall;
  if (call === null) {
    firstCall(f, name, errno, timeMs, durationMs);
    return;
  }
  call.name = name;
  call.errno = errno;
  call.startMs = timeMs ?? Number.NaN;
  call.durationMs = durationMs ?? Number.NaN;
}

function firstCall(f: PidFacts, name: string, errno: string | null, timeMs: number | null, durationMs: number | null): void {
  f.lastCall = { name, errno, startMs: timeMs ?? Number.NaN, durationMs: durationMs ?? Number.NaN };
}

/** When the last call ended (its start without a duration), or null when unknown or still in progress. */
export function lastCallEndMs(f: PidFacts): number | null {
  const call = f.lastCall;
  if (call === null || Number.isNaN(call.startMs)) return null;
  return Number.isNaN(call.durationMs) ? call.startMs : call.startMs + call.durationMs;
}

/** A child reaped (wait calls) or started (fork calls): the last 10 of each. */
export function seeChild(f: PidFacts, kind: number, pid: number): void {
  const list = (kind & CHILD_WAIT) !== 0 ? f.reapedPids : f.forkedPids;
  list.push(pid);
  if (list.length > 10) list.shift();
}

/** A call interrupted by a stop or the tracer is resumed by restart_syscall; a chain of restarts keeps its name. */
export function seeRestart(f: PidFacts, name: string, errno: string | null): void {
  if (errno === 'ERESTART_RESTARTBLOCK') {
    if (name !== 'restart_syscall') f.restartable = name;
  } else if (f.restartable !== null) {
    f.restartable = null;
  }
}

/** A socket read returned data: a request is being served (changed in place; pending calls take a copy). */
export function seeRequestRead(f: PidFacts, fa: FdAcc | null): void {
  f.socketReads++;
  const r = f.requestSlot ?? newRequestSlot(f);
  r.fd = fa?.fd ?? null;
  r.note = fa?.note ?? null;
  r.line = null;
  r.srcStart = -1;
  f.requestRead = r;
}

function newRequestSlot(f: PidFacts): RequestRead {
  const r: RequestRead = { fd: null, note: null, line: null, src: null, srcStart: -1, srcEnd: 0 };
  f.requestSlot = r;
  return r;
}

/** Reads the request line of `r` from its source now (once), and returns it. */
export function resolveRequestLine(r: RequestRead): string | null {
  const src = r.src;
  if (src !== null && r.srcStart >= 0) {
    r.line = typeof src === 'string' ? readRequestLine(src) : readRequestLineBytes(src, r.srcStart, r.srcEnd);
    // Let the chunk go: nothing else of it is read.
    r.src = null;
    r.srcStart = -1;
  }
  return r.line;
}

/** What a call still in progress keeps of the request read before it (its line read now), or null. */
export function requestSeen(r: RequestRead | null): RequestSeen | null {
  return r === null ? null : { fd: r.fd, note: r.note, line: resolveRequestLine(r) };
}
