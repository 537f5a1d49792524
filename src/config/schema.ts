import { z } from 'zod';
import { AccessConfig } from './access-config.js';
import { AuditSettings } from './audit-settings.js';
import { ALL_HOSTS_GROUP, GroupSettings } from './group-settings.js';
import { HostConfig } from './host-config.js';
import { HostName } from './host-name.js';
import { LimitsSettings } from './limits-settings.js';
import { WatchSettings } from './watch-settings.js';

const AUDIT_DEFAULTS: AuditSettings = { requireForPrivileged: true, maxBacklogRecords: 10_000 };

const LIMITS_DEFAULTS: LimitsSettings = {
  userBurst: 5,
  userPerMinute: 20,
  perHostConcurrency: 2,
  maxConcurrentTraces: 4,
  fleetConcurrency: 16,
  fleetHostTimeoutMs: 15_000,
  postIntervalMs: 1_000,
  updatesPerMinute: 50,
  max429Retries: 3,
  summariseMaxBytes: 8 * 1024 * 1024,
};

/** The name of the built-in host the loader adds (see config/load.ts); rules may name it. */
const BUILT_IN_LOCAL_HOST = 'local';

/** The whole config file (each section's schema lives in its own module beside this one). */
export const Config = z
  .strictObject({
    hosts: z.array(HostConfig).default([]),
    /** Optional descriptions and members of host groups (see GroupSettings). */
    groups: z.record(HostName, GroupSettings).default({}),
    /** Absent: see AccessConfig for the defaults. */
    access: AccessConfig.optional(),
    audit: AuditSettings.default(AUDIT_DEFAULTS),
    limits: LimitsSettings.default(LIMITS_DEFAULTS),
    /** Absent: nothing is watched (see WatchSettings). */
    watch: WatchSettings.optional(),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.hosts.forEach((host, index) => {
      const first = seen.get(host.name);
      if (first !== undefined) {
        ctx.addIssue({ code: 'custom', path: ['hosts', index, 'name'], message: `duplicate host name "${host.name}" (also hosts[${first}])` });
      }
      seen.set(host.name, index);
      if (host.ssh !== undefined && host.workerman.startFile === undefined) {
        ctx.addIssue({ code: 'custom', path: ['hosts', index, 'workerman', 'startFile'], message: 'required for an SSH host' });
      }
      if (host.strace.defaultDurationS > host.strace.maxDurationS) {
        ctx.addIssue({ code: 'custom', path: ['hosts', index, 'strace', 'defaultDurationS'], message: 'must not exceed maxDurationS' });
      }
    });
    checkGroups(config, ctx, new Set(seen.keys()));
  });
export type Config = z.infer<typeof Config>;

type ConfigShape = Pick<Config, 'hosts' | 'groups' | 'access' | 'watch'>;

// A name must mean one thing: `status web` cannot be both a host and a group, and `all` is built in.
function checkGroups(config: ConfigShape, ctx: z.RefinementCtx, hostNames: ReadonlySet<string>): void {
  const groupProblem = (group: string): string | null => {
    if (group === ALL_HOSTS_GROUP) return `"${ALL_HOSTS_GROUP}" is the built-in group of every host; choose another name`;
    if (hostNames.has(group) || group === BUILT_IN_LOCAL_HOST) return `group "${group}" has the same name as a host`;
    return null;
  };
  if (hostNames.has(ALL_HOSTS_GROUP)) {
    const index = config.hosts.findIndex((h) => h.name === ALL_HOSTS_GROUP);
    ctx.addIssue({ code: 'custom', path: ['hosts', index, 'name'], message: `"${ALL_HOSTS_GROUP}" is the built-in group of every host; choose another host name` });
  }
  config.hosts.forEach((host, index) => {
    host.groups.forEach((group, j) => {
      const problem = groupProblem(group);
      if (problem !== null) ctx.addIssue({ code: 'custom', path: ['hosts', index, 'groups', j], message: problem });
    });
  });
  const groupNames = new Set(config.hosts.flatMap((h) => h.groups));
  for (const [group, settings] of Object.entries(config.groups)) {
    groupNames.add(group);
    const problem = groupProblem(group);
    if (problem !== null) ctx.addIssue({ code: 'custom', path: ['groups', group], message: problem });
    settings.hosts.forEach((host, k) => {
      if (!hostNames.has(host) && host !== BUILT_IN_LOCAL_HOST) {
        ctx.addIssue({ code: 'custom', path: ['groups', group, 'hosts', k], message: `no host named "${host}" in hosts` });
      }
    });
  }
  config.watch?.hosts.forEach((target, j) => {
    const known = target === '*' || target === ALL_HOSTS_GROUP || target === BUILT_IN_LOCAL_HOST || hostNames.has(target) || groupNames.has(target);
    if (!known) ctx.addIssue({ code: 'custom', path: ['watch', 'hosts', j], message: `"${target}" is neither a host nor a group` });
  });
  config.access?.rules.forEach((rule, i) => {
    rule.hosts.forEach((target, j) => {
      const known =
        target === '*' || target === ALL_HOSTS_GROUP || target === BUILT_IN_LOCAL_HOST || hostNames.has(target) || groupNames.has(target);
      if (!known) {
        ctx.addIssue({ code: 'custom', path: ['access', 'rules', i, 'hosts', j], message: `"${target}" is neither a host nor a group` });
      }
    });
  });
}
