/**
 * What the facts reducer (facts.ts) hands on: the calls still in progress and everything else a trace
 * showed, before any wording or verdict (summary-body.ts and verdict/decide.ts read it).
 */

import type { CallCounts } from './call-counts.js';
import type { StraceErrorReason } from './events.js';
import type { FdAcc, FdAccounts } from './fd-accounts.js';
import type { PidFacts, RequestSeen } from './pid-facts.js';
import type { ProcessExit } from './types.js';

/** A call that started and had not returned when last seen (unfinished or detached). */
export interface PendingCall {
  pid: number | null;
  name: string;
  fd: number | null;
  fdAcc: FdAcc | null;
  fdCount: number | null;
  timeMs: number | null;
  /** It was the first call seen of its pid (in progress at attach: waited at least the whole trace). */
  first: boolean;
  /** A socket read returned data since the last event-loop wait (a request was being served), and its first line. */
  afterRequest: RequestSeen | null;
  /** For restart_syscall: the call it resumes, when this trace saw that call interrupted; else null. */
  resumes: string | null;
}

/** What a trace showed. Collections are the reducer's own: read them, do not change them. */
export interface TraceFacts {
  /** The pid lines without a `[pid N]` prefix belong to: the one pid asked for, else the first attached. */
  mainPid: number | null;
  /** Pids asked for or seen (attach, exit, strace messages), up to MAX_PIDS. */
  seenPids: ReadonlySet<number>;
  pids: ReadonlyMap<number | null, PidFacts>;
  calls: CallCounts;
  fds: FdAccounts;
  /** Per pid, the call in progress when last seen. */
  pending: ReadonlyMap<number | null, PendingCall>;
  exits: ReadonlyMap<number, ProcessExit>;
  /** strace's own refusals (attach failures), in order, up to MAX_STRACE_ERRORS. */
  straceErrors: readonly { reason: StraceErrorReason; message: string; pid: number | null }[];
  /** The first UNPARSED_SAMPLE_CHARS characters of the first unparsed lines, as they were (not redacted). */
  unparsedSamples: readonly string[];
  unparsedLines: number;
  syscallCount: number;
  sawAttach: boolean;
  /** Pids strace detached from while they ran user code (no syscall in progress). */
  detachedRunning: ReadonlySet<number | null>;
  /** Where the syscall counts come from: trace lines, a `strace -c` table, or nothing. */
  countSource: 'trace' | 'table' | 'none';
  /** First and last time seen (ms; `-tt` ones since midnight, kept monotonic past it), null without timestamps. */
  firstTimeMs: number | null;
  lastTimeMs: number | null;
  hasDurations: boolean;
}
