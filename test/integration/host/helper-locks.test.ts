import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import type { BotError } from '../../../src/errors.js';
import { runTrace, type TraceResult } from '../../../src/strace/run-trace.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { Transport } from '../../../src/transport/types.js';
import { errorOf } from '../../helpers/bot-error.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createSystemUser, systemUsersUnavailableReason, type SystemUser } from '../../helpers/system-users.js';

// Issue 8, "locks a local user cannot hijack". The helper's locks used to be files with fixed names in
// the shared /tmp (`workerman-ops-trace.slot.N.lock`, `workerman-ops-trace.PID.lock`, mode 0666,
// following symlinks): any local user could hold every slot, or point a name at a file of root's. Now
// they live in a directory private to the user running the helper. Here a real second user, "evil",
// does what such a user can, and real traces (real strace, real sshd, real users) must either run
// untouched or stop with a clear host_setup_invalid error, changing nothing outside the lock directory.

const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const ROOT_START = '/srv/wm-locks/root-app/start.php';
const USER_START = '/srv/wm-locks/user-app/start.php';
const RUNUSER = '/usr/sbin/runuser';
/** Where the helper used to keep its locks (the names any local user could take first). */
const OLD_SLOT_LOCK = (n: number): string => `/tmp/workerman-ops-trace.slot.${n}.lock`;
const OLD_PID_LOCK = (pid: number): string => `/tmp/workerman-ops-trace.${pid}.lock`;

function straceUnavailableReason(): string | null {
  if (spawnSync('strace', ['-o', '/dev/null', 'true'], { stdio: 'ignore' }).status !== 0) return 'strace is missing or ptrace is not permitted here (strace true failed)';
  if (spawnSync('perl', ['-e', '1'], { stdio: 'ignore' }).status !== 0) return 'perl is not installed (fake-workerman needs it)';
  if (spawnSync('flock', ['-V'], { stdio: 'ignore' }).status !== 0) return 'flock is not installed (apt-get install util-linux)';
  return null;
}

const skipReason = process.env.CI === 'true' ? null : (systemUsersUnavailableReason ?? straceUnavailableReason() ?? sshdUnavailableReason);
if (skipReason !== null) console.warn(`helper lock tests skipped: ${skipReason}`);

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function tracerOf(pid: number): number | null {
  try {
    return Number(/^TracerPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? -1);
  } catch {
    return null;
  }
}

function expectUntraced(pid: number): void {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  expect(/^TracerPid:\s*(\d+)/m.exec(text)?.[1], `TracerPid of ${pid}`).toBe('0');
  expect(['t', 'T'], `state of ${pid}`).not.toContain(/^State:\s*(\S)/m.exec(text)?.[1]);
}

/** True while `pid` exists and is not a zombie. */
function isRunning(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function untracedWithin(pid: number, limitMs: number): Promise<boolean> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if ((tracerOf(pid) ?? 0) === 0) return true;
    await sleep(50);
  }
  return false;
}

/** One entry of a directory tree as lstat sees it (links are not followed). */
interface Entry {
  path: string;
  kind: 'dir' | 'file' | 'link' | 'other';
  mode: number;
  uid: number;
  mtimeMs: number;
  size: number;
  target?: string;
  content?: string;
}

/** Everything at and below `root`, without following symlinks: what must not change. */
function listing(root: string): Entry[] {
  const out: Entry[] = [];
  const walk = (path: string): void => {
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    const kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    const entry: Entry = { path, kind, mode: st.mode & 0o7777, uid: st.uid, mtimeMs: st.mtimeMs, size: st.size };
    if (kind === 'link') entry.target = readlinkSync(path);
    if (kind === 'file') entry.content = readFileSync(path, 'utf8');
    out.push(entry);
    if (kind === 'dir') for (const name of readdirSync(path).sort()) walk(join(path, name));
  };
  walk(root);
  return out;
}

