import { z } from 'zod';

/** A host name users type in Slack and the CLI: a lowercase slug. */
export const HostName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'expected a slug: lowercase letters, digits, "-" and "_", at most 63 characters');

const Fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'expected an OpenSSH SHA256 fingerprint like "SHA256:abc…" (ssh-keygen -lf key.pub)');

const AbsolutePath = z.string().min(1).refine((p) => p.startsWith('/') || p.startsWith('~/'), 'expected an absolute path');

/** A system user name for `sudo -n -u`. */
const UserName = z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}\$?$/, 'expected a system user name');

/** Where to connect and how to check and authenticate. Shared by hosts and jump hosts. */
const sshEndpointShape = {
  /** DNS name or IP address of the SSH server. */
  address: z.string().min(1).regex(/^[A-Za-z0-9.:_-]+$/, 'expected a host name or IP address'),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'expected a user name'),
  /** Private key file (OpenSSH format). Either this or `agent`. */
  privateKeyFile: AbsolutePath.optional(),
  /** Name of the environment variable holding the key's passphrase (never the passphrase itself). */
  passphraseEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  /** Use the ssh-agent at $SSH_AUTH_SOCK. */
  agent: z.boolean().default(false),
  /** Pinned host key: `SHA256:` fingerprint(s) as printed by `ssh-keygen -lf`. */
  hostKey: z.union([Fingerprint, z.array(Fingerprint).min(1)]).optional(),
  /** Or a known_hosts file to look the host up in (hashed entries are supported). */
  knownHostsFile: AbsolutePath.optional(),
};

// Both checks apply to a host and to its jump host. Config objects are strict: a misspelt key
// (`prot: 2222`) is an error naming it, not a silently ignored setting.
function withEndpointChecks<T extends z.ZodType<{ privateKeyFile?: string | undefined; agent: boolean; hostKey?: unknown; knownHostsFile?: string | undefined }>>(schema: T): T {
  return schema
    .refine((e) => e.privateKeyFile !== undefined || e.agent, {
      message: 'set privateKeyFile or agent: true',
      path: ['privateKeyFile'],
    })
    .refine((e) => e.hostKey !== undefined || e.knownHostsFile !== undefined, {
      message: 'pin the host key: set hostKey ("SHA256:…") or knownHostsFile; unverified host keys are refused',
      path: ['hostKey'],
    });
}

export const SshEndpoint = withEndpointChecks(z.strictObject(sshEndpointShape));
export type SshEndpoint = z.infer<typeof SshEndpoint>;

export const SshSettings = withEndpointChecks(
  z.strictObject({
    ...sshEndpointShape,
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    commandTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    keepaliveIntervalMs: z.number().int().min(0).max(600_000).default(15_000),
    /** Close a pooled connection after this long without a command. */
    idleCloseMs: z.number().int().min(0).max(3_600_000).default(60_000),
    jump: SshEndpoint.optional(),
  }),
);
export type SshSettings = z.infer<typeof SshSettings>;

/**
 * A path used as is on the host. `~` is refused rather than quoted: on an SSH host it would mean the
 * home of the SSH user there, which the bot cannot know (and a quoted `~` never expands).
 */
const HostAbsolutePath = z.string().min(1).superRefine((p, ctx) => {
  if (p.startsWith('~')) {
    ctx.addIssue({
      code: 'custom',
      message: `"~" is not expanded here: it would be the home directory of the SSH user on the host, which the bot cannot know. Write the absolute path (e.g. /home/deploy/app/start.php)`,
    });
  } else if (!p.startsWith('/')) {
    ctx.addIssue({ code: 'custom', message: 'expected an absolute path' });
  }
});

export const WorkermanSettings = z.strictObject({
  /** Absolute path of the start file (`start.php`) on the host, no `~`. Optional only for the local host (found from ps). */
  startFile: HostAbsolutePath.optional(),
  php: z.string().min(1).regex(/^[A-Za-z0-9_./-]+$/, 'expected a program name or path').default('php'),
  /** Run `status` as this user, through `sudo -n` and the installed host helper (its helper.conf names the user). */
  runAs: UserName.optional(),
});
export type WorkermanSettings = z.infer<typeof WorkermanSettings>;

