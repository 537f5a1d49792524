#!/usr/bin/env node
// The only place that exits the process: main() returns the code.

// package.json "engines" is advice npm does not enforce: say it plainly here rather than fail later
// with a missing-API error. 20.18.1 is undici 7's minimum (the Socket Mode WebSocket and the proxy
// agent); process.loadEnvFile (20.12) and everything else the code uses are older.
const [major = 0, minor = 0, patch = 0] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && (minor < 18 || (minor === 18 && patch < 1)))) {
  process.stderr.write(`workerman-ops needs Node.js 20.18.1 or newer; this is ${process.version}.\n`);
  process.exit(1);
}

// Imported only after the check: on an older Node the import itself may fail obscurely.
const { main } = await import('./main.js');
process.exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  cwd: process.cwd(),
  // `serve` reads ./.env wherever it stands on the command line (Node's parser; variables already set win).
  loadEnvFile: (path) => process.loadEnvFile(path),
});
