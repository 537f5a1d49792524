import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

// What /proc says about a process the tests started or traced (Linux only, as the trace tests are).

/** TracerPid and state letter from /proc/PID/status, or null when the process is gone. */
export function procStatus(pid: number): { state: string; tracerPid: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const state = /^State:\s*(\S)/m.exec(text)?.[1] ?? '?';
  const tracerPid = Number(/^TracerPid:\s*(\d+)/m.exec(text)?.[1] ?? '-1');
  return { state, tracerPid };
}

/** The pid tracing `pid` (0: nobody), or null when the process is gone. */
export function tracerOf(pid: number): number | null {
  return procStatus(pid)?.tracerPid ?? null;
}

/** True while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  try {
    return !/\) [ZX] /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

/** Polls until nobody traces `pid` (or it is gone); the ms that took after `since`, or Infinity after `limitMs`. */
export async function untracedWithin(pid: number, limitMs: number, since = performance.now()): Promise<number> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if ((tracerOf(pid) ?? 0) === 0) return performance.now() - since;
    await sleep(50);
  }
  return Number.POSITIVE_INFINITY;
}

/** True while any process has `marker` on its command line (`pgrep -f`, which exits 1 when none). */
export function isMarkerRunning(marker: string): boolean {
  try {
    execFileSync('pgrep', ['-f', marker], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Polls until no process has `marker` on its command line: true, or false when `limitMs` ran out first. */
export async function markerGoneWithin(marker: string, limitMs: number): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (!isMarkerRunning(marker)) return true;
    await sleep(50);
  }
  return !isMarkerRunning(marker);
}
