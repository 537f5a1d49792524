/**
 * The tables of a summary (the `trace --json` contract without its verdict), built once from the
 * trace's facts and the options known at the end: syscalls, errors and signals by count, fds by time
 * with what each one is, the calls still in progress with how long they had waited.
 */

import type { TraceFacts } from './trace-facts.js';
import { blankFdAcc, type FdAcc } from './fd-accounts.js';
import { describeFdNote, peerOfFdNote } from './fd-note.js';
import type { DurationSource, FdStat, SignalStat, StraceSummary, SummarizeOptions, SyscallStat, UnfinishedCall } from './types.js';
import { describeFromLive } from './verdict/live-evidence.js';

const MAX_FDS_SHOWN = 100;

/** The tables, and what the verdict needs beside them. */
export interface SummaryBody {
  summary: Omit<StraceSummary, 'verdict'>;
  /** When the trace ended: its last instant, or its start plus the time box when that is later. */
  traceEndMs: number | null;
  /** The peer of each `summary.unfinished` entry's fd (same order), when known. */
  unfinishedPeers: (string | null)[];
}

/** Builds the tables from `facts`, describing fds with the live evidence in `opts` when there is some. */
export function buildSummaryBody(facts: TraceFacts, opts: SummarizeOptions): SummaryBody {
  const { firstTimeMs, lastTimeMs } = facts;
  const traceEndMs = firstTimeMs === null || lastTimeMs === null ? null : Math.max(lastTimeMs, opts.durationMs != null ? firstTimeMs + opts.durationMs : -Infinity);
  const describe = (pid: number | null, fd: number | null, acc: FdAcc | null) => describeFd(pid, fd, acc, opts);

  let syscalls: SyscallStat[];
  let total = facts.syscallCount;
  if (facts.countSource === 'table') {
    syscalls = [...facts.calls.table].map(([name, t]) => ({ name, count: t.calls, errors: t.errors, totalTimeMs: round3(t.seconds * 1000), maxTimeMs: null }));
    total = syscalls.reduce((s, x) => s + x.count, 0);
  } else {
    syscalls = [...facts.calls.syscalls].map(([name, a]) => ({
      name,
      count: a.count,
      errors: a.errors,
      totalTimeMs: a.timed ? round3(a.totalMs) : null,
      maxTimeMs: a.timed ? round3(a.maxMs) : null,
    }));
  }
  syscalls.sort((a, b) => b.count - a.count || (b.totalTimeMs ?? 0) - (a.totalTimeMs ?? 0) || a.name.localeCompare(b.name));

  const errors = [...facts.calls.errors.values()].map((e) => ({ ...e })).sort((a, b) => b.count - a.count || a.syscall.localeCompare(b.syscall) || a.errno.localeCompare(b.errno));
  const signals: SignalStat[] = [...facts.calls.signals].map(([signal, count]) => ({ signal, count })).sort((a, b) => b.count - a.count || a.signal.localeCompare(b.signal));

  const unfinished: UnfinishedCall[] = [];
  const unfinishedPeers: (string | null)[] = [];
  for (const p of [...facts.pending.values()].sort((a, b) => (a.pid ?? -1) - (b.pid ?? -1))) {
    const d = describe(p.pid, p.fd, p.fdAcc);
    let waitedMs: number | null = null;
    let waitedIsLowerBound = false;
    // A call already in progress when strace attached (a first restart_syscall is one) began earlier.
    const beganBeforeAttach = p.first && p.name === 'restart_syscall';
    if (p.timeMs !== null && traceEndMs !== null && traceEndMs > p.timeMs) {
      waitedMs = round3(traceEndMs - p.timeMs);
      // Without the host's duration the end is only the last timestamp: the call may have waited longer.
      waitedIsLowerBound = opts.durationMs == null || beganBeforeAttach;
    } else if (p.timeMs === null && p.first && opts.durationMs != null) {
      // Taken to be in progress since before the attach: it waited the whole trace, at least.
      waitedMs = opts.durationMs;
      waitedIsLowerBound = true;
    }
    unfinished.push({ pid: p.pid, syscall: p.name, fd: p.fd, description: d.description, waitedMs, waitedIsLowerBound });
    unfinishedPeers.push(d.peer);
  }

  const spanMs = firstTimeMs !== null && lastTimeMs !== null && lastTimeMs > firstTimeMs ? Math.round(lastTimeMs - firstTimeMs) : null;
  const durationMs = opts.durationMs ?? spanMs;
  const durationSource: DurationSource | null = opts.durationMs != null ? 'measured' : spanMs !== null ? 'timestamps' : null;
  const summary = {
    host: opts.host ?? null,
    pids: [...facts.seenPids].sort((a, b) => a - b),
    durationMs,
    durationSource,
    syscallCount: total,
    unparsedLines: facts.unparsedLines,
    syscalls,
    errors,
    signals,
    fds: fdTable(facts, describe),
    unfinished,
    exits: [...facts.exits.values()].sort((a, b) => a.pid - b.pid),
  };
  return { summary, traceEndMs, unfinishedPeers };
}

/** The fds by time, bytes and calls; past MAX_FDS_SHOWN (and past the reducer's cap) folded into one row. */
function fdTable(facts: TraceFacts, describe: (pid: number | null, fd: number | null, acc: FdAcc | null) => { description: string | null }): FdStat[] {
  const rows = facts.fds.all().sort(
    (a, b) => b.timeMs - a.timeMs || b.bytesRead + b.bytesWritten - (a.bytesRead + a.bytesWritten) || b.calls - a.calls || (a.pid ?? 0) - (b.pid ?? 0) || a.fd - b.fd,
  );
  const overflow = facts.fds.folded();
  const list: FdStat[] = [];
  let folded: FdAcc | null = overflow === null ? null : { ...overflow };
  let foldedCount = overflow === null ? 0 : 1;
  for (const acc of rows) {
    if (list.length < MAX_FDS_SHOWN) {
      list.push({
        pid: acc.pid,
        fd: acc.fd,
        description: withEarlierUses(describe(acc.pid, acc.fd, acc).description, acc.earlierUses),
        calls: acc.calls,
        bytesRead: acc.bytesRead,
        bytesWritten: acc.bytesWritten,
        timeMs: acc.timed ? round3(acc.timeMs) : null,
      });
    } else {
      folded ??= blankFdAcc(null, -1);
      folded.calls += acc.calls;
      folded.bytesRead += acc.bytesRead;
      folded.bytesWritten += acc.bytesWritten;
      folded.timeMs += acc.timeMs;
      folded.timed ||= acc.timed;
      foldedCount++;
    }
  }
  if (folded !== null) {
    list.push({
      pid: null,
      fd: -1,
      description: `(${foldedCount}${overflow !== null ? '+' : ''} other fds)`,
      calls: folded.calls,
      bytesRead: folded.bytesRead,
      bytesWritten: folded.bytesWritten,
      timeMs: folded.timed ? round3(folded.timeMs) : null,
    });
  }
  return list;
}

/** What an fd is: its annotation in words, else what /proc said about it, and the peer it is connected to. */
function describeFd(pid: number | null, fd: number | null, acc: FdAcc | null, opts: SummarizeOptions): { description: string | null; peer: string | null } {
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

function withEarlierUses(description: string | null, earlierUses: number): string | null {
  if (earlierUses === 0 || description === null) return description;
  return `${description} (last of ${earlierUses + 1} uses of this fd)`;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}
