import { createSyscallScratch, type StraceErrorReason, type StraceEvent, type SyscallEvent } from './events.js';
import { describeFdNote, isSocketNote, peerOfFdNote } from './fd-note.js';
import { parseStraceLineReusing } from './parse-line.js';
import { parseStraceLineBytes } from './parse-line-bytes.js';
import { redactSecrets } from './redact.js';
import type {
  ErrnoStat,
  FdStat,
  ProcessExit,
  SignalStat,
  StraceSummary,
  SummarizeOptions,
  SyscallStat,
  UnfinishedCall,
} from './types.js';
import { CHILD_WAIT, FORK, isEventLoopWait, KILL, LOOP_WAIT, READ, SLEEP, SOCKET, syscallKind, WRITE } from './syscall-kinds.js';
import { decideVerdict, describeFromLive, type PidFacts, type TraceFacts } from './verdict.js';

/**
 * Caps that keep memory flat whatever the trace length: the maps below grow with distinct keys
 * (syscall names, pids, fds), never with lines. Past a cap, new keys fold into an "other" bucket.
 */
const MAX_SYSCALL_NAMES = 512;
const MAX_ERROR_KEYS = 512;
const MAX_SIGNALS = 128;
const MAX_FDS = 1024;
const MAX_PIDS = 4096;
const MAX_FDS_SHOWN = 100;
const MAX_UNPARSED_SAMPLES = 5;
const MAX_STRACE_ERRORS = 10;
const OTHER = '(other)';

/** Extras that are not part of the JSON contract: for display (unparsed samples) and for tests. */
export interface StraceSummaryDetails {
  /** Up to 5 unparsed lines, secrets redacted, for showing next to the count. */
  unparsedSamples: string[];
  /** Lines the line splitter cut because they were too long (chunk APIs only). */
  overlongLines: number;
  /** Where `syscalls` came from: trace lines, a `strace -c` table, or nothing. */
  countSource: 'trace' | 'table' | 'none';
  /** Syscall counts by `[pid N]` prefix as written in the trace (`-` = no prefix). */
  countsByPrefix: Record<string, Record<string, number>>;
  /** strace's own error messages (attach failures). */
  straceErrors: { reason: StraceErrorReason; message: string }[];
  /** First and last timestamp seen (ms; `-tt` ones are ms since midnight), null without timestamps. */
  firstTimeMs: number | null;
  lastTimeMs: number | null;
}

export interface StraceSummarizer {
  /** Feeds one line (no terminator). */
  push(line: string): void;
  /** Ends the stream and returns the summary with its verdict (call once). */
  /**
   * Ends the trace and returns its summary. `final` carries what is only known at the end (the live
   * evidence taken after the trace, the host's own duration); it replaces those options, once.
   */
  finish(final?: SummarizeOptions): StraceSummary;
  /** Extras beside the contract; complete after finish(). */
  details(): StraceSummaryDetails;
  /** Records lines the caller's line splitter cut (shown in details). */
  addOverlongLines(count: number): void;
}

interface SyscallAcc {
  kind: number;
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  timed: boolean;
}

interface FdAcc {
  pid: number | null;
  fd: number;
  note: string | null;
  connectPeer: string | null;
  /** How many other things this fd number was before (fds are reused after close). */
  earlierUses: number;
  calls: number;
  bytesRead: number;
  bytesWritten: number;
  timeMs: number;
  timed: boolean;
}

interface PendingCall {
  pid: number | null;
  name: string;
  fd: number | null;
  fdAcc: FdAcc | null;
  fdCount: number | null;
  timeMs: number | null;
  /** It was the first call seen of its pid (in progress at attach: waited at least the whole trace). */
  first: boolean;
  /** A socket read returned data since the last event-loop wait (a request was being served). */
  afterRequest: { fd: number | null; note: string | null } | null;
  /** For restart_syscall: the call it resumes, when this trace saw that call interrupted; else null. */
  resumes: string | null;
}

/** The summariser plus the byte entry point used by the chunk APIs below. */
interface ByteStraceSummarizer extends StraceSummarizer {
  /** Feeds the line in `buf[start, end)` (no terminator, no trailing CR). */
  pushBytes(buf: Buffer, start: number, end: number): void;
}

/** Creates a streaming summariser: push lines, then finish(). Memory does not grow with trace length. */
export function createStraceSummarizer(opts: SummarizeOptions = {}): StraceSummarizer {
  return createByteStraceSummarizer(opts);
}

