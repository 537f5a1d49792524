import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveWatchState } from '../../../src/watch/watch-state-file.js';
import { healthcheckArgv, readRepoDockerfile } from '../../helpers/dockerfile.js';
import { buildHistoryScenario } from '../../helpers/history-scenario.js';
import { REPO_ROOT, STATUS_FIXTURES, STRACE_FIXTURES } from '../../helpers/paths.js';
import { readPng } from '../../helpers/png.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';
import { TEST_SIGNING_SECRET, commandBody, signSlackRequest } from '../../helpers/slack-signing.js';

// Issue 10: install and run outside the clone. `npm pack` (which builds through `prepare`), then
// `npm install -g --prefix <scratch> <tarball>` exactly as a user would, then the installed command run
// from a folder that is not the repository, with a HOME of its own. Dependencies come from npm's cache
// where it has them (--prefer-offline) and from the registry otherwise.

const PACK_TIMEOUT_MS = 240_000;
const INSTALL_TIMEOUT_MS = 300_000;
const STATUS_FIXTURE = 'wm5.2.2-busy-upstream.out';
const STRACE_FIXTURE = 'wm5.2.2-blocked-upstream-f-tt-T-yy.txt';
const BOT_TOKEN = 'xoxb-111-222-packaged';

const npmMissing = spawnSync('npm', ['--version'], { encoding: 'utf8' }).status !== 0;
if (npmMissing && process.env.CI !== 'true') console.warn('global install test skipped: npm is not on PATH');

const work = mkdtempSync(join(tmpdir(), 'wmops-install-'));
const prefix = join(work, 'prefix');
const elsewhere = join(work, 'elsewhere');
const home = join(work, 'home');
const installed = join(prefix, 'lib', 'node_modules', 'workerman-ops');
const bin = join(prefix, 'bin', 'workerman-ops');

/** Why the install could not be tested here (registry unreachable and deps not cached), or null. */
let unavailable: string | null = null;
let tarball = '';
let tarballFiles: string[] = [];
let installLog = '';

/** This environment without what `npm test` injects (npm_config_prefix would redirect the install). */
function npmEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('npm_')) env[key] = value;
  env.PATH = `${dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`;
  return env;
}

