import type { TraceFacts as Facts } from './facts.js';
import { describeFdNote } from './fd-note.js';
import type { PidFacts } from './pid-facts.js';
import { redactSecrets } from './redact.js';
import {
  ACCEPT,
  CHILD_WAIT,
  CONNECT,
  FORK,
  isEventLoopWait,
  isKind,
  isMasterWait,
  isSleepCall,
  KILL,
  LOOP_WAIT,
  READ,
  SOCKET,
  syscallKind,
  WAITS_ON_FD,
  WRITE,
} from './syscall-kinds.js';
import { syscallName } from './syscall-names.js';
import type { LiveEvidence, ProcSnapshot, StraceSummary, SummarizeOptions, UnfinishedCall, Verdict, VerdictState } from './types.js';

/** What the verdict reads of the facts (the shape it was written against). */
interface TraceFacts {
  mainPid: number | null;
  /** The pids asked for (or the first attached one). */
  targetPids: readonly number[];
  pids: ReadonlyMap<number | null, PidFacts>;
  /** Per pid with an unfinished call: was it the first call seen (in progress at attach)? */
  pendingFirst: Map<number | null, boolean>;
  /** Per pid with an unfinished call: the request read before it, if any. */
  pendingAfterRequest: Map<number | null, { fd: number | null; note: string | null } | null>;
  pendingFdCount: Map<number | null, number | null>;
  /** Per pid with an unfinished restart_syscall: the call it resumes, when this trace saw it interrupted. */
  pendingResumes: Map<number | null, string | null>;
  /** Peer of each `summary.unfinished` entry (same order). */
  unfinishedPeers: readonly (string | null)[];
  straceErrors: readonly { reason: string; message: string; pid: number | null }[];
  sawAttach: boolean;
  /** Pids strace detached from while they ran user code (no syscall in progress). */
  detachedRunning: ReadonlySet<number | null>;
  countSource: 'trace' | 'table' | 'none';
  firstTimeMs: number | null;
  traceEndMs: number | null;
  hasDurations: boolean;
}

/** What the verdict is decided from: the summary's tables, the trace's facts, the options known at the end. */
export interface VerdictInput {
  summary: Omit<StraceSummary, 'verdict'>;
  facts: Facts;
  /** When the trace ended (see SummaryBody). */
  traceEndMs: number | null;
  /** The peer of each `summary.unfinished` entry, same order. */
  unfinishedPeers: readonly (string | null)[];
  opts: SummarizeOptions;
}

function viewOf(input: VerdictInput): TraceFacts {
  const { facts, opts } = input;
  const pending = [...facts.pending.values()];
  return {
    mainPid: facts.mainPid,
    targetPids: opts.pids !== undefined && opts.pids.length > 0 ? opts.pids : facts.mainPid !== null ? [facts.mainPid] : [],
    pids: facts.pids,
    pendingFirst: new Map(pending.map((p) => [p.pid, p.first])),
    pendingAfterRequest: new Map(pending.map((p) => [p.pid, p.afterRequest])),
    pendingFdCount: new Map(pending.map((p) => [p.pid, p.fdCount])),
    pendingResumes: new Map(pending.map((p) => [p.pid, p.resumes])),
    unfinishedPeers: input.unfinishedPeers,
    straceErrors: facts.straceErrors,
    sawAttach: facts.sawAttach,
    detachedRunning: facts.detachedRunning,
    countSource: facts.countSource,
    firstTimeMs: facts.firstTimeMs,
    traceEndMs: input.traceEndMs,
    hasDurations: facts.hasDurations,
  };
}

/** Enough socket traffic in one trace to call the process busy serving. */
const ACTIVE_MIN_IO_CALLS = 20;

/**
 * What the kernel resumes with restart_syscall (set_restart_fn): poll, the nanosleep family and timed
 * futex waits. ppoll, select and epoll waits and socket reads restart as themselves, under their own number.
 */
const RESTARTED_BY_KERNEL = 'restart_syscall resumes only an interrupted poll(), nanosleep()/clock_nanosleep() or timed futex() wait; which one, and on what, is not visible';

// Which pid's verdict leads when several were traced: evidence-backed findings first, then `waiting`
// (in a call, unknown which) ahead of `silent` (not even known to be in a call).
const PRIORITY: Record<VerdictState, number> = {
  'not-traced': 0, blocked: 1, sleeping: 2, 'cpu-bound': 3, waiting: 4, silent: 5, active: 6, idle: 7, exited: 8,
};

/** Decides the verdict (state, one-sentence text, evidence) from a summary and what the stream showed. */
export function decideVerdict(input: VerdictInput): Verdict {
  const v = decide({ summary: input.summary, facts: viewOf(input), opts: input.opts });
  return { ...v, text: redactSecrets(v.text), evidence: v.evidence.map(redactSecrets) };
}

