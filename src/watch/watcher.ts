import type { HostConfig } from '../config/host-config.js';
import type { WatchSettings } from '../config/watch-settings.js';
import type { BotErrorCode } from '../errors.js';
import type { TransportPool } from '../transport/pool.js';
import type { Alert, StatusTrigger, WindowView } from './types.js';

// The watcher's contract (createWatcher in create-watcher.ts implements it).

/** Where the watcher reports what it does (a Bolt logger fits: `logger.warn({ event, … })`). */
export interface WatchLogger {
  info(fields: Record<string, unknown>): void;
  warn(fields: Record<string, unknown>): void;
}

/** What createWatcher needs: the settings, the hosts, the transports, and optionally a logger and a clock. */
export interface WatcherDeps {
  settings: WatchSettings;
  /** The watched hosts: `resolveWatchHosts(config)`. */
  hosts: readonly HostConfig[];
  /** The bot's pooled transports: a watcher shares the SSH connections commands use. */
  transports: TransportPool;
  logger?: WatchLogger;
  /** Bot clock, ms since the epoch (sample times, alert times); default `Date.now`. */
  now?: () => number;
}

/** What happened to an alert. */
export type AlertChangeType = 'opened' | 'updated' | 'resolved';

/** One change of one alert, in the order they happened. */
export interface AlertChangeEvent {
  type: AlertChangeType;
  alert: Alert;
}

/** What one sampling round did. */
export interface RoundReport {
  startedAt: number;
  durationMs: number;
  /** Hosts that got a sample this round (whatever its outcome). */
  sampled: string[];
  /** Hosts left out because their previous round had not ended. */
  skipped: { host: string; runningForMs: number }[];
  statusRuns: { host: string; trigger: StatusTrigger }[];
  failures: { host: string; code: BotErrorCode }[];
  opened: number;
  updated: number;
  resolved: number;
}

/** The watcher: its schedule, its alerts, its windows and its state file. */
export interface Watcher {
  /** Loads the state file, then runs a round now and every `intervalS`. */
  start(): Promise<void>;
  /** Stops the schedule, cancels running samples, waits for them and saves the state. */
  stop(): Promise<void>;
  /** Calls `cb` for every alert change; returns the unsubscribe function. */
  onAlertChange(cb: (event: AlertChangeEvent) => void): () => void;
  /** One round now (what the schedule runs; for tests and benches). Never rejects. */
  runRound(): Promise<RoundReport>;
  /** The alerts open now. */
  openAlerts(): Alert[];
  /** The watched hosts' names, in config order. */
  hosts(): string[];
  /** One host's window, decoded; null for a host not watched. */
  window(host: string): WindowView | null;
  /** Merges `meta` into an open alert's meta (kept across updates and restarts); false when not open. */
  setAlertMeta(key: string, meta: Record<string, string>): boolean;
  /** Saves the state file now. */
  save(): Promise<void>;
}
