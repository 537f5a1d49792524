import { describe, expect, it } from 'vitest';
import { summarizeStrace } from '../../../src/strace/summarize.js';
import type { LiveEvidence, ProcSnapshot } from '../../../src/strace/types.js';
import { linesOf, loadStraceFixtures } from './fixture-helpers.js';

const fixtures = new Map(loadStraceFixtures().map((f) => [f.name, f]));
const T0 = Date.UTC(2026, 10, 26, 4, 43, 0);

function fixtureLines(name: string): string[] {
  const f = fixtures.get(name);
  if (f === undefined) throw new Error(`fixture ${name} missing`);
  return linesOf(f.text);
}

function snapshot(over: Partial<ProcSnapshot> & { pid: number }): ProcSnapshot {
  return {
    takenAtMs: T0,
    exists: true,
    state: 'S',
    tracerPid: 0,
    cpuTicks: 12,
    clockTicksPerSecond: 100,
    syscall: null,
    syscallRaw: null,
    wchan: null,
    fds: {},
    sockets: {},
    ...over,
  };
}

// fds and sockets of wm5.2.2 HttpApi01 pid 21134 blocked on the never-answering upstream
// (fd_listing_during_trace and ss_during_trace of wm5.2.2-blocked-upstream-attached-late-f-tt-T-yy.json).
const upstreamFds = {
  0: '/dev/null', 1: '/srv/wm/run/v5.2.2/main.stdout', 2: 'anon_inode:[eventpoll]', 3: '/srv/wm/apps/v5.2.2/start.php',
  4: 'pipe:[42933]', 5: 'socket:[42929]', 6: 'pipe:[42933]', 7: 'socket:[46963]', 8: 'socket:[46964]',
};
const upstreamSockets: ProcSnapshot['sockets'] = {
  42929: { inode: 42929, protocol: 'TCP', local: '127.0.0.1:18700', peer: null, state: 'LISTEN' },
  46963: { inode: 46963, protocol: 'TCP', local: '127.0.0.1:18700', peer: '127.0.0.1:59170', state: 'ESTAB' },
  46964: { inode: 46964, protocol: 'TCP', local: '127.0.0.1:39208', peer: '127.0.0.1:18790', state: 'ESTAB' },
};

