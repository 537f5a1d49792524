import { randomBytes } from 'node:crypto';
import type { HostConfig } from '../config/host-config.js';
import { BotError, oneLine } from '../errors.js';
import { explainHelperStart, helperArgv, helperVersionError, HELPER_PROTOCOL, KILL_AFTER_S } from '../host/helper.js';
import type { StreamEnd, Transport } from '../transport/types.js';
import { RawLogWriter, type RawLogFile } from './raw-log.js';
import { redactSecrets } from './redact.js';
import { createStraceSummarizer } from './summarize.js';
import { buildTraceArgs, MAX_PID, MAX_PIDS_PER_TRACE } from './trace-args.js';
import { TraceProtocolReader } from './trace-protocol.js';
import { refusalError, unfinishedError } from './trace-refusals.js';
import type { LiveEvidence, ProcSnapshot, StraceSummary, SummarizeOptions } from './types.js';

/** What to trace: pids of one host, for how long (default `host.strace.defaultDurationS`). */
export interface TraceRequest {
  pids: number[];
  durationS?: number;
}

export interface TraceProgress {
  elapsedMs: number;
  durationMs: number;
  /** Trace lines received so far. */
  lines: number;
}

export interface RunTraceOptions {
  /** Called about once a second while the trace runs. */
  onProgress?(p: TraceProgress): void;
  /** Ends the trace early: the helper on the host stops strace as soon as its output is no longer read. */
  signal?: AbortSignal;
}

export interface TraceResult {
  summary: StraceSummary;
  live: LiveEvidence;
  /** The snapshot taken halfway through the time box (empty when the trace ended before). */
  midSnapshots: ProcSnapshot[];
  /** The redacted trace, saved while streaming. The caller owns the file (upload, then delete its dir). */
  rawLog: RawLogFile | null;
  strace: { exitCode: number | null; version: string | null; command: string[] };
  /** Things worth saying that are not problems (e.g. an orphaned worker: its master is gone). */
  notes: string[];
}

/** Transport deadline beyond the time box: preflight, snapshots, strace's detach, `timeout -k`. */
const DEADLINE_SLACK_MS = 30_000 + KILL_AFTER_S * 1000;
const PROGRESS_INTERVAL_MS = 1_000;

/**
 * Runs a safe, time-boxed strace of Workerman pids on a host through the host helper and returns the
 * summary with its live /proc evidence. Refusals (strace missing, not permitted, not a Workerman pid
 * of the app, already traced, busy, pid reused) throw BotErrors, and so does a target left traced or
 * stopped afterwards (`target_left_traced`, after the helper's SIGCONT recovery); an attach that
 * strace itself refuses becomes the `not-traced` verdict.
 */
