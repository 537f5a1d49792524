import type { HostConfig } from '../config/host-config.js';
import { asBotError, oneLine } from '../errors.js';
import type { CommandResult } from '../transport/types.js';
import { selectAppProcesses, type WorkermanProcess } from '../workerman/workerman-processes.js';
import type { DoctorRun } from './doctor-run.js';
import type { DoctorCheck } from './doctor-types.js';
import { helperArgv } from './helper.js';
import { judgeTraceChecks } from './judge-helper-check.js';
import { parseHelperCheck } from './parse-helper-check.js';

/** The helper's `check` as the SSH user: what a trace without sudo needs. */
export async function checkUserTrace(host: HostConfig, run: DoctorRun): Promise<DoctorCheck[]> {
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
export async function checkTraceUid(host: HostConfig, uid: number, startFile: string | null, processes: () => Promise<WorkermanProcess[]>): Promise<DoctorCheck | null> {
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

