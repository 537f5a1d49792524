import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { runConnections, runStatus } from '../../../src/workerman/run-status.js';
import { listWorkermanProcesses } from '../../../src/workerman/workerman-processes.js';
import { REPO_ROOT, STATUS_FIXTURES } from '../../helpers/paths.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';
import { createTransports } from '../../../src/transport/pool.js';
import { errorOf } from '../../helpers/bot-error.js';

const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const local = new LocalTransport();

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True while the pid exists and is not a zombie. */
function isAlive(pid: number): boolean {
  try {
    return !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function gone(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(50);
  }
  return !isAlive(pid);
}
const apps: FakeApp[] = [];
afterAll(async () => {
  await local.close();
  await Promise.all(apps.map((a) => a.cleanup()));
});
async function app(spec: Record<string, string[]>, delayMs = 0): Promise<FakeApp> {
  const a = await createFakeApp(spec, delayMs);
  apps.push(a);
  return a;
}

describe('runStatus() over the local transport', () => {
  it('runs the start file in its directory and parses a 5.x status', async () => {
    const a = await app({ status: ['wm5.2.2-busy-upstream'] });
    const run = await runStatus(local, a.host('app-52'));
    expect(run.startFile).toBe(a.startFile);
    expect(run.status.host).toBe('app-52');
    expect(run.status.workerman.version).toBe('5.2.2');
    expect(run.status.processes).toHaveLength(8);
    expect(run.status.processes.filter((p) => p.status === 'busy').map((p) => p.pid)).toEqual([19366]);
    expect(run.status.findings.some((f) => f.kind === 'busy' && f.pid === 19366)).toBe(true);
    expect(run.raw.stdout).toContain('PROCESS STATUS');
  });

  it('--qps takes two samples and reports requests per second from the total_request delta', async () => {
    const base = join(STATUS_FIXTURES, 'wm5.2.2-after-load');
    const a = await app({ status: [] });
    // Second sample: the same capture with 500 more requests on pid 19367.
    const first = join(a.dir, 'first');
    const second = join(a.dir, 'second');
    await copyFile(`${base}.out`, `${first}.out`);
    await copyFile(`${base}.json`, `${first}.json`);
    const text = await readFile(`${base}.out`, 'utf8');
    const row = text.split('\n').find((l) => l.startsWith('19367\t'))!;
    const total = Number(row.split(/\s+/)[7]);
    await writeFile(`${second}.out`, text.replace(row, row.replace(` ${total} `, ` ${String(total + 500).padEnd(String(total).length)} `)));
    await copyFile(`${base}.json`, `${second}.json`);
    await writeFile(a.startFile, JSON.stringify({ status: [first, second] }));
    const run = await runStatus(local, a.host(), { qps: true });
    const qps = Object.fromEntries(run.status.processes.map((p) => [p.pid, p.qps]));
    expect(qps[19367]).toBeGreaterThan(100); // 500 requests over the ~0.1-1 s between the two samples
    expect(qps[19368]).toBe(0);
  });

  it('says "not running" as a typed error, although Workerman exits 0', async () => {
    const a = await app({ status: ['wm4.1.17-not-running'] });
    const error = await errorOf(runStatus(local, a.host()));
    expect(error.code).toBe('workerman_not_running');
  });

  it('parses a Workerman 3.x table without a Summary row, and its "not run" (outputs built from 3.x source)', async () => {
    const a = await app({ status: ['wm3.4.7-built-busy-cpu'] });
    const run = await runStatus(local, a.host('app-34'));
    expect(run.status.workerman.version).toBe('3.4.7');
    expect(run.status.processes.map((p) => p.pid)).toEqual([13002, 13003, 13005, 13006, 13007, 13008, 13009]);
    expect(run.status.findings.map((f) => f.kind)).toEqual(['not-reported']);
    const stopped = await app({ status: ['wm3.1.1-built-not-running'] });
    expect((await errorOf(runStatus(local, stopped.host()))).code).toBe('workerman_not_running');
  });

  it('reports orphaned workers of the start file as an outage in disguise', async () => {
    const a = await app({ status: ['wm5.2.2-master-killed'] });
    const pids = [
      await a.spawnTitled('WorkerMan: worker process  HttpApi01 http://127.0.0.1:18700', { orphan: true }),
      await a.spawnTitled('WorkerMan: worker process  cron_jobs none', { orphan: true }),
    ];
    const error = await errorOf(runStatus(local, a.host()));
    expect(error.code).toBe('workerman_not_running');
    expect(error.message).toMatch(/still alive without a master/);
    expect(error.details.orphanedPids).toEqual(expect.arrayContaining(pids));
  });

  it('finds orphans started from / (their cwd says nothing), and the advised SIGINT stops them where SIGTERM does not', async () => {
    const a = await app({ status: ['wm5.2.2-master-killed'] });
    // fake-workerman behaves like a Workerman 4.x app (workers ignore SIGTERM); started from /.
    const child = spawn(FAKE_WORKERMAN, [a.startFile, '120', 'http:idle', 'cron:sleep'], { cwd: '/', stdio: ['ignore', 'pipe', 'inherit'] });
    const workers: number[] = [];
    let master = 0;
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      child.once('error', reject);
      child.stdout.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (const line of buffer.split('\n')) {
          const [kind, pid] = line.split(' ');
          if (kind === 'master') master = Number(pid);
          if (kind === 'worker' && !workers.includes(Number(pid))) workers.push(Number(pid));
          if (kind === 'ready') resolve();
        }
      });
    });
    try {
      process.kill(master, 'SIGKILL');
      await new Promise((r) => child.once('exit', r));
      const error = await errorOf(runStatus(local, a.host()));
      expect(error.code).toBe('workerman_not_running');
      expect(error.details.orphanedPids).toEqual(expect.arrayContaining(workers));
      // (Orphans the test before left are on the list too: without a master nothing ties them apart.)
      for (const pid of workers) expect(error.message).toMatch(new RegExp(`kill -INT [0-9 ]*\\b${pid}\\b`));
      // SIGTERM (the advice before) leaves a 4.x worker serving; the advised SIGINT stops it.
      process.kill(workers[0]!, 'SIGTERM');
      await sleep(300);
      expect(isAlive(workers[0]!)).toBe(true);
      for (const pid of workers) process.kill(pid, 'SIGINT');
      for (const pid of workers) expect(await gone(pid, 5_000), `pid ${pid} stopped by SIGINT`).toBe(true);
    } finally {
      for (const pid of [master, ...workers]) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

  it('finds the start file of the local host from the running master', async () => {
    const a = await app({ status: ['wm4.0.47-idle'] });
    await a.spawnTitled(`WorkerMan: master process  start_file=${a.startFile}`);
    const host = HostConfig.parse({ name: 'local', workerman: { php: a.host().workerman.php } });
    // Another Workerman-titled master on this machine (a real app, or another test's) makes the choice
    // ambiguous: then the answer must be the clear "several apps" error naming ours.
    const others = (await listWorkermanProcesses(local, host, { timeoutMs: 10_000 })).filter((p) => p.role === 'master' && p.startFile !== a.startFile);
    if (others.length > 0) {
      const error = await errorOf(runStatus(local, host));
      expect(error.message).toContain(a.startFile);
      return;
    }
    const run = await runStatus(local, host);
    expect(run.startFile).toBe(a.startFile);
    expect(run.status.workerman.version).toBe('4.0.46');
  });

  it('explains a missing start file and a missing php', async () => {
    const a = await app({ status: ['wm5.2.2-idle'] });
    const gone = HostConfig.parse({ name: 'x', workerman: { php: a.host().workerman.php, startFile: join(a.dir, 'nope', 'start.php') } });
    expect((await errorOf(runStatus(local, gone))).code).toBe('start_file_missing');
    const noPhp = HostConfig.parse({ name: 'x', workerman: { php: '/nonexistent/php', startFile: a.startFile } });
    expect((await errorOf(runStatus(local, noPhp))).code).toBe('command_failed');
  });

  it('runConnections() parses the connections table', async () => {
    const a = await app({ connections: ['wm5.2.2-connections'] });
    const run = await runConnections(local, a.host());
    expect(run.connections.connections.length).toBeGreaterThan(0);
  });
});

if (sshdUnavailableReason) console.warn(`run-status over SSH skipped: ${sshdUnavailableReason}`);

describe.skipIf(sshdUnavailableReason !== null)('runStatus() over SSH (real sshd on 127.0.0.1)', () => {
  let sshd: SshdHandle;
  beforeAll(async () => {
    sshd = await startSshd();
  });
  afterAll(async () => {
    await sshd?.stop();
  });

  it('gives the same parsed status as the local transport', async () => {
    const a = await app({ status: ['wm3.5.35-after-load'] });
    const host = HostConfig.parse({ name: 'ssh-app', ssh: sshd.sshSettings(), workerman: a.host().workerman });
    const pool = createTransports([host]);
    try {
      const viaSsh = await runStatus(pool.get('ssh-app'), host);
      const viaLocal = await runStatus(local, { ...host, ssh: undefined });
      expect(viaSsh.status).toEqual(viaLocal.status);
      expect(viaSsh.status.processes).toHaveLength(8);
    } finally {
      await pool.closeAll();
    }
  });
});
