import { BotError, oneLine } from '../errors.js';
import { isBuiltInLocalHost, isListedHost, LOCAL_HOST_NAME } from './local-host.js';
import { ALL_HOSTS_GROUP } from './group-settings.js';
import type { HostConfig } from './host-config.js';
import type { Config } from './schema.js';

type GroupSource = Pick<Config, 'hosts' | 'groups'>;

/**
 * Returns the hosts a name typed in chat stands for: the host of that name, the members of that group
 * (config order), or every listed host for `all` (the built-in `local` only once resolveListedHosts saw
 * a Workerman app running here). Anything else is a `host_unknown` BotError; the name is only
 * compared, never used to build anything.
 */
export function resolveTargets(config: GroupSource, name: string): HostConfig[] {
  const host = config.hosts.find((h) => h.name === name);
  if (host !== undefined) return [host];
  if (name === ALL_HOSTS_GROUP) {
    const listed = config.hosts.filter(isListedHost);
    if (listed.length > 0) return listed;
    const leftOut = config.hosts.some(isBuiltInLocalHost)
      ? ` (the built-in host \`${LOCAL_HOST_NAME}\` is left out: no Workerman app runs on this machine; ask it by name to see why)`
      : '';
    throw new BotError('host_unknown', `No hosts are configured${leftOut}: add some under \`hosts\` in the config.`);
  }
  const members = listHostGroups(config).get(name);
  if (members === undefined) {
    throw new BotError('host_unknown', `Unknown host or group "${oneLine(name, 64)}". Run \`/workerman hosts\` to list them.`);
  }
  if (members.length === 0) {
    throw new BotError('host_unknown', `Group "${name}" has no hosts: add the group to some host's \`groups\` in the config.`);
  }
  return members;
}

/** Returns every named group (not `all`) with its member hosts, in config order; groups sorted by name. */
export function listHostGroups(config: GroupSource): Map<string, HostConfig[]> {
  // A Map, not an object: a name like "__proto__" typed in chat must not reach Object.prototype.
  const names = new Set<string>();
  for (const host of config.hosts) for (const group of host.groups) names.add(group);
  for (const group of Object.keys(config.groups ?? {})) names.add(group);
  const groups = new Map<string, HostConfig[]>();
  for (const group of [...names].sort()) {
    const extra = Object.hasOwn(config.groups ?? {}, group) ? (config.groups[group]?.hosts ?? []) : [];
    groups.set(
      group,
      config.hosts.filter((h) => h.groups.includes(group) || extra.includes(h.name)),
    );
  }
  return groups;
}
