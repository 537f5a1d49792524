/** Types of a strace summary (the `trace --json` contract, see README "JSON contract"). */

import type { SyscallArch } from './syscall-names.js';

export type VerdictState =
  | 'idle'
  | 'active'
  | 'blocked'
  | 'sleeping'
  /** Inside one call (restart_syscall, or a number without a table) that nothing names: sleeping or blocked. */
  | 'waiting'
  | 'cpu-bound'
  | 'silent'
  | 'exited'
  | 'not-traced';

export interface SyscallStat {
  name: string;
  count: number;
  errors: number;
  totalTimeMs: number | null;
  maxTimeMs: number | null;
}

export interface ErrnoStat {
  syscall: string;
  errno: string;
  count: number;
}

export interface SignalStat {
  signal: string;
  count: number;
}

export interface FdStat {
  pid: number | null;
  fd: number;
  description: string | null;
  calls: number;
  bytesRead: number;
  bytesWritten: number;
  timeMs: number | null;
}

export interface UnfinishedCall {
  pid: number | null;
  syscall: string;
  fd: number | null;
  description: string | null;
  waitedMs: number | null;
  /**
   * True when `waitedMs` is only a lower bound: in a file, whose end is not known, it runs to the last
   * timestamp (the call was still waiting then, and may have gone on after); and a call in progress
   * since before strace attached began earlier than the trace shows. False when `waitedMs` is how long
   * the call had waited when a live trace ended (the host measured that end), and when it is null.
   */
  waitedIsLowerBound: boolean;
}

export interface ProcessExit {
  pid: number;
  code: number | null;
  signal: string | null;
}

export interface Verdict {
  state: VerdictState;
  text: string;
  evidence: string[];
  syscall: string | null;
  fd: number | null;
  peer: string | null;
  waitedMs: number | null;
  /** As UnfinishedCall.waitedIsLowerBound, for `waitedMs`. */
  waitedIsLowerBound: boolean;
}

/**
 * Where `durationMs` comes from: `measured` (a live trace: the host timed it), `timestamps` (a file: the
 * span from its first to its last timestamp, which is not how long strace ran), or null (not known).
 */
export type DurationSource = 'measured' | 'timestamps';

export interface StraceSummary {
  host: string | null;
  pids: number[];
  durationMs: number | null;
  durationSource: DurationSource | null;
  syscallCount: number;
  unparsedLines: number;
  syscalls: SyscallStat[];
  errors: ErrnoStat[];
  signals: SignalStat[];
  fds: FdStat[];
  unfinished: UnfinishedCall[];
  exits: ProcessExit[];
  verdict: Verdict;
}

/** One socket from the host's socket table (`/proc/net/tcp*`, `ss -tanp`), keyed by inode. */
export interface SocketInfo {
  inode: number;
  protocol: 'TCP' | 'TCPv6' | 'UDP' | 'UDPv6' | 'UNIX';
  local: string;
  peer: string | null;
  state: string | null;
}

/** What `/proc/PID/*` said about one traced process at one instant (read on the host itself). */
export interface ProcSnapshot {
  pid: number;
  /** When it was taken, ms since the epoch (host clock). */
  takenAtMs: number;
  exists: boolean;
  /** `/proc/PID/stat` state letter: R, S, D, t, T, Z, … */
  state: string | null;
  tracerPid: number | null;
  /** utime + stime in clock ticks (`/proc/PID/stat` fields 14 and 15). */
  cpuTicks: number | null;
  clockTicksPerSecond: number;
  /** The host's syscall numbering (`uname -m`), which `syscall.nr` is read with; null: no table for that machine. */
  arch: SyscallArch | null;
  /** `/proc/PID/syscall` decoded: the syscall number and name, and its first argument (often an fd). */
  syscall: { nr: number; name: string | null; args: string[] } | null;
  /** Raw `/proc/PID/syscall` ("running" when on a CPU). */
  syscallRaw: string | null;
  wchan: string | null;
  /** fd number -> readlink target (`socket:[46583]`, `/srv/app/x.php`, `pipe:[1]`, `anon_inode:[eventpoll]`). */
  fds: Record<number, string>;
  /** Sockets of this process, by inode. */
  sockets: Record<number, SocketInfo>;
}

/** Live evidence sampled around a trace; absent when summarising a file. */
export interface LiveEvidence {
  before: ProcSnapshot[];
  after: ProcSnapshot[];
  /** Why strace could not attach, when it could not (strace's own message, classified). */
  attachError?: { code: 'no_such_process' | 'not_permitted' | 'already_traced' | 'invalid_pid' | 'other'; message: string } | undefined;
}

export interface SummarizeOptions {
  host?: string | null;
  /** The pids that were asked for (the summary adds the ones seen in the trace). */
  pids?: number[];
  durationMs?: number | null;
  live?: LiveEvidence;
  /** Worker role known from status, for context in the verdict (master vs worker, timer-only worker). */
  roles?: Record<number, { role: 'master' | 'worker'; workerName?: string | null; listen?: string | null }>;
}
