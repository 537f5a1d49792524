// Issue 10 item 5 through the BUILT CLI, as an operator runs it (npm test compiles first): version, bad
// flags, colour and width from the real environment and a real pipe, the config search, .env for
// `serve` wherever it stands, an unreachable Slack, and the bash completion script in a real bash.
// Every run gets HOME, XDG_CONFIG_HOME and cwd in a temp dir, so no config of this machine is read.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBuiltCli, type CliRun } from '../../helpers/built-cli.js';
import { closedPort } from '../../helpers/closed-port.js';
import { FIXTURES, REPO_ROOT, STATUS_FIXTURES } from '../../helpers/paths.js';

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const STATUS_FILE = join(STATUS_FIXTURES, 'wm5.2.2-after-reload-kill9.out');
const TMP = mkdtempSync(join(tmpdir(), 'wo-cli-conv-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

let dirs = 0;
function tempDir(): string {
  const dir = join(TMP, `d${++dirs}`);
  mkdirSync(dir, { recursive: true });
  return dir;
}

function write(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

const HOME = tempDir();

function cli(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; input?: string } = {}): CliRun {
  return runBuiltCli(args, { cwd: opts.cwd ?? HOME, home: HOME, input: opts.input, env: { XDG_CONFIG_HOME: join(HOME, 'xdg'), ...opts.env } });
}

const ANSI = /\x1b\[[0-9;]*m/;

describe('workerman-ops conventions (built CLI)', () => {
  // [why, argv, env, expected exit code, stdout test, stderr test]
  it.each<[string, string[], NodeJS.ProcessEnv, number, (s: string) => boolean, (s: string) => boolean]>([
    ['--version is package.json\'s', ['--version'], {}, 0, (s) => s === `workerman-ops ${VERSION}\n`, (s) => s === ''],
    ['help <command> is its usage', ['help', 'trace'], {}, 0, (s) => s.startsWith('Usage:\n  workerman-ops trace <host> <pid|worker>') && s.includes('strace.maxDurationS'), (s) => s === ''],
    ['an unknown flag under --json: JSON on stdout, one line on stderr', ['status', '--json', '--qsp'], {}, 2, (s) => JSON.parse(s).error.code === 'input_invalid', (s) => s === 'workerman-ops: Unknown option --qsp. Did you mean --qps? See workerman-ops status --help. (input_invalid)\n'],
    ['a missing value', ['--config'], {}, 2, (s) => s === '', (s) => s.startsWith('workerman-ops: --config needs a value: --config FILE.')],
    ['a typo of a command', ['stauts', 'local'], {}, 2, (s) => s === '', (s) => s.includes('Did you mean "status"?')],
    ['piped: no colour, nothing cut', ['status', '--from-file', STATUS_FILE], {}, 0, (s) => !ANSI.test(s) && s.includes('SEND_FAIL') && !s.includes('fit to'), (s) => s === ''],
    ['NO_COLOR empty is ignored, FORCE_COLOR=1 colours a pipe', ['status', '--from-file', STATUS_FILE], { NO_COLOR: '', FORCE_COLOR: '1' }, 0, (s) => ANSI.test(s), (s) => s === ''],
    ['FORCE_COLOR=0 and --color: the flag wins', ['status', '--from-file', STATUS_FILE, '--color'], { FORCE_COLOR: '0' }, 0, (s) => ANSI.test(s), (s) => s === ''],
    ['TERM=dumb with FORCE_COLOR=1: forced', ['status', '--from-file', STATUS_FILE], { TERM: 'dumb', FORCE_COLOR: '1' }, 0, (s) => ANSI.test(s), (s) => s === ''],
    ['--no-color beats FORCE_COLOR', ['status', '--from-file', STATUS_FILE, '--no-color'], { FORCE_COLOR: '1' }, 0, (s) => !ANSI.test(s), (s) => s === ''],
    ['COLUMNS=80: every line fits and one says what gave way', ['status', '--from-file', STATUS_FILE], { COLUMNS: '80' }, 0, (s) => s.split('\n').every((l) => l.length <= 80) && /\n\(fit to 80 columns: SEND_FAIL, TIMERS hidden; WORKER, LISTEN cut\)\n$/.test(s), (s) => s === ''],
  ])('%s', (_why, argv, env, code, stdoutOk, stderrOk) => {
    const r = cli(argv, { env });
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({ code, stdout: expect.any(String), stderr: expect.any(String) });
    expect(stdoutOk(r.stdout), r.stdout).toBe(true);
    expect(stderrOk(r.stderr), r.stderr).toBe(true);
  });

  it('finds the config in $XDG_CONFIG_HOME, then in ./, and hosts/doctor say which file', () => {
    const cwd = tempDir();
    const xdg = write(join(HOME, 'xdg', 'workerman-ops', 'config.yml'), 'hosts:\n  - name: from-xdg\n    description: user config\n');
    try {
      const hosts = cli(['hosts'], { cwd });
      expect(hosts.code).toBe(0);
      expect(hosts.stdout).toMatch(/^from-xdg +this machine/m);
      expect(hosts.stdout).toContain(`(from ${xdg})`);
      // An unknown host names the file and the closest host.
      const typo = cli(['status', 'from-xgd'], { cwd });
      expect(typo.code).toBe(4);
      expect(typo.stderr).toContain(`Unknown host "from-xgd". Did you mean "from-xdg"? Hosts in ${xdg}: from-xdg, local; groups: all.`);
      // ./workerman-ops.yml comes first.
      const local = write(join(cwd, 'workerman-ops.yml'), 'hosts:\n  - name: from-cwd\n');
      expect(cli(['hosts'], { cwd }).stdout).toContain(`(from ${local})`);
      // doctor says it too (here for a host that is not running Workerman: the checks fail, exit 6).
      const doctor = cli(['doctor', 'from-cwd'], { cwd });
      expect(doctor.stdout.trimEnd().split('\n').at(-1)).toBe(`(config: ${local})`);
    } finally {
      rmSync(join(HOME, 'xdg'), { recursive: true, force: true });
    }
  });

  it('a misspelt config key names the closest one', () => {
    const cwd = tempDir();
    write(join(cwd, 'workerman-ops.yml'), 'hosts:\n  - name: web-1\n    workerman: { startFile: /srv/start.php, runas: www-data }\n');
    const r = cli(['hosts'], { cwd });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('hosts[0].workerman: unknown key "runas" (did you mean "runAs"?)');
  });

  it('serve reads ./.env wherever it stands in argv; an unreachable Slack exits 50 naming the URL', async () => {
    const cwd = tempDir();
    // Without .env: no token, a config error (exit 3).
    const bare = cli(['--json', 'serve'], { cwd });
    expect(bare.code).toBe(3);
    expect(JSON.parse(bare.stdout).error.message).toContain('SLACK_BOT_TOKEN is missing');
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    // WATCH says whether this replica watches: anything but on/off is a config error, before Slack is called.
    write(join(cwd, '.env'), `SLACK_MODE=http\nSLACK_BOT_TOKEN=xoxb-1-dotenv\nSLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5\nSLACK_API_URL=${url}\nWATCH=maybe\n`);
    const watch = cli(['--json', 'serve'], { cwd });
    expect(watch.code).toBe(3);
    expect(JSON.parse(watch.stdout).error.message).toContain('WATCH must be "on" or "off"');
    write(join(cwd, '.env'), `SLACK_MODE=http\nSLACK_BOT_TOKEN=xoxb-1-dotenv\nSLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5\nPORT=0\nHOST=127.0.0.1\nSLACK_API_URL=${url}\nLOG_LEVEL=error\n`);
    const r = cli(['--json', 'serve'], { cwd });
    expect(r.code).toBe(50);
    // stdout is also the bot's JSON log (one line per event); the error object comes last.
    expect(JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{\n  "error"'))).error).toMatchObject({ code: 'slack_unreachable', details: { url: `${url}auth.test`, errorCode: 'ECONNREFUSED' } });
    expect(r.stderr).toContain(`workerman-ops: Cannot reach Slack at ${url}auth.test: the connection was refused (ECONNREFUSED).`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);

  it('completion bash: valid bash, and in a real bash it completes commands, options, hosts, groups and files', () => {
    const script = write(join(TMP, 'workerman-ops.bash'), cli(['completion', 'bash']).stdout);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    const cwd = tempDir();
    write(join(cwd, 'saved-status.txt'), 'x');
    const config = write(join(cwd, 'ops.yml'), 'hosts:\n  - name: web-1\n    groups: [web]\n  - name: web-2\n    groups: [web]\n  - name: db-1\n');
    const tab = (...words: string[]): string[] => {
      const r = spawnSync('bash', [join(FIXTURES, 'bin', 'complete-in-bash.sh'), script, 'workerman-ops', ...words], {
        cwd,
        encoding: 'utf8',
        env: { PATH: `${join(FIXTURES, 'bin')}:${process.env.PATH}`, NODE: process.execPath, HOME, XDG_CONFIG_HOME: join(HOME, 'xdg') },
      });
      expect(r.stderr).toBe('');
      return r.stdout.split('\n').filter((l) => l !== '');
    };
    expect(tab('st')).toEqual(['status']);
    expect(tab('')).toContain('completion');
    expect(tab('status', '--q')).toEqual(['--qps']);
    expect(tab('--config', config, 'status', 'w')).toEqual(['web-1', 'web-2', 'web']);
    expect(tab('--config', config, 'trace', '')).toEqual(['web-1', 'web-2', 'db-1', 'local']);
    expect(tab('trace', 'web-1', '1', '--duration', '1')).toEqual(['10s', '1500ms', '1m']);
    expect(tab('status', '--from-file', 'sav')).toEqual(['saved-status.txt']);
    expect(tab('frobnicate', '')).toEqual([]);
  });

  it.skipIf(process.env.CI !== 'true' && spawnSync('shellcheck', ['-V']).status !== 0)('the bash completion script and its test drivers pass shellcheck', () => {
    const r = spawnSync('shellcheck', [join(REPO_ROOT, 'completion', 'workerman-ops.bash'), join(FIXTURES, 'bin', 'complete-in-bash.sh'), join(FIXTURES, 'bin', 'workerman-ops')], { encoding: 'utf8' });
    expect(r.stdout).toBe('');
    expect(r.status).toBe(0);
  });
});
