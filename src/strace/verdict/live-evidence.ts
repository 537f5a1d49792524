/**
 * What /proc said about a traced process around the trace (live evidence): the call it sits in (from
 * /proc/PID/syscall, or its wait channel when that shows only restart_syscall), its CPU time, what an
 * fd is (fd link -> socket inode -> socket table) and its one outbound connection. Facts only: the
 * verdict modules word them.
 */

import { syscallName } from '../syscall-names.js';
import type { LiveEvidence, ProcSnapshot } from '../types.js';

/** CPU time a process used during the trace, from utime+stime before and after. */
export interface CpuEvidence {
  cpuMs: number;
  elapsedMs: number;
  busy: boolean;
}

/** The CPU evidence of `pid` (any pid when null), or null without both samples. */
export function cpuEvidence(live: LiveEvidence | undefined, pid: number | null, durationMs: number | null): CpuEvidence | null {
  if (live === undefined) return null;
  const before = live.before.find((s) => pid === null || s.pid === pid);
  const after = live.after.find((s) => pid === null || s.pid === pid);
  if (before?.cpuTicks == null || after?.cpuTicks == null) return null;
  const cpuMs = ((after.cpuTicks - before.cpuTicks) / (after.clockTicksPerSecond || 100)) * 1000;
  const elapsedMs = after.takenAtMs > before.takenAtMs ? after.takenAtMs - before.takenAtMs : (durationMs ?? 0);
  if (elapsedMs <= 0) return null;
  return { cpuMs, elapsedMs, busy: cpuMs > 0.5 * elapsedMs };
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
export function procCallName(snap: ProcSnapshot): string | null {
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
export function snapshotOf(live: LiveEvidence | undefined, pid: number | null): ProcSnapshot | undefined {
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

/** The call a snapshot shows the process in, and what named it. */
export type LiveCall =
  | { via: 'syscall'; nr: number; name: string }
  | { via: 'wchan'; name: string; nr: number | null; restart: boolean }
  /** In a call nothing names: restart_syscall with an uninformative wchan, or a number without a table. */
  | { via: 'none'; nr: number; restart: boolean }
  | null;

/** The call `snap` shows, named by /proc/PID/syscall, else by the wait channel; null when it shows none. */
export function callOf(snap: ProcSnapshot): LiveCall {
  const name = procCallName(snap);
  if (snap.syscall !== null && name !== null && name !== 'restart_syscall') return { via: 'syscall', nr: snap.syscall.nr, name };
  // restart_syscall's registers still hold the interrupted call's arguments: read nothing from them.
  const restart = name === 'restart_syscall';
  const fromWchan = wchanCall(snap.wchan);
  if (fromWchan !== null) return { via: 'wchan', name: fromWchan, nr: snap.syscall?.nr ?? null, restart };
  if (snap.syscall !== null) return { via: 'none', nr: snap.syscall.nr, restart };
  return null;
}

/** True when the last snapshot of `pid` lists a socket among its fds. */
export function liveHasSockets(live: LiveEvidence | undefined, pid: number | null): boolean {
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
export function outboundSocketFd(snap: ProcSnapshot, listen: string | null | undefined): { fd: number; description: string; peer: string } | null {
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
