/**
 * What a syscall is, by name: the one table the parsers, the facts reducer and the verdict ask (is it a
 * read, a write, always on a socket, an event-loop wait, a sleep, a wait for children...). A call can be
 * several things: `recvfrom` reads, is always on a socket, and has its fd as first argument. Numbers ->
 * names per machine are syscall-names.ts; this table is about names only.
 */

/** Returns data into the caller's buffer (bytes read). */
export const READ = 1 << 0;
/** Sends the caller's data (bytes written). */
export const WRITE = 1 << 1;
/** Always on a socket, so it counts as traffic even without `-y` annotations. */
export const SOCKET = 1 << 2;
/** Where an event loop waits for its fds (Workerman's Event/Select loops). */
export const LOOP_WAIT = 1 << 3;
/** poll/ppoll: an event-loop wait when it polls more than one fd, else a wait on one fd. */
export const POLL = 1 << 4;
/** A sleep for a time (PHP sleep()/usleep(), the Select loop's timer wait). */
export const SLEEP = 1 << 5;
/** Waits for a child to change state (what a Workerman master sits in). */
export const CHILD_WAIT = 1 << 6;
/** Waits for any signal. */
export const SIGNAL_WAIT = 1 << 7;
/** Sends a signal. */
export const KILL = 1 << 8;
/** Starts a process; returns the child's pid. */
export const FORK = 1 << 9;
export const ACCEPT = 1 << 10;
export const CONNECT = 1 << 11;
/** Its first argument, as strace prints it, is an fd (so it is worth reading, with its annotation). */
export const FD_FIRST = 1 << 12;
/** Waits on the fd in its first argument, as `/proc/PID/syscall` shows it (so that fd is what it waits for). */
export const WAITS_ON_FD = 1 << 13;

const GROUPS: readonly (readonly [number, readonly string[]])[] = [
  [READ, ['read', 'recv', 'recvfrom', 'recvmsg', 'readv', 'pread64', 'preadv', 'preadv2', 'recvmmsg']],
  [WRITE, ['write', 'send', 'sendto', 'sendmsg', 'writev', 'pwrite64', 'pwritev', 'pwritev2', 'sendmmsg']],
  [
    SOCKET,
    [
      'recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'send', 'sendto', 'sendmsg', 'sendmmsg', 'accept', 'accept4',
      'connect', 'socket', 'getsockopt', 'setsockopt', 'shutdown', 'getpeername', 'getsockname',
    ],
  ],
  [LOOP_WAIT, ['epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'pselect6', 'select', '_newselect']],
  [POLL, ['poll', 'ppoll']],
  [SLEEP, ['clock_nanosleep', 'nanosleep']],
  [CHILD_WAIT, ['wait4', 'waitpid', 'waitid']],
  [SIGNAL_WAIT, ['pause', 'rt_sigsuspend', 'sigsuspend', 'rt_sigtimedwait']],
  [KILL, ['kill', 'tgkill']],
  [FORK, ['clone', 'clone3', 'fork', 'vfork']],
  [ACCEPT, ['accept', 'accept4']],
  [CONNECT, ['connect']],
  [
    FD_FIRST,
    [
      'read', 'write', 'pread64', 'pwrite64', 'readv', 'writev', 'preadv', 'pwritev', 'preadv2', 'pwritev2',
      'recv', 'recvfrom', 'recvmsg', 'recvmmsg', 'send', 'sendto', 'sendmsg', 'sendmmsg', 'sendfile',
      'close', 'fstat', 'fstat64', 'newfstatat', 'statx', 'lseek', '_llseek', 'fcntl', 'fcntl64', 'ioctl',
      'connect', 'accept', 'accept4', 'bind', 'listen', 'getsockopt', 'setsockopt', 'getsockname',
      'getpeername', 'shutdown', 'epoll_wait', 'epoll_pwait', 'epoll_pwait2', 'epoll_ctl', 'flock',
      'fsync', 'fdatasync', 'ftruncate', 'getdents', 'getdents64', 'fchmod', 'fchown', 'dup', 'dup2',
      'dup3', 'splice', 'tee', 'fadvise64', 'fallocate', 'fstatfs', 'inotify_add_watch', 'timerfd_settime',
      'timerfd_gettime', 'signalfd4',
    ],
  ],
  [
    WAITS_ON_FD,
    [
      'read', 'write', 'close', 'pread64', 'pwrite64', 'readv', 'writev', 'preadv', 'pwritev', 'connect', 'accept', 'accept4',
      'sendto', 'recvfrom', 'sendmsg', 'recvmsg', 'recvmmsg', 'sendmmsg', 'fcntl', 'flock', 'fsync', 'fdatasync',
    ],
  ],
];

// A Map, not an object: a name from a trace (`constructor`, `__proto__`) must not find a prototype member.
const KINDS = new Map<string, number>();
for (const [kind, names] of GROUPS) for (const name of names) KINDS.set(name, (KINDS.get(name) ?? 0) | kind);

/** The kind bits of a syscall name (0 for a call the table does not know). */
export function syscallKind(name: string): number {
  return KINDS.get(name) ?? 0;
}

/** True when `name` is any of the kinds in `kinds` (bits or-ed together). */
export function isKind(name: string, kinds: number): boolean {
  return (syscallKind(name) & kinds) !== 0;
}

/** True for calls an event loop waits in (epoll_wait, pselect6, select, poll on several fds). */
export function isEventLoopWait(name: string, fdCount: number | null): boolean {
  const kind = syscallKind(name);
  if ((kind & LOOP_WAIT) !== 0) return true;
  return (kind & POLL) !== 0 && fdCount !== null && fdCount > 1;
}

/** True for sleeps (PHP sleep()/usleep(), the Select loop's timer wait). */
export function isSleepCall(name: string): boolean {
  return isKind(name, SLEEP);
}

/** True for the calls a Workerman master waits in between events: for children or for a signal. */
export function isMasterWait(name: string): boolean {
  return isKind(name, CHILD_WAIT | SIGNAL_WAIT);
}
