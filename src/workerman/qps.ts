import type { ProcessRow, WorkermanStatus } from './types.js';

/**
 * Returns `second` with real requests per second per process: the `total_request` delta between two
 * samples taken `intervalMs` apart. null for a pid absent from `first`, a busy row (no counter), or a
 * counter that went down (the process was reloaded and counts from 0 again).
 */
export function computeQps(first: WorkermanStatus, second: WorkermanStatus, intervalMs: number): WorkermanStatus {
  const before = new Map<number, ProcessRow>(first.processes.map((p) => [p.pid, p]));
  const seconds = intervalMs / 1000;
  const processes = second.processes.map((p): ProcessRow => {
    const prev = before.get(p.pid);
    let qps: number | null = null;
    if (
      seconds > 0 &&
      prev !== undefined &&
      prev.workerName === p.workerName &&
      prev.totalRequest !== null &&
      p.totalRequest !== null &&
      p.totalRequest >= prev.totalRequest
    ) {
      // Two decimals: a 1 s interval measured by the caller is not more precise than that.
      qps = Math.round(((p.totalRequest - prev.totalRequest) / seconds) * 100) / 100;
    }
    return { ...p, qps };
  });
  return { ...second, processes };
}
