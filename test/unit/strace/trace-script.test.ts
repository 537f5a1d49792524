import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTraceArgv, formatSeconds, TRACE_MARKER, TRACE_SCRIPT, type TraceScriptParams } from '../../../src/strace/trace-script.js';

const execFileAsync = promisify(execFile);

const params: TraceScriptParams = {
  nonce: '0123456789abcdef',
  stracePath: 'strace',
  sudo: false,
  durationS: 1.5,
  stringLimit: 32,
  maxOutputBytes: 1 << 20,
  maxConcurrent: 2,
  syscallLimit: 16_384,
  startFile: '/srv/wm/apps/v5.2.2/start.php',
  knownPids: [],
  pids: [4242],
};

/** Runs the script with sh (no strace is started: these cases stop in the preflight). */
async function runScript(argv: string[]): Promise<{ code: number; lines: string[] }> {
  const [file, ...args] = argv;
  const result = await execFileAsync(file!, args, { timeout: 15_000 }).then(
    (r) => ({ code: 0, stdout: r.stdout }),
    (e: { code?: number; stdout?: string }) => ({ code: e.code ?? -1, stdout: e.stdout ?? '' }),
  );
  return { code: result.code, lines: result.stdout.split('\n').filter((l) => l !== '') };
}

function errorLine(lines: string[]): string | undefined {
  return lines.find((l) => l.startsWith(`${TRACE_MARKER}error `));
}

describe('buildTraceArgv()', () => {
  it('buildTraceArgv() runs the constant script with every value as a positional argument', () => {
    const argv = buildTraceArgv({ ...params, knownPids: [7, 8], pids: [4242, 4243] });
    expect(argv.slice(0, 4)).toEqual(['sh', '-c', TRACE_SCRIPT, 'workerman-ops-trace']);
    expect(argv.slice(4)).toEqual([
      '0123456789abcdef', 'strace', '0', '1.5', '0.75', '32', '1048576', '2', '16384', '/srv/wm/apps/v5.2.2/start.php', '7 8', '4242', '4243',
    ]);
  });

  it('buildTraceArgv() leaves the script text the same whatever the values (nothing is interpolated)', () => {
    const argv = buildTraceArgv({ ...params, startFile: "/srv/it's $(id)/start.php" });
    expect(argv[2]).toBe(TRACE_SCRIPT);
    expect(TRACE_SCRIPT).not.toContain('$(id)');
  });

  it('buildTraceArgv() refuses values the script could misread', () => {
    expect(() => buildTraceArgv({ ...params, pids: [0] })).toThrow(RangeError);
    expect(() => buildTraceArgv({ ...params, pids: [4_194_305] })).toThrow(RangeError);
    expect(() => buildTraceArgv({ ...params, pids: [] })).toThrow(RangeError);
    expect(() => buildTraceArgv({ ...params, nonce: 'NOT-HEX' })).toThrow(RangeError);
    expect(() => buildTraceArgv({ ...params, stracePath: 'strace; id' })).toThrow(RangeError);
    expect(() => buildTraceArgv({ ...params, durationS: 0 })).toThrow(RangeError);
    expect(() => buildTraceArgv({ ...params, startFile: '/srv/a\nb' })).toThrow(RangeError);
  });

  it('formatSeconds() prints what timeout and sleep accept: no exponent, at most 3 decimals', () => {
    expect(formatSeconds(30)).toBe('30');
    expect(formatSeconds(1.5)).toBe('1.5');
    expect(formatSeconds(0.25)).toBe('0.25');
    expect(formatSeconds(1 / 3)).toBe('0.333');
    expect(formatSeconds(1e-7)).toBe('0.001');
  });
});

describe('TRACE_SCRIPT (run with sh, refusals only)', () => {
  let dir: string;
  let other: ReturnType<typeof spawn>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wmops-trace-script-'));
    other = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(async () => {
    other.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
  });

  it('TRACE_SCRIPT is valid POSIX sh', async () => {
    await expect(execFileAsync('sh', ['-n', '-c', TRACE_SCRIPT])).resolves.toBeDefined();
  });

  it('TRACE_SCRIPT says strace_missing when the configured strace does not exist', async () => {
    const { code, lines } = await runScript(buildTraceArgv({ ...params, stracePath: '/nonexistent/strace' }));
    expect(code).toBe(3);
    expect(lines[0]).toBe(`${TRACE_MARKER}hello 1 ${params.nonce}`);
    expect(errorLine(lines)).toBe(`${TRACE_MARKER}error strace_missing - strace_missing /nonexistent/strace`);
  });

  it('TRACE_SCRIPT detects --syscall-limit support from strace -V (6.3+) and refuses a missing pid', async () => {
    const fake = join(dir, 'strace');
    await writeFile(fake, '#!/bin/sh\necho "strace -- version 6.5"\n');
    await chmod(fake, 0o755);
    const { lines } = await runScript(buildTraceArgv({ ...params, stracePath: fake, pids: [4_194_000] }));
    expect(lines).toContain(`${TRACE_MARKER}info strace_version strace -- version 6.5`);
    expect(lines).toContain(`${TRACE_MARKER}info syscall_limit 1`);
    expect(errorLine(lines)).toBe(`${TRACE_MARKER}error pid_not_found 4194000 gone `);
  });

  it('TRACE_SCRIPT refuses a process that is not Workerman and quotes its command line', async () => {
    const { lines } = await runScript(buildTraceArgv({ ...params, pids: [other.pid!] }));
    expect(errorLine(lines)).toBe(`${TRACE_MARKER}error pid_not_workerman ${other.pid} title sleep 30 `);
  });

  it('TRACE_SCRIPT re-checks its arguments: a pid that is not a number never reaches a command', async () => {
    const marker = join(dir, 'pwned');
    const argv = buildTraceArgv(params);
    argv[argv.length - 1] = `1;touch ${marker}`;
    const { code, lines } = await runScript(argv);
    expect(code).toBe(3);
    expect(errorLine(lines)).toMatch(/^@@wmops:error input_invalid 1;touch .* bad_pid/);
    expect(existsSync(marker)).toBe(false);
  });

  it('TRACE_SCRIPT treats a start file with shell syntax as plain text', async () => {
    const marker = join(dir, 'pwned2');
    const { lines } = await runScript(buildTraceArgv({ ...params, startFile: `/srv/$(touch ${marker})/start.php`, pids: [other.pid!] }));
    expect(errorLine(lines)).toContain('pid_not_workerman');
    expect(existsSync(marker)).toBe(false);
  });
});
