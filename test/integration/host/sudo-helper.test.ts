import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { helperConfPath, KILL_AFTER_S, loadHelper } from '../../../src/host/helper.js';
import { renderHelperConf, sudoersLine } from '../../../src/host/setup-host.js';
import { runTrace } from '../../../src/strace/run-trace.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import { runSample } from '../../../src/watch/run-sample.js';
import { activityOf } from '../../../src/watch/window-series.js';
import { runStatus } from '../../../src/workerman/run-status.js';
import { errorOf } from '../../helpers/bot-error.js';
import { FAKE_PHP, REPO_ROOT, STATUS_FIXTURES } from '../../helpers/paths.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createSystemUser, installSudoers, sudoUnavailableReason, type SystemUser } from '../../helpers/system-users.js';

// The privileged path for real: a non-root SSH user, a Workerman-like app run by another user, the
// helper installed root-owned with the exact sudoers line `setup-host` prints (and the README shows),
// and traces over the real loopback sshd through `sudo -n`. Once with Debian's sudo defaults and once
// with `Defaults !use_pty`, where the old `timeout … sudo -n strace` launch left strace attached.

const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const skipReason = sudoUnavailableReason ?? sshdUnavailableReason;
if (skipReason !== null) console.warn(`sudo helper tests skipped: ${skipReason}`);

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

/** Polls until nobody traces `pid`; the ms it took from `since`, or Infinity. */
async function untracedWithin(pid: number, limitMs: number, since: number): Promise<number> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if ((tracerOf(pid) ?? 0) === 0) return performance.now() - since;
    await sleep(50);
  }
  return Number.POSITIVE_INFINITY;
}

