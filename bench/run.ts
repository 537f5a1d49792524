import { readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Runs every compiled `*.bench.js` beside this file (or only those whose name contains an argument):
// `npm run bench` or `npm run bench -- strace`. Each bench prints its own table.
const here = dirname(fileURLToPath(import.meta.url));
const filters = process.argv.slice(2);
const files = (await readdir(here)).filter((f) => f.endsWith('.bench.js') && (filters.length === 0 || filters.some((x) => f.includes(x)))).sort();
console.log(`workerman-ops benchmarks on Node ${process.version}, ${process.platform}/${process.arch}: ${files.join(', ')}\n`);
for (const file of files) {
  const bench = (await import(pathToFileURL(join(here, file)).href)) as { run?: () => Promise<void> };
  if (typeof bench.run !== 'function') continue;
  console.log(`## ${file.replace(/\.bench\.js$/, '')}`);
  const started = Date.now();
  await bench.run();
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
}
