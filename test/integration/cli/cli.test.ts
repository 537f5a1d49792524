import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_PHP, REPO_ROOT, STATUS_FIXTURES, STRACE_FIXTURES } from '../../helpers/paths.js';

const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const straceMissing = spawnSync('strace', ['-V']).status !== 0;
if (straceMissing && process.env.CI !== 'true') console.warn('CLI trace test skipped: strace is not installed (apt-get install strace)');
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

// Spawns the BUILT CLI (npm test compiles first), exactly as a user runs it.
const BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');

function cli(args: string[], opts: { input?: string; cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    timeout: 55_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const apps: FakeApp[] = [];
afterAll(async () => Promise.all(apps.map((a) => a.cleanup())));

async function configFor(spec: Record<string, string[]>): Promise<{ app: FakeApp; config: string }> {
  const app = await createFakeApp(spec);
  apps.push(app);
  const config = join(app.dir, 'ops.yml');
  await writeFile(config, `hosts:\n  - name: app\n    description: fake app\n    workerman: { php: "${FAKE_PHP}", startFile: "${app.startFile}" }\n`);
  return { app, config };
}

describe('workerman-ops CLI', () => {
  it('--help prints usage and exits 0; no command exits 2', () => {
    const help = cli(['--help']);
    expect(help.code).toBe(0);
    // Every synopsis is listed; status now says it takes a group too (it did since the fleet feature).
    expect(help.stdout).toContain('workerman-ops status <host|group|all>');
    expect(cli([]).code).toBe(2);
  });

  it('status --from-file --json prints the JSON contract', () => {
    const r = cli(['status', '--from-file', join(STATUS_FIXTURES, 'wm4.1.17-after-kill9.out'), '--json']);
    expect(r.code).toBe(0);
    const status = JSON.parse(r.stdout);
    expect(Object.keys(status)).toEqual([
      'host', 'workerman', 'startedAt', 'uptime', 'loadAverage', 'workerCount', 'processCount', 'workers', 'processes', 'findings',
    ]);
    expect(status.workerman.version).toBe('4.1.17');
    expect(status.processes).toHaveLength(8);
    expect(Object.keys(status.processes[0])).toEqual([
      'pid', 'workerName', 'listen', 'memoryBytes', 'connections', 'sendFail', 'timers', 'totalRequest', 'qps', 'status', 'extra',
    ]);
    // One kill -9 (the capture's exit_status_rows: {"HttpApi01": {"9": 1}}): an abnormal exit, not a crash loop.
    expect(status.findings.map((f: { kind: string; worker: string }) => [f.kind, f.worker])).toEqual([['abnormal-exit', 'HttpApi01']]);
  });

  it('status --from-file - reads stdin and prints an aligned table without colour when not a TTY', () => {
    const r = cli(['status', '--from-file', '-'], { input: readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-busy-upstream.out'), 'utf8') });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('HttpApi01');
    expect(r.stdout).not.toContain('\u001b[');
  });

  it('status <host> runs the start command and exits 0; not running exits 20 with the reason', async () => {
    const { config } = await configFor({ status: ['wm5.2.2-idle'] });
    const ok = cli(['status', 'app', '--config', config, '--json']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).host).toBe('app');
    const { config: stopped } = await configFor({ status: ['wm5.2.2-not-running-connections', 'wm4.0.47-not-running'] });
    const r = cli(['status', 'app', '--config', stopped]);
    expect(r.code).toBe(20);
    expect(r.stderr).toMatch(/workerman_not_running/);
  });

  it('--json errors are JSON too', async () => {
    const { config } = await configFor({ status: ['wm4.0.47-not-running'] });
    const r = cli(['status', 'app', '--config', config, '--json']);
    expect(r.code).toBe(20);
    expect(JSON.parse(r.stdout).error.code).toBe('workerman_not_running');
  });

  it('an unknown host exits 4 and lists the configured ones', async () => {
    const { config } = await configFor({ status: ['wm5.2.2-idle'] });
    const r = cli(['status', 'nope', '--config', config]);
    expect(r.code).toBe(4);
    expect(r.stderr).toContain('app, local');
  });

  it('a bad config exits 3 naming the file and the key', async () => {
    const { app } = await configFor({});
    const bad = join(app.dir, 'bad.yml');
    await writeFile(bad, 'hosts:\n  - name: web\n    ssh: { address: h, port: abc, username: u, agent: true, hostKey: "SHA256:ZUZuqUhJeRJmvX3Q0m5XwO0eQ8OTbmM0Ol0vyRCMkXU" }\n    workerman: { startFile: /a/start.php }\n');
    const r = cli(['hosts', '--config', bad]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('bad.yml');
    expect(r.stderr).toContain('hosts[0].ssh.port: expected a number');
  });

  it('hosts lists names and targets, never key files', async () => {
    const { config } = await configFor({});
    const r = cli(['hosts', '--config', config, '--json']);
    expect(r.code).toBe(0);
    // The built-in local host is listed only while a Workerman master runs on this machine (other
    // suites start some): test/unit/cli/main.test.ts pins both cases with a stand-in /proc.
    expect(JSON.parse(r.stdout).map((h: { name: string }) => h.name).filter((name: string) => name !== 'local')).toEqual(['app']);
    const text = cli(['hosts', '--config', config]);
    expect(text.stdout).toContain('fake app');
  });

  it('status <group> runs every host of the group and exits 5 when one is not up', async () => {
    const up = await configFor({ status: ['wm5.2.2-idle'] });
    const down = await configFor({ status: ['wm4.1.17-not-running'] });
    const config = join(up.app.dir, 'fleet.yml');
    await writeFile(
      config,
      `hosts:\n  - name: a\n    groups: [web]\n    workerman: { php: "${FAKE_PHP}", startFile: "${up.app.startFile}" }\n` +
        `  - name: b\n    groups: [web]\n    workerman: { php: "${FAKE_PHP}", startFile: "${down.app.startFile}" }\n`,
    );
    const r = cli(['status', 'web', '--config', config, '--json']);
    expect(r.code).toBe(5);
    const fleet = JSON.parse(r.stdout);
    expect(fleet.hosts.map((h: { host: string; state: string }) => [h.host, h.state])).toEqual([
      ['a', 'up'],
      ['b', 'not-running'],
    ]);
    expect(fleet.hosts[0].status.processes).toHaveLength(8);
  });

  it('connections <host> prints the table', async () => {
    const { config } = await configFor({ connections: ['wm4.1.17-longname-connections'] });
    const r = cli(['connections', 'app', '--config', config, '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).connections.length).toBeGreaterThan(0);
  });

  it('trace --from-file summarises a saved strace log with a verdict', () => {
    const r = cli(['trace', '--from-file', join(STRACE_FIXTURES, 'wm5.2.2-blocked-upstream-f-tt-T-yy.txt'), '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.verdict.state).toBe('blocked');
    expect(summary.syscallCount).toBeGreaterThan(0);
  });

  it.skipIf(straceMissing && process.env.CI !== 'true')('trace <host> <pid> attaches a real strace, prints the verdict, keeps the log only with --save-log', async () => {
    const { app } = await configFor({});
    const startFile = join(app.dir, 'start.php');
    const config = join(app.dir, 'trace.yml');
    await writeFile(config, `hosts:\n  - name: app\n    workerman: { php: "${FAKE_PHP}", startFile: "${startFile}" }\n`);
    // A master and one worker sleeping in clock_nanosleep, titled like Workerman's (see fake-workerman).
    const child = spawn(FAKE_WORKERMAN, [startFile, '60', 'sleeper:sleep'], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        child.once('error', reject);
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /^worker (\d+) sleeper/m.exec(out);
          if (m && out.includes('ready')) resolve(Number(m[1]));
        });
      });
      await new Promise((r) => setTimeout(r, 300));
      const before = readdirSync(tmpdir()).filter((f) => f.startsWith('workerman-ops-trace-')).length;
      const saved = join(app.dir, 'trace.log');
      const r = cli(['trace', 'app', String(pid), '--duration', '1s', '--json', '--save-log', saved, '--config', config]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.pids).toEqual([pid]);
      expect(summary.verdict.state).toBe('sleeping');
      expect(readFileSync(saved, 'utf8')).toMatch(/clock_nanosleep|restart_syscall/);
      // The temp copy of the log is gone, and the process is running and untraced.
      expect(readdirSync(tmpdir()).filter((f) => f.startsWith('workerman-ops-trace-')).length).toBe(before);
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/^TracerPid:\s+0$/m);
      expect(status).not.toMatch(/^State:\s+[tT]/m);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('rejects a bad duration and a non-numeric, non-worker trace target clearly', () => {
    const r = cli(['trace', 'local', '123', '--duration', '5 years']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Cannot read duration');
  });
});
