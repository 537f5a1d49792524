import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  hasCapSysPtrace,
  parseFdListing,
  parseProcSnapshot,
  parseProcStat,
  parseProcStatus,
  parseProcSyscall,
  socketInodeOf,
} from '../../../src/strace/parse-proc.js';
import { parseNetLine, parseNetTable } from '../../../src/strace/parse-net-table.js';
import { syscallArchOf, syscallName } from '../../../src/strace/syscall-names.js';
import { STRACE_FIXTURES } from '../../helpers/paths.js';

interface BlockedFixture {
  blocked: {
    upstream_fd: number;
    upstream_peer: string;
    fd_listing_during_trace: string;
    proc_before_trace: { proc_syscall_raw: string; in_syscall_nr: number; in_syscall_name: string };
    proc_during_trace: { proc_syscall_raw: string; in_syscall_nr: number };
  };
}

function fixture(name: string): BlockedFixture {
  return JSON.parse(readFileSync(join(STRACE_FIXTURES, name), 'utf8')) as BlockedFixture;
}

const upstream = fixture('wm5.2.2-blocked-upstream-attached-late-f-tt-T-yy.json').blocked;

describe('parseProcStat()', () => {
  it('parseProcStat() reads state, ppid and CPU ticks after the last parenthesis', () => {
    const stat = parseProcStat('21134 (WorkerMan: w) x) S 21130 21130 21130 0 -1 4194624 1 0 0 0 8 5 0 0 20 0 1 0 90182 8069120 1248');
    expect(stat).toEqual({ pid: 21134, comm: 'WorkerMan: w) x', state: 'S', ppid: 21130, utimeTicks: 8, stimeTicks: 5 });
  });

  it('parseProcStat() gives null for text that is not a stat line', () => {
    expect(parseProcStat('')).toBeNull();
    expect(parseProcStat('cat: /proc/1/stat: No such file or directory')).toBeNull();
  });
});

describe('parseProcStatus()', () => {
  it('parseProcStatus() reads State, PPid, TracerPid, Uid and CapEff', () => {
    const status = parseProcStatus('Name:\tphp\nState:\tt (tracing stop)\nPPid:\t1\nTracerPid:\t22850\nUid:\t33\t33\t33\t33\nCapEff:\t00000000a80425fb\n');
    expect(status).toEqual({ state: 't', ppid: 1, tracerPid: 22850, uid: 33, capEff: 0xa80425fbn });
  });

  it('hasCapSysPtrace() tells a Docker default root (no SYS_PTRACE) from a full one', () => {
    expect(hasCapSysPtrace(0xa80425fbn)).toBe(false);
    expect(hasCapSysPtrace(0x000001fffeffffffn)).toBe(true);
  });
});

