/**
 * The facts reducer: line events in, TraceFacts out. It counts and remembers what the trace showed
 * (calls, errors, signals, fds, calls still in progress, exits, per-pid facts, timestamps) and nothing
 * else: no wording, no verdict, no live evidence. Memory grows with distinct pids, fds and names, never
 * with lines. The summariser feeds it and builds the summary and verdict from its facts.
 */

import { CallCounts, MAX_PIDS, type SyscallAcc } from './call-counts.js';
import type { StraceErrorReason, StraceEvent, SyscallEvent } from './events.js';
import { FdAccounts, seeNewFd, seeNote, type FdAcc } from './fd-accounts.js';
import { isSocketNote } from './fd-note.js';
import { PidFactsTable, requestSeen, seeChild, seeRequestRead, seeRestart, setLastCall, type PidFacts } from './pid-facts.js';
import { CHILD_WAIT, FORK, isEventLoopWait, KILL, LOOP_WAIT, READ, SLEEP, SOCKET, WRITE } from './syscall-kinds.js';
import { TraceClock } from './trace-clock.js';
import type { PendingCall, TraceFacts } from './trace-facts.js';
import type { ProcessExit } from './types.js';

/** Unparsed lines kept as samples unless the caller asks for more (TraceReducerOptions). */
export const DEFAULT_UNPARSED_SAMPLES = 5;
/** Characters kept of each unparsed sample. */
export const UNPARSED_SAMPLE_CHARS = 300;
const MAX_STRACE_ERRORS = 10;

/**
 * Feeds events into facts. onSyscall is the hot path (a reused event: read now, never kept). Both return
 * the facts of the pid when the line was a socket read with data (a request read: `requestRead` just
 * set), else null: the caller, who holds the line, then says where its data is (RequestRead.src);
 * without that, request lines stay unknown. (A return value, not a callback: it costs the hot path no
 * call and no store.)
 */
export interface TraceReducer {
  onSyscall(ev: SyscallEvent): PidFacts | null;
  /** Any other event; a `split` event's message is taken, its head is the caller's to glue. */
  onEvent(ev: StraceEvent): PidFacts | null;
  /** The facts so far. */
  facts(): TraceFacts;
}

export interface TraceReducerOptions {
  /** Unparsed lines kept as samples (default DEFAULT_UNPARSED_SAMPLES). */
  maxUnparsedSamples?: number;
}

