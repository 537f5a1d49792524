import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import type { DoctorCheck, DoctorHostReport } from '../../../src/host/doctor-types.js';
import { helperConfPath, loadHelper } from '../../../src/host/helper.js';
import { runDoctor } from '../../../src/host/run-doctor.js';
import { renderHelperConf, sudoersLine } from '../../../src/host/setup-host.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import type { Transport } from '../../../src/transport/types.js';
import { FAKE_PHP, REPO_ROOT, STATUS_FIXTURES } from '../../helpers/paths.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createSystemUser, installSudoers, sudoUnavailableReason, systemUsersUnavailableReason, type SystemUser } from '../../helpers/system-users.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

// `doctor` for real: each check made to fail on purpose over the real loopback sshd (or, for Yama, a
// file the test controls through the local transport's environment), each failure with its fix; then an
// all-green run through the installed helper and its sudo rule, as a non-root SSH user. The exit code
// and the --json shape are checked through the built CLI (npm test compiles it first).

const BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');
const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const sudoSkip = sudoUnavailableReason ?? sshdUnavailableReason;
if (sudoSkip !== null) console.warn(`doctor sudo tests skipped: ${sudoSkip}`);

function check(report: DoctorHostReport, id: string): DoctorCheck {
  const found = report.checks.find((c) => c.id === id);
  expect(found, `check ${id} in ${JSON.stringify(report.checks.map((c) => c.id))}`).toBeDefined();
  return found!;
}

/** Every check that did not pass, for a readable assertion message. */
function problems(report: DoctorHostReport): string {
  return JSON.stringify(report.checks.filter((c) => c.ok !== true), null, 2);
}

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    input: '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeout: 55_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('doctor on this machine: Yama as the helper reads it (WORKERMAN_OPS_YAMA_FILE through the local transport)', () => {
  let app: FakeApp;
  let dir: string;

  beforeAll(async () => {
    app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    dir = await mkdtemp(join(tmpdir(), 'wmops-yama-'));
  });
  afterAll(async () => {
    await app?.cleanup();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const isRoot = process.getuid?.() === 0;
  for (const value of [0, 1, 2, 3]) {
    // Root (CI) with CAP_SYS_PTRACE may attach under 0 to 2; another user only under 0 (its own processes).
    const expected = value === 3 ? false : isRoot || value === 0;
    it(`ptrace_scope ${value}: ${expected ? 'passes' : 'fails with a fix'} for ${isRoot ? 'root' : 'a non-root user'}`, async () => {
      const file = join(dir, `ptrace_scope-${value}`);
      await writeFile(file, `${value}\n`);
      const transport = new LocalTransport({ env: { PATH: process.env.PATH, HOME: process.env.HOME, WORKERMAN_OPS_YAMA_FILE: file } });
      const host = app.host('local');
      const report = await runDoctor(transport, host);
      const yama = check(report, 'yama');
      expect(yama.detail).toMatch(new RegExp(`^${value} \\(`));
      expect(yama.ok).toBe(expected);
      if (expected) {
        expect(yama.fix).toBeNull();
      } else {
        expect(yama.fix).toMatch(value === 3 ? /reboot/ : /strace\.sudo: true/);
        expect(report.ok).toBe(false);
      }
      // The rest of the host is healthy: only Yama decides.
      expect(check(report, 'local').ok).toBe(true);
      expect(check(report, 'php').detail).toContain('PHP 8.2.0');
      expect(check(report, 'status').ok).toBe(true);
      expect(check(report, 'status').detail).toContain('signals every worker');
    });
  }
});

