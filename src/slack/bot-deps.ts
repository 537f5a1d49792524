import type { Logger } from '@slack/bolt';
import type { UserGroupResolver } from '../access/create-user-group-resolver.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { HostQueue } from '../limits/create-host-queue.js';
import type { RateLimiter } from '../limits/create-rate-limiter.js';
import type { HistorySource } from '../history/create-history-source.js';
import type { TraceCap } from '../limits/create-trace-cap.js';
import type { TransportPool } from '../transport/pool.js';
import type { Watcher } from '../watch/watcher.js';
import type { AlertPoster } from './alert-poster.js';
import type { AckGate } from './create-ack-gate.js';
import type { SlackPoster } from './create-slack-poster.js';
import type { InFlight } from './in-flight.js';

/** What every handler closes over. Built once by createSlackApp. */
export interface BotDeps {
  config: Config;
  transports: TransportPool;
  logger: Logger;
  inFlight: InFlight;
  /** One JSON line per request (allowed, denied, rate limited or failed). */
  audit: AuditLog;
  /** Per-user token bucket (`limits.userBurst`, `limits.userPerMinute`), taken before the access check. */
  rateLimiter: RateLimiter;
  /** At most `limits.perHostConcurrency` commands at once per host; the rest wait visibly. */
  hostQueue: HostQueue;
  /** At most `limits.maxConcurrentTraces` traces at once across all hosts. */
  traceCap: TraceCap;
  /** Every channel post and update: paced per channel, 429s retried. */
  poster: SlackPoster;
  /** Post-ack work waits on it so a burst of requests is acked first. */
  ackGate: AckGate;
  /** Whether a Workerman master runs on this machine: then the built-in `local` host is in `all` and `hosts`. */
  hasLocalMaster: () => Promise<boolean>;
  /** Membership of the user groups named in access rules; absent when no rule names one. */
  userGroups?: UserGroupResolver;
  /**
   * The watcher, on the one replica that watches (WATCH=on and a `watch` section); absent elsewhere.
   * Read its window and open alerts here (metrics, charts); createSlackApp starts and stops it.
   */
  watcher?: Watcher;
  /** Posts the watcher's alerts in `watch.channel` and silences them; present with `watcher`. */
  alerts?: AlertPoster;
  /** The watch windows `history` draws (the watcher's, or its state file's); absent without a `watch` section. */
  history?: HistorySource;
}
