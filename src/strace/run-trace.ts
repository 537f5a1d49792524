import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HostConfig } from '../config/schema.js';
import { BotError, oneLine, type BotErrorCode } from '../errors.js';
import type { StreamEnd, Transport } from '../transport/types.js';
import { parseProcSnapshot } from './parse-proc.js';
import { redactSecrets } from './redact.js';
import { createStraceSummarizer } from './summarize.js';
import { syscallArchOf, type SyscallArch } from './syscall-names.js';
import { buildTraceArgv, KILL_AFTER_S, MAX_PID, TRACE_MARKER, TRACE_SCRIPT_REFUSED_EXIT } from './trace-script.js';
import type { LiveEvidence, ProcSnapshot, StraceSummary, SummarizeOptions } from './types.js';

/** What to trace: pids of one host, for how long (default `host.strace.defaultDurationS`). */
export interface TraceRequest {
  pids: number[];
  durationS?: number;
}

/** What status says about a pid (filled by the caller from `runStatus`). */
export interface KnownPid {
  workerName: string | null;
  listen: string | null;
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
  /** Ends the local side early; the strace on the host still ends by its own time box. */
  signal?: AbortSignal;
  /** Pids the host's status lists: allowed even when their title or master does not say so (orphans). */
  knownPids?: Map<number, KnownPid>;
}

export interface TraceResult {
  summary: StraceSummary;
  live: LiveEvidence;
  /** The snapshot taken halfway through the time box (empty when the trace ended before). */
  midSnapshots: ProcSnapshot[];
  /** The redacted trace, saved while streaming. The caller owns the file (upload, then delete its dir). */
  rawLog: { path: string; bytes: number; truncated: boolean } | null;
  strace: { exitCode: number | null; version: string | null; command: string[] };
  /** Things worth saying that are not problems (e.g. an orphaned worker traced because status lists it). */
  notes: string[];
  /** Things that must never happen: a target left traced or stopped. Also first in the verdict's evidence. */
  anomalies: string[];
}

/** Most pids one trace may attach to (a worker name with many processes still fits). */
const MAX_PIDS_PER_TRACE = 64;
/** Transport deadline beyond the time box: preflight, snapshots, strace's detach, `timeout -k`. */
const DEADLINE_SLACK_MS = 30_000 + KILL_AFTER_S * 1000;
const PROGRESS_INTERVAL_MS = 1_000;

type Phase = 'preamble' | 'trace' | 'post';

/**
 * Runs a safe, time-boxed strace of Workerman pids on a host and returns the summary with its live
 * /proc evidence. Refusals (strace missing, not permitted, not a Workerman pid, already traced, busy)
 * throw BotErrors; an attach that strace itself refuses becomes the `not-traced` verdict.
 */
