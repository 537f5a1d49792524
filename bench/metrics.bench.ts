import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBotMetrics } from '../src/metrics/create-bot-metrics.js';
import { createHostWindow, type HostWindow } from '../src/watch/host-window.js';
import { toStatusSnapshot } from '../src/watch/status-snapshot.js';
import type { WatchProcess, WatchSample } from '../src/watch/types.js';
import { parseStatus } from '../src/workerman/parse-status.js';
import { fixtureDir } from './repo-root.js';

const HOSTS = 50;
const SAMPLES = 6 * 60; // 6 h at one a minute
const STATUS_EVERY = 10;
const INTERVAL_MS = 60_000;
const CAPTURE = 'wm5.2.2-busy-sleep';
/** A scrape every 15 s (Prometheus' default is 60 s) should cost the bot well under a tenth of a CPU. */
const SCRAPE_BOUND_MS = 250;

/** One host's full window (6 h, 9 processes, a status every 10 min), built from a real capture. */
function fullWindow(host: string, t0: number): HostWindow {
  const dir = fixtureDir('workerman-status');
  const truth = JSON.parse(readFileSync(join(dir, `${CAPTURE}.json`), 'utf8')) as { master_pid: number; start_file: string; worker_processes: { pid: number; name: string; listen: string; rss_kb: number }[] };
  const status = parseStatus(readFileSync(join(dir, `${CAPTURE}.out`), 'utf8'));
  const window = createHostWindow(host, { windowMs: SAMPLES * INTERVAL_MS, maxSamples: 1000 });
  for (let i = 0; i < SAMPLES; i++) {
    const t = t0 + i * INTERVAL_MS;
    const processes: WatchProcess[] = [
      { pid: truth.master_pid, ppid: 1, startTicks: 1000, state: 'S', cpuTicks: 10 + i, rssBytes: 11_416 * 1024, fds: 5, wchan: 'do_wait', syscall: 'wait4', role: 'master', worker: null, listen: null, isOrphan: false },
      ...truth.worker_processes.map((w, k): WatchProcess => ({
        pid: w.pid, ppid: truth.master_pid, startTicks: 1010, state: 'S', cpuTicks: 3 + i * (k + 1), rssBytes: (w.rss_kb + ((i * 31 + k) % 17) * 4) * 1024,
        fds: 7, wchan: 'do_epoll_wait', syscall: 'epoll_wait', role: 'worker', worker: w.name, listen: w.listen, isOrphan: false,
      })),
    ];
    const sample: WatchSample = {
      host, t, durationMs: 40, outcome: 'ok', error: null, uptimeS: 100_000 + i * 60, clkTck: 100, startFile: truth.start_file, processes,
      status: i % STATUS_EVERY === 0 ? toStatusSnapshot(status, t, 'cadence') : null,
    };
    window.push(sample);
  }
  return window;
}

/** Prints what one `GET /metrics` scrape costs with 50 hosts of full windows (6 h at 1/min), against its bound. */
export async function run(): Promise<void> {
  const t0 = Date.now() - SAMPLES * INTERVAL_MS;
  const windows = new Map<string, HostWindow>();
  for (let i = 0; i < HOSTS; i++) windows.set(`web-${i + 1}`, fullWindow(`web-${i + 1}`, t0));
  const metrics = createBotMetrics({ watch: { hosts: () => [...windows.keys()], window: (h) => windows.get(h)?.view() ?? null, openAlerts: () => [] } });
  for (let i = 0; i < 200; i++) metrics.countRequest({ command: i % 3 === 0 ? 'trace_confirm' : 'status', outcome: 'ok', errorCode: null, durationMs: i * 37 });
  const times: number[] = [];
  let text = '';
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    text = await metrics.render();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const median = times[10]!;
  const series = text.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
  console.log(`scrape of ${HOSTS} hosts x 6 h x 1/min windows (${SAMPLES} samples, 9 processes, a status every ${STATUS_EVERY} min):`);
  console.log(`  render           ${median.toFixed(1)} ms (median of 20; max ${times.at(-1)!.toFixed(1)} ms)  bound ${SCRAPE_BOUND_MS} ms: ${median <= SCRAPE_BOUND_MS ? 'met' : 'NOT met'}`);
  console.log(`  exposition       ${(Buffer.byteLength(text) / 1024).toFixed(0)} KB, ${series} series (${(series / HOSTS).toFixed(0)} a host)`);
}
