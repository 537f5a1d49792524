import { BotError } from '../errors.js';

/** The environment variable that makes this replica the one that watches (`WATCH=on`). */
export const WATCH_ENV_VAR = 'WATCH';

/** Whether this process runs the watcher. */
export interface WatchEnv {
  isWatcher: boolean;
}

const ON = new Set(['on', 'true', '1', 'yes']);
const OFF = new Set(['off', 'false', '0', 'no', '']);

/**
 * Reads `WATCH` (on/off, default off). Exactly one replica runs the watcher: the one started with
 * `WATCH=on`; every replica answers commands. Two watchers would post every alert twice and fight
 * over the state file, so the default is off and turning it on is a deliberate, per-replica setting.
 */
export function loadWatchEnv(env: NodeJS.ProcessEnv): WatchEnv {
  const raw = (env[WATCH_ENV_VAR] ?? '').trim().toLowerCase();
  if (ON.has(raw)) return { isWatcher: true };
  if (OFF.has(raw)) return { isWatcher: false };
  throw new BotError('config_invalid', `${WATCH_ENV_VAR} must be "on" or "off" (set it to on on exactly one replica to run the watcher there).`);
}
