import { describe, expect, it } from 'vitest';
import { parseProcSnapshot } from '../../../src/strace/parse-proc.js';
import { summarizeStrace, summarizeStraceChunks } from '../../../src/strace/summarize.js';
import type { SyscallArch } from '../../../src/strace/syscall-names.js';
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
    arch: 'x86_64',
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

/*
 * A real re-trace on this project's VM (kernel 6.18, x86_64, strace 6.1): a `fake-workerman` worker in
 * `sleep` mode (PHP sleep() in a handler, a listening socket) traced twice with
 * `timeout -s INT 2 strace -f -tt -T -yy -p PID`, /proc read before, between and after. Before the first
 * trace /proc said 230 (clock_nanosleep) in hrtimer_nanosleep; from the first attach on, and after both
 * detached, it said 219 (restart_syscall) in do_syscall_64, the registers still holding clock_nanosleep's
 * arguments (CLOCK_REALTIME = 0x0 looks like fd 0). Both traces showed the same single line.
 * (Its stdout/stderr were a file of the test run: shown as a pipe here.)
 */
const RETRACE_PID = 22527;
const retraceLines = [
  `strace: Process ${RETRACE_PID} attached`,
  `09:47:49.730048 restart_syscall(<... resuming interrupted read ...>strace: Process ${RETRACE_PID} detached`,
  ' <detached ...>',
];
const retraceProc = (syscall: string, wchan: string): string[] => [
  `stat ${RETRACE_PID} (WorkerMan: work) S 22525 22522 9989 0 -1 4194368 236 0 0 0 0 0 0 0 20 0 1 0 82130 11419648 1618`,
  'status State:\tS (sleeping)',
  'status TracerPid:\t0',
  `syscall ${syscall}`,
  `wchan ${wchan}`,
  'fd lr-x------ 1 root root 64 Nov 30 09:47 0 -> /dev/null',
  'fd l-wx------ 1 root root 64 Nov 30 09:47 1 -> pipe:[49450]',
  'fd l-wx------ 1 root root 64 Nov 30 09:47 2 -> pipe:[49450]',
  'fd lrwx------ 1 root root 64 Nov 30 09:47 3 -> socket:[48895]',
  'fd lr-x------ 1 root root 64 Nov 30 09:47 10 -> /dev/null',
  'fd l-wx------ 1 root root 64 Nov 30 09:47 251 -> pipe:[49456]',
  'net tcp    0: 0100007F:AEC3 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 48895 1 00000000fcc9cf92 100 0 0 10 0',
];
const RESTART_RAW = '219 0x0 0x0 0x7fff7181fd50 0x7fff7181fd50 0x0 0x118 0x7fff7181fd38 0x7fdf58cb1503';
const SLEEP_RAW = '230 0x0 0x0 0x7fff7181fd50 0x7fff7181fd50 0x0 0x118 0x7fff7181fd38 0x7fdf58cb1503';
const retraceRoles = { [RETRACE_PID]: { role: 'worker' as const, workerName: 'w1', listen: 'http://127.0.0.1:44739' } };

function procSnapshot(pid: number, takenAtMs: number, lines: string[], arch: SyscallArch | null = 'x86_64'): ProcSnapshot {
  return parseProcSnapshot({ pid, takenAtMs, clockTicksPerSecond: 100, arch }, lines);
}