/** The inodes /proc/locks lists as flock()ed. */
function flockedInodes(): Set<number> {
  const inodes = new Set<number>();
  for (const line of readFileSync('/proc/locks', 'utf8').split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields[1] !== 'FLOCK') continue;
    const ino = Number(fields[5]?.split(':')[2]);
    if (Number.isFinite(ino)) inodes.add(ino);
  }
  return inodes;
}

interface FakeApp {
  child: ChildProcess;
  master: number;
  workers: Map<string, number>;
}

/** Every app started, for afterAll (also one whose start failed half-way). */
const apps: FakeApp[] = [];

/** Starts fake-workerman (as `user` when given) and resolves once every worker is forked. */
async function startApp(startFile: string, specs: string[], user?: SystemUser): Promise<FakeApp> {
  const argv = [FAKE_WORKERMAN, startFile, '300', ...specs];
  const child = user === undefined ? spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] }) : spawn(RUNUSER, ['-u', user.name, '--', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] });
  const app: FakeApp = { child, master: 0, workers: new Map() };
  apps.push(app);
  await new Promise<void>((resolve, reject) => {
    let buffer = '';
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`fake-workerman exited early (${code})`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const line of buffer.split('\n')) {
        const [kind, pid, name] = line.split(' ');
        if (kind === 'master') app.master = Number(pid);
        if (kind === 'worker' && name !== undefined) app.workers.set(name, Number(pid));
        if (kind === 'ready') resolve();
      }
    });
  });
  await sleep(300);
  return app;
}

