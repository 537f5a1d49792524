import type { Transport } from '../transport/types.js';

/** A process whose title Workerman set (`WorkerMan: master process  start_file=…` / `worker process  NAME LISTEN`). */
export interface WorkermanProcess {
  pid: number;
  ppid: number;
  /** ps STAT (`S`, `R`, `Z`, `T`, …). */
  state: string;
  cwd: string | null;
  title: string;
  role: 'master' | 'worker';
  /** Master: the start file from its title. */
  startFile: string | null;
  /** Worker: name and listen address from its title. */
  workerName: string | null;
  listen: string | null;
}

// A constant script: nothing user-typed is ever part of it. `ps` prints the titles Workerman sets with
// cli_set_process_title(); cwd comes from /proc (empty when not readable).
const LIST_SCRIPT = `ps -eo pid=,ppid=,stat=,args= 2>/dev/null | while read -r pid ppid stat args; do
  case "$args" in
    "WorkerMan: "*) printf '%s\\t%s\\t%s\\t%s\\t%s\\n' "$pid" "$ppid" "$stat" "$(readlink "/proc/$pid/cwd" 2>/dev/null)" "$args" ;;
  esac
done`;

/** Lists the Workerman masters and workers running on the host (from their process titles). */
export async function listWorkermanProcesses(transport: Transport, timeoutMs: number): Promise<WorkermanProcess[]> {
  const result = await transport.run(['sh', '-c', LIST_SCRIPT], { timeoutMs, maxOutputBytes: 4 * 1024 * 1024 });
  return parseWorkermanProcessList(result.stdout);
}

/**
 * Parses the tab-separated listing of `listWorkermanProcesses`.
 *
 * @example
 * parseWorkermanProcessList('19365\t1\tSs\t/srv/app\tWorkerMan: master process  start_file=/srv/app/start.php\n')
 * // [{ pid: 19365, role: 'master', startFile: '/srv/app/start.php', … }]
 */
export function parseWorkermanProcessList(text: string): WorkermanProcess[] {
  const out: WorkermanProcess[] = [];
  for (const line of text.split('\n')) {
    const [pid, ppid, state, cwd, ...rest] = line.split('\t');
    const title = rest.join('\t').trimEnd();
    if (!pid || !ppid || !/^\d+$/.test(pid) || !/^\d+$/.test(ppid) || title === '') continue;
    const master = /^WorkerMan: master process {1,2}start_file=(.+)$/.exec(title);
    const worker = /^WorkerMan: worker process {1,2}(.*?)(?: (\S+))?$/.exec(title);
    if (!master && !worker) continue;
    out.push({
      pid: Number(pid),
      ppid: Number(ppid),
      state: state ?? '',
      cwd: cwd ? cwd : null,
      title,
      role: master ? 'master' : 'worker',
      startFile: master ? master[1]!.trim() : null,
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
