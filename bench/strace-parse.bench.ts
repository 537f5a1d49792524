import { createReadStream, createWriteStream, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { summarizeStraceChunksWithDetails } from '../src/strace/summarize.js';

/** The fixtures repeated to build the big trace: traffic, a master respawn (-f, resumed pairs), idle. */
const SOURCES = ['wm4.1.17-load-f-tt-T-yy.txt', 'wm5.2.2-master-respawn-f-tt-T-yy.txt', 'wm5.2.2-idle-f-tt-T-yy.txt'];
const THROUGHPUT_LINES = 2_000_000;
const MEMORY_SMALL_LINES = 1_000_000;
const MEMORY_LARGE_LINES = 10_000_000;
const MEMORY_FALLBACK_LINES = 4_000_000;
/** Skip the 10M-line run when the 1M-line run says it would take longer than this. */
const LARGE_RUN_BUDGET_MS = 60_000;
const SAMPLE_EVERY_MS = 50;

/**
 * `../shared/fixtures/strace` beside the repository. Compiled, this file is `dist/bench/` (repo root two
 * levels up); from source it is one level down: walk up to package.json.
 */
function findStraceFixtures(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    if (existsSync(join(dir, 'package.json'))) return resolve(dir, '..', 'shared', 'fixtures', 'strace');
    dir = dirname(dir);
  }
  throw new Error('bench/strace-parse: repository root (package.json) not found above this file');
}

/** Writes a trace of at least `lines` lines by repeating the fixtures, streamed (never held in memory). */
async function buildTrace(path: string, lines: number): Promise<number> {
  const dir = findStraceFixtures();
  const blocks = SOURCES.map((f) => readFileSync(join(dir, f), 'utf8'));
  const counts = blocks.map((b) => b.split('\n').length - 1);
  const out = createWriteStream(path);
  let written = 0;
  for (let i = 0; written < lines; i++) {
    const k = i % blocks.length;
    if (!out.write(blocks[k] as string)) await new Promise<void>((r) => out.once('drain', () => r()));
    written += counts[k] as number;
  }
  await new Promise<void>((r, j) => out.end((err?: Error | null) => (err ? j(err) : r())));
  return written;
}

interface Measured {
  lines: number;
  ms: number;
  /** CPU time of this process (user + system): steadier than wall time on a shared machine. */
  cpuMs: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  heapAfterGcBytes: number | null;
}

async function measure(fn: () => Promise<number>): Promise<Measured> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  let peakRss = process.memoryUsage.rss();
  let peakHeap = process.memoryUsage().heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) peakRss = m.rss;
    if (m.heapUsed > peakHeap) peakHeap = m.heapUsed;
  }, SAMPLE_EVERY_MS);
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  try {
    const lines = await fn();
    const ms = performance.now() - start;
    const cpu = process.cpuUsage(cpuStart);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    let heapAfterGc: number | null = null;
    if (gc !== undefined) {
      gc();
      heapAfterGc = process.memoryUsage().heapUsed;
    }
    return { lines, ms, cpuMs, peakRssBytes: peakRss, peakHeapBytes: peakHeap, heapAfterGcBytes: heapAfterGc };
  } finally {
    clearInterval(timer);
  }
}

async function readlineCount(path: string): Promise<number> {
  let n = 0;
  const rl = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  for await (const line of rl) if (line.length >= 0) n++;
  return n;
}

async function summarizeFile(path: string): Promise<number> {
  const { summary, details } = await summarizeStraceChunksWithDetails(createReadStream(path));
  // Lines seen = syscall lines + everything else; the summary must have read them all.
  if (summary.syscallCount === 0 || details.countSource !== 'trace') throw new Error('bench: the summary saw no syscalls');
  return summary.syscallCount;
}

const mb = (n: number | null) => (n === null ? '-' : `${(n / 1024 / 1024).toFixed(1)} MB`);
const rate = (lines: number, ms: number) => `${((lines / ms) * 1000 / 1e6).toFixed(2)} M/s`;

/** Builds a >= 2M-line trace, times readline (the floor) vs parse+summarise, and compares memory at 1M vs 10M lines. */
export async function run(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'wmops-strace-bench-'));
  try {
    const big = join(dir, 'trace-2m.txt');
    const lines = await buildTrace(big, THROUGHPUT_LINES);

    const floor = await measure(() => readlineCount(big));
    if (floor.lines !== lines) throw new Error(`bench: readline counted ${floor.lines} lines, wrote ${lines}`);
    const ours = await measure(() => summarizeFile(big));
    const rows: string[][] = [
      ['run', 'lines', 'time', 'lines/s', 'lines/cpu-s', 'peak RSS', 'peak heap', 'heap after gc'],
      ['readline (floor)', String(lines), `${floor.ms.toFixed(0)} ms`, rate(lines, floor.ms), rate(lines, floor.cpuMs), mb(floor.peakRssBytes), mb(floor.peakHeapBytes), mb(floor.heapAfterGcBytes)],
      ['parse+summarise', String(lines), `${ours.ms.toFixed(0)} ms`, rate(lines, ours.ms), rate(lines, ours.cpuMs), mb(ours.peakRssBytes), mb(ours.peakHeapBytes), mb(ours.heapAfterGcBytes)],
    ];
    await rm(big);

    const small = join(dir, 'trace-1m.txt');
    const smallLines = await buildTrace(small, MEMORY_SMALL_LINES);
    const mSmall = await measure(() => summarizeFile(small));
    await rm(small);
    rows.push(['summarise 1M', String(smallLines), `${mSmall.ms.toFixed(0)} ms`, rate(smallLines, mSmall.ms), rate(smallLines, mSmall.cpuMs), mb(mSmall.peakRssBytes), mb(mSmall.peakHeapBytes), mb(mSmall.heapAfterGcBytes)]);

    const predictedMs = (mSmall.ms / smallLines) * MEMORY_LARGE_LINES;
    const largeTarget = predictedMs < LARGE_RUN_BUDGET_MS ? MEMORY_LARGE_LINES : MEMORY_FALLBACK_LINES;
    const large = join(dir, 'trace-large.txt');
    const largeLines = await buildTrace(large, largeTarget);
    const mLarge = await measure(() => summarizeFile(large));
    await rm(large);
    rows.push([`summarise ${largeTarget / 1e6}M`, String(largeLines), `${mLarge.ms.toFixed(0)} ms`, rate(largeLines, mLarge.ms), rate(largeLines, mLarge.cpuMs), mb(mLarge.peakRssBytes), mb(mLarge.peakHeapBytes), mb(mLarge.heapAfterGcBytes)]);

    const widths = (rows[0] as string[]).map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
    for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number))).join('  '));
    const ratio = floor.ms / ours.ms;
    const cpuRatio = floor.cpuMs / ours.cpuMs;
    const oursRate = (lines / ours.ms) * 1000;
    console.log(
      `ratio to floor: ${ratio.toFixed(2)}x wall, ${cpuRatio.toFixed(2)}x CPU (target >= 0.5x); ours ${(oursRate / 1e6).toFixed(2)} M lines/s wall (target >= 1 M/s); ` +
        `peak heap ${mb(mSmall.peakHeapBytes)} at 1M vs ${mb(mLarge.peakHeapBytes)} at ${largeTarget / 1e6}M` +
        (largeTarget !== MEMORY_LARGE_LINES ? ` (10M skipped: predicted ${(predictedMs / 1000).toFixed(0)} s > 60 s)` : ''),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === resolve(process.argv[1])) await run();
