// The CLI's conventions as a table: (argv, env, terminal) → (stdout and stderr shape, exit code), through
// main() with a fake io (the built CLI is exercised in test/integration/cli/). Nothing here reaches a host:
// status reads a saved output, and the config search is pointed at an empty temp dir.
import { readFileSync } from 'node:fs';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { main, type CliIo } from '../../../src/cli/main.js';
import { REPO_ROOT, STATUS_FIXTURES } from '../../helpers/paths.js';

const EMPTY = mkdtempSync(join(tmpdir(), 'wo-cli-main-'));
afterAll(() => rmSync(EMPTY, { recursive: true, force: true }));

const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const STATUS_FILE = join(STATUS_FIXTURES, 'wm4.0.47-busy-upstream.out');
const ANSI = /\x1b\[[0-9;]*m/;

interface Terminal {
  tty?: boolean;
  columns?: number;
}

/** A stand-in for /proc with no process at all: no Workerman master runs on "this machine". */
const NO_PROCESSES = mkdtempSync(join(tmpdir(), 'wo-cli-proc-'));
afterAll(() => rmSync(NO_PROCESSES, { recursive: true, force: true }));

async function run(argv: string[], env: NodeJS.ProcessEnv = {}, terminal: Terminal = {}, procDir = NO_PROCESSES) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: terminal.tty ?? false, ...(terminal.columns === undefined ? {} : { columns: terminal.columns }) },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    stdin: Readable.from([]),
    // No config anywhere: HOME and the system file point into an empty temp dir.
    env: { HOME: EMPTY, ...env },
    cwd: EMPTY,
    systemConfigFile: join(EMPTY, 'etc-config.yml'),
    procDir,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

type Expect = { code: number; stdout?: RegExp | string; stderr?: RegExp | string; jsonError?: string };

function check(result: { code: number; stdout: string; stderr: string }, expected: Expect): void {
  expect(result.code).toBe(expected.code);
  const match = (text: string, want: RegExp | string | undefined) => {
    if (want === undefined) return;
    if (typeof want === 'string') expect(text).toContain(want);
    else expect(text).toMatch(want);
  };
  match(result.stdout, expected.stdout);
  match(result.stderr, expected.stderr);
  if (expected.jsonError !== undefined) {
    // Under --json: the error as JSON on stdout, always, and the human line on stderr.
    expect(JSON.parse(result.stdout)).toMatchObject({ error: { code: expected.jsonError, message: expect.any(String) } });
    expect(result.stderr).toMatch(/^workerman-ops: .* \(input_invalid\)\n$/);
  }
  // Never a stack trace, whatever went wrong.
  expect(`${result.stdout}${result.stderr}`).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/);
}

