import { userInfo } from 'node:os';
import type { HostConfig } from '../config/host-config.js';
import { asBotError, oneLine, type BotError, type BotErrorCode } from '../errors.js';
import type { CommandResult, Transport } from '../transport/types.js';
import { runStatus } from '../workerman/run-status.js';
import { listWorkermanProcesses, selectAppProcesses, soleRunningApp, type WorkermanProcess } from '../workerman/workerman-processes.js';
import { summarizeDoctorChecks, type DoctorCheck, type DoctorHostReport, type DoctorReport } from './doctor-types.js';
import { explainHelperStart, helperArgv, helperUsesSudo, helperVersionError, HELPER_PROTOCOL, loadHelper } from './helper.js';
import { judgeConfChecks, judgeTraceChecks, setupHostFix } from './judge-helper-check.js';
import { parseHelperCheck, parseHelperVersion, type HelperCheckOutput } from './parse-helper-check.js';
import { sudoersLine } from './setup-host.js';

export interface RunDoctorOptions {
  signal?: AbortSignal;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Checks one host the way the bot uses it and returns one entry per check, each failure with its fix:
 * SSH (reach, host key, login) or local; php and the start file; for hosts that use sudo, the helper,
 * its sudo rule and helper.conf; `status` (run once: it signals every worker); what a trace needs
 * (strace, Yama, CAP_SYS_PTRACE, tools, the lock directory). A check whose prerequisite failed is left
 * out. Never throws for what it finds on the host.
 */
export async function runDoctor(transport: Transport, host: HostConfig, opts: RunDoctorOptions = {}): Promise<DoctorHostReport> {
  const checks: DoctorCheck[] = [];
  const timeoutMs = host.ssh?.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const run = (argv: readonly string[], cwd?: string): Promise<CommandResult> =>
    transport.run(argv, { timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES, ...(cwd === undefined ? {} : { cwd }), ...(opts.signal === undefined ? {} : { signal: opts.signal }) });

  const reach = await checkReach(host, run);
  checks.push(...reach.checks);
  if (reach.uid === null) return summarizeDoctorChecks(host.name, checks);

  // Listed at most once, read only (no signal reaches any process).
  let listing: Promise<WorkermanProcess[]> | undefined;
  const processes = (): Promise<WorkermanProcess[]> =>
    (listing ??= listWorkermanProcesses(transport, host, { timeoutMs, ...(opts.signal === undefined ? {} : { signal: opts.signal }) }));

  const php = await checkPhp(host, run);
  checks.push(php);
  const app = await checkStartFile(host, run, processes);
  checks.push(app.check);

  // The helper comes before what needs it (status as workerman.runAs, traces with strace.sudo).
  let helperOk = true;
  let rootCheck: HelperCheckOutput | null = null;
  if (helperUsesSudo(host, 'procs')) {
    const helper = await checkSudoHelper(host, run, app.startFile, reach.userName);
    checks.push(...helper.checks);
    helperOk = helper.checks.every((c) => c.ok !== false);
    rootCheck = helper.output;
  }

  const statusRuns = app.startFile !== null && (host.workerman.runAs === undefined ? php.ok !== false : helperOk);
  if (statusRuns) checks.push(await checkStatus(transport, host, app.startFile!, opts.signal));

  if (host.strace.sudo) {
    // Traces run as root through the helper: its `check` above reported what they need.
    if (rootCheck !== null && rootCheck.done) checks.push(...judgeTraceChecks(host, rootCheck));
  } else {
    checks.push(...(await checkUserTrace(host, run)));
    if (reach.uid !== 0) {
      const uidCheck = await checkTraceUid(host, reach.uid, app.startFile, processes);
      if (uidCheck !== null) checks.push(uidCheck);
    }
  }
  return summarizeDoctorChecks(host.name, checks);
}

/** Runs `runOne` for every host, at most `concurrency` at once; the reports come back in the order of `hosts`. Never rejects. */
export async function runDoctorFleet(
  hosts: readonly HostConfig[],
  runOne: (host: HostConfig) => Promise<DoctorHostReport>,
  opts: { concurrency: number },
): Promise<DoctorReport> {
  const reports = new Array<DoctorHostReport>(hosts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const index = next++;
      const host = hosts[index]!;
      try {
        reports[index] = await runOne(host);
      } catch (error) {
        const e = asBotError(error);
        reports[index] = summarizeDoctorChecks(host.name, [{ id: 'doctor', ok: false, detail: `${e.message} (${e.code})`, fix: 'run `workerman-ops doctor` again with DEBUG=1 and report the error' }]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, Math.floor(opts.concurrency)), hosts.length) }, worker));
  return { hosts: reports };
}

