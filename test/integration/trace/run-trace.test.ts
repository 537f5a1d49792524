import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { BotError } from '../../../src/errors.js';
import { runTrace, type TraceResult } from '../../../src/strace/run-trace.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { Transport } from '../../../src/transport/types.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { errorOf } from '../../helpers/bot-error.js';

// Real strace attached to real processes that look like Workerman (test/fixtures/bin/fake-workerman),
// through LocalTransport and through SshTransport on a real sshd on 127.0.0.1. After EVERY trace the
// target must be running and untraced (TracerPid 0, state not t/T).

const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const START_FILE = '/srv/wm-test/apps/demo/start.php';
const LIFETIME_S = 300;

function unavailableReason(): string | null {
  if (process.platform !== 'linux') return `strace tests need Linux, not ${process.platform}`;
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'strace is not installed (apt-get install strace)';
  }
  try {
    execFileSync('perl', ['-e', '1'], { stdio: 'ignore' });
  } catch {
    return 'perl is not installed (fake-workerman needs it)';
  }
  try {
    // ptrace may be forbidden here (container without CAP_SYS_PTRACE, Yama): try it once.
    execFileSync('strace', ['-o', '/dev/null', 'true'], { stdio: 'ignore' });
  } catch {
    return 'ptrace is not permitted in this environment (strace true failed)';
  }
  return null;
}

const skipReason = process.env.CI === 'true' ? null : unavailableReason();
if (skipReason !== null) console.warn(`runTrace() integration tests skipped: ${skipReason}`);

interface FakeApp {
  child: ChildProcess;
  master: number;
  workers: Map<string, number>;
}

const apps: FakeApp[] = [];

