/**
 * What a trace showed about one pid beyond the counts: how much it waited in its event loop or slept,
 * whether it touched sockets, the request it last read, its last call, the children it forked and
 * reaped. The verdict reads these; nothing here words anything.
 */

import { MAX_PIDS } from './call-counts.js';

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
  requestRead: { fd: number | null; note: string | null } | null;
  /** The call that last returned ERESTART_RESTARTBLOCK (stopped or interrupted by the tracer), which a restart_syscall resumes. */
  restartable: string | null;
  /** The last call seen: when it started (null: in progress or no timestamp) and its `-T` duration. */
  lastCall: { name: string; errno: string | null; timeMs: number | null; durationMs: number | null } | null;
  firstTimeMs: number | null;
  lastTimeMs: number | null;
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
    if (last !== null && last.pid === pid) return last;
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
      restartable: null,
      lastCall: null,
      firstTimeMs: null,
      lastTimeMs: null,
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
 * Updates the last call in place. Its end is not added up here: a new number per line would be a
 * new heap object per line; lastCallEndMs() adds it up once, when it is read.
 */
export function setLastCall(f: PidFacts, name: string, errno: string | null, timeMs: number | null, durationMs: number | null): void {
  if (f.lastCall === null) f.lastCall = { name, errno, timeMs, durationMs };
  else {
    f.lastCall.name = name;
    f.lastCall.errno = errno;
    f.lastCall.timeMs = timeMs;
    f.lastCall.durationMs = durationMs;
  }
}

/** When the last call ended (its start without a duration), or null when unknown or still in progress. */
export function lastCallEndMs(f: PidFacts): number | null {
  const call = f.lastCall;
  if (call === null || call.timeMs === null) return null;
  return call.durationMs !== null ? call.timeMs + call.durationMs : call.timeMs;
}