describe('decideVerdict() on restart_syscall: never blocked without a call that blocks', () => {
  it('a re-traced worker sleeping in PHP sleep() is waiting (sleeping or blocked), not blocked', async () => {
    const live: LiveEvidence = {
      before: [procSnapshot(RETRACE_PID, T0, retraceProc(RESTART_RAW, 'do_syscall_64'))],
      after: [procSnapshot(RETRACE_PID, T0 + 2000, retraceProc(RESTART_RAW, 'do_syscall_64'))],
    };
    const v = (await summarizeStrace(retraceLines, { pids: [RETRACE_PID], durationMs: 2000, live, roles: retraceRoles })).verdict;
    expect(v).toEqual({
      state: 'waiting',
      text: 'Waiting in one call for at least 2.0 s, since before the trace started: sleeping or blocked, the trace cannot tell which call',
      evidence: [
        `/proc/${RETRACE_PID}/syscall: 219 (restart_syscall), wchan do_syscall_64: the kernel is resuming an interrupted call and names neither it nor its fd`,
        'the trace shows only restart_syscall: the call began before strace attached',
        'restart_syscall resumes only an interrupted poll(), nanosleep()/clock_nanosleep() or timed futex() wait; which one, and on what, is not visible',
        `/proc/${RETRACE_PID}/syscall said restart_syscall before this trace attached: an earlier trace (or a stop) interrupted the call, and it stays restart_syscall until it returns`,
        'CPU time rose by 0 ms in 2.0 s',
      ],
      // restart_syscall's registers hold clock_nanosleep's (0x0 = CLOCK_REALTIME): no fd 0 read from them.
      syscall: 'restart_syscall',
      fd: null,
      peer: null,
      waitedMs: 2000,
      // In the call since before the attach: it waited the whole 2 s at least.
      waitedIsLowerBound: true,
    });
  });

  it('the first trace of the same worker, with /proc from before the attach, says sleeping in clock_nanosleep', async () => {
    const live: LiveEvidence = {
      before: [procSnapshot(RETRACE_PID, T0, retraceProc(SLEEP_RAW, 'hrtimer_nanosleep'))],
      after: [procSnapshot(RETRACE_PID, T0 + 2000, retraceProc(RESTART_RAW, 'do_syscall_64'))],
    };
    const v = (await summarizeStrace(retraceLines, { pids: [RETRACE_PID], durationMs: 2000, live, roles: retraceRoles })).verdict;
    expect(v).toMatchObject({ state: 'sleeping', syscall: 'clock_nanosleep', fd: null, waitedMs: 2000 });
    expect(v.text).toBe('Sleeping for at least 2.0 s in clock_nanosleep (a PHP sleep() in a handler), still sleeping when the trace ended');
  });

  // This kernel's wchan says do_syscall_64 for the restarted sleep; a wchan that names a sleep is enough.
  it.each(['hrtimer_nanosleep', 'do_nanosleep', 'hrtimer_nanosleep_restart', 'common_nsleep'])('restart_syscall with wchan %s is sleeping in clock_nanosleep', async (wchan) => {
    const s = procSnapshot(RETRACE_PID, T0, retraceProc(RESTART_RAW, wchan));
    const v = (await summarizeStrace(retraceLines, { pids: [RETRACE_PID], durationMs: 2000, live: { before: [s], after: [s] }, roles: retraceRoles })).verdict;
    expect(v).toMatchObject({ state: 'sleeping', syscall: 'clock_nanosleep', fd: null });
    expect(v.evidence[0]).toBe(`/proc/${RETRACE_PID}/wchan ${wchan} points to clock_nanosleep (/proc/PID/syscall only said restart_syscall)`);
  });

  it('a restart_syscall the trace saw interrupt clock_nanosleep is that sleep (real capture: SIGSTOP and SIGCONT mid-trace)', async () => {
    // `perl -e 'select(undef,undef,undef,0.5); sleep 100'` traced with -f -tt -T -yy, stopped and continued.
    const lines = [
      'strace: Process 16707 attached',
      '09:43:39.334960 pselect6(0, NULL, NULL, NULL, {tv_sec=0, tv_nsec=395393746}, NULL) = 0 (Timeout) <0.397766>',
      '09:43:39.732857 clock_nanosleep(CLOCK_REALTIME, 0, {tv_sec=100, tv_nsec=0}, {tv_sec=99, tv_nsec=402852753}) = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.597711>',
      '09:43:40.330801 --- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=16704, si_uid=0} ---',
      '09:43:40.330844 --- stopped by SIGSTOP ---',
      '09:43:40.831781 --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=16704, si_uid=0} ---',
      '09:43:40.831838 restart_syscall(<... resuming interrupted clock_nanosleep ...>strace: Process 16707 detached',
      ' <detached ...>',
    ];
    const roles = { 16707: { role: 'worker' as const, workerName: 'w1', listen: 'http://127.0.0.1:8080' } };
    const v = (await summarizeStrace(lines, { pids: [16707], roles })).verdict;
    expect(v).toMatchObject({ state: 'sleeping', syscall: 'clock_nanosleep', fd: null });
    // The trace ends at the restart's own timestamp: no time box given, so no wait is claimed.
    expect(v.text).toBe('Sleeping in clock_nanosleep, still sleeping when the trace ended');
    expect(v.evidence.join('\n')).toContain('this trace saw clock_nanosleep stopped with ERESTART_RESTARTBLOCK');
    // A live trace streams bytes through the byte parser: same verdict.
    async function* bytes() {
      yield Buffer.from(`${lines.join('\n')}\n`);
    }
    expect((await summarizeStraceChunks(bytes(), { pids: [16707], roles })).verdict).toEqual(v);
  });

  it('a chain of restarts that began before the attach stays waiting, whatever name strace prints (real capture)', async () => {
    // The `sleep` worker traced once with a SIGSTOP/SIGCONT in the middle: strace names "read", then "restart_syscall".
    const lines = [
      'strace: Process 16202 attached',
      '09:43:28.108599 restart_syscall(<... resuming interrupted read ...>) = ? ERESTART_RESTARTBLOCK (Interrupted by signal) <0.697937>',
      '09:43:28.806609 --- SIGSTOP {si_signo=SIGSTOP, si_code=SI_USER, si_pid=16191, si_uid=0} ---',
      '09:43:28.806646 --- stopped by SIGSTOP ---',
      '09:43:29.308379 --- SIGCONT {si_signo=SIGCONT, si_code=SI_USER, si_pid=16191, si_uid=0} ---',
      '09:43:29.308489 restart_syscall(<... resuming interrupted restart_syscall ...>strace: Process 16202 detached',
      ' <detached ...>',
    ];
    const v = (await summarizeStrace(lines, { pids: [16202], durationMs: 2000 })).verdict;
    expect(v).toMatchObject({ state: 'waiting', syscall: 'restart_syscall', fd: null, peer: null });
    expect(v.text).toBe('Waiting in one call for at least 800 ms, since before the trace started: sleeping or blocked, the trace cannot tell which call');
  });

  it('an attached-late upstream poll keeps its blocked verdict when wchan names poll (re-trace: /proc says 219 before and after)', async () => {
    // wm5.2.2 blocked-upstream-attached-late: proc_during_trace is 219 with wchan poll_schedule_timeout.constprop.0.
    const raw = '219 0x7fffb2e64950 0x1 0x7530 0x2 0xbb 0x2 0x7fffb2e64938 0x7f161df1a230';
    const s = snapshot({ pid: 21134, syscall: { nr: 219, name: 'restart_syscall', args: raw.split(' ').slice(1, 7) }, syscallRaw: raw, wchan: 'poll_schedule_timeout.constprop.0', fds: upstreamFds, sockets: upstreamSockets });
    const v = (await summarizeStrace(fixtureLines('wm5.2.2-blocked-upstream-attached-late-f-tt-T-yy'), { pids: [21134], durationMs: 3000, live: { before: [s], after: [s] } })).verdict;
    expect(v).toMatchObject({ state: 'blocked', syscall: 'poll', fd: 8, peer: '127.0.0.1:18790', waitedMs: 3000 });
  });
});

