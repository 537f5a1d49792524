import { execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, realpathSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { helperArgv, helperConfPath, HELPER_MARKER, HELPER_PROTOCOL, hostSetupError, loadHelper, parseHelperError } from '../../../src/host/helper.js';
import { buildTraceArgs, formatSecondsArg, type TraceArgs } from '../../../src/strace/trace-args.js';

// The host helper (host/workerman-ops-helper.sh) run with sh on this machine: argument checks and the
// refusals of its preflight, which stop before any strace starts. Real traces: test/integration/trace.

const execFileAsync = promisify(execFile);

const args: TraceArgs = {
  nonce: '0123456789abcdef',
  durationS: 1.5,
  stringLimit: 32,
  maxOutputBytes: 1 << 20,
  maxConcurrent: 2,
  syscallLimit: 16_384,
  stracePath: 'strace',
  startFile: '/srv/wm/apps/v5.2.2/start.php',
  pids: [4242],
};

const host = HostConfig.parse({ name: 'web-1', workerman: { startFile: '/srv/wm/apps/v5.2.2/start.php' } });

/** True when `tool` is on PATH (looked up through sh, as the helper itself does). */
function hasTool(tool: string): boolean {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', tool], { stdio: 'ignore' }).status === 0;
}

/** Runs the helper with sh as this user, with its locks in `lockDir`. */
async function runHelper(helperArgs: string[], lockDir: string, env: Record<string, string> = {}): Promise<{ code: number; lines: string[] }> {
  const [file, ...rest] = helperArgv(host, 'trace', helperArgs.slice(1), { sudo: false });
  const argv = [...rest.slice(0, 3), helperArgs[0]!, ...rest.slice(4)];
  const result = await execFileAsync(file!, argv, { timeout: 15_000, env: { ...process.env, WORKERMAN_OPS_LOCK_DIR: lockDir, ...env } }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '' }),
  );
  return { code: result.code, lines: result.stdout.split('\n').filter((l) => l !== '') };
}

function errorLine(lines: string[]): string | undefined {
  return lines.find((l) => l.startsWith(`${HELPER_MARKER}error `));
}