describe('parseProcSyscall()', () => {
  it('parseProcSyscall() names the call a blocked worker is in (fixture: poll before strace attached)', () => {
    const s = parseProcSyscall(upstream.proc_before_trace.proc_syscall_raw, 'x86_64');
    expect(s).toEqual({ nr: 7, name: 'poll', args: ['0x7fffb2e64950', '0x1', '0x7530', '0x2', '0xbb', '0x2'] });
    expect(s?.name).toBe(upstream.proc_before_trace.in_syscall_name);
  });

  it('parseProcSyscall() names restart_syscall, which is all /proc shows once strace has attached', () => {
    expect(parseProcSyscall(upstream.proc_during_trace.proc_syscall_raw, 'x86_64')?.name).toBe('restart_syscall');
  });

  it('parseProcSyscall() gives null for a process on a CPU or outside a syscall', () => {
    expect(parseProcSyscall('running', 'x86_64')).toBeNull();
    expect(parseProcSyscall('-1 0x7ffd1234 0x55aa5678', 'x86_64')).toBeNull();
  });

  it('parseProcSyscall() uses the aarch64 numbering when asked', () => {
    expect(parseProcSyscall('22 0x3 0x0 0x10 0x1388 0x0 0x0 0x0 0x0', 'aarch64')?.name).toBe('epoll_pwait');
    expect(syscallName(232, 'x86_64')).toBe('epoll_wait');
    expect(syscallName(99999, 'x86_64')).toBeNull();
    expect(syscallArchOf('aarch64\n')).toBe('aarch64');
    expect(syscallArchOf('armv7l')).toBeNull();
  });

  it('syscallName() reads a number with its own machine\'s table and never guesses another', () => {
    expect(syscallName(73, 'aarch64')).toBe('ppoll');
    expect(syscallName(73, 'x86_64')).toBe('flock');
    expect(syscallName(73, null)).toBeNull();
    expect(syscallName(128, 'aarch64')).toBe('restart_syscall');
    expect(syscallName(128, 'x86_64')).toBe('rt_sigtimedwait');
    expect(parseProcSyscall('7 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8', null)).toEqual({ nr: 7, name: null, args: ['0x1', '0x2', '0x3', '0x4', '0x5', '0x6'] });
  });

  it('syscallName() names every call the verdict reasons about, on x86_64 and aarch64', () => {
    // Numbers checked against arch/x86/entry/syscalls/syscall_64.tbl and include/uapi/asm-generic/unistd.h.
    const both = [
      'read', 'write', 'close', 'pread64', 'readv', 'writev', 'connect', 'accept', 'accept4', 'sendto', 'recvfrom', 'sendmsg',
      'recvmsg', 'fcntl', 'flock', 'fsync', 'fdatasync', 'ppoll', 'pselect6', 'epoll_pwait', 'epoll_pwait2', 'nanosleep',
      'clock_nanosleep', 'restart_syscall', 'wait4', 'waitid', 'rt_sigsuspend', 'rt_sigtimedwait', 'futex', 'semop',
      'semtimedop', 'msgrcv', 'io_getevents', 'io_uring_enter',
    ];
    // poll, select, epoll_wait and pause exist only on x86_64 (aarch64 has only ppoll, pselect6, epoll_pwait, rt_sigsuspend).
    const x86Only = ['poll', 'select', 'epoll_wait', 'pause'];
    for (const arch of ['x86_64', 'aarch64'] as const) {
      const names = new Set(Array.from({ length: 460 }, (_, nr) => syscallName(nr, arch)));
      for (const name of both) expect(names, `${name} on ${arch}`).toContain(name);
      for (const name of x86Only) expect(names.has(name), `${name} on ${arch}`).toBe(arch === 'x86_64');
    }
    expect([63, 64, 22, 73, 115, 101, 98, 203, 207, 242].map((nr) => syscallName(nr, 'aarch64'))).toEqual([
      'read', 'write', 'epoll_pwait', 'ppoll', 'clock_nanosleep', 'nanosleep', 'futex', 'connect', 'recvfrom', 'accept4',
    ]);
  });
});

describe('parseFdListing()', () => {
  it('parseFdListing() maps fds to link targets (fixture: ls -l /proc/PID/fd of a blocked worker)', () => {
    const fds = parseFdListing(upstream.fd_listing_during_trace);
    expect(fds[upstream.upstream_fd]).toBe('socket:[46964]');
    expect(fds[2]).toBe('anon_inode:[eventpoll]');
    expect(fds[3]).toBe('/srv/wm/apps/v5.2.2/start.php');
    expect(Object.keys(fds)).toHaveLength(9);
    expect(socketInodeOf(fds[8]!)).toBe(46964);
    expect(socketInodeOf('pipe:[42933]')).toBeNull();
  });

  it('parseFdListing() keeps a target that itself contains " -> "', () => {
    expect(parseFdListing('l-wx------ 1 root root 64 Nov 26 04:41 1 -> /tmp/a -> b.log')).toEqual({ 1: '/tmp/a -> b.log' });
  });
});

