// Recorded sequences for the watch engine, built from real captures in test/fixtures/workerman-status:
// the status text of a capture with its memory, busy, exit and request columns changed step by step
// (parsed by the real parser), and /proc samples of the same processes built from the capture's ground
// truth (`worker_processes` rss_kb, `proc_info_of_http_workers` wchan/syscall/CPU ticks).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStatus } from '../../src/workerman/parse-status.js';
import { toStatusSnapshot } from '../../src/watch/status-snapshot.js';
import type { StatusTrigger, WatchProcess, WatchSample } from '../../src/watch/types.js';
import { STATUS_FIXTURES } from './paths.js';

export interface StatusEdits {
  /** pid -> memory column in MB (printed like Workerman: `12.5M`). */
  memoryMb?: Record<number, number>;
  /** pids whose row becomes `N/A … [busy]`. */
  busy?: number[];
  /** Exit table rows to set (added when missing). */
  exits?: { worker: string; status: number; count: number }[];
  totalRequest?: Record<number, number>;
  connections?: Record<number, number>;
  /** pid renames (a reload gives every worker a new pid). */
  pids?: Record<number, number>;
  /** The `start time:` of a new master. */
  startTime?: string;
}

/** Returns a capture's stdout with `edits` applied, as Workerman would have printed it. */
export function editStatusText(text: string, edits: StatusEdits): string {
  const lines = text.split('\n');
  const header = lines.find((l) => l.startsWith('pid\t'));
  if (header === undefined) throw new Error('not a 3.5+ status capture');
  const cols = header.trim().split(/\s+/);
  const at = (name: string): number => cols.indexOf(name);
  const out = lines.map((line) => {
    if (edits.startTime !== undefined && line.startsWith('start time:')) return line.replace(/start time:\S+ \S+/, `start time:${edits.startTime}`);
    const row = /^(\d+)\t(.*)$/.exec(line);
    if (row === null) return line;
    let pid = Number(row[1]);
    pid = edits.pids?.[pid] ?? pid;
    const f = [String(pid), ...row[2]!.trim().split(/\s+/)];
    if (edits.busy?.includes(pid)) {
      for (const name of ['memory', 'connections', 'send_fail', 'timers', 'total_request', 'qps']) if (at(name) >= 0) f[at(name)] = 'N/A';
      f[at('status')] = '[busy]';
    }
    if (edits.memoryMb?.[pid] !== undefined) f[at('memory')] = `${Math.round(edits.memoryMb[pid]! * 100) / 100}M`;
    if (edits.totalRequest?.[pid] !== undefined) f[at('total_request')] = String(edits.totalRequest[pid]);
    if (edits.connections?.[pid] !== undefined) f[at('connections')] = String(edits.connections[pid]);
    return `${f[0]}\t${f.slice(1).join('    ')}`;
  });
  for (const exit of edits.exits ?? []) {
    const rowAt = out.findIndex((l) => new RegExp(`^${exit.worker}\\s+.*\\s${exit.status}\\s+\\d+\\s*$`).test(l));
    if (rowAt >= 0) {
      out[rowAt] = out[rowAt]!.replace(/\d+\s*$/, String(exit.count));
    } else {
      const first = out.findIndex((l) => new RegExp(`^${exit.worker}\\s+`).test(l) && /\d+\s+\d+\s*$/.test(l));
      const tokens = out[first]!.trim().split(/\s+/);
      tokens[tokens.length - 2] = String(exit.status);
      tokens[tokens.length - 1] = String(exit.count);
      out.splice(first + 1, 0, tokens.join('    '));
    }
  }
  return out.join('\n');
}

interface ModelProcess extends WatchProcess {
  baseRssBytes: number;
}

export interface ProcEdits {
  /** pid -> RSS in MB. */
  rssMb?: Record<number, number>;
  /** pid -> blocked in this call (no CPU progress). */
  blocked?: Record<number, { syscall: string; wchan: string }>;
  /** pid -> back in the event loop. */
  idle?: number[];
  /** pid -> running at this share of a CPU. */
  running?: Record<number, number>;
}