describe('main(): version and help', () => {
  it.each<[string[], Expect]>([
    [['--version'], { code: 0, stdout: `workerman-ops ${VERSION}\n` }],
    [['-V'], { code: 0, stdout: `workerman-ops ${VERSION}\n` }],
    [['status', '--version'], { code: 0, stdout: `workerman-ops ${VERSION}\n` }],
    [['--help'], { code: 0, stdout: /^workerman-ops: [^]*Commands:\n  status [^]*  connections [^]*  trace [^]*  hosts [^]*  doctor [^]*  setup-host [^]*  serve [^]*  completion [^]*  help / }],
    [['-h'], { code: 0, stdout: 'Synopses:' }],
    [['help'], { code: 0, stdout: 'Global options:' }],
    [[], { code: 2, stderr: /^workerman-ops: [^]*Synopses:/ }],
    [['status', '--help'], { code: 0, stdout: /^Usage:\n  workerman-ops status <host\|group\|all> \[--qps\] \[--json\]\n  workerman-ops status --from-file FILE/ }],
    [['help', 'status'], { code: 0, stdout: /--qps +run status twice about 1 s apart/ }],
    [['trace', '-h'], { code: 0, stdout: /1500ms[^]*strace\.maxDurationS \(30 s unless[^]*--save-log FILE keeps the raw strace output/ }],
    [['help', 'trace'], { code: 0, stdout: 'Exit codes: 0 ok, 2 bad arguments or duration' }],
    [['completion', '--help'], { code: 0, stdout: 'source <(workerman-ops completion bash)' }],
    [['help', 'stauts'], { code: 2, stderr: 'Unknown command "stauts". Did you mean "status"?' }],
  ])('main(%j) exits as expected', async (argv, expected) => {
    check(await run(argv), expected);
  });

  it('main(["--json", "--version"]) prints the version as JSON', async () => {
    const r = await run(['--json', '--version']);
    expect(JSON.parse(r.stdout)).toEqual({ name: 'workerman-ops', version: VERSION });
  });

  it('every command has its own help, naming its own options only', async () => {
    for (const command of ['status', 'connections', 'trace', 'hosts', 'doctor', 'setup-host', 'serve', 'completion']) {
      const r = await run([command, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout.split('\n')[1]).toMatch(new RegExp(`^  workerman-ops ${command}\\b`));
    }
    expect((await run(['hosts', '--help'])).stdout).not.toContain('--qps');
  });
});

describe('main(): bad input exits 2 with one clear line, and JSON under --json', () => {
  it.each<[string[], Expect]>([
    [['stauts', 'web-1'], { code: 2, stderr: 'Unknown command "stauts". Did you mean "status"? Commands: status, connections' }],
    [['stauts', '--json'], { code: 2, jsonError: 'input_invalid' }],
    [['frobnicate'], { code: 2, stderr: /Unknown command "frobnicate"\. Commands:/ }],
    [['status', '--jsn'], { code: 2, stderr: 'Unknown option --jsn. Did you mean --json? See workerman-ops status --help.' }],
    [['status', 'web-1', '--json', '--bogus'], { code: 2, jsonError: 'input_invalid' }],
    [['--bogus'], { code: 2, stderr: 'Unknown option --bogus. See workerman-ops --help.' }],
    [['hosts', '--qps'], { code: 2, stderr: '--qps is not an option here (it is one of status). See workerman-ops hosts --help.' }],
    [['trace', 'local', '1', '--duration'], { code: 2, stderr: '--duration needs a value: --duration DURATION. See workerman-ops trace --help.' }],
    [['trace', 'local', '1', '--duration', '--json'], { code: 2, jsonError: 'input_invalid' }],
    [['--json', '--config'], { code: 2, jsonError: 'input_invalid' }],
    [['status', '--json=yes', '--from-file', STATUS_FILE], { code: 2, stderr: '--json takes no value' }],
    [['status', '-x'], { code: 2, stderr: 'Unknown option -x.' }],
    [['status', 'a', 'b'], { code: 2, stderr: 'Expected: workerman-ops status <host|group|all> (unexpected "b"). See workerman-ops status --help.' }],
    [['trace', 'local'], { code: 2, stderr: 'missing <pid|worker>' }],
    [['trace', 'local', '1', '--duration', '5 years'], { code: 2, stderr: 'Cannot read duration "5 years": use e.g. 5s, 1500ms or 1m' }],
    [['completion', 'fish'], { code: 2, stderr: 'No completion for the shell "fish": use bash or zsh.' }],
    [['status', 'web-l'], { code: 4, stderr: /Unknown host "web-l"\. No config file was found \(looked for .*workerman-ops\.yml, .*config\.yml, .*etc-config\.yml\)/ }],
    [['status', 'locl'], { code: 4, stderr: 'Unknown host "locl". Did you mean "local"?' }],
  ])('main(%j) exits as expected', async (argv, expected) => {
    check(await run(argv), expected);
  });

  it('-- makes the rest positional, and - is stdin', async () => {
    expect((await run(['status', '--', '--json'])).stderr).toContain('Unknown host "--json"');
    const r = await run(['status', '--from-file', '-']);
    expect(r.code).toBe(24); // an empty stdin is no status output
  });
});

describe('main(): colour and width', () => {
  const status = (env: NodeJS.ProcessEnv, terminal: Terminal, extra: string[] = []) => run(['status', '--from-file', STATUS_FILE, ...extra], env, terminal);

  it.each<[string, NodeJS.ProcessEnv, Terminal, string[], boolean]>([
    ['a terminal', {}, { tty: true }, [], true],
    ['piped', {}, { tty: false }, [], false],
    ['NO_COLOR=1 on a terminal', { NO_COLOR: '1' }, { tty: true }, [], false],
    ['NO_COLOR empty on a terminal (ignored)', { NO_COLOR: '' }, { tty: true }, [], true],
    ['FORCE_COLOR=1 piped', { FORCE_COLOR: '1' }, { tty: false }, [], true],
    ['FORCE_COLOR=0 on a terminal', { FORCE_COLOR: '0' }, { tty: true }, [], false],
    ['TERM=dumb on a terminal', { TERM: 'dumb' }, { tty: true }, [], false],
    ['--no-color on a terminal', {}, { tty: true }, ['--no-color'], false],
    ['--color piped', {}, { tty: false }, ['--color'], true],
    ['--color then --no-color', {}, { tty: false }, ['--color', '--no-color'], false],
  ])('status output has colour: %s', async (_why, env, terminal, extra, coloured) => {
    const r = await status(env, terminal, extra);
    expect(r.code).toBe(0);
    expect(ANSI.test(r.stdout)).toBe(coloured);
  });

  it('on an 80-column terminal every line fits and one line says what gave way', async () => {
    const r = await status({}, { tty: true, columns: 80 });
    const lines = r.stdout.replace(/\x1b\[[0-9;]*m/g, '').trimEnd().split('\n');
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(lines.at(-1)).toMatch(/^\(fit to 80 columns: .*SEND_FAIL.* hidden/);
  });

  it('piped output is never cut, whatever the terminal was; COLUMNS cuts it on purpose', async () => {
    const piped = await status({}, { tty: false, columns: 80 });
    expect(Math.max(...piped.stdout.split('\n').map((l) => l.length))).toBeGreaterThan(100);
    expect(piped.stdout).not.toContain('fit to');
    const narrow = await status({ COLUMNS: '72' }, { tty: false });
    expect(Math.max(...narrow.stdout.split('\n').map((l) => l.length))).toBeLessThanOrEqual(72);
  });
});

/** A stand-in for /proc with one process titled as a Workerman master (and one that is not). */
const withMaster = mkdtempSync(join(tmpdir(), 'wo-cli-proc-'));
mkdirSync(join(withMaster, '4242'));
writeFileSync(join(withMaster, '4242', 'cmdline'), 'WorkerMan: master process  start_file=/srv/app/start.php\0');
mkdirSync(join(withMaster, '17'));
writeFileSync(join(withMaster, '17', 'cmdline'), 'sshd\0-D\0');
afterAll(() => rmSync(withMaster, { recursive: true, force: true }));

describe('main(): the built-in local host in hosts and all', () => {
  it('with no Workerman master here and no config, hosts lists nothing and says why; status all exits 4, not 5', async () => {
    const hosts = await run(['hosts']);
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).not.toMatch(/^local /m);
    expect(hosts.stdout).toContain('(the built-in host local is left out, and out of "all": no Workerman app runs on this machine; `status local` still asks it)');
    expect(JSON.parse((await run(['hosts', '--json'])).stdout)).toEqual([]);
    const all = await run(['status', 'all', '--json']);
    expect(all.code).toBe(4);
    expect(JSON.parse(all.stdout)).toMatchObject({ error: { code: 'host_unknown', message: expect.stringContaining('the built-in host `local` is left out: no Workerman app runs on this machine') } });
  });

  it('with a Workerman master here, local is listed (and in all: test/unit/config/local-host.test.ts)', async () => {
    const hosts = await run(['hosts', '--json'], {}, {}, withMaster);
    expect(hosts.code).toBe(0);
    expect(JSON.parse(hosts.stdout)).toEqual([expect.objectContaining({ name: 'local', transport: 'local', target: 'this machine' })]);
    expect((await run(['hosts'], {}, {}, withMaster)).stdout).not.toContain('left out');
  });

  it('a config that names local keeps it in hosts and all whatever runs here', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wo-cli-local-'));
    try {
      const config = join(dir, 'ops.yml');
      writeFileSync(config, 'hosts:\n  - name: local\n    description: this box\n  - name: web-1\n    workerman: { startFile: /srv/app/start.php }\n');
      const hosts = await run(['hosts', '--json', '--config', config]);
      expect(JSON.parse(hosts.stdout).map((h: { name: string }) => h.name)).toEqual(['local', 'web-1']);
      const listed = await run(['hosts', '--config', config]);
      expect(listed.stdout).not.toContain('left out');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('main(): config search and completion', () => {
  it('hosts says which file was used, or where it looked', async () => {
    const r = await run(['hosts'], {}, {}, withMaster);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^HOST +TARGET +START FILE +DESCRIPTION\nlocal +this machine/);
    expect(r.stdout).toContain(`(no config file: only the built-in host; looked for ${join(EMPTY, 'workerman-ops.yml')}, ${join(EMPTY, '.config', 'workerman-ops', 'config.yml')}`);
  });

  it('completion bash prints the script; __complete offers commands, options and host names', async () => {
    expect((await run(['completion', 'bash'])).stdout).toContain('complete -F _workerman_ops workerman-ops');
    expect((await run(['completion', 'zsh'])).stdout).toMatch(/^#compdef workerman-ops\n/);
    const complete = async (...words: string[]) => (await run(['__complete', 'bash', String(words.length), 'workerman-ops', ...words])).stdout;
    expect(await complete('st')).toBe('status\n');
    expect(await complete('status', '--j')).toBe('--json\n');
    expect(await complete('status', 'lo')).toBe('local\n');
    expect(await complete('status', '')).toBe('local\nall\n');
  });
});
