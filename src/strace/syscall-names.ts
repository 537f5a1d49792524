/**
 * Syscall numbers -> names for what `/proc/PID/syscall` reports. Only the calls a server process is
 * usually found in (or that strace shows around Workerman) are listed; anything else stays a number.
 * x86_64 (arch/x86/entry/syscalls/syscall_64.tbl) and aarch64 (the asm-generic numbering,
 * include/uapi/asm-generic/unistd.h) cover the same calls, including every call the verdict names
 * (reads, writes, socket calls, poll/ppoll/select/epoll waits, sleeps, waits, futex, restart_syscall).
 * There is no table for other machines (i686, armv7l, ...): their numbers stay numbers.
 */

const X86_64: Record<number, string> = {
  0: 'read', 1: 'write', 2: 'open', 3: 'close', 4: 'stat', 5: 'fstat', 6: 'lstat', 7: 'poll', 8: 'lseek',
  9: 'mmap', 10: 'mprotect', 11: 'munmap', 12: 'brk', 13: 'rt_sigaction', 14: 'rt_sigprocmask',
  15: 'rt_sigreturn', 16: 'ioctl', 17: 'pread64', 18: 'pwrite64', 19: 'readv', 20: 'writev', 21: 'access',
  22: 'pipe', 23: 'select', 24: 'sched_yield', 25: 'mremap', 26: 'msync', 28: 'madvise', 32: 'dup',
  33: 'dup2', 34: 'pause', 35: 'nanosleep', 37: 'alarm', 38: 'setitimer', 39: 'getpid', 40: 'sendfile',
  41: 'socket', 42: 'connect', 43: 'accept', 44: 'sendto', 45: 'recvfrom', 46: 'sendmsg', 47: 'recvmsg',
  48: 'shutdown', 49: 'bind', 50: 'listen', 51: 'getsockname', 52: 'getpeername', 53: 'socketpair',
  54: 'setsockopt', 55: 'getsockopt', 56: 'clone', 57: 'fork', 58: 'vfork', 59: 'execve', 60: 'exit',
  61: 'wait4', 62: 'kill', 63: 'uname', 64: 'semget', 65: 'semop', 66: 'semctl', 69: 'msgsnd', 70: 'msgrcv',
  72: 'fcntl', 73: 'flock', 74: 'fsync', 75: 'fdatasync', 76: 'truncate', 77: 'ftruncate', 78: 'getdents',
  79: 'getcwd', 80: 'chdir', 82: 'rename', 83: 'mkdir', 84: 'rmdir', 87: 'unlink', 89: 'readlink',
  90: 'chmod', 95: 'umask', 96: 'gettimeofday', 97: 'getrlimit', 98: 'getrusage', 99: 'sysinfo',
  100: 'times', 101: 'ptrace', 102: 'getuid', 104: 'getgid', 107: 'geteuid', 108: 'getegid', 110: 'getppid',
  112: 'setsid', 127: 'rt_sigpending', 128: 'rt_sigtimedwait', 130: 'rt_sigsuspend', 131: 'sigaltstack',
  157: 'prctl', 158: 'arch_prctl', 186: 'gettid', 200: 'tkill', 201: 'time', 202: 'futex',
  204: 'sched_getaffinity', 208: 'io_getevents', 213: 'epoll_create', 217: 'getdents64',
  218: 'set_tid_address', 219: 'restart_syscall', 220: 'semtimedop', 228: 'clock_gettime',
  229: 'clock_getres', 230: 'clock_nanosleep', 231: 'exit_group', 232: 'epoll_wait', 233: 'epoll_ctl',
  234: 'tgkill', 243: 'mq_timedreceive', 247: 'waitid', 253: 'inotify_init', 254: 'inotify_add_watch',
  255: 'inotify_rm_watch', 257: 'openat', 262: 'newfstatat', 263: 'unlinkat', 267: 'readlinkat',
  270: 'pselect6', 271: 'ppoll', 273: 'set_robust_list', 275: 'splice', 277: 'sync_file_range',
  281: 'epoll_pwait', 282: 'signalfd', 283: 'timerfd_create', 284: 'eventfd', 285: 'fallocate',
  286: 'timerfd_settime', 288: 'accept4', 289: 'signalfd4', 290: 'eventfd2', 291: 'epoll_create1',
  292: 'dup3', 293: 'pipe2', 294: 'inotify_init1', 295: 'preadv', 296: 'pwritev', 299: 'recvmmsg',
  302: 'prlimit64', 307: 'sendmmsg', 318: 'getrandom', 319: 'memfd_create', 332: 'statx',
  333: 'io_pgetevents', 334: 'rseq', 425: 'io_uring_setup', 426: 'io_uring_enter', 427: 'io_uring_register',
  434: 'pidfd_open', 435: 'clone3', 436: 'close_range', 441: 'epoll_pwait2', 449: 'futex_waitv',
};

