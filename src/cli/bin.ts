#!/usr/bin/env node
import { existsSync } from 'node:fs';
import { main } from './main.js';

// `serve` reads ./.env when present (Node's own parser; variables already set win).
if (process.argv[2] === 'serve' && existsSync('.env')) process.loadEnvFile('.env');

// The only place that exits the process: main() returns the code.
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
});
