import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { isMarkerRunning, markerGoneWithin } from '../../helpers/proc-status.js';

/**
 * A unique extra argument for GNU `sleep` (it adds its arguments up), so `pgrep -f` can find exactly the
 * sleeps this test started and nothing else.
 */
function sleepMarker(): string {
  return `0.000${process.pid}${Date.now() % 1_000_000}${Math.floor(Math.random() * 1000)}`;
}

describe('LocalTransport', () => {
  const transport = new LocalTransport({ killGraceMs: 500 });
  let dir = '';

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wmops-local-'));
  });
  afterAll(async () => {
    await transport.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('run() returns stdout, stderr and the exit code without a shell', async () => {
    const result = await transport.run(['sh', '-c', 'printf "out\\n"; printf "err\\n" >&2; exit 3'], { timeoutMs: 5_000 });
    expect(result).toMatchObject({ exitCode: 3, signal: null, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
    // argv words are not parsed by any shell.
    const echoed = await transport.run(['printf', '%s|', '$(id)', '`id`', 'a b', ''], { timeoutMs: 5_000 });
    expect(echoed.stdout).toBe('$(id)|`id`|a b||');
  });

  it('run() uses cwd and writes input to stdin', async () => {
    await writeFile(join(dir, 'here.txt'), 'x');
    expect((await transport.run(['ls'], { timeoutMs: 5_000, cwd: dir })).stdout).toBe('here.txt\n');
    expect((await transport.run(['cat'], { timeoutMs: 5_000, input: 'héllo\nworld' })).stdout).toBe('héllo\nworld');
    // Without input, stdin is closed at once: cat ends instead of waiting.
    expect((await transport.run(['cat'], { timeoutMs: 5_000 })).exitCode).toBe(0);
  });

  it('run() caps collected output at maxOutputBytes and still waits for the exit', async () => {
    const result = await transport.run(['sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" a; exit 4'], {
      timeoutMs: 5_000,
      maxOutputBytes: 1000,
    });
    expect(result.stdout).toBe('a'.repeat(1000));
    expect(result.exitCode).toBe(4);
  });

  it('run() reports a missing program, a bad cwd and an empty argv like a shell would', async () => {
    const missing = await transport.run(['no-such-program-wmops'], { timeoutMs: 5_000 });
    expect(missing.exitCode).toBe(127);
    expect(missing.stderr).toContain('no-such-program-wmops: command not found');
    const badCwd = await transport.run(['ls'], { timeoutMs: 5_000, cwd: join(dir, 'nope') });
    expect(badCwd.exitCode).toBe(2);
    expect(badCwd.stderr).toContain('No such file or directory');
    await expect(transport.run([], { timeoutMs: 1_000 })).rejects.toBeInstanceOf(BotError);
    await expect(transport.run(['echo', 'a\0b'], { timeoutMs: 1_000 })).rejects.toThrow(/NUL/);
  });

  it('run() past its deadline kills the child and its children and says timedOut', async () => {
    const marker = sleepMarker();
    const started = Date.now();
    // Seen alive mid-run, so the check after the deadline is not vacuous.
    let wasAlive = false;
    setTimeout(() => (wasAlive = isMarkerRunning(marker)), 250);
    // The shell starts a grandchild; killing only the shell would leave `sleep` running.
    const result = await transport.run(['sh', '-c', `sleep 300 ${marker} & sleep 301 ${marker}; wait`], { timeoutMs: 500 });
    expect(result.stderr).toBe('');
    const elapsedMs = Date.now() - started;
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(elapsedMs).toBeLessThan(3_000);
    expect(wasAlive).toBe(true);
    expect(await markerGoneWithin(marker, 3_000)).toBe(true);
  });

  it('run() past its deadline uses SIGKILL for a child that ignores SIGTERM', async () => {
    const result = await transport.run(['sh', '-c', 'trap "" TERM; sleep 30 & wait; sleep 30'], { timeoutMs: 300 });
    expect(result.timedOut).toBe(true);
    expect(result.durationMs).toBeLessThan(3_000);
  });

  it('run() ends the command when its AbortSignal fires', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const result = await transport.run(['sleep', '30'], { timeoutMs: 10_000, signal: controller.signal });
    expect(result.timedOut).toBe(false);
    expect(result.signal).toBe('SIGTERM');
    expect(result.durationMs).toBeLessThan(3_000);
  });

  it('lines() yields lines while the command is still running', async () => {
    const script = 'for i in 1 2 3; do echo "line $i"; sleep 0.3; done; echo "to stderr" >&2; exit 5';
    const stream = transport.lines(['sh', '-c', script], { timeoutMs: 10_000 });
    const started = Date.now();
    const seen: Array<{ line: string; atMs: number }> = [];
    for await (const line of stream) seen.push({ line, atMs: Date.now() - started });
    expect(seen.map((s) => s.line)).toEqual(['line 1', 'line 2', 'line 3']);
    // The first line arrived long before the command ended (about 900 ms).
    expect(seen[0]!.atMs).toBeLessThan(600);
    const end = await stream.done;
    expect(end).toMatchObject({ exitCode: 5, timedOut: false, otherOutput: 'to stderr\n' });
    expect(end.durationMs).toBeGreaterThanOrEqual(800);
  });

  it('lines() streams stderr when asked and collects stdout as the other output', async () => {
    const stream = transport.lines(['sh', '-c', 'echo a >&2; echo b; printf "c" >&2'], { timeoutMs: 5_000, stream: 'stderr' });
    const lines: string[] = [];
    for await (const line of stream) lines.push(line);
    expect(lines).toEqual(['a', 'c']);
    expect((await stream.done).otherOutput).toBe('b\n');
  });

  it('lines() stops the command when the consumer leaves the loop early', async () => {
    const marker = sleepMarker();
    const stream = transport.lines(['sh', '-c', `while true; do echo tick; sleep 0.05 ${marker}; done`], { timeoutMs: 30_000 });
    let count = 0;
    for await (const line of stream) {
      expect(line).toBe('tick');
      count += 1;
      if (count === 3) break;
    }
    const end = await stream.done;
    expect(end.timedOut).toBe(false);
    expect(end.durationMs).toBeLessThan(5_000);
    expect(await markerGoneWithin(marker, 3_000)).toBe(true);
  });

  it('lines() ends at the deadline with timedOut and keeps the lines seen so far', async () => {
    const stream = transport.lines(['sh', '-c', 'echo first; sleep 30'], { timeoutMs: 400 });
    const lines: string[] = [];
    for await (const line of stream) lines.push(line);
    expect(lines).toEqual(['first']);
    expect((await stream.done).timedOut).toBe(true);
  });

  it('lines() keeps up with a fast producer without losing lines', async () => {
    const stream = transport.lines(['seq', '1', '200000'], { timeoutMs: 20_000 });
    let count = 0;
    let last = '';
    for await (const line of stream) {
      count += 1;
      last = line;
      // A slow consumer now and then: the source pauses instead of queueing everything.
      if (count % 50_000 === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(count).toBe(200_000);
    expect(last).toBe('200000');
    expect((await stream.done).exitCode).toBe(0);
  });
});
