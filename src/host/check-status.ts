import type { HostConfig } from '../config/host-config.js';
import { asBotError, type BotErrorCode } from '../errors.js';
import type { Transport } from '../transport/types.js';
import { runStatus } from '../workerman/run-status.js';
import type { DoctorCheck } from './doctor-types.js';
import { setupHostFix } from './judge-helper-check.js';

/** `php START status`, once: the status command signals every worker (Workerman answers it that way). */
export async function checkStatus(transport: Transport, host: HostConfig, startFile: string, signal: AbortSignal | undefined): Promise<DoctorCheck> {
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
