/**
 * How each verdict is said: one sentence for the person who asked, and the evidence lines behind it.
 * decide.ts chooses the state and passes what it found; nothing here decides a state. (A call named
 * from /proc is worded in live-call.ts, beside the evidence it reads; exits in exited-verdict.ts.)
 * Strings from the trace and from /proc go in as they are: the render boundary redacts them
 * (render/redact-strace-summary.ts).
 */

import { formatBytes, formatMs } from '../../render/format.js';
import { requestSeen, type PidFacts, type RequestSeen } from '../pid-facts.js';
import { describeFdNote } from '../fd-note.js';
import { redactSecrets } from '../redact.js';
import { isKind, LOOP_WAIT, syscallKind } from '../syscall-kinds.js';
import type { LiveEvidence, StraceSummary, UnfinishedCall, Verdict, VerdictState } from '../types.js';
import type { CpuEvidence } from './live-evidence.js';

/** The summary without its verdict: what a verdict is decided from. */
export type SummaryTables = Omit<StraceSummary, 'verdict'>;

/** The share of the trace spent waiting in the event loop (or sleeping). */
export interface LoopShare {
  pct: number;
  totalMs: number;
}

/** What restart_syscall can stand for: the kernel names neither the call nor its fd. */
export const RESTARTED_BY_KERNEL = 'restart_syscall resumes only an interrupted poll(), nanosleep()/clock_nanosleep() or timed futex() wait; which one, and on what, is not visible';

/** A verdict from its parts (absent extras are null). */
export function make(
  state: VerdictState,
  text: string,
  evidence: string[],
  extra: { syscall?: string | null; fd?: number | null; peer?: string | null; waitedMs?: number | null; waitedIsLowerBound?: boolean },
): Verdict {
  const waitedMs = extra.waitedMs ?? null;
  return {
    state, text, evidence, syscall: extra.syscall ?? null, fd: extra.fd ?? null, peer: extra.peer ?? null,
    waitedMs, waitedIsLowerBound: waitedMs !== null && extra.waitedIsLowerBound === true,
  };
}

/** How long a call in progress had waited: `0.9 s`, or `at least 0.9 s` when that is only a lower bound (a file's last timestamp). */
function waitedText(u: Pick<UnfinishedCall, 'waitedMs' | 'waitedIsLowerBound'>): string {
  if (u.waitedMs === null) return '';
  return `${u.waitedIsLowerBound ? 'at least ' : ''}${formatMs(u.waitedMs)}`;
}

/** Characters of a request line shown in evidence (after redaction). */
const REQUEST_LINE_CHARS = 120;

/**
 * ` "GET /upstream?port=18790 HTTP/1.1"`: the first line of the request read (request-line.ts), secrets
 * redacted before it is cut, so half a secret never shows; '' when it is not known or not text.
 */
function requestLineText(req: RequestSeen): string {
  if (req.line === null) return '';
  const line = redactSecrets(req.line);
  return ` "${line.length > REQUEST_LINE_CHARS ? `${line.slice(0, REQUEST_LINE_CHARS - 1)}…` : line}"`;
}

/** `a request`, or `the request "GET /x HTTP/1.1"` when its line is known. */
function requestNoun(req: RequestSeen): string {
  const line = requestLineText(req);
  return line === '' ? 'a request' : `the request${line}`;
}

function noteText(note: string | null): string | null {
  return note === null ? null : describeFdNote(note);
}

/** ` on fd 8 (TCP a -> b)`, or '' without an fd. */
export function fdText(fd: number | null, description: string | null): string {
  if (fd === null) return '';
  return description !== null ? ` on fd ${fd} (${description})` : ` on fd ${fd}`;
}

/** `read ×12, write ×9, …`: the first `n` syscalls of the summary (by count) and their counts. */
export function topCalls(summary: SummaryTables, n = 4): string {
  return summary.syscalls.slice(0, n).map((s) => `${s.name} ×${s.count}`).join(', ');
}

