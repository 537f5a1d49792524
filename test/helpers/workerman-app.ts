import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HostConfig } from '../../src/config/host-config.js';
import { FAKE_PHP, STATUS_FIXTURES } from './paths.js';

/**
 * A throwaway "app directory" whose start.php makes `fake-php` replay real status captures.
 * Workerman itself cannot be installed here (not on npm or Debian), so the start command in tests is a
 * tiny executable that prints a fixture's stdout/stderr and exit code (test/fixtures/bin/fake-php).
 */
export interface FakeApp {
  dir: string;
  startFile: string;
  host(name?: string, extra?: Record<string, unknown>): HostConfig;
  /** Processes titled like Workerman's, started with perl (`$0 = …` rewrites /proc/PID/cmdline). */
  spawnTitled(title: string, opts?: { orphan?: boolean }): Promise<number>;
  cleanup(): Promise<void>;
}

/** `spec` maps a command to fixture names (relative to the status fixtures) or absolute bases. */
export async function createFakeApp(spec: Record<string, string[]> & { delayMs?: never }, delayMs = 0): Promise<FakeApp> {
  const dir = await mkdtemp(join(tmpdir(), 'wo-app-'));
  const startFile = join(dir, 'start.php');
  const resolved = Object.fromEntries(
    Object.entries(spec).map(([cmd, bases]) => [cmd, bases.map((b) => (b.startsWith('/') ? b : join(STATUS_FIXTURES, b)))]),
  );
  await writeFile(startFile, JSON.stringify({ ...resolved, delayMs }));
  const pids: number[] = [];
  return {
    dir,
    startFile,
    host: (name = 'app', extra = {}) =>
      HostConfig.parse({ name, workerman: { php: FAKE_PHP, startFile }, ...extra }),
    async spawnTitled(title, opts = {}) {
      // The parent prints the pid and (for an orphan) exits at once, so the child's master is gone.
      const script = opts.orphan
        ? 'my $p = fork(); if ($p) { print "$p\\n"; exit 0 } chdir $ARGV[0]; $0 = $ARGV[1]; close STDOUT; sleep 600;'
        : 'print "$$\\n"; chdir $ARGV[0]; $0 = $ARGV[1]; close STDOUT; sleep 600;';
      const child = spawn('perl', ['-e', script, dir, title], { stdio: ['ignore', 'pipe', 'inherit'], detached: true });
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(Number(out.trim()));
        });
        child.on('error', reject);
      });
      child.unref();
      pids.push(pid);
      // wait until the title is visible in /proc
      for (let i = 0; i < 50; i++) {
        const cmdline = spawnSync('cat', [`/proc/${pid}/cmdline`]).stdout.toString();
        if (cmdline.startsWith(title)) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return pid;
    },
    async cleanup() {
      for (const pid of pids) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}