export async function runTrace(transport: Transport, host: HostConfig, request: TraceRequest, opts: RunTraceOptions = {}): Promise<TraceResult> {
  const { pids, durationS } = validateRequest(host, request);
  const durationMs = Math.round(durationS * 1000);
  const nonce = randomBytes(8).toString('hex');
  const args = buildTraceArgs({
    nonce,
    durationS,
    stringLimit: host.strace.stringLimit,
    maxOutputBytes: host.strace.maxOutputBytes,
    maxConcurrent: host.strace.maxConcurrent,
    // A second cap where strace has it (6.3+): about one call per 64 bytes of allowed output.
    syscallLimit: Math.max(10_000, Math.floor(host.strace.maxOutputBytes / 64)),
    stracePath: host.strace.path,
    startFile: host.workerman.startFile ?? null,
    pids,
  });
  const sudo = host.strace.sudo;
  const argv = helperArgv(host, 'trace', args, { sudo });

  const reader = new TraceProtocolReader(nonce);
  const rawLog = new RawLogWriter(host.name, host.strace.maxOutputBytes);
  const attachErrors = new AttachErrors();
  let summarizer: ReturnType<typeof createStraceSummarizer> | null = null;
  let traceLines = 0;
  let traceStartedAt = 0;
  let traceEndedAt = 0;
  let progressTimer: NodeJS.Timeout | undefined;
  const reportProgress = (final = false): void => {
    if (opts.onProgress === undefined || traceStartedAt === 0) return;
    const elapsedMs = final ? durationMs : Math.min(durationMs, Math.round(performance.now() - traceStartedAt));
    try {
      opts.onProgress({ elapsedMs, durationMs, lines: traceLines });
    } catch {
      // A progress callback (e.g. a failed Slack update) must not end the trace.
    }
  };

  let end: StreamEnd;
  try {
    const stream = transport.lines(argv, {
      stream: 'stdout',
      timeoutMs: durationMs + DEADLINE_SLACK_MS,
      ...(opts.signal === undefined ? {} : { signal: opts.signal }),
    });
    for await (const line of stream) {
      const event = reader.push(line);
      if (event === 'trace-begin') {
        traceStartedAt = performance.now();
        // The summariser's options are fixed once the preflight has said who the targets are.
        summarizer = createStraceSummarizer({ host: host.name, pids, durationMs: null, live: { before: reader.snapshots('before'), after: [] }, roles: rolesOf(reader) });
        reportProgress();
        progressTimer = setInterval(() => reportProgress(), PROGRESS_INTERVAL_MS);
        progressTimer.unref();
      } else if (event === 'trace-end') {
        traceEndedAt = performance.now();
        clearInterval(progressTimer);
        reportProgress(true);
      } else if (event === 'trace-line') {
        traceLines += 1;
        summarizer?.push(line);
        attachErrors.note(line);
        await rawLog.write(redactSecrets(line));
      }
    }
    end = await stream.done;
  } catch (error) {
    await rawLog.discard();
    throw error instanceof BotError ? error : new BotError('command_failed', `The trace on ${host.name} failed: ${oneLine(errorText(error))}`, { cause: error });
  } finally {
    clearInterval(progressTimer);
  }

  try {
    if (reader.protocol === null) {
      throw explainHelperStart(host, end.otherOutput, sudo) ?? unfinishedError(host, durationS, end, opts.signal, false);
    }
    if (reader.protocol !== String(HELPER_PROTOCOL)) throw helperVersionError(host, reader.protocol);
    if (reader.error !== null) throw refusalError(host, reader.error);
    if (!reader.isDone) throw unfinishedError(host, durationS, end, opts.signal, reader.command.length > 0);
    const left = leftTracedOrStopped(reader, host);
    if (left !== null) throw left;
  } catch (error) {
    await rawLog.discard();
    throw error;
  }

  // A pid that ended during the trace and was reused by then: its "after" snapshot is another process.
  const reused = new Set(reader.verify.filter((v) => !v.isSameProcess).map((v) => v.pid));
  const live: LiveEvidence = {
    before: reader.snapshots('before'),
    after: reader.snapshots('after').map((s) => (reused.has(s.pid) ? { ...s, exists: false } : s)),
  };
  const attachError = attachErrors.verdictError(pids, live);
  if (attachError !== undefined) live.attachError = attachError;
  const result = reader.result;
  const hostDurationMs = result !== null && result.t0Ms !== null && result.t1Ms !== null ? result.t1Ms - result.t0Ms : null;
  const options: SummarizeOptions = {
    host: host.name,
    pids,
    durationMs: hostDurationMs ?? (traceEndedAt > traceStartedAt ? Math.round(traceEndedAt - traceStartedAt) : null),
    live,
    roles: rolesOf(reader),
  };
  const summary = (summarizer ?? createStraceSummarizer(options)).finish(options);
  const truncated = rawLog.isTruncated || result?.truncated === true;
  return {
    summary,
    live,
    midSnapshots: reader.snapshots('mid'),
    rawLog: await rawLog.close(truncated),
    strace: { exitCode: result?.exitCode ?? null, version: reader.straceVersion, command: reader.command },
    notes: reader.notes.map((n) => noteText(host, n)),
  };
}

/** Checks pids and duration against the host's limits; returns them normalised (sorted, unique). */
function validateRequest(host: HostConfig, request: TraceRequest): { pids: number[]; durationS: number } {
  if (request.pids.length === 0) throw new BotError('input_invalid', 'Name at least one pid to trace.');
  for (const pid of request.pids) {
    if (!Number.isInteger(pid) || pid < 1 || pid > MAX_PID) {
      throw new BotError('input_invalid', `"${oneLine(String(pid), 40)}" is not a pid: expected a whole number from 1 to ${MAX_PID}.`);
    }
  }
  const pids = [...new Set(request.pids)].sort((a, b) => a - b);
  if (pids.length > MAX_PIDS_PER_TRACE) {
    throw new BotError('input_invalid', `Too many pids (${pids.length}): one trace attaches to at most ${MAX_PIDS_PER_TRACE}.`);
  }
  const max = host.strace.maxDurationS;
  const durationS = request.durationS ?? Math.min(host.strace.defaultDurationS, max);
  if (!Number.isFinite(durationS) || durationS <= 0) {
    throw new BotError('input_invalid', `The trace duration must be a positive number of seconds, at most ${max} s on ${host.name}.`);
  }
  if (durationS > max) {
    throw new BotError('input_invalid', `A trace on ${host.name} can last at most ${max} s (strace.maxDurationS); ${durationS} s was asked.`);
  }
  return { pids, durationS };
}

/** Roles for the summariser, from the process titles the helper's preflight read. */
function rolesOf(reader: TraceProtocolReader): NonNullable<SummarizeOptions['roles']> {
  const roles: NonNullable<SummarizeOptions['roles']> = {};
  for (const proc of reader.procs.values()) {
    if (proc.role === 'master') roles[proc.pid] = { role: 'master' };
    else if (proc.role === 'worker') {
      // "WorkerMan: worker process  NAME LISTEN": Workerman puts two spaces after "process".
      const m = /^WorkerMan: worker process\s+(\S+)(?:\s+(\S+))?/.exec(proc.title);
      roles[proc.pid] = { role: 'worker', workerName: m?.[1] ?? null, listen: m?.[2] === undefined || m[2] === 'none' ? null : m[2] };
    }
  }
  return roles;
}