describe('doctor and setup-host through the built CLI (no SSH)', () => {
  let app: FakeApp;
  let config: string;

  beforeAll(async () => {
    app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    config = join(app.dir, 'ops.yml');
    await writeFile(
      config,
      `hosts:\n  - name: app\n    groups: [web]\n    workerman: { php: "${FAKE_PHP}", startFile: "${app.startFile}" }\n` +
        `  - name: broken\n    groups: [web]\n    workerman: { php: "${FAKE_PHP}", startFile: "${app.startFile}" }\n    strace: { path: /nonexistent/strace }\n`,
    );
  });
  afterAll(async () => app?.cleanup());

  it('doctor <group> exits 6 when a host has a failing check, 0 for a healthy host; --json has one entry per host', () => {
    const group = cli(['doctor', 'web', '--config', config, '--json']);
    expect(group.code, group.stderr).toBe(6);
    const json = JSON.parse(group.stdout) as { hosts: DoctorHostReport[] };
    expect(json.hosts.map((h) => [h.host, h.ok])).toEqual([
      ['app', true],
      ['broken', false],
    ]);
    expect(json.hosts[1]!.checks.find((c) => c.id === 'strace')).toMatchObject({ ok: false, fix: expect.stringContaining('apt-get install strace') });
    const one = cli(['doctor', 'app', '--config', config]);
    expect(one.code, one.stdout).toBe(0);
    expect(one.stdout).toMatch(/^app: ok$/m);
    expect(cli(['doctor', 'nosuch', '--config', config]).code).toBe(4);
  });

  it('setup-host --helper-file names the packaged helper; --print-helper prints it; a private key is never printed', async () => {
    const file = cli(['setup-host', '--helper-file']);
    expect(file.code).toBe(0);
    expect(file.stdout.trim()).toBe(loadHelper().file);
    const text = cli(['setup-host', '--print-helper']);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(loadHelper().text);
    const key = join(app.dir, 'id_test');
    await writeFile(key, '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n');
    const refused = cli(['setup-host', 'app', '--config', config, '--public-key', key]);
    expect(refused.code).toBe(2);
    expect(refused.stdout + refused.stderr).not.toContain('b3BlbnNzaC1rZXktdjEAAAAA');
    await writeFile(`${key}.pub`, 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey bot@ops\n');
    const printed = cli(['setup-host', 'app', '--config', config, '--public-key', `${key}.pub`, '--from', '10.0.0.9']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toContain('workerman-ops doctor app');
    expect(cli(['setup-host', 'app', '--config', config, '--from', '"; rm -rf /']).code).toBe(2);
  });
});

describe.skipIf(sshdUnavailableReason !== null)('doctor over the real sshd: each failing check gives its fix', () => {
  let sshd: SshdHandle;
  let app: FakeApp;
  let prefix: string;
  const transports: Transport[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    prefix = await mkdtemp('/tmp/wmops-doctor-');
    await chmod(prefix, 0o755);
  });
  afterAll(async () => {
    for (const t of transports) await t.close();
    await app?.cleanup();
    if (prefix !== undefined) await rm(prefix, { recursive: true, force: true });
    await sshd?.stop();
  });

  function hostWith(extra: Record<string, unknown> = {}, ssh: Record<string, unknown> = {}): HostConfig {
    return HostConfig.parse({ name: 'web-1', ssh: sshd.sshSettings(ssh), workerman: app.host().workerman, ...extra });
  }
  async function doctor(host: HostConfig): Promise<DoctorHostReport> {
    const t = new SshTransport(host.name, host.ssh!);
    transports.push(t);
    return runDoctor(t, host);
  }

  it('SSH: an unreachable port, a wrong pinned host key and a refused login each stop the doctor at their own line', async () => {
    const dead = await doctor(hostWith({}, { port: await closedPort(), connectTimeoutMs: 2_000 }));
    expect(dead.checks.map((c) => [c.id, c.ok])).toEqual([['ssh.reach', false]]);
    expect(dead.checks[0]!.fix).toMatch(/ssh -p \d+ .*@127\.0\.0\.1 true/);

    const wrongKey = await doctor(hostWith({}, { hostKey: `SHA256:${'A'.repeat(43)}` }));
    expect(wrongKey.checks.map((c) => [c.id, c.ok])).toEqual([
      ['ssh.reach', true],
      ['ssh.host_key', false],
    ]);
    expect(wrongKey.checks[1]!.detail).toContain('does not match the pinned key');
    expect(wrongKey.checks[1]!.fix).toContain('ssh-keyscan');

    const refused = await doctor(hostWith({}, { username: 'wmops-nobody-here' }));
    expect(refused.checks.map((c) => [c.id, c.ok])).toEqual([
      ['ssh.reach', true],
      ['ssh.host_key', true],
      ['ssh.login', false],
    ]);
    expect(refused.checks[2]!.fix).toContain('workerman-ops setup-host web-1');
    expect(refused.ok).toBe(false);
  });

  it('strace missing (strace.path at a missing binary): the strace check fails with the install line; the rest passes', async () => {
    const report = await doctor(hostWith({ strace: { path: '/nonexistent/strace' } }));
    expect(report.checks.slice(0, 3).map((c) => c.id)).toEqual(['ssh.reach', 'ssh.host_key', 'ssh.login']);
    const strace = check(report, 'strace');
    expect(strace.ok).toBe(false);
    expect(strace.detail).toContain('/nonexistent/strace');
    expect(strace.fix).toContain('apt-get install strace');
    expect(strace.fix).toContain('strace.path');
    for (const id of ['ssh.login', 'php', 'start_file', 'status', 'tools', 'lock_dir']) expect(check(report, id).ok, id).toBe(true);
    expect(report.ok).toBe(false);
  });

  it('a start file that is not there fails with the config key to fix, and status is not run', async () => {
    const report = await doctor(hostWith({ workerman: { php: FAKE_PHP, startFile: join(app.dir, 'nope', 'start.php') } }));
    const sf = check(report, 'start_file');
    expect(sf.ok).toBe(false);
    expect(sf.fix).toContain('workerman.startFile');
    expect(report.checks.some((c) => c.id === 'status')).toBe(false);
  });

  describe.skipIf(sudoSkip !== null)('through sudo (the SSH user here is this test\'s user: root in CI)', () => {
    it('helper missing (strace.sudo with helperPath not installed): the helper check fails with the install pointer', async () => {
      const report = await doctor(hostWith({ strace: { sudo: true }, helperPath: join(prefix, 'sbin', 'not-installed') }));
      const helper = check(report, 'helper');
      expect(helper.ok).toBe(false);
      expect(helper.detail).toMatch(/not installed/);
      expect(helper.fix).toContain('workerman-ops setup-host web-1');
      // Traces need the helper under sudo: their checks cannot run and are left out.
      expect(report.checks.some((c) => c.id === 'strace')).toBe(false);
    });

    it('a group-writable helper.conf: the helper refuses it, and the doctor says so with the chmod', async () => {
      const badPrefix = join(prefix, 'bad');
      const helperPath = join(badPrefix, 'sbin', 'workerman-ops-helper');
      await mkdir(join(badPrefix, 'sbin'), { recursive: true, mode: 0o755 });
      await copyFile(loadHelper().file, helperPath);
      await chmod(helperPath, 0o755);
      const host = hostWith({ strace: { sudo: true, path: '/usr/bin/strace' }, helperPath });
      const conf = helperConfPath(helperPath);
      await mkdir(join(badPrefix, 'etc', 'workerman-ops'), { recursive: true, mode: 0o755 });
      await writeFile(conf, renderHelperConf(host));
      await chmod(conf, 0o664);
      const report = await doctor(host);
      expect(check(report, 'sudo').ok).toBe(true);
      expect(check(report, 'helper').ok).toBe(true);
      const confCheck = check(report, 'helper.conf');
      expect(confCheck.ok).toBe(false);
      expect(confCheck.detail).toContain('writable by group or others');
      expect(confCheck.fix).toBe(`\`chmod go-w ${conf}\` (as root): helper.conf and every directory above it must be writable by root only`);
    });
  });
});

describe.skipIf(sudoSkip !== null || systemUsersUnavailableReason !== null)('doctor as a non-root SSH user: sudo rule missing, then all green through the installed helper', () => {
  let sshd: SshdHandle;
  let sshUser: SystemUser;
  let appUser: SystemUser;
  let prefix: string;
  let appDir: string;
  let app: ChildProcess | undefined;
  let host: HostConfig;
  let removeRule: (() => Promise<void>) | undefined;
  let configFile: string;
  const transports: Transport[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    sshUser = await createSystemUser('wmdoc');
    appUser = await createSystemUser('wmdapp');
    await sshUser.authorize(`${sshd.clientKeyFile}.pub`);
    appDir = await mkdtemp('/tmp/wmops-doctor-app-');
    await chmod(appDir, 0o755);
    const startFile = join(appDir, 'start.php');
    await writeFile(startFile, JSON.stringify({ status: [join(STATUS_FIXTURES, 'wm5.2.2-idle')] }));
    await chown(appDir, appUser.uid, appUser.gid);
    await chown(startFile, appUser.uid, appUser.gid);

    prefix = await mkdtemp('/tmp/wmops-doctor-sudo-');
    await chmod(prefix, 0o755);
    const helperPath = join(prefix, 'sbin', 'workerman-ops-helper');
    await mkdir(join(prefix, 'sbin'), { mode: 0o755 });
    await copyFile(loadHelper().file, helperPath);
    await chmod(helperPath, 0o755);
    const php = join(prefix, 'sbin', 'php');
    await writeFile(php, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_PHP}' "$@"\n`, { mode: 0o755 });
    host = HostConfig.parse({
      name: 'web-1',
      ssh: sshd.sshSettings({ username: sshUser.name }),
      helperPath,
      workerman: { startFile, php, runAs: appUser.name },
      strace: { sudo: true, path: '/usr/bin/strace' },
    });
    await mkdir(join(prefix, 'etc', 'workerman-ops'), { recursive: true, mode: 0o755 });
    await writeFile(helperConfPath(helperPath), renderHelperConf(host), { mode: 0o644 });
    // A running app of the app's user, so the process listing has something to show.
    app = spawn('/usr/sbin/runuser', ['-u', appUser.name, '--', FAKE_WORKERMAN, startFile, '300', 'epoll:idle'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let buffer = '';
      app!.once('error', reject);
      app!.stdout!.on('data', (d: Buffer) => {
        buffer += d.toString();
        if (buffer.split('\n').includes('ready')) resolve();
      });
    });
    configFile = join(prefix, 'ops.yml');
    await writeFile(configFile, `hosts:\n  - ${JSON.stringify({ ...host, groups: ['web'] })}\n`);
  });

  afterAll(async () => {
    for (const t of transports) await t.close();
    app?.kill('SIGKILL');
    await removeRule?.();
    sshUser?.remove();
    appUser?.remove();
    if (prefix !== undefined) await rm(prefix, { recursive: true, force: true });
    if (appDir !== undefined) await rm(appDir, { recursive: true, force: true });
    await sshd?.stop();
  });

  async function doctor(): Promise<DoctorHostReport> {
    const t = new SshTransport(host.name, host.ssh!);
    transports.push(t);
    return runDoctor(t, host);
  }

  it('without a sudoers rule: the sudo check fails and its fix is the exact rule', async () => {
    const report = await doctor();
    const sudo = check(report, 'sudo');
    expect(sudo.ok).toBe(false);
    expect(sudo.detail).toMatch(/refused to run the workerman-ops helper without a password/);
    expect(sudo.fix).toContain(sudoersLine(sshUser.name, host.helperPath));
    expect(sudo.fix).toContain('visudo -cf');
    // status runs through the helper (workerman.runAs): it cannot run, so it is not tried.
    expect(report.checks.some((c) => c.id === 'status')).toBe(false);

    const r = cli(['doctor', 'web-1', '--config', configFile, '--json']);
    expect(r.code, r.stderr).toBe(6);
    const json = JSON.parse(r.stdout) as { hosts: DoctorHostReport[] };
    expect(json.hosts.map((h) => [h.host, h.ok])).toEqual([['web-1', false]]);
    expect(json.hosts[0]!.checks.find((c) => c.id === 'sudo')).toMatchObject({ ok: false, fix: expect.stringContaining('NOPASSWD') });
    const text = cli(['doctor', 'web-1', '--config', configFile]);
    expect(text.code).toBe(6);
    expect(text.stdout).toMatch(/^ {2}FAIL {2}sudo +sudo on web-1 refused/m);
    expect(text.stdout).toMatch(/^ +fix: add the sudoers rule/m);
    expect(text.stdout).not.toContain('\u001b[');
  });

  it('with the rule setup-host prints: every check passes, and the CLI exits 0 with the JSON contract', async () => {
    removeRule = await installSudoers(`${sudoersLine(sshUser.name, host.helperPath)}\n`);
    const report = await doctor();
    expect(report.ok, problems(report)).toBe(true);
    expect(report.checks.filter((c) => c.ok !== true), problems(report)).toEqual([]);
    expect(report.checks.map((c) => c.id)).toEqual([
      'ssh.reach', 'ssh.host_key', 'ssh.login', 'php', 'start_file',
      'sudo', 'helper', 'helper.conf', 'helper.start_file', 'helper.run_as',
      'status', 'strace', 'yama', 'cap_sys_ptrace', 'tools', 'lock_dir',
    ]);
    expect(check(report, 'ssh.login').detail).toBe(`as ${sshUser.name} (uid ${sshUser.uid})`);
    expect(check(report, 'helper').detail).toContain('the same as this bot\'s');
    expect(check(report, 'helper.run_as').detail).toBe(`status runs as ${appUser.name}`);
    expect(check(report, 'strace').detail).toMatch(/^\/usr\/bin\/strace: strace -- version \d+/);

    // The group form through the built CLI: same checks, exit 0, the documented JSON shape.
    const r = cli(['doctor', 'web', '--config', configFile, '--json']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const json = JSON.parse(r.stdout) as { hosts: DoctorHostReport[] };
    expect(Object.keys(json)).toEqual(['hosts']);
    expect(Object.keys(json.hosts[0]!)).toEqual(['host', 'ok', 'checks']);
    for (const c of json.hosts[0]!.checks) {
      expect(Object.keys(c)).toEqual(['id', 'ok', 'detail', 'fix']);
      expect(c.ok).toBe(true);
      expect(c.fix).toBeNull();
    }
  });
});
