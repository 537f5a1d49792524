import type { StatusSnapshot, WatchProcess, WatchSample, WindowView } from './types.js';

/** What a process was doing when /proc was read. */
export type Activity = 'idle' | 'running' | 'blocked' | 'unknown';

/**
 * Calls an event loop waits in: Workerman's Event/Ev/Uv loops sit in epoll_wait, its Select loop in
 * select/pselect6. poll/ppoll are not here: PHP's blocking stream reads (an upstream that does not
 * answer) wait in poll, as the busy-upstream captures' /proc ground truth shows.
 */
export const IDLE_SYSCALLS: ReadonlySet<string> = new Set(['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'select', 'pselect6']);
/**
 * Kernel wait functions of those calls, used when /proc/PID/syscall is unreadable (Yama without sudo).
 * `poll_schedule_timeout` is where both select and poll sleep: without the syscall a worker blocked in
 * a stream poll then looks idle (status's `[busy]` still catches it).
 */
export const IDLE_WCHANS: ReadonlySet<string> = new Set(['do_epoll_wait', 'ep_poll', 'do_select', 'core_sys_select', 'poll_schedule_timeout']);

/** The process's activity, and the call it is blocked in (`poll`, `clock_nanosleep`, a wchan) if any. */
export function activityOf(p: WatchProcess, extraIdleWchans: ReadonlySet<string> = new Set()): { activity: Activity; call: string | null } {
  if (p.state.startsWith('Z') || p.state.startsWith('X')) return { activity: 'unknown', call: null };
  if (p.state.startsWith('R') || p.syscall === 'running') return { activity: 'running', call: null };
  if (p.state.startsWith('T') || p.state.startsWith('t')) return { activity: 'blocked', call: 'stopped' };
  const wchan = p.wchan === null || p.wchan === '0' ? null : p.wchan.replace(/\.(constprop|isra|part|cold)\.\d+$/, '');
  const named = p.syscall !== null && /^[a-z_][a-z0-9_]*$/.test(p.syscall) ? p.syscall : null;
  const isIdleWchan = wchan !== null && (IDLE_WCHANS.has(wchan) || extraIdleWchans.has(wchan));
  // A sleep or poll interrupted (by a trace, a stop) resumes as restart_syscall: the wchan says which.
  if (named !== null && !(named === 'restart_syscall' && isIdleWchan)) {
    if (IDLE_SYSCALLS.has(named)) return { activity: 'idle', call: null };
    return { activity: 'blocked', call: wchan === null ? named : `${named} (${wchan})` };
  }
  if (wchan === null) return { activity: 'unknown', call: null };
  if (isIdleWchan) return { activity: 'idle', call: null };
  return { activity: 'blocked', call: wchan };
}

/** One /proc reading of one process, with what changed since the reading before it. */
export interface ProcPoint {
  /** Index of the sample in `WindowSeries.ok`. */
  i: number;
  t: number;
  rssBytes: number;
  cpuTicks: number;
  fds: number | null;
  activity: Activity;
  call: string | null;
  /** Share of one CPU since the previous reading of this process; null for its first. */
  cpuShare: number | null;
}

/** One process over the window (a pid with its start time: a reused pid is another process). */
export interface ProcSeries {
  key: string;
  pid: number;
  role: 'master' | 'worker';
  worker: string | null;
  listen: string | null;
  isOrphan: boolean;
  points: ProcPoint[];
}

/** The window arranged for the detectors: ok samples, per-process series, status samples. */
export interface WindowSeries {
  host: string;
  all: readonly WatchSample[];
  ok: readonly WatchSample[];
  /** Status samples that gave a table, oldest first. */
  status: readonly StatusSnapshot[];
  series: Map<string, ProcSeries>;
  /** Keys of the processes in the latest ok sample. */
  latestKeys: Set<string>;
}

/** The identity of a process across samples. */
export function processKey(p: Pick<WatchProcess, 'pid' | 'startTicks'>): string {
  return `${p.pid}:${p.startTicks}`;
}

/** Arranges a window for the detectors (one pass; the detectors then read, never re-scan). */
export function buildWindowSeries(view: WindowView, extraIdleWchans: ReadonlySet<string> = new Set()): WindowSeries {
  const ok = view.samples.filter((s) => s.outcome === 'ok');
  const series = new Map<string, ProcSeries>();
  const prevOf = new Map<string, { cpuTicks: number; uptimeS: number | null; t: number; clkTck: number }>();
  ok.forEach((sample, i) => {
    for (const p of sample.processes) {
      const key = processKey(p);
      let s = series.get(key);
      if (s === undefined) {
        s = { key, pid: p.pid, role: p.role, worker: p.worker, listen: p.listen, isOrphan: p.isOrphan, points: [] };
        series.set(key, s);
      }
      s.isOrphan = p.isOrphan;
      const prev = prevOf.get(key);
      const { activity, call } = activityOf(p, extraIdleWchans);
      s.points.push({ i, t: sample.t, rssBytes: p.rssBytes, cpuTicks: p.cpuTicks, fds: p.fds, activity, call, cpuShare: prev === undefined ? null : cpuShare(prev, p.cpuTicks, sample) });
      prevOf.set(key, { cpuTicks: p.cpuTicks, uptimeS: sample.uptimeS, t: sample.t, clkTck: sample.clkTck });
    }
  });
  const latest = ok.at(-1);
  return {
    host: view.host,
    all: view.samples,
    ok,
    status: view.samples.flatMap((s) => (s.status !== null && s.status.error === null ? [s.status] : [])),
    series,
    latestKeys: new Set(latest === undefined ? [] : latest.processes.map(processKey)),
  };
}

// The host's uptime is its own monotonic clock; the bot's clock is the fallback.
function cpuShare(prev: { cpuTicks: number; uptimeS: number | null; t: number; clkTck: number }, cpuTicks: number, now: WatchSample): number | null {
  const wallS = prev.uptimeS !== null && now.uptimeS !== null ? now.uptimeS - prev.uptimeS : (now.t - prev.t) / 1000;
  if (!(wallS > 0)) return null;
  return Math.max(0, (cpuTicks - prev.cpuTicks) / now.clkTck / wallS);
}

/** The reading taken in ok sample `index` (points are in sample order: binary search). */
export function pointAt(points: readonly ProcPoint[], index: number): ProcPoint | undefined {
  let lo = 0;
  let hi = points.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const i = points[mid]!.i;
    if (i === index) return points[mid];
    if (i < index) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Number of trailing items for which `pred` holds. */
export function trailing<T>(items: readonly T[], pred: (item: T) => boolean): number {
  let n = 0;
  for (let i = items.length - 1; i >= 0 && pred(items[i]!); i--) n += 1;
  return n;
}
