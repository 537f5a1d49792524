import { dirname } from 'node:path/posix';
import type { HostConfig } from '../config/host-config.js';
import { BotError, oneLine } from '../errors.js';
import { explainHelperStart, helperArgv, helperUsesSudo, helperVersionError, HELPER_MARKER, HELPER_PROTOCOL, hostSetupError, parseHelperError } from '../host/helper.js';
import type { Transport } from '../transport/types.js';

/** A process whose title Workerman set (`WorkerMan: master process  start_file=…` / `worker process  NAME LISTEN`). */
export interface WorkermanProcess {
  pid: number;
  ppid: number;
  /** `/proc/PID/stat` state (`S`, `R`, `Z`, `T`, …). */
  state: string;
  /** `/proc/PID/stat` field 22 (clock ticks since boot): with the pid, one process for good. */
  startTime: number | null;
  uid: number | null;
  /** Working directory; null where the helper may not read it (another user's process without sudo). */
  cwd: string | null;
  title: string;
  role: 'master' | 'worker';
  /** Master: the start file from its title. */
  startFile: string | null;
  /** Worker: name and listen address from its title. */
  workerName: string | null;
  listen: string | null;
}

/**
 * Lists the Workerman masters and workers running on the host from /proc (the helper's `procs`): read
 * only, no signal reaches any process, unlike Workerman's own `status`.
 */
export async function listWorkermanProcesses(transport: Transport, host: HostConfig, opts: { timeoutMs: number; signal?: AbortSignal }): Promise<WorkermanProcess[]> {
  const sudo = helperUsesSudo(host, 'procs');
  const result = await transport.run(helperArgv(host, 'procs', [], { sudo }), {
    timeoutMs: opts.timeoutMs,
    maxOutputBytes: 4 * 1024 * 1024,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  const lines = result.stdout.split('\n');
  const hello = lines.find((l) => l.startsWith(`${HELPER_MARKER}hello `));
  if (hello === undefined) {
    throw (
      explainHelperStart(host, result.stderr, sudo) ??
      new BotError('command_failed', `Listing the Workerman processes on ${host.name} failed (exit ${result.exitCode ?? result.signal ?? '?'}): ${oneLine(result.stderr) || 'no output'}.`)
    );
  }
  const version = hello.split(' ')[1] ?? '';
  if (version !== String(HELPER_PROTOCOL)) throw helperVersionError(host, version);
  const refusal = lines.map(parseHelperError).find((e) => e !== null);
  if (refusal != null) {
    throw refusal.code === 'host_setup' ? hostSetupError(host, refusal) : new BotError('command_failed', `Listing the Workerman processes on ${host.name} was refused (${oneLine(refusal.reason, 40)}).`);
  }
  return parseWorkermanProcessList(result.stdout);
}

/**
 * Parses the helper's `procs` lines: `@@wmops:proc PID PPID STATE START UID<TAB>CWD<TAB>TITLE`.
 *
 * @example
 * parseWorkermanProcessList('@@wmops:proc 19365 1 S 65681 0\t/srv/app\tWorkerMan: master process  start_file=/srv/app/start.php\n')
 * // [{ pid: 19365, role: 'master', startFile: '/srv/app/start.php', … }]
 */
export function parseWorkermanProcessList(text: string): WorkermanProcess[] {
  const out: WorkermanProcess[] = [];
  const prefix = `${HELPER_MARKER}proc `;
  for (const line of text.split('\n')) {
    if (!line.startsWith(prefix)) continue;
    const [head = '', cwd = '', ...rest] = line.slice(prefix.length).split('\t');
    const [pid, ppid, state, start, uid] = head.split(' ');
    const title = rest.join('\t').trimEnd();
    if (!pid || !ppid || !/^\d+$/.test(pid) || !/^\d+$/.test(ppid) || title === '') continue;
    const master = /^WorkerMan: master process {1,2}start_file=(\S+)/.exec(title);
    const worker = /^WorkerMan: worker process {1,2}(.*?)(?: (\S+))?$/.exec(title);
    if (!master && !worker) continue;
    out.push({
      pid: Number(pid),
      ppid: Number(ppid),
      state: state ?? '',
      startTime: start !== undefined && /^\d+$/.test(start) ? Number(start) : null,
      uid: uid !== undefined && /^\d+$/.test(uid) ? Number(uid) : null,
      cwd: cwd === '' ? null : cwd,
      title,
      role: master ? 'master' : 'worker',
      startFile: master ? master[1]! : null,
      workerName: worker ? worker[1]! : null,
      listen: worker?.[2] && worker[2] !== 'none' ? worker[2] : null,
    });
  }
  return out;
}

/** Workers whose master is gone or a zombie: they serve, but nothing respawns or reloads them. */
export function findOrphanedWorkers(processes: readonly WorkermanProcess[]): WorkermanProcess[] {
  const liveMasters = new Set(processes.filter((p) => p.role === 'master' && !p.state.startsWith('Z')).map((p) => p.pid));
  return processes.filter((p) => p.role === 'worker' && !p.state.startsWith('Z') && !liveMasters.has(p.ppid));
}

/** The processes of one app as /proc shows them: its live masters, their workers, and orphans that are its leftovers. */
export interface AppProcesses {
  startFile: string | null;
  masters: WorkermanProcess[];
  workers: WorkermanProcess[];
  /**
   * Workers without a live master that belong to this app: once the master is gone nothing ties a
   * worker to a start file, so an orphan counts as this app's when the app has no live master (what
   * is left of it) or when it runs in the start file's directory.
   */
  orphans: WorkermanProcess[];
}

/** Picks one app's processes out of a host's listing (see AppProcesses for how orphans are attributed). */
export function selectAppProcesses(processes: readonly WorkermanProcess[], startFile: string | null): AppProcesses {
  const live = processes.filter((p) => !p.state.startsWith('Z'));
  const masters = live.filter((p) => p.role === 'master' && (startFile === null || p.startFile === startFile));
  const masterPids = new Set(masters.map((p) => p.pid));
  const workers = live.filter((p) => p.role === 'worker' && masterPids.has(p.ppid));
  const appDir = startFile === null ? null : dirname(startFile);
  const orphans = findOrphanedWorkers(processes).filter((p) => masters.length === 0 || (appDir !== null && p.cwd === appDir));
  return { startFile, masters, workers, orphans };
}

/** The start file of the one app whose master runs; `input_invalid` when several do; null when none. */
export function soleRunningApp(processes: readonly WorkermanProcess[], hostName: string): string | null {
  const files = [...new Set(processes.filter((p) => p.role === 'master' && p.startFile !== null && !p.state.startsWith('Z')).map((p) => p.startFile!))];
  if (files.length > 1) {
    throw new BotError('input_invalid', `Several Workerman apps run on ${hostName} (${files.join(', ')}): set workerman.startFile for ${hostName} in workerman-ops.yml.`);
  }
  return files[0] ?? null;
}
