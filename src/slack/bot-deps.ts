import type { Logger } from '@slack/bolt';
import type { UserGroupResolver } from '../access/create-user-group-resolver.js';
import type { Config } from '../config/schema.js';
import type { TransportPool } from '../transport/pool.js';
import type { AckGate } from './create-ack-gate.js';
import type { HostLimiter } from './create-host-limiter.js';
import type { InFlight } from './in-flight.js';

/** What every handler closes over. Built once by createSlackApp. */
export interface BotDeps {
  config: Config;
  transports: TransportPool;
  logger: Logger;
  inFlight: InFlight;
  /** At most `limits.perHostConcurrency` status commands at once per host. */
  hostLimiter: HostLimiter;
  /** Post-ack work waits on it so a burst of requests is acked first. */
  ackGate: AckGate;
  /** Membership of the user groups named in access rules; absent when no rule names one. */
  userGroups?: UserGroupResolver;
}