export const StraceSettings = z.strictObject({
  path: z.string().min(1).regex(/^[A-Za-z0-9_./-]+$/, 'expected a program name or path').default('strace'),
  /** Trace as root through `sudo -n` and the installed host helper (its sudoers rule names only the helper). */
  sudo: z.boolean().default(false),
  defaultDurationS: z.number().min(1).max(300).default(5),
  maxDurationS: z.number().min(1).max(300).default(30),
  /** strace `-s`: how many bytes of each string argument to keep. Small by default (privacy). */
  stringLimit: z.number().int().min(0).max(4096).default(32),
  /** Cap on the trace output kept, in bytes. */
  maxOutputBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(64 * 1024 * 1024),
  /** How many traces may run on this host at once (enforced on the host with flock). */
  maxConcurrent: z.number().int().min(1).max(16).default(2),
  /**
   * Where Slack gets the redacted raw log of a trace: `requester` (the DM of whoever asked), `thread`
   * (the trace's thread, seen by the whole channel) or `none`. Redaction is best effort, so by default
   * the raw bytes go only to the person who asked.
   */
  rawLog: z.enum(['requester', 'thread', 'none']).default('requester'),
});
export type StraceSettings = z.infer<typeof StraceSettings>;

/** Where `workerman-ops setup-host` installs the host helper (see host/workerman-ops-helper.sh). */
export const DEFAULT_HELPER_PATH = '/usr/local/sbin/workerman-ops-helper';

export const HostConfig = z.strictObject({
  name: HostName,
  description: z.string().max(200).optional(),
  groups: z.array(HostName).default([]),
  /** Absent: the host is this machine (commands run locally, no SSH). */
  ssh: SshSettings.optional(),
  workerman: WorkermanSettings.default({ php: 'php' }),
  /** The root-owned helper that `sudo -n` runs for traces (`strace.sudo`) and for status as `workerman.runAs`. */
  helperPath: z
    .string()
    .regex(/^\/[A-Za-z0-9_./@+-]+$/, 'expected an absolute path of plain characters')
    .default(DEFAULT_HELPER_PATH),
  strace: StraceSettings.default({
    path: 'strace',
    sudo: false,
    defaultDurationS: 5,
    maxDurationS: 30,
    stringLimit: 32,
    maxOutputBytes: 64 * 1024 * 1024,
    maxConcurrent: 2,
    rawLog: 'requester',
  }),
});
export type HostConfig = z.infer<typeof HostConfig>;

/** Slack IDs never change when people or channels are renamed, so access rules are keyed on them. */
export const SlackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,20}$/, 'expected a Slack user ID like "U0123ABCD" ("W…" on Enterprise Grid), not a name');
export const SlackUserGroupId = z
  .string()
  .regex(/^S[A-Z0-9]{2,20}$/, 'expected a Slack user group ID like "S0123ABCD" (not the @handle)');
export const SlackChannelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,20}$/, 'expected a Slack channel ID like "C0123ABCD" ("G…" private, "D…" DM), not #name');
export const SlackTeamId = z.string().regex(/^[TE][A-Z0-9]{2,20}$/, 'expected a Slack team ID like "T0123ABCD"');

/**
 * The commands access rules talk about. `hosts` lists the configured hosts (it has no target host).
 * `silence` is the Silence button of a watch alert: a rule that allows `trace` on a host allows it too.
 * `summarise` is the "Summarise strace log" message shortcut (no host: the log was shared in Slack): a
 * rule that allows `status`, `connections` or `trace` on any host allows it too.
 */
export const AccessCommand = z.enum(['status', 'connections', 'trace', 'hosts', 'silence', 'summarise']);
export type AccessCommand = z.infer<typeof AccessCommand>;

/** The built-in group holding every host; `*` in a rule means the same. */
export const ALL_HOSTS_GROUP = 'all';

/** Who to ask, shown on a denial ("ask @ops-oncall in #ops"). Plain text: the renderer escapes it. */
const Contact = z.string().min(1).max(200);

/**
 * One allow rule. It applies to a request when the command is in `commands` and the target host is in
 * `hosts` (a host, a group, `all` or `*`). It allows the request when the user is listed in `users` or
 * belongs to one of `userGroups` (when both are empty: any user) AND the request comes from one of
 * `channels` (when empty: any channel). A rule must name at least one user, group or channel.
 */