describe('parseNetLine()', () => {
  it('parseNetLine() decodes a /proc/net/tcp line into the addresses ss and strace -yy print', () => {
    const line = '   3: 0100007F:9928 0100007F:4966 01 00000000:00000000 00:00000000 00000000     0        0 46964 1 0000000000000000 20 4 30 10 -1';
    expect(parseNetLine('tcp', line)).toEqual({ inode: 46964, protocol: 'TCP', local: '127.0.0.1:39208', peer: '127.0.0.1:18790', state: 'ESTABLISHED' });
  });

  it('parseNetLine() gives a listening socket no peer', () => {
    const line = '   0: 00000000:4974 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 42929 1 0000000000000000 100 0 0 10 0';
    expect(parseNetLine('tcp', line)).toMatchObject({ local: '0.0.0.0:18804', peer: null, state: 'LISTEN' });
  });

  it('parseNetLine() decodes IPv6 and IPv4-mapped addresses in RFC 5952 form', () => {
    const v6 = '   1: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:A1B2 01 00000000:00000000 00:00000000 00000000  1000        0 5551 1';
    expect(parseNetLine('tcp6', v6)).toMatchObject({ protocol: 'TCPv6', local: '[::1]:8080', peer: '[::1]:41394' });
    const mapped = '   2: 0000000000000000FFFF00000100007F:0050 0000000000000000FFFF00000A00000A:C350 01 00000000:00000000 00:00000000 00000000 0 0 5552 1';
    expect(parseNetLine('tcp6', mapped)).toMatchObject({ local: '[::ffff:127.0.0.1]:80', peer: '[::ffff:10.0.0.10]:50000' });
    const global = '   3: B80D0120000000000000000001000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000 0 0 5553 1';
    expect(parseNetLine('tcp6', global)?.local).toBe('[2001:db8::1]:80');
  });

  it('parseNetLine() reads UDP and UNIX tables and skips headers', () => {
    const udp = '  812: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1234 2 0000000000000000 0';
    expect(parseNetLine('udp', udp)).toMatchObject({ protocol: 'UDP', local: '0.0.0.0:68', peer: null, state: 'UNCONN' });
    expect(parseNetLine('tcp', '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode')).toBeNull();
    const table = parseNetTable(
      'unix',
      'Num       RefCount Protocol Flags    Type St Inode Path\n' +
        '0000000000000000: 00000002 00000000 00010000 0001 01 21570 /run/php/php-fpm.sock\n' +
        '0000000000000000: 00000003 00000000 00000000 0001 03 46001\n',
    );
    expect(table[21570]).toEqual({ inode: 21570, protocol: 'UNIX', local: '/run/php/php-fpm.sock', peer: null, state: 'LISTEN' });
    expect(table[46001]).toMatchObject({ local: '*', state: 'ESTABLISHED' });
  });
});

describe('parseProcSnapshot()', () => {
  const ctx = { pid: 21134, takenAtMs: 1_700_000_000_000, clockTicksPerSecond: 100, arch: 'x86_64' as const };

  it('parseProcSnapshot() joins stat, status, syscall, wchan, fds and sockets of one process', () => {
    const snap = parseProcSnapshot(ctx, [
      'stat 21134 (php) S 21130 21130 21130 0 -1 4194624 1 0 0 0 8 5 0 0 20 0 1 0 1 1 1',
      'status State:\tS (sleeping)',
      'status TracerPid:\t0',
      `syscall ${upstream.proc_before_trace.proc_syscall_raw}`,
      'wchan poll_schedule_timeout.constprop.0',
      ...upstream.fd_listing_during_trace.split('\n').filter((l) => l.includes(' -> ')).map((l) => `fd ${l}`),
      'net tcp    3: 0100007F:9928 0100007F:4966 01 00000000:00000000 00:00000000 00000000     0        0 46964 1',
    ]);
    expect(snap).toMatchObject({
      pid: 21134,
      exists: true,
      state: 'S',
      tracerPid: 0,
      cpuTicks: 13,
      syscall: { nr: 7, name: 'poll' },
      wchan: 'poll_schedule_timeout.constprop.0',
    });
    expect(snap.fds[8]).toBe('socket:[46964]');
    expect(snap.sockets[46964]?.peer).toBe(upstream.upstream_peer);
  });

  it('parseProcSnapshot() says exists: false for a process that was gone', () => {
    const snap = parseProcSnapshot(ctx, []);
    expect(snap).toMatchObject({ exists: false, state: null, tracerPid: null, cpuTicks: null, syscall: null, fds: {}, sockets: {} });
  });

  it('parseProcSnapshot() keeps the syscall number but no guessed name on a machine without a table', () => {
    const snap = parseProcSnapshot({ ...ctx, arch: null }, ['syscall 7 0x1 0x2 0x3 0x4 0x5 0x6 0x7 0x8']);
    expect(snap.syscall).toEqual({ nr: 7, name: null, args: ['0x1', '0x2', '0x3', '0x4', '0x5', '0x6'] });
    expect(snap.arch).toBeNull();
  });

  it('parseProcSnapshot() records the machine its numbers belong to and names them with its table', () => {
    const snap = parseProcSnapshot({ ...ctx, arch: 'aarch64' }, ['syscall 73 0xffffd2a4e1c8 0x1 0xffffd2a4e1b8 0x0 0x8 0x0 0xffffd2a4e190 0xffff8a1c2f4c']);
    expect(snap.arch).toBe('aarch64');
    expect(snap.syscall).toMatchObject({ nr: 73, name: 'ppoll' });
    expect(parseProcSnapshot(ctx, ['syscall 73 0x5 0x2 0x0 0x0 0x0 0x0 0x0 0x0']).syscall).toMatchObject({ nr: 73, name: 'flock' });
  });
});