/**
 * The `target_left_traced` error when the helper's after-trace check (or the last snapshot) shows a
 * target stopped or still traced: whether SIGCONT brought it back or not, the trace is not to be trusted
 * and a person must look. Null when every target is running and untraced (or gone).
 */
function leftTracedOrStopped(reader: TraceProtocolReader, host: HostConfig): BotError | null {
  const problems: string[] = [];
  const stopped = (state: string | null): boolean => state === 't' || state === 'T';
  for (const v of reader.verify) {
    if (!v.exists) continue;
    if (v.fix === 'sigcont') problems.push(`pid ${v.pid} was left stopped after strace ended; SIGCONT was sent (state now ${v.state ?? '?'})`);
    else if (v.fix === 'sigcont-failed') problems.push(`pid ${v.pid} is left stopped (state ${v.state ?? '?'}) and SIGCONT failed: run "kill -CONT ${v.pid}" on the host`);
    else if (stopped(v.state) && v.stateBefore !== 'T') problems.push(`pid ${v.pid} is stopped (state ${v.state}) after the trace`);
    if (v.tracerPid !== null && v.tracerPid !== 0) problems.push(`pid ${v.pid} is still traced by pid ${v.tracerPid} after strace ended`);
  }
  for (const s of reader.snapshots('after')) {
    if (!s.exists || problems.some((p) => p.startsWith(`pid ${s.pid} `))) continue;
    if (reader.verify.find((v) => v.pid === s.pid)?.isSameProcess === false) continue;
    if (s.tracerPid !== null && s.tracerPid !== 0) problems.push(`pid ${s.pid} is traced by pid ${s.tracerPid} after the trace`);
  }
  if (reader.verify.length === 0) problems.push('the host did not report its after-trace check of the targets (TracerPid, state)');
  if (problems.length === 0) return null;
  return new BotError('target_left_traced', `The trace on ${host.name} left a target in a bad state: ${problems.join('; ')}. Check it on the host now.`, {
    details: { host: host.name, problems },
  });
}

function noteText(host: HostConfig, note: { pid: number; kind: string }): string {
  if (note.kind === 'orphan') return `pid ${note.pid} on ${host.name} is an orphaned Workerman worker: its master is gone (nothing respawns or reloads it).`;
  return `pid ${note.pid} on ${host.name}: ${oneLine(note.kind, 40)}.`;
}

const ATTACH_ERROR = /^strace: attach: ptrace\(PTRACE_(?:SEIZE|ATTACH), (\d+)\): (.*)$/;

type AttachErrorKind = 'no_such_process' | 'eperm' | 'invalid_pid' | 'other';

/** strace's own refusals to attach (`strace: attach: ptrace(PTRACE_SEIZE, N): ...`), seen in the trace. */
class AttachErrors {
  private readonly errors = new Map<number | null, { kind: AttachErrorKind; message: string }>();

  note(line: string): void {
    if (!line.startsWith('strace: ') && !line.startsWith('timeout: ')) return;
    const m = ATTACH_ERROR.exec(line);
    if (m !== null) {
      const text = m[2] ?? '';
      const kind = /No such process/i.test(text) ? 'no_such_process' : /Operation not permitted/i.test(text) ? 'eperm' : 'other';
      this.errors.set(Number(m[1]), { kind, message: line });
    } else if (line.startsWith('strace: Invalid process id')) {
      this.errors.set(null, { kind: 'invalid_pid', message: line });
    } else if (line.startsWith('timeout: ') || /^strace: (?:Can't|Cannot|I'm sorry)/.test(line)) {
      this.errors.set(null, { kind: 'other', message: line });
    }
  }

  /** The attach error for the verdict when strace traced none of the pids; EPERM: TracerPid tells "already traced". */
  verdictError(pids: readonly number[], live: LiveEvidence): LiveEvidence['attachError'] {
    if (this.errors.size === 0) return undefined;
    const general = this.errors.get(null);
    if (general === undefined && !pids.every((p) => this.errors.has(p))) return undefined;
    const first = general ?? this.errors.get(pids[0] ?? -1) ?? [...this.errors.values()][0];
    if (first === undefined) return undefined;
    if (first.kind !== 'eperm') return { code: first.kind === 'no_such_process' ? 'no_such_process' : first.kind === 'invalid_pid' ? 'invalid_pid' : 'other', message: first.message };
    const pid = Number(ATTACH_ERROR.exec(first.message)?.[1]);
    const tracedBy = [...live.after, ...live.before].find((s) => s.pid === pid && s.tracerPid !== null && s.tracerPid !== 0);
    return { code: tracedBy !== undefined ? 'already_traced' : 'not_permitted', message: first.message };
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
