import { HostConfig } from './host-config.js';

/** The built-in host: this machine, no SSH. Its start file is found from the running master's title. */
export const LOCAL_HOST_NAME = 'local';

// Set on the host object the loader adds (never by a config file). Object spreads keep symbol keys, so
// the mark survives the copies later steps make; JSON and zod drop it, and nothing re-parses a Config.
const BUILT_IN = Symbol('workerman-ops.builtInLocalHost');
type Mark = 'unchecked' | 'runs-workerman';
type Marked = HostConfig & { [BUILT_IN]?: Mark };

/** Returns the built-in `local` host, not yet known to run a Workerman app (so not in `all` or `hosts`). */
export function createBuiltInLocalHost(): HostConfig {
  const host: Marked = HostConfig.parse({ name: LOCAL_HOST_NAME, description: 'this machine (no SSH)' });
  host[BUILT_IN] = 'unchecked';
  return host;
}

/** True for the `local` host the loader added (the config file names no host `local`). */
export function isBuiltInLocalHost(host: HostConfig): boolean {
  return (host as Marked)[BUILT_IN] !== undefined;
}

/**
 * True when `host` belongs in `all` and in the `hosts` listing: every host the config names; the
 * built-in `local` only once resolveListedHosts saw a Workerman master running on this machine.
 */
export function isListedHost(host: HostConfig): boolean {
  const mark = (host as Marked)[BUILT_IN];
  return mark === undefined || mark === 'runs-workerman';
}

/**
 * Returns `config` with its built-in `local` host listed when `hasLocalMaster()` says a Workerman master
 * runs on this machine. Called where `all` is expanded or hosts are listed, never at start-up: the
 * check reads /proc, and only when there is a built-in host to decide about.
 */
export async function resolveListedHosts<C extends { hosts: HostConfig[] }>(config: C, hasLocalMaster: () => Promise<boolean>): Promise<C> {
  const index = config.hosts.findIndex((h) => (h as Marked)[BUILT_IN] === 'unchecked');
  if (index < 0 || !(await hasLocalMaster())) return config;
  const hosts = [...config.hosts];
  const listed: Marked = { ...hosts[index]! };
  listed[BUILT_IN] = 'runs-workerman';
  hosts[index] = listed;
  return { ...config, hosts };
}
