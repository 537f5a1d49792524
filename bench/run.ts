import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Runs every compiled `*.bench.js` beside this file (or only those whose name contains an argument):
// `npm run bench` or `npm run bench -- strace`. Each bench prints its own table.
//
// Each bench runs in a fresh node process: run one after another in one process, a bench inherited
// the heap and the JIT state of those before it (the strace parser measured 0.75x its readline floor
// after five other benches, 1.2x on its own).
const here = dirname(fileURLToPath(import.meta.url));
const ONE = '--one';

if (process.argv[2] === ONE) {
  const bench = (await import(pathToFileURL(join(here, process.argv[3]!)).href)) as { run?: () => Promise<void> };
  if (typeof bench.run === 'function') await bench.run();
} else {
  const filters = process.argv.slice(2);
  const files = (await readdir(here)).filter((f) => f.endsWith('.bench.js') && (filters.length === 0 || filters.some((x) => f.includes(x)))).sort();
  console.log(`workerman-ops benchmarks on Node ${process.version}, ${process.platform}/${process.arch}: ${files.join(', ')}\n`);
  let failed = 0;
  for (const file of files) {
    console.log(`## ${file.replace(/\.bench\.js$/, '')}`);
    const started = Date.now();
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), ONE, file], { stdio: 'inherit' });
    if (child.status !== 0) {
      failed++;
      console.log(`(failed: ${child.signal ?? `exit ${child.status}`})`);
    }
    console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  }
  process.exitCode = failed === 0 ? 0 : 1;
}