function createByteStraceSummarizer(opts: SummarizeOptions = {}): ByteStraceSummarizer {
  const syscalls = new Map<string, SyscallAcc>();
  const errors = new Map<string, ErrnoStat>();
  const signals = new Map<string, number>();
  // pid -> fd -> stats; nested maps avoid building a string key per line.
  const fds = new Map<number | null, Map<number, FdAcc>>();
  let fdCount = 0;
  let otherFds: FdAcc | null = null;
  const pending = new Map<number | null, PendingCall>();
  const pidFacts = new Map<number | null, PidFacts>();
  const exits = new Map<number, ProcessExit>();
  const pids = new Set<number>(opts.pids ?? []);
  const countsByPrefix = new Map<number | null, Map<string, { n: number }>>();
  let lastPrefix: number | null = null;
  let lastPrefixCounts: Map<string, { n: number }> | undefined;
  const table = new Map<string, { calls: number; errors: number; seconds: number }>();
  const straceErrors: { reason: StraceErrorReason; message: string; pid: number | null }[] = [];
  const unparsedSamples: string[] = [];
  const attached: number[] = [];
  const detachedRunning = new Set<number | null>();
  let syscallCount = 0;
  let unparsedLines = 0;
  let overlongLines = 0;
  let firstTimeMs: number | null = null;
  let lastTimeMs: number | null = null;
  let lastRawTimeMs = -1;
  let dayOffsetMs = 0;
  let split: { head: string } | null = null;
  let sawAttach = false;
  let finished: StraceSummary | null = null;
  let hasDurations = false;

  const mainPidFromOpts = opts.pids !== undefined && opts.pids.length === 1 ? (opts.pids[0] as number) : null;
  let mainPid: number | null = mainPidFromOpts;

  function resolvePid(pid: number | null): number | null {
    return pid ?? mainPid;
  }

  function seePid(pid: number | null): void {
    if (pid !== null && pids.size < MAX_PIDS) pids.add(pid);
  }

  function facts(pid: number | null): PidFacts {
    if (lastFacts !== null && lastFacts.pid === pid) return lastFacts;
    let f = pidFacts.get(pid);
    if (f === undefined) {
      if (pidFacts.size >= MAX_PIDS) return (pidFacts.get(-1) ?? makeFacts(-1, pidFacts)) as PidFacts;
      f = makeFacts(pid, pidFacts);
    }
    lastFacts = f;
    return f;
  }

  function stamp(raw: number | null): number | null {
    if (raw === null) return null;
    // `-t`/`-tt` restart at midnight: keep the clock monotonic.
    if (raw < 86_400_000 && lastRawTimeMs >= 0 && raw + 43_200_000 < lastRawTimeMs) dayOffsetMs += 86_400_000;
    lastRawTimeMs = raw;
    const t = raw + dayOffsetMs;
    if (firstTimeMs === null) firstTimeMs = t;
    if (lastTimeMs === null || t > lastTimeMs) lastTimeMs = t;
    return t;
  }

  function seeEnd(t: number | null, durationMs: number | null): void {
    if (t !== null && durationMs !== null && (lastTimeMs === null || t + durationMs > lastTimeMs)) lastTimeMs = t + durationMs;
  }

  function syscallAcc(name: string): SyscallAcc {
    let acc = syscalls.get(name);
    if (acc === undefined) {
      const key = syscalls.size >= MAX_SYSCALL_NAMES ? OTHER : name;
      acc = syscalls.get(key);
      if (acc === undefined) {
        acc = { kind: syscallKind(name), count: 0, errors: 0, totalMs: 0, maxMs: 0, timed: false };
        syscalls.set(key, acc);
      }
    }
    return acc;
  }

  // Consecutive lines mostly touch the same pid and fd: remember the last lookups.
  let lastFdAcc: FdAcc | null = null;
  let lastFacts: PidFacts | null = null;

  function fdAcc(pid: number | null, fd: number): FdAcc {
    if (lastFdAcc !== null && lastFdAcc.fd === fd && lastFdAcc.pid === pid) return lastFdAcc;
    let byFd = fds.get(pid);
    if (byFd === undefined) {
      byFd = new Map();
      fds.set(pid, byFd);
    }
    let acc = byFd.get(fd);
    if (acc === undefined) {
      if (fdCount >= MAX_FDS) {
        otherFds ??= { pid: null, fd: -1, note: null, connectPeer: null, earlierUses: 0, calls: 0, bytesRead: 0, bytesWritten: 0, timeMs: 0, timed: false };
        return otherFds;
      }
      acc = { pid, fd, note: null, connectPeer: null, earlierUses: 0, calls: 0, bytesRead: 0, bytesWritten: 0, timeMs: 0, timed: false };
      byFd.set(fd, acc);
      fdCount++;
    }
    lastFdAcc = acc;
    return acc;
  }

  // syscall -> errno -> stat: nested maps, no key string built per failing call.
  const errorsByName = new Map<string, Map<string, ErrnoStat>>();
  let errorKeys = 0;

  function countError(name: string, errno: string): void {
    let byErrno = errorsByName.get(name);
    if (byErrno === undefined) {
      byErrno = new Map();
      errorsByName.set(name, byErrno);
    }
    const e = byErrno.get(errno);
    if (e !== undefined) {
      e.count++;
    } else if (errorKeys < MAX_ERROR_KEYS) {
      errorKeys++;
      const stat = { syscall: name, errno, count: 1 };
      byErrno.set(errno, stat);
      errors.set(`${name}\u0000${errno}`, stat);
    } else {
      const o = errors.get(OTHER);
      if (o !== undefined) o.count++;
      else errors.set(OTHER, { syscall: OTHER, errno: OTHER, count: 1 });
    }
  }

  /** Result of a call (complete line or resumed): errors, time, bytes. */
  function applyResult(
    name: string,
    acc: SyscallAcc,
    pid: number | null,
    fa: FdAcc | null,
    ret: number | null,
    errno: string | null,
    durationMs: number | null,
    timeMs: number | null,
  ): void {
    if (errno !== null) {
      acc.errors++;
      countError(name, errno);
    }
    if (durationMs !== null) {
      hasDurations = true;
      acc.timed = true;
      acc.totalMs += durationMs;
      if (durationMs > acc.maxMs) acc.maxMs = durationMs;
      if (fa !== null) {
        fa.timed = true;
        fa.timeMs += durationMs;
      }
    }
    const f = facts(pid);
    if (ret !== null && ret > 0) {
      const kind = acc.kind;
      if ((kind & READ) !== 0) {
        if (fa !== null) fa.bytesRead += ret;
        if ((kind & SOCKET) !== 0 || (fa !== null && (isSocketNote(fa.note) || fa.connectPeer !== null))) {
          f.socketReads++;
          // Mutated in place: one object per request, not per read (pending calls take a copy).
          if (f.requestRead === null) f.requestRead = { fd: fa?.fd ?? null, note: fa?.note ?? null };
          else {
            f.requestRead.fd = fa?.fd ?? null;
            f.requestRead.note = fa?.note ?? null;
          }
        }
      } else if ((kind & WRITE) !== 0) {
        if (fa !== null) fa.bytesWritten += ret;
      } else if ((kind & CHILD_WAIT) !== 0) {
        f.reapedPids.push(ret);
        if (f.reapedPids.length > 10) f.reapedPids.shift();
      } else if ((kind & FORK) !== 0) {
        f.forkedPids.push(ret);
        if (f.forkedPids.length > 10) f.forkedPids.shift();
      }
    }
    if (durationMs !== null) {
      if ((acc.kind & LOOP_WAIT) !== 0) f.eventLoopMs += durationMs;
      else if ((acc.kind & SLEEP) !== 0) f.sleepMs += durationMs;
    }
    // A call interrupted by a stop or the tracer is resumed by restart_syscall; a chain of restarts keeps its name.
    if (errno === 'ERESTART_RESTARTBLOCK') {
      if (name !== 'restart_syscall') f.restartable = name;
    } else if (f.restartable !== null) {
      f.restartable = null;
    }
    setLastCall(f, name, errno, timeMs !== null && durationMs !== null ? timeMs + durationMs : timeMs);
    seeEnd(timeMs, durationMs);
  }

  function onSyscall(ev: SyscallEvent): void {
    const pid = resolvePid(ev.pid);
    const timeMs = stamp(ev.timeMs);
    syscallCount++;
    const sacc = syscallAcc(ev.name);
    sacc.count++;
    const kind = sacc.kind;
    const prefix = ev.pid;
    let byName = prefix === lastPrefix && lastPrefixCounts !== undefined ? lastPrefixCounts : countsByPrefix.get(prefix);
    if (byName === undefined && countsByPrefix.size < MAX_PIDS) {
      byName = new Map();
      countsByPrefix.set(prefix, byName);
    }
    lastPrefix = prefix;
    lastPrefixCounts = byName;
    if (byName !== undefined) {
      const c = byName.get(ev.name);
      if (c !== undefined) c.n++;
      else if (byName.size < MAX_SYSCALL_NAMES) byName.set(ev.name, { n: 1 });
    }

    const f = facts(pid);
    const first = f.calls === 0;
    f.calls++;
    // strace's `<... resuming interrupted X ...>` names X right only when it saw X interrupted; at attach
    // it is a leftover ("read" on x86_64 whatever the call). Keep the call this trace saw instead.
    let resumes: string | null = null;
    if (f.restartable !== null) {
      if (ev.name === 'restart_syscall') resumes = f.restartable;
      else f.restartable = null;
    }
    if (f.firstTimeMs === null) f.firstTimeMs = timeMs;
    if (timeMs !== null) f.lastTimeMs = timeMs;

    let fa: FdAcc | null = null;
    if (ev.fd !== null) {
      const acc = fdAcc(pid, ev.fd);
      fa = acc;
      acc.calls++;
      if (ev.fdNote !== null && acc.note !== ev.fdNote) {
        // A socket's annotation changes when it connects (`TCP:[46583]` -> `TCP:[a->b]`): same socket.
        if (acc.note !== null && !(acc.note.startsWith('TCP:[') && ev.fdNote.startsWith('TCP:['))) acc.earlierUses++;
        acc.note = flatCopy(ev.fdNote);
      }
      if (ev.peer !== null) acc.connectPeer = ev.peer;
      if (!f.socketsSeen && isSocketNote(ev.fdNote)) f.socketsSeen = true;
    }
    if (ev.retNote !== null && ev.ret !== null && ev.ret >= 0) {
      // socket()/accept()/openat() return a new fd with its annotation: remember what it is.
      const acc = fdAcc(pid, ev.ret);
      if (acc.note !== null && acc.note !== ev.retNote) acc.earlierUses++;
      acc.note = flatCopy(ev.retNote);
      acc.connectPeer = null;
      if (isSocketNote(ev.retNote)) f.socketsSeen = true;
    }
    if ((kind & SOCKET) !== 0) {
      f.socketsSeen = true;
      f.ioCalls++;
    } else if ((kind & (READ | WRITE)) !== 0 && isSocketNote(ev.fdNote)) {
      f.ioCalls++;
    }
    if ((kind & LOOP_WAIT) !== 0 || (ev.fdCount !== null && isEventLoopWait(ev.name, ev.fdCount))) {
      f.eventLoopCalls++;
      f.requestRead = null;
      if (ev.fdNote !== null && isSocketNote(ev.fdNote)) f.socketsSeen = true;
    }
    if ((kind & CHILD_WAIT) !== 0) f.waitCalls++;
    if ((kind & KILL) !== 0) f.killCalls++;

    if (ev.state === 'complete') {
      applyResult(ev.name, sacc, pid, fa, ev.ret, ev.errno, ev.durationMs, timeMs);
    } else if (ev.state === 'unfinished' || ev.state === 'detached') {
      pending.set(pid, {
        pid, name: ev.name, fd: ev.fd, fdAcc: fa, fdCount: ev.fdCount, timeMs, first,
        afterRequest: f.requestRead === null ? null : { ...f.requestRead },
        resumes,
      });
      if (pending.size > MAX_PIDS) pending.delete(pending.keys().next().value as number | null);
      setLastCall(f, ev.name, null, null);
    } else {
      setLastCall(f, ev.name, null, timeMs);
    }
  }

  function handle(ev: StraceEvent | undefined): void {
    if (ev === undefined) return;
    switch (ev.kind) {
      case 'syscall':
        onSyscall(ev);
        return;
      case 'resumed': {
        const pid = resolvePid(ev.pid);
        const timeMs = stamp(ev.timeMs);
        const p = pending.get(pid);
        if (p !== undefined && p.name === ev.name) {
          if (ev.incomplete) return; // still running: keep it pending
          pending.delete(pid);
          applyResult(ev.name, syscallAcc(ev.name), pid, p.fdAcc, ev.ret, ev.errno, ev.durationMs, p.timeMs ?? timeMs);
          seeEnd(timeMs, 0);
        } else if (!ev.incomplete) {
          // Its unfinished half was before the attach or lost: still account the result.
          applyResult(ev.name, syscallAcc(ev.name), pid, null, ev.ret, ev.errno, ev.durationMs, timeMs);
        }
        return;
      }
      case 'signal': {
        stamp(ev.timeMs);
        const n = signals.get(ev.signal);
        if (n !== undefined) signals.set(ev.signal, n + 1);
        else if (signals.size < MAX_SIGNALS) signals.set(ev.signal, 1);
        const f = facts(resolvePid(ev.pid));
        f.signals++;
        if (ev.signal === 'SIGCHLD') f.sigchld++;
        return;
      }
      case 'exit': {
        stamp(ev.timeMs);
        const pid = resolvePid(ev.pid) ?? 0;
        seePid(pid);
        pending.delete(pid);
        if (exits.size < MAX_PIDS) exits.set(pid, { pid, code: ev.code, signal: ev.signal });
        return;
      }
      case 'attach':
        sawAttach = true;
        seePid(ev.pid);
        if (attached.length < MAX_PIDS) attached.push(ev.pid);
        mainPid ??= ev.pid;
        return;
      case 'detach':
        seePid(ev.pid);
        // Detached while not inside a syscall: it was running user code at that moment.
        if (!pending.has(ev.pid) && !(ev.pid === mainPid && pending.has(null))) detachedRunning.add(ev.pid);
        return;
      case 'split':
        split = { head: ev.head };
        if (ev.message.kind === 'attach') handle(ev.message);
        else seePid(ev.message.pid);
        return;
      case 'continuation':
        // Only meaningful right after a split line (handled in push); otherwise ignore quietly.
        return;
      case 'strace-error':
        if (straceErrors.length < MAX_STRACE_ERRORS) straceErrors.push({ reason: ev.reason, message: ev.message, pid: ev.pid });
        if (ev.pid !== null) seePid(ev.pid);
        return;
      case 'strace-message':
        return;
      case 'count-row': {
        const t = table.get(ev.name);
        if (t !== undefined) {
          t.calls += ev.calls;
          t.errors += ev.errors;
          t.seconds += ev.seconds;
        } else if (table.size < MAX_SYSCALL_NAMES) {
          table.set(ev.name, { calls: ev.calls, errors: ev.errors, seconds: ev.seconds });
        }
        return;
      }
      case 'count-table':
        return;
      case 'unparsed':
        unparsedLines++;
        if (unparsedSamples.length < MAX_UNPARSED_SAMPLES) unparsedSamples.push(redactSecrets(ev.line.slice(0, 300)));
        return;
    }
  }

  // One reusable event object for syscall lines: the hot loop allocates nothing per line for it.
  const scratch = createSyscallScratch();
  const parse = (line: string) => parseStraceLineReusing(line, scratch);

  function push(line: string): void {
    if (split !== null) {
      const head = split.head;
      split = null;
      const ev = parse(line);
      if (ev !== undefined && ev.kind === 'continuation') {
        handle(parse(head + line));
        return;
      }
      // No continuation: the call was in progress when strace printed its message. (The line is parsed
      // again after it, because both parses share the scratch event.)
      handle(parse(`${head} <detached ...>`));
      handle(parse(line));
      return;
    }
    handle(parse(line));
  }

  function pushBytes(buf: Buffer, start: number, end: number): void {
    // The common syscall line is read from the bytes; everything else (and anything right after a
    // split line) goes through the string parser, exactly as push() would.
    if (split === null && end > start) {
      const ev = parseStraceLineBytes(buf, start, end, scratch);
      if (ev !== null) {
        onSyscall(ev);
        return;
      }
    }
    push(buf.toString('utf8', start, end));
  }

  function traceEndMs(): number | null {
    if (firstTimeMs === null || lastTimeMs === null) return null;
    const byDuration = opts.durationMs != null ? firstTimeMs + opts.durationMs : -Infinity;
    return Math.max(lastTimeMs, byDuration);
  }

  function describe(pid: number | null, fd: number | null, acc: FdAcc | null): { description: string | null; peer: string | null } {
    if (fd === null) return { description: null, peer: null };
    const note = acc?.note ?? null;
    let description = note !== null ? describeFdNote(note) : null;
    let peer = peerOfFdNote(note);
    // Plain or -y traces: ask the live evidence (fd -> socket inode -> socket table).
    if ((note === null || /^(socket|TCP|TCPv6|UDP|UDPv6):\[\d+\]$/.test(note)) && opts.live !== undefined) {
      const live = describeFromLive(opts.live, pid, fd);
      if (live !== null) {
        description = live.description;
        peer = live.peer ?? peer;
      }
    }
    if (peer === null && acc?.connectPeer != null) {
      peer = acc.connectPeer;
      description = description === null ? `connected to ${peer}` : `${description}, connected to ${peer}`;
    }
    return { description, peer };
  }

  function finish(final?: SummarizeOptions): StraceSummary {
    if (finished !== null) return finished;
    if (final !== undefined) opts = { ...opts, ...final };
    if (split !== null) {
      const head = split.head;
      split = null;
      handle(parse(`${head} <detached ...>`));
    }
    const endMs = traceEndMs();
    const countSource: TraceFacts['countSource'] = syscallCount > 0 ? 'trace' : table.size > 0 ? 'table' : 'none';

    let syscallList: SyscallStat[];
    let total = syscallCount;
    if (countSource === 'table') {
      syscallList = [...table].map(([name, t]) => ({ name, count: t.calls, errors: t.errors, totalTimeMs: round3(t.seconds * 1000), maxTimeMs: null }));
      total = syscallList.reduce((s, x) => s + x.count, 0);
    } else {
      syscallList = [...syscalls].map(([name, a]) => ({
        name,
        count: a.count,
        errors: a.errors,
        totalTimeMs: a.timed ? round3(a.totalMs) : null,
        maxTimeMs: a.timed ? round3(a.maxMs) : null,
      }));
    }
    syscallList.sort((a, b) => b.count - a.count || (b.totalTimeMs ?? 0) - (a.totalTimeMs ?? 0) || a.name.localeCompare(b.name));

    const errorList = [...errors.values()].map((e) => ({ ...e })).sort((a, b) => b.count - a.count || a.syscall.localeCompare(b.syscall) || a.errno.localeCompare(b.errno));
    const signalList: SignalStat[] = [...signals].map(([signal, count]) => ({ signal, count })).sort((a, b) => b.count - a.count || a.signal.localeCompare(b.signal));

    const fdRows = [...fds.values()].flatMap((m) => [...m.values()]).sort(
      (a, b) => b.timeMs - a.timeMs || b.bytesRead + b.bytesWritten - (a.bytesRead + a.bytesWritten) || b.calls - a.calls || (a.pid ?? 0) - (b.pid ?? 0) || a.fd - b.fd,
    );
    const fdList: FdStat[] = [];
    let folded: FdAcc | null = otherFds === null ? null : { ...otherFds };
    let foldedCount = otherFds === null ? 0 : 1;
    for (const acc of fdRows) {
      if (fdList.length < MAX_FDS_SHOWN) {
        fdList.push({
          pid: acc.pid,
          fd: acc.fd,
          description: withEarlierUses(describe(acc.pid, acc.fd, acc).description, acc.earlierUses),
          calls: acc.calls,
          bytesRead: acc.bytesRead,
          bytesWritten: acc.bytesWritten,
          timeMs: acc.timed ? round3(acc.timeMs) : null,
        });
      } else {
        folded ??= { pid: null, fd: -1, note: null, connectPeer: null, earlierUses: 0, calls: 0, bytesRead: 0, bytesWritten: 0, timeMs: 0, timed: false };
        folded.calls += acc.calls;
        folded.bytesRead += acc.bytesRead;
        folded.bytesWritten += acc.bytesWritten;
        folded.timeMs += acc.timeMs;
        folded.timed ||= acc.timed;
        foldedCount++;
      }
    }
    if (folded !== null) {
      fdList.push({
        pid: null,
        fd: -1,
        description: `(${foldedCount}${otherFds !== null ? '+' : ''} other fds)`,
        calls: folded.calls,
        bytesRead: folded.bytesRead,
        bytesWritten: folded.bytesWritten,
        timeMs: folded.timed ? round3(folded.timeMs) : null,
      });
    }

    const unfinished: UnfinishedCall[] = [];
    const unfinishedPeers: (string | null)[] = [];
    const pendingSorted = [...pending.values()].sort((a, b) => (a.pid ?? -1) - (b.pid ?? -1));
    for (const p of pendingSorted) {
      const acc = p.fdAcc;
      const d = describe(p.pid, p.fd, acc);
      let waitedMs: number | null = null;
      if (p.timeMs !== null && endMs !== null && endMs > p.timeMs) waitedMs = round3(endMs - p.timeMs);
      else if (p.timeMs === null && p.first && opts.durationMs != null) waitedMs = opts.durationMs;
      unfinished.push({ pid: p.pid, syscall: p.name, fd: p.fd, description: d.description, waitedMs });
      unfinishedPeers.push(d.peer);
    }

    const pidList = [...pids].sort((a, b) => a - b);
    const durationMs = opts.durationMs ?? (firstTimeMs !== null && lastTimeMs !== null && lastTimeMs > firstTimeMs ? Math.round(lastTimeMs - firstTimeMs) : null);

    const base = {
      host: opts.host ?? null,
      pids: pidList,
      durationMs,
      syscallCount: total,
      unparsedLines,
      syscalls: syscallList,
      errors: errorList,
      signals: signalList,
      fds: fdList,
      unfinished,
      exits: [...exits.values()].sort((a, b) => a.pid - b.pid),
    };
    const traceFacts: TraceFacts = {
      mainPid,
      targetPids: opts.pids !== undefined && opts.pids.length > 0 ? [...opts.pids] : mainPid !== null ? [mainPid] : [],
      pids: pidFacts,
      pendingFirst: new Map(pendingSorted.map((p) => [p.pid, p.first])),
      pendingAfterRequest: new Map(pendingSorted.map((p) => [p.pid, p.afterRequest])),
      pendingFdCount: new Map(pendingSorted.map((p) => [p.pid, p.fdCount])),
      pendingResumes: new Map(pendingSorted.map((p) => [p.pid, p.resumes])),
      unfinishedPeers,
      straceErrors: straceErrors.map((e) => ({ ...e })),
      sawAttach,
      detachedRunning,
      countSource,
      firstTimeMs,
      traceEndMs: endMs,
      hasDurations,
      hasTimestamps: firstTimeMs !== null,
    };
    finished = { ...base, verdict: decideVerdict({ summary: base, facts: traceFacts, opts }) };
    return finished;
  }

  function details(): StraceSummaryDetails {
    const byPrefix: Record<string, Record<string, number>> = {};
    for (const [prefix, m] of countsByPrefix) byPrefix[prefix === null ? '-' : String(prefix)] = Object.fromEntries([...m].map(([k, c]) => [k, c.n] as const).sort(([a], [b]) => a.localeCompare(b)));
    return {
      unparsedSamples: [...unparsedSamples],
      overlongLines,
      countSource: syscallCount > 0 ? 'trace' : table.size > 0 ? 'table' : 'none',
      countsByPrefix: byPrefix,
      straceErrors: straceErrors.map(({ reason, message }) => ({ reason, message: redactSecrets(message) })),
      firstTimeMs,
      lastTimeMs,
    };
  }

  return {
    push,
    pushBytes,
    finish,
    details,
    addOverlongLines(count: number) {
      overlongLines += count;
    },
  };
}