function stopApp(app: FakeApp): void {
  // The runuser in front first: it would report its child's SIGKILL on the test's stderr.
  app.child.kill('SIGKILL');
  for (const pid of [...app.workers.values(), app.master]) {
    try {
      if (pid > 0) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/**
 * A LocalTransport that runs every command as `user` with exactly `env` (`runuser -u USER -- env -i …`):
 * the helper as that user would run it from a login whose HOME, TMPDIR and XDG_RUNTIME_DIR we choose.
 */
function asUser(user: SystemUser, env: Record<string, string>): Transport {
  const inner = new LocalTransport();
  const prefix = [RUNUSER, '-u', user.name, '--', '/usr/bin/env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
  return {
    label: `local:${user.name}`,
    run: (argv, opts) => inner.run([...prefix, ...argv], opts),
    lines: (argv, opts) => inner.lines([...prefix, ...argv], opts),
    close: () => inner.close(),
  };
}

describe.skipIf(skipReason !== null)('the helper\'s locks against a hostile local user (real users, strace, sshd)', () => {
  let sshd: SshdHandle;
  let tracer: SystemUser;
  let evil: SystemUser;
  let scratch: string;
  let rootApp: FakeApp;
  let userApp: FakeApp;
  let userStrace = 'strace';
  const transports: Transport[] = [];
  const results: TraceResult[] = [];
  /** Old-name lock files this test made (as evil), removed in afterAll. */
  const oldLockFiles: string[] = [];
  /** Process groups of evil's `flock FILE sleep` holders. */
  const holders: ChildProcess[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    tracer = await createSystemUser('wmlk');
    evil = await createSystemUser('wmevil');
    await tracer.authorize(`${sshd.clientKeyFile}.pub`);
    // Users must reach everything below: a root-owned, world-traversable scratch directory.
    scratch = realpathSync(await mkdtemp('/tmp/wmops-locks-'));
    await chmod(scratch, 0o755);

    // Where ptrace is restricted (Yama 1 or 2, as on Ubuntu), a non-root user traces its own processes
    // with a strace that has cap_sys_ptrace: the set-up the helper checks for with getcap.
    const yama = existsSync('/proc/sys/kernel/yama/ptrace_scope') ? readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'utf8').trim() : '0';
    if (yama === '3') throw new Error('kernel.yama.ptrace_scope = 3: no process can be traced on this machine');
    if (yama !== '0') {
      await mkdir(join(scratch, 'bin'), { mode: 0o755 });
      userStrace = join(scratch, 'bin', 'strace');
      await copyFile(execFileSync('sh', ['-c', 'command -v strace'], { encoding: 'utf8' }).trim(), userStrace);
      await chmod(userStrace, 0o755);
      execFileSync('setcap', ['cap_sys_ptrace+ep', userStrace]);
    }

    rootApp = await startApp(ROOT_START, ['root:idle']);
    userApp = await startApp(USER_START, ['ssh:idle', 'xdg:idle', 'tmp:idle', 'refused:idle', 'kill:sleep', 'race:idle'], tracer);
  });

  afterAll(async () => {
    // Every step runs even when one before it fails: no user, process or file of ours may outlive the file.
    const steps: (() => unknown)[] = [
      ...transports.map((t) => () => t.close()),
      ...holders.map((h) => () => h.pid !== undefined && process.kill(-h.pid, 'SIGKILL')),
      ...apps.map((app) => () => stopApp(app)),
      ...results.map((r) => () => r.rawLog !== null && rm(dirname(r.rawLog.path), { recursive: true, force: true })),
      // Only what evil made at the old names: a file of anyone else there is not ours to remove.
      ...oldLockFiles.map((file) => () => lstatSync(file).uid === evil.uid && rm(file, { force: true })),
      () => tracer?.remove(),
      () => evil?.remove(),
      () => scratch !== undefined && rm(scratch, { recursive: true, force: true }),
      () => sshd?.stop(),
    ];
    for (const step of steps) {
      try {
        await step();
      } catch {
        // already gone
      }
    }
  });

  afterEach(async () => {
    for (const r of results.splice(0)) if (r.rawLog !== null) await rm(dirname(r.rawLog.path), { recursive: true, force: true });
  });

  const pid = (name: string): number => {
    const p = userApp.workers.get(name) ?? rootApp.workers.get(name);
    if (p === undefined) throw new Error(`no worker ${name}`);
    return p;
  };

  function host(startFile: string, extra: Record<string, unknown> = {}): HostConfig {
    return HostConfig.parse({
      name: 'web-1',
      workerman: { startFile },
      strace: { defaultDurationS: 1.5, maxDurationS: 10, maxConcurrent: 16, path: startFile === USER_START ? userStrace : 'strace' },
      ...extra,
    });
  }

  function ssh(username: string): SshTransport {
    const t = new SshTransport('web-1', host(USER_START, { ssh: sshd.sshSettings({ username }) }).ssh!);
    transports.push(t);
    return t;
  }

  /** The tracer user run locally with HOME unusable and no XDG_RUNTIME_DIR: locks under ${tmp}. */
  function tracerIn(tmp: string, env: Record<string, string> = {}): Transport {
    const t = asUser(tracer, { PATH: '/usr/bin:/bin', HOME: '/nonexistent', TMPDIR: tmp, ...env });
    transports.push(t);
    return t;
  }

  /** A fresh TMPDIR for one case: root's, world-writable and sticky like /tmp (unless `mode` says otherwise). */
  async function tmpDir(name: string, mode = 0o1777): Promise<string> {
    const dir = join(scratch, name);
    await mkdir(dir);
    await chmod(dir, mode);
    return dir;
  }

  const lockDirIn = (tmp: string): string => join(tmp, `workerman-ops-${tracer.uid}`);

  function asEvil(...argv: string[]): string {
    return execFileSync(RUNUSER, ['-u', evil.name, '--', ...argv], { encoding: 'utf8' });
  }

  function asTracer(...argv: string[]): string {
    return execFileSync(RUNUSER, ['-u', tracer.name, '--', ...argv], { encoding: 'utf8' });
  }

  async function traceOk(transport: Transport, startFile: string, target: number, durationS = 1.5): Promise<TraceResult> {
    const result = await runTrace(transport, host(startFile), { pids: [target], durationS });
    results.push(result);
    expect(result.summary.pids).toContain(target);
    expectUntraced(target);
    return result;
  }

  /** The private lock directory after a trace: a real directory of `uid`, 0700, with only an empty registry. */
  function expectPrivateAndClean(dir: string, uid: number): void {
    const st = lstatSync(dir);
    expect(st.isDirectory() && !st.isSymbolicLink(), `${dir} is a real directory`).toBe(true);
    expect(st.uid, `owner of ${dir}`).toBe(uid);
    expect((st.mode & 0o7777).toString(8), `mode of ${dir}`).toBe('700');
    expect(readdirSync(dir).sort(), `what is left in ${dir}`).toEqual(['registry.lock', 'traces']);
    expect(lstatSync(join(dir, 'registry.lock')).isFile()).toBe(true);
    expect(lstatSync(join(dir, 'registry.lock')).mode & 0o077, 'registry.lock readable by others').toBe(0);
    expect(lstatSync(join(dir, 'traces')).isDirectory()).toBe(true);
    expect(readdirSync(join(dir, 'traces')), 'registry entries left').toEqual([]);
  }

  describe('a local user holding files at the old shared lock names', () => {
    let before: Entry[];

    beforeAll(async () => {
      const files = [...Array.from({ length: 16 }, (_, i) => OLD_SLOT_LOCK(i + 1)), ...['root', 'ssh', 'xdg', 'tmp'].map((n) => OLD_PID_LOCK(pid(n)))];
      for (const file of files) {
        // A name that exists already (the old helper made them 0666) is opened and held as it is; only
        // what evil creates is removed afterwards.
        if (!existsSync(file)) oldLockFiles.push(file);
        holders.push(spawn(RUNUSER, ['-u', evil.name, '--', 'flock', file, 'sleep', '600'], { stdio: 'ignore', detached: true }));
      }
      // Every name exists as evil's file, flock()ed by evil's process.
      for (let i = 0; i < 100; i += 1) {
        const locked = flockedInodes();
        if (files.every((f) => existsSync(f) && locked.has(lstatSync(f).ino))) break;
        await sleep(50);
      }
      for (const file of files) expect(flockedInodes().has(lstatSync(file).ino), `${file} held by evil`).toBe(true);
      before = files.flatMap((f) => listing(f));
      for (const file of oldLockFiles) expect(lstatSync(file).uid, `${file} made by evil`).toBe(evil.uid);
    });

    /** evil still holds every old name, and the helper touched none of them. */
    function expectOldNamesUntouched(): void {
      const locked = flockedInodes();
      for (const e of before) expect(locked.has(lstatSync(e.path).ino), `${e.path} still held by evil`).toBe(true);
      expect(before.flatMap((e) => listing(e.path))).toEqual(before);
    }

    it('runTrace() as root over SSH still runs: the locks are in /run/workerman-ops, not /tmp', async () => {
      const t = new SshTransport('web-1', host(ROOT_START, { ssh: sshd.sshSettings() }).ssh!);
      transports.push(t);
      const started = performance.now();
      const result = await traceOk(t, ROOT_START, pid('root'));
      expect(result.summary.verdict.state).toBe('idle');
      // Not held up by the taken names (the old helper waited for a free slot, then gave up).
      expect(performance.now() - started).toBeLessThan(15_000);
      const st = lstatSync('/run/workerman-ops');
      expect([st.isDirectory(), st.uid, (st.mode & 0o7777).toString(8)]).toEqual([true, 0, '700']);
      expect(existsSync(join('/run/workerman-ops', 'traces', String(pid('root')))), 'our registry entry removed').toBe(false);
      expectOldNamesUntouched();
    });

    it('runTrace() as a non-root SSH user tracing its own app still runs, locks in ~/.cache/workerman-ops', async () => {
      const result = await traceOk(ssh(tracer.name), USER_START, pid('ssh'));
      expect(result.summary.verdict.state).toBe('idle');
      expectPrivateAndClean(join(tracer.home, '.cache', 'workerman-ops'), tracer.uid);
      expect((lstatSync(join(tracer.home, '.cache')).mode & 0o7777).toString(8), 'a ~/.cache the helper made').toBe('700');
      expectOldNamesUntouched();
    });

    it('runTrace() as a non-root local user with XDG_RUNTIME_DIR still runs, locks in $XDG_RUNTIME_DIR/workerman-ops', async () => {
      const xdg = join(scratch, 'xdg-runtime');
      await mkdir(xdg, { mode: 0o700 });
      await chown(xdg, tracer.uid, tracer.gid);
      const result = await traceOk(tracerIn(await tmpDir('tmp-xdg'), { XDG_RUNTIME_DIR: xdg }), USER_START, pid('xdg'));
      expect(result.summary.verdict.state).toBe('idle');
      expectPrivateAndClean(join(xdg, 'workerman-ops'), tracer.uid);
      expect(readdirSync(join(scratch, 'tmp-xdg')), 'nothing in TMPDIR when XDG_RUNTIME_DIR is usable').toEqual([]);
      expectOldNamesUntouched();
    });

    it('runTrace() as a non-root local user with no usable HOME still runs, locks in ${TMPDIR}/workerman-ops-UID', async () => {
      const tmp = await tmpDir('tmp-fallback');
      const result = await traceOk(tracerIn(tmp), USER_START, pid('tmp'));
      expect(result.summary.verdict.state).toBe('idle');
      expect(readdirSync(tmp)).toEqual([`workerman-ops-${tracer.uid}`]);
      expectPrivateAndClean(lockDirIn(tmp), tracer.uid);
      expectOldNamesUntouched();
    });
  });

  describe('a symlink placed where the lock directory would be', () => {
    /** evil puts `workerman-ops-UID -> target` in a fresh sticky TMPDIR; the trace must refuse and change nothing. */
    async function refusedThroughLink(name: string, target: string, watched: string[]): Promise<BotError> {
      const tmp = await tmpDir(name);
      const link = lockDirIn(tmp);
      asEvil('ln', '-s', target, link);
      expect(lstatSync(link).uid).toBe(evil.uid);
      const before = [tmp, ...watched].map((p) => listing(p));
      const error = await errorOf(runTrace(tracerIn(tmp), host(USER_START), { pids: [pid('refused')], durationS: 1 }));
      expect(error.code).toBe('host_setup_invalid');
      expect(error.message).toContain(link);
      expect(error.message).toMatch(/symlink/);
      expect(error.message).toMatch(/remove whatever is at that path/);
      expect([tmp, ...watched].map((p) => listing(p)), 'TMPDIR and the link target exactly as they were').toEqual(before);
      expect(readlinkSync(link)).toBe(target);
      expectUntraced(pid('refused'));
      return error;
    }

    it('runTrace() refuses a link to a directory of the other user, writing nothing there', async () => {
      const shared = await tmpDir('evil-home');
      const evilDir = join(shared, 'evil-locks');
      asEvil('mkdir', '-m', '0777', evilDir);
      asEvil('sh', '-c', 'echo bait > "$1/registry.lock"; mkdir "$1/traces"', 'sh', evilDir);
      await refusedThroughLink('tmp-link-evil', evilDir, [evilDir]);
      expect(readdirSync(evilDir).sort()).toEqual(['registry.lock', 'traces']);
      expect(readdirSync(join(evilDir, 'traces'))).toEqual([]);
    });

    it('runTrace() refuses a link to a directory of root\'s, and root\'s canary is untouched', async () => {
      const rootDir = join(scratch, 'root-owned');
      await mkdir(rootDir, { mode: 0o755 });
      await writeFile(join(rootDir, 'canary'), 'root canary\n', { mode: 0o644 });
      await refusedThroughLink('tmp-link-root', rootDir, [rootDir]);
      expect(readFileSync(join(rootDir, 'canary'), 'utf8')).toBe('root canary\n');
      expect(readdirSync(rootDir)).toEqual(['canary']);
    });

    it('runTrace() refuses a dangling link, and does not create its target (a directory the user could make)', async () => {
      const target = join(tracer.home, 'made-by-the-helper');
      await refusedThroughLink('tmp-link-dangling', target, [tracer.home]);
      expect(existsSync(target)).toBe(false);
    });
  });

  it('runTrace() refuses a directory of another user at the lock path (mode 0777) and writes nothing into it', async () => {
    const tmp = await tmpDir('tmp-foreign');
    const dir = lockDirIn(tmp);
    asEvil('mkdir', dir);
    asEvil('chmod', '0777', dir);
    const before = listing(tmp);
    const error = await errorOf(runTrace(tracerIn(tmp), host(USER_START), { pids: [pid('refused')], durationS: 1 }));
    expect(error.code).toBe('host_setup_invalid');
    expect(error.message).toContain(dir);
    expect(error.message).toContain(`belongs to uid ${evil.uid}, not the SSH user`);
    expect(error.message).toMatch(/Remove it/);
    expect(listing(tmp)).toEqual(before);
    expect(readdirSync(dir)).toEqual([]);
  });

  describe('directories the other user can swap or fill (found while writing these tests)', () => {
    it('runTrace() refuses a TMPDIR others can write that is not sticky: evil could move another directory of the user into place', async () => {
      // The user's own build directory in a shared, non-sticky scratch area; evil renames it to the
      // lock directory's name. It passes every check on the directory itself (the user's, a real
      // directory), so only the parent can tell: the old helper chmod-ed it 0700, pruned its `run.*`
      // and deleted every file in its `traces/` that was not a registry entry.
      const tmp = await tmpDir('tmp-open', 0o777);
      const project = join(tmp, 'project');
      asTracer('mkdir', '-m', '0755', project, join(project, 'traces'), join(project, 'run.build'));
      asTracer('sh', '-c', 'echo "my notes" > "$1/traces/notes.txt"; echo keep > "$1/run.build/out"; touch -d "2 hours ago" "$1/run.build"', 'sh', project);
      const dir = lockDirIn(tmp);
      asEvil('mv', project, dir);
      const before = listing(tmp);
      const error = await errorOf(runTrace(tracerIn(tmp), host(USER_START), { pids: [pid('refused')], durationS: 1 }));
      expect(error.code).toBe('host_setup_invalid');
      expect(error.message).toContain(tmp);
      expect(error.message).toMatch(/not sticky/);
      expect(listing(tmp), 'the moved directory and its files exactly as they were').toEqual(before);
      expect(readFileSync(join(dir, 'traces', 'notes.txt'), 'utf8')).toBe('my notes\n');
    });

    it('runTrace() refuses a lock directory of the user that others can write, rather than trust what is in it', async () => {
      // The right owner but mode 0777 (made by hand with umask 0): evil has put a `traces` link to
      // another directory of the user's in it. The old helper chmod-ed it 0700 and went on, and its
      // registry sweep deleted the files at the end of that link.
      const tmp = await tmpDir('tmp-loose');
      const dir = lockDirIn(tmp);
      const papers = join(tracer.home, 'papers');
      asTracer('mkdir', '-m', '0755', dir, papers);
      asTracer('chmod', '0777', dir);
      asTracer('sh', '-c', 'echo draft > "$1/thesis.txt"', 'sh', papers);
      asEvil('ln', '-s', papers, join(dir, 'traces'));
      const before = [listing(tmp), listing(papers)];
      const error = await errorOf(runTrace(tracerIn(tmp), host(USER_START), { pids: [pid('refused')], durationS: 1 }));
      expect(error.code).toBe('host_setup_invalid');
      expect(error.message).toContain(dir);
      expect(error.message).toMatch(/writable by others \(mode 777\)/);
      expect([listing(tmp), listing(papers)]).toEqual(before);
      expect(readFileSync(join(papers, 'thesis.txt'), 'utf8')).toBe('draft\n');
    });
  });

  it('the registry survives a helper killed mid-trace: refused as traced (by strace) while the orphan runs, then free', async () => {
    const tmp = await tmpDir('tmp-kill');
    const dir = lockDirIn(tmp);
    const target = pid('kill');
    const t = tracerIn(tmp);
    const entry = join(dir, 'traces', String(target));
    let helperPid = 0;
    const durationS = 4;
    const running = runTrace(t, host(USER_START), { pids: [target], durationS }, {
      onProgress: () => {
        if (helperPid !== 0) return;
        // The registry names the helper that owns the entry: `PID START_TIME`. SIGKILL it: no trap runs.
        helperPid = Number(readFileSync(entry, 'utf8').split(' ')[0]);
        process.kill(helperPid, 'SIGKILL');
      },
    });
    running.catch(() => undefined);
    for (let i = 0; i < 200 && (helperPid === 0 || isRunning(helperPid)); i += 1) await sleep(25);
    expect(helperPid, 'the trace started and its helper was killed').toBeGreaterThan(0);

    // Phase 1: the helper is dead, its entry stale, but the strace it started runs on under `timeout`.
    expect(readFileSync(entry, 'utf8').startsWith(`${helperPid} `), 'stale registry entry of the killed helper').toBe(true);
    const orphan = tracerOf(target) ?? 0;
    expect(orphan, 'the orphaned strace still traces the target').toBeGreaterThan(0);
    expect(readFileSync(`/proc/${orphan}/comm`, 'utf8').trim()).toBe('strace');
    const busy = await errorOf(runTrace(t, host(USER_START), { pids: [target], durationS: 1 }));
    expect(busy.code).toBe('already_traced');
    expect(busy.message).toBe(`pid ${target} on web-1 is already being traced by pid ${orphan} (strace): wait for that trace to end or stop it.`);

    // Phase 2: the time box ends the orphan (SIGINT from timeout: a clean detach).
    await errorOf(running);
    expect(await untracedWithin(target, (durationS + 10) * 1000), 'the orphaned strace detached by its time box').toBe(true);
    expect(existsSync(entry), 'the stale entry is still there: only the next trace can clear it').toBe(true);

    // Phase 3: the next trace is not refused as "locked": the dead owner's entry is dropped.
    const result = await traceOk(t, USER_START, target);
    // (a sleeper traced before is found inside restart_syscall: "waiting")
    expect(['sleeping', 'waiting']).toContain(result.summary.verdict.state);
    // Nothing left behind, not even the killed helper's work directory (it holds raw trace output).
    expectPrivateAndClean(dir, tracer.uid);
  });

  it('runTrace() twice at once on the same pid through the same lock directory: exactly one runs', async () => {
    const tmp = await tmpDir('tmp-race');
    const target = pid('race');
    const outcomes = await Promise.allSettled([
      runTrace(tracerIn(tmp), host(USER_START), { pids: [target], durationS: 1.5 }),
      runTrace(tracerIn(tmp), host(USER_START), { pids: [target], durationS: 1.5 }),
    ]);
    const ok = outcomes.filter((o) => o.status === 'fulfilled');
    const failed = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    for (const o of ok) results.push(o.value);
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    const error = failed[0]!.reason as BotError;
    // Either the registry (the other helper registered first) or the kernel (its strace attached first).
    expect(['already_traced', 'trace_busy']).toContain(error.code);
    expect(error.message).toMatch(new RegExp(`^(Another trace of pid ${target} on web-1 is running: wait for it to finish\\.|pid ${target} on web-1 is already being traced by pid \\d+ \\(strace\\): wait for that trace to end or stop it\\.)$`));
    expectUntraced(target);
    expectPrivateAndClean(lockDirIn(tmp), tracer.uid);
  });
});