/** Creates a reducer for a trace of `pids` (the ones asked for; one pid owns the unprefixed lines). */
export function createTraceReducer(pids: readonly number[] = [], options: TraceReducerOptions = {}): TraceReducer {
  const maxUnparsedSamples = options.maxUnparsedSamples ?? DEFAULT_UNPARSED_SAMPLES;
  const calls = new CallCounts();
  const fds = new FdAccounts();
  const pidFacts = new PidFactsTable();
  const pending = new Map<number | null, PendingCall>();
  const exits = new Map<number, ProcessExit>();
  const seenPids = new Set<number>(pids);
  const straceErrors: { reason: StraceErrorReason; message: string; pid: number | null }[] = [];
  const unparsedSamples: string[] = [];
  const detachedRunning = new Set<number | null>();
  let syscallCount = 0;
  let unparsedLines = 0;
  const clock = new TraceClock();
  let sawAttach = false;
  let hasDurations = false;
  let mainPid: number | null = pids.length === 1 ? (pids[0] as number) : null;

  function seePid(pid: number | null): void {
    if (pid !== null && seenPids.size < MAX_PIDS) seenPids.add(pid);
  }

  /** Result of a call (complete line or resumed): errors, time, bytes. */
  function applyResult(
    name: string,
    acc: SyscallAcc,
    f: PidFacts,
    fa: FdAcc | null,
    ret: number | null,
    errno: string | null,
    durationMs: number | null,
    timeMs: number | null,
  ): PidFacts | null {
    let requestReadBy: PidFacts | null = null;
    if (errno !== null) {
      acc.errors++;
      calls.error(name, errno);
    }
    // The common case here, the rare ones (children, restarts) in functions of their own: small
    // functions on the per-line path are the ones V8 inlines.
    if (durationMs !== null) {
      hasDurations = true;
      acc.timed = true;
      acc.totalMs += durationMs;
      if (durationMs > acc.maxMs) acc.maxMs = durationMs;
      if (fa !== null) {
        fa.timed = true;
        fa.timeMs += durationMs;
      }
    }
    const kind = acc.kind;
    if (ret !== null && ret > 0) {
      if ((kind & READ) !== 0) {
        if (fa !== null) fa.bytesRead += ret;
        if ((kind & SOCKET) !== 0 || (fa !== null && (fa.isSocket || fa.connectPeer !== null))) {
          seeRequestRead(f, fa);
          requestReadBy = f;
        }
      } else if ((kind & WRITE) !== 0) {
        if (fa !== null) fa.bytesWritten += ret;
      } else if ((kind & (CHILD_WAIT | FORK)) !== 0) {
        seeChild(f, kind, ret);
      }
    }
    if (durationMs !== null) {
      if ((kind & LOOP_WAIT) !== 0) f.eventLoopMs += durationMs;
      else if ((kind & SLEEP) !== 0) f.sleepMs += durationMs;
    }
    if (errno !== null || f.restartable !== null) seeRestart(f, name, errno);
    setLastCall(f, name, errno, timeMs, durationMs);
    clock.seeEnd(timeMs, durationMs);
    return requestReadBy;
  }

  function onSyscall(ev: SyscallEvent): PidFacts | null {
    const pid = ev.pid ?? mainPid;
    const timeMs = clock.stamp(ev.timeMs);
    syscallCount++;
    const sacc = calls.countCall(ev.name, ev.pid);
    const kind = sacc.kind;

    const f = pidFacts.get(pid);
    const first = f.calls === 0;
    f.calls++;
    // strace's `<... resuming interrupted X ...>` names X right only when it saw X interrupted; at attach
    // it is a leftover ("read" on x86_64 whatever the call). Keep the call this trace saw instead.
    let resumes: string | null = null;
    if (f.restartable !== null) {
      if (ev.name === 'restart_syscall') resumes = f.restartable;
      else f.restartable = null;
    }

    let fa: FdAcc | null = null;
    if (ev.fd !== null) {
      const acc = fds.get(pid, ev.fd);
      fa = acc;
      acc.calls++;
      if (ev.fdNote !== null && acc.note !== ev.fdNote) seeNote(acc, ev.fdNote);
      if (ev.peer !== null) acc.connectPeer = ev.peer;
      if (ev.fdNote !== null && acc.isSocket) f.socketsSeen = true;
    }
    if (ev.retNote !== null && ev.ret !== null && ev.ret >= 0) {
      // socket()/accept()/openat() return a new fd with its annotation: remember what it is.
      seeNewFd(fds.get(pid, ev.ret), ev.retNote);
      if (isSocketNote(ev.retNote)) f.socketsSeen = true;
    }
    if ((kind & SOCKET) !== 0) {
      f.socketsSeen = true;
      f.ioCalls++;
    } else if ((kind & (READ | WRITE)) !== 0 && fa !== null && ev.fdNote !== null && fa.isSocket) {
      f.ioCalls++;
    }
    if ((kind & LOOP_WAIT) !== 0 || (ev.fdCount !== null && isEventLoopWait(ev.name, ev.fdCount))) {
      f.eventLoopCalls++;
      f.requestRead = null;
      if (fa !== null && ev.fdNote !== null && fa.isSocket) f.socketsSeen = true;
    }
    if ((kind & CHILD_WAIT) !== 0) f.waitCalls++;
    if ((kind & KILL) !== 0) f.killCalls++;

    if (ev.state === 'complete') {
      return applyResult(ev.name, sacc, f, fa, ev.ret, ev.errno, ev.durationMs, timeMs);
    } else if (ev.state === 'unfinished' || ev.state === 'detached') {
      pending.set(pid, {
        pid, name: ev.name, fd: ev.fd, fdAcc: fa, fdCount: ev.fdCount, timeMs, first,
        afterRequest: requestSeen(f.requestRead),
        resumes,
      });
      if (pending.size > MAX_PIDS) pending.delete(pending.keys().next().value as number | null);
      setLastCall(f, ev.name, null, null, null);
    } else {
      setLastCall(f, ev.name, null, timeMs, null);
    }
    return null;
  }

  function onEvent(ev: StraceEvent): PidFacts | null {
    switch (ev.kind) {
      case 'syscall':
        return onSyscall(ev);
      case 'resumed': {
        const pid = ev.pid ?? mainPid;
        const timeMs = clock.stamp(ev.timeMs);
        const p = pending.get(pid);
        if (p !== undefined && p.name === ev.name) {
          if (ev.incomplete) return null; // still running: keep it pending
          pending.delete(pid);
          const requestReadBy = applyResult(ev.name, calls.syscall(ev.name), pidFacts.get(pid), p.fdAcc, ev.ret, ev.errno, ev.durationMs, p.timeMs ?? timeMs);
          clock.seeEnd(timeMs, 0);
          return requestReadBy;
        }
        // Its unfinished half was before the attach or lost: still account the result.
        if (!ev.incomplete) return applyResult(ev.name, calls.syscall(ev.name), pidFacts.get(pid), null, ev.ret, ev.errno, ev.durationMs, timeMs);
        return null;
      }
      case 'signal': {
        clock.stamp(ev.timeMs);
        calls.signal(ev.signal);
        const f = pidFacts.get(ev.pid ?? mainPid);
        f.signals++;
        if (ev.signal === 'SIGCHLD') f.sigchld++;
        return null;
      }
      case 'exit': {
        clock.stamp(ev.timeMs);
        const pid = ev.pid ?? mainPid ?? 0;
        seePid(pid);
        pending.delete(pid);
        if (exits.size < MAX_PIDS) exits.set(pid, { pid, code: ev.code, signal: ev.signal });
        return null;
      }
      case 'attach':
        sawAttach = true;
        seePid(ev.pid);
        mainPid ??= ev.pid;
        return null;
      case 'detach':
        seePid(ev.pid);
        // Detached while not inside a syscall: it was running user code at that moment.
        if (!pending.has(ev.pid) && !(ev.pid === mainPid && pending.has(null))) detachedRunning.add(ev.pid);
        return null;
      case 'split':
        if (ev.message.kind === 'attach') onEvent(ev.message);
        else seePid(ev.message.pid);
        return null;
      case 'strace-error':
        if (straceErrors.length < MAX_STRACE_ERRORS) straceErrors.push({ reason: ev.reason, message: ev.message, pid: ev.pid });
        if (ev.pid !== null) seePid(ev.pid);
        return null;
      case 'count-row':
        calls.tableRow(ev);
        return null;
      case 'unparsed':
        unparsedLines++;
        if (unparsedSamples.length < maxUnparsedSamples) unparsedSamples.push(sampleOf(ev.line));
        return null;
      case 'continuation': // only meaningful right after a split line: the caller glues those
      case 'strace-message':
      case 'count-table':
        return null;
    }
  }

  function facts(): TraceFacts {
    return {
      mainPid,
      seenPids,
      pids: pidFacts.byPid,
      calls,
      fds,
      pending,
      exits,
      straceErrors,
      unparsedSamples,
      unparsedLines,
      syscallCount,
      sawAttach,
      detachedRunning,
      countSource: syscallCount > 0 ? 'trace' : calls.table.size > 0 ? 'table' : 'none',
      firstTimeMs: clock.firstTimeMs,
      lastTimeMs: clock.lastTimeMs,
      hasDurations,
    };
  }

  return { onSyscall, onEvent, facts };
}

/**
 * The first UNPARSED_SAMPLE_CHARS characters of `line`, as a string of their own: a slice of a long line
 * would keep the whole line alive, and `--show-unparsed` keeps thousands of samples.
 */
function sampleOf(line: string): string {
  return line.length <= UNPARSED_SAMPLE_CHARS ? line : Buffer.from(line.slice(0, UNPARSED_SAMPLE_CHARS), 'utf8').toString('utf8');
}
