import { BotError } from '../errors.js';
import { HELPER_MARKER } from '../host/helper.js';
import { syscallArchOf, syscallName } from '../strace/syscall-names.js';
import { parseWorkermanTitle, selectAppProcesses, soleRunningApp, type WorkermanProcess } from '../workerman/workerman-processes.js';
import type { WatchProcess, WatchSample } from './types.js';

export interface ParseSampleOptions {
  host: string;
  /** Bot clock (ms since the epoch) when the round started. */
  t: number;
  durationMs: number;
  /** The configured start file; null: the one app whose master runs (several: `input_invalid`). */
  startFile: string | null;
}

/** One `s` line before the app's processes are picked out of the host's. */
interface RawRow extends WorkermanProcess {
  cpuTicks: number;
  rssPages: number;
  fds: number | null;
  wchan: string | null;
  syscall: string | null;
}

/**
 * Parses the helper's `sample` output into a WatchSample of the app's processes (live and zombie
 * masters, their workers, orphans that are the app's), or throws `command_failed` when it is not a
 * whole sample (no `done` line: the command was cut).
 *
 * @example
 * @@wmops:hello 2 sample
 * @@wmops:info uptime 4323.45
 * @@wmops:info clk_tck 100
 * @@wmops:info page_size 4096
 * @@wmops:info arch x86_64
 * @@wmops:s 12204 1 S 432239 1 0 2170 5 do_wait 61	/srv/app	WorkerMan: master process  start_file=/srv/app/start.php
 * @@wmops:s 12206 12204 S 432243 0 0 1672 7 do_epoll_wait 232	/srv/app	WorkerMan: worker process  web http://0.0.0.0:8080
 * @@wmops:s 12208 12204 R 432243 44 0 1374 5 0 running	/srv/app	WorkerMan: worker process  cpu none
 * @@wmops:done sample
 */
export function parseSample(text: string, opts: ParseSampleOptions): WatchSample {
  const info = new Map<string, string>();
  const rows: RawRow[] = [];
  let isDone = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(HELPER_MARKER)) continue;
    const rest = line.slice(HELPER_MARKER.length);
    if (rest.startsWith('info ')) {
      const [key = '', ...value] = rest.slice(5).split(' ');
      info.set(key, value.join(' '));
    } else if (rest.startsWith('s ')) {
      const row = parseRow(rest.slice(2));
      if (row !== null) rows.push(row);
    } else if (rest === 'done sample') {
      isDone = true;
    }
  }
  if (!isDone) throw new BotError('command_failed', `The /proc sample of ${opts.host} ended before its last line (the command was cut off).`);
  const arch = syscallArchOf(info.get('arch'));
  const pageSize = positiveInt(info.get('page_size')) ?? 4096;
  const clkTck = positiveInt(info.get('clk_tck')) ?? 100;
  const uptime = Number(info.get('uptime'));
  for (const row of rows) {
    // A bare number is named here, once, with the host's own numbering (aarch64's 73 is ppoll).
    if (row.syscall !== null && /^\d+$/.test(row.syscall)) row.syscall = syscallName(Number(row.syscall), arch) ?? row.syscall;
  }

  const startFile = opts.startFile ?? soleRunningApp(rows, opts.host) ?? zombieMasterApp(rows);
  const app = selectAppProcesses(rows, startFile);
  const zombieMasters = rows.filter((r) => r.role === 'master' && r.state.startsWith('Z') && (startFile === null || r.startFile === startFile));
  const picked: [RawRow, boolean][] = [
    ...[...app.masters, ...zombieMasters].map((p) => [p as RawRow, false] as [RawRow, boolean]),
    ...app.workers.map((p) => [p as RawRow, false] as [RawRow, boolean]),
    ...app.orphans.map((p) => [p as RawRow, true] as [RawRow, boolean]),
  ];
  const processes = picked.map(([r, isOrphan]): WatchProcess => ({
    pid: r.pid,
    ppid: r.ppid,
    startTicks: r.startTime ?? 0,
    state: r.state,
    cpuTicks: r.cpuTicks,
    rssBytes: r.rssPages * pageSize,
    fds: r.fds,
    wchan: r.wchan,
    syscall: r.syscall,
    role: r.role,
    worker: r.workerName,
    listen: r.listen,
    isOrphan,
  }));
  processes.sort((a, b) => a.pid - b.pid);
  return {
    host: opts.host,
    t: opts.t,
    durationMs: opts.durationMs,
    outcome: 'ok',
    error: null,
    uptimeS: Number.isFinite(uptime) && uptime > 0 ? uptime : null,
    clkTck,
    startFile,
    processes,
    status: null,
  };
}

// `PID PPID STATE START UTIME STIME RSS FDS WCHAN SYSCALL<TAB>CWD<TAB>TITLE`
function parseRow(text: string): RawRow | null {
  const [head = '', cwd = '', ...titleParts] = text.split('\t');
  const title = titleParts.join('\t').trimEnd();
  const f = head.split(' ');
  if (f.length < 10) return null;
  const [pid, ppid, state, start, utime, stime, rss, fds, wchan, syscall] = f as [string, string, string, string, string, string, string, string, string, string];
  if (![pid, ppid, start, utime, stime, rss].every((v) => /^\d+$/.test(v))) return null;
  const titled = parseWorkermanTitle(title);
  if (titled === null) return null;
  return {
    pid: Number(pid),
    ppid: Number(ppid),
    state,
    startTime: Number(start),
    uid: null,
    cwd: cwd === '' ? null : cwd,
    title,
    ...titled,
    cpuTicks: Number(utime) + Number(stime),
    rssPages: Number(rss),
    fds: /^\d+$/.test(fds) ? Number(fds) : null,
    // `0` is what the kernel shows for a running process, and for a sleeping one it hides from us.
    wchan: wchan === '-' ? null : wchan,
    syscall: syscall === '-' ? null : syscall,
  };
}

/** The start file of a zombie master when no master lives: the app whose master died unreaped. */
function zombieMasterApp(rows: readonly RawRow[]): string | null {
  const files = new Set(rows.filter((r) => r.role === 'master' && r.startFile !== null).map((r) => r.startFile!));
  return files.size === 1 ? [...files][0]! : null;
}

function positiveInt(text: string | undefined): number | null {
  return text !== undefined && /^\d+$/.test(text) && Number(text) > 0 ? Number(text) : null;
}
