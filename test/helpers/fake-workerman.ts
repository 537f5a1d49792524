import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './paths.js';

/** test/fixtures/bin/fake-workerman: real processes titled like a Workerman master and its workers. */
export const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');

export interface FakeWorkerman {
  child: ChildProcess;
  master: number;
  /** In the order of the specs. */
  workers: { pid: number; name: string; mode: string }[];
  pidsOf(name: string): number[];
  /** Ends every process for good (a `sleep-record` worker survives SIGINT by design). */
  stop(): void;
}

/** Starts `fake-workerman <startFile> <lifetimeS> <specs…>` and resolves once it printed `ready`. */
export async function startFakeWorkerman(startFile: string, specs: string[], lifetimeS = 120): Promise<FakeWorkerman> {
  const child = spawn(FAKE_WORKERMAN, [startFile, String(lifetimeS), ...specs], { stdio: ['ignore', 'pipe', 'ignore'] });
  const workers: FakeWorkerman['workers'] = [];
  let master = 0;
  for await (const line of createInterface({ input: child.stdout! })) {
    const [what, pid, name, mode] = line.split(' ');
    if (what === 'master') master = Number(pid);
    if (what === 'worker') workers.push({ pid: Number(pid), name: name!, mode: mode! });
    if (what === 'ready') break;
  }
  return {
    child,
    master,
    workers,
    pidsOf: (name) => workers.filter((w) => w.name === name).map((w) => w.pid),
    stop() {
      for (const pid of [...workers.map((w) => w.pid), master]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      child.stdout?.destroy();
    },
  };
}
