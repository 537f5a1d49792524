import type { SyscallStat } from '../strace/types.js';

/** A syscall row with its share of the time spent in syscalls, as `strace -c` shows it. */
export interface RankedSyscall extends SyscallStat {
  /** `totalTimeMs` as a percentage of all calls' time (0-100); null without a time. */
  timePct: number | null;
}

/**
 * Returns the syscalls ordered as `strace -c` orders them: by total time when the trace has `-T` times
 * (or came from a `strace -c` table), else by count; ties by count, then name. Each row gets its
 * `% time`. The summary's own order (by count, which the verdict's evidence quotes) is left as it is.
 */
export function rankSyscalls(syscalls: readonly SyscallStat[]): { rows: RankedSyscall[]; by: 'time' | 'count' } {
  let totalMs = 0;
  let isTimed = false;
  for (const s of syscalls) {
    if (s.totalTimeMs === null) continue;
    isTimed = true;
    totalMs += s.totalTimeMs;
  }
  const rows = syscalls.map((s) => ({ ...s, timePct: s.totalTimeMs === null ? null : totalMs > 0 ? (s.totalTimeMs / totalMs) * 100 : 0 }));
  if (isTimed) rows.sort((a, b) => (b.totalTimeMs ?? -1) - (a.totalTimeMs ?? -1) || b.count - a.count || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { rows, by: isTimed ? 'time' : 'count' };
}