/** Calls in the summary whose kind bits (syscall-kinds.ts) pass `test`. */
export function countCalls(summary: SummaryTables, test: (kind: number) => boolean): number {
  let n = 0;
  for (const s of summary.syscalls) if (test(syscallKind(s.name))) n += s.count;
  return n;
}

/** A test for countCalls: any of `kinds`. */
export const anyOf = (kinds: number) => (kind: number) => (kind & kinds) !== 0;

/** `2 idle, 1 sleeping`: the states of the other traced processes. */
export function otherStatesLine(states: VerdictState[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return `${states.length} other traced process(es): ${[...counts].map(([s, n]) => `${n} ${s}`).join(', ')}`;
}

function addCommonEvidence(evidence: string[], summary: SummaryTables): void {
  if (summary.syscallCount > 0) evidence.push(`${summary.syscallCount} syscalls: ${topCalls(summary, 5)}`);
  if (summary.errors.length > 0) evidence.push(`errors: ${summary.errors.slice(0, 4).map((e) => `${e.syscall} ${e.errno} ×${e.count}`).join(', ')}`);
  if (summary.signals.length > 0) evidence.push(`signals: ${summary.signals.slice(0, 4).map((s) => `${s.signal} ×${s.count}`).join(', ')}`);
}

function oneLineOf(s: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

/** strace could not attach (`code` from its message or the attach check); TracerPid tells "already traced". */
export function notTraced(code: string, message: string, pid: number | null, live: LiveEvidence | undefined): Verdict {
  const who = pid === null ? 'the process' : `process ${pid}`;
  const tracer = live?.before.find((s) => (pid === null || s.pid === pid) && s.tracerPid !== null && s.tracerPid > 0)?.tracerPid ?? null;
  const quoted = `strace said: ${oneLineOf(message)}`;
  if (code === 'already_traced' || (code === 'not_permitted' && tracer !== null)) {
    return make('not-traced', `Not traced: ${who} is already traced${tracer !== null ? ` by pid ${tracer} (TracerPid)` : ''}; only one tracer can attach`, [quoted], {});
  }
  switch (code) {
    case 'no_such_process':
      return make('not-traced', `Not traced: ${who} does not exist (no such process)`, [quoted], {});
    case 'not_permitted':
      return make(
        'not-traced',
        `Not traced: strace was not permitted to attach to ${who}: no permission (Yama ptrace_scope, another user's process, no CAP_SYS_PTRACE) or it is already traced by another tracer`,
        [quoted, 'EPERM means either; TracerPid in /proc/PID/status tells them apart (a live trace checks it)'],
        {},
      );
    case 'invalid_pid':
      return make('not-traced', 'Not traced: invalid process id', [quoted], {});
    case 'self':
      return make('not-traced', 'Not traced: strace was asked to trace itself', [quoted], {});
    default:
      return make('not-traced', `Not traced: strace could not attach to ${who}`, [quoted], {});
  }
}

/** The first evidence line of a verdict read from a `strace -c` table. */
export function tableEvidence(summary: SummaryTables): string[] {
  return [`${summary.syscallCount} calls finished: ${topCalls(summary, 6)}`, 'from a strace -c table: calls still running at the end are not counted'];
}

/** CPU time rose while the trace showed no syscall (`why`): a loop in PHP code. */
export function cpuBound(pid: number | null, cpu: CpuEvidence, why: string): Verdict {
  const pct = Math.round((cpu.cpuMs / cpu.elapsedMs) * 100);
  return make(
    'cpu-bound',
    `CPU-bound: ${why} while CPU time rose by ${formatMs(cpu.cpuMs)} in ${formatMs(cpu.elapsedMs)} (${pct}%)`,
    [`/proc/${pid ?? 'PID'}/stat utime+stime grew by ${formatMs(cpu.cpuMs)} over ${formatMs(cpu.elapsedMs)}`, 'a loop in PHP code makes no syscalls (microtime() is served by the vDSO)'],
    {},
  );
}

/** Not one syscall line for the process, and /proc named no call: user code or stopped. */
export function noSyscallsVerdict(durationMs: number | null, cpu: CpuEvidence | null): Verdict {
  const dur = durationMs !== null ? ` in the ${formatMs(durationMs)} trace` : '';
  return make(
    'silent',
    `No syscalls${dur}: the process ran user code (CPU-bound?) or was stopped; the trace alone cannot tell`,
    [
      'strace printed no syscall line for this process',
      cpu !== null ? `CPU time rose by only ${formatMs(cpu.cpuMs)} in ${formatMs(cpu.elapsedMs)}` : 'no CPU samples: compare utime+stime in /proc/PID/stat before and after to tell CPU-bound from stopped',
    ],
    {},
  );
}

/** Waiting in the event loop (or, with `how`, in the timer sleep of a timer-only worker). */
export function idleVerdict(pf: PidFacts, u: UnfinishedCall | undefined, summary: SummaryTables, share: LoopShare | null, how?: string): Verdict {
  const loopCall = u?.syscall ?? mostCommonLoopCall(summary) ?? 'the event loop';
  const evidence: string[] = [];
  if (u !== undefined) evidence.push(`${u.syscall}${fdText(u.fd, u.description)} in progress when the trace ended${u.waitedMs !== null ? ` (waited ${waitedText(u)})` : ''}`);
  if (how !== undefined) evidence.push('no sockets and no request read before it: the Select loop sleeps until its next timer');
  if (pf.eventLoopCalls > 0) evidence.push(`${pf.eventLoopCalls} event-loop wait(s)${pf.socketReads > 0 ? `, ${pf.socketReads} socket read(s) with data` : ''}`);
  addCommonEvidence(evidence, summary);
  const text =
    how !== undefined
      ? `Idle: ${how} ${loopCall}${share !== null ? ` (${share.pct}% of the ${formatMs(share.totalMs)})` : ''}`
      : share !== null
        ? `Idle in the event loop: ${share.pct}% of the ${formatMs(share.totalMs)} in ${loopCall}`
        : `Idle in the event loop: waiting in ${loopCall}${u !== undefined ? ' when the trace ended' : ''}`;
  return make('idle', text, evidence, { syscall: loopCall === 'the event loop' ? null : loopCall, fd: u?.fd ?? null, waitedMs: u?.waitedMs ?? null, waitedIsLowerBound: u?.waitedIsLowerBound });
}

function mostCommonLoopCall(summary: SummaryTables): string | null {
  for (const s of summary.syscalls) if (isKind(s.name, LOOP_WAIT)) return s.name;
  return null;
}

/** Busy serving socket I/O (`reads`, `writes`, `accepts` counted by the caller). */
export function activeVerdict(pid: number | null, counts: { reads: number; writes: number; accepts: number }, summary: SummaryTables, share: LoopShare | null): Verdict {
  const { reads, writes, accepts } = counts;
  const sockets = summary.fds.filter((f) => f.pid === pid || pid === null).filter((f) => f.description !== null && /^(TCP|UDP|UNIX)/.test(f.description));
  const bytesIn = summary.fds.reduce((s, f) => s + f.bytesRead, 0);
  const bytesOut = summary.fds.reduce((s, f) => s + f.bytesWritten, 0);
  const evidence = [`${reads} reads, ${writes} writes${accepts > 0 ? `, ${accepts} accepts` : ''}; ${formatBytes(bytesIn)} in, ${formatBytes(bytesOut)} out`];
  const top = [...summary.fds].filter((f) => f.fd >= 0).sort((a, b) => b.calls - a.calls).slice(0, 3);
  for (const f of top) evidence.push(`fd ${f.fd}${f.description !== null ? ` (${f.description})` : ''}: ${f.calls} calls, ${formatBytes(f.bytesRead)} read, ${formatBytes(f.bytesWritten)} written`);
  addCommonEvidence(evidence, summary);
  const dur = summary.durationMs !== null ? ` in ${formatMs(summary.durationMs)}` : '';
  const conns = sockets.length > 0 ? ` on ${sockets.length} socket(s)` : '';
  const loop = share !== null ? `, ${share.pct}% of the time waiting in the event loop` : '';
  return make('active', `Serving I/O: ${reads} reads and ${writes} writes${conns}${dur}${loop}`, evidence, {});
}

/** A Workerman master between events: waiting for its children, with the signals it handled. */
export function masterVerdict(pf: PidFacts, u: UnfinishedCall | undefined, summary: SummaryTables): Verdict {
  const evidence: string[] = [];
  const waitCall = u?.syscall ?? 'wait4';
  if (u !== undefined) evidence.push(`${u.syscall} in progress when the trace ended${u.waitedMs !== null ? ` (waited ${waitedText(u)})` : ''}`);
  const sigs = summary.signals.filter((s) => s.signal !== 'SIGALRM' && s.signal !== 'SIGCHLD');
  for (const s of sigs) {
    const meaning = s.signal === 'SIGABRT' || s.signal === 'SIGIOT' ? ' (status request, Workerman 4.x/5.x)' : s.signal === 'SIGUSR2' ? ' (status request in 3.x, graceful reload in 4.x/5.x)' : s.signal === 'SIGUSR1' ? ' (reload)' : '';
    evidence.push(`handled ${s.signal} ×${s.count}${meaning}`);
  }
  if (pf.killCalls > 0) evidence.push(`sent kill() ×${pf.killCalls} to children`);
  if (pf.sigchld > 0 || pf.reapedPids.length > 0) evidence.push(`child exit: SIGCHLD ×${pf.sigchld}${pf.reapedPids.length > 0 ? `, wait4 reaped ${pf.reapedPids.join(', ')}` : ''}`);
  if (pf.forkedPids.length > 0) evidence.push(`forked replacement ${pf.forkedPids.join(', ')}`);
  const alarms = summary.signals.find((s) => s.signal === 'SIGALRM');
  if (alarms !== undefined) evidence.push(`SIGALRM ×${alarms.count} (the master's 1 s tick)`);
  evidence.push(`${summary.syscallCount} syscalls: ${topCalls(summary, 5)}`);
  const parts: string[] = [];
  if (sigs.length > 0) parts.push(`handled ${sigs.map((s) => s.signal).join(', ')}`);
  if (pf.forkedPids.length > 0) parts.push(`re-forked ${pf.forkedPids.length} child(ren)`);
  return make('idle', `Master idle: waiting for children in ${waitCall}${parts.length > 0 ? `; ${parts.join(', ')}` : ''}`, evidence, {
    syscall: waitCall,
    waitedMs: u?.waitedMs ?? null,
    waitedIsLowerBound: u?.waitedIsLowerBound,
  });
}

/** Still in a sleep when the trace ended (`resumed`: seen as restart_syscall after a stop; `req`: the request read before it). */
export function sleepingVerdict(u: UnfinishedCall, resumed: boolean, req: RequestSeen | null, summary: SummaryTables): Verdict {
  const waited = u.waitedMs !== null ? ` for ${waitedText(u)}` : '';
  const evidence = [`${u.syscall} still unfinished when the trace ended${u.waitedMs !== null ? ` (${waitedText(u)})` : ''}`];
  if (resumed) evidence.push(`as restart_syscall(<... resuming interrupted ${u.syscall} ...>): this trace saw ${u.syscall} stopped with ERESTART_RESTARTBLOCK, and the kernel resumed it`);
  if (req !== null) evidence.push(`entered right after reading ${requestNoun(req)}${fdText(req.fd, noteText(req.note))}: a PHP sleep() in a request handler`);
  addCommonEvidence(evidence, summary);
  return make('sleeping', `Sleeping${waited} in ${u.syscall}${req !== null ? ' while serving a request' : ''}, still sleeping when the trace ended`, evidence, {
    syscall: u.syscall,
    waitedMs: u.waitedMs,
    waitedIsLowerBound: u.waitedIsLowerBound,
  });
}

/** Still waiting for a child or a signal when the trace ended. */
export function idleInWaitVerdict(u: UnfinishedCall, summary: SummaryTables): Verdict {
  const waited = u.waitedMs !== null ? ` for ${waitedText(u)}` : '';
  const evidence = [`${u.syscall} unfinished when the trace ended`];
  addCommonEvidence(evidence, summary);
  return make('idle', `Idle: waiting in ${u.syscall}${waited}`, evidence, { syscall: u.syscall, waitedMs: u.waitedMs, waitedIsLowerBound: u.waitedIsLowerBound });
}

/** Still inside a call that waits on something (`peer`: who has not answered; `req`: the request read before it). */
export function blockedVerdict(u: UnfinishedCall, peer: string | null, req: RequestSeen | null, summary: SummaryTables): Verdict {
  const waited = u.waitedMs !== null ? ` for ${waitedText(u)}` : '';
  const evidence = [`${u.syscall}${fdText(u.fd, u.description)} started and never returned before the trace ended${u.waitedMs !== null ? ` (${waitedText(u)})` : ''}`];
  if (peer !== null) evidence.push(`peer ${peer} has not answered`);
  if (req !== null) evidence.push(`${requestNoun(req)} was read${fdText(req.fd, noteText(req.note))} before it`);
  addCommonEvidence(evidence, summary);
  return make('blocked', `Blocked${waited} in ${u.syscall}${fdText(u.fd, u.description)}, still waiting when the trace ended`, evidence, {
    syscall: u.syscall,
    fd: u.fd,
    peer,
    waitedMs: u.waitedMs,
    waitedIsLowerBound: u.waitedIsLowerBound,
  });
}

/** strace detached while the process ran user code, `sinceMs` after its last syscall. */
export function runningAtDetachVerdict(pf: PidFacts, sinceMs: number | null, cpu: CpuEvidence | null, summary: SummaryTables): Verdict {
  const req = requestSeen(pf.requestRead);
  const after = req !== null ? ` after reading a request${fdText(req.fd, noteText(req.note))}` : '';
  const evidence = [
    `last syscall: ${pf.lastCall?.name ?? '?'}${req !== null ? ` after reading ${requestNoun(req)}${fdText(req.fd, noteText(req.note))}` : ''}; strace detached while the process was outside any syscall`,
    cpu !== null ? `CPU time rose by ${formatMs(cpu.cpuMs)} in ${formatMs(cpu.elapsedMs)}` : 'no CPU samples: a live trace compares /proc/PID/stat before and after',
  ];
  addCommonEvidence(evidence, summary);
  return make(
    'silent',
    `No syscall${sinceMs !== null && sinceMs > 0 ? ` for the last ${formatMs(sinceMs)}` : ' until the end'}${after}: running PHP code (CPU-bound?) or stopped`,
    evidence,
    { syscall: pf.lastCall?.name ?? null },
  );
}

/** Calls came and went, none in progress at the end and none an event-loop wait. */
export function noCallInProgressVerdict(pf: PidFacts, summary: SummaryTables): Verdict {
  const evidence: string[] = [];
  addCommonEvidence(evidence, summary);
  return make(pf.ioCalls > 0 ? 'active' : 'idle', `${pf.ioCalls > 0 ? 'Active' : 'Idle'}: ${pf.calls} syscalls, no call in progress at the end`, evidence, {});
}

/** In one call since before the trace, which nothing names: sleeping or blocked, and the verdict says it cannot tell. */
export function waitingVerdict(what: string, waited: string, evidence: string[], syscall: string | null, waitedMs: number | null, waitedIsLowerBound = false): Verdict {
  return make('waiting', `Waiting in ${what}${waited}, since before the trace started: sleeping or blocked, the trace cannot tell which call`, evidence, { syscall, waitedMs, waitedIsLowerBound });
}