type Run = (argv: readonly string[], cwd?: string) => Promise<CommandResult>;

/** SSH reach, host key and login (or "local"); `uid` is null when nothing else can run. */
async function checkReach(host: HostConfig, run: Run): Promise<{ checks: DoctorCheck[]; uid: number | null; userName: string }> {
  const ssh = host.ssh;
  const userName = ssh?.username ?? userInfo().username;
  let result: CommandResult;
  try {
    result = await run(['id', '-u']);
  } catch (error) {
    const e = asBotError(error);
    return { checks: sshFailure(host, e), uid: null, userName };
  }
  const uid = /^\d+$/.test(result.stdout.trim()) ? Number(result.stdout.trim()) : null;
  const checks: DoctorCheck[] = [];
  if (ssh === undefined) {
    checks.push({ id: 'local', ok: true, detail: `local, no SSH: commands run on this machine as ${userName} (uid ${uid ?? '?'})`, fix: null });
  } else {
    const via = ssh.jump === undefined ? '' : ` via ${ssh.jump.username}@${ssh.jump.address}:${ssh.jump.port}`;
    const pinned = ssh.hostKey === undefined ? null : Array.isArray(ssh.hostKey) ? ssh.hostKey.join(' or ') : ssh.hostKey;
    checks.push(
      { id: 'ssh.reach', ok: true, detail: `${ssh.address}:${ssh.port}${via} answers`, fix: null },
      { id: 'ssh.host_key', ok: true, detail: pinned === null ? `found in ${ssh.knownHostsFile}` : `matches the pinned ${pinned}`, fix: null },
      { id: 'ssh.login', ok: true, detail: `as ${ssh.username} (uid ${uid ?? '?'})`, fix: null },
    );
  }
  if (result.timedOut || uid === null) {
    const stderr = oneLine(result.stderr, 200);
    const noTimeout = /timeout: (command )?not found|exec: timeout/.test(result.stderr);
    checks.push({
      id: 'shell',
      ok: false,
      detail: result.timedOut ? `\`id -u\` did not answer within ${Math.round((ssh?.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS) / 1000)} s` : `commands cannot run on ${host.name}: ${stderr || `exit ${result.exitCode ?? result.signal ?? '?'}`}`,
      fix: noTimeout ? `install coreutils on ${host.name}: every command the bot runs there is wrapped in \`timeout\`` : `log in as the bot's user and run \`id -u\` by hand to see what fails`,
    });
    return { checks, uid: null, userName };
  }
  return { checks, uid, userName };
}

/** One failed check line per kind of SSH failure, with the checks that passed before it. */
function sshFailure(host: HostConfig, e: BotError): DoctorCheck[] {
  const ssh = host.ssh;
  if (ssh === undefined) {
    return [{ id: 'local', ok: false, detail: `${e.message} (${e.code})`, fix: 'check that the bot can run commands on this machine (`sh`, `id`)' }];
  }
  const target = `${ssh.username}@${ssh.address}`;
  const port = ssh.port === 22 ? '' : ` -p ${ssh.port}`;
  const reached: DoctorCheck = { id: 'ssh.reach', ok: true, detail: `${ssh.address}:${ssh.port} answers`, fix: null };
  switch (e.code) {
    case 'config_invalid':
      return [{ id: 'ssh.config', ok: false, detail: e.message, fix: `fix the ssh settings of ${host.name} in the bot's config (the message names the setting)` }];
    case 'ssh_host_key_mismatch':
      return [
        reached,
        {
          id: 'ssh.host_key',
          ok: false,
          detail: e.message,
          fix: `if ${host.name} was rebuilt, compare its new key out of band (\`ssh-keyscan${port} ${ssh.address} | ssh-keygen -lf -\` here, \`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub\` on the host) and update hostKey in the config; otherwise treat it as an attack`,
        },
      ];
    case 'ssh_auth_failed':
      return [
        reached,
        { id: 'ssh.host_key', ok: true, detail: 'verified before the login', fix: null },
        {
          id: 'ssh.login',
          ok: false,
          detail: e.message,
          fix: `put the bot's public key in ~${ssh.username}/.ssh/authorized_keys on ${host.name} (\`workerman-ops setup-host ${host.name}\` prints the line)`,
        },
      ];
    default:
      return [
        {
          id: 'ssh.reach',
          ok: false,
          detail: e.message,
          fix: `check that ${host.name} is up and that its SSH port is reachable from the bot's machine: \`ssh${port} ${target} true\``,
        },
      ];
  }
}