/** Starts fake-workerman with the given workers and resolves once all are forked. */
async function startApp(specs: string[], startFile = START_FILE): Promise<FakeApp> {
  const child = spawn(FAKE_WORKERMAN, [startFile, String(LIFETIME_S), ...specs], { stdio: ['ignore', 'pipe', 'inherit'] });
  const app: FakeApp = { child, master: 0, workers: new Map() };
  apps.push(app);
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake-workerman exited early (${code})`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        const [kind, pid, name] = line.split(' ');
        if (kind === 'master') app.master = Number(pid);
        if (kind === 'worker' && name !== undefined) app.workers.set(name, Number(pid));
        if (kind === 'ready') resolve();
      }
    });
  });
  // Let every worker reach its steady state (connected, sleeping, spinning).
  await sleep(300);
  return app;
}

function stopApp(app: FakeApp): void {
  for (const pid of [...app.workers.values(), app.master]) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

function pidOf(app: FakeApp, name: string): number {
  const pid = app.workers.get(name);
  if (pid === undefined) throw new Error(`no worker ${name}`);
  return pid;
}

/** TracerPid and state letter from /proc/PID/status, or null when the process is gone. */
function procStatus(pid: number): { state: string; tracerPid: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const state = /^State:\s*(\S)/m.exec(text)?.[1] ?? '?';
  const tracerPid = Number(/^TracerPid:\s*(\d+)/m.exec(text)?.[1] ?? '-1');
  return { state, tracerPid };
}

/** The invariant after every trace: the target is running (or gone) and nobody traces it. */
function expectUntraced(pid: number): void {
  const s = procStatus(pid);
  if (s === null) return;
  expect(s.tracerPid, `TracerPid of ${pid}`).toBe(0);
  expect(['t', 'T'], `state of ${pid}`).not.toContain(s.state);
}

/** Polls until the pid is untraced; returns when that happened (ms after `since`), or Infinity. */
async function untracedWithin(pid: number, limitMs: number, since: number): Promise<number> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if ((procStatus(pid)?.tracerPid ?? 0) === 0) return performance.now() - since;
    await sleep(50);
  }
  return Number.POSITIVE_INFINITY;
}

/** The helper's work dirs in its private lock dir (root over SSH: /run/workerman-ops). */
function runDirs(): string[] {
  const dir = '/run/workerman-ops';
  try {
    return readdirSync(dir).filter((n) => n.startsWith('run.')).map((n) => join(dir, n));
  } catch {
    return [];
  }
}

/** Titles of the live Workerman masters on this machine. */
function liveMasterTitles(): string[] {
  const titles: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replace(/\0+$/, '').replaceAll('\0', ' ');
      if (title.startsWith('WorkerMan: master process') && procStatus(Number(entry))?.state !== 'Z') titles.push(title);
    } catch {
      // gone
    }
  }
  return titles;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}


const results: TraceResult[] = [];

/** Registers a result so its raw log is removed after the test even when an assertion fails. */
function keep<T extends TraceResult>(result: T): T {
  results.push(result);
  return result;
}

async function cleanupLog(result: TraceResult): Promise<void> {
  if (result.rawLog !== null) await rm(dirname(result.rawLog.path), { recursive: true, force: true });
}

afterEach(async () => {
  for (const r of results.splice(0)) await cleanupLog(r);
});

function hostConfig(overrides: Record<string, unknown> = {}, strace: Record<string, unknown> = {}): HostConfig {
  return HostConfig.parse({
    name: 'web-1',
    workerman: { startFile: START_FILE },
    strace: { defaultDurationS: 1.5, maxDurationS: 10, ...strace },
    ...overrides,
  });
}

/** A TCP listener on 127.0.0.1 that accepts and never answers: the hung upstream. */
async function startBlackhole(): Promise<{ server: Server; port: number; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((s) => sockets.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port, sockets };
}

describe.skipIf(skipReason !== null)('runTrace() with real strace via LocalTransport', () => {
  let local: LocalTransport;
  let lockDir: string;
  let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
  let app: FakeApp;
  const traced: number[] = [];

  beforeAll(async () => {
    // The helper's private lock dir: one of our own keeps another run of this suite on the same machine
    // from taking our slots (the helper honours WORKERMAN_OPS_LOCK_DIR only when not run through sudo).
    lockDir = join(await mkdtemp(join(tmpdir(), 'wmops-trace-')), 'locks');
    local = new LocalTransport({ env: { ...process.env, WORKERMAN_OPS_LOCK_DIR: lockDir } });
    blackhole = await startBlackhole();
    app = await startApp(['epoll:idle', 'select:idle-select', 'upstream:blocked:' + blackhole.port, 'sleeper:sleep', 'spinner:cpu']);
  });
  afterEach(() => {
    for (const pid of traced.splice(0)) expectUntraced(pid);
  });
  afterAll(async () => {
    for (const a of apps) stopApp(a);
    for (const s of blackhole?.sockets ?? []) s.destroy();
    await new Promise((resolve) => blackhole?.server.close(resolve));
    if (lockDir !== undefined) await rm(dirname(lockDir), { recursive: true, force: true, maxRetries: 20, retryDelay: 100 });
  });

  async function workDirsIn(dir: string): Promise<string[]> {
    return (await readdir(dir)).filter((name) => name.startsWith('run.'));
  }

  async function trace(pids: number[], host = hostConfig(), durationS = 1.5): Promise<TraceResult> {
    traced.push(...pids);
    const result = keep(await runTrace(local, host, { pids, durationS }));
    for (const pid of pids) expectUntraced(pid);
    return result;
  }

  it('runTrace() says idle for a worker waiting in epoll_wait', async () => {
    const pid = pidOf(app, 'epoll');
    const progress: number[] = [];
    traced.push(pid);
    const result = keep(await runTrace(local, hostConfig(), { pids: [pid], durationS: 2.5 }, { onProgress: (p) => progress.push(p.elapsedMs) }));
    expectUntraced(pid);
    try {
      expect(result.summary.verdict.state).toBe('idle');
      expect(result.summary.verdict.text + result.summary.verdict.evidence.join(' ')).toMatch(/epoll_wait/);
      expect(result.summary.syscalls.find((s) => s.name === 'epoll_wait')?.count).toBeGreaterThanOrEqual(2);
      expect(result.strace.exitCode).toBe(124);
      expect(result.strace.version).toMatch(/strace -- version \d+\.\d+/);
      expect(result.strace.command).toEqual(expect.arrayContaining(['timeout', '-s', 'INT', '-k', '5', '2.5', 'strace', '-f', '-tt', '-T', '-yy', '-s', '32', '-p', String(pid)]));
      expect(result.live.before[0]?.syscall?.name).toBe('epoll_wait');
      expect(result.live.after[0]?.tracerPid).toBe(0);
      expect(result.midSnapshots[0]?.tracerPid).toBeGreaterThan(0);
      // About once a second, ending with the full duration.
      expect(progress.length).toBeGreaterThanOrEqual(3);
      expect(progress.at(-1)).toBe(2500);
      expect(result.rawLog).not.toBeNull();
      const log = await readFile(result.rawLog!.path, 'utf8');
      expect(log).toMatch(/epoll_wait\(/);
      expect(Buffer.byteLength(log)).toBe(result.rawLog!.bytes);
      expect(result.rawLog!.truncated).toBe(false);
    } finally {
      await cleanupLog(result);
    }
  });

  it('runTrace() says idle for a worker on the Select loop (pselect6)', async () => {
    const result = await trace([pidOf(app, 'select')]);
    expect(result.summary.verdict.state).toBe('idle');
    expect(result.summary.syscalls.map((s) => s.name)).toContain('pselect6');
    await cleanupLog(result);
  });

  it('runTrace() says blocked for a worker stuck reading an upstream that never answers, naming fd and peer', async () => {
    const pid = pidOf(app, 'upstream');
    const result = await trace([pid]);
    const before = result.live.before[0]!;
    expect(before.syscall?.name).toBe('read');
    const fd = Number(before.syscall?.args[0]);
    const inode = Number(/socket:\[(\d+)\]/.exec(before.fds[fd] ?? '')?.[1]);
    expect(before.sockets[inode]).toMatchObject({ protocol: 'TCP', peer: `127.0.0.1:${blackhole.port}`, state: 'ESTABLISHED' });
    expect(result.summary.verdict).toMatchObject({ state: 'blocked', fd, peer: `127.0.0.1:${blackhole.port}` });
    expect(result.summary.verdict.syscall).toBe('read');
    await cleanupLog(result);
  });

  it('runTrace() says sleeping for a worker in clock_nanosleep', async () => {
    const result = await trace([pidOf(app, 'sleeper')]);
    expect(result.live.before[0]?.syscall?.name).toBe('clock_nanosleep');
    expect(result.summary.verdict.state).toBe('sleeping');
    await cleanupLog(result);
  });

  it('runTrace() says cpu-bound for a worker spinning without syscalls, from /proc CPU time', async () => {
    const result = await trace([pidOf(app, 'spinner')]);
    const ticks = (result.live.after[0]?.cpuTicks ?? 0) - (result.live.before[0]?.cpuTicks ?? 0);
    const before = result.live.before[0]!;
    const after = result.live.after[0]!;
    const cpuShare = (ticks / before.clockTicksPerSecond) * 1000 / (after.takenAtMs - before.takenAtMs);
    expect(ticks).toBeGreaterThan(10);
    expect(result.summary.syscallCount).toBe(0);
    if (cpuShare > 0.6) {
      expect(result.summary.verdict.state).toBe('cpu-bound');
    } else {
      // On a loaded machine the spinner may get well under half a CPU; then "silent" is fair too.
      console.warn(`spinner got only ${Math.round(cpuShare * 100)}% of a CPU here: accepting silent or cpu-bound`);
      expect(['cpu-bound', 'silent']).toContain(result.summary.verdict.state);
    }
    await cleanupLog(result);
  });

  it('runTrace() says exited for a worker that exits during the trace', async () => {
    // It exits 2.5 s after it starts: after the preflight has passed even on a loaded machine.
    const quitting = await startApp(['quitter:exit:2.5']);
    const pid = pidOf(quitting, 'quitter');
    const result = await trace([pid], hostConfig(), 5);
    expect(result.summary.exits).toEqual([expect.objectContaining({ pid, code: 3 })]);
    expect(result.summary.verdict.state).toBe('exited');
    // strace ends by itself when its only tracee exits: exit 0, well inside the 5 s box.
    expect(result.strace.exitCode).toBe(0);
    expect(result.live.after[0]?.exists).toBe(false);
    await cleanupLog(result);
  });

  it('runTrace() traces several pids at once (a worker name) and names every pid', async () => {
    const pids = [pidOf(app, 'epoll'), pidOf(app, 'select')];
    const result = await trace(pids, hostConfig(), 1);
    expect(result.summary.pids).toEqual(expect.arrayContaining(pids));
    expect(result.live.before.map((s) => s.pid)).toEqual(pids.sort((a, b) => a - b));
    expect(result.strace.command.filter((a) => a === '-p')).toHaveLength(2);
    await cleanupLog(result);
  });

  it('runTrace() traces the master (its title carries start_file=)', async () => {
    const result = await trace([app.master], hostConfig(), 1);
    expect(result.summary.verdict.state).not.toBe('not-traced');
    await cleanupLog(result);
  });

  it('runTrace() caps the output: strace is stopped with SIGINT and the log is marked truncated', async () => {
    const chatty = await startApp(['chatty:chatty']);
    const pid = pidOf(chatty, 'chatty');
    traced.push(pid);
    // ~1000 syscalls a second: 1 KiB fills at once, well inside the 8 s box.
    const host = hostConfig({}, { maxOutputBytes: 1024 });
    const started = performance.now();
    const result = keep(await runTrace(local, host, { pids: [pid], durationS: 8 }));
    const elapsedMs = performance.now() - started;
    expectUntraced(pid);
    expect(result.rawLog?.truncated).toBe(true);
    expect(result.rawLog!.bytes).toBeLessThanOrEqual(1024);
    expect(elapsedMs).toBeLessThan(8000);
    await cleanupLog(result);
  });

  describe('preflight refusals', () => {
    it('runTrace() refuses a pid that does not exist with pid_not_found', async () => {
      const gone = spawn('true');
      await new Promise((resolve) => gone.once('exit', resolve));
      const error = await errorOf(runTrace(local, hostConfig(), { pids: [gone.pid!] }));
      expect(error.code).toBe('pid_not_found');
      expect(error.message).toContain(`No process ${gone.pid} on web-1`);
    });

    it('runTrace() refuses a process that is not Workerman with pid_not_workerman, never quoting its command line', async () => {
      const other = spawn('sh', ['-c', 'sleep 30; :', 'mysqldump', '-uroot', '-pS3cretPw']);
      try {
        await sleep(100);
        const error = await errorOf(runTrace(local, hostConfig(), { pids: [other.pid!] }));
        expect(error.code).toBe('pid_not_workerman');
        expect(error.message).toContain(`pid ${other.pid} on web-1 is not a Workerman process`);
        expect(JSON.stringify({ message: error.message, details: error.details })).not.toMatch(/S3cretPw|mysqldump/);
        expectUntraced(other.pid!);
      } finally {
        other.kill('SIGKILL');
      }
    });

    it('runTrace() refuses a Workerman worker of another start file', async () => {
      const error = await errorOf(runTrace(local, hostConfig({ workerman: { startFile: '/srv/other/start.php' } }), { pids: [pidOf(app, 'epoll')] }));
      expect(error.code).toBe('pid_not_workerman');
      expect(error.message).toContain('belongs to another Workerman app, not /srv/other/start.php');
    });

    it('runTrace() refuses an untitled process even where status would list it: only /proc decides, status never runs', async () => {
      const other = spawn('sleep', ['30']);
      try {
        await sleep(100);
        const error = await errorOf(runTrace(local, hostConfig(), { pids: [other.pid!], durationS: 1 }));
        expect(error.code).toBe('pid_not_workerman');
        expectUntraced(other.pid!);
      } finally {
        other.kill('SIGKILL');
      }
    });

    it('runTrace() traces an orphaned worker of the app (its master is gone) and says so', async () => {
      const orphanApp = await startApp(['lonely:idle'], '/srv/wm-test/apps/orphans/start.php');
      process.kill(orphanApp.master, 'SIGKILL');
      await sleep(200);
      const pid = pidOf(orphanApp, 'lonely');
      const result = await trace([pid], hostConfig({ workerman: { startFile: '/srv/wm-test/apps/orphans/start.php' } }), 1);
      expect(result.notes.join(' ')).toMatch(/orphaned Workerman worker: its master is gone/);
      expect(result.summary.verdict.state).toBe('idle');
      await cleanupLog(result);
    });

    it('runTrace() refuses an orphan while the app has a live master of its own (a leftover of another start)', async () => {
      const leftover = await startApp(['old:idle']);
      process.kill(leftover.master, 'SIGKILL');
      await sleep(200);
      // The main app (same start file) still has its live master; the orphan runs in another directory.
      const error = await errorOf(runTrace(local, hostConfig(), { pids: [pidOf(leftover, 'old')], durationS: 1 }));
      expect(error.code).toBe('pid_not_workerman');
      expect(error.message).toMatch(/master is gone, and .* has a live master of its own/);
    });

    it('runTrace() on a host without startFile: the app of the one running master; several apps: refused, as status does', async () => {
      const noStartFile = hostConfig({ workerman: {} });
      const pid = pidOf(app, 'epoll');
      const other = await startApp(['elsewhere:idle'], '/srv/wm-test/apps/second/start.php');
      const error = await errorOf(runTrace(local, noStartFile, { pids: [pid], durationS: 1 }));
      expect(error.code).toBe('input_invalid');
      expect(error.message).toMatch(/Several Workerman apps run on web-1: set workerman.startFile/);
      stopApp(other);
      await sleep(200);
      // Another Workerman master on this machine (a real app, another suite's) keeps it ambiguous.
      const foreign = liveMasterTitles().filter((t) => !t.endsWith(`start_file=${START_FILE}`));
      if (foreign.length > 0) {
        console.warn(`other Workerman masters run here (${foreign.join('; ')}): only the refusal was checked`);
        return;
      }
      const result = await trace([pid], noStartFile, 1);
      expect(result.summary.verdict.state).toBe('idle');
      await cleanupLog(result);
    });

    it('runTrace() refuses a pid that another strace already traces, naming the tracer', async () => {
      const pid = pidOf(app, 'sleeper');
      const other = spawn('strace', ['-o', '/dev/null', '-p', String(pid)], { stdio: 'ignore' });
      try {
        for (let i = 0; i < 50 && procStatus(pid)?.tracerPid === 0; i += 1) await sleep(50);
        expect(procStatus(pid)?.tracerPid).toBe(other.pid);
        const error = await errorOf(runTrace(local, hostConfig(), { pids: [pid] }));
        expect(error.code).toBe('already_traced');
        expect(error.message).toContain(`traced by pid ${other.pid} (strace)`);
      } finally {
        other.kill('SIGINT');
        await new Promise((resolve) => other.once('exit', resolve));
      }
      expectUntraced(pid);
    });

    it('runTrace() says strace_missing with how to install it', async () => {
      const error = await errorOf(runTrace(local, hostConfig({}, { path: '/nonexistent/strace' }), { pids: [pidOf(app, 'epoll')] }));
      expect(error.code).toBe('strace_missing');
      expect(error.message).toContain('strace is not installed on web-1: apt-get install strace / dnf install strace');
    });

    it('runTrace() rejects bad pids and durations with input_invalid before touching the host', async () => {
      for (const pids of [[0], [-1], [1.5], [4_194_305], []]) {
        expect((await errorOf(runTrace(local, hostConfig(), { pids }))).code).toBe('input_invalid');
      }
      const tooLong = await errorOf(runTrace(local, hostConfig(), { pids: [pidOf(app, 'epoll')], durationS: 11 }));
      expect(tooLong.code).toBe('input_invalid');
      expect(tooLong.message).toContain('at most 10 s');
    });

    it('runTrace() lets only one of two concurrent traces of the same pid run', async () => {
      const pid = pidOf(app, 'select');
      traced.push(pid);
      const outcomes = await Promise.allSettled([
        runTrace(local, hostConfig(), { pids: [pid], durationS: 1.5 }),
        runTrace(local, hostConfig(), { pids: [pid], durationS: 1.5 }),
      ]);
      const ok = outcomes.filter((o) => o.status === 'fulfilled');
      const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
      expect(ok).toHaveLength(1);
      expect(failed).toHaveLength(1);
      expect(['already_traced', 'trace_busy']).toContain((failed[0]!.reason as BotError).code);
      for (const o of ok) keep(o.value);
    });

    it('runTrace() refuses with trace_busy when every per-host slot is taken', async () => {
      const host = hostConfig({}, { maxConcurrent: 1 });
      const pids = [pidOf(app, 'epoll'), pidOf(app, 'sleeper')];
      traced.push(...pids);
      const first = runTrace(local, host, { pids: [pids[0]!], durationS: 2 });
      await sleep(700);
      const error = await errorOf(runTrace(local, host, { pids: [pids[1]!], durationS: 1 }));
      expect(error.code).toBe('trace_busy');
      keep(await first);
    });
  });

  it('runTrace() aborted locally stops strace at once (the helper traps the signal) and cleans up on the host', async () => {
    const pid = pidOf(app, 'sleeper');
    traced.push(pid);
    const controller = new AbortController();
    let abortedAt = 0;
    const running = runTrace(local, hostConfig(), { pids: [pid], durationS: 8 }, {
      signal: controller.signal,
      onProgress: (p) => {
        // Abort once strace has printed something: it is attached by then.
        if (p.lines > 0 && abortedAt === 0) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const error = await errorOf(running);
    expect(error.message).toMatch(/cancelled/);
    expect(abortedAt).toBeGreaterThan(0);
    const untracedAtMs = await untracedWithin(pid, 10_000, abortedAt);
    // Far inside the 8 s box: the helper stopped strace when it was told to stop.
    expect(untracedAtMs).toBeLessThan(2_000);
    expectUntraced(pid);
    const deadline = Date.now() + 10_000;
    let left = await workDirsIn(lockDir);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = await workDirsIn(lockDir);
    }
    expect(left, 'work dirs left on the host after an aborted trace').toEqual([]);
    expect(readdirSync(join(lockDir, 'traces')), 'registry entries left after an aborted trace').toEqual([]);
  });

  it('runTrace() discards a trace whose pid was reused between the checks and the attach (pid_reused)', async (ctx) => {
    if (process.getuid?.() !== 0 || !existsSync('/proc/sys/kernel/ns_last_pid')) {
      if (process.env.CI === 'true') throw new Error('the pid-reuse test needs root and /proc/sys/kernel/ns_last_pid in CI');
      ctx.skip();
    }
    const victim = await startApp(['victim:idle']);
    const pid = pidOf(victim, 'victim');
    const pause = join(dirname(lockDir), `pause-${pid}`);
    const paused = new LocalTransport({ env: { ...process.env, WORKERMAN_OPS_LOCK_DIR: lockDir, WORKERMAN_OPS_TEST_PAUSE: pause } });
    const running = runTrace(paused, hostConfig(), { pids: [pid], durationS: 2 });
    running.catch(() => undefined);
    for (let i = 0; i < 200 && !existsSync(`${pause}.ready`); i += 1) await sleep(25);
    expect(existsSync(`${pause}.ready`), 'the helper reached the pause after its checks').toBe(true);
    // The target ends; a new process takes its pid (ns_last_pid = pid - 1, then fork at once).
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && existsSync(`/proc/${pid}`); i += 1) await sleep(20);
    const taker = takePid(pid);
    try {
      expect(taker, `a new process got pid ${pid}`).toBe(pid);
      await writeFile(pause, '');
      const error = await errorOf(running);
      expect(error.code).toBe('pid_reused');
      expect(error.message).toContain(`pid ${pid} on web-1 ended and its number was taken by another process`);
      expectUntraced(pid);
    } finally {
      if (taker !== null) process.kill(taker, 'SIGKILL');
    }
  });
});

/** Forks a sleeping process that gets `pid` (root: /proc/sys/kernel/ns_last_pid); its pid, or null after 50 tries. */
function takePid(pid: number): number | null {
  const script = `
    for my $try (1..50) {
      open(my $f, '>', '/proc/sys/kernel/ns_last_pid') or die "ns_last_pid: $!";
      print $f ($ARGV[0] - 1);
      close($f);
      my $c = fork();
      if ($c == 0) { close(STDIN); close(STDOUT); close(STDERR); $0 = 'WorkerMan: worker process  impostor none'; sleep 600; exit 0; }
      if ($c == $ARGV[0]) { print "$c\n"; exit 0; }
      kill 'KILL', $c;
      waitpid($c, 0);
    }
    print "0\n";`;
  const out = execFileSync('perl', ['-e', script, String(pid)], { encoding: 'utf8' }).trim();
  return out === '0' ? null : Number(out);
}

if (sshdUnavailableReason !== null) console.warn(`runTrace() over SSH skipped: ${sshdUnavailableReason}`);

describe.skipIf(skipReason !== null || sshdUnavailableReason !== null)('runTrace() with real strace over SSH (real sshd on 127.0.0.1)', () => {
  let sshd: SshdHandle;
  let blackhole: Awaited<ReturnType<typeof startBlackhole>>;
  let app: FakeApp;
  let transports: Transport[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    blackhole = await startBlackhole();
    app = await startApp(['epoll:idle', 'upstream:blocked:' + blackhole.port, 'spinner:cpu']);
  });
  afterAll(async () => {
    for (const t of transports) await t.close();
    for (const a of apps) stopApp(a);
    for (const s of blackhole?.sockets ?? []) s.destroy();
    await new Promise((resolve) => blackhole?.server.close(resolve));
    await sshd?.stop();
  });

  function sshHost(): { host: HostConfig; transport: SshTransport } {
    const host = hostConfig({ ssh: sshd.sshSettings() });
    const transport = new SshTransport(host.name, host.ssh!);
    transports.push(transport);
    return { host, transport };
  }

  it('runTrace() over SSH gives the same verdicts: idle, blocked with fd and peer, cpu-bound', async () => {
    const { host, transport } = sshHost();
    const idle = keep(await runTrace(transport, host, { pids: [pidOf(app, 'epoll')], durationS: 1.5 }));
    expectUntraced(pidOf(app, 'epoll'));
    expect(idle.summary.verdict.state).toBe('idle');

    const blocked = keep(await runTrace(transport, host, { pids: [pidOf(app, 'upstream')], durationS: 1.5 }));
    expectUntraced(pidOf(app, 'upstream'));
    expect(blocked.summary.verdict).toMatchObject({ state: 'blocked', peer: `127.0.0.1:${blackhole.port}` });

    const cpu = keep(await runTrace(transport, host, { pids: [pidOf(app, 'spinner')], durationS: 1.5 }));
    expectUntraced(pidOf(app, 'spinner'));
    expect(cpu.summary.syscallCount).toBe(0);
    // cpu-bound needs the spinner to get over half a CPU, which a loaded machine may not give it.
    expect(['cpu-bound', 'silent']).toContain(cpu.summary.verdict.state);
    if (cpu.summary.verdict.state === 'silent') console.warn('spinner starved of CPU over SSH: verdict silent');
    for (const r of [idle, blocked, cpu]) await cleanupLog(r);
  });

  it('runTrace() over SSH: dropping the connection mid-trace stops strace on the host at once', async () => {
    const { host, transport } = sshHost();
    const pid = pidOf(app, 'epoll');
    const durationS = 8;
    const dirsBefore = new Set(runDirs());
    let droppedAt = 0;
    const running = runTrace(transport, host, { pids: [pid], durationS }, {
      onProgress: () => {
        if (droppedAt !== 0) return;
        droppedAt = performance.now();
        // Drop the connection as soon as the trace runs.
        void transport.close();
      },
    });
    await errorOf(running);
    expect(droppedAt).toBeGreaterThan(0);
    // Nobody reads the helper's output any more: it stops strace (SIGINT, a clean detach) and cleans up,
    // well before the 8 s time box would.
    const untracedAtMs = await untracedWithin(pid, 10_000, droppedAt);
    expect(untracedAtMs).toBeLessThan(3_000);
    expectUntraced(pid);
    await sleep(1500);
    expect(runDirs().filter((d) => !dirsBefore.has(d))).toEqual([]);
  });
});
