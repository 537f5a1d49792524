/**
 * Decides the verdict: which state a trace shows (not traced, exited, idle, active, sleeping, blocked,
 * waiting, cpu-bound, silent) and for which pid, from the summary's tables, the facts reducer's facts
 * and the live evidence in the options. The sentences are wording.ts's; the calls named from /proc are
 * live-call.ts's. The verdict is made once, complete: nothing changes it afterwards.
 */

import type { TraceFacts } from '../trace-facts.js';
import { lastCallEndMs, type PidFacts } from '../pid-facts.js';
import { ACCEPT, CHILD_WAIT, CONNECT, FORK, isEventLoopWait, isMasterWait, isSleepCall, KILL, LOOP_WAIT, READ, SOCKET, WRITE } from '../syscall-kinds.js';
import type { SummarizeOptions, UnfinishedCall, Verdict, VerdictState } from '../types.js';
import { exitedVerdict, goneVerdict } from './exited-verdict.js';
import { attachedLate, liveCallVerdict } from './live-call.js';
import { cpuEvidence, liveHasSockets } from './live-evidence.js';
import {
  activeVerdict,
  anyOf,
  blockedVerdict,
  countCalls,
  cpuBound,
  idleInWaitVerdict,
  idleVerdict,
  make,
  masterVerdict,
  noCallInProgressVerdict,
  noSyscallsVerdict,
  notTraced,
  otherStatesLine,
  runningAtDetachVerdict,
  sleepingVerdict,
  tableEvidence,
  type LoopShare,
  type SummaryTables,
} from './wording.js';

/** What the verdict is decided from: the summary's tables, the trace's facts, the options known at the end. */
export interface VerdictInput {
  summary: SummaryTables;
  facts: TraceFacts;
  /** When the trace ended (see SummaryBody). */
  traceEndMs: number | null;
  /** The peer of each `summary.unfinished` entry, same order. */
  unfinishedPeers: readonly (string | null)[];
  opts: SummarizeOptions;
}

/** Enough socket traffic in one trace to call the process busy serving. */
const ACTIVE_MIN_IO_CALLS = 20;

// Which pid's verdict leads when several were traced: evidence-backed findings first, then `waiting`
// (in a call, unknown which) ahead of `silent` (not even known to be in a call).
const PRIORITY: Record<VerdictState, number> = {
  'not-traced': 0, blocked: 1, sleeping: 2, 'cpu-bound': 3, waiting: 4, silent: 5, active: 6, idle: 7, exited: 8,
};

/** Decides the verdict (state, one-sentence text, evidence) from a summary and what the stream showed. */
export function decideVerdict(input: VerdictInput): Verdict {
  const { summary, facts, opts } = input;
  const live = opts.live;
  // The pids asked for, else the first attached one.
  const asked: readonly number[] = opts.pids !== undefined && opts.pids.length > 0 ? opts.pids : facts.mainPid !== null ? [facts.mainPid] : [];
  const firstPid = asked[0] ?? summary.pids[0] ?? null;
  if (live?.attachError !== undefined) return notTraced(live.attachError.code, live.attachError.message, firstPid, live);
  const refusal = facts.straceErrors[0];
  if (refusal !== undefined && summary.syscallCount === 0 && !facts.sawAttach) return notTraced(refusal.reason, refusal.message, refusal.pid ?? firstPid, live);

  const targets: readonly (number | null)[] = asked.length > 0 ? asked : [facts.mainPid];
  const exited = summary.exits.filter((e) => targets.includes(e.pid));
  if (exited.length > 0 && exited.length >= targets.length) return exitedVerdict(exited, summary, facts.pids.get((exited[0] as (typeof exited)[number]).pid));
  if (live !== undefined && live.after.length > 0 && live.after.every((s) => !s.exists) && live.before.some((s) => s.exists)) {
    return goneVerdict(live.after.map((s) => s.pid));
  }

  if (facts.countSource === 'table') return tableVerdict(summary, opts);

  const verdicts = targets.map((pid) => verdictForPid(pid, input)).sort((a, b) => PRIORITY[a.state] - PRIORITY[b.state]);
  const best = verdicts[0] as Verdict;
  if (verdicts.length === 1) return best;
  return { ...best, evidence: [...best.evidence, otherStatesLine(verdicts.slice(1).map((x) => x.state))] };
}

/** From a `strace -c` table: only finished calls are counted, so the verdict reads what finished. */
function tableVerdict(summary: SummaryTables, opts: SummarizeOptions): Verdict {
  const pid = opts.pids?.[0];
  const role = pid !== undefined ? opts.roles?.[pid]?.role : undefined;
  const waits = countCalls(summary, anyOf(CHILD_WAIT));
  const kills = countCalls(summary, anyOf(KILL));
  const forks = countCalls(summary, anyOf(FORK));
  const io = countCalls(summary, (k) => (k & SOCKET) !== 0 && (k & (READ | WRITE | ACCEPT)) !== 0);
  const loop = countCalls(summary, anyOf(LOOP_WAIT));
  const evidence = tableEvidence(summary);
  if (role === 'master' || (role === undefined && waits > 0 && (kills > 0 || forks > 0))) {
    const extra = [kills > 0 ? `kill() ×${kills}` : null, forks > 0 ? `fork/clone ×${forks}` : null].filter((x) => x !== null).join(', ');
    return make('idle', `Master idle: waiting for children in wait4${extra !== '' ? ` (${extra})` : ''}`, evidence, { syscall: 'wait4' });
  }
  if (io >= ACTIVE_MIN_IO_CALLS) {
    return make('active', `Serving I/O: ${io} socket reads/writes/accepts finished${loop > 0 ? `, between ${loop} event-loop waits` : ''}`, evidence, {});
  }
  const reads = countCalls(summary, anyOf(READ));
  if (countCalls(summary, anyOf(CONNECT)) > 0 && reads > 0) {
    return make('blocked', 'Probably blocked on an outbound connection: after reading a request it connected out and sent data, then no call finished', evidence, {});
  }
  if (reads > 0) {
    return make('silent', 'No call finished after a request was read: stuck in one call (sleep, blocking read) or running PHP code; the -c table cannot tell which', evidence, {});
  }
  return make('silent', 'No syscall finished during the trace', evidence, {});
}