/** Updates the last call in place (no allocation per line). */
function setLastCall(f: PidFacts, name: string, errno: string | null, endMs: number | null): void {
  if (f.lastCall === null) f.lastCall = { name, errno, endMs };
  else {
    f.lastCall.name = name;
    f.lastCall.errno = errno;
    f.lastCall.endMs = endMs;
  }
}

function makeFacts(pid: number | null, into: Map<number | null, PidFacts>): PidFacts {
  const f: PidFacts = {
    pid,
    calls: 0,
    ioCalls: 0,
    socketReads: 0,
    eventLoopCalls: 0,
    eventLoopMs: 0,
    sleepMs: 0,
    socketsSeen: false,
    requestRead: null,
    restartable: null,
    lastCall: null,
    firstTimeMs: null,
    lastTimeMs: null,
    waitCalls: 0,
    killCalls: 0,
    signals: 0,
    sigchld: 0,
    reapedPids: [],
    forkedPids: [],
  };
  into.set(pid, f);
  return f;
}

/**
 * A copy that does not share memory with the line it was sliced from: notes are kept for the whole
 * trace, and a slice would pin its (possibly 64 KB) line or chunk.
 */
function flatCopy(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function withEarlierUses(description: string | null, earlierUses: number): string | null {
  if (earlierUses === 0 || description === null) return description;
  return `${description} (last of ${earlierUses + 1} uses of this fd)`;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Summarises a stream (or list) of lines. */
export async function summarizeStrace(lines: AsyncIterable<string> | Iterable<string>, opts?: SummarizeOptions): Promise<StraceSummary> {
  const s = createStraceSummarizer(opts);
  for await (const line of lines) s.push(line);
  return s.finish();
}

/** Summarises a byte/text chunk stream (a file, a process pipe), splitting lines as they arrive. */
export async function summarizeStraceChunks(chunks: AsyncIterable<Uint8Array | string>, opts?: SummarizeOptions): Promise<StraceSummary> {
  return (await summarizeStraceChunksWithDetails(chunks, opts)).summary;
}

/** Like summarizeStraceChunks, plus the extras (unparsed samples, overlong lines) for display. */
export async function summarizeStraceChunksWithDetails(
  chunks: AsyncIterable<Uint8Array | string>,
  opts?: SummarizeOptions & { maxLineLength?: number },
): Promise<{ summary: StraceSummary; details: StraceSummaryDetails }> {
  const s = createByteStraceSummarizer(opts);
  const lines = createByteLineFeeder(s, opts?.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH);
  for await (const chunk of chunks) lines.push(chunk);
  lines.end();
  s.addOverlongLines(lines.overlongLines());
  const summary = s.finish();
  return { summary, details: s.details() };
}

/** Same default as LineSplitter: a longer line is cut there and counted. */
const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;
const CH_LF = 10;
const CH_CR = 13;

/**
 * Splits chunks into lines on the bytes (`indexOf(10)` is a native memchr) and hands each line to the
 * summariser as a range of the chunk: no decoded chunk string, no string per line. Same lines as
 * LineSplitter: `\n` or `\r\n`, a UTF-8 character split across chunks (only a line that spans chunks is
 * copied, into `carry`), and a line longer than `maxLineLength` characters cut there and counted.
 */
function createByteLineFeeder(s: ByteStraceSummarizer, maxLineLength: number) {
  // A line of more than 3 bytes per UTF-16 unit of the limit is overlong whatever its characters,
  // so the carry never grows past this.
  const carryLimit = 3 * maxLineLength + 4;
  let carry = Buffer.allocUnsafe(Math.min(4096, carryLimit));
  let carryLen = 0;
  let skipping = false;
  let overlong = 0;

  function emit(buf: Buffer, start: number, end: number): void {
    if (end - start > maxLineLength) {
      // Bytes >= UTF-16 units: only a line this long can be over the limit in characters.
      let line = buf.toString('utf8', start, end);
      if (line.length > maxLineLength) {
        overlong++;
        line = line.slice(0, maxLineLength);
      }
      s.push(line.endsWith('\r') ? line.slice(0, -1) : line);
      return;
    }
    s.pushBytes(buf, start, end > start && buf[end - 1] === CH_CR ? end - 1 : end);
  }

  function append(buf: Buffer, start: number, end: number): void {
    const room = carryLimit - carryLen;
    const n = Math.min(end - start, room);
    if (carryLen + n > carry.length) {
      const bigger = Buffer.allocUnsafe(Math.min(carryLimit, Math.max(carry.length * 2, carryLen + n)));
      carry.copy(bigger, 0, 0, carryLen);
      carry = bigger;
    }
    buf.copy(carry, carryLen, start, start + n);
    carryLen += n;
    if (carryLen >= carryLimit) {
      // Certainly overlong: emit its first maxLineLength characters now and drop the rest of the line.
      emit(carry, 0, carryLen);
      carryLen = 0;
      skipping = true;
    }
  }

  return {
    push(chunk: Uint8Array | string): void {
      const buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      let pos = 0;
      if (carryLen > 0 || skipping) {
        const nl = buf.indexOf(CH_LF);
        if (nl < 0) {
          if (!skipping) append(buf, 0, buf.length);
          return;
        }
        if (skipping) skipping = false;
        else {
          append(buf, 0, nl);
          if (skipping) skipping = false; // the line hit the limit exactly at its end
          else emit(carry, 0, carryLen);
          carryLen = 0;
        }
        pos = nl + 1;
      }
      for (let nl = buf.indexOf(CH_LF, pos); nl >= 0; nl = buf.indexOf(CH_LF, pos)) {
        emit(buf, pos, nl);
        pos = nl + 1;
      }
      if (pos < buf.length) append(buf, pos, buf.length);
    },
    end(): void {
      if (carryLen > 0 && !skipping) emit(carry, 0, carryLen);
      carryLen = 0;
      skipping = false;
    },
    overlongLines: () => overlong,
  };
}