export async function runTrace(
  transport: Transport,
  host: HostConfig,
  request: TraceRequest,
  opts: RunTraceOptions = {},
): Promise<TraceResult> {
  const { pids, durationS } = validateRequest(host, request);
  const durationMs = Math.round(durationS * 1000);
  const nonce = randomBytes(8).toString('hex');
  const knownPids = opts.knownPids ?? new Map<number, KnownPid>();
  const argv = buildTraceArgv({
    nonce,
    stracePath: host.strace.path,
    sudo: host.strace.sudo,
    durationS,
    stringLimit: host.strace.stringLimit,
    maxOutputBytes: host.strace.maxOutputBytes,
    maxConcurrent: host.strace.maxConcurrent,
    // A second cap where strace has it (6.3+): about one call per 64 bytes of allowed output.
    syscallLimit: Math.max(10_000, Math.floor(host.strace.maxOutputBytes / 64)),
    startFile: host.workerman.startFile ?? null,
    knownPids: [...knownPids.keys()].filter((p) => Number.isInteger(p) && p > 0 && p <= MAX_PID),
    pids,
  });

  const reader = new TraceProtocolReader(nonce);
  const live: LiveEvidence = { before: [], after: [] };
  const summarizeOpts: SummarizeOptions = { host: host.name, pids, durationMs: null, live, roles: {} };
  let summarizer: ReturnType<typeof createStraceSummarizer> | null = null;
  const rawLog = new RawLogWriter(host.name, host.strace.maxOutputBytes);
  const attachErrors = new Map<number | null, { kind: 'no_such_process' | 'eperm' | 'invalid_pid' | 'other'; message: string }>();
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
        summarizeOpts.roles = rolesOf(reader, knownPids);
        summarizer = createStraceSummarizer(summarizeOpts);
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
        noteAttachError(line, attachErrors);
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

  if (reader.error !== null) {
    await rawLog.discard();
    throw refusalError(host, reader.error);
  }
  if (!reader.isDone) {
    await rawLog.discard();
    throw unfinishedError(host, durationS, end, opts.signal, reader);
  }

  live.before = reader.snapshots('before');
  live.after = reader.snapshots('after');
  const attachError = attachErrorOf(pids, attachErrors, live);
  if (attachError !== undefined) live.attachError = attachError;
  summarizeOpts.live = live;
  const hostDurationMs = reader.result !== null && reader.result.t0Ms !== null && reader.result.t1Ms !== null ? reader.result.t1Ms - reader.result.t0Ms : null;
  summarizeOpts.durationMs = hostDurationMs ?? (traceEndedAt > traceStartedAt ? Math.round(traceEndedAt - traceStartedAt) : null);
  summarizer ??= createStraceSummarizer(summarizeOpts);
  const summary = summarizer.finish();

  const anomalies = anomaliesOf(reader, live);
  if (anomalies.length > 0) summary.verdict.evidence = [...anomalies.map((a) => `WARNING: ${a}`), ...summary.verdict.evidence];
  const truncated = rawLog.isTruncated || reader.result?.truncated === true;
  const log = await rawLog.close(truncated);
  return {
    summary,
    live,
    midSnapshots: reader.snapshots('mid'),
    rawLog: log,
    strace: { exitCode: reader.result?.exitCode ?? null, version: reader.straceVersion, command: reader.command },
    notes: reader.notes.map((n) => noteText(host, n)),
    anomalies,
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

interface RefusalLine {
  code: string;
  pid: number | null;
  reason: string;
  args: string[];
}

interface ResultLine {
  exitCode: number | null;
  truncated: boolean;
  t0Ms: number | null;
  t1Ms: number | null;
}

interface VerifyLine {
  pid: number;
  exists: boolean;
  state: string | null;
  tracerPid: number | null;
  fix: string | null;
  stateBefore: string | null;
}

interface ProcLine {
  pid: number;
  ppid: number | null;
  role: 'master' | 'worker' | null;
  title: string;
}

/**
 * Reads the trace script's stdout protocol line by line (see trace-script.ts). Holds the snapshots
 * and the small protocol facts, never the trace.
 */
class TraceProtocolReader {
  private phase: Phase = 'preamble';
  private snapHeader: { phase: string; pid: number; takenAtMs: number } | null = null;
  private snapLines: string[] = [];
  private readonly snaps = new Map<string, ProcSnapshot[]>();
  private clockTicks = 100;
  private arch: SyscallArch | null = 'x86_64';
  error: RefusalLine | null = null;
  result: ResultLine | null = null;
  straceVersion: string | null = null;
  readonly command: string[] = [];
  readonly notes: { pid: number; kind: string }[] = [];
  readonly verify: VerifyLine[] = [];
  readonly procs = new Map<number, ProcLine>();
  isDone = false;

  constructor(private readonly nonce: string) {}

  /** Takes one stdout line; says whether it was a trace line or a section boundary. */
  push(line: string): 'trace-line' | 'trace-begin' | 'trace-end' | 'protocol' {
    if (this.phase === 'trace') {
      // Only the exact end marker with this run's nonce ends the trace section.
      if (line === `${TRACE_MARKER}trace-end ${this.nonce}`) {
        this.phase = 'post';
        return 'trace-end';
      }
      return 'trace-line';
    }
    if (this.snapHeader !== null) {
      if (line.startsWith(`${TRACE_MARKER}snap-end `)) this.closeSnapshot();
      else this.snapLines.push(line);
      return 'protocol';
    }
    if (!line.startsWith(TRACE_MARKER)) return 'protocol';
    const body = line.slice(TRACE_MARKER.length);
    const [kind = '', ...words] = body.split(' ');
    const rest = body.slice(kind.length + 1);
    switch (kind) {
      case 'trace-begin':
        if (words[0] === this.nonce) {
          this.phase = 'trace';
          return 'trace-begin';
        }
        break;
      case 'snap': {
        this.snapHeader = { phase: words[0] ?? '', pid: Number(words[1]), takenAtMs: Number(words[2]) || Date.now() };
        this.snapLines = [];
        break;
      }
      case 'info':
        this.readInfo(words[0] ?? '', rest.slice((words[0] ?? '').length + 1));
        break;
      case 'argv':
        this.command.push(rest);
        break;
      case 'proc': {
        const [pid, ppid, role] = words;
        const title = words.slice(3).join(' ').trim();
        this.procs.set(Number(pid), { pid: Number(pid), ppid: toInt(ppid), role: role === 'master' || role === 'worker' ? role : null, title });
        break;
      }
      case 'note':
        this.notes.push({ pid: Number(words[0]), kind: words[1] ?? '' });
        break;
      case 'error':
        this.error = { code: words[0] ?? 'internal', pid: toInt(words[1]), reason: words[2] ?? '', args: words.slice(3) };
        break;
      case 'verify': {
        const [pid, state, tracer, fix, before] = words;
        this.verify.push({
          pid: Number(pid),
          exists: state !== 'gone',
          state: state === 'gone' || state === '?' ? null : (state ?? null),
          tracerPid: toInt(tracer),
          fix: fix === undefined || fix === '-' ? null : fix,
          stateBefore: before === undefined || before === '?' ? null : before,
        });
        break;
      }
      case 'result': {
        const [rc, truncated, t0, t1] = words;
        this.result = { exitCode: toInt(rc), truncated: truncated === '1', t0Ms: toInt(t0), t1Ms: toInt(t1) };
        break;
      }
      case 'done':
        if (words[0] === this.nonce) this.isDone = true;
        break;
      default:
        break;
    }
    return 'protocol';
  }

  /** The snapshots of one phase (`before`, `mid`, `after`), in pid order. */
  snapshots(phase: string): ProcSnapshot[] {
    return this.snaps.get(phase) ?? [];
  }

  private readInfo(key: string, value: string): void {
    if (key === 'clk_tck') this.clockTicks = toInt(value) ?? 100;
    else if (key === 'arch') this.arch = syscallArchOf(value);
    else if (key === 'strace_version') this.straceVersion = value.trim() === '' ? null : value.trim();
  }

  private closeSnapshot(): void {
    const header = this.snapHeader;
    this.snapHeader = null;
    if (header === null || !Number.isInteger(header.pid)) return;
    const snap = parseProcSnapshot(
      { pid: header.pid, takenAtMs: header.takenAtMs, clockTicksPerSecond: this.clockTicks, arch: this.arch },
      this.snapLines,
    );
    this.snapLines = [];
    const list = this.snaps.get(header.phase) ?? [];
    list.push(snap);
    this.snaps.set(header.phase, list);
  }
}

/** Roles for the summariser: from status (knownPids) first, else from the process title. */
function rolesOf(reader: TraceProtocolReader, knownPids: Map<number, KnownPid>): NonNullable<SummarizeOptions['roles']> {
  const roles: NonNullable<SummarizeOptions['roles']> = {};
  for (const proc of reader.procs.values()) {
    const known = knownPids.get(proc.pid);
    if (proc.role === 'master') {
      roles[proc.pid] = { role: 'master' };
      continue;
    }
    // "WorkerMan: worker process  NAME LISTEN": Workerman puts two spaces after "process".
    const m = /^WorkerMan: worker process\s+(\S+)(?:\s+(\S+))?/.exec(proc.title);
    if (proc.role === 'worker' || known !== undefined) {
      roles[proc.pid] = {
        role: 'worker',
        workerName: known?.workerName ?? m?.[1] ?? null,
        listen: known?.listen ?? (m?.[2] === undefined || m[2] === 'none' ? null : m[2]),
      };
    }
  }
  return roles;
}

const ATTACH_ERROR = /^strace: attach: ptrace\(PTRACE_(?:SEIZE|ATTACH), (\d+)\): (.*)$/;

/** Records strace's own refusal to attach (`strace: attach: ptrace(PTRACE_SEIZE, N): ...`). */
function noteAttachError(
  line: string,
  errors: Map<number | null, { kind: 'no_such_process' | 'eperm' | 'invalid_pid' | 'other'; message: string }>,
): void {
  if (!line.startsWith('strace: ') && !line.startsWith('timeout: ') && !line.startsWith('sudo: ')) return;
  const m = ATTACH_ERROR.exec(line);
  if (m !== null) {
    const text = m[2] ?? '';
    const kind = /No such process/i.test(text) ? 'no_such_process' : /Operation not permitted/i.test(text) ? 'eperm' : 'other';
    errors.set(Number(m[1]), { kind, message: line });
  } else if (line.startsWith('strace: Invalid process id')) {
    errors.set(null, { kind: 'invalid_pid', message: line });
  } else if (/^(timeout|sudo): /.test(line) || /^strace: (?:Can't|Cannot|I'm sorry)/.test(line)) {
    errors.set(null, { kind: 'other', message: line });
  }
}

/**
 * The attach error for the verdict, when strace traced none of the pids. EPERM means "not
 * permitted" or "already traced": TracerPid in the snapshots tells which.
 */
function attachErrorOf(
  pids: readonly number[],
  errors: Map<number | null, { kind: 'no_such_process' | 'eperm' | 'invalid_pid' | 'other'; message: string }>,
  live: LiveEvidence,
): LiveEvidence['attachError'] {
  if (errors.size === 0) return undefined;
  const general = errors.get(null);
  const allFailed = general !== undefined || pids.every((p) => errors.has(p));
  if (!allFailed) return undefined;
  const first = general ?? errors.get(pids[0] ?? -1) ?? [...errors.values()][0];
  if (first === undefined) return undefined;
  if (first.kind !== 'eperm') return { code: first.kind, message: first.message };
  const pid = Number(ATTACH_ERROR.exec(first.message)?.[1]);
  const tracedBy = [...live.after, ...live.before].find((s) => s.pid === pid && s.tracerPid !== null && s.tracerPid !== 0);
  return { code: tracedBy !== undefined ? 'already_traced' : 'not_permitted', message: first.message };
}

/** Everything that says a target was left traced or stopped, from the script's check and the last snapshot. */
function anomaliesOf(reader: TraceProtocolReader, live: LiveEvidence): string[] {
  const out: string[] = [];
  for (const v of reader.verify) {
    if (!v.exists) continue;
    if (v.fix === 'sigcont') out.push(`pid ${v.pid} was left stopped after strace ended; SIGCONT was sent (state now ${v.state ?? '?'}).`);
    if (v.fix === 'sigcont-failed') out.push(`pid ${v.pid} is left stopped (state ${v.state ?? '?'}) and SIGCONT failed: run "kill -CONT ${v.pid}" on the host.`);
    if (v.tracerPid !== null && v.tracerPid !== 0) out.push(`pid ${v.pid} is still traced by pid ${v.tracerPid} after strace ended.`);
    if (v.fix === null && (v.state === 't' || v.state === 'T') && v.stateBefore !== 'T') out.push(`pid ${v.pid} is stopped (state ${v.state}) after the trace.`);
  }
  for (const s of live.after) {
    if (!s.exists) continue;
    const said = out.some((a) => a.startsWith(`pid ${s.pid} `));
    if (said) continue;
    if (s.tracerPid !== null && s.tracerPid !== 0) out.push(`pid ${s.pid} is traced by pid ${s.tracerPid} after the trace.`);
    else if ((s.state === 't' || s.state === 'T') && reader.verify.find((v) => v.pid === s.pid)?.stateBefore !== 'T') {
      out.push(`pid ${s.pid} is stopped (state ${s.state}) after the trace.`);
    }
  }
  if (reader.verify.length === 0) out.push('The host did not report the after-trace check of the targets (TracerPid, state).');
  return out;
}

function noteText(host: HostConfig, note: { pid: number; kind: string }): string {
  switch (note.kind) {
    case 'orphan':
      return `pid ${note.pid} on ${host.name} is an orphaned Workerman worker (its master is gone, parent pid 1); traced because status lists it.`;
    case 'untitled':
      return `pid ${note.pid} on ${host.name} has no Workerman process title; traced because status lists it.`;
    default:
      return `pid ${note.pid} on ${host.name} was accepted because status lists it.`;
  }
}

/** Turns the script's `error CODE PID REASON ARGS` line into the BotError a person can act on. */
function refusalError(host: HostConfig, e: RefusalLine): BotError {
  const h = host.name;
  const pid = e.pid ?? '?';
  const arg = (i: number): string => e.args[i] ?? '';
  const all = oneLine(e.args.join(' '));
  const details = { host: h, pid: e.pid, reason: e.reason };
  const err = (code: BotErrorCode, message: string): BotError => new BotError(code, message, { details });
  switch (e.reason) {
    case 'strace_missing':
      return err('strace_missing', `strace is not installed on ${h}: apt-get install strace / dnf install strace${host.strace.path === 'strace' ? '' : ` (or fix strace.path: ${host.strace.path} was not found)`}.`);
    case 'tool_missing':
      return err('command_failed', `"${arg(0)}" is missing on ${h}: a trace needs coreutils (timeout, tail) and util-linux (flock).`);
    case 'sudo_missing':
      return err('strace_not_permitted', `strace.sudo is set for ${h} but sudo is not installed there: install sudo or set strace.sudo: false.`);
    case 'sudo_password':
      return err('strace_not_permitted', `sudo on ${h} wants a password to run strace: add a NOPASSWD sudoers rule for ${host.strace.path} (only strace) for the SSH user, or set strace.sudo: false and connect as the app's user.`);
    case 'yama_3':
      return err('strace_not_permitted', `ptrace is disabled on ${h} (kernel.yama.ptrace_scope = 3): no process can be traced there until the host reboots with a lower value.`);
    case 'yama_1':
    case 'yama_2':
      return err('strace_not_permitted', `ptrace is restricted on ${h} (kernel.yama.ptrace_scope = ${e.reason.slice(5)}) and the SSH user is not root: set strace.sudo: true with a NOPASSWD sudo rule for strace, or give strace the capability (setcap cap_sys_ptrace+ep on the strace binary).`);
    case 'no_cap_sys_ptrace':
      return err('strace_not_permitted', `root on ${h} lacks CAP_SYS_PTRACE (CapEff ${arg(0)}; a container?): start it with --cap-add SYS_PTRACE (Docker) or add SYS_PTRACE to securityContext.capabilities (Kubernetes).`);
    case 'other_uid':
      return err('strace_not_permitted', `pid ${pid} on ${h} runs as uid ${arg(0)} but the SSH user is uid ${arg(1)}: set strace.sudo: true (with a NOPASSWD sudo rule for strace) or connect as the app's user.`);
    case 'gone':
      return err('pid_not_found', `No process ${pid} on ${h}: it has exited or was restarted. Run status for the current pids.`);
    case 'zombie':
      return err('pid_not_found', `pid ${pid} on ${h} has exited (a zombie its parent has not reaped yet). Run status for the current pids.`);
    case 'title':
      return err('pid_not_workerman', `pid ${pid} on ${h} is not a Workerman process (its command line is "${oneLine(all, 200)}"): only Workerman masters and workers of ${h} can be traced.`);
    case 'other_start_file':
      return err('pid_not_workerman', `pid ${pid} on ${h} belongs to another Workerman app (its master is "${oneLine(all, 200)}"), not ${host.workerman.startFile ?? 'the configured start file'}.`);
    case 'tracer':
      return err('already_traced', `pid ${pid} on ${h} is already being traced by pid ${arg(0)}${arg(1) === '' ? '' : ` (${arg(1)})`}: wait for that trace to end or stop it.`);
    case 'locked':
      return err('already_traced', e.pid === null ? `Another trace of these pids on ${h} is running: wait for it to finish.` : `Another trace of pid ${pid} on ${h} is running: wait for it to finish.`);
    case 'slots':
      return err('trace_busy', `${arg(0)} trace(s) are already running on ${h} (strace.maxConcurrent = ${host.strace.maxConcurrent}): try again when one finishes.`);
    default: {
      const code: BotErrorCode = isBotErrorCode(e.code) ? e.code : 'command_failed';
      return err(code, `The trace on ${h} was refused (${e.reason}${all === '' ? '' : `: ${all}`}).`);
    }
  }
}

/** The stream ended before the script said `done`: deadline, abort, lost connection or a crash. */
function unfinishedError(host: HostConfig, durationS: number, end: StreamEnd, signal: AbortSignal | undefined, reader: TraceProtocolReader): BotError {
  const safety = `strace on ${host.name} still ends by its own ${durationS} s time box and detaches`;
  const details = { host: host.name, exitCode: end.exitCode, signal: end.signal };
  if (signal?.aborted === true) return new BotError('command_failed', `The trace on ${host.name} was cancelled; ${safety}.`, { details });
  if (end.timedOut) return new BotError('command_timed_out', `The trace on ${host.name} did not finish in time; ${safety}.`, { details });
  if (end.exitCode === 127) return new BotError('command_failed', `sh could not be started on ${host.name}: ${oneLine(end.otherOutput)}`, { details });
  const where = reader.command.length > 0 ? `; ${safety}` : '';
  const stderr = oneLine(end.otherOutput);
  return new BotError(
    'command_failed',
    `The trace on ${host.name} ended early (exit ${end.exitCode ?? end.signal ?? '?'}${end.exitCode === TRACE_SCRIPT_REFUSED_EXIT ? ', refused' : ''})${stderr === '' ? '' : `: ${stderr}`}${where}.`,
    { details },
  );
}

const BOT_ERROR_CODES = new Set<string>([
  'input_invalid', 'command_failed', 'pid_not_found', 'pid_not_workerman', 'strace_missing', 'strace_not_permitted',
  'already_traced', 'trace_busy',
]);

function isBotErrorCode(code: string): code is BotErrorCode {
  return BOT_ERROR_CODES.has(code);
}

/** Writes the redacted trace to a temp file as it streams, up to a byte cap; nothing kept in memory. */
class RawLogWriter {
  private out: WriteStream | null = null;
  private dir: string | null = null;
  private path: string | null = null;
  private bytes = 0;
  private failure: unknown = null;
  isTruncated = false;

  constructor(
    private readonly hostName: string,
    private readonly maxBytes: number,
  ) {}

  async write(line: string): Promise<void> {
    if (this.isTruncated) return;
    const size = Buffer.byteLength(line) + 1;
    if (this.bytes + size > this.maxBytes) {
      this.isTruncated = true;
      return;
    }
    if (this.out === null) {
      this.dir = await mkdtemp(join(tmpdir(), 'workerman-ops-trace-'));
      this.path = join(this.dir, `strace-${this.hostName}.log`);
      this.out = createWriteStream(this.path, { mode: 0o600 });
      // A failing log (disk full) must not end the trace: the log just stops, marked truncated.
      this.out.on('error', (error) => {
        this.failure ??= error;
        this.isTruncated = true;
      });
    }
    if (this.failure !== null) return;
    this.bytes += size;
    // Respect backpressure so a fast channel and a slow disk never pile lines up in memory.
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain').catch(() => undefined);
  }

  async close(truncated: boolean): Promise<TraceResult['rawLog']> {
    if (this.out === null || this.path === null) return null;
    const out = this.out;
    if (this.failure === null) {
      out.end();
      await once(out, 'finish').catch(() => undefined);
    }
    return { path: this.path, bytes: this.bytes, truncated: truncated || this.failure !== null };
  }

  async discard(): Promise<void> {
    if (this.out !== null) {
      this.out.destroy();
      this.out = null;
    }
    if (this.dir !== null) await rm(this.dir, { recursive: true, force: true });
  }
}

function toInt(s: string | undefined): number | null {
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
