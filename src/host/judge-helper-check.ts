import type { HostConfig } from '../config/host-config.js';
import { oneLine } from '../errors.js';
import type { DoctorCheck } from './doctor-types.js';
import { helperConfPath, hostSetupError, type HelperRefusal } from './helper.js';
import type { HelperCheckOutput } from './parse-helper-check.js';

/** The tools every trace needs on the host, with the Debian package that has each. */
const REQUIRED_TOOLS: ReadonlyArray<readonly [string, string]> = [
  ['timeout', 'coreutils'],
  ['flock', 'util-linux'],
  ['tail', 'coreutils'],
  ['ps', 'procps'],
  ['awk', 'gawk'],
  ['sed', 'sed'],
  ['stat', 'coreutils'],
  ['mktemp', 'coreutils'],
];

/** Bit of CAP_SYS_PTRACE in /proc/PID/status CapEff. */
const CAP_SYS_PTRACE_BIT = 19n;

/** The fix that installs the helper with its sudo rule; `setup-host` prints every line of it. */
export function setupHostFix(host: HostConfig): string {
  return `run \`workerman-ops setup-host ${host.name}\` where the bot runs and follow the lines it prints`;
}

/** The fix for a host whose SSH user may not trace the app: trace as root through the helper. */
function sudoTraceFix(host: HostConfig): string {
  return `set strace.sudo: true for ${host.name} and install the helper with its sudo rule (\`workerman-ops setup-host ${host.name}\` prints the lines)`;
}

/** Whether CapEff (hex) holds CAP_SYS_PTRACE; null when unknown. */
export function hasCapSysPtrace(capEff: string | null): boolean | null {
  if (capEff === null || !/^[0-9a-fA-F]{1,32}$/.test(capEff)) return null;
  return ((BigInt(`0x${capEff}`) >> CAP_SYS_PTRACE_BIT) & 1n) === 1n;
}

/** Who attaches strace on this host, as the helper reported it. */
export interface PtraceContext {
  /** The uid the helper traces as (0: root, directly or through sudo). */
  uid: number | null;
  mode: 'sudo' | 'user';
  /** Non-root: strace carries the cap_sys_ptrace file capability. */
  straceCap: boolean | null;
  /** Root: CapEff holds CAP_SYS_PTRACE. */
  capSysPtrace: boolean | null;
}

/**
 * Returns the `yama` check: what kernel.yama.ptrace_scope means for whoever traces on this host.
 * 0: a process may trace any other of its uid. 1: only its descendants, unless CAP_SYS_PTRACE (root,
 * sudo, or strace with that file capability): a running worker is no descendant. 2: CAP_SYS_PTRACE
 * only. 3: nobody, until a reboot.
 */
export function judgeYama(host: HostConfig, yama: number | 'absent' | null, ctx: PtraceContext): DoctorCheck {
  const isRoot = ctx.uid === 0;
  const user = host.ssh === undefined ? "the bot's user" : 'the SSH user';
  const who = isRoot ? (ctx.mode === 'sudo' ? 'the helper traces as root through sudo' : `${user} is root`) : `the helper traces as uid ${ctx.uid ?? '?'} (${user})`;
  const privileged = isRoot ? ctx.capSysPtrace !== false : ctx.straceCap === true;
  const sysctlFix =
    'or, host-wide and weaker, `sysctl -w kernel.yama.ptrace_scope=0` (persist it in /etc/sysctl.d/10-ptrace.conf)';
  if (yama === 'absent') return { id: 'yama', ok: true, detail: `no Yama on this kernel: classic ptrace rules (same uid, or root); ${who}`, fix: null };
  if (yama === null) return { id: 'yama', ok: 'warn', detail: 'kernel.yama.ptrace_scope could not be read', fix: 'check `cat /proc/sys/kernel/yama/ptrace_scope` on the host' };
  switch (yama) {
    case 0:
      return {
        id: 'yama',
        ok: true,
        detail: `0 (classic: a process may trace others of its own uid; root any): fine, ${who}${isRoot ? '' : ', so only processes of that uid'}`,
        fix: null,
      };
    case 1:
      if (privileged) return { id: 'yama', ok: true, detail: `1 (restricted: only descendants without CAP_SYS_PTRACE): fine, ${who}${isRoot ? ' with CAP_SYS_PTRACE' : ' and strace has cap_sys_ptrace'}`, fix: null };
      return {
        id: 'yama',
        ok: false,
        detail: `1 (restricted): a process may trace only its own descendants without CAP_SYS_PTRACE, and a running worker is none; ${who}`,
        fix: isRoot ? 'give root CAP_SYS_PTRACE (see cap_sys_ptrace)' : `${sudoTraceFix(host)}; ${sysctlFix}`,
      };
    case 2:
      if (privileged) return { id: 'yama', ok: true, detail: `2 (admin-only: CAP_SYS_PTRACE needed): fine, ${who}${isRoot ? ' with CAP_SYS_PTRACE' : ' and strace has cap_sys_ptrace'}`, fix: null };
      return {
        id: 'yama',
        ok: false,
        detail: `2 (admin-only): only a process with CAP_SYS_PTRACE (root) may trace; ${who}`,
        fix: isRoot ? 'give root CAP_SYS_PTRACE (see cap_sys_ptrace)' : sudoTraceFix(host),
      };
    case 3:
      return {
        id: 'yama',
        ok: false,
        detail: '3 (no attach): nobody, not even root, may attach strace until the host reboots',
        fix: 'set kernel.yama.ptrace_scope = 2 (or lower) in /etc/sysctl.d/10-ptrace.conf and reboot: 3 cannot be lowered at run time',
      };
    default:
      return { id: 'yama', ok: 'warn', detail: `${yama} (a value this bot does not know)`, fix: 'check the kernel documentation of kernel.yama.ptrace_scope' };
  }
}