const AARCH64: Record<number, string> = {
  4: 'io_getevents', 17: 'getcwd', 19: 'eventfd2', 20: 'epoll_create1', 21: 'epoll_ctl', 22: 'epoll_pwait',
  23: 'dup', 24: 'dup3', 25: 'fcntl', 26: 'inotify_init1', 27: 'inotify_add_watch', 28: 'inotify_rm_watch',
  29: 'ioctl', 32: 'flock', 34: 'mkdirat', 35: 'unlinkat', 43: 'statfs', 44: 'fstatfs', 45: 'truncate',
  46: 'ftruncate', 47: 'fallocate', 48: 'faccessat', 49: 'chdir', 50: 'fchdir', 52: 'fchmod', 53: 'fchmodat',
  55: 'fchown', 56: 'openat', 57: 'close', 59: 'pipe2', 61: 'getdents64', 62: 'lseek', 63: 'read',
  64: 'write', 65: 'readv', 66: 'writev', 67: 'pread64', 68: 'pwrite64', 69: 'preadv', 70: 'pwritev',
  71: 'sendfile', 72: 'pselect6', 73: 'ppoll', 74: 'signalfd4', 75: 'vmsplice', 76: 'splice', 77: 'tee',
  78: 'readlinkat', 79: 'newfstatat', 80: 'fstat', 81: 'sync', 82: 'fsync', 83: 'fdatasync',
  84: 'sync_file_range', 85: 'timerfd_create', 86: 'timerfd_settime', 87: 'timerfd_gettime', 93: 'exit',
  94: 'exit_group', 95: 'waitid', 96: 'set_tid_address', 98: 'futex', 99: 'set_robust_list',
  101: 'nanosleep', 102: 'getitimer', 103: 'setitimer', 113: 'clock_gettime', 114: 'clock_getres',
  115: 'clock_nanosleep', 123: 'sched_getaffinity', 124: 'sched_yield', 128: 'restart_syscall', 129: 'kill',
  130: 'tkill', 131: 'tgkill', 132: 'sigaltstack', 133: 'rt_sigsuspend', 134: 'rt_sigaction',
  135: 'rt_sigprocmask', 136: 'rt_sigpending', 137: 'rt_sigtimedwait', 139: 'rt_sigreturn', 153: 'times',
  157: 'setsid', 160: 'uname', 165: 'getrusage', 166: 'umask', 167: 'prctl', 169: 'gettimeofday',
  172: 'getpid', 173: 'getppid', 174: 'getuid', 175: 'geteuid', 176: 'getgid', 177: 'getegid', 178: 'gettid',
  179: 'sysinfo', 182: 'mq_timedsend', 183: 'mq_timedreceive', 186: 'msgget', 188: 'msgrcv', 189: 'msgsnd',
  190: 'semget', 191: 'semctl', 192: 'semtimedop', 193: 'semop', 198: 'socket', 199: 'socketpair',
  200: 'bind', 201: 'listen', 202: 'accept', 203: 'connect', 204: 'getsockname', 205: 'getpeername',
  206: 'sendto', 207: 'recvfrom', 208: 'setsockopt', 209: 'getsockopt', 210: 'shutdown', 211: 'sendmsg',
  212: 'recvmsg', 214: 'brk', 215: 'munmap', 216: 'mremap', 220: 'clone', 221: 'execve', 222: 'mmap',
  226: 'mprotect', 227: 'msync', 233: 'madvise', 242: 'accept4', 243: 'recvmmsg', 260: 'wait4',
  261: 'prlimit64', 269: 'sendmmsg', 278: 'getrandom', 279: 'memfd_create', 291: 'statx',
  292: 'io_pgetevents', 293: 'rseq', 425: 'io_uring_setup', 426: 'io_uring_enter', 427: 'io_uring_register',
  434: 'pidfd_open', 435: 'clone3', 436: 'close_range', 441: 'epoll_pwait2', 449: 'futex_waitv',
};

/** The machine names `uname -m` prints for the two tables. */
export type SyscallArch = 'x86_64' | 'aarch64';

/** Maps `uname -m` output to a table, or null when there is none for that machine (i686, armv7l, ...). */
export function syscallArchOf(unameMachine: string | null | undefined): SyscallArch | null {
  const m = (unameMachine ?? '').trim();
  if (m === 'x86_64' || m === 'amd64') return 'x86_64';
  if (m === 'aarch64' || m === 'arm64') return 'aarch64';
  return null;
}

/**
 * Returns the name of syscall `nr` in the numbering of `arch`, or null when it is not in that table or
 * the machine has none (never x86_64's name for another machine's number: aarch64's 73 is ppoll, not flock).
 */
export function syscallName(nr: number, arch: SyscallArch | null): string | null {
  const table = arch === 'aarch64' ? AARCH64 : arch === 'x86_64' ? X86_64 : null;
  return table?.[nr] ?? null;
}