/**
 * /proc/PID/syscall numbers by the host's architecture. aarch64 numbers are the asm-generic ones
 * (include/uapi/asm-generic/unistd.h); the registers after them are illustrative. Same worker, same
 * attached-late trace, so only the number (and the table it is read with) differs.
 */
describe('decideVerdict() reads /proc/PID/syscall numbers with the table of the snapshot\'s machine', () => {
  const lines = () => fixtureLines('wm5.2.2-blocked-upstream-attached-late-f-tt-T-yy');
  const procLines = (raw: string, wchan: string): string[] => [
    'stat 21134 (php) S 21130 21130 21130 0 -1 4194624 1 0 0 0 7 5 0 0 20 0 1 0 1 1 1',
    `syscall ${raw}`,
    `wchan ${wchan}`,
    ...Object.entries(upstreamFds).map(([fd, target]) => `fd lrwx------ 1 root root 64 Nov 26 04:43 ${fd} -> ${target}`),
    'net tcp    0: 0100007F:4974 00000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 42929 1',
    'net tcp    1: 0100007F:4974 0100007F:E722 01 00000000:00000000 00:00000000 00000000 0 0 46963 1',
    'net tcp    2: 0100007F:9928 0100007F:4966 01 00000000:00000000 00:00000000 00000000 0 0 46964 1',
  ];
  async function verdictFor(arch: SyscallArch | null, raw: string, wchan = 'do_syscall_64') {
    const before = procSnapshot(21134, T0, procLines(raw, wchan), arch);
    const after = procSnapshot(21134, T0 + 3000, procLines(raw, wchan), arch);
    return (await summarizeStrace(lines(), { pids: [21134], durationMs: 3000, live: { before: [before], after: [after] } })).verdict;
  }
  const peer = '127.0.0.1:18790';
  const onFd8 = 'on fd 8 (TCP 127.0.0.1:39208 -> 127.0.0.1:18790)';

  it.each([
    // aarch64: 73 is ppoll (x86_64's 73 is flock), 22 epoll_pwait, 63 read, 115 clock_nanosleep, 128 restart_syscall.
    ['aarch64', '73 0xffffd2a4e1c8 0x1 0xffffd2a4e1b8 0x0 0x8 0x0', 'poll_schedule_timeout.constprop.0', { state: 'blocked', syscall: 'ppoll', fd: 8, peer }, `Blocked for at least 3.0 s in ppoll ${onFd8}, still waiting when the trace ended`],
    ['aarch64', '22 0x2 0xffffd2a4e0a0 0x400 0x7d0 0x0 0x8', 'ep_poll', { state: 'idle', syscall: 'epoll_pwait', fd: null }, 'Idle in the event loop: waiting in epoll_pwait for at least 3.0 s'],
    ['aarch64', '63 0x8 0xaaaae2f1c000 0x2000 0x0 0x0 0x0', 'sk_wait_data', { state: 'blocked', syscall: 'read', fd: 8, peer }, `Blocked for at least 3.0 s in read ${onFd8}, still waiting when the trace ended`],
    ['aarch64', '115 0x0 0x0 0xffffd2a4e1c0 0xffffd2a4e1c0 0x0 0x0', 'hrtimer_nanosleep', { state: 'sleeping', syscall: 'clock_nanosleep', fd: null }, 'Sleeping for at least 3.0 s in clock_nanosleep (a PHP sleep() in a handler), still sleeping when the trace ended'],
    ['aarch64', '128 0x0 0x0 0xffffd2a4e1c0 0xffffd2a4e1c0 0x0 0x0', 'do_syscall_64', { state: 'waiting', syscall: 'restart_syscall', fd: null }, 'Waiting in one call for at least 3.0 s, since before the trace started: sleeping or blocked, the trace cannot tell which call'],
    // x86_64 unchanged: 7 poll, 232 epoll_wait, 0 read, 230 clock_nanosleep, 219 restart_syscall.
    ['x86_64', '7 0x7fffb2e64950 0x1 0x7530 0x2 0xbb 0x2', 'poll_schedule_timeout.constprop.0', { state: 'blocked', syscall: 'poll', fd: 8, peer }, `Blocked for at least 3.0 s in poll ${onFd8}, still waiting when the trace ended`],
    ['x86_64', '232 0x2 0x7fffb2e64a00 0x400 0x7d0 0x0 0x0', 'ep_poll', { state: 'idle', syscall: 'epoll_wait', fd: null }, 'Idle in the event loop: waiting in epoll_wait for at least 3.0 s'],
    ['x86_64', '0 0x8 0x55d0c0a1c000 0x2000 0x0 0x0 0x0', 'sk_wait_data', { state: 'blocked', syscall: 'read', fd: 8, peer }, `Blocked for at least 3.0 s in read ${onFd8}, still waiting when the trace ended`],
    ['x86_64', '230 0x0 0x0 0x7fffb2e64a50 0x7fffb2e64a50 0x1 0x0', 'hrtimer_nanosleep', { state: 'sleeping', syscall: 'clock_nanosleep', fd: null }, 'Sleeping for at least 3.0 s in clock_nanosleep (a PHP sleep() in a handler), still sleeping when the trace ended'],
    ['x86_64', '219 0x0 0x0 0x7fffb2e64a50 0x7fffb2e64a50 0x1 0x0', 'do_syscall_64', { state: 'waiting', syscall: 'restart_syscall', fd: null }, 'Waiting in one call for at least 3.0 s, since before the trace started: sleeping or blocked, the trace cannot tell which call'],
  ] as const)('%s /proc/PID/syscall %s (wchan %s)', async (arch, raw, wchan, expected, text) => {
    const v = await verdictFor(arch, raw, wchan);
    expect(v).toMatchObject(expected);
    expect(v.text).toBe(text);
    const nr = raw.split(' ')[0];
    if (expected.state !== 'waiting') expect(v.evidence[0]).toBe(`/proc/21134/syscall: ${nr} (${expected.syscall}), wchan ${wchan}`);
  });

  it('a machine without a table (armv7l, i686) gets the number, not x86_64\'s name for it', async () => {
    // 7 is poll on x86_64 but not on 32-bit ARM: without a table the verdict names nothing and reads no fd.
    const v = await verdictFor(null, '7 0x8 0x1 0x7530 0x0 0x0 0x0');
    expect(v).toMatchObject({ state: 'waiting', syscall: null, fd: null, peer: null });
    expect(v.text).toBe('Waiting in syscall 7 for at least 3.0 s, since before the trace started: sleeping or blocked, the trace cannot tell which call');
    expect(v.evidence[0]).toBe('/proc/21134/syscall: 7, wchan do_syscall_64: no syscall table for this machine names that number');
  });

  it('a machine without a table still names the call from a wchan that names it', async () => {
    const v = await verdictFor(null, '7 0x8 0x1 0x7530 0x0 0x0 0x0', 'poll_schedule_timeout.constprop.0');
    expect(v).toMatchObject({ state: 'blocked', syscall: 'poll', fd: 8, peer });
    expect(v.evidence[0]).toBe('/proc/21134/wchan poll_schedule_timeout.constprop.0 points to poll (/proc/PID/syscall gave only the number 7)');
  });
});