describe('the helper script', () => {
  it('is valid POSIX sh for dash and bash', async () => {
    const { file } = loadHelper();
    for (const shell of ['sh', 'dash', 'bash']) {
      if (!hasTool(shell)) continue;
      await expect(execFileAsync(shell, ['-n', file])).resolves.toBeDefined();
    }
  });

  it.skipIf(process.env.CI !== 'true' && !hasTool('shellcheck'))('passes shellcheck (apt-get install shellcheck)', async () => {
    const { file } = loadHelper();
    const result = await execFileAsync('shellcheck', ['-s', 'sh', file]).then(
      () => '',
      (e: { stdout?: string }) => e.stdout ?? 'shellcheck failed',
    );
    expect(result).toBe('');
  });

  it('says the protocol version this code speaks', () => {
    expect(loadHelper().text).toContain(`PROTOCOL=${HELPER_PROTOCOL}\n`);
    expect(loadHelper().sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('helperArgv()', () => {
  it('sends the helper text to sh as the SSH user, every value one argument', () => {
    const argv = helperArgv(host, 'trace', buildTraceArgs(args), { sudo: false });
    expect(argv.slice(0, 5)).toEqual(['sh', '-c', loadHelper().text, 'workerman-ops-helper', 'trace']);
    expect(argv.slice(5)).toEqual(['0123456789abcdef', '1.5', '0.75', '32', '1048576', '2', '16384', 'strace', '/srv/wm/apps/v5.2.2/start.php', '4242']);
  });

  it('runs the installed helper through sudo -n when the host uses sudo', () => {
    const sudoHost = HostConfig.parse({ name: 'web-1', workerman: { startFile: '/srv/a/start.php' }, strace: { sudo: true } });
    expect(helperArgv(sudoHost, 'trace', ['x'])).toEqual(['sudo', '-n', '/usr/local/sbin/workerman-ops-helper', 'trace', 'x']);
    expect(helperArgv(sudoHost, 'procs', [])).toEqual(['sudo', '-n', '/usr/local/sbin/workerman-ops-helper', 'procs']);
    // status goes through sudo only with workerman.runAs
    expect(helperArgv(sudoHost, 'status', ['30', '/srv/a/start.php'])[0]).toBe('sh');
  });

  it('refuses an argument with a newline or NUL', () => {
    expect(() => helperArgv(host, 'procs', ['a\nb'])).toThrow(/NUL or a newline/);
  });

  it('helperConfPath() puts helper.conf beside the install', () => {
    expect(helperConfPath('/usr/local/sbin/workerman-ops-helper')).toBe('/usr/local/etc/workerman-ops/helper.conf');
    expect(helperConfPath('/usr/sbin/workerman-ops-helper')).toBe('/etc/workerman-ops/helper.conf');
    expect(helperConfPath('/opt/wmops/sbin/workerman-ops-helper')).toBe('/opt/wmops/etc/workerman-ops/helper.conf');
  });

  it('parseHelperError() reads code, pid, reason and args', () => {
    expect(parseHelperError('@@wmops:error pid_not_found 42 gone ')).toEqual({ code: 'pid_not_found', pid: 42, reason: 'gone', args: [''] });
    expect(parseHelperError('@@wmops:error trace_busy - slots 2')).toEqual({ code: 'trace_busy', pid: null, reason: 'slots', args: ['2'] });
    expect(parseHelperError('@@wmops:info x')).toBeNull();
  });
});

describe('buildTraceArgs()', () => {
  it('refuses values the helper would misread', () => {
    expect(() => buildTraceArgs({ ...args, pids: [0] })).toThrow(RangeError);
    expect(() => buildTraceArgs({ ...args, pids: [4_194_305] })).toThrow(RangeError);
    expect(() => buildTraceArgs({ ...args, pids: [] })).toThrow(RangeError);
    expect(() => buildTraceArgs({ ...args, pids: Array.from({ length: 65 }, (_, i) => i + 1) })).toThrow(RangeError);
    expect(() => buildTraceArgs({ ...args, nonce: 'NOT-HEX' })).toThrow(RangeError);
    expect(() => buildTraceArgs({ ...args, stracePath: 'strace; id' })).toThrow(RangeError);
    expect(() => buildTraceArgs({ ...args, durationS: 0 })).toThrow(RangeError);
    expect(() => buildTraceArgs({ ...args, startFile: '/srv/a b/start.php' })).toThrow(/absolute path/);
    expect(() => buildTraceArgs({ ...args, startFile: '~/app/start.php' })).toThrow(/absolute path/);
  });

  it('formatSecondsArg() prints what timeout and sleep accept: no exponent, at most 3 decimals', () => {
    expect(formatSecondsArg(30)).toBe('30');
    expect(formatSecondsArg(1.5)).toBe('1.5');
    expect(formatSecondsArg(0.25)).toBe('0.25');
    expect(formatSecondsArg(1 / 3)).toBe('0.333');
    expect(formatSecondsArg(1e-7)).toBe('0.001');
  });
});

describe('helper trace (run with sh, refusals only)', () => {
  let dir: string;
  let lockDir: string;
  let other: ReturnType<typeof spawn>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wmops-helper-'));
    lockDir = join(dir, 'locks');
    // A command line with a secret in it, as a real process might have (mysqldump -pS3cretPw …).
    other = spawn('sh', ['-c', 'sleep 30; :', 'password=S3cretPw'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(async () => {
    other.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  const trace = (over: Partial<TraceArgs> = {}): string[] => ['trace', ...buildTraceArgs({ ...args, ...over })];

  it('says strace_missing when the configured strace does not exist', async () => {
    const { code, lines } = await runHelper(trace({ stracePath: '/nonexistent/strace' }), lockDir);
    expect(code).toBe(3);
    expect(lines[0]).toBe(`${HELPER_MARKER}hello ${HELPER_PROTOCOL} ${args.nonce}`);
    expect(errorLine(lines)).toBe(`${HELPER_MARKER}error strace_missing - strace_missing /nonexistent/strace`);
  });

  it('detects --syscall-limit support from strace -V (6.3+) and refuses a missing pid', async () => {
    const fake = join(dir, 'strace');
    await writeFile(fake, '#!/bin/sh\necho "strace -- version 6.5"\n');
    await chmod(fake, 0o755);
    const { lines } = await runHelper(trace({ stracePath: fake, pids: [4_194_000] }), lockDir);
    expect(lines).toContain(`${HELPER_MARKER}info strace_version strace -- version 6.5`);
    expect(lines).toContain(`${HELPER_MARKER}info syscall_limit 1`);
    expect(errorLine(lines)).toBe(`${HELPER_MARKER}error pid_not_found 4194000 gone `);
  });

  it('refuses a process that is not Workerman without sending its command line anywhere', async () => {
    const { lines } = await runHelper(trace({ pids: [other.pid!] }), lockDir);
    expect(errorLine(lines)).toBe(`${HELPER_MARKER}error pid_not_workerman ${other.pid} title `);
    expect(lines.join('\n')).not.toContain('S3cretPw');
  });

  it('re-checks its arguments: a pid that is not a number never reaches a command', async () => {
    const marker = join(dir, 'pwned');
    const argv = trace();
    argv[argv.length - 1] = `1;touch ${marker}`;
    const { code, lines } = await runHelper(argv, lockDir);
    expect(code).toBe(3);
    expect(errorLine(lines)).toMatch(/^@@wmops:error input_invalid 1;touch .* bad_pid/);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses a start file with shell syntax, and runs nothing of it', async () => {
    const marker = join(dir, 'pwned2');
    const argv = trace();
    argv[9] = `/srv/$(touch ${marker})/start.php`;
    const { lines } = await runHelper(argv, lockDir);
    expect(errorLine(lines)).toBe(`${HELPER_MARKER}error input_invalid - bad_start_file `);
    expect(existsSync(marker)).toBe(false);
  });

  it('refuses out-of-range numbers: duration, string limit, slots, too many pids', async () => {
    const cases: [number, string, RegExp][] = [
      [2, '301', /bad_duration/],
      [2, '1e3', /bad_duration/],
      [4, '99999', /bad_string_limit/],
      [6, '0', /bad_slots/],
      [6, '17', /bad_slots/],
    ];
    for (const [index, value, expected] of cases) {
      const argv = trace();
      argv[index] = value;
      expect(errorLine((await runHelper(argv, lockDir)).lines), `${index}=${value}`).toMatch(expected);
    }
    const many = [...trace().slice(0, 10), ...Array.from({ length: 65 }, (_, i) => String(i + 1))];
    expect(errorLine((await runHelper(many, lockDir)).lines)).toMatch(/too_many_pids 65/);
  });

  it('refuses an unknown command', async () => {
    const { code, lines } = await runHelper(['rm', '-rf', '/'], lockDir);
    expect(code).toBe(3);
    expect(errorLine(lines)).toBe(`${HELPER_MARKER}error input_invalid - bad_command `);
  });
});

describe('helper lock directory (`check`, run with sh as this user)', () => {
  // What `check` says about the private lock directory, for each way it can be unsafe. The same checks
  // guard every trace; test/integration/host/helper-locks.test.ts has a second user attempt them.
  let dir: string;

  beforeAll(async () => {
    dir = realpathSync(await mkdtemp(join(tmpdir(), 'wmops-lockdir-')));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function lockDirLine(lockDir: string): Promise<string | undefined> {
    return (await runHelper(['check'], lockDir)).lines.find((l) => l.startsWith(`${HELPER_MARKER}check lock_dir `));
  }

  async function subdir(name: string, mode: number): Promise<string> {
    const path = join(dir, name);
    await mkdir(path);
    await chmod(path, mode);
    return path;
  }

  it('makes the directory mode 0700 inside a sticky world-writable one (like /tmp)', async () => {
    const lockDir = join(await subdir('sticky', 0o1777), 'locks');
    expect(await lockDirLine(lockDir)).toBe(`${HELPER_MARKER}check lock_dir ok ${lockDir}`);
    expect((statSync(lockDir).mode & 0o7777).toString(8)).toBe('700');
  });

  it('refuses a parent others can write that is not sticky, and creates nothing there', async () => {
    const parent = await subdir('open', 0o777);
    const lockDir = join(parent, 'locks');
    expect(await lockDirLine(lockDir)).toBe(`${HELPER_MARKER}check lock_dir fail parent_writable ${lockDir} ${parent}`);
    expect(existsSync(lockDir)).toBe(false);
  });

  it('refuses a lock directory of its own that others can write, leaving it as it is', async () => {
    const lockDir = await subdir('loose', 0o777);
    expect(await lockDirLine(lockDir)).toBe(`${HELPER_MARKER}check lock_dir fail writable_777 ${lockDir} `);
    expect((statSync(lockDir).mode & 0o7777).toString(8)).toBe('777');
  });

  it('refuses a lock directory of its own that others can read (0755), and never changes its mode', async () => {
    const lockDir = await subdir('readable', 0o755);
    expect(await lockDirLine(lockDir)).toBe(`${HELPER_MARKER}check lock_dir fail mode_755 ${lockDir} `);
    expect((statSync(lockDir).mode & 0o7777).toString(8)).toBe('755');
  });

  it('refuses a symlink at the lock path', async () => {
    const lockDir = join(dir, 'link');
    await symlink(await subdir('link-target', 0o700), lockDir);
    expect(await lockDirLine(lockDir)).toBe(`${HELPER_MARKER}check lock_dir fail symlink ${lockDir} `);
  });

  it('resolves a symlink above the lock directory once, and checks and uses the real path', async () => {
    const real = await subdir('real-parent', 0o755);
    await symlink(real, join(dir, 'parent-link'));
    expect(await lockDirLine(join(dir, 'parent-link', 'locks'))).toBe(`${HELPER_MARKER}check lock_dir ok ${join(real, 'locks')}`);
  });

  it('says which parent is missing', async () => {
    const lockDir = join(dir, 'missing', 'locks');
    expect(await lockDirLine(lockDir)).toBe(`${HELPER_MARKER}check lock_dir fail parent_missing ${lockDir} ${join(dir, 'missing')}/`);
  });

  it('hostSetupError() names the path and what to do for each lock directory refusal', () => {
    const message = (line: string): string => hostSetupError(host, parseHelperError(line)!).message;
    expect(message('@@wmops:error host_setup - lock_dir_parent_writable /srv/tmp/workerman-ops-1001 /srv/tmp')).toBe(
      "The helper's private lock directory /srv/tmp/workerman-ops-1001 on web-1 is not safe: /srv/tmp above it can be written by others and is not sticky, so another user could move a directory into its place. Point TMPDIR (or XDG_RUNTIME_DIR) of the SSH user at a directory only it can write to, or make /srv/tmp sticky (chmod +t).",
    );
    expect(message('@@wmops:error host_setup - lock_dir_parent_owner_1002 /srv/tmp/workerman-ops-1001 /srv/tmp')).toBe(
      "The helper's private lock directory /srv/tmp/workerman-ops-1001 on web-1 is not safe: /srv/tmp above it belongs to uid 1002, who could move another directory into its place. Point TMPDIR (or XDG_RUNTIME_DIR) of the SSH user at a directory of its own.",
    );
    expect(message('@@wmops:error host_setup - lock_dir_writable_777 /tmp/workerman-ops-1001 ')).toBe(
      "The helper's private lock directory /tmp/workerman-ops-1001 on web-1 is writable by others (mode 777), so what is in it may not be the SSH user's: remove it (rm -rf /tmp/workerman-ops-1001); the helper recreates it mode 0700.",
    );
    expect(message('@@wmops:error host_setup - lock_dir_parent_missing /srv/nope/workerman-ops-1001 /srv/nope/')).toBe(
      "The helper's private lock directory /srv/nope/workerman-ops-1001 on web-1 cannot be made: /srv/nope/ does not exist. Create it, or point TMPDIR (or XDG_RUNTIME_DIR) of the SSH user at a directory that does.",
    );
    expect(message('@@wmops:error host_setup - lock_dir_symlink /tmp/workerman-ops-1001 ')).toBe(
      "The helper's private lock directory /tmp/workerman-ops-1001 on web-1 is unusable (symlink): remove whatever is at that path; the helper creates it mode 0700.",
    );
    expect(message('@@wmops:error host_setup - lock_dir_owner_1002 /tmp/workerman-ops-1001 ')).toMatch(/belongs to uid 1002, not the SSH user: someone else created it\. Remove it/);
  });
});
