import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dirname } from 'node:path/posix';
import { fileURLToPath } from 'node:url';
import { DEFAULT_HELPER_PATH, type HostConfig } from '../config/host-config.js';
import { BotError, oneLine } from '../errors.js';

/**
 * The host helper, `host/workerman-ops-helper.sh`: the one script the bot runs on a host for traces,
 * process listings and (as the app's user) status. Without sudo its text is sent as `sh -c TEXT`; with
 * sudo the copy installed root-owned at `host.helperPath` runs, named by the only sudoers rule needed.
 */

/** Protocol version the helper prints in its first line (`@@wmops:hello 2 …`); bumped on any change of it. */
export const HELPER_PROTOCOL = 2;
/** Prefix of every protocol line the helper prints. */
export const HELPER_MARKER = '@@wmops:';
/** Exit status of the helper when it refused (an `error` line says why). */
export const HELPER_REFUSED_EXIT = 3;
export { DEFAULT_HELPER_PATH };
/**
 * The root-owned file the helper reads under sudo (the app, php, the app's user, strace): beside the
 * install, `PREFIX/etc/workerman-ops/helper.conf` for `PREFIX/sbin/workerman-ops-helper` (so
 * /usr/local/etc/… by default), `/etc/workerman-ops/helper.conf` for one in /usr/sbin or /usr/bin.
 */
export function helperConfPath(helperPath: string): string {
  const prefix = dirname(dirname(helperPath));
  return prefix === '/usr' || prefix === '/' ? '/etc/workerman-ops/helper.conf' : `${prefix}/etc/workerman-ops/helper.conf`;
}
/** Grace between the helper's SIGINT to strace and `timeout`'s SIGKILL (`timeout -k`). */
export const KILL_AFTER_S = 5;

export type HelperCommand = 'version' | 'check' | 'procs' | 'sample' | 'status' | 'connections' | 'trace';

let cached: { file: string; text: string; sha256: string } | null = null;

/** The helper shipped with this package: its path, text and sha256 (read once). */
export function loadHelper(): { file: string; text: string; sha256: string } {
  if (cached !== null) return cached;
  // From src/host (tests) or dist/src/host (built): the package root is the first folder above with host/.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, 'host', 'workerman-ops-helper.sh');
    if (existsSync(file)) {
      const text = readFileSync(file, 'utf8');
      cached = { file, text, sha256: createHash('sha256').update(text).digest('hex') };
      return cached;
    }
    const up = dirname(dir);
    if (up === dir) throw new BotError('internal', 'The host helper (host/workerman-ops-helper.sh) is missing from this installation.');
    dir = up;
  }
}

/** True when this host runs the helper through sudo for `command` (trace: `strace.sudo`; status: `workerman.runAs`). */
export function helperUsesSudo(host: HostConfig, command: HelperCommand): boolean {
  if (command === 'trace') return host.strace.sudo;
  if (command === 'status' || command === 'connections') return host.workerman.runAs !== undefined;
  // Listings and checks go through sudo wherever the helper is installed for this host (it then also
  // reads the working directories of the app's processes).
  return host.strace.sudo || host.workerman.runAs !== undefined;
}

/**
 * Returns the argv that runs the helper with `args` on the host: `sudo -n HELPERPATH …` when the host
 * uses sudo for `command`, else `sh -c TEXT workerman-ops-helper …`. Every value stays one argument.
 */
export function helperArgv(host: HostConfig, command: HelperCommand, args: readonly string[], opts: { sudo?: boolean } = {}): string[] {
  for (const arg of args) {
    if (arg.includes('\0') || arg.includes('\n')) throw new BotError('input_invalid', 'A helper argument contains a NUL or a newline.');
  }
  const sudo = opts.sudo ?? helperUsesSudo(host, command);
  return sudo ? ['sudo', '-n', host.helperPath, command, ...args] : ['sh', '-c', loadHelper().text, 'workerman-ops-helper', command, ...args];
}

/** One `@@wmops:error CODE PID REASON ARGS…` line. */
export interface HelperRefusal {
  code: string;
  pid: number | null;
  reason: string;
  args: string[];
}

/** Parses an `error` protocol line, or returns null for any other line. */
export function parseHelperError(line: string): HelperRefusal | null {
  if (!line.startsWith(`${HELPER_MARKER}error `)) return null;
  const [code = 'internal', pid, reason = '', ...args] = line.slice(HELPER_MARKER.length + 6).split(' ');
  return { code, pid: pid !== undefined && /^\d+$/.test(pid) ? Number(pid) : null, reason, args };
}

/**
 * The error for a helper that did not run: sudo refused (no rule, a password wanted), the installed
 * helper is missing, or it speaks another protocol. Returns null when `stderr` says none of that.
 */
