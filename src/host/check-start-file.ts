import type { HostConfig } from '../config/host-config.js';
import { asBotError } from '../errors.js';
import type { CommandResult } from '../transport/types.js';
import { soleRunningApp, type WorkermanProcess } from '../workerman/workerman-processes.js';
import type { DoctorRun } from './doctor-run.js';
import type { DoctorCheck } from './doctor-types.js';

/** The start file: `test -f` of the configured one, or the running master's; `startFile` is null when unknown. */
export async function checkStartFile(host: HostConfig, run: DoctorRun, processes: () => Promise<WorkermanProcess[]>): Promise<{ check: DoctorCheck; startFile: string | null }> {
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