/**
 * Returns the checks of what a trace needs, from the helper's `check` as the trace runs it: strace and
 * its version, Yama, CAP_SYS_PTRACE (root), the tools, the private lock directory.
 */
export function judgeTraceChecks(host: HostConfig, out: HelperCheckOutput): DoctorCheck[] {
  const checks: DoctorCheck[] = [];
  const mode = out.mode ?? 'user';
  const conf = helperConfPath(host.helperPath);
  if (out.strace === null) {
    checks.push({ id: 'strace', ok: false, detail: 'the helper did not report strace', fix: setupHostFix(host) });
  } else if (out.strace.found) {
    checks.push({ id: 'strace', ok: true, detail: `${out.strace.path}: ${oneLine(out.strace.version, 80) || 'version unknown'}`, fix: null });
  } else {
    const where = mode === 'sudo' ? `set strace= in ${conf} to its full path` : `set strace.path for ${host.name} to its full path (\`command -v strace\` on the host)`;
    checks.push({
      id: 'strace',
      ok: false,
      detail: `strace (${oneLine(out.strace.path, 120)}) is not installed on ${host.name}${mode === 'sudo' ? ` (the path ${conf} names)` : ''}`,
      fix: `install strace on ${host.name} (\`apt-get install strace\` or \`dnf install strace\`), or ${where}`,
    });
  }
  const capSysPtrace = out.uid === 0 ? hasCapSysPtrace(out.capEff) : null;
  checks.push(judgeYama(host, out.yama, { uid: out.uid, mode, straceCap: out.straceCap, capSysPtrace }));
  if (out.uid === 0) {
    checks.push(
      capSysPtrace === false
        ? {
            id: 'cap_sys_ptrace',
            ok: false,
            detail: `root here lacks CAP_SYS_PTRACE (CapEff ${out.capEff}): a container or service manager dropped it, so strace cannot attach`,
            fix: 'give it back: `docker run --cap-add SYS_PTRACE …`, or add CAP_SYS_PTRACE to the unit\'s CapabilityBoundingSet',
          }
        : { id: 'cap_sys_ptrace', ok: capSysPtrace === null ? 'warn' : true, detail: capSysPtrace === null ? 'CapEff not reported' : `root holds CAP_SYS_PTRACE (CapEff ${out.capEff})`, fix: null },
    );
  }
  const missing = REQUIRED_TOOLS.filter(([tool]) => out.tools[tool] === null || out.tools[tool] === undefined);
  if (missing.length === 0) {
    checks.push({ id: 'tools', ok: true, detail: `${REQUIRED_TOOLS.map(([t]) => t).join(', ')} found`, fix: null });
  } else {
    const packages = [...new Set(missing.map(([, p]) => p))];
    checks.push({
      id: 'tools',
      ok: false,
      detail: `missing on ${host.name}: ${missing.map(([t]) => t).join(', ')} (a trace needs each)`,
      fix: `install them: \`apt-get install ${packages.join(' ')}\``,
    });
  }
  if (out.lockDir === null) {
    checks.push({ id: 'lock_dir', ok: false, detail: 'the helper did not report its lock directory', fix: setupHostFix(host) });
  } else if (out.lockDir.ok) {
    checks.push({ id: 'lock_dir', ok: true, detail: `${out.lockDir.path} (private: mode 0700, owned by uid ${out.uid ?? '?'})`, fix: null });
  } else {
    const refusal: HelperRefusal = { code: 'host_setup', pid: null, reason: `lock_dir_${out.lockDir.why}`, args: [out.lockDir.path] };
    const path = oneLine(out.lockDir.path, 160);
    checks.push({
      id: 'lock_dir',
      ok: false,
      detail: hostSetupError(host, refusal).message,
      fix: out.lockDir.why.startsWith('mode_')
        ? `\`chmod 700 ${path}\` as its owner`
        : `look at what ${path} holds, then remove it (\`rm -r ${path}\`): the helper recreates it, mode 0700`,
    });
  }
  return checks;
}

