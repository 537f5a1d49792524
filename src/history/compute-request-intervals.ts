import type { StatusSnapshot } from '../watch/types.js';

/** Requests served per worker between two status samples. */
export interface RequestInterval {
  fromMs: number;
  toMs: number;
  /** Worker name → requests in the interval (0 for a worker whose processes served none). */
  requests: Map<string, number>;
  /** Processes that counted from 0 again in this interval (new pid, new master, counter went down). */
  resets: number;
}

/**
 * Returns the requests each worker served between consecutive status samples that gave a table, from
 * the `total_request` counter of each process (cumulative since the process started). Counter resets
 * are handled the way Prometheus's `increase()` does: a process that was not in the previous sample (a
 * reload or a respawn gave it a new pid), a new master (`start time` changed) or a counter that went
 * down all mean the process counts from 0 again, so its whole counter was served in the interval. A
 * busy row (`N/A`) has no counter: the next reading of that pid counts from its last known value.
 */
export function computeRequestIntervals(snapshots: readonly StatusSnapshot[]): RequestInterval[] {
  const good = snapshots.filter((s) => s.error === null);
  const intervals: RequestInterval[] = [];
  // pid → last counter read, with the worker and master it belonged to (a reused pid is another process).
  const lastKnown = new Map<number, { value: number; worker: string; startedAt: string | null }>();
  good.forEach((cur, i) => {
    let resets = 0;
    const prev = i === 0 ? null : good[i - 1]!;
    const prevPids = new Set(prev === null ? [] : prev.processes.map((p) => p.pid));
    const requests = new Map<string, number>();
    for (const p of cur.processes) {
      if (!requests.has(p.worker)) requests.set(p.worker, 0);
      if (p.totalRequest === null) continue;
      const known = lastKnown.get(p.pid);
      const isSameProcess = known !== undefined && known.worker === p.worker && known.startedAt === cur.startedAt && prevPids.has(p.pid);
      lastKnown.set(p.pid, { value: p.totalRequest, worker: p.worker, startedAt: cur.startedAt });
      if (prev === null) continue;
      let served: number;
      if (isSameProcess && p.totalRequest >= known.value) {
        served = p.totalRequest - known.value;
      } else if (!isSameProcess && prevPids.has(p.pid) && cur.startedAt === prev.startedAt && known === undefined) {
        // In the previous table but busy there, and never read before: what it served now is unknown.
        continue;
      } else {
        resets += 1;
        served = p.totalRequest;
      }
      requests.set(p.worker, requests.get(p.worker)! + served);
    }
    if (prev !== null && cur.t > prev.t) intervals.push({ fromMs: prev.t, toMs: cur.t, requests, resets });
  });
  return intervals;
}