export function explainHelperStart(host: HostConfig, stderr: string, sudo: boolean): BotError | null {
  const h = host.name;
  const setup = `run \`workerman-ops setup-host ${h}\` for the lines to install`;
  if (!sudo) return null;
  if (/sudo: (a password is required|a terminal is required|\S+ is not allowed|sorry, you must have a tty)/i.test(stderr) || /is not in the sudoers file|may not run sudo/i.test(stderr)) {
    return new BotError('strace_not_permitted', `sudo on ${h} refused to run the workerman-ops helper without a password: the sudoers rule for ${host.helperPath} is missing; ${setup}.`, {
      details: { host: h, reason: 'sudo_rule_missing' },
    });
  }
  if (/failed to run command .sudo.|(^|: )sudo: not found|exec: sudo: not found/im.test(stderr)) {
    return new BotError('host_setup_invalid', `sudo is not installed on ${h}: install it (apt-get install sudo) or set strace.sudo: false and remove workerman.runAs.`, {
      details: { host: h, reason: 'sudo_missing' },
    });
  }
  if (/^sudo: .*(command not found|No such file or directory)/im.test(stderr)) {
    return new BotError('host_setup_invalid', `The workerman-ops helper is not installed on ${h} (${host.helperPath} not found): ${setup}.`, {
      details: { host: h, reason: 'helper_missing' },
    });
  }
  return null;
}

/** The error for a helper `hello` line of another protocol version. */
export function helperVersionError(host: HostConfig, seen: string): BotError {
  return new BotError(
    'host_setup_invalid',
    `The workerman-ops helper on ${host.name} speaks protocol ${oneLine(seen, 20)}, this bot ${HELPER_PROTOCOL}: reinstall it (\`workerman-ops setup-host ${host.name}\`).`,
    { details: { host: host.name, reason: 'helper_version', seen: oneLine(seen, 20) } },
  );
}

/** The message for a refusal about the host's set-up (helper.conf, the lock directory). */
export function hostSetupError(host: HostConfig, e: HelperRefusal): BotError {
  const h = host.name;
  const arg = (i: number): string => oneLine(e.args[i] ?? '', 120);
  const details = { host: h, reason: e.reason };
  const fix = `run \`workerman-ops setup-host ${h}\` for the lines to install`;
  const text = ((): string => {
    switch (e.reason) {
      case 'conf_missing':
        return `The workerman-ops helper on ${h} has no ${helperConfPath(host.helperPath)}: ${fix}.`;
      case 'conf_unsafe':
        return `${arg(0)} on ${h} is not safe for the helper (${arg(1) === 'symlink' ? 'a symlink' : arg(1) === 'owner' ? 'not owned by root' : 'writable by group or others'}): it must be root's alone (chown root:root, chmod 644; its directory 755).`;
      case 'conf_bad_line':
      case 'conf_bad_value':
      case 'conf_unknown_key':
        return `${helperConfPath(host.helperPath)} on ${h} has a bad entry (${e.reason.slice(5).replace('_', ' ')}: ${arg(0)}): ${fix}.`;
      case 'conf_other_start_file':
        return `${helperConfPath(host.helperPath)} on ${h} does not allow ${host.workerman.startFile ?? 'this start file'}: add a start_file= line for it (${fix}).`;
      case 'conf_no_run_as':
        return `${helperConfPath(host.helperPath)} on ${h} has no run_as= line, so status cannot run as the app's user: ${fix}.`;
      case 'lock_dir_symlink':
      case 'lock_dir_not_a_directory':
      case 'lock_dir_relative':
      case 'lock_dir_unwritable':
        return `The helper's private lock directory ${arg(0)} on ${h} is unusable (${e.reason.slice(9).replaceAll('_', ' ')}): remove whatever is at that path; the helper creates it mode 0700.`;
      case 'lock_dir_parent_writable':
        return `The helper's private lock directory ${arg(0)} on ${h} is not safe: ${arg(1)} above it can be written by others and is not sticky, so another user could move a directory into its place. Point TMPDIR (or XDG_RUNTIME_DIR) of the SSH user at a directory only it can write to, or make ${arg(1)} sticky (chmod +t).`;
      case 'lock_dir_parent_missing':
        return `The helper's private lock directory ${arg(0)} on ${h} cannot be made: ${arg(1)} does not exist. Create it, or point TMPDIR (or XDG_RUNTIME_DIR) of the SSH user at a directory that does.`;
      default:
        if (e.reason.startsWith('lock_dir_parent_owner_')) {
          return `The helper's private lock directory ${arg(0)} on ${h} is not safe: ${arg(1)} above it belongs to uid ${e.reason.slice(22)}, who could move another directory into its place. Point TMPDIR (or XDG_RUNTIME_DIR) of the SSH user at a directory of its own.`;
        }
        if (e.reason.startsWith('lock_dir_writable_')) {
          return `The helper's private lock directory ${arg(0)} on ${h} is writable by others (mode ${e.reason.slice(18)}), so what is in it may not be the SSH user's: remove it (rm -rf ${arg(0)}); the helper recreates it mode 0700.`;
        }
        if (e.reason.startsWith('lock_dir_owner_')) {
          return `The helper's private lock directory ${arg(0)} on ${h} belongs to uid ${e.reason.slice(15)}, not the SSH user: someone else created it. Remove it (the helper recreates it mode 0700), or set XDG_RUNTIME_DIR for the SSH user.`;
        }
        if (e.reason.startsWith('lock_dir_mode_')) {
          return `The helper's lock directory ${arg(0)} on ${h} has mode ${e.reason.slice(14)}, not 0700: \`chmod 700 ${arg(0)}\` (the helper never changes a directory's mode itself).`;
        }
        return `The host set-up of ${h} is incomplete (${oneLine(e.reason, 40)}): ${fix}.`;
    }
  })();
  return new BotError('host_setup_invalid', text, { details });
}
