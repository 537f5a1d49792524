import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeFdNote, peerOfFdNote } from '../../../src/strace/fd-note.js';
import { parseStraceLine } from '../../../src/strace/parse-line.js';
import { parseCountTableRow } from '../../../src/strace/parse-count-table.js';

describe('parseStraceLine()', () => {
  it('parseStraceLine() reads a -tt -T -yy syscall: fd, annotation with nested [..->..], return, duration', () => {
    const ev = parseStraceLine(
      '04:43:14.825242 recvfrom(7<TCP:[127.0.0.1:18700->127.0.0.1:38986]>, "GET /upstream?port=18790 HTTP/1.1\\r\\n", 87380, 0, NULL, NULL) = 84 <0.000092>',
    );
    expect(ev).toMatchObject({
      kind: 'syscall', pid: null, name: 'recvfrom', fd: 7, fdNote: 'TCP:[127.0.0.1:18700->127.0.0.1:38986]',
      state: 'complete', ret: 84, errno: null,
    });
    if (ev?.kind !== 'syscall') throw new Error('not a syscall');
    expect(ev.timeMs).toBeCloseTo((4 * 3600 + 43 * 60 + 14) * 1000 + 825.242, 3);
    expect(ev.durationMs).toBeCloseTo(0.092, 6);
  });

  it('parseStraceLine() reads [pid N] prefixes, -ttt epoch timestamps and -X verbose constants', () => {
    const ev = parseStraceLine('[pid 22138] 1795668203.255358 fcntl(8<socket:[46730]>, 0x3 /* F_GETFL */) = 0x2 (flags O_RDWR) <0.000013>');
    expect(ev).toMatchObject({ kind: 'syscall', pid: 22138, name: 'fcntl', fd: 8, fdNote: 'socket:[46730]', ret: 2 });
    if (ev?.kind !== 'syscall') throw new Error('not a syscall');
    expect(ev.timeMs).toBeCloseTo(1795668203255.358, 1);
    expect(parseStraceLine('04:43:14 getpid() = 5')).toMatchObject({ kind: 'syscall', timeMs: (4 * 3600 + 43 * 60 + 14) * 1000, ret: 5 });
    expect(parseStraceLine('[pid  901] getpid() = 901')).toMatchObject({ kind: 'syscall', pid: 901 });
  });

  it('parseStraceLine() reads errno names whatever the description language', () => {
    expect(parseStraceLine('recv(9, 0xb60b4880, 1024, 0)            = -1 EAGAIN (Recurso temporariamente indisponível)')).toMatchObject({ ret: -1, errno: 'EAGAIN', fd: 9 });
    expect(parseStraceLine('wait4(-1, 0x7fffb2e64d84, WSTOPPED, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.950573>')).toMatchObject({ ret: null, errno: 'ERESTARTSYS' });
    expect(parseStraceLine('sigreturn()                             = ? (máscara agora [])')).toMatchObject({ ret: null, errno: null, state: 'complete' });
    expect(parseStraceLine('poll([{fd=8<TCP:[1.2.3.4:5->6.7.8.9:10]>, events=POLLIN|POLLOUT}], 1, 5000) = 1 ([{fd=8, revents=POLLOUT}]) <0.000022>')).toMatchObject({
      name: 'poll', fd: 8, fdCount: 1, ret: 1, fdNote: 'TCP:[1.2.3.4:5->6.7.8.9:10]',
    });
    expect(parseStraceLine('socket(AF_INET, SOCK_STREAM, IPPROTO_IP) = 8<TCP:[46583]> <0.000027>')).toMatchObject({ ret: 8, retNote: 'TCP:[46583]', fd: null });
    expect(parseStraceLine('exit_group(0)           = ?')).toMatchObject({ state: 'complete', ret: null });
  });

  it('parseStraceLine() does not take " = " inside a string argument for the return value', () => {
    expect(parseStraceLine('write(4, "a) = 1 and b = 2", 16) = 16')).toMatchObject({ ret: 16, fd: 4 });
  });

  it('parseStraceLine() reads connect() peers for plain traces', () => {
    expect(parseStraceLine('connect(8, {sa_family=AF_INET, sin_port=htons(18790), sin_addr=inet_addr("127.0.0.1")}, 16) = -1 EINPROGRESS (Operation now in progress)')).toMatchObject({
      peer: '127.0.0.1:18790', errno: 'EINPROGRESS',
    });
    expect(parseStraceLine('connect(8<socket:[1]>, {sa_family=0x2 /* AF_INET */, sin_port="\\x49\\x66" /* htons(18790) */, sin_addr="\\x7f\\x00\\x00\\x01" /* inet_addr("127.0.0.1") */}, 16) = 0')).toMatchObject({
      peer: '127.0.0.1:18790',
    });
  });

  it('parseStraceLine() reads unfinished, resumed, -qq detached and killed-while-waiting lines', () => {
    expect(parseStraceLine('[pid 22098] 04:44:58.945271 getrandom( <unfinished ...>')).toMatchObject({ kind: 'syscall', state: 'unfinished', pid: 22098, name: 'getrandom' });
    expect(parseStraceLine('[pid 21131] 04:44:59.908349 <... wait4 resumed>0x7fffb2e64d84, WSTOPPED, NULL) = ? ERESTARTSYS (To be restarted if SA_RESTART is set) <0.962965>')).toMatchObject({
      kind: 'resumed', name: 'wait4', errno: 'ERESTARTSYS', incomplete: false,
    });
    expect(parseStraceLine('04:48:43.581795 poll([{fd=9<TCP:[127.0.0.1:45288->127.0.0.1:18590]>, events=POLLIN|POLLERR|POLLHUP}], 1, 30000 <detached ...>')).toMatchObject({
      state: 'detached', fd: 9, fdCount: 1,
    });
    expect(parseStraceLine('04:44:48.269348 epoll_wait(2<anon_inode:[eventpoll]>,  <unfinished ...>) = ?')).toMatchObject({ state: 'complete', fd: 2, ret: null });
  });

  it('parseStraceLine() splits a line cut by strace\'s own message', () => {
    expect(parseStraceLine('04:44:58.941238 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLDstrace: Process 22098 attached')).toEqual({
      kind: 'split', pid: null, head: '04:44:58.941238 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD', message: { kind: 'attach', pid: 22098 },
    });
    expect(parseStraceLine('04:41:38.961883 epoll_wait(2<anon_inode:[eventpoll]>, strace: Process 21135 detached')).toMatchObject({ kind: 'split', message: { kind: 'detach', pid: 21135 } });
    expect(parseStraceLine(' <detached ...>')).toEqual({ kind: 'continuation', text: ' <detached ...>' });
    expect(parseStraceLine(', child_tidptr=0x7f161e4ccc50) = 22098 <0.001179>')).toMatchObject({ kind: 'continuation' });
  });

  it('parseStraceLine() reads signals in new and old styles, exits, attach/detach', () => {
    expect(parseStraceLine('04:44:33.863494 --- SIGABRT {si_signo=SIGABRT, si_code=SI_USER, si_pid=21911, si_uid=0} ---')).toMatchObject({ kind: 'signal', signal: 'SIGABRT' });
    expect(parseStraceLine('--- SIGUSR2 (Sinal definido pelo usuário 2) @ 0 (0) ---')).toMatchObject({ kind: 'signal', signal: 'SIGUSR2' });
    expect(parseStraceLine('--- stopped by SIGSTOP ---')).toMatchObject({ kind: 'signal', signal: 'SIGSTOP' });
    expect(parseStraceLine('04:44:49.251704 +++ killed by SIGKILL +++')).toMatchObject({ kind: 'exit', code: null, signal: 'SIGKILL' });
    expect(parseStraceLine('[pid 7] +++ exited with 3 +++')).toMatchObject({ kind: 'exit', pid: 7, code: 3, signal: null });
    expect(parseStraceLine('strace: Process 21135 attached')).toEqual({ kind: 'attach', pid: 21135 });
    expect(parseStraceLine('strace: Process 21135 detached')).toEqual({ kind: 'detach', pid: 21135 });
    expect(parseStraceLine('Process 10354 attached - interrupt to quit')).toEqual({ kind: 'attach', pid: 10354 });
  });

  it('parseStraceLine() classifies strace\'s own errors', () => {
    expect(parseStraceLine('strace: attach: ptrace(PTRACE_SEIZE, 32761): No such process')).toMatchObject({ kind: 'strace-error', reason: 'no_such_process', pid: 32761 });
    expect(parseStraceLine('strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted')).toMatchObject({ kind: 'strace-error', reason: 'not_permitted', pid: 1 });
    expect(parseStraceLine("strace: Invalid process id: 'abc'")).toMatchObject({ kind: 'strace-error', reason: 'invalid_pid' });
    expect(parseStraceLine("strace: I'm sorry, I can't let you do that, Dave.")).toMatchObject({ kind: 'strace-error', reason: 'self' });
  });

  it('parseStraceLine() returns undefined for a blank line and unparsed for garbage, never throwing', () => {
    expect(parseStraceLine('')).toBeUndefined();
    expect(parseStraceLine('hello world')).toEqual({ kind: 'unparsed', line: 'hello world' });
    expect(parseStraceLine('Hello(1) = 2')).toEqual({ kind: 'unparsed', line: 'Hello(1) = 2' });
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        parseStraceLine(s);
        parseStraceLine(`[pid 1] 01:02:03.000004 ${s}`);
        parseStraceLine(`read(${s}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseCountTableRow()', () => {
  it('parseCountTableRow() reads rows with and without the errors cell, and the total row', () => {
    expect(parseCountTableRow('  2.21    0.000029          29         1         1 wait4')).toEqual({ kind: 'count-row', name: 'wait4', seconds: 0.000029, calls: 1, errors: 1 });
    expect(parseCountTableRow(' 33.16    0.000435          54         8           kill')).toEqual({ kind: 'count-row', name: 'kill', seconds: 0.000435, calls: 8, errors: 0 });
    expect(parseCountTableRow('100.00    0.001312          13        99         2 total')).toEqual({ kind: 'count-table', part: 'total' });
    expect(parseCountTableRow('  not a row')).toBeUndefined();
  });
});

describe('describeFdNote()', () => {
  it('describeFdNote() turns -yy annotations into readable text and peers', () => {
    expect(describeFdNote('TCP:[127.0.0.1:52468->127.0.0.1:18790]')).toBe('TCP 127.0.0.1:52468 -> 127.0.0.1:18790');
    expect(describeFdNote('TCP:[127.0.0.1:18700]')).toBe('TCP 127.0.0.1:18700');
    expect(describeFdNote('TCP:[46583]')).toBe('TCP socket:[46583]');
    expect(describeFdNote('anon_inode:[eventpoll]')).toBe('epoll');
    expect(describeFdNote('/srv/wm/run/v5.2.2/main.log')).toBe('/srv/wm/run/v5.2.2/main.log');
    expect(peerOfFdNote('TCP:[127.0.0.1:52468->127.0.0.1:18790]')).toBe('127.0.0.1:18790');
    expect(peerOfFdNote('pipe:[42933]')).toBeNull();
  });
});