/** What a user's shell gives the command: PATH (node first), an empty HOME, nothing of the repository. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`, HOME: home, ...extra };
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; timeout: number }): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { ...opts, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

/** The installed command, run by its path as a shell would (its shebang picks node). */
function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}) {
  const r = run(bin, args, { cwd: opts.cwd ?? elsewhere, env: userEnv(opts.env), timeout: 55_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The repository's own build (dist/, just rebuilt by `npm pack`), for comparing outputs. */
function repoCli(args: string[]) {
  return run(process.execPath, [join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js'), ...args], { cwd: REPO_ROOT, env: userEnv(), timeout: 55_000 });
}

// npm's messages when it could reach neither the registry nor a cached copy.
const OFFLINE = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|ENOTCACHED|EHOSTUNREACH)\b/;

beforeAll(() => {
  if (npmMissing) {
    unavailable = 'npm is not on PATH';
    return;
  }
  for (const d of [elsewhere, home, join(work, 'pack')]) mkdirSync(d, { recursive: true });
  const pack = run('npm', ['pack', '--pack-destination', join(work, 'pack')], { cwd: REPO_ROOT, env: npmEnv(), timeout: PACK_TIMEOUT_MS });
  if (pack.status !== 0) throw new Error(`npm pack failed (${pack.status ?? pack.signal}):\n${pack.stdout.slice(-2000)}\n${pack.stderr.slice(-2000)}`);
  const tgz = readdirSync(join(work, 'pack')).filter((f) => /^workerman-ops-.*\.tgz$/.test(f));
  expect(tgz).toHaveLength(1);
  tarball = join(work, 'pack', tgz[0]!);
  tarballFiles = run('tar', ['-tzf', tarball], { cwd: work, env: npmEnv(), timeout: 30_000 }).stdout.split('\n').filter(Boolean);

  const install = run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', tarball], {
    cwd: elsewhere,
    env: npmEnv(),
    timeout: INSTALL_TIMEOUT_MS,
  });
  installLog = `${install.stdout}\n${install.stderr}`;
  if (install.status !== 0) {
    const why = OFFLINE.exec(installLog)?.[1];
    if (why === undefined || process.env.CI === 'true') {
      throw new Error(`npm install -g of the tarball failed (${install.status ?? install.signal}):\n${installLog.slice(-3000)}`);
    }
    unavailable = `npm could not reach its registry and its cache lacks the dependencies (${why})`;
    console.warn(`\n!!! global install test SKIPPED: ${unavailable}. CI has the registry and runs it. !!!\n`);
  }
}, PACK_TIMEOUT_MS + INSTALL_TIMEOUT_MS + 30_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm pack, npm install -g, and the installed workerman-ops', () => {
  it('npm pack ships the built CLI, host helper, Slack manifest, example config and README, and no sources, tests or secrets', (ctx) => {
    if (npmMissing) ctx.skip(unavailable ?? 'npm missing');
    const files = tarballFiles.map((f) => f.replace(/^package\//, ''));
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'README.md', 'dist/src/cli/bin.js', 'dist/src/host/helper.js', 'host/workerman-ops-helper.sh', 'assets/fonts/DejaVuSans.ttf', 'assets/fonts/LICENSE', 'manifest.yml', 'workerman-ops.example.yml']),
    );
    const unwanted = files.filter((f) => /^(src|test|bench|dist\/bench|node_modules)\/|^\.env|\.ts$|^tsconfig|^package-lock|^\.git|\.tgz$/.test(f));
    expect(unwanted).toEqual([]);
  });

  it('npm install -g of the tarball builds nothing and links the command to the shipped dist/', (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    // `prepare` (tsc) runs for npm pack, never for a tarball install: the package has no sources to build.
    expect(installLog).not.toMatch(/^> workerman-ops@\S+ prepare$/m);
    expect(existsSync(join(installed, 'tsconfig.json'))).toBe(false);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(lstatSync(bin).isSymbolicLink()).toBe(true);
    expect(realpathSync(bin)).toBe(join(realpathSync(installed), 'dist', 'src', 'cli', 'bin.js'));
    // Runtime dependencies only.
    for (const dep of ['@slack/bolt', 'ssh2', 'execa', 'yaml', 'zod', 'undici', 'vega', 'vega-lite', '@resvg/resvg-js']) expect(existsSync(join(installed, 'node_modules', dep, 'package.json')), dep).toBe(true);
    for (const dev of ['typescript', 'vitest', 'fast-check']) expect(existsSync(join(installed, 'node_modules', dev)), dev).toBe(false);
  });

  it('workerman-ops --help runs from a folder outside the repository', (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    const r = cli(['--help']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('workerman-ops status <host|group|all>');
  });

  it('workerman-ops status --from-file --json and trace --from-file --json read a file named relative to the current folder', (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    copyFileSync(join(STATUS_FIXTURES, STATUS_FIXTURE), join(elsewhere, 'status.out'));
    copyFileSync(join(STRACE_FIXTURES, STRACE_FIXTURE), join(elsewhere, 'strace.txt'));
    const status = cli(['status', '--from-file', 'status.out', '--json']);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).workerman.version).toBe('5.2.2');
    expect(status.stdout).toBe(repoCli(['status', '--from-file', join(STATUS_FIXTURES, STATUS_FIXTURE), '--json']).stdout);

    const trace = cli(['trace', '--from-file', 'strace.txt', '--json']);
    expect(trace.code, trace.stderr).toBe(0);
    expect(JSON.parse(trace.stdout).verdict.state).toBe('blocked');
    expect(trace.stdout).toBe(repoCli(['trace', '--from-file', join(STRACE_FIXTURES, STRACE_FIXTURE), '--json']).stdout);
  });

  it('workerman-ops history --png draws with the vega, resvg and font of the installed package', async (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    const { window } = buildHistoryScenario({ minutes: 90 });
    await saveWatchState(join(elsewhere, 'watch-state.json'), { windows: [window], alerts: [] }, Date.now());
    const r = cli(['history', 'web-1', '--state-file', 'watch-state.json', '--png', 'web-1.png']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Wrote web-1.png (900 × 640 px');
    const png = readPng(readFileSync(join(elsewhere, 'web-1.png')));
    expect([png.width, png.height]).toEqual([900, 640]);
  });

  it('workerman-ops setup-host --print-helper prints the helper shipped inside the installed package', (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    const printed = cli(['setup-host', '--print-helper']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(printed.stdout).toBe(readFileSync(join(REPO_ROOT, 'host', 'workerman-ops-helper.sh'), 'utf8'));
    const where = cli(['setup-host', '--helper-file']);
    expect(where.code, where.stderr).toBe(0);
    expect(realpathSync(where.stdout.trim())).toBe(join(realpathSync(installed), 'host', 'workerman-ops-helper.sh'));
  });

  it('workerman-ops finds its config by --config, then $WORKERMAN_OPS_CONFIG, then ./workerman-ops.yml, and the shipped example is valid', (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    // The built-in `local` is listed only while a Workerman master runs on this machine (other suites
    // start some), so it is left out of the comparison: test/unit/cli/main.test.ts pins both cases.
    const names = (stdout: string) => (JSON.parse(stdout) as { name: string }[]).map((h) => h.name).filter((name) => name !== 'local');
    const none = cli(['hosts', '--json']);
    expect(none.code, none.stderr).toBe(0);
    expect(names(none.stdout)).toEqual([]);

    const example = join(installed, 'workerman-ops.example.yml');
    const viaEnv = cli(['hosts', '--json'], { env: { WORKERMAN_OPS_CONFIG: example } });
    expect(viaEnv.code, viaEnv.stderr).toBe(0);
    expect(names(viaEnv.stdout)).toEqual(['web-1', 'chat-1']);

    const here = mkdtempSync(join(work, 'cwd-'));
    writeFileSync(join(here, 'workerman-ops.yml'), 'hosts:\n  - name: here-1\n    workerman: { startFile: /srv/app/start.php }\n');
    expect(names(cli(['hosts', '--json'], { cwd: here }).stdout)).toEqual(['here-1']);
    expect(names(cli(['hosts', '--json', '--config', example], { cwd: here, env: { WORKERMAN_OPS_CONFIG: join(here, 'workerman-ops.yml') } }).stdout)).toEqual(['web-1', 'chat-1']);

    const missing = cli(['hosts'], { env: { WORKERMAN_OPS_CONFIG: join(here, 'nope.yml') } });
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/Cannot read config file .*nope\.yml: no such file\. \(config_invalid\)/);
  });

  it('workerman-ops status over SSH loads ssh2 from the installed package (closed loopback port: ssh_connect_failed)', async (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    const port = await closedLoopbackPort();
    const config = join(work, 'ssh.yml');
    writeFileSync(
      config,
      [
        'hosts:',
        '  - name: nowhere',
        `    ssh: { address: 127.0.0.1, port: ${port}, username: deploy, agent: true, hostKey: "SHA256:${'A'.repeat(43)}", connectTimeoutMs: 5000 }`,
        '    workerman: { startFile: /srv/app/start.php }',
        '',
      ].join('\n'),
    );
    // The agent is never reached: the TCP connection is refused first.
    const r = cli(['status', 'nowhere', '--config', config, '--json'], { env: { SSH_AUTH_SOCK: join(work, 'no-agent.sock') } });
    expect(JSON.parse(r.stdout).error.code, r.stderr).toBe('ssh_connect_failed');
    expect(r.code).toBe(10);
  });

  it('workerman-ops serve (HTTP mode) from the installed package answers Slack and /healthz, passes the Dockerfile HEALTHCHECK, and stops on SIGTERM', async (ctx) => {
    if (unavailable !== null) ctx.skip(unavailable);
    const standIn: SlackStandIn = await startSlackStandIn({ botToken: BOT_TOKEN });
    const env = userEnv({
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
      SLACK_API_URL: standIn.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
    });
    const child = spawn(bin, ['serve'], { cwd: elsewhere, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const listen = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s: ${stderr.slice(-1000)}`)), 30_000);
        child.on('exit', (code) => reject(new Error(`serve exited ${code} before starting: ${stderr.slice(-1000)}`)));
        createInterface({ input: child.stdout }).on('line', (line) => {
          const entry = safeParse(line);
          if (entry?.['event'] === 'started' && typeof entry['listen'] === 'string') {
            clearTimeout(timer);
            resolve(entry['listen']);
          }
        });
      });
      const port = /:(\d+)\/slack\/events$/.exec(listen)![1]!;

      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.text()).toBe('ok');

      const body = commandBody({ text: 'help', responseUrl: standIn.responseUrl('help-1') });
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', headers: signSlackRequest(TEST_SIGNING_SECRET, body), body });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { text: string }).text).toMatch(/Usage of `\/workerman`/);
      expect(standIn.callsOf('auth.test')).toHaveLength(1);

      // The image's HEALTHCHECK command, run with this bot's settings, as Docker would run it.
      const argv = healthcheckArgv(readRepoDockerfile());
      const check = run(process.execPath, argv.slice(1), { cwd: elsewhere, env: { ...env, PORT: port }, timeout: 15_000 });
      expect(check.status, check.stderr).toBe(0);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(standIn.violations).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await standIn.close();
    }
  });
});

async function closedLoopbackPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function safeParse(line: string): Record<string, unknown> | null {
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return null;
  }
}