/** The share of the trace `pf` spent in its event loop or asleep (with the call unfinished at the end), or null without times. */
function loopShare(pf: PidFacts, u: UnfinishedCall | undefined, input: VerdictInput): LoopShare | null {
  const { summary, facts, traceEndMs } = input;
  const totalMs = summary.durationMs ?? (traceEndMs !== null && facts.firstTimeMs !== null ? traceEndMs - facts.firstTimeMs : null);
  if (totalMs === null || totalMs <= 0 || (!facts.hasDurations && u?.waitedMs == null)) return null;
  const inWait = u !== undefined && (isEventLoopWait(u.syscall, facts.pending.get(pf.pid)?.fdCount ?? null) || isSleepCall(u.syscall));
  const waitMs = pf.eventLoopMs + (inWait ? (u.waitedMs ?? 0) : 0) + pf.sleepMs;
  return { pct: Math.min(100, Math.round((waitMs / totalMs) * 100)), totalMs };
}

function verdictForPid(pid: number | null, input: VerdictInput): Verdict {
  const { summary, facts, opts } = input;
  const live = opts.live;
  const pf = facts.pids.get(pid) ?? (pid === facts.mainPid ? facts.pids.get(null) : undefined);
  const pending = facts.pending.get(pid);
  const uIndex = summary.unfinished.findIndex((x) => x.pid === pid);
  let u = uIndex >= 0 ? (summary.unfinished[uIndex] as UnfinishedCall) : undefined;
  // A restart_syscall resuming a sleep this trace saw interrupted is that sleep (a stop, or the tracer, cut it).
  const resumes = u?.syscall === 'restart_syscall' ? (pending?.resumes ?? null) : null;
  const resumedSleep = u !== undefined && resumes !== null && isSleepCall(resumes);
  if (u !== undefined && resumedSleep) u = { ...u, syscall: resumes as string };
  const peer = uIndex >= 0 ? (input.unfinishedPeers[uIndex] ?? null) : null;
  const cpu = cpuEvidence(live, pid, summary.durationMs);
  const role = pid !== null ? opts.roles?.[pid] : undefined;

  if (pf === undefined || pf.calls === 0) {
    if (cpu?.busy === true) return cpuBound(pid, cpu, 'no syscalls during the trace');
    return liveCallVerdict(pid, opts, null, true) ?? noSyscallsVerdict(summary.durationMs, cpu);
  }

  const isMaster =
    role?.role === 'master' ||
    (role === undefined && pf.waitCalls > 0 && (pf.sigchld > 0 || pf.killCalls > 0 || pf.forkedPids.length > 0 || (u !== undefined && isMasterWait(u.syscall))));

  if (u !== undefined && u.syscall === 'restart_syscall' && pending?.first === true) return attachedLate(pid, u, opts, null);
  if (isMaster && (u === undefined || isMasterWait(u.syscall) || isEventLoopWait(u.syscall, pending?.fdCount ?? null))) return masterVerdict(pf, u, summary);

  if (pf.ioCalls >= ACTIVE_MIN_IO_CALLS) {
    const counts = { reads: countCalls(summary, anyOf(READ)), writes: countCalls(summary, anyOf(WRITE)), accepts: countCalls(summary, anyOf(ACCEPT)) };
    return activeVerdict(pid, counts, summary, loopShare(pf, undefined, input));
  }

  if (u !== undefined) {
    if (isEventLoopWait(u.syscall, pending?.fdCount ?? null)) return idleVerdict(pf, u, summary, loopShare(pf, u, input));
    const req = pending?.afterRequest ?? null;
    if (isSleepCall(u.syscall)) {
      if (req === null && !pf.socketsSeen && !liveHasSockets(live, pid) && (role === undefined || !role.listen)) {
        return idleVerdict(pf, u, summary, loopShare(pf, u, input), 'a timer-only worker (Select loop) waits for its next timer in');
      }
      return sleepingVerdict(u, resumedSleep, req, summary);
    }
    if (u.syscall === 'restart_syscall') return attachedLate(pid, u, opts, resumes);
    if (isMasterWait(u.syscall)) return idleInWaitVerdict(u, summary);
    return blockedVerdict(u, peer, req, summary);
  }

  // Not inside a syscall when the trace ended.
  if (cpu?.busy === true) return cpuBound(pid, cpu, 'no syscall after the last one');
  const running = facts.detachedRunning.has(pid) || (pid === facts.mainPid && facts.detachedRunning.has(null));
  if (running && (pf.lastCall === null || !isEventLoopWait(pf.lastCall.name, null))) {
    const lastEndMs = lastCallEndMs(pf);
    const since = lastEndMs !== null && input.traceEndMs !== null ? input.traceEndMs - lastEndMs : null;
    return runningAtDetachVerdict(pf, since, cpu, summary);
  }
  if (pf.eventLoopCalls > 0) return idleVerdict(pf, undefined, summary, loopShare(pf, undefined, input));
  return noCallInProgressVerdict(pf, summary);
}