function decide({ summary, facts, opts }: { summary: Omit<StraceSummary, 'verdict'>; facts: TraceFacts; opts: SummarizeOptions }): Verdict {
  const live = opts.live;
  if (live?.attachError !== undefined) return notTraced(live.attachError.code, live.attachError.message, firstPid(facts, summary), live);
  if (facts.straceErrors.length > 0 && summary.syscallCount === 0 && !facts.sawAttach) {
    const e = facts.straceErrors[0] as TraceFacts['straceErrors'][number];
    return notTraced(e.reason, e.message, e.pid ?? firstPid(facts, summary), live);
  }

  const targets: readonly (number | null)[] = facts.targetPids.length > 0 ? facts.targetPids : [facts.mainPid];
  const exited = summary.exits.filter((e) => targets.includes(e.pid));
  if (exited.length > 0 && exited.length >= targets.length) return exitedVerdict(exited, summary, facts);
  if (live !== undefined && live.after.length > 0 && live.after.every((s) => !s.exists) && live.before.some((s) => s.exists)) {
    const gone = live.after.map((s) => s.pid);
    return make('exited', `Process ${gone.join(', ')} was gone when the trace ended`, [`/proc/${gone[0]} no longer exists after the trace`], {});
  }

  if (facts.countSource === 'table') return tableVerdict(summary, opts);

  const verdicts = targets.map((pid) => verdictForPid(pid, summary, facts, opts));
  verdicts.sort((a, b) => PRIORITY[a.state] - PRIORITY[b.state]);
  const best = verdicts[0] as Verdict;
  if (verdicts.length > 1) {
    const others = verdicts.slice(1).map((x) => x.state);
    best.evidence.push(`${others.length} other traced process(es): ${summarizeStates(others)}`);
  }
  return best;
}

function summarizeStates(states: VerdictState[]): string {
  const counts = new Map<string, number>();
  for (const s of states) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
}

function firstPid(facts: TraceFacts, summary: Omit<StraceSummary, 'verdict'>): number | null {
  return facts.targetPids[0] ?? summary.pids[0] ?? null;
}

function make(
  state: VerdictState,
  text: string,
  evidence: string[],
  extra: { syscall?: string | null; fd?: number | null; peer?: string | null; waitedMs?: number | null },
): Verdict {
  return {
    state,
    text,
    evidence,
    syscall: extra.syscall ?? null,
    fd: extra.fd ?? null,
    peer: extra.peer ?? null,
    waitedMs: extra.waitedMs ?? null,
  };
}

