import type { WatchSettings } from '../config/watch-settings.js';
import type { StatusTrigger, WatchSample } from './types.js';
import { activityOf, processKey } from './window-series.js';

/** Where the last status ran and what /proc showed the round before, for deciding this round. */
export interface StatusRunInput {
  /** The newest earlier sample with a /proc reading (null on the first round). */
  previous: WatchSample | null;
  /** This round's /proc sample. */
  current: WatchSample;
  /** Bot clock of the last status run of this host (failed ones included); null: never. */
  lastStatusT: number | null;
}

/**
 * Decides whether this round also runs Workerman's status, which signals every worker (and cuts a
 * `sleep()` in a handler short): at the cadence (`statusEveryS`), or sooner when /proc shows something
 * worth a look, but never twice within `statusMinGapS`. Worth a look: a worker in the same blocking
 * call with no CPU progress since the round before, a worker pinned on a CPU, a new pid for a worker
 * (a crash, or a reload), every process of a worker busy. Returns why, or null for no status.
 */
export function decideStatusRun(input: StatusRunInput, settings: Pick<WatchSettings, 'statusEveryS' | 'statusMinGapS' | 'thresholds'>): StatusTrigger | null {
  const { previous, current, lastStatusT } = input;
  if (current.outcome !== 'ok') return null;
  // No live master: status would only say "not run"; /proc already tells more (orphans, zombie).
  if (!current.processes.some((p) => p.role === 'master' && !p.state.startsWith('Z'))) return null;
  const since = lastStatusT === null ? Infinity : current.t - lastStatusT;
  if (since >= settings.statusEveryS * 1000) return 'cadence';
  if (since < settings.statusMinGapS * 1000 || previous === null || previous.outcome !== 'ok') return null;

  const idle = new Set(settings.thresholds.stuck.extraIdleWchans);
  const before = new Map(previous.processes.map((p) => [processKey(p), p]));
  const workers = current.processes.filter((p) => p.role === 'worker' && !p.isOrphan);
  let isNewPid = false;
  for (const p of workers) {
    const prev = before.get(processKey(p));
    if (prev === undefined) {
      // A worker that was not there before, under the same master: re-forked after an exit.
      if (previous.processes.some((q) => q.role === 'master' && q.pid === p.ppid)) isNewPid = true;
      continue;
    }
    const a = activityOf(prev, idle);
    const b = activityOf(p, idle);
    if (a.activity === 'blocked' && b.activity === 'blocked' && a.call === b.call && prev.cpuTicks === p.cpuTicks) return 'stuck';
    const wallS = current.uptimeS !== null && previous.uptimeS !== null ? current.uptimeS - previous.uptimeS : (current.t - previous.t) / 1000;
    if (wallS > 0 && (p.cpuTicks - prev.cpuTicks) / current.clkTck / wallS >= settings.thresholds.cpuPinnedShare) return 'cpu-pinned';
  }
  if (isNewPid) return 'new-pid';
  const byWorker = new Map<string, boolean[]>();
  for (const p of workers) {
    const { activity } = activityOf(p, idle);
    const list = byWorker.get(p.worker ?? '') ?? [];
    list.push(activity === 'running' || activity === 'blocked');
    byWorker.set(p.worker ?? '', list);
  }
  for (const busy of byWorker.values()) if (busy.length >= 2 && busy.every(Boolean)) return 'saturation';
  return null;
}
