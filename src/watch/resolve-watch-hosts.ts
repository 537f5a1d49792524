import { ALL_HOSTS_GROUP } from '../config/group-settings.js';
import type { HostConfig } from '../config/host-config.js';
import type { Config } from '../config/schema.js';
import { resolveTargets } from '../config/resolve-targets.js';

/** The hosts `watch.hosts` names (hosts, groups, `all`/`*`), each once, in config order. */
export function resolveWatchHosts(config: Pick<Config, 'hosts' | 'groups' | 'watch'>): HostConfig[] {
  const targets = config.watch?.hosts ?? [];
  const wanted = new Set<string>();
  for (const target of targets) {
    for (const host of resolveTargets(config, target === '*' ? ALL_HOSTS_GROUP : target)) wanted.add(host.name);
  }
  return config.hosts.filter((h) => wanted.has(h.name));
}