function notTraced(code: string, message: string, pid: number | null, live: LiveEvidence | undefined): Verdict {
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

function oneLineOf(s: string): string {
  // eslint-disable-next-line no-control-regex
  const flat = s.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return flat.length > 200 ? `${flat.slice(0, 199)}…` : flat;
}

function exitedVerdict(exited: { pid: number; code: number | null; signal: string | null }[], summary: Omit<StraceSummary, 'verdict'>, facts: TraceFacts): Verdict {
  const e = exited[0] as (typeof exited)[number];
  const how = e.signal !== null ? `Killed by ${e.signal}` : `Exited with code ${e.code ?? '?'}`;
  const text = exited.length === 1 ? `${how} during the trace (pid ${e.pid})` : `All ${exited.length} traced processes ended during the trace (${exited.map((x) => `${x.pid}: ${x.signal ?? `exit ${x.code}`}`).join(', ')})`;
  const evidence = exited.map((x) => (x.signal !== null ? `+++ killed by ${x.signal} +++ (pid ${x.pid})` : `+++ exited with ${x.code} +++ (pid ${x.pid})`));
  const pf = facts.pids.get(e.pid);
  if (pf?.lastCall != null) evidence.push(`last syscall before the end: ${pf.lastCall.name}`);
  const sigs = summary.signals.filter((s) => s.signal !== 'SIGCHLD' && s.signal !== 'SIGALRM');
  if (sigs.length > 0) evidence.push(`signals received: ${sigs.map((s) => `${s.signal} ×${s.count}`).join(', ')}`);
  if (summary.syscallCount > 0) evidence.push(`${summary.syscallCount} syscalls before the end (${topCalls(summary)})`);
  return make('exited', text, evidence, { syscall: pf?.lastCall?.name ?? null });
}

function topCalls(summary: Omit<StraceSummary, 'verdict'>, n = 4): string {
  return summary.syscalls.slice(0, n).map((s) => `${s.name} ×${s.count}`).join(', ');
}

/** Calls in the summary whose kind bits pass `test` (kinds from syscall-kinds.ts). */
function count(summary: Omit<StraceSummary, 'verdict'>, test: (kind: number) => boolean): number {
  let n = 0;
  for (const s of summary.syscalls) if (test(syscallKind(s.name))) n += s.count;
  return n;
}

const any = (kinds: number) => (kind: number) => (kind & kinds) !== 0;

function tableVerdict(summary: Omit<StraceSummary, 'verdict'>, opts: SummarizeOptions): Verdict {
  const note = 'from a strace -c table: calls still running at the end are not counted';
  const pid = opts.pids?.[0];
  const role = pid !== undefined ? opts.roles?.[pid]?.role : undefined;
  const waits = count(summary, any(CHILD_WAIT));
  const kills = count(summary, any(KILL));
  const forks = count(summary, any(FORK));
  const io = count(summary, (k) => (k & SOCKET) !== 0 && (k & (READ | WRITE | ACCEPT)) !== 0);
  const loop = count(summary, any(LOOP_WAIT));
  const evidence = [`${summary.syscallCount} calls finished: ${topCalls(summary, 6)}`, note];
  if (role === 'master' || (role === undefined && waits > 0 && (kills > 0 || forks > 0))) {
    const extra = [kills > 0 ? `kill() ×${kills}` : null, forks > 0 ? `fork/clone ×${forks}` : null].filter((x) => x !== null).join(', ');
    return make('idle', `Master idle: waiting for children in wait4${extra !== '' ? ` (${extra})` : ''}`, evidence, { syscall: 'wait4' });
  }
  if (io >= ACTIVE_MIN_IO_CALLS) {
    return make('active', `Serving I/O: ${io} socket reads/writes/accepts finished${loop > 0 ? `, between ${loop} event-loop waits` : ''}`, evidence, {});
  }
  const reads = count(summary, any(READ));
  if (count(summary, any(CONNECT)) > 0 && reads > 0) {
    return make(
      'blocked',
      'Probably blocked on an outbound connection: after reading a request it connected out and sent data, then no call finished',
      evidence,
      {},
    );
  }
  if (reads > 0) {
    return make('silent', 'No call finished after a request was read: stuck in one call (sleep, blocking read) or running PHP code; the -c table cannot tell which', evidence, {});
  }
  return make('silent', 'No syscall finished during the trace', evidence, {});
}

function fmtMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

function noteText(note: string | null): string | null {
  return note === null ? null : describeFdNote(note);
}

function fdText(fd: number | null, description: string | null): string {
  if (fd === null) return '';
  return description !== null ? ` on fd ${fd} (${description})` : ` on fd ${fd}`;
}

interface CpuEvidence {
  cpuMs: number;
  elapsedMs: number;
  busy: boolean;
}

function cpuEvidence(live: LiveEvidence | undefined, pid: number | null, durationMs: number | null): CpuEvidence | null {
  if (live === undefined) return null;
  const before = live.before.find((s) => pid === null || s.pid === pid);
  const after = live.after.find((s) => pid === null || s.pid === pid);
  if (before?.cpuTicks == null || after?.cpuTicks == null) return null;
  const cpuMs = ((after.cpuTicks - before.cpuTicks) / (after.clockTicksPerSecond || 100)) * 1000;
  const elapsedMs = after.takenAtMs > before.takenAtMs ? after.takenAtMs - before.takenAtMs : (durationMs ?? 0);
  if (elapsedMs <= 0) return null;
  return { cpuMs, elapsedMs, busy: cpuMs > 0.5 * elapsedMs };
}

function cpuBound(pid: number | null, cpu: CpuEvidence, why: string): Verdict {
  const pct = Math.round((cpu.cpuMs / cpu.elapsedMs) * 100);
  return make(
    'cpu-bound',
    `CPU-bound: ${why} while CPU time rose by ${fmtMs(cpu.cpuMs)} in ${fmtMs(cpu.elapsedMs)} (${pct}%)`,
    [`/proc/${pid ?? 'PID'}/stat utime+stime grew by ${fmtMs(cpu.cpuMs)} over ${fmtMs(cpu.elapsedMs)}`, 'a loop in PHP code makes no syscalls (microtime() is served by the vDSO)'],
    {},
  );
}

/**
 * Kernel wait channels that name the call when /proc/PID/syscall cannot (restart_syscall while traced and
 * after). `do_syscall_64` and the like name nothing: the restarted sleep of a re-traced worker shows only that.
 */
const WCHAN_CALLS: [RegExp, string][] = [
  [/^poll_schedule_timeout/, 'poll'],
  [/^ep_poll/, 'epoll_wait'],
  [/^do_select|^core_sys_select/, 'pselect6'],
  [/nanosleep|^common_nsleep|^posix_cpu_nsleep|^alarm_timer_nsleep/, 'clock_nanosleep'],
  [/^do_wait/, 'wait4'],
  [/^sk_wait_data|^tcp_recvmsg|^unix_stream_read/, 'recvfrom'],
  [/^inet_wait_for_connect/, 'connect'],
  [/^futex_wait/, 'futex'],
];

/** The name of the call in a snapshot's `/proc/PID/syscall`, in the numbering of the host it was read on; null when none names it. */
function procCallName(snap: ProcSnapshot): string | null {
  return snap.syscall === null ? null : syscallName(snap.syscall.nr, snap.arch ?? null);
}

/** True when `/proc/PID/syscall` shows a call that names what the process waits in (not restart_syscall, not a bare number). */
function namesItsCall(snap: ProcSnapshot): boolean {
  const name = procCallName(snap);
  return name !== null && name !== 'restart_syscall';
}

function wchanCall(wchan: string | null): string | null {
  if (wchan !== null) for (const [re, name] of WCHAN_CALLS) if (re.test(wchan)) return name;
  return null;
}

/**
 * The snapshot that best names the call a process sits in. While strace is attached, and after it detached
 * until the call returns, the kernel reports the call as restart_syscall (219 on x86_64, 128 on aarch64), so
 * a snapshot from before the first attach with a real syscall wins; else one whose wchan names the call.
 */
function snapshotOf(live: LiveEvidence | undefined, pid: number | null): ProcSnapshot | undefined {
  if (live === undefined) return undefined;
  const all = [...live.after, ...live.before].filter((s) => (pid === null || s.pid === pid) && s.exists);
  return (
    all.find(namesItsCall) ??
    all.find((s) => s.syscallRaw === 'running') ??
    all.find((s) => wchanCall(s.wchan) !== null) ??
    all.find((s) => s.syscall !== null) ??
    all[0]
  );
}

type LiveCall =
  | { via: 'syscall'; nr: number; name: string }
  | { via: 'wchan'; name: string; nr: number | null; restart: boolean }
  /** In a call nothing names: restart_syscall with an uninformative wchan, or a number without a table. */
  | { via: 'none'; nr: number; restart: boolean }
  | null;

function callOf(snap: ProcSnapshot): LiveCall {
  const name = procCallName(snap);
  if (snap.syscall !== null && name !== null && name !== 'restart_syscall') return { via: 'syscall', nr: snap.syscall.nr, name };
  // restart_syscall's registers still hold the interrupted call's arguments: read nothing from them.
  const restart = name === 'restart_syscall';
  const fromWchan = wchanCall(snap.wchan);
  if (fromWchan !== null) return { via: 'wchan', name: fromWchan, nr: snap.syscall?.nr ?? null, restart };
  if (snap.syscall !== null) return { via: 'none', nr: snap.syscall.nr, restart };
  return null;
}

function liveHasSockets(live: LiveEvidence | undefined, pid: number | null): boolean {
  const snap = live?.after.find((s) => pid === null || s.pid === pid) ?? live?.before.find((s) => pid === null || s.pid === pid);
  if (snap === undefined) return false;
  return Object.values(snap.fds).some((t) => t.startsWith('socket:['));
}

function portOf(addr: string | null | undefined): string | null {
  if (addr == null) return null;
  const i = addr.lastIndexOf(':');
  return i < 0 ? null : addr.slice(i + 1);
}

/** The one outbound connection (local port not a listening port) of a process, from live evidence. */
function outboundSocketFd(snap: ProcSnapshot, listen: string | null | undefined): { fd: number; description: string; peer: string } | null {
  const listenPorts = new Set<string>();
  const lp = portOf(listen?.replace(/^[a-z]+:\/\//, ''));
  if (lp !== null) listenPorts.add(lp);
  for (const s of Object.values(snap.sockets)) if (s.state === 'LISTEN' || s.peer === null) listenPorts.add(portOf(s.local) ?? '');
  const found: { fd: number; description: string; peer: string }[] = [];
  for (const [fdText, target] of Object.entries(snap.fds)) {
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m === null) continue;
    const s = snap.sockets[Number(m[1])];
    if (s === undefined || s.peer === null || listenPorts.has(portOf(s.local) ?? '')) continue;
    found.push({ fd: Number(fdText), description: `${s.protocol} ${s.local} -> ${s.peer}`, peer: s.peer });
  }
  found.sort((a, b) => b.fd - a.fd);
  return found[0] ?? null;
}

function verdictForPid(pid: number | null, summary: Omit<StraceSummary, 'verdict'>, facts: TraceFacts, opts: SummarizeOptions): Verdict {
  const live = opts.live;
  const pf = facts.pids.get(pid) ?? (pid === facts.mainPid ? facts.pids.get(null) : undefined);
  const uIndex = summary.unfinished.findIndex((x) => x.pid === pid);
  let u = uIndex >= 0 ? (summary.unfinished[uIndex] as UnfinishedCall) : undefined;
  // A restart_syscall resuming a sleep this trace saw interrupted is that sleep (a stop, or the tracer, cut it).
  const resumes = u?.syscall === 'restart_syscall' ? (facts.pendingResumes.get(pid) ?? null) : null;
  const resumedSleep = u !== undefined && resumes !== null && isSleepCall(resumes);
  if (u !== undefined && resumedSleep) u = { ...u, syscall: resumes as string };
  const peer = uIndex >= 0 ? (facts.unfinishedPeers[uIndex] ?? null) : null;
  const durationMs = summary.durationMs;
  const cpu = cpuEvidence(live, pid, durationMs);
  const role = pid !== null ? opts.roles?.[pid] : undefined;

  if (pf === undefined || pf.calls === 0) {
    if (cpu?.busy === true) return cpuBound(pid, cpu, 'no syscalls during the trace');
    const fromLive = liveCallVerdict(pid, opts, null, true);
    if (fromLive !== null) return fromLive;
    const dur = durationMs !== null ? ` in the ${fmtMs(durationMs)} trace` : '';
    return make(
      'silent',
      `No syscalls${dur}: the process ran user code (CPU-bound?) or was stopped; the trace alone cannot tell`,
      [
        'strace printed no syscall line for this process',
        cpu !== null ? `CPU time rose by only ${fmtMs(cpu.cpuMs)} in ${fmtMs(cpu.elapsedMs)}` : 'no CPU samples: compare utime+stime in /proc/PID/stat before and after to tell CPU-bound from stopped',
      ],
      {},
    );
  }

  const isMaster =
    role?.role === 'master' ||
    (role === undefined && pf.waitCalls > 0 && (pf.sigchld > 0 || pf.killCalls > 0 || pf.forkedPids.length > 0 || (u !== undefined && isMasterWait(u.syscall))));
  const evidence: string[] = [];

  if (u !== undefined && u.syscall === 'restart_syscall' && facts.pendingFirst.get(pid) === true) {
    return attachedLate(pid, u, opts, null);
  }

  if (isMaster && (u === undefined || isMasterWait(u.syscall) || isEventLoopWait(u.syscall, facts.pendingFdCount.get(pid) ?? null))) {
    return masterVerdict(pid, pf, u, summary);
  }

  if (pf.ioCalls >= ACTIVE_MIN_IO_CALLS) return activeVerdict(pid, pf, summary, facts);

  if (u !== undefined) {
    const fdCount = facts.pendingFdCount.get(pid) ?? null;
    const waited = u.waitedMs !== null ? ` for ${fmtMs(u.waitedMs)}` : '';
    if (isEventLoopWait(u.syscall, fdCount)) return idleVerdict(pid, pf, u, summary, facts);
    if (isSleepCall(u.syscall)) {
      const req = facts.pendingAfterRequest.get(pid) ?? null;
      if (req === null && !pf.socketsSeen && !liveHasSockets(live, pid) && (role === undefined || !role.listen)) {
        return idleVerdict(pid, pf, u, summary, facts, 'a timer-only worker (Select loop) waits for its next timer in');
      }
      evidence.push(`${u.syscall} still unfinished when the trace ended${u.waitedMs !== null ? ` (${fmtMs(u.waitedMs)})` : ''}`);
      if (resumedSleep) evidence.push(`as restart_syscall(<... resuming interrupted ${u.syscall} ...>): this trace saw ${u.syscall} stopped with ERESTART_RESTARTBLOCK, and the kernel resumed it`);
      if (req !== null) evidence.push(`entered right after reading a request${fdText(req.fd, noteText(req.note))}: a PHP sleep() in a request handler`);
      addCommonEvidence(evidence, summary);
      return make('sleeping', `Sleeping${waited} in ${u.syscall}${req !== null ? ' while serving a request' : ''}, still sleeping when the trace ended`, evidence, {
        syscall: u.syscall,
        waitedMs: u.waitedMs,
      });
    }
    if (u.syscall === 'restart_syscall') return attachedLate(pid, u, opts, resumes);
    if (isMasterWait(u.syscall)) {
      evidence.push(`${u.syscall} unfinished when the trace ended`);
      addCommonEvidence(evidence, summary);
      return make('idle', `Idle: waiting in ${u.syscall}${waited}`, evidence, { syscall: u.syscall, waitedMs: u.waitedMs });
    }
    const req = facts.pendingAfterRequest.get(pid) ?? null;
    evidence.push(`${u.syscall}${fdText(u.fd, u.description)} started and never returned before the trace ended${u.waitedMs !== null ? ` (${fmtMs(u.waitedMs)})` : ''}`);
    if (peer !== null) evidence.push(`peer ${peer} has not answered`);
    if (req !== null) evidence.push(`a request was read${fdText(req.fd, noteText(req.note))} before it`);
    addCommonEvidence(evidence, summary);
    return make('blocked', `Blocked${waited} in ${u.syscall}${fdText(u.fd, u.description)}, still waiting when the trace ended`, evidence, {
      syscall: u.syscall,
      fd: u.fd,
      peer,
      waitedMs: u.waitedMs,
    });
  }

  // Not inside a syscall when the trace ended.
  if (cpu?.busy === true) return cpuBound(pid, cpu, 'no syscall after the last one');
  const running = facts.detachedRunning.has(pid) || (pid === facts.mainPid && facts.detachedRunning.has(null));
  if (running && (pf.lastCall === null || !isEventLoopWait(pf.lastCall.name, null))) {
    const since = pf.lastCall?.endMs != null && facts.traceEndMs !== null ? facts.traceEndMs - pf.lastCall.endMs : null;
    const after = pf.requestRead !== null ? ` after reading a request${fdText(pf.requestRead.fd, noteText(pf.requestRead.note))}` : '';
    evidence.push(`last syscall: ${pf.lastCall?.name ?? '?'}${after}; strace detached while the process was outside any syscall`);
    evidence.push(cpu !== null ? `CPU time rose by ${fmtMs(cpu.cpuMs)} in ${fmtMs(cpu.elapsedMs)}` : 'no CPU samples: a live trace compares /proc/PID/stat before and after');
    addCommonEvidence(evidence, summary);
    return make(
      'silent',
      `No syscall${since !== null && since > 0 ? ` for the last ${fmtMs(since)}` : ' until the end'}${after}: running PHP code (CPU-bound?) or stopped`,
      evidence,
      { syscall: pf.lastCall?.name ?? null },
    );
  }
  if (pf.eventLoopCalls > 0) return idleVerdict(pid, pf, undefined, summary, facts);
  addCommonEvidence(evidence, summary);
  return make(pf.ioCalls > 0 ? 'active' : 'idle', `${pf.ioCalls > 0 ? 'Active' : 'Idle'}: ${pf.calls} syscalls, no call in progress at the end`, evidence, {});
}

function addCommonEvidence(evidence: string[], summary: Omit<StraceSummary, 'verdict'>): void {
  if (summary.syscallCount > 0) evidence.push(`${summary.syscallCount} syscalls: ${topCalls(summary, 5)}`);
  if (summary.errors.length > 0) evidence.push(`errors: ${summary.errors.slice(0, 4).map((e) => `${e.syscall} ${e.errno} ×${e.count}`).join(', ')}`);
  if (summary.signals.length > 0) evidence.push(`signals: ${summary.signals.slice(0, 4).map((s) => `${s.signal} ×${s.count}`).join(', ')}`);
}

function loopShare(pf: PidFacts, u: UnfinishedCall | undefined, summary: Omit<StraceSummary, 'verdict'>, facts: TraceFacts): { pct: number; totalMs: number } | null {
  const totalMs = summary.durationMs ?? (facts.traceEndMs !== null && facts.firstTimeMs !== null ? facts.traceEndMs - facts.firstTimeMs : null);
  if (totalMs === null || totalMs <= 0 || (!facts.hasDurations && u?.waitedMs == null)) return null;
  const waitMs = pf.eventLoopMs + (u !== undefined && isEventLoopWait(u.syscall, facts.pendingFdCount.get(pf.pid) ?? null) || u?.syscall !== undefined && isSleepCall(u.syscall) ? (u?.waitedMs ?? 0) : 0) + pf.sleepMs;
  return { pct: Math.min(100, Math.round((waitMs / totalMs) * 100)), totalMs };
}

function idleVerdict(pid: number | null, pf: PidFacts, u: UnfinishedCall | undefined, summary: Omit<StraceSummary, 'verdict'>, facts: TraceFacts, how?: string): Verdict {
  const loopCall = u?.syscall ?? mostCommonLoopCall(summary) ?? 'the event loop';
  const share = loopShare(pf, u, summary, facts);
  const evidence: string[] = [];
  if (u !== undefined) evidence.push(`${u.syscall}${fdText(u.fd, u.description)} in progress when the trace ended${u.waitedMs !== null ? ` (waited ${fmtMs(u.waitedMs)})` : ''}`);
  if (how !== undefined) evidence.push('no sockets and no request read before it: the Select loop sleeps until its next timer');
  if (pf.eventLoopCalls > 0) evidence.push(`${pf.eventLoopCalls} event-loop wait(s)${pf.socketReads > 0 ? `, ${pf.socketReads} socket read(s) with data` : ''}`);
  addCommonEvidence(evidence, summary);
  const text =
    how !== undefined
      ? `Idle: ${how} ${loopCall}${share !== null ? ` (${share.pct}% of the ${fmtMs(share.totalMs)})` : ''}`
      : share !== null
        ? `Idle in the event loop: ${share.pct}% of the ${fmtMs(share.totalMs)} in ${loopCall}`
        : `Idle in the event loop: waiting in ${loopCall}${u !== undefined ? ' when the trace ended' : ''}`;
  return make('idle', text, evidence, { syscall: loopCall === 'the event loop' ? null : loopCall, fd: u?.fd ?? null, waitedMs: u?.waitedMs ?? null });
}

function mostCommonLoopCall(summary: Omit<StraceSummary, 'verdict'>): string | null {
  for (const s of summary.syscalls) if (isKind(s.name, LOOP_WAIT)) return s.name;
  return null;
}

function activeVerdict(pid: number | null, pf: PidFacts, summary: Omit<StraceSummary, 'verdict'>, facts: TraceFacts): Verdict {
  const reads = count(summary, any(READ));
  const writes = count(summary, any(WRITE));
  const accepts = count(summary, any(ACCEPT));
  const share = loopShare(pf, undefined, summary, facts);
  const sockets = summary.fds.filter((f) => f.pid === pid || pid === null).filter((f) => f.description !== null && /^(TCP|UDP|UNIX)/.test(f.description));
  const bytesIn = summary.fds.reduce((s, f) => s + f.bytesRead, 0);
  const bytesOut = summary.fds.reduce((s, f) => s + f.bytesWritten, 0);
  const evidence = [
    `${reads} reads, ${writes} writes${accepts > 0 ? `, ${accepts} accepts` : ''}; ${fmtBytes(bytesIn)} in, ${fmtBytes(bytesOut)} out`,
  ];
  const top = [...summary.fds].filter((f) => f.fd >= 0).sort((a, b) => b.calls - a.calls).slice(0, 3);
  for (const f of top) evidence.push(`fd ${f.fd}${f.description !== null ? ` (${f.description})` : ''}: ${f.calls} calls, ${fmtBytes(f.bytesRead)} read, ${fmtBytes(f.bytesWritten)} written`);
  addCommonEvidence(evidence, summary);
  const dur = summary.durationMs !== null ? ` in ${fmtMs(summary.durationMs)}` : '';
  const conns = sockets.length > 0 ? ` on ${sockets.length} socket(s)` : '';
  const loop = share !== null ? `, ${share.pct}% of the time waiting in the event loop` : '';
  return make('active', `Serving I/O: ${reads} reads and ${writes} writes${conns}${dur}${loop}`, evidence, {});
}

function fmtBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}

function masterVerdict(pid: number | null, pf: PidFacts, u: UnfinishedCall | undefined, summary: Omit<StraceSummary, 'verdict'>): Verdict {
  const evidence: string[] = [];
  const waitCall = u?.syscall ?? 'wait4';
  if (u !== undefined) evidence.push(`${u.syscall} in progress when the trace ended${u.waitedMs !== null ? ` (waited ${fmtMs(u.waitedMs)})` : ''}`);
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
  });
}

