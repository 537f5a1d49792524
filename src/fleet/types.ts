import type { BotErrorCode } from '../errors.js';
import type { WorkermanStatus } from '../workerman/types.js';

/** How a host of a fleet status answered: up, Workerman not running, no answer, or another error. */
export type FleetHostState = 'up' | 'not-running' | 'unreachable' | 'error';

/** One host's line in a fleet status. Numbers are null when the host did not answer. */
export interface FleetRow {
  host: string;
  state: FleetHostState;
  errorCode: BotErrorCode | null;
  /** The error message for the thread (one line), null when up. */
  message: string | null;
  version: string | null;
  processes: number | null;
  busy: number | null;
  crashLoops: number | null;
  memoryBytes: number | null;
  durationMs: number;
  status?: WorkermanStatus;
}
