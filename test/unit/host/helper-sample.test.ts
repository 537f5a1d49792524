import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { helperArgv, HELPER_MARKER } from '../../../src/host/helper.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { parseSample } from '../../../src/watch/parse-sample.js';
import { runSample } from '../../../src/watch/run-sample.js';
import { activityOf } from '../../../src/watch/window-series.js';
import { startFakeWorkerman, type FakeWorkerman } from '../../helpers/fake-workerman.js';

// The helper's `sample` (what `watch` runs every minute) run with sh as this user against real
// processes titled like Workerman's (test/fixtures/bin/fake-workerman): what it reads from /proc, and
// that reading it sends no signal to a worker that records every signal it gets.

const execFileAsync = promisify(execFile);

async function helperSample(host: HostConfig, args: string[]): Promise<{ code: number; stdout: string }> {
  const [file, ...rest] = helperArgv(host, 'sample', args, { sudo: false });
  return execFileAsync(file!, rest, { timeout: 15_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '' }),
  );
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits (up to 10 s) until `check` holds. */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(50);
}

function cpuTicksOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

describe.skipIf(process.platform !== 'linux')('helper sample (run with sh, real processes)', () => {
  let dir: string;
  let startFile: string;
  let record: string;
  let app: FakeWorkerman;
  let host: HostConfig;
  const local = new LocalTransport();

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wmops-sample-'));
    startFile = join(dir, 'start.php');
    record = join(dir, 'signals.txt');
    app = await startFakeWorkerman(startFile, ['web:idle', 'web:idle', 'sleeper:sleep-record:' + record, 'spin:cpu'], 60);
    host = HostConfig.parse({ name: 'app', workerman: { startFile } });
    // Let the spinning worker accumulate CPU time (slow on a loaded machine) and the recorder create its file.
    await until(() => cpuTicksOf(app.pidsOf('spin')[0]!) > 0 && existsSync(record));
  });
  afterAll(async () => {
    app?.stop();
    await local.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('prints one line per Workerman process with state, CPU, RSS, fds, wchan and syscall, then done', async () => {
    const { code, stdout } = await helperSample(host, [startFile]);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`${HELPER_MARKER}hello 2 sample`);
    expect(lines).toContain(`${HELPER_MARKER}app ${startFile}`);
    expect(lines.at(-2)).toBe(`${HELPER_MARKER}done sample`);
    const pids = new Set([app.master, ...app.workers.map((w) => w.pid)].map(String));
    const mine = lines.filter((l) => l.startsWith(`${HELPER_MARKER}s `) && pids.has(l.split(' ')[1]!));
    // master + 4 workers; every field present, the title last
    expect(mine).toHaveLength(5);
    for (const line of mine) expect(line).toMatch(/^@@wmops:s \d+ \d+ [A-Z] \d+ \d+ \d+ \d+ (\d+|-) \S+ \S+\t\S*\tWorkerMan: /);
  });

  it('parseSample() picks the app out of the host and reads each process as /proc shows it', async () => {
    const sample = await runSample(local, host, { timeoutMs: 15_000 });
    expect(sample.outcome).toBe('ok');
    expect(sample.startFile).toBe(startFile);
    expect(sample.processes.map((p) => p.pid).sort()).toEqual([app.master, ...app.workers.map((w) => w.pid)].sort());
    const byPid = new Map(sample.processes.map((p) => [p.pid, p]));
    const master = byPid.get(app.master)!;
    expect(master).toMatchObject({ role: 'master', worker: null, isOrphan: false });
    const spin = byPid.get(app.pidsOf('spin')[0]!)!;
    expect(spin.state).toBe('R');
    expect(spin.cpuTicks).toBeGreaterThan(0);
    expect(activityOf(spin).activity).toBe('running');
    const sleeper = byPid.get(app.pidsOf('sleeper')[0]!)!;
    expect(sleeper).toMatchObject({ role: 'worker', worker: 'sleeper', listen: 'http://127.0.0.1:0', syscall: 'clock_nanosleep' });
    expect(activityOf(sleeper)).toEqual({ activity: 'blocked', call: 'clock_nanosleep (hrtimer_nanosleep)' });
    for (const p of sample.processes) {
      expect(p.rssBytes).toBeGreaterThan(1024 * 1024);
      expect(p.fds).toBeGreaterThanOrEqual(3);
      expect(p.startTicks).toBeGreaterThan(0);
    }
    // idle workers wait in the event loop (epoll_wait on x86_64, select elsewhere)
    const idle = sample.processes.filter((p) => p.worker === 'web');
    expect(idle).toHaveLength(2);
    for (const p of idle) expect(activityOf(p).activity).toBe('idle');
  });

  it('delivers no signal: a worker that records every signal it gets records none after ten samples', async () => {
    expect(existsSync(record)).toBe(true);
    for (let i = 0; i < 10; i++) await runSample(local, host, { timeoutMs: 15_000 });
    await sleep(100);
    expect(readFileSync(record, 'utf8')).toBe('');
    // …while a real signal is recorded, so the probe works
    process.kill(app.pidsOf('sleeper')[0]!, 'SIGUSR1');
    await until(() => readFileSync(record, 'utf8') !== '');
    expect(readFileSync(record, 'utf8')).toBe('USR1\n');
  });

  it('refuses a start file with shell syntax and extra arguments', async () => {
    const bad = await helperSample(host, ['/srv/$(id)/start.php']);
    expect(bad.code).toBe(3);
    expect(bad.stdout).toContain(`${HELPER_MARKER}error input_invalid - bad_start_file`);
    const many = await helperSample(host, [startFile, 'extra']);
    expect(many.stdout).toContain(`${HELPER_MARKER}error input_invalid - bad_args 2`);
  });

  it('parseSample() refuses a sample cut before its done line', () => {
    expect(() => parseSample('@@wmops:hello 2 sample\n@@wmops:info clk_tck 100\n', { host: 'web-1', t: 0, durationMs: 0, startFile: null })).toThrow(/ended before its last line/);
  });
});
