import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WatchProcess } from '../../../src/watch/types.js';
import { activityOf } from '../../../src/watch/window-series.js';
import { STATUS_FIXTURES } from '../../helpers/paths.js';

// What /proc says a worker is doing, checked against the captures' ground truth: the /proc state,
// wchan and syscall of the HTTP workers recorded while one of them was blocked on an upstream, slept
// in a handler, or spun on the CPU (Event/epoll loops in 3.5/4.1/5.2, the Select loop in 4.0).

interface ProcInfo {
  pid: number;
  in_syscall_name: string;
  wchan: string;
  state: string;
}

const cases = readdirSync(STATUS_FIXTURES)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ name: f, truth: JSON.parse(readFileSync(join(STATUS_FIXTURES, f), 'utf8')) as { blocked_pid?: number; expected?: { cpu_busy_pid?: number } | null; proc_info_of_http_workers?: ProcInfo[]; scenario: string } }))
  .filter((c) => c.truth.proc_info_of_http_workers !== undefined);

function proc(p: ProcInfo, withSyscall: boolean): WatchProcess {
  return {
    pid: p.pid, ppid: 1, startTicks: 1, state: p.state, cpuTicks: 0, rssBytes: 0, fds: 7, wchan: p.wchan,
    syscall: withSyscall ? p.in_syscall_name : null, role: 'worker', worker: 'HttpApi01', listen: null, isOrphan: false,
  };
}

describe('activityOf() on the captures\' /proc ground truth', () => {
  it('has captures to check (busy-upstream, busy-sleep, busy-cpu)', () => {
    expect(cases.length).toBeGreaterThanOrEqual(9);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s: the blocked worker is blocked, the spinning one running, the rest idle', (_, c) => {
    for (const p of c.truth.proc_info_of_http_workers!) {
      const want =
        p.pid === c.truth.blocked_pid || p.in_syscall_name === 'clock_nanosleep' ? 'blocked' : p.pid === c.truth.expected?.cpu_busy_pid ? 'running' : 'idle';
      expect(activityOf(proc(p, true)).activity, `pid ${p.pid} ${p.in_syscall_name}`).toBe(want);
    }
  });

  it('without /proc/PID/syscall (Yama, no sudo) the wchan decides: a sleep is blocked, a stream poll looks idle', () => {
    const upstream = cases.find((c) => c.name === 'wm4.1.17-busy-upstream.json')!.truth;
    const blocked = upstream.proc_info_of_http_workers!.find((p) => p.pid === upstream.blocked_pid)!;
    expect(activityOf(proc(blocked, true))).toEqual({ activity: 'blocked', call: 'poll (poll_schedule_timeout)' });
    // The known limit: select and poll sleep in the same kernel function.
    expect(activityOf(proc(blocked, false)).activity).toBe('idle');
    const sleeping = { pid: 1, in_syscall_name: 'clock_nanosleep', wchan: 'hrtimer_nanosleep', state: 'S' };
    expect(activityOf(proc(sleeping, false))).toEqual({ activity: 'blocked', call: 'hrtimer_nanosleep' });
  });

  it('a call resumed after a trace or a stop (restart_syscall) is blocked unless its wchan is the event loop', () => {
    const resumed = { pid: 1, in_syscall_name: 'restart_syscall', wchan: 'do_syscall_64', state: 'S' };
    expect(activityOf(proc(resumed, true))).toEqual({ activity: 'blocked', call: 'restart_syscall (do_syscall_64)' });
    expect(activityOf(proc({ ...resumed, wchan: 'do_epoll_wait' }, true)).activity).toBe('idle');
    expect(activityOf(proc({ ...resumed, wchan: 'my_loop_wait' }, true), new Set(['my_loop_wait'])).activity).toBe('idle');
    expect(activityOf(proc({ ...resumed, state: 'Z' }, true)).activity).toBe('unknown');
  });
});
