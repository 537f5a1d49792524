import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BotError } from '../src/errors.js';
import { parseConnections } from '../src/workerman/parse-connections.js';
import { parseStatus } from '../src/workerman/parse-status.js';
import { fixtureDir } from './repo-root.js';

/** Parses per fixture per round; enough for a stable median on a small VM in well under a second each. */
const ITERATIONS = 300;
const ROUNDS = 3;


function parseOnce(base: string, stdout: string, stderr: string): string {
  try {
    if (base.includes('connections') && !base.includes('with-connections')) {
      return `${parseConnections(stdout, { stderr }).connections.length} conns`;
    }
    return `${parseStatus(stdout, { stderr }).processes.length} procs`;
  } catch (error) {
    // Typed failures ("not run", usage text) are parses too: they are timed like tables.
    if (error instanceof BotError) return error.code;
    throw error;
  }
}

/** Parses every status/connections fixture ITERATIONS times and prints µs per parse (median of rounds). */
export async function run(): Promise<void> {
  const dir = fixtureDir('workerman-status');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.out'))
    .sort();
  const rows: { name: string; bytes: number; result: string; usPerParse: number }[] = [];
  for (const file of files) {
    const base = file.slice(0, -'.out'.length);
    const stdout = readFileSync(join(dir, file), 'utf8');
    const errFile = join(dir, `${base}.err`);
    const stderr = existsSync(errFile) ? readFileSync(errFile, 'utf8') : '';
    const result = parseOnce(base, stdout, stderr);
    for (let i = 0; i < 200; i++) parseOnce(base, stdout, stderr); // warm-up for the JIT
    // `npm run bench` runs node with --expose-gc: start each fixture without the previous one's garbage.
    (globalThis as { gc?: () => void }).gc?.();
    const perRound: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const start = performance.now();
      for (let i = 0; i < ITERATIONS; i++) parseOnce(base, stdout, stderr);
      perRound.push(((performance.now() - start) * 1000) / ITERATIONS);
    }
    perRound.sort((a, b) => a - b);
    rows.push({ name: base, bytes: Buffer.byteLength(stdout), result, usPerParse: perRound[Math.floor(ROUNDS / 2)] ?? 0 });
  }
  const nameWidth = Math.max(7, ...rows.map((r) => r.name.length));
  const resultWidth = Math.max(6, ...rows.map((r) => r.result.length));
  console.log(`${'fixture'.padEnd(nameWidth)}  ${'bytes'.padStart(6)}  ${'result'.padEnd(resultWidth)}  ${'µs/parse'.padStart(9)}`);
  for (const r of rows) {
    console.log(`${r.name.padEnd(nameWidth)}  ${String(r.bytes).padStart(6)}  ${r.result.padEnd(resultWidth)}  ${r.usPerParse.toFixed(1).padStart(9)}`);
  }
  const total = rows.reduce((a, r) => a + r.usPerParse, 0);
  const tables = rows.filter((r) => r.result.endsWith('procs'));
  const mean = tables.reduce((a, r) => a + r.usPerParse, 0) / Math.max(1, tables.length);
  console.log(
    `total: ${rows.length} fixtures, ${total.toFixed(0)} µs to parse each once; ${tables.length} status tables at ${mean.toFixed(1)} µs mean (median of ${ROUNDS} rounds x ${ITERATIONS})`,
  );
}