/**
 * Only `restart_syscall` is visible: the process was already inside a call when strace attached (or the
 * trace saw which call it resumes: `resumes`). Names the call from live /proc evidence when it can; never
 * says blocked without a call that blocks on something.
 */
function attachedLate(pid: number | null, u: UnfinishedCall, opts: SummarizeOptions, resumes: string | null): Verdict {
  const fromLive = liveCallVerdict(pid, opts, u.waitedMs, false);
  if (fromLive !== null && (resumes === null || fromLive.state !== 'waiting')) return fromLive;
  const waited = u.waitedMs !== null ? ` for at least ${fmtMs(u.waitedMs)}` : '';
  if (resumes !== null) {
    return make(
      'waiting',
      `Waiting${waited} in ${resumes}, resumed by restart_syscall after a stop: the trace shows neither its fds nor what it waits for`,
      [
        `${resumes} returned ERESTART_RESTARTBLOCK (stopped, or interrupted by the tracer), then restart_syscall(<... resuming interrupted ${resumes} ...>) was unfinished when the trace ended`,
      ],
      { syscall: resumes, waitedMs: u.waitedMs },
    );
  }
  return waitingVerdict(
    'one call',
    waited,
    [
      'only restart_syscall(<... resuming interrupted ...>) is visible, unfinished when the trace ended: the process was already inside a call when strace attached',
      'strace names neither the call nor its fd (the name after "resuming interrupted" is a leftover at attach, not the call)',
      RESTARTED_BY_KERNEL,
      'a live trace reads /proc/PID/syscall, wchan, fd and the socket table to name the call, fd and peer',
    ],
    'restart_syscall',
    u.waitedMs,
  );
}