/**
 * A host over time: each `proc()` is one /proc sample an interval after the one before; `status()`
 * adds Workerman's status (the capture, edited) to the latest sample.
 */
export interface Sequence {
  readonly samples: WatchSample[];
  readonly t: number;
  proc(edits?: ProcEdits): WatchSample;
  status(edits?: StatusEdits, trigger?: StatusTrigger): WatchSample;
  /** A sample that got no answer. */
  unreachable(): WatchSample;
  /** Every worker gets a new pid and its memory back (what `php start.php reload` does). */
  reload(): Record<number, number>;
  /** The master is gone; its workers are orphans. */
  killMaster(): void;
  /** No process of the app is left. */
  stopApp(): void;
  /** A new master with new workers starts beside whatever is left (orphans stay orphans). */
  startNewMaster(): void;
  /** Current pid of a worker process of the capture (after reloads). */
  pidOf(capturePid: number): number;
  workerPids(name: string): number[];
}

export function createSequence(capture: string, opts: { host?: string; t0?: number; intervalMs?: number } = {}): Sequence {
  const host = opts.host ?? 'web-1';
  const intervalMs = opts.intervalMs ?? 60_000;
  const text = readFileSync(join(STATUS_FIXTURES, `${capture}.out`), 'utf8');
  const truth = JSON.parse(readFileSync(join(STATUS_FIXTURES, `${capture}.json`), 'utf8')) as {
    start_file: string;
    master_pid: number;
    worker_processes: { pid: number; name: string; listen: string; rss_kb: number }[];
    proc_info_of_http_workers?: { pid: number; in_syscall_name: string; wchan: string; state: string; utime_ticks: number; stime_ticks: number }[];
  };
  const info = new Map((truth.proc_info_of_http_workers ?? []).map((p) => [p.pid, p]));
  const t0 = opts.t0 ?? Date.UTC(2026, 10, 26, 6, 0, 0);
  let t = t0;
  const baseTotals = new Map(parseStatus(text).processes.filter((p) => p.totalRequest !== null).map((p) => [p.pid, p.totalRequest!]));
  let uptime = 100_000;
  let master: ModelProcess | null = {
    pid: truth.master_pid, ppid: 1, startTicks: 1_000, state: 'S', cpuTicks: 10, rssBytes: 11_416 * 1024, baseRssBytes: 11_416 * 1024,
    fds: 5, wchan: 'do_wait', syscall: 'wait4', role: 'master', worker: null, listen: null, isOrphan: false,
  };
  let workers: ModelProcess[] = truth.worker_processes.map((w) => {
    const p = info.get(w.pid);
    // The capture's own moment may show a worker busy; the sequence starts with every worker idle.
    return {
      pid: w.pid, ppid: truth.master_pid, startTicks: 1_010, state: 'S', cpuTicks: (p?.utime_ticks ?? 2) + (p?.stime_ticks ?? 1),
      rssBytes: w.rss_kb * 1024, baseRssBytes: w.rss_kb * 1024, fds: 7, wchan: 'do_epoll_wait', syscall: 'epoll_wait',
      role: 'worker', worker: w.name, listen: w.listen === 'none' ? null : w.listen, isOrphan: false,
    };
  });
  const renames: Record<number, number> = {};
  const running = new Map<number, number>();
  const origOf = new Map<number, number>();
  let statusEdits: StatusEdits = {};
  const samples: WatchSample[] = [];
  const snapshot = (): WatchSample => ({
    host, t, durationMs: 40, outcome: 'ok', error: null, uptimeS: uptime, clkTck: 100, startFile: truth.start_file,
    processes: [...(master ? [master] : []), ...workers].map(({ baseRssBytes: _, ...p }) => ({ ...p })),
    status: null,
  });
  const seq: Sequence = {
    samples,
    get t() {
      return t;
    },
    proc(edits = {}) {
      if (samples.length > 0) {
        t += intervalMs;
        uptime += intervalMs / 1000;
      }
      for (const [pid, share] of Object.entries(edits.running ?? {})) running.set(Number(pid), share);
      for (const pid of edits.idle ?? []) running.delete(pid);
      for (const p of workers) {
        // RSS is counted in 4 KB pages.
        if (edits.rssMb?.[p.pid] !== undefined) p.rssBytes = Math.round((edits.rssMb[p.pid]! * 1_048_576) / 4096) * 4096;
        const block = edits.blocked?.[p.pid];
        if (block !== undefined) {
          running.delete(p.pid);
          Object.assign(p, { state: 'S', syscall: block.syscall, wchan: block.wchan });
        } else if (edits.idle?.includes(p.pid)) {
          Object.assign(p, { state: 'S', syscall: 'epoll_wait', wchan: 'do_epoll_wait' });
        }
        const share = running.get(p.pid);
        if (share !== undefined) {
          Object.assign(p, { state: 'R', syscall: 'running', wchan: '0' });
          if (samples.length > 0) p.cpuTicks += Math.round(share * (intervalMs / 1000) * 100);
        }
      }
      const s = snapshot();
      samples.push(s);
      return s;
    },
    status(edits = {}, trigger = 'cadence') {
      statusEdits = { ...statusEdits, ...edits, pids: renames };
      // A live app serves requests: unless told otherwise every counter moves by one a second.
      const moved = Object.fromEntries([...baseTotals].map(([pid, n]) => [renames[pid] ?? pid, n + Math.round((t - t0) / 1000)]));
      const status = parseStatus(editStatusText(text, { ...statusEdits, totalRequest: { ...moved, ...statusEdits.totalRequest } }), { host });
      const last = samples.at(-1)!;
      last.status = toStatusSnapshot(status, last.t, trigger);
      return last;
    },
    unreachable() {
      t += intervalMs;
      uptime += intervalMs / 1000;
      const s: WatchSample = { ...snapshot(), outcome: 'unreachable', error: { code: 'ssh_connect_failed', message: 'connect ECONNREFUSED' }, uptimeS: null, processes: [] };
      samples.push(s);
      return s;
    },
    reload() {
      const map: Record<number, number> = {};
      for (const p of workers) {
        const next = p.pid + 1000;
        const orig = origOf.get(p.pid) ?? p.pid;
        map[p.pid] = next;
        renames[orig] = next;
        origOf.set(next, orig);
        Object.assign(p, { pid: next, startTicks: p.startTicks + 100_000, rssBytes: p.baseRssBytes, cpuTicks: 1, state: 'S', syscall: 'epoll_wait', wchan: 'do_epoll_wait' });
      }
      running.clear();
      statusEdits = { ...statusEdits, memoryMb: {}, busy: [] };
      return map;
    },
    killMaster() {
      master = null;
      workers = workers.map((p) => ({ ...p, ppid: 1, isOrphan: true }));
    },
    stopApp() {
      master = null;
      workers = [];
    },
    startNewMaster() {
      const m = truth.master_pid + 5000;
      master = { ...(master ?? { pid: m, ppid: 1, startTicks: 0, state: 'S', cpuTicks: 10, rssBytes: 11_416 * 1024, baseRssBytes: 11_416 * 1024, fds: 5, wchan: 'do_wait', syscall: 'wait4', role: 'master', worker: null, listen: null, isOrphan: false }), pid: m, startTicks: 500_000 };
      const fresh = truth.worker_processes.map((w, k): ModelProcess => ({
        pid: m + 1 + k, ppid: m, startTicks: 500_010, state: 'S', cpuTicks: 1, rssBytes: w.rss_kb * 1024, baseRssBytes: w.rss_kb * 1024, fds: 7,
        wchan: 'do_epoll_wait', syscall: 'epoll_wait', role: 'worker', worker: w.name, listen: w.listen === 'none' ? null : w.listen, isOrphan: false,
      }));
      workers = [...workers.filter((p) => p.isOrphan), ...fresh];
    },
    pidOf(capturePid) {
      return renames[capturePid] ?? capturePid;
    },
    workerPids(name) {
      return workers.filter((p) => p.worker === name).map((p) => p.pid);
    },
  };
  return seq;
}