async function checkPhp(host: HostConfig, run: Run): Promise<DoctorCheck> {
  const php = host.workerman.php;
  const notFound = (): DoctorCheck => ({
    id: 'php',
    ok: false,
    detail: `PHP (workerman.php "${php}") was not found on ${host.name}`,
    fix: `install the PHP CLI on ${host.name}, or set workerman.php for ${host.name} to its full path (\`command -v php\` on the host)`,
  });
  let result: CommandResult;
  try {
    result = await run([php, '-v']);
  } catch (error) {
    const e = asBotError(error);
    return { id: 'php', ok: false, detail: `${e.message} (${e.code})`, fix: `run \`${php} -v\` on ${host.name} by hand` };
  }
  if (result.exitCode === 127 || /: (command )?not found\s*$/m.test(result.stderr)) return notFound();
  const first = oneLine(result.stdout.split('\n').find((l) => l.trim() !== '') ?? '', 120);
  if (result.exitCode !== 0 || !/^PHP \d/.test(first)) {
    return {
      id: 'php',
      ok: false,
      detail: `\`${php} -v\` on ${host.name} ${result.exitCode === 0 ? `printed "${first}"` : `failed (exit ${result.exitCode ?? result.signal ?? '?'}): ${oneLine(result.stderr, 160) || first || 'no output'}`}`,
      fix: `run \`${php} -v\` on ${host.name} by hand; set workerman.php to a working PHP CLI`,
    };
  }
  const asWho = host.workerman.runAs === undefined ? '' : ` (as the SSH user; status runs the php of helper.conf as ${host.workerman.runAs})`;
  return { id: 'php', ok: true, detail: `${php}: ${first}${asWho}`, fix: null };
}

/** The start file: `test -f` of the configured one, or the running master's; `startFile` is null when unknown. */
async function checkStartFile(host: HostConfig, run: Run, processes: () => Promise<WorkermanProcess[]>): Promise<{ check: DoctorCheck; startFile: string | null }> {
  const configured = host.workerman.startFile;
  if (configured !== undefined) {
    let result: CommandResult;
    try {
      result = await run(['test', '-f', configured]);
    } catch (error) {
      const e = asBotError(error);
      return { check: { id: 'start_file', ok: false, detail: `${e.message} (${e.code})`, fix: `check workerman.startFile for ${host.name}` }, startFile: configured };
    }
    if (result.exitCode === 0) return { check: { id: 'start_file', ok: true, detail: `${configured} exists`, fix: null }, startFile: configured };
    if (host.workerman.runAs !== undefined) {
      return {
        check: {
          id: 'start_file',
          ok: 'warn',
          detail: `${configured} is not visible to the SSH user; status runs it as ${host.workerman.runAs} through the helper (see status)`,
          fix: `check workerman.startFile for ${host.name} if status fails`,
        },
        startFile: configured,
      };
    }
    return {
      check: {
        id: 'start_file',
        ok: false,
        detail: `${configured} does not exist on ${host.name} (or the SSH user cannot see it)`,
        fix: `set workerman.startFile for ${host.name} to the file the app is started with (\`ps -eo args | grep 'WorkerMan: master'\` on the host shows it)`,
      },
      startFile: null,
    };
  }
  try {
    const all = await processes();
    const file = soleRunningApp(all, host.name);
    if (file !== null) {
      const master = all.find((p) => p.role === 'master' && p.startFile === file);
      return { check: { id: 'start_file', ok: true, detail: `${file} (the running master's${master === undefined ? '' : `, pid ${master.pid}`})`, fix: null }, startFile: file };
    }
    return {
      check: {
        id: 'start_file',
        ok: false,
        detail: `no Workerman master runs on ${host.name}, and workerman.startFile is not set`,
        fix: `start the app (\`php start.php start -d\`), or set workerman.startFile for ${host.name}`,
      },
      startFile: null,
    };
  } catch (error) {
    const e = asBotError(error);
    return { check: { id: 'start_file', ok: false, detail: `${e.message} (${e.code})`, fix: `set workerman.startFile for ${host.name} in the config` }, startFile: null };
  }
}

