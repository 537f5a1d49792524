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
export const SshEndpoint = z
  .object({
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
  })
  .refine((e) => e.privateKeyFile !== undefined || e.agent, {
    message: 'set privateKeyFile or agent: true',
    path: ['privateKeyFile'],
  })
  .refine((e) => e.hostKey !== undefined || e.knownHostsFile !== undefined, {
    message: 'pin the host key: set hostKey ("SHA256:…") or knownHostsFile; unverified host keys are refused',
    path: ['hostKey'],
  });
export type SshEndpoint = z.infer<typeof SshEndpoint>;

export const SshSettings = SshEndpoint.and(
  z.object({
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    commandTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    keepaliveIntervalMs: z.number().int().min(0).max(600_000).default(15_000),
    /** Close a pooled connection after this long without a command. */
    idleCloseMs: z.number().int().min(0).max(3_600_000).default(60_000),
    jump: SshEndpoint.optional(),
  }),
);
export type SshSettings = z.infer<typeof SshSettings>;

export const WorkermanSettings = z.object({
  /** Absolute path of the start file (`start.php`). Optional only for the local host (found from ps). */
  startFile: AbsolutePath.optional(),
  php: z.string().min(1).regex(/^[A-Za-z0-9_./-]+$/, 'expected a program name or path').default('php'),
  /** Run `status` as this user (`sudo -n -u USER`); usually the user the app runs as. */
  runAs: UserName.optional(),
});
export type WorkermanSettings = z.infer<typeof WorkermanSettings>;

export const StraceSettings = z.object({
  path: z.string().min(1).regex(/^[A-Za-z0-9_./-]+$/, 'expected a program name or path').default('strace'),
  /** Run strace through `sudo -n` (needs a NOPASSWD rule for strace). */
  sudo: z.boolean().default(false),
  defaultDurationS: z.number().min(1).max(300).default(5),
  maxDurationS: z.number().min(1).max(300).default(30),
  /** strace `-s`: how many bytes of each string argument to keep. Small by default (privacy). */
  stringLimit: z.number().int().min(0).max(4096).default(32),
  /** Cap on the trace output kept, in bytes. */
  maxOutputBytes: z.number().int().min(1024).max(512 * 1024 * 1024).default(64 * 1024 * 1024),
  /** How many traces may run on this host at once (enforced on the host with flock). */
  maxConcurrent: z.number().int().min(1).max(16).default(2),
});
export type StraceSettings = z.infer<typeof StraceSettings>;

export const HostConfig = z.object({
  name: HostName,
  description: z.string().max(200).optional(),
  groups: z.array(HostName).default([]),
  /** Absent: the host is this machine (commands run locally, no SSH). */
  ssh: SshSettings.optional(),
  workerman: WorkermanSettings.default({ php: 'php' }),
  strace: StraceSettings.default({
    path: 'strace',
    sudo: false,
    defaultDurationS: 5,
    maxDurationS: 30,
    stringLimit: 32,
    maxOutputBytes: 64 * 1024 * 1024,
    maxConcurrent: 2,
  }),
});
export type HostConfig = z.infer<typeof HostConfig>;

export const Config = z
  .object({
    hosts: z.array(HostConfig).default([]),
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
  });
export type Config = z.infer<typeof Config>;
