import { readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { HostConfig } from '../src/config/host-config.js';
import { WatchSettings, WatchThresholds } from '../src/config/watch-settings.js';
import { createTransports } from '../src/transport/pool.js';
import { createWatcher } from '../src/watch/create-watcher.js';
import type { RoundReport } from '../src/watch/watcher.js';
import { evaluateAlerts } from '../src/watch/evaluate-alerts.js';
import { createHostWindow, type HostWindow } from '../src/watch/host-window.js';
import { runSample } from '../src/watch/run-sample.js';
import { toStatusSnapshot } from '../src/watch/status-snapshot.js';
import type { WatchProcess, WatchSample } from '../src/watch/types.js';
import { loadWatchState, saveWatchState } from '../src/watch/watch-state-file.js';
import { parseStatus } from '../src/workerman/parse-status.js';
import { findRepoRoot, fixtureDir } from './repo-root.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from './sshd-harness.js';

const HOSTS = 50;
const SAMPLES = 6 * 60; // 6 h at one a minute
const STATUS_EVERY = 10; // a status sample every 10 min
/** The bound the README states for the window of 50 hosts x 6 h x 1/min (9 processes a host). */
const WINDOW_BOUND_BYTES = 16 * 1024 * 1024;
const INTERVAL_MS = 60_000;
const CAPTURE = 'wm5.2.2-busy-sleep';

/** A host's samples over 6 h, built from a real capture: its 9 processes, RSS wobbling, CPU growing, a status every 10 min. */
function hostSamples(host: string, t0: number): WatchSample[] {
  const dir = fixtureDir('workerman-status');
  const truth = JSON.parse(readFileSync(join(dir, `${CAPTURE}.json`), 'utf8')) as { master_pid: number; start_file: string; worker_processes: { pid: number; name: string; listen: string; rss_kb: number }[] };
  const status = parseStatus(readFileSync(join(dir, `${CAPTURE}.out`), 'utf8'));
  const out: WatchSample[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const t = t0 + i * INTERVAL_MS;
    // New objects and strings per sample, as a parsed sample would have.
    const processes: WatchProcess[] = [
      { pid: truth.master_pid, ppid: 1, startTicks: 1000, state: 'S', cpuTicks: 10 + i, rssBytes: 11_416 * 1024, fds: 5, wchan: `do_wait`, syscall: 'wait4', role: 'master', worker: null, listen: null, isOrphan: false },
      ...truth.worker_processes.map((w, k): WatchProcess => ({
        pid: w.pid, ppid: truth.master_pid, startTicks: 1010, state: 'S', cpuTicks: 3 + i * (k + 1), rssBytes: (w.rss_kb + ((i * 31 + k) % 17) * 4) * 1024,
        fds: 7 + (i % 3), wchan: ['do_epoll', 'wait'].join('_'), syscall: 'epoll_wait', role: 'worker', worker: `${w.name}`, listen: w.listen, isOrphan: false,
      })),
    ];
    out.push({
      host, t, durationMs: 40, outcome: 'ok', error: null, uptimeS: 100_000 + i * 60, clkTck: 100, startFile: `${truth.start_file}`, processes,
      status: i % STATUS_EVERY === 0 ? toStatusSnapshot(status, t, 'cadence') : null,
    });
  }
  return out;
}

function heapBytes(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

async function windowFigures(dir: string): Promise<void> {
  const hasGc = typeof (globalThis as { gc?: () => void }).gc === 'function';
  const t0 = Date.UTC(2026, 10, 26, 0, 0, 0);
  const opts = { windowMs: SAMPLES * INTERVAL_MS, maxSamples: 1000 };
  // Samples are made per host and dropped after the push, so only the window stays on the heap.
  const before = heapBytes();
  const windows: HostWindow[] = [];
  for (let h = 0; h < HOSTS; h++) {
    const w = createHostWindow(`bench-${h}`, opts);
    for (const s of hostSamples(`bench-${h}`, t0)) w.push(s);
    windows.push(w);
  }
  const compact = heapBytes() - before;
  const rowBytes = windows.reduce((n, w) => n + w.rowBytes(), 0);
  // The same samples as plain objects, for comparison.
  const before2 = heapBytes();
  const plain = Array.from({ length: HOSTS }, (_, h) => hostSamples(`bench-${h}`, t0));
  const naive = heapBytes() - before2;
  const held = plain.length;
  const mb = (b: number): string => `${(b / 1_048_576).toFixed(1)} MB`;
  console.log(`window of ${HOSTS} hosts x 6 h x 1/min (${SAMPLES} samples, 9 processes, a status every ${STATUS_EVERY} min):${hasGc ? '' : ' (no --expose-gc: figures are rough)'}`);
  console.log(`  compact window   ${mb(compact).padStart(9)}  (${Math.round(compact / HOSTS / 1024)} KB a host; row arrays ${mb(rowBytes)})  bound ${mb(WINDOW_BOUND_BYTES)}: ${compact <= WINDOW_BOUND_BYTES ? 'met' : 'NOT met'}`);
  console.log(`  plain objects    ${mb(naive).padStart(9)}  (${(naive / Math.max(1, compact)).toFixed(1)}x, for comparison; ${held} hosts)`);

  const w0 = windows[0]!;
  const thresholds = WatchThresholds.parse({});
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    evaluateAlerts(w0.view(), [], t0 + SAMPLES * INTERVAL_MS, thresholds);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`  decode + engine  ${times[10]!.toFixed(1)} ms a host (median of 20; ${(times[10]! * HOSTS).toFixed(0)} ms for ${HOSTS} hosts a round)`);

  const file = join(dir, 'watch-state.json');
  let started = performance.now();
  await saveWatchState(file, { windows, alerts: [] }, Date.now());
  const saveMs = performance.now() - started;
  started = performance.now();
  const loaded = await loadWatchState(file, opts, Date.now());
  const loadMs = performance.now() - started;
  console.log(`  state file       ${mb(statSync(file).size).padStart(9)}  saved (temp + fsync + rename) in ${saveMs.toFixed(0)} ms, loaded in ${loadMs.toFixed(0)} ms (${loaded.windows.size} windows)`);
}

async function startApp(startFile: string): Promise<{ stop: () => void }> {
  const bin = join(findRepoRoot(), 'test', 'fixtures', 'bin', 'fake-workerman');
  const specs = [...Array(4).fill('HttpApi01:idle'), 'ws:idle', 'ws:idle', 'TextCmd2:idle', 'cron_jobs:idle'];
  const child = spawn(bin, [startFile, '600', ...specs], { stdio: ['ignore', 'pipe', 'ignore'] });
  const pids: number[] = [];
  for await (const line of createInterface({ input: child.stdout! })) {
    const [what, pid] = line.split(' ');
    if (what === 'master' || what === 'worker') pids.push(Number(pid));
    if (what === 'ready') break;
  }
  return {
    stop: () => {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    },
  };
}

async function cycleFigures(dir: string, sshd: SshdHandle): Promise<void> {
  const startFile = join(dir, 'start.php');
  await writeFile(startFile, JSON.stringify({ status: [join(fixtureDir('workerman-status'), 'wm5.2.2-idle')] }));
  const app = await startApp(startFile);
  const php = join(findRepoRoot(), 'test', 'fixtures', 'bin', 'fake-php');
  const hosts = Array.from({ length: HOSTS }, (_, i) => HostConfig.parse({ name: `bench-${i}`, ssh: sshd.sshSettings(), workerman: { php, startFile } }));
  const transports = createTransports(hosts);
  const line = (label: string, r: RoundReport): void =>
    console.log(`  ${label.padEnd(34)} ${String(r.durationMs).padStart(6)} ms  ${r.sampled.length} sampled, ${r.statusRuns.length} status, ${r.failures.length} failed, ${r.skipped.length} skipped  (${r.durationMs < INTERVAL_MS ? 'within' : 'OVER'} the ${INTERVAL_MS / 1000} s interval)`);
  try {
    const settings = WatchSettings.parse({ stateFile: join(dir, 'cycle.json') });
    console.log(`one watch cycle over ${HOSTS} loopback hosts (concurrency ${settings.concurrency}, 9 processes each), load ${loadavg().map((l) => l.toFixed(1)).join(' ')}:`);
    // What one /proc sample costs on its own: one host, warm connection, one after another.
    const one: number[] = [];
    for (let i = 0; i < 11; i++) {
      const started = performance.now();
      await runSample(transports.get(hosts[0]!.name), hosts[0]!, { timeoutMs: 20_000 });
      if (i > 0) one.push(performance.now() - started);
    }
    one.sort((a, b) => a - b);
    console.log(`  one /proc sample, warm, alone       ${one[5]!.toFixed(0).padStart(6)} ms  (median of 10; helper sent as sh -c text, ps + /proc reads on the host)`);
    const watcher = createWatcher({ settings, hosts, transports });
    line('cold: SSH handshakes + /proc + status', await watcher.runRound());
    const warm: RoundReport[] = [];
    for (let i = 0; i < 3; i++) warm.push(await watcher.runRound());
    warm.sort((a, b) => a.durationMs - b.durationMs);
    line('warm: /proc sample only (median of 3)', warm[1]!);
    await watcher.stop();
    // Loopback hosts all sample this machine: past its CPU count, parallel samples only contend.
    const two = createWatcher({ settings: WatchSettings.parse({ stateFile: join(dir, 'cycle-2.json'), concurrency: 2 }), hosts, transports });
    await two.runRound();
    line('warm: /proc only, concurrency 2', await two.runRound());
    await two.stop();
    const everyRound = createWatcher({ settings: WatchSettings.parse({ stateFile: join(dir, 'cycle2.json'), intervalS: 1, statusEveryS: 1, statusMinGapS: 1 }), hosts, transports });
    await everyRound.runRound();
    line('warm: /proc + Workerman status', await everyRound.runRound());
    await everyRound.stop();
  } finally {
    await transports.closeAll();
    app.stop();
  }
}

/** Prints the memory of the window for 50 hosts x 6 h x 1/min against its bound, and one watch cycle over 50 loopback hosts against the interval. */
export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wmops-watch-bench-'));
  let sshd: SshdHandle | null = null;
  try {
    await windowFigures(dir);
    if (process.env.WMOPS_BENCH_SSH === '0') {
      console.log('(cycle skipped: WMOPS_BENCH_SSH=0)');
    } else if (sshdUnavailableReason !== null) {
      console.log(`(cycle skipped: ${sshdUnavailableReason})`);
    } else {
      sshd = await startSshd();
      await cycleFigures(dir, sshd);
    }
  } finally {
    await sshd?.stop();
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 });
  }
}
