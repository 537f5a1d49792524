/**
 * The verdict of a process that sat in one call for the whole trace (or since before strace attached),
 * named from live /proc evidence: /proc/PID/syscall, its wait channel, its fds and the socket table.
 * Says blocked only for a call that waits on something, and waiting when nothing names the call.
 */

import { isEventLoopWait, isKind, isMasterWait, isSleepCall, WAITS_ON_FD } from '../syscall-kinds.js';
import type { SummarizeOptions, UnfinishedCall, Verdict } from '../types.js';
import { callOf, cpuEvidence, describeFromLive, outboundSocketFd, procCallName, snapshotOf } from './live-evidence.js';
import { formatMs } from '../../render/format.js';
import { cpuBound, fdText, make, RESTARTED_BY_KERNEL, waitingVerdict } from './wording.js';

/**
 * Only `restart_syscall` is visible: the process was already inside a call when strace attached (or the
 * trace saw which call it resumes: `resumes`). Names the call from live /proc evidence when it can; never
 * says blocked without a call that blocks on something.
 */
export function attachedLate(pid: number | null, u: UnfinishedCall, opts: SummarizeOptions, resumes: string | null): Verdict {
  const fromLive = liveCallVerdict(pid, opts, u.waitedMs, false);
  if (fromLive !== null && (resumes === null || fromLive.state !== 'waiting')) return fromLive;
  const waited = u.waitedMs !== null ? ` for at least ${formatMs(u.waitedMs)}` : '';
  if (resumes !== null) {
    return make(
      'waiting',
      `Waiting${waited} in ${resumes}, resumed by restart_syscall after a stop: the trace shows neither its fds nor what it waits for`,
      [
        `${resumes} returned ERESTART_RESTARTBLOCK (stopped, or interrupted by the tracer), then restart_syscall(<... resuming interrupted ${resumes} ...>) was unfinished when the trace ended`,
      ],
      { syscall: resumes, waitedMs: u.waitedMs, waitedIsLowerBound: u.waitedIsLowerBound },
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
    u.waitedIsLowerBound,
  );
}

/**
 * Names the call from `/proc/PID/syscall` (and fd/peer from the fd list and socket table), or says the
 * process is waiting in a call nothing names; null when /proc has no call to go on. The call began
 * before the trace, so `waitedMs` (the trace's share of its wait) is a lower bound.
 */
export function liveCallVerdict(pid: number | null, opts: SummarizeOptions, waitedMs: number | null, noSyscalls: boolean): Verdict | null {
  const live = opts.live;
  const snap = snapshotOf(live, pid);
  if (live === undefined || snap === undefined) return null;
  const role = pid !== null ? opts.roles?.[pid] : undefined;
  const waited = waitedMs !== null ? ` for at least ${formatMs(waitedMs)}` : '';
  const cpu = cpuEvidence(live, pid, opts.durationMs ?? null);
  if (cpu?.busy === true) return cpuBound(pid, cpu, noSyscalls ? 'no syscalls during the trace' : 'running');
  if (snap.syscallRaw === 'running') return null;
  const call = callOf(snap);
  if (call === null) return null;
  const wchan = snap.wchan !== null && snap.wchan !== '0' ? `wchan ${snap.wchan}` : null;
  const traceNote = noSyscalls ? 'no syscall line in the trace: the call was in progress for the whole trace' : 'the trace shows only restart_syscall: the call began before strace attached';
  const cpuNote = cpu !== null ? `CPU time rose by ${formatMs(cpu.cpuMs)} in ${formatMs(cpu.elapsedMs)}` : null;
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
    return waitingVerdict(call.restart ? 'one call' : `syscall ${call.nr}`, waited, evidence, call.restart ? 'restart_syscall' : null, waitedMs, true);
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
    return make('idle', `Idle in the event loop: waiting in ${name}${waited}`, evidence, { syscall: name, waitedMs, waitedIsLowerBound: true });
  }
  if (isMasterWait(name)) {
    return make('idle', `${role?.role === 'master' ? 'Master idle' : 'Idle'}: waiting in ${name}${waited}`, evidence, { syscall: name, waitedMs, waitedIsLowerBound: true });
  }
  if (isSleepCall(name)) {
    const hasSockets = Object.values(snap.fds).some((t) => t.startsWith('socket:['));
    if (!hasSockets && (role === undefined || !role.listen)) {
      evidence.push('no sockets open: a timer-only worker (Select loop) waiting for its next timer');
      return make('idle', `Idle: a timer-only worker waits for its next timer in ${name}${waited}`, evidence, { syscall: name, waitedMs, waitedIsLowerBound: true });
    }
    return make('sleeping', `Sleeping${waited} in ${name} (a PHP sleep() in a handler), still sleeping when the trace ended`, evidence, { syscall: name, waitedMs, waitedIsLowerBound: true });
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
    waitedIsLowerBound: true,
  });
}