/** In one call since before the trace, which nothing names: sleeping or blocked, and the verdict says it cannot tell. */
function waitingVerdict(what: string, waited: string, evidence: string[], syscall: string | null, waitedMs: number | null): Verdict {
  return make('waiting', `Waiting in ${what}${waited}, since before the trace started: sleeping or blocked, the trace cannot tell which call`, evidence, { syscall, waitedMs });
}

/**
 * Names the call from `/proc/PID/syscall` (and fd/peer from the fd list and socket table), or says the
 * process is waiting in a call nothing names; null when /proc has no call to go on.
 */
function liveCallVerdict(pid: number | null, opts: SummarizeOptions, waitedMs: number | null, noSyscalls: boolean): Verdict | null {
  const live = opts.live;
  const snap = snapshotOf(live, pid);
  if (live === undefined || snap === undefined) return null;
  const role = pid !== null ? opts.roles?.[pid] : undefined;
  const waited = waitedMs !== null ? ` for at least ${fmtMs(waitedMs)}` : '';
  const cpu = cpuEvidence(live, pid, opts.durationMs ?? null);
  if (cpu?.busy === true) return cpuBound(pid, cpu, noSyscalls ? 'no syscalls during the trace' : 'running');
  if (snap.syscallRaw === 'running') return null;
  const call = callOf(snap);
  if (call === null) return null;
  const wchan = snap.wchan !== null && snap.wchan !== '0' ? `wchan ${snap.wchan}` : null;
  const traceNote = noSyscalls ? 'no syscall line in the trace: the call was in progress for the whole trace' : 'the trace shows only restart_syscall: the call began before strace attached';
  const cpuNote = cpu !== null ? `CPU time rose by ${fmtMs(cpu.cpuMs)} in ${fmtMs(cpu.elapsedMs)}` : null;
  if (call.via === 'none') {
    const evidence = [
      call.restart
        ? `/proc/${snap.pid}/syscall: ${call.nr} (restart_syscall)${wchan !== null ? `, ${wchan}` : ''}: the kernel is resuming an interrupted call and names neither it nor its fd`
        : `/proc/${snap.pid}/syscall: ${call.nr}${wchan !== null ? `, ${wchan}` : ''}: ${snap.arch == null ? 'no syscall table for this machine names that number' : `not a call the ${snap.arch} table names`}`,
      traceNote,
    ];
    if (call.restart) {
      evidence.push(RESTARTED_BY_KERNEL);
      const before = live.before.find((b) => b.pid === snap.pid && b.exists);
      if (before !== undefined && before.syscall !== null && procCallName(before) === 'restart_syscall') {
        evidence.push(`/proc/${snap.pid}/syscall said restart_syscall before this trace attached: an earlier trace (or a stop) interrupted the call, and it stays restart_syscall until it returns`);
      }
    }
    if (cpuNote !== null) evidence.push(cpuNote);
    return waitingVerdict(call.restart ? 'one call' : `syscall ${call.nr}`, waited, evidence, call.restart ? 'restart_syscall' : null, waitedMs);
  }
  const name = call.name;
  const evidence = [
    call.via === 'syscall'
      ? `/proc/${snap.pid}/syscall: ${call.nr} (${name})${wchan !== null ? `, ${wchan}` : ''}`
      : `/proc/${snap.pid}/${wchan ?? 'wchan'} points to ${name} (/proc/PID/syscall ${call.restart ? 'only said restart_syscall' : call.nr !== null ? `gave only the number ${call.nr}` : 'named nothing'})`,
  ];
  evidence.push(traceNote);
  if (cpuNote !== null) evidence.push(cpuNote);

  if (isEventLoopWait(name, null)) {
    return make('idle', `Idle in the event loop: waiting in ${name}${waited}`, evidence, { syscall: name, waitedMs });
  }
  if (isMasterWait(name)) {
    return make('idle', `${role?.role === 'master' ? 'Master idle' : 'Idle'}: waiting in ${name}${waited}`, evidence, { syscall: name, waitedMs });
  }
  if (isSleepCall(name)) {
    const hasSockets = Object.values(snap.fds).some((t) => t.startsWith('socket:['));
    if (!hasSockets && (role === undefined || !role.listen)) {
      evidence.push('no sockets open: a timer-only worker (Select loop) waiting for its next timer');
      return make('idle', `Idle: a timer-only worker waits for its next timer in ${name}${waited}`, evidence, { syscall: name, waitedMs });
    }
    return make('sleeping', `Sleeping${waited} in ${name} (a PHP sleep() in a handler), still sleeping when the trace ended`, evidence, { syscall: name, waitedMs });
  }
  let fd: number | null = null;
  let description: string | null = null;
  let peer: string | null = null;
  // Only a call /proc/PID/syscall itself names has its own arguments there (never restart_syscall's).
  if (call.via === 'syscall' && isKind(name, WAITS_ON_FD) && snap.syscall?.args[0] !== undefined) {
    const n = Number.parseInt(snap.syscall.args[0], snap.syscall.args[0].startsWith('0x') ? 16 : 10);
    if (Number.isFinite(n)) {
      fd = n;
      const d = describeFromLive(live, snap.pid, n);
      description = d?.description ?? null;
      peer = d?.peer ?? null;
    }
  } else if (name === 'poll' || name === 'ppoll') {
    // poll's first argument is a pointer: find the one outbound connection instead.
    const out = outboundSocketFd(snap, role?.listen);
    if (out !== null) {
      fd = out.fd;
      description = out.description;
      peer = out.peer;
      evidence.push(`fd ${out.fd} is the only outbound connection (${out.description}) in /proc/${snap.pid}/fd and the socket table`);
    }
  }
  if (peer !== null) evidence.push(`peer ${peer} has not answered`);
  return make('blocked', `Blocked${waited} in ${name}${fdText(fd, description)}, still waiting when the trace ended`, evidence, {
    syscall: name,
    fd,
    peer,
    waitedMs,
  });
}

/** fd -> readlink target -> socket table, from the snapshot taken last (after, else before). */
export function describeFromLive(live: LiveEvidence, pid: number | null, fd: number): { description: string; peer: string | null } | null {
  for (const snaps of [live.after, live.before]) {
    const snap = snaps.find((s) => pid === null || s.pid === pid);
    const target = snap?.fds[fd];
    if (snap === undefined || target === undefined) continue;
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m === null) return { description: target, peer: null };
    const sock = snap.sockets[Number(m[1])];
    if (sock === undefined) return { description: target, peer: null };
    return {
      description: sock.peer !== null ? `${sock.protocol} ${sock.local} -> ${sock.peer}` : `${sock.protocol} ${sock.local}`,
      peer: sock.peer,
    };
  }
  return null;
}