/** `sudo -n HELPER version` and `sudo -n HELPER check`: the sudo rule, the installed helper, helper.conf. */
async function checkSudoHelper(
  host: HostConfig,
  run: Run,
  appStartFile: string | null,
  sshUser: string,
): Promise<{ checks: DoctorCheck[]; output: HelperCheckOutput | null }> {
  const path = host.helperPath;
  const rule = sudoersLine(sshUser, path);
  const ruleFix = `add the sudoers rule \`${rule}\` in /etc/sudoers.d/workerman-ops, checked with \`visudo -cf\` first (\`workerman-ops setup-host ${host.name}\` prints the lines)`;
  let result: CommandResult;
  try {
    result = await run(helperArgv(host, 'version', [], { sudo: true }));
  } catch (error) {
    const e = asBotError(error);
    return { checks: [{ id: 'helper', ok: false, detail: `${e.message} (${e.code})`, fix: setupHostFix(host) }], output: null };
  }
  const version = parseHelperVersion(result.stdout);
  if (version === null) {
    if (/you must have a tty|sorry, you must have a tty/i.test(result.stderr)) {
      return {
        checks: [{ id: 'sudo', ok: false, detail: `sudo on ${host.name} requires a terminal (Defaults requiretty), which the bot never has`, fix: `add \`Defaults:${sshUser} !requiretty\` to /etc/sudoers.d/workerman-ops (with visudo)` }],
        output: null,
      };
    }
    const explained = explainHelperStart(host, result.stderr, true);
    const reason = explained?.details['reason'];
    if (explained !== null && reason === 'sudo_rule_missing') return { checks: [{ id: 'sudo', ok: false, detail: explained.message, fix: ruleFix }], output: null };
    if (explained !== null && reason === 'sudo_missing') {
      return { checks: [{ id: 'sudo', ok: false, detail: explained.message, fix: `install sudo on ${host.name} (\`apt-get install sudo\`), or set strace.sudo: false and remove workerman.runAs for ${host.name}` }], output: null };
    }
    if (explained !== null && reason === 'helper_missing') {
      return { checks: [{ id: 'helper', ok: false, detail: explained.message, fix: `install the helper root-owned at ${path}: ${setupHostFix(host)}` }], output: null };
    }
    return {
      checks: [
        {
          id: 'helper',
          ok: false,
          detail: `\`sudo -n ${path} version\` on ${host.name} gave no answer (exit ${result.exitCode ?? result.signal ?? '?'}): ${oneLine(result.stderr, 200) || 'no output'}`,
          fix: setupHostFix(host),
        },
      ],
      output: null,
    };
  }
  const checks: DoctorCheck[] = [];
  if (version.mode !== 'sudo' || version.uid !== 0) {
    checks.push({ id: 'sudo', ok: false, detail: `sudo ran ${path} as uid ${version.uid ?? '?'}, not as root`, fix: `the rule must run it as root: \`${rule}\`` });
    return { checks, output: null };
  }
  checks.push({ id: 'sudo', ok: true, detail: `\`sudo -n ${path}\` runs as root without a password`, fix: null });
  if (version.protocol !== String(HELPER_PROTOCOL)) {
    checks.push({ id: 'helper', ok: false, detail: helperVersionError(host, version.protocol).message, fix: `reinstall it: ${setupHostFix(host)}` });
    return { checks, output: null };
  }
  const ours = loadHelper().sha256;
  if (version.sha256 === null) {
    checks.push({ id: 'helper', ok: 'warn', detail: `${path}, protocol ${version.protocol}; its sha256 is unknown (sha256sum missing on the host?)`, fix: `install coreutils on ${host.name}; then compare \`sha256sum ${path}\` with ${ours}` });
  } else if (version.sha256 !== ours) {
    checks.push({
      id: 'helper',
      ok: 'warn',
      detail: `${path}, protocol ${version.protocol}, differs from this bot's (sha256 ${version.sha256.slice(0, 12)}… there, ${ours.slice(0, 12)}… here); reinstall`,
      fix: `reinstall it: ${setupHostFix(host)}`,
    });
  } else {
    checks.push({ id: 'helper', ok: true, detail: `${path}, protocol ${version.protocol}, the same as this bot's (sha256 ${ours.slice(0, 12)}…)`, fix: null });
  }
  let checkResult: CommandResult;
  try {
    checkResult = await run(helperArgv(host, 'check', [], { sudo: true }));
  } catch (error) {
    const e = asBotError(error);
    checks.push({ id: 'helper.conf', ok: false, detail: `${e.message} (${e.code})`, fix: setupHostFix(host) });
    return { checks, output: null };
  }
  const output = parseHelperCheck(checkResult.stdout);
  checks.push(...judgeConfChecks(host, output, appStartFile));
  return { checks, output };
}

