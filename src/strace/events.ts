/**
 * What one line of strace output is: the events the parsers produce and the facts reducer consumes.
 * Types only, plus the blank reusable syscall event both parsers fill; nothing here reads a line.
 */

/** How a syscall line ended. */
export type SyscallState =
  /** `name(args) = ret` (also `= ?` of a call that never returned, e.g. `exit_group(0) = ?`). */
  | 'complete'
  /** `name(args <unfinished ...>`: finishes in a later `<... name resumed>` line. */
  | 'unfinished'
  /** `name(args <detached ...>` (`-qq`, or glued with its continuation): still running at detach. */
  | 'detached'
  /** `name(args` without an end: cut (overlong line) or the last line of a cut file. */
  | 'truncated';

/**
 * A syscall line. Its strings (name, annotations, errno, peer) share no memory with the line they were
 * read from, so a consumer may keep them for the whole trace; a name, an errno or an annotation that
 * repeats usually comes back as the same string object (the parsers' caches), so comparing is cheap.
 */
export interface SyscallEvent {
  kind: 'syscall';
  pid: number | null;
  timeMs: number | null;
  name: string;
  /** First argument when it is an fd (read, poll's first `{fd=N}`, ...); null otherwise. */
  fd: number | null;
  /** The `-y/-yy` annotation of that fd, without the angle brackets: `TCP:[127.0.0.1:52468->127.0.0.1:18790]`. */
  fdNote: string | null;
  /** For poll/ppoll: how many fds were polled. */
  fdCount: number | null;
  state: SyscallState;
  /** Numeric return value (decimal or hex); null for `?` or when unknown. */
  ret: number | null;
  /** Annotation of a returned fd (`socket(...) = 8<TCP:[46583]>`). */
  retNote: string | null;
  /** `EAGAIN`, `ERESTARTSYS`, ... (descriptions in any language are ignored). */
  errno: string | null;
  /** `-T` duration in ms. */
  durationMs: number | null;
  /** For connect(): the address it connects to (`127.0.0.1:18790`), from the sockaddr argument. */
  peer: string | null;
}

export interface ResumedEvent {
  kind: 'resumed';
  pid: number | null;
  timeMs: number | null;
  name: string;
  ret: number | null;
  retNote: string | null;
  errno: string | null;
  durationMs: number | null;
  /** True when the resumed line itself never got a return value (cut line or detach). */
  incomplete: boolean;
}

export interface SignalEvent {
  kind: 'signal';
  pid: number | null;
  timeMs: number | null;
  signal: string;
}

export interface ExitEvent {
  kind: 'exit';
  pid: number | null;
  timeMs: number | null;
  code: number | null;
  signal: string | null;
}

export interface AttachEvent {
  kind: 'attach';
  pid: number;
}

export interface DetachEvent {
  kind: 'detach';
  pid: number;
}

export type StraceErrorReason = 'no_such_process' | 'not_permitted' | 'invalid_pid' | 'self' | 'other';

/** strace could not trace: `strace: attach: ptrace(PTRACE_SEIZE, 1): Operation not permitted`. */
export interface StraceErrorEvent {
  kind: 'strace-error';
  reason: StraceErrorReason;
  /** The pid named in the message, when there is one. */
  pid: number | null;
  message: string;
}

/** Any other `strace: ...` line (informational). */
export interface StraceMessageEvent {
  kind: 'strace-message';
  message: string;
}

/**
 * A syscall line cut by strace's own message: `clone(..|SIGCHLDstrace: Process 22098 attached`.
 * `head` is the syscall part; the next line (`, child_tidptr=...) = 22098` or ` <detached ...>`)
 * continues it. The summariser glues them.
 */
export interface SplitEvent {
  kind: 'split';
  pid: number | null;
  head: string;
  message: AttachEvent | DetachEvent;
}

/** A line that only continues a split syscall line (` <detached ...>`, `, child_tidptr=...) = N`). */
export interface ContinuationEvent {
  kind: 'continuation';
  text: string;
}

/** One row of a `strace -c` table. */
export interface CountRowEvent {
  kind: 'count-row';
  name: string;
  seconds: number;
  calls: number;
  errors: number;
}

/** Header, separator or `total` row of a `strace -c` table. */
export interface CountTableLineEvent {
  kind: 'count-table';
  part: 'header' | 'separator' | 'total';
}

export interface UnparsedEvent {
  kind: 'unparsed';
  line: string;
}

export type StraceEvent =
  | SyscallEvent
  | ResumedEvent
  | SignalEvent
  | ExitEvent
  | AttachEvent
  | DetachEvent
  | StraceErrorEvent
  | StraceMessageEvent
  | SplitEvent
  | ContinuationEvent
  | CountRowEvent
  | CountTableLineEvent
  | UnparsedEvent;

/** A blank SyscallEvent to pass to parseStraceLineReusing / parseStraceLineBytes. */
export function createSyscallScratch(): SyscallEvent {
  return {
    kind: 'syscall', pid: null, timeMs: null, name: '', fd: null, fdNote: null, fdCount: null, state: 'complete',
    ret: null, retNote: null, errno: null, durationMs: null, peer: null,
  };
}

/** Sets every field of a reusable syscall event (the string and the byte parser fill the same one). */
export function resetSyscallEvent(
  ev: SyscallEvent,
  pid: SyscallEvent['pid'],
  timeMs: SyscallEvent['timeMs'],
  name: string,
  state: SyscallEvent['state'],
  durationMs: SyscallEvent['durationMs'],
): SyscallEvent {
  ev.pid = pid;
  ev.timeMs = timeMs;
  ev.name = name;
  ev.fd = null;
  ev.fdNote = null;
  ev.fdCount = null;
  ev.state = state;
  ev.ret = null;
  ev.retNote = null;
  ev.errno = null;
  ev.durationMs = durationMs;
  ev.peer = null;
  return ev;
}