/** Pids of strace processes attached to `pid` (by their command line). */
function straceOf(pid: number): number[] {
  try {
    return execFileSync('pgrep', ['-f', `strace .*-p ${pid}( |$)`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

describe.skipIf(skipReason !== null)('the helper through sudo, as a non-root SSH user (real sudo, real sshd)', () => {
  let sshd: SshdHandle;
  let sshUser: SystemUser;
  let appUser: SystemUser;
  let prefix: string;
  let appDir: string;
  let app: ChildProcess;
  const workers = new Map<string, number>();
  let host: HostConfig;
  let recordFile: string;
  let removeRule: (() => Promise<void>) | undefined;
  const transports: SshTransport[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    sshUser = await createSystemUser('wmssh');
    appUser = await createSystemUser('wmapp');
    await sshUser.authorize(`${sshd.clientKeyFile}.pub`);

    // The app: its start file (fake-php's JSON) in a directory of the app's user.
    appDir = await mkdtemp('/tmp/wmops-app-');
    await chmod(appDir, 0o755);
    const startFile = join(appDir, 'start.php');
    await writeFile(startFile, JSON.stringify({ status: [join(STATUS_FIXTURES, 'wm5.2.2-idle')] }));
    await chown(appDir, appUser.uid, appUser.gid);
    await chown(startFile, appUser.uid, appUser.gid);
    // The app's directory is closed to the SSH user, as it often is: only the helper (root) enters it.
    await chmod(appDir, 0o750);
    recordFile = join(appDir, 'signals.log');

    // The helper, installed root-owned the way setup-host prints it, with its helper.conf beside it.
    prefix = await mkdtemp('/tmp/wmops-sudo-');
    await chmod(prefix, 0o755);
    const helperPath = join(prefix, 'sbin', 'workerman-ops-helper');
    await mkdir(join(prefix, 'sbin'), { mode: 0o755 });
    await copyFile(loadHelper().file, helperPath);
    await chmod(helperPath, 0o755);
    // php: fake-php through this node (wherever CI installed it), as a root-owned wrapper.
    const php = join(prefix, 'sbin', 'php');
    await writeFile(php, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_PHP}' "$@"\n`, { mode: 0o755 });
    host = HostConfig.parse({
      name: 'web-1',
      ssh: sshd.sshSettings({ username: sshUser.name }),
      helperPath,
      workerman: { startFile, php, runAs: appUser.name },
      strace: { sudo: true, path: '/usr/bin/strace', defaultDurationS: 2, maxDurationS: 10 },
    });
    const conf = helperConfPath(helperPath);
    await mkdir(join(prefix, 'etc', 'workerman-ops'), { recursive: true, mode: 0o755 });
    await writeFile(conf, renderHelperConf(host), { mode: 0o644 });

    // The app's processes, as the app's user: a worker sleeping in a handler that records signals.
    app = spawn('/usr/sbin/runuser', ['-u', appUser.name, '--', FAKE_WORKERMAN, startFile, '300', `sleeper1:sleep-record:${recordFile}`, `sleeper2:sleep-record:${recordFile}`, 'epoll:idle'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      app.once('error', reject);
      app.stdout!.on('data', (d: Buffer) => {
        buffer += d.toString();
        for (const line of buffer.split('\n')) {
          const [kind, pid, name] = line.split(' ');
          if (kind === 'worker' && name !== undefined) workers.set(name, Number(pid));
          if (kind === 'ready') resolve();
        }
      });
    });
    await sleep(300);
  });

  afterAll(async () => {
    for (const t of transports) await t.close();
    app?.kill('SIGKILL');
    for (const pid of workers.values()) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone
      }
    }
    await removeRule?.();
    sshUser?.remove();
    appUser?.remove();
    if (prefix !== undefined) await rm(prefix, { recursive: true, force: true });
    if (appDir !== undefined) await rm(appDir, { recursive: true, force: true });
    await sshd?.stop();
  });

  function transport(): SshTransport {
    const t = new SshTransport(host.name, host.ssh!);
    transports.push(t);
    return t;
  }

  const pid = (name: string): number => workers.get(name)!;

  it('the helper and its helper.conf are root-owned, as installed', () => {
    for (const path of [host.helperPath, helperConfPath(host.helperPath)]) {
      const st = statSync(path);
      expect(st.uid, path).toBe(0);
      expect(st.mode & 0o022, `${path} writable by group or others`).toBe(0);
    }
  });

  for (const [variant, sleeper] of [['Debian defaults', 'sleeper1'], ['Defaults !use_pty', 'sleeper2']] as const) {
    describe(`with ${variant}`, () => {
      beforeAll(async () => {
        await removeRule?.();
        const line = sudoersLine(sshUser.name, host.helperPath);
        removeRule = await installSudoers(`${variant === 'Defaults !use_pty' ? 'Defaults !use_pty\n' : ''}${line}\n`);
      });

      it('traces a worker of another user through sudo: sleeping, untraced after, and no signal reached it', async () => {
        const t = transport();
        // A worker not traced before (a re-trace finds it inside restart_syscall: "waiting").
        const target = pid(sleeper);
        const result = await runTrace(t, host, { pids: [target], durationS: 2 });
        try {
          expect(result.summary.verdict.state).toBe('sleeping');
          expect(result.strace.command).toEqual(expect.arrayContaining(['timeout', '-s', 'INT', '/usr/bin/strace', '-p', String(target)]));
          expect(tracerOf(target)).toBe(0);
          expect(straceOf(target)).toEqual([]);
          expect(await readFile(recordFile, 'utf8'), 'signals the sleeping worker received').toBe('');
        } finally {
          if (result.rawLog !== null) await rm(join(result.rawLog.path, '..'), { recursive: true, force: true });
        }
      });

      it('the time box holds when the SSH connection drops mid-trace: strace is gone at once, well inside duration + kill grace', async () => {
        const t = transport();
        const target = pid('epoll');
        const durationS = 4;
        let droppedAt = 0;
        const running = runTrace(t, host, { pids: [target], durationS }, {
          onProgress: () => {
            if (droppedAt !== 0) return;
            droppedAt = performance.now();
            void t.close();
          },
        });
        await errorOf(running);
        expect(droppedAt).toBeGreaterThan(0);
        const tookMs = await untracedWithin(target, 15_000, droppedAt);
        expect(tookMs).toBeLessThan((durationS + KILL_AFTER_S) * 1000);
        expect(straceOf(target)).toEqual([]);
      });

      it('the time box holds even when the helper itself is killed: root timeout ends the root strace', async () => {
        const t = transport();
        const target = pid('epoll');
        const durationS = 3;
        let startedAt = 0;
        const running = runTrace(t, host, { pids: [target], durationS }, {
          onProgress: () => {
            if (startedAt !== 0) return;
            startedAt = performance.now();
            // SIGKILL the helper's shell (no trap can run): only its `timeout`, root like strace, is left.
            try {
              execFileSync('pkill', ['-KILL', '-f', `workerman-ops-helper trace .* ${target}$`]);
            } catch {
              // it may have no match if the helper is already past the trace
            }
          },
        });
        await errorOf(running);
        expect(startedAt).toBeGreaterThan(0);
        const tookMs = await untracedWithin(target, 20_000, startedAt);
        expect(tookMs, 'strace detached by the time box').toBeLessThan((durationS + KILL_AFTER_S + 1) * 1000);
        expect(straceOf(target)).toEqual([]);
        expect(['S', 'R']).toContain(/^State:\s*(\S)/m.exec(readFileSync(`/proc/${target}/status`, 'utf8'))?.[1]);
      });

      it('status runs through the helper as the app user named in helper.conf', async () => {
        const run = await runStatus(transport(), host);
        expect(run.status.workerman.version).toBe('5.2.2');
        // fake-php counts its runs in a file beside the start file: written by the app's user.
        expect(statSync(`${host.workerman.startFile}.status.count`).uid).toBe(appUser.uid);
      });

      it('the sudo rule is not a root shell: strace, php, sh and a hostile helper call all fail', async () => {
        const t = transport();
        const run = (argv: string[]) => t.run(argv, { timeoutMs: 10_000 });
        const canary = `/etc/wmops-canary-${process.pid}`;
        for (const argv of [
          ['sudo', '-n', '/usr/bin/strace', '-o', canary, 'true'],
          ['sudo', '-n', '/usr/bin/strace', '/bin/sh', '-c', 'id'],
          ['sudo', '-n', 'php', '-r', 'echo 1;'],
          ['sudo', '-n', '/bin/sh', '-c', 'id'],
          ['sudo', '-n', '-u', appUser.name, host.workerman.php, '-r', 'echo 1;'],
        ]) {
          const result = await run(argv);
          expect(result.exitCode, argv.join(' ')).not.toBe(0);
          expect(result.stderr, argv.join(' ')).toMatch(/password is required|not allowed|may not run/);
        }
        expect(existsSync(canary)).toBe(false);
        // The helper under sudo takes nothing but numbers from its caller.
        const other = await run(['sudo', '-n', host.helperPath, 'status', '10', '/etc/passwd']);
        expect(other.stdout).toMatch(/^@@wmops:error host_setup - conf_other_start_file/m);
        const traceArgs = ['0123456789abcdef', '1', '0.5', '32', '100000', '2', '10000', '/bin/sh', '/tmp/evil/start.php', String(pid('epoll'))];
        const evil = await run(['sudo', '-n', host.helperPath, 'trace', ...traceArgs]);
        expect(evil.stdout).toMatch(/^@@wmops:error host_setup - conf_other_start_file/m);
        // With the configured app, the strace it runs is helper.conf's, not the /bin/sh it was handed.
        traceArgs[8] = host.workerman.startFile!;
        const honest = await run(['sudo', '-n', host.helperPath, 'trace', ...traceArgs]);
        expect(honest.stdout).toContain('@@wmops:argv /usr/bin/strace');
        expect(honest.stdout).not.toContain('@@wmops:argv /bin/sh');
        expect(tracerOf(pid('epoll'))).toBe(0);
      });

      it("the watch sample reads the app user's processes through sudo (fds, wchan, syscall) and signals none", async () => {
        const before = readFileSync(recordFile, 'utf8');
        const t = transport();
        for (let i = 0; i < 5; i++) await runSample(t, host, { timeoutMs: 10_000 });
        const sample = await runSample(t, host, { timeoutMs: 10_000 });
        const sleeping = sample.processes.find((p) => p.pid === pid(sleeper))!;
        expect(sleeping).toMatchObject({ role: 'worker', isOrphan: false });
        // In its sleep, or, once a trace above has come and gone, resuming it (restart_syscall).
        expect(['clock_nanosleep', 'restart_syscall']).toContain(sleeping.syscall);
        expect(activityOf(sleeping).activity).toBe('blocked');
        expect(sleeping.fds).toBeGreaterThan(2);
        await sleep(100);
        expect(readFileSync(recordFile, 'utf8')).toBe(before);
        // Without sudo the SSH user sees the processes but not their fds or syscall (another user's).
        const plain = HostConfig.parse({ ...host, workerman: { startFile: host.workerman.startFile }, strace: { sudo: false } });
        const bare = (await runSample(t, plain, { timeoutMs: 10_000 })).processes.find((p) => p.pid === pid(sleeper))!;
        expect(bare).toMatchObject({ fds: null, syscall: null });
      });
    });
  }
});
