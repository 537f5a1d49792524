import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAKE_PHP, REPO_ROOT, STATUS_FIXTURES, STRACE_FIXTURES } from '../../helpers/paths.js';

const FAKE_WORKERMAN = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-workerman');
const straceMissing = spawnSync('strace', ['-V']).status !== 0;
if (straceMissing && process.env.CI !== 'true') console.warn('CLI trace test skipped: strace is not installed (apt-get install strace)');
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

// Spawns the BUILT CLI (npm test compiles first), exactly as a user runs it.
const BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');

function cli(args: string[], opts: { input?: string; cwd?: string; tmpDir?: string } = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO_ROOT,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...(opts.tmpDir === undefined ? {} : { TMPDIR: opts.tmpDir }) },
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

  it('trace --from-file says what a file can and cannot tell: the span of its timestamps, ≥ waits, % time, the request line', () => {
    const blocked = cli(['trace', '--from-file', join(STRACE_FIXTURES, 'wm5.2.2-blocked-upstream-f-tt-T-yy.txt')]);
    expect(blocked.code).toBe(0);
    expect(blocked.stderr).toBe('');
    // The capture's blocked.route (its .json) is the request line, read on the client's fd before the poll.
    expect(blocked.stdout).toContain('  - the request "GET /upstream?port=18790 HTTP/1.1" was read on fd 7 (TCP 127.0.0.1:18700 -> 127.0.0.1:38986) before it\n');
    expect(blocked.stdout).toContain('\npid 21135 | timestamps span 794 ms | 11 syscalls\n');
    expect(blocked.stdout).toMatch(/\nTop syscalls \(by time\)\nSYSCALL +CALLS +ERRORS +% TIME +TOTAL MS +MAX MS\nepoll_wait +1 +99\.91 /);
    const respawn = cli(['trace', '--from-file', join(STRACE_FIXTURES, 'wm5.2.2-master-respawn-f-tt-T-yy.txt'), '--json']);
    const summary = JSON.parse(respawn.stdout);
    expect(summary.durationSource).toBe('timestamps');
    expect(summary.unfinished).toEqual([
      { pid: 21131, syscall: 'wait4', fd: null, description: null, waitedMs: null, waitedIsLowerBound: false },
      { pid: 22098, syscall: 'epoll_wait', fd: 2, description: 'epoll', waitedMs: 943.517, waitedIsLowerBound: true },
    ]);
    expect(cli(['trace', '--from-file', join(STRACE_FIXTURES, 'wm5.2.2-master-respawn-f-tt-T-yy.txt')]).stdout).toMatch(/^22098 +epoll_wait +2 +≥ 944 +epoll$/m);
  });

  it('trace --from-file says only what each strace flag set tells: plain (no times), -ttt -X verbose, a strace -c table', () => {
    const file = (name: string) => join(STRACE_FIXTURES, `wm5.2.2-blocked-upstream-${name}.txt`);
    // Plain strace -p: no timestamps, so no span and no duration; no -T, so ranked by count and no % time.
    const plain = cli(['trace', '--from-file', file('plain')]);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('\npid 21135 | 11 syscalls\n');
    expect(plain.stdout).toMatch(/\nTop syscalls \(by count\)\nSYSCALL +CALLS +ERRORS +% TIME +TOTAL MS +MAX MS\nfcntl +3 +- +- +-\n/);
    expect(JSON.parse(cli(['trace', '--from-file', file('plain'), '--json']).stdout)).toMatchObject({ durationMs: null, durationSource: null });
    // -ttt epoch timestamps and -X verbose: the span of its timestamps, ranked by time.
    const verbose = cli(['trace', '--from-file', file('f-ttt-T-y-Xverbose')]);
    expect(verbose.stdout).toMatch(/\npid 21135 \| timestamps span \d+ ms \| 11 syscalls\n/);
    expect(verbose.stdout).toMatch(/\nTop syscalls \(by time\)\nSYSCALL +CALLS +ERRORS +% TIME +TOTAL MS +MAX MS\nepoll_wait +1 +99\.\d\d /);
    // A strace -c table: its own order and % time (31.16 and 30.80 in the capture), no span.
    const table = cli(['trace', '--from-file', file('c-f')]);
    expect(table.stdout).toContain('\npid 21135 | 10 syscalls\n');
    expect(table.stdout).toMatch(/\nepoll_wait +1 +31\.16 +0\.086 +-\nconnect +1 +1 +30\.80 +0\.085 +-\n/);
  });

  it('trace --from-file calls one kill -9 an abnormal exit and points at the OOM killer', () => {
    // The capture's json: killed_with SIGKILL, killed_pid 21132, one kill -9 during the trace.
    const r = cli(['trace', '--from-file', join(STRACE_FIXTURES, 'wm5.2.2-exit-kill9-f-tt-T-yy.txt')]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith('EXITED: Abnormal exit: killed by SIGKILL during the trace (pid 21132)\n')).toBe(true);
    expect(r.stdout).toContain('  - killed by SIGKILL: the OOM killer? check `dmesg`/`journalctl -k`\n');
    expect(r.stdout).not.toMatch(/crash loop/i);
  });

  it('trace --from-file refuses input with no strace line: exit 39, not_strace_log, under --json too', async () => {
    const empty = cli(['trace', '--from-file', '/dev/null']);
    expect(empty.code).toBe(39);
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe('workerman-ops: "/dev/null" is empty: there is no strace output in it to summarise. (not_strace_log)\n');
    // An empty file and a status capture given by name: said for what they are, not "SILENT ... CPU-bound?".
    const { app } = await configFor({});
    const emptyFile = join(app.dir, 'empty.log');
    await writeFile(emptyFile, '');
    expect(cli(['trace', '--from-file', emptyFile])).toMatchObject({ code: 39, stdout: '', stderr: expect.stringMatching(/is empty: there is no strace output in it to summarise\. \(not_strace_log\)\n$/) });
    const capture = cli(['trace', '--from-file', join(STATUS_FIXTURES, 'wm4.1.17-after-kill9.out')]);
    expect(capture.code).toBe(39);
    expect(capture.stdout).toBe('');
    expect(capture.stderr).toMatch(/^workerman-ops: ".*wm4\.1\.17-after-kill9\.out" is not a strace log: none of its \d+ lines is a strace line \(the first reads "Workerman\[start\.php\] status"\)\. \(not_strace_log\)\n$/);
    const status = readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-idle.out'), 'utf8');
    const piped = cli(['trace', '--from-file', '-', '--json'], { input: status });
    expect(piped.code).toBe(39);
    const error = JSON.parse(piped.stdout).error;
    expect(error.code).toBe('not_strace_log');
    expect(error.message).toBe(`stdin is not a strace log: none of its ${status.split('\n').length - 1} lines is a strace line (the first reads "${status.split('\n')[0]?.trim()}").`);
  });

  it('trace --from-file shows the first unparsed lines redacted and escaped, and all of them with --show-unparsed', () => {
    const trace = readFileSync(join(STRACE_FIXTURES, 'wm5.2.2-idle-f-tt-T-yy.txt'), 'utf8');
    const garbage = Array.from({ length: 7 }, (_, i) => `note ${i + 1} password=hunter2 \u001b[2J`);
    const input = `${trace}${garbage.join('\n')}\n`;
    const shown = (i: number) => `  note ${i} password=[REDACTED] \\x1b[2J`;
    const first = cli(['trace', '--from-file', '-'], { input });
    expect(first.code).toBe(0);
    expect(first.stdout).not.toMatch(/hunter2|\u001b/);
    expect(first.stdout.endsWith(['7 line(s) not understood', ...[1, 2, 3, 4, 5].map(shown), '  (2 more not shown: --show-unparsed lists them all)', ''].join('\n'))).toBe(true);
    const all = cli(['trace', '--from-file', '-', '--show-unparsed'], { input });
    expect(all.stdout.endsWith(['7 line(s) not understood', ...[1, 2, 3, 4, 5, 6, 7].map(shown), ''].join('\n'))).toBe(true);
    expect(cli(['trace', '--help']).stdout).toMatch(/--show-unparsed +with --from-file: list every line that is not strace output/);
    const misplaced = cli(['trace', 'app', '1', '--show-unparsed']);
    expect(misplaced.code).toBe(2);
    expect(misplaced.stderr).toContain('--show-unparsed goes with --from-file FILE');
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
      // Its own temp dir (removed with the app's): other traces on this machine come and go in the shared one.
      const cliTmp = join(app.dir, 'tmp');
      await mkdir(cliTmp);
      const saved = join(app.dir, 'trace.log');
      const r = cli(['trace', 'app', String(pid), '--duration', '1s', '--json', '--save-log', saved, '--config', config], { tmpDir: cliTmp });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.pids).toEqual([pid]);
      expect(summary.verdict.state).toBe('sleeping');
      expect(readFileSync(saved, 'utf8')).toMatch(/clock_nanosleep|restart_syscall/);
      // The temp copy of the log is gone, and the process is running and untraced.
      expect(readdirSync(cliTmp)).toEqual([]);
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
