import { z } from 'zod';
import { HostName } from './host-name.js';
import { SshSettings } from './ssh-settings.js';

/** A system user name for `sudo -n -u`. */
const UserName = z.string().regex(/^[a-z_][a-z0-9_.-]{0,31}\$?$/, 'expected a system user name');

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

/** A host's `workerman` section: the start file, the php binary and the user status runs as. */
export const WorkermanSettings = z.strictObject({
  /** Absolute path of the start file (`start.php`) on the host, no `~`. Optional only for the local host (found from ps). */
  startFile: HostAbsolutePath.optional(),
  php: z.string().min(1).regex(/^[A-Za-z0-9_./-]+$/, 'expected a program name or path').default('php'),
  /** Run `status` as this user, through `sudo -n` and the installed host helper (its helper.conf names the user). */
  runAs: UserName.optional(),
});
export type WorkermanSettings = z.infer<typeof WorkermanSettings>;

/** A host's `strace` section: the binary, sudo, durations, limits and where raw logs go. */
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

/** One entry of `hosts`: its name, groups, transport (ssh or local) and per-host settings. */
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