/**
 * Returns the helper.conf checks from `sudo -n HELPER check`: the file is there, root's alone and valid;
 * it allows the app's start file; it names the app's user when status runs as one.
 */
export function judgeConfChecks(host: HostConfig, out: HelperCheckOutput, appStartFile: string | null): DoctorCheck[] {
  const confPath = helperConfPath(host.helperPath);
  if (out.refusal !== null && out.refusal.code === 'host_setup') {
    return [{ id: 'helper.conf', ok: false, detail: hostSetupError(host, out.refusal).message, fix: confFix(host, out.refusal) }];
  }
  if (out.conf === null) {
    return [{ id: 'helper.conf', ok: false, detail: `the helper did not report ${confPath}${out.refusal === null ? '' : ` (${oneLine(out.refusal.reason, 40)})`}`, fix: setupHostFix(host) }];
  }
  const conf = out.conf;
  const checks: DoctorCheck[] = [
    {
      id: 'helper.conf',
      ok: true,
      detail: `${conf.path}: root's alone; start_file ${conf.startFiles.join(' ') || '-'}, php ${conf.php ?? '-'}, run_as ${conf.runAs ?? '-'}`,
      fix: null,
    },
  ];
  if (appStartFile !== null) {
    checks.push(
      conf.startFiles.includes(appStartFile)
        ? { id: 'helper.start_file', ok: true, detail: `${conf.path} allows ${appStartFile}`, fix: null }
        : {
            id: 'helper.start_file',
            ok: false,
            detail: `${conf.path} allows ${conf.startFiles.join(', ') || 'no start file'}, not ${appStartFile}: the helper refuses status and traces of this app`,
            fix: `add the line \`start_file=${appStartFile}\` to ${conf.path} (as root)`,
          },
    );
  }
  const runAs = host.workerman.runAs;
  if (runAs !== undefined) {
    if (conf.runAs === null) {
      checks.push({
        id: 'helper.run_as',
        ok: false,
        detail: `${conf.path} has no run_as= line, so status cannot run as the app's user (workerman.runAs ${runAs})`,
        fix: `add the line \`run_as=${runAs}\` to ${conf.path} (as root)`,
      });
    } else if (conf.runAs !== runAs) {
      checks.push({
        id: 'helper.run_as',
        ok: 'warn',
        detail: `${conf.path} runs status as ${conf.runAs}; the bot's config says workerman.runAs ${runAs} (helper.conf is what counts)`,
        fix: `make them the same: \`run_as=${runAs}\` in ${conf.path}, or workerman.runAs: ${conf.runAs}`,
      });
    } else {
      checks.push({ id: 'helper.run_as', ok: true, detail: `status runs as ${runAs}`, fix: null });
    }
  }
  return checks;
}

function confFix(host: HostConfig, refusal: HelperRefusal): string {
  const confPath = helperConfPath(host.helperPath);
  const file = oneLine(refusal.args[0] ?? confPath, 160) || confPath;
  switch (refusal.reason) {
    case 'conf_unsafe':
      if (refusal.args[1] === 'symlink') return `replace ${file} with a regular file owned by root (not a symlink)`;
      if (refusal.args[1] === 'owner') return `\`chown root:root ${file}\` (as root), and check who changed it`;
      return `\`chmod go-w ${file}\` (as root): helper.conf and every directory above it must be writable by root only`;
    case 'conf_missing':
      return `install ${confPath}: ${setupHostFix(host)}`;
    default:
      return `fix that line of ${confPath} (\`workerman-ops setup-host ${host.name}\` prints a correct file)`;
  }
}