export const AccessRule = z
  .strictObject({
    /** Shown in denials and the audit trail; defaults to `access.rules[i]`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/, 'expected a short label (letters, digits, space, "_.:-")').optional(),
    commands: z.array(AccessCommand).min(1),
    hosts: z.array(z.union([z.literal('*'), HostName])).min(1).default(['*']),
    users: z.array(SlackUserId).default([]),
    userGroups: z.array(SlackUserGroupId).default([]),
    channels: z.array(SlackChannelId).default([]),
    contact: Contact.optional(),
  })
  .refine((r) => r.users.length + r.userGroups.length + r.channels.length > 0, {
    message: 'name at least one of users, userGroups or channels (a rule for everyone everywhere is not accepted)',
    path: ['users'],
  });
export type AccessRule = z.infer<typeof AccessRule>;

/**
 * Who may run what. Defaults (documented in the README):
 * - `access` absent: `status`, `connections` and `hosts` are allowed to everyone everywhere (as before
 *   this section existed); `trace` is denied to everyone.
 * - `access` present: `status`, `connections` and `hosts` are allowed to anyone in a channel listed in
 *   `access.channels`, and otherwise only by a rule; `trace` only by a rule (deny by default).
 * - `silence` (a watch alert's Silence button) only by a rule that names `silence` or `trace` for the
 *   alert's host: whoever may trace a host may silence its alerts; never by `channels`, never by default.
 * - `summarise` (the message shortcut) wherever `status` is open: to everyone without `access`; with it, in
 *   `access.channels` and by any rule that names `summarise`, `status`, `connections` or `trace` (on any
 *   host: the log comes from none), for that rule's users and channels.
 * - `teams`, when set, denies every request from another workspace (Slack Connect channels).
 * Strict objects: a typo such as `user:` must fail loudly rather than widen a rule.
 */
export const AccessConfig = z
  .strictObject({
    channels: z.array(SlackChannelId).default([]),
    teams: z.array(SlackTeamId).default([]),
    /** Default contact for denials when the rule that applies names none. */
    contact: Contact.optional(),
    rules: z.array(AccessRule).default([]),
    /** How long a user group's member list is trusted (seconds); `subteam_members_changed` drops it sooner. */
    userGroupCacheS: z.number().int().min(0).max(86_400).default(300),
    /** `trace` re-checks group membership older than this (seconds) before it asks and before it runs. */
    traceUserGroupCacheS: z.number().int().min(0).max(86_400).default(30),
  })
  .refine((a) => a.traceUserGroupCacheS <= a.userGroupCacheS, {
    message: 'must not exceed userGroupCacheS (a member list is never kept longer than that)',
    path: ['traceUserGroupCacheS'],
  });
export type AccessConfig = z.infer<typeof AccessConfig>;

/** Extra group definitions; membership is the union of these lists and each host's `groups`. */
export const GroupSettings = z.strictObject({
  description: z.string().max(200).optional(),
  hosts: z.array(HostName).default([]),
});
export type GroupSettings = z.infer<typeof GroupSettings>;

export const AuditSettings = z.strictObject({
  /** Append JSON lines here (created 0600). Absent: JSON lines go to stdout. */
  file: AbsolutePath.optional(),
  /** Also post a one-line summary of each request to this channel. */
  channel: SlackChannelId.optional(),
  /**
   * Refuse privileged commands (`trace`) while the trail cannot be written (`audit_unavailable`).
   * false: run them anyway, their records kept only in the bot's log until the file takes lines again.
   */
  requireForPrivileged: z.boolean().default(true),
  /** Records kept in memory while the file refuses lines, written once it takes them again. */
  maxBacklogRecords: z.number().int().min(1).max(1_000_000).default(10_000),
});
export type AuditSettings = z.infer<typeof AuditSettings>;

const AUDIT_DEFAULTS: AuditSettings = { requireForPrivileged: true, maxBacklogRecords: 10_000 };

export const LimitsSettings = z.strictObject({
  /** Per-user token bucket: this many requests at once… */
  userBurst: z.number().int().min(1).max(1000).default(5),
  /** …refilled at this rate. */
  userPerMinute: z.number().min(0.1).max(6000).default(20),
  /** Commands run at once on one host; more wait in a visible queue. */
  perHostConcurrency: z.number().int().min(1).max(64).default(2),
  /** Traces running at once across all hosts. */
  maxConcurrentTraces: z.number().int().min(1).max(256).default(4),
  /** Hosts queried at once by a fleet status (`status all`). */
  fleetConcurrency: z.number().int().min(1).max(256).default(16),
  /** A host that has not answered a fleet status after this long is shown as unreachable. */
  fleetHostTimeoutMs: z.number().int().min(100).max(600_000).default(15_000),
  /** Slack posts about one message per second per channel. */
  postIntervalMs: z.number().int().min(0).max(60_000).default(1_000),
  /**
   * chat.update calls per minute across the workspace (Slack's Tier 3, "50+"). Results go at once;
   * progress (trace bars, waiting notices) is sent only while the last minute, results included, is
   * below four fifths of it, and each bar moves less often when several run at once.
   */
  updatesPerMinute: z.number().int().min(5).max(600).default(50),
  /** Retries of a Slack call answered with 429 (each waits `Retry-After`). */
  max429Retries: z.number().int().min(0).max(10).default(3),
  /**
   * The largest strace log the "Summarise strace log" shortcut reads (bytes of text, after gunzip).
   * A larger file is refused before its download; a download that runs past it is stopped there.
   */
  summariseMaxBytes: z.number().int().min(1024).max(256 * 1024 * 1024).default(8 * 1024 * 1024),
});
export type LimitsSettings = z.infer<typeof LimitsSettings>;

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

/**
 * Alert thresholds of `watch` (see WatchSettings). Each alert opens at one level and clears at a lower
 * one, or only after several clean samples, so a value sitting on a threshold does not flap.
 */
export const WatchThresholds = z.strictObject({
  memoryGrowth: z
    .strictObject({
      /** Opens when a process's RSS grows at least this fast (robust slope, MB per hour)… */
      openMbPerHour: z.number().positive().max(100_000).default(2),
      /** …and clears when the slope falls below this. */
      resolveMbPerHour: z.number().min(0).max(100_000).default(1),
      /** A trend needs samples over at least this span of one process's life (minutes, ≥ 30). */
      minSpanMin: z.number().int().min(30).max(10_080).default(30),
      /** The slope is fitted over at most the last this many minutes of the process's life. */
      fitMin: z.number().int().min(30).max(10_080).default(120),
      /** Share of the sample-to-sample changes that must go up (a flat noisy series is about 0.5). */
      minUpShare: z.number().min(0.5).max(1).default(0.65),
      /** The largest single rise may be at most this share of the whole rise (else it is a spike). */
      maxStepShare: z.number().min(0.05).max(1).default(0.5),
      /** PHP's memory_limit of the app, MB: the alert then says when it would be reached. */
      memoryLimitMb: z.number().positive().max(1_048_576).optional(),
    })
    .prefault({}),
  stuck: z
    .strictObject({
      /** `[busy]` in this many status samples in a row. */
      statusSamples: z.number().int().min(2).max(100).default(2),
      /** In the same blocking call with no CPU progress in this many /proc samples in a row. */
      procSamples: z.number().int().min(2).max(1_000).default(3),
      /** Kernel wait functions that mean "idle in the event loop" besides the built-in ones (epoll, select). */
      extraIdleWchans: z.array(z.string().regex(/^[A-Za-z0-9_.]{1,64}$/, 'expected a kernel function name')).max(32).default([]),
    })
    .prefault({}),
  saturation: z
    .strictObject({
      /** Every process of a worker busy (running or blocked) in this many /proc samples in a row… */
      procSamples: z.number().int().min(1).max(1_000).default(3),
      /** …or `[busy]` in this many status samples in a row. */
      statusSamples: z.number().int().min(1).max(100).default(1),
    })
    .prefault({}),
  crashLoop: z
    .strictObject({
      /** Opens at this many abnormal exits (non-zero exit status) of a worker within windowMin… */
      minExits: z.number().int().min(2).max(10_000).default(3),
      windowMin: z.number().int().min(1).max(10_080).default(30),
      /** …and clears after this long without a new one. */
      quietMin: z.number().int().min(1).max(10_080).default(30),
    })
    .prefault({}),
  stall: z
    .strictObject({
      /** `total_request` unchanged over at least this long (two status samples) while connections are open. */
      minSpanMin: z.number().int().min(1).max(10_080).default(5),
      /** Listen schemes checked (a websocket with idle clients serves no requests and is fine); empty: all. */
      protocols: z.array(z.string().regex(/^[a-z][a-z0-9+.-]{0,31}$/, 'expected a scheme like http')).default(['http']),
    })
    .prefault({}),
  /** Unreachable host, app not running, master down, orphans: this many samples in a row. */
  hostSamples: z.number().int().min(1).max(100).default(2),
  /** An open alert seen from /proc clears after this many clean samples in a row. */
  clearSamples: z.number().int().min(1).max(1_000).default(3),
  /** A process using at least this share of one CPU between two samples is "CPU pinned". */
  cpuPinnedShare: z.number().min(0.1).max(1).default(0.9),
});
export type WatchThresholds = z.infer<typeof WatchThresholds>;

/**
 * `watch`: sample hosts on a schedule and open alerts before users notice. Runs only on the replica
 * started with `WATCH=on` (see config/watch-env.ts); the others answer commands as usual.
 */
export const WatchSettings = z
  .strictObject({
    /** Hosts and groups to watch (`all` or `*`: every host). */
    hosts: z.array(z.union([z.literal('*'), HostName])).min(1).default(['all']),
    /** Slack channel the alerts go to. */
    channel: SlackChannelId.optional(),
    /** A /proc sample of each host this often (seconds). */
    intervalS: z.number().int().min(1).max(3_600).default(60),
    /** Workerman's own status (it signals every worker) this often… */
    statusEveryS: z.number().int().min(1).max(86_400).default(600),
    /** …and when /proc shows something worth a look, but never more often than this. */
    statusMinGapS: z.number().int().min(1).max(86_400).default(120),
    /** Samples kept per host, by age (minutes)… */
    windowMin: z.number().int().min(30).max(10_080).default(360),
    /** …and by count. */
    maxSamplesPerHost: z.number().int().min(10).max(100_000).default(1_000),
    /** The window and the open alerts survive a restart here (written with an atomic replace, mode 0600). */
    stateFile: AbsolutePath.default('/var/lib/workerman-ops/watch-state.json'),
    /**
     * The state file is rewritten at most this often (seconds; 0: every round), and at once when an
     * alert opens or resolves: a crash loses at most this much of the window, never an alert.
     */
    saveEveryS: z.number().int().min(0).max(86_400).default(300),
    /** Hosts sampled at once. */
    concurrency: z.number().int().min(1).max(256).default(16),
    /**
     * An open alert's Slack message is edited at most this often (seconds; 0: at every change), except
     * at once when its severity or the kind of its evidence changes: a growing duration changes it every round.
     */
    alertEditEveryS: z.number().int().min(0).max(86_400).default(600),
    /** A host's round (sample, and status when due) is cut after this long and counted unreachable. */
    hostTimeoutMs: z.number().int().min(100).max(600_000).default(20_000),
    thresholds: WatchThresholds.prefault({}),
  })
  .superRefine((w, ctx) => {
    if (w.thresholds.memoryGrowth.resolveMbPerHour >= w.thresholds.memoryGrowth.openMbPerHour) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'memoryGrowth', 'resolveMbPerHour'], message: 'must be below openMbPerHour (else the alert flaps)' });
    }
    if (w.thresholds.memoryGrowth.fitMin < w.thresholds.memoryGrowth.minSpanMin) {
      ctx.addIssue({ code: 'custom', path: ['thresholds', 'memoryGrowth', 'fitMin'], message: 'must be at least minSpanMin' });
    }
    if (w.statusEveryS < w.intervalS) {
      ctx.addIssue({ code: 'custom', path: ['statusEveryS'], message: 'must be at least intervalS (status runs within a sampling round)' });
    }
  });
export type WatchSettings = z.infer<typeof WatchSettings>;

/** The name of the built-in host the loader adds (see config/load.ts); rules may name it. */
const BUILT_IN_LOCAL_HOST = 'local';

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