/** `php START status`, once: the status command signals every worker (Workerman answers it that way). */
async function checkStatus(transport: Transport, host: HostConfig, startFile: string, signal: AbortSignal | undefined): Promise<DoctorCheck> {
  try {
    const run = await runStatus(transport, host, signal === undefined ? {} : { signal });
    const wm = run.status.workerman;
    const count = run.status.processes.length > 0 ? run.status.processes.length : run.status.processCount;
    return {
      id: 'status',
      ok: true,
      detail: `\`php ${run.startFile} status\` answered${wm.version === null ? '' : `: Workerman ${wm.version}`}, ${count ?? '?'} processes (status signals every worker; doctor ran it once)`,
      fix: null,
    };
  } catch (error) {
    const e = asBotError(error);
    return { id: 'status', ok: false, detail: `${e.message} (status signals every worker; doctor ran it once)`, fix: statusFix(host, e.code, startFile) };
  }
}

function statusFix(host: HostConfig, code: BotErrorCode, startFile: string): string {
  const h = host.name;
  switch (code) {
    case 'workerman_not_running':
      return `start the app (\`php ${startFile} start -d\`), or point workerman.startFile for ${h} at the app that runs`;
    case 'start_file_missing':
      return `check workerman.startFile for ${h}`;
    case 'command_timed_out':
      return `the master may be stuck: \`workerman-ops trace ${h} <master pid>\`; or raise ssh.commandTimeoutMs for ${h}`;
    case 'permission_denied':
      return `run status as the app's user: set workerman.runAs for ${h} and install the helper (\`workerman-ops setup-host ${h}\`)`;
    case 'host_setup_invalid':
    case 'strace_not_permitted':
      return setupHostFix(host);
    case 'config_invalid':
      return `make run_as in helper.conf name the app's user on ${h}`;
    default:
      return `run \`php ${startFile} status\` on ${h} by hand (as the app's user) to see what it prints`;
  }
}

/** The helper's `check` as the SSH user: what a trace without sudo needs. */
async function checkUserTrace(host: HostConfig, run: Run): Promise<DoctorCheck[]> {
  let result: CommandResult;
  try {
    result = await run(helperArgv(host, 'check', [host.strace.path], { sudo: false }));
  } catch (error) {
    const e = asBotError(error);
    return [{ id: 'strace', ok: false, detail: `the helper's check could not run: ${e.message} (${e.code})`, fix: 'check that `sh` runs on the host' }];
  }
  const output = parseHelperCheck(result.stdout);
  if (output.protocol === null || !output.done) {
    return [
      {
        id: 'strace',
        ok: false,
        detail: `the helper's check stopped (exit ${result.exitCode ?? result.signal ?? '?'}): ${oneLine(result.stderr, 200) || 'no output'}`,
        fix: 'check that a POSIX `sh` runs on the host',
      },
    ];
  }
  return judgeTraceChecks(host, output);
}

/**
 * Without sudo the helper traces as the SSH user, and only that uid's processes: says whether the app's
 * processes run as it. null when no process of the app runs (nothing to compare).
 */
async function checkTraceUid(host: HostConfig, uid: number, startFile: string | null, processes: () => Promise<WorkermanProcess[]>): Promise<DoctorCheck | null> {
  let app;
  try {
    app = selectAppProcesses(await processes(), startFile);
  } catch {
    return null; // the listing's own problem was reported with the start file or the helper
  }
  const uids = [...new Set([...app.masters, ...app.workers].map((p) => p.uid).filter((u): u is number => u !== null))];
  if (uids.length === 0) return null;
  const others = uids.filter((u) => u !== uid);
  if (others.length === 0) return { id: 'trace_uid', ok: true, detail: `the app's processes run as uid ${uid}, the SSH user's: it may trace them`, fix: null };
  return {
    id: 'trace_uid',
    ok: false,
    detail: `the app's processes run as uid ${others.join(', ')}; without sudo the helper traces as uid ${uid} (the SSH user) and may trace only its own processes`,
    fix: `set strace.sudo: true for ${host.name} and install the helper with its sudo rule (\`workerman-ops setup-host ${host.name}\` prints the lines), or connect as the app's user`,
  };
}

