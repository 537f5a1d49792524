// Starts test/fixtures/bin/fake-workerman for the benches and (through test/helpers/fake-workerman.ts)
// the tests: one starter, so both attach to the same kind of app.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { findRepoRoot } from './repo-root.js';

/** test/fixtures/bin/fake-workerman: real processes titled like a Workerman master and its workers. */
export const FAKE_WORKERMAN = join(findRepoRoot(), 'test', 'fixtures', 'bin', 'fake-workerman');

const RUNUSER = '/usr/sbin/runuser';

export interface FakeWorkermanOptions {
  /** Every process ends by itself after this many seconds (SIGALRM); 120 unless given. */
  lifetimeS?: number;
  /** Runs the app as this system user (`runuser -u USER --`, needs root). */
  runAs?: string;
  cwd?: string;
  /** Waits this long after `ready`, so every worker reaches its steady state (connected, sleeping, spinning). */
  settleMs?: number;
}

export interface FakeWorkerman {
  /** fake-workerman itself, or the `runuser` in front of it. */
  child: ChildProcess;
  master: number;
  /** In the order of the specs. */
  workers: { pid: number; name: string; mode: string }[];
  pidsOf(name: string): number[];
  /** The first worker called `name`; throws when there is none. */
  pidOf(name: string): number;
  /** Ends every process for good (a `sleep-record` worker survives SIGINT by design). */
  stop(): void;
}

/**
 * Starts `fake-workerman <startFile> <lifetimeS> <specs…>` and resolves once it printed `ready`;
 * rejects (and ends what it started) when it fails to start or exits first.
 */
export async function startFakeWorkerman(startFile: string, specs: string[], opts: FakeWorkermanOptions = {}): Promise<FakeWorkerman> {
  // Another user may not reach the repository (a clone under a home of mode 0700): it runs a copy.
  const staged = opts.runAs === undefined ? null : stageForOtherUsers(FAKE_WORKERMAN);
  const argv = [staged?.file ?? FAKE_WORKERMAN, startFile, String(opts.lifetimeS ?? 120), ...specs];
  if (opts.runAs !== undefined) argv.unshift(RUNUSER, '-u', opts.runAs, '--');
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'inherit'] });
  const workers: FakeWorkerman['workers'] = [];
  const app: FakeWorkerman = {
    child,
    master: 0,
    workers,
    pidsOf: (name) => workers.filter((w) => w.name === name).map((w) => w.pid),
    pidOf(name) {
      const pid = app.pidsOf(name)[0];
      if (pid === undefined) throw new Error(`no worker ${name}`);
      return pid;
    },
    stop() {
      // The runuser in front first: it would report its child's SIGKILL on the test's stderr.
      child.kill('SIGKILL');
      for (const pid of [...workers.map((w) => w.pid), app.master]) {
        try {
          if (pid > 0) process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.stdout?.destroy();
      if (staged !== null) rmSync(staged.dir, { recursive: true, force: true });
    },
  };
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code, signal) => reject(new Error(`fake-workerman exited before it was ready (${code ?? signal})`)));
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const [what, pid, name, mode] = line.split(' ');
        if (what === 'master') app.master = Number(pid);
        if (what === 'worker') workers.push({ pid: Number(pid), name: name!, mode: mode! });
        if (what === 'ready') resolve();
      });
    });
  } catch (error) {
    app.stop();
    throw error;
  }
  if (opts.settleMs !== undefined) await sleep(opts.settleMs);
  return app;
}

/**
 * Copies `file` (mode 0755) into a fresh world-traversable directory under /tmp (not $TMPDIR, which may
 * be private, as the sudo tests' directories are); returns both paths.
 */
function stageForOtherUsers(file: string): { dir: string; file: string } {
  const dir = mkdtempSync(join('/tmp', 'workerman-ops-staged-'));
  chmodSync(dir, 0o755);
  const copy = join(dir, basename(file));
  copyFileSync(file, copy);
  chmodSync(copy, 0o755);
  return { dir, file: copy };
}

/** Whether strace may attach here (`strace -o /dev/null true` runs): the trace benches skip otherwise. */
export async function canTrace(): Promise<boolean> {
  return new Promise((resolve) => execFile('strace', ['-o', '/dev/null', 'true'], (error) => resolve(error === null)));
}
