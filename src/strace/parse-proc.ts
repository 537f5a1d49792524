/**
 * Pure parsers for what Linux prints under /proc about one process (stat, status, syscall, its fd
 * links), plus the reader of the snapshot blocks the host helper prints. Its sockets' tables are
 * parse-net-table.ts's. No I/O here.
 */
import type { ProcSnapshot } from './types.js';
import { isNetTable, parseNetLine } from './parse-net-table.js';
import { syscallName, type SyscallArch } from './syscall-names.js';

/** The fields of `/proc/PID/stat` the trace needs. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  utimeTicks: number;
  stimeTicks: number;
}

/**
 * Parses `/proc/PID/stat`. The command name sits in parentheses and may itself contain spaces and
 * parentheses, so the fields are counted from the LAST `)`.
 *
 * @example
 * parseProcStat('21134 (php) S 21130 21130 ... 7 5 0 0 20 0 1 0 ...')
 * // { pid: 21134, comm: 'php', state: 'S', ppid: 21130, utimeTicks: 7, stimeTicks: 5 }
 */
export function parseProcStat(text: string): ProcStat | null {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  const pid = Number(text.slice(0, open).trim());
  const rest = text.slice(close + 1).trim().split(/\s+/);
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const state = rest[0];
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (!Number.isInteger(pid) || state === undefined || state === '' || !Number.isFinite(utime) || !Number.isFinite(stime)) {
    return null;
  }
  return { pid, comm: text.slice(open + 1, close), state, ppid, utimeTicks: utime, stimeTicks: stime };
}

/** The fields of `/proc/PID/status` the trace needs (any may be missing from a partial read). */
export interface ProcStatus {
  state: string | null;
  ppid: number | null;
  tracerPid: number | null;
  uid: number | null;
  /** CapEff as a bigint (hex in the file). */
  capEff: bigint | null;
}

/**
 * Parses the `Key:\tvalue` lines of `/proc/PID/status` (whole file or only some lines).
 *
 * @example
 * parseProcStatus('State:\tS (sleeping)\nTracerPid:\t0\n') // { state: 'S', tracerPid: 0, ... }
 */
export function parseProcStatus(text: string): ProcStatus {
  const out: ProcStatus = { state: null, ppid: null, tracerPid: null, uid: null, capEff: null };
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon);
    const value = line.slice(colon + 1).trim();
    if (key === 'State') out.state = value.slice(0, 1) || null;
    else if (key === 'PPid') out.ppid = intOrNull(value);
    else if (key === 'TracerPid') out.tracerPid = intOrNull(value);
    else if (key === 'Uid') out.uid = intOrNull(value.split(/\s+/)[0] ?? '');
    else if (key === 'CapEff' && /^[0-9a-fA-F]+$/.test(value)) out.capEff = BigInt(`0x${value}`);
  }
  return out;
}

/** True when a CapEff value holds CAP_SYS_PTRACE (bit 19), which ptrace needs in a container. */
export function hasCapSysPtrace(capEff: bigint): boolean {
  return ((capEff >> 19n) & 1n) === 1n;
}

/**
 * Parses `/proc/PID/syscall`: the number and six arguments of the call the process is blocked in, named
 * with the table of the host's machine (`arch`; null names nothing). `running` (on a CPU) and `-1 sp pc`
 * (blocked outside a syscall, e.g. a page fault) give null.
 *
 * @example
 * parseProcSyscall('7 0x7fffb2e64950 0x1 0x7530 0x2 0xbb 0x2 0x7fffb2e64938 0x7f161df1a230', 'x86_64')
 * // { nr: 7, name: 'poll', args: ['0x7fffb2e64950', '0x1', '0x7530', '0x2', '0xbb', '0x2'] }
 */
export function parseProcSyscall(raw: string, arch: SyscallArch | null): ProcSnapshot['syscall'] {
  const parts = raw.trim().split(/\s+/);
  const nr = Number(parts[0]);
  if (parts[0] === undefined || !/^\d+$/.test(parts[0]) || !Number.isInteger(nr)) return null;
  return { nr, name: syscallName(nr, arch), args: parts.slice(1, 7) };
}

