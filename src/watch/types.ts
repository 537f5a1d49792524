/**
 * Types of `watch`: the samples a watcher takes of a host, the window it keeps of them, and the
 * alerts the engine derives from that window. Everything here is plain data (JSON-safe), so the state
 * file, a Slack renderer, a Prometheus exporter or a chart can read it without the watcher.
 */
import type { BotErrorCode } from '../errors.js';

/** One Workerman process of the watched app as `/proc` showed it (the helper's `sample`). */
export interface WatchProcess {
  pid: number;
  ppid: number;
  /** `/proc/PID/stat` field 22, clock ticks after boot: with the pid, one process for good. */
  startTicks: number;
  /** `/proc/PID/stat` state: `S`, `R`, `D`, `Z`, `T`, … */
  state: string;
  /** utime + stime, clock ticks (`WatchSample.clkTck` per second). */
  cpuTicks: number;
  rssBytes: number;
  /** Open file descriptors; null where /proc does not let the SSH user read them. */
  fds: number | null;
  /** Kernel function the process sleeps in (`do_epoll_wait`, `hrtimer_nanosleep`, …); `0` while it runs; null when hidden. */
  wchan: string | null;
  /**
   * What `/proc/PID/syscall` says: the call's name (`epoll_wait`, `poll`, `clock_nanosleep`), its number
   * when the architecture has no table, `running`, or null when unreadable (Yama, another user).
   */
  syscall: string | null;
  role: 'master' | 'worker';
  /** Worker name from the title (`WorkerMan: worker process  NAME LISTEN`); null for the master. */
  worker: string | null;
  listen: string | null;
  /** A worker whose master is gone (or a zombie) that belongs to this app. */
  isOrphan: boolean;
}

/** What a sampling round got from one host. */
export type SampleOutcome = 'ok' | 'unreachable' | 'failed';

/**
 * One sampling round of one host: the `/proc` sample (every `watch.intervalS`) and, when it ran in
 * the same round, Workerman's own status (every `watch.statusEveryS`, or when /proc shows something).
 */
export interface WatchSample {
  host: string;
  /** Bot clock, ms since the epoch, when the round of this host started. */
  t: number;
  durationMs: number;
  outcome: SampleOutcome;
  /** Why the round got no sample (outcome not `ok`). */
  error: { code: BotErrorCode; message: string } | null;
  /** Host clock: seconds since boot when /proc was read (CPU shares use the host's own clock). */
  uptimeS: number | null;
  clkTck: number;
  /** The app's start file (configured, or the one running master's). */
  startFile: string | null;
  /** The app's masters (live or zombie), workers and orphans. Empty when the app does not run. */
  processes: WatchProcess[];
  /** Workerman's status, when it ran in this round. */
  status: StatusSnapshot | null;
}

/** Why a status sample ran. */
export type StatusTrigger = 'cadence' | 'stuck' | 'cpu-pinned' | 'new-pid' | 'saturation';

/** One process row of a status sample: only the columns the engine reads. */
export interface StatusProcess {
  pid: number;
  worker: string;
  listen: string | null;
  /** PHP heap as Workerman prints it (`memory_get_usage()`); null on a busy row. */
  memoryBytes: number | null;
  connections: number | null;
  totalRequest: number | null;
  isBusy: boolean;
}

/** Workerman's `status` as the window keeps it (compact: what alerts and charts need). */
export interface StatusSnapshot {
  t: number;
  trigger: StatusTrigger;
  /** `start time:` of the master: exit counts restart from 0 with a new master. */
  startedAt: string | null;
  processes: StatusProcess[];
  /** The `exit_status` / `exit_count` table (Workerman keeps it per master). */
  exits: { worker: string; status: number | string; count: number }[];
  /** Set when status did not give a table (not running, timed out, …). */
  error: { code: BotErrorCode; message: string } | null;
}

/** The samples of one host the engine reads, oldest first (decoded from the compact window). */
export interface WindowView {
  host: string;
  samples: readonly WatchSample[];
}

/** What an alert is about. */
export type AlertKind =
  | 'memory-growth'
  | 'stuck'
  | 'saturation'
  | 'crash-loop'
  | 'stall'
  | 'master-down'
  | 'orphaned-workers'
  | 'app-not-running'
  | 'host-unreachable'
  | 'watch-failed';

export type AlertSeverity = 'warning' | 'critical';

/**
 * One alert. `key` = host + kind + subject: at most one open alert per key, so a renderer posts one
 * message per key, updates it while the alert stays open and replies "resolved" once.
 */
export interface Alert {
  key: string;
  host: string;
  kind: AlertKind;
  /** Worker name (memory-growth, saturation, crash-loop, stall), pid (stuck), start file or `host`. */
  subject: string;
  state: 'open' | 'resolved';
  severity: AlertSeverity;
  /** One line, plain text: `HttpApi01 on web-1: memory grows 12.4 MiB/h`. */
  title: string;
  /** Plain-text lines, each one fact with its numbers (escape before posting). */
  evidence: string[];
  /** What to do, with the command to run (`/workerman trace web-1 19366`). */
  nextStep: string;
  /** Pids a Trace button may offer (stuck, leaking or saturated processes). */
  pids: number[];
  /** Numbers behind the evidence, for charts and metrics (`mbPerHour`, `projectedMs`, …). */
  metrics: Record<string, number>;
  /** Bot clock (ms since the epoch): opened, last changed, resolved. */
  since: number;
  updatedAt: number;
  resolvedAt: number | null;
  /** Why it resolved (plain text), null while open. */
  resolution: string | null;
  /** Bumped whenever title, severity, evidence or next step change. */
  revision: number;
  /** Kept across updates and restarts for whoever posts the alert (e.g. the Slack message ts). */
  meta: Record<string, string>;
}

/** What one evaluation changed. `open` is every alert open afterwards (the input's successors). */
export interface AlertChanges {
  opened: Alert[];
  updated: Alert[];
  resolved: Alert[];
  open: Alert[];
}

/** A detector's verdict on one subject: fire = open (or keep open), hold = keep an open one, clear = resolve it. */
export interface AlertSignal {
  kind: AlertKind;
  subject: string;
  verdict: 'fire' | 'hold' | 'clear';
  severity: AlertSeverity;
  title: string;
  evidence: string[];
  nextStep: string;
  pids: number[];
  metrics: Record<string, number>;
  /** For `clear`: why (`pid 19366 is gone`). */
  resolution?: string;
}

/** The key of an alert: host, kind and subject. */
export function alertKey(host: string, kind: AlertKind, subject: string): string {
  return `${host}/${kind}/${subject}`;
}
