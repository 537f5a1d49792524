import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderHostCharts } from '../src/history/render-host-charts.js';
import { createHostWindow } from '../src/watch/host-window.js';
import { toStatusSnapshot } from '../src/watch/status-snapshot.js';
import type { WatchProcess, WatchSample } from '../src/watch/types.js';
import { parseStatus } from '../src/workerman/parse-status.js';
import { median } from './median.js';
import { findRepoRoot, fixtureDir } from './repo-root.js';

const CAPTURE = 'wm5.2.2-idle';
const SAMPLES = 6 * 60;
const WARM_RENDERS = 15;
const CHILD_RUNS = 5;

/** 6 h of one host from a real capture: 8 worker processes, one leaking, counters moving, a status every 10 min. */
function window(): ReturnType<typeof createHostWindow> {
  const dir = fixtureDir('workerman-status');
  const truth = JSON.parse(readFileSync(join(dir, `${CAPTURE}.json`), 'utf8')) as { master_pid: number; start_file: string; worker_processes: { pid: number; name: string; listen: string; rss_kb: number }[] };
  const status = parseStatus(readFileSync(join(dir, `${CAPTURE}.out`), 'utf8'));
  const t0 = Date.UTC(2026, 10, 26, 6, 0, 0);
  const w = createHostWindow('web-1', { windowMs: 6 * 3_600_000, maxSamples: 1000 });
  for (let i = 0; i < SAMPLES; i++) {
    const t = t0 + i * 60_000;
    const processes: WatchProcess[] = [
      { pid: truth.master_pid, ppid: 1, startTicks: 1000, state: 'S', cpuTicks: 10, rssBytes: 11_416 * 1024, fds: 5, wchan: 'do_wait', syscall: 'wait4', role: 'master', worker: null, listen: null, isOrphan: false },
      ...truth.worker_processes.map((p, k): WatchProcess => ({
        pid: p.pid, ppid: truth.master_pid, startTicks: 1010, state: 'S', cpuTicks: 3 + i, rssBytes: (p.rss_kb + (k === 0 ? i * 100 : (i * 31 + k) % 17)) * 1024,
        fds: 7, wchan: 'do_epoll_wait', syscall: 'epoll_wait', role: 'worker', worker: p.name, listen: p.listen, isOrphan: false,
      })),
    ];
    let snapshot = null;
    if (i % 10 === 0) {
      snapshot = toStatusSnapshot(status, t, 'cadence');
      snapshot.processes = snapshot.processes.map((p, k) => ({ ...p, totalRequest: i * 60 * (k + 1) }));
    }
    const sample: WatchSample = { host: 'web-1', t, durationMs: 40, outcome: 'ok', error: null, uptimeS: 100_000 + i * 60, clkTck: 100, startFile: truth.start_file, processes, status: snapshot };
    w.push(sample);
  }
  return w;
}

/** Runs `code` (an ES module body) in a fresh node CHILD_RUNS times; returns the median of each number it prints as JSON. */
function inFreshNode(code: string): Record<string, number> {
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < CHILD_RUNS; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: findRepoRoot(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench child failed: ${r.stderr}`);
    runs.push(JSON.parse(r.stdout) as Record<string, number>);
  }
  return Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, median(runs.map((x) => x[k]!))]));
}

/**
 * What charts cost: what the bot pays at start-up (nothing: the chart modules load on the first chart),
 * what that first load costs, and the time of one chart (history + Vega-Lite → SVG on the event loop,
 * SVG → PNG on libuv's pool), warm, median of WARM_RENDERS.
 */
export async function run(): Promise<void> {
  const startup = inFreshNode(`
    const t0 = performance.now();
    await import('./dist/src/cli/main.js');
    await import('./dist/src/slack/app.js');
    const bot = performance.now() - t0;
    const rss0 = process.memoryUsage().rss;
    const t1 = performance.now();
    const { loadChartModules } = await import('./dist/src/render/chart/render-chart-png.js');
    await loadChartModules();
    console.log(JSON.stringify({ botImportMs: bot, chartLoadMs: performance.now() - t1, chartLoadRssMb: (process.memoryUsage().rss - rss0) / 1048576 }));
  `);
  console.log(`bot start-up imports (cli/main + slack/app): ${startup.botImportMs!.toFixed(0)} ms, without vega, vega-lite or resvg (loaded lazily)`);
  console.log(`first chart's load of vega + vega-lite + resvg: ${startup.chartLoadMs!.toFixed(0)} ms, +${startup.chartLoadRssMb!.toFixed(1)} MB RSS (median of ${CHILD_RUNS} fresh processes)`);

  const view = window().view();
  const firstStart = performance.now();
  await renderHostCharts(view, { windowMs: 6 * 3_600_000 });
  console.log(`first chart in this process (modules loaded, JIT cold): ${(performance.now() - firstStart).toFixed(0)} ms`);
  const totals: number[] = [];
  const svgs: number[] = [];
  const pngs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < WARM_RENDERS; i++) {
    const t = performance.now();
    const charts = await renderHostCharts(view, { windowMs: 6 * 3_600_000 });
    totals.push(performance.now() - t);
    svgs.push(charts.timings.svgMs);
    pngs.push(charts.timings.pngMs);
    bytes = charts.png.bytes.length;
  }
  console.log(`one chart, warm (6 h, 360 samples, 4 workers, 900 × 640 PNG of ${Math.round(bytes / 1024)} KB), median of ${WARM_RENDERS}:`);
  console.log(`  total ${median(totals).toFixed(1)} ms = history and Slack blocks + Vega-Lite → SVG ${median(svgs).toFixed(1)} ms (event loop) + SVG → PNG ${median(pngs).toFixed(1)} ms (thread pool)`);
  console.log(`  fastest ${Math.min(...totals).toFixed(1)} ms (SVG ${Math.min(...svgs).toFixed(1)}, PNG ${Math.min(...pngs).toFixed(1)}), slowest ${Math.max(...totals).toFixed(1)} ms; load average ${loadavg()[0]!.toFixed(1)} on this machine`);
}