describe('decideVerdict() with live evidence', () => {
  it('attached late to a worker blocked on an upstream: blocked in poll on fd 8 with the peer', async () => {
    const live: LiveEvidence = {
      // Before the trace /proc said 7 (poll); while traced it says 219 (restart_syscall).
      before: [snapshot({ pid: 21134, syscall: { nr: 7, name: 'poll', args: ['0x7fffb2e64950', '0x1', '0x7530'] }, syscallRaw: '7 0x7fffb2e64950 0x1 0x7530 0x2 0xbb 0x2 0x7fffb2e64938 0x7f161df1a230', wchan: 'poll_schedule_timeout.constprop.0', cpuTicks: 12, fds: upstreamFds, sockets: upstreamSockets })],
      after: [snapshot({ pid: 21134, takenAtMs: T0 + 3000, syscall: { nr: 219, name: 'restart_syscall', args: ['0x7fffb2e64950'] }, syscallRaw: '219 0x7fffb2e64950 0x1 0x7530', wchan: 'poll_schedule_timeout.constprop.0', cpuTicks: 13, fds: upstreamFds, sockets: upstreamSockets })],
    };
    const summary = await summarizeStrace(fixtureLines('wm5.2.2-blocked-upstream-attached-late-f-tt-T-yy'), { pids: [21134], durationMs: 3000, live });
    expect(summary.verdict).toMatchObject({ state: 'blocked', syscall: 'poll', fd: 8, peer: '127.0.0.1:18790', waitedMs: 3000 });
    expect(summary.verdict.text).toBe('Blocked for at least 3.0 s in poll on fd 8 (TCP 127.0.0.1:39208 -> 127.0.0.1:18790), still waiting when the trace ended');
    expect(summary.verdict.evidence.join('\n')).toContain('/proc/21134/syscall: 7 (poll)');
  });

  it('attached late with only wchan evidence still names poll and the upstream', async () => {
    const s = snapshot({ pid: 21134, syscall: { nr: 219, name: null, args: [] }, wchan: 'poll_schedule_timeout.constprop.0', fds: upstreamFds, sockets: upstreamSockets });
    const summary = await summarizeStrace(fixtureLines('wm5.2.2-blocked-upstream-attached-late-f-tt-T-yy'), { pids: [21134], durationMs: 3000, live: { before: [s], after: [s] } });
    expect(summary.verdict).toMatchObject({ state: 'blocked', syscall: 'poll', fd: 8, peer: '127.0.0.1:18790' });
  });

  it('attached late to a worker in PHP sleep(): sleeping in clock_nanosleep', async () => {
    const fds = { 2: 'anon_inode:[eventpoll]', 5: 'socket:[42929]', 7: 'socket:[44669]' };
    const sockets: ProcSnapshot['sockets'] = {
      42929: { inode: 42929, protocol: 'TCP', local: '127.0.0.1:18700', peer: null, state: 'LISTEN' },
      44669: { inode: 44669, protocol: 'TCP', local: '127.0.0.1:18700', peer: '127.0.0.1:59186', state: 'ESTAB' },
    };
    const live: LiveEvidence = {
      before: [snapshot({ pid: 21135, syscall: { nr: 230, name: 'clock_nanosleep', args: ['0x0', '0x0', '0x7fffb2e64a50'] }, wchan: 'hrtimer_nanosleep', cpuTicks: 4, fds, sockets })],
      after: [snapshot({ pid: 21135, takenAtMs: T0 + 3000, syscall: { nr: 219, name: null, args: [] }, wchan: 'do_syscall_64', cpuTicks: 4, fds, sockets })],
    };
    const summary = await summarizeStrace(fixtureLines('wm5.2.2-blocked-sleep-attached-late-f-tt-T-yy'), { pids: [21135], durationMs: 3000, live });
    expect(summary.verdict).toMatchObject({ state: 'sleeping', syscall: 'clock_nanosleep', waitedMs: 3000 });
    expect(summary.verdict.evidence.join('\n')).toContain('230 (clock_nanosleep)');
  });

  it('a timer-only worker in clock_nanosleep with no sockets is idle, not sleeping', async () => {
    const s = snapshot({ pid: 25237, syscall: { nr: 230, name: 'clock_nanosleep', args: [] }, fds: { 0: '/dev/null', 1: '/dev/null' } });
    const summary = await summarizeStrace(['strace: Process 25237 attached', '04:54:29.450202 restart_syscall(<... resuming interrupted read ...>strace: Process 25237 detached', ' <detached ...>'], {
      pids: [25237], durationMs: 3000, live: { before: [s], after: [s] }, roles: { 25237: { role: 'worker', workerName: 'cron_jobs', listen: null } },
    });
    expect(summary.verdict.state).toBe('idle');
    expect(summary.verdict.text).toMatch(/timer/);
  });

  it('cpu-busy attached late with CPU ticks rising: cpu-bound', async () => {
    // wm5.2.2 cpu-busy: 30 ticks in 0.3 s before the trace; utime 1381 during it; /proc/PID/syscall "running".
    const live: LiveEvidence = {
      before: [snapshot({ pid: 21135, state: 'R', cpuTicks: 1100, syscallRaw: 'running', wchan: '0' })],
      after: [snapshot({ pid: 21135, state: 'R', takenAtMs: T0 + 3026, cpuTicks: 1398, syscallRaw: 'running', wchan: '0' })],
    };
    const summary = await summarizeStrace(fixtureLines('wm5.2.2-cpu-busy-attached-late-f-tt-T-yy'), { pids: [21135], durationMs: 3000, live });
    expect(summary.verdict.state).toBe('cpu-bound');
    expect(summary.verdict.text).toMatch(/^CPU-bound: no syscalls during the trace while CPU time rose by 3\.0 s in 3\.0 s \(98%\)$/);
  });

  it('cpu-busy after a request with CPU rising: cpu-bound; without CPU rising: silent', async () => {
    const busy: LiveEvidence = {
      before: [snapshot({ pid: 21134, cpuTicks: 10 })],
      after: [snapshot({ pid: 21134, takenAtMs: T0 + 3000, cpuTicks: 230 })],
    };
    const lines = fixtureLines('wm5.2.2-cpu-busy-f-tt-T-yy');
    expect((await summarizeStrace(lines, { pids: [21134], durationMs: 3000, live: busy })).verdict.state).toBe('cpu-bound');
    const still: LiveEvidence = { before: [snapshot({ pid: 21134, cpuTicks: 10 })], after: [snapshot({ pid: 21134, takenAtMs: T0 + 3000, cpuTicks: 11 })] };
    expect((await summarizeStrace(lines, { pids: [21134], durationMs: 3000, live: still })).verdict.state).toBe('silent');
  });

  it('attach errors become not-traced; EPERM with a TracerPid says already traced', async () => {
    const traced: LiveEvidence = {
      before: [snapshot({ pid: 22850, tracerPid: 22849 })],
      after: [snapshot({ pid: 22850, tracerPid: 22849 })],
      attachError: { code: 'not_permitted', message: 'strace: attach: ptrace(PTRACE_SEIZE, 22850): Operation not permitted' },
    };
    const v1 = (await summarizeStrace(fixtureLines('wm5.2.2-err-already-traced-plain'), { pids: [22850], live: traced })).verdict;
    expect(v1.state).toBe('not-traced');
    expect(v1.text).toMatch(/already traced by pid 22849/);
    const gone: LiveEvidence = { before: [], after: [], attachError: { code: 'no_such_process', message: 'strace: attach: ptrace(PTRACE_SEIZE, 32761): No such process' } };
    expect((await summarizeStrace([], { pids: [32761], live: gone })).verdict.text).toMatch(/does not exist/);
  });

  it('plain traces get fd descriptions and peers from the live socket table', async () => {
    const live: LiveEvidence = {
      before: [snapshot({ pid: 21135, fds: { ...upstreamFds, 7: 'socket:[44763]', 8: 'socket:[46583]' }, sockets: {
        44763: { inode: 44763, protocol: 'TCP', local: '127.0.0.1:18700', peer: '127.0.0.1:38986', state: 'ESTAB' },
        46583: { inode: 46583, protocol: 'TCP', local: '127.0.0.1:52468', peer: '127.0.0.1:18790', state: 'ESTAB' },
      } })],
      after: [],
    };
    const summary = await summarizeStrace(fixtureLines('wm5.2.2-blocked-upstream-plain'), { pids: [21135], durationMs: 3000, live });
    expect(summary.verdict).toMatchObject({ state: 'blocked', fd: 8, peer: '127.0.0.1:18790' });
    expect(summary.verdict.text).toContain('TCP 127.0.0.1:52468 -> 127.0.0.1:18790');
    expect(summary.fds.find((f) => f.fd === 7)?.description).toBe('TCP 127.0.0.1:18700 -> 127.0.0.1:38986');
  });
});
