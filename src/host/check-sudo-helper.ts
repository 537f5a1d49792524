import type { HostConfig } from '../config/host-config.js';
import { asBotError, oneLine } from '../errors.js';
import type { CommandResult } from '../transport/types.js';
import type { DoctorRun } from './doctor-run.js';
import type { DoctorCheck } from './doctor-types.js';
import { explainHelperStart, helperArgv, helperVersionError, HELPER_PROTOCOL, loadHelper } from './helper.js';
import { judgeConfChecks, setupHostFix } from './judge-helper-check.js';
import { parseHelperCheck, parseHelperVersion, type HelperCheckOutput } from './parse-helper-check.js';
import { sudoersLine } from './setup-host.js';

/** `sudo -n HELPER version` and `sudo -n HELPER check`: the sudo rule, the installed helper, helper.conf. */
export async function checkSudoHelper(
  host: HostConfig,
  run: DoctorRun,
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