/**
 * Parses `ls -l /proc/PID/fd` into fd -> link target.
 *
 * @example
 * parseFdListing('lrwx------ 1 root root 64 Nov 26 04:43 8 -> socket:[46964]') // { 8: 'socket:[46964]' }
 */
export function parseFdListing(text: string): Record<number, string> {
  const fds: Record<number, string> = {};
  for (const line of text.split('\n')) {
    // The first " N -> " is the fd: the fields before it (owner, date) never look like that.
    const m = / (\d+) -> (.*)$/.exec(line);
    if (m === null || m[1] === undefined || m[2] === undefined) continue;
    fds[Number(m[1])] = m[2];
  }
  return fds;
}

/** The socket inode of an fd link target (`socket:[46964]` -> 46964), or null. */
export function socketInodeOf(target: string): number | null {
  const m = /^socket:\[(\d+)\]$/.exec(target);
  return m?.[1] === undefined ? null : Number(m[1]);
}

/** Context for reading a snapshot block: when and on what machine it was taken. */
export interface SnapshotContext {
  pid: number;
  takenAtMs: number;
  clockTicksPerSecond: number;
  arch: SyscallArch | null;
}

/**
 * Reads the body of one snapshot block the trace script prints (the lines between `snap` and
 * `snap-end`), each tagged by where it came from.
 *
 * @example
 * parseProcSnapshot(ctx, [
 *   'stat 21134 (php) S 21130 21130 21130 0 -1 4194624 1 0 0 0 8 5 0 0 20 0 1 0 1 1 1',
 *   'status TracerPid:\t0',
 *   'syscall 219 0x7fffb2e64950 0x1 0x7530 0x2 0xbb 0x2 0x7fffb2e64938 0x7f161df1a230',
 *   'wchan poll_schedule_timeout.constprop.0',
 *   'fd lrwx------ 1 root root 64 Nov 26 04:43 8 -> socket:[46964]',
 *   'net tcp    3: 0100007F:98E8 0100007F:4966 01 00000000:00000000 00:00000000 00000000 0 0 46964 1',
 * ])
 */
export function parseProcSnapshot(ctx: SnapshotContext, lines: readonly string[]): ProcSnapshot {
  const snap: ProcSnapshot = {
    pid: ctx.pid,
    takenAtMs: ctx.takenAtMs,
    exists: false,
    state: null,
    tracerPid: null,
    cpuTicks: null,
    clockTicksPerSecond: ctx.clockTicksPerSecond,
    arch: ctx.arch,
    syscall: null,
    syscallRaw: null,
    wchan: null,
    fds: {},
    sockets: {},
  };
  const statusLines: string[] = [];
  for (const line of lines) {
    const space = line.indexOf(' ');
    const tag = space < 0 ? line : line.slice(0, space);
    const body = space < 0 ? '' : line.slice(space + 1);
    if (tag === 'stat') {
      const stat = parseProcStat(body);
      if (stat !== null) {
        snap.exists = true;
        snap.state = stat.state;
        snap.cpuTicks = stat.utimeTicks + stat.stimeTicks;
      }
    } else if (tag === 'status') {
      statusLines.push(body);
    } else if (tag === 'syscall') {
      const raw = body.trim();
      if (raw !== '') {
        snap.syscallRaw = raw;
        // Without a table for the machine this keeps the number but no guessed name.
        snap.syscall = parseProcSyscall(raw, ctx.arch);
      }
    } else if (tag === 'wchan') {
      const w = body.trim();
      snap.wchan = w === '' ? null : w;
    } else if (tag === 'fd') {
      Object.assign(snap.fds, parseFdListing(body));
    } else if (tag === 'net') {
      const sp = body.indexOf(' ');
      const table = body.slice(0, sp);
      if (isNetTable(table)) {
        const s = parseNetLine(table, body.slice(sp + 1));
        if (s !== null) snap.sockets[s.inode] = s;
      }
    }
  }
  const status = parseProcStatus(statusLines.join('\n'));
  if (status.tracerPid !== null) snap.tracerPid = status.tracerPid;
  if (snap.state === null && status.state !== null) {
    snap.exists = true;
    snap.state = status.state;
  }
  return snap;
}

function intOrNull(s: string): number | null {
  return /^-?\d+$/.test(s) ? Number(s) : null;
}
