import type { LoadedConfig } from '../config/load.js';
import { ALL_HOSTS_GROUP } from '../config/group-settings.js';
import type { HostConfig } from '../config/host-config.js';
import { BotError, oneLine } from '../errors.js';
import { listHostGroups } from '../config/resolve-targets.js';
import { suggestClosest } from '../suggest/suggest-closest.js';

/** True when `name` is a group (or `all`) and not a host of that name: `status <name>` runs as a fleet. */
export function isGroupName(loaded: LoadedConfig, name: string): boolean {
  const config = loaded.config;
  return !config.hosts.some((h) => h.name === name) && (name === ALL_HOSTS_GROUP || listHostGroups(config).has(name));
}

/**
 * Returns the configured host `name`, or throws `host_unknown` naming the closest host (and group,
 * when `withGroups`), the hosts there are and the file they came from, or where no file was found.
 */
export function pickHost(loaded: LoadedConfig, name: string, opts: { withGroups?: boolean } = {}): HostConfig {
  const host = loaded.config.hosts.find((h) => h.name === name);
  if (host) return host;
  const hostNames = loaded.config.hosts.map((h) => h.name);
  const groupNames = opts.withGroups ? [...listHostGroups(loaded.config).keys(), ALL_HOSTS_GROUP] : [];
  const near = suggestClosest(name, [...hostNames, ...groupNames]);
  const guess = near === undefined ? '' : ` Did you mean "${near}"?`;
  const where =
    loaded.path === null
      ? ` No config file was found (looked for ${loaded.searched.join(', ')}), so only the built-in host "local" exists.`
      : ` Hosts in ${loaded.path}: ${hostNames.join(', ')}${groupNames.length > 0 ? `; groups: ${groupNames.join(', ')}` : ''}.`;
  throw new BotError('host_unknown', `Unknown host "${oneLine(name, 64)}".${guess}${where} See workerman-ops hosts.`);
}
