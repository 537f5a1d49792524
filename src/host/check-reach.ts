import { userInfo } from 'node:os';
import type { HostConfig } from '../config/host-config.js';
import { asBotError, oneLine, type BotError } from '../errors.js';
import type { CommandResult } from '../transport/types.js';
import type { DoctorRun } from './doctor-run.js';
import type { DoctorCheck } from './doctor-types.js';

/**
 * SSH reach, host key and login (or "local"), by running `id -u` (timeoutMs: the limit `run` applies,
 * named when it is hit); `uid` is null when nothing else can run.
 */
export async function checkReach(host: HostConfig, run: DoctorRun, timeoutMs: number): Promise<{ checks: DoctorCheck[]; uid: number | null; userName: string }> {
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
      detail: result.timedOut ? `\`id -u\` did not answer within ${Math.round(timeoutMs / 1000)} s` : `commands cannot run on ${host.name}: ${stderr || `exit ${result.exitCode ?? result.signal ?? '?'}`}`,
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
