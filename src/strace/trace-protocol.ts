import { HELPER_MARKER, parseHelperError, type HelperRefusal } from '../host/helper.js';
import { parseProcSnapshot } from './parse-proc.js';
import { syscallArchOf, type SyscallArch } from './syscall-names.js';
import type { ProcSnapshot } from './types.js';

/** How the helper's time box ended: strace's exit status, whether the output cap stopped it, host clock times. */
export interface TraceResultLine {
  exitCode: number | null;
  truncated: boolean;
  t0Ms: number | null;
  t1Ms: number | null;
  /** The helper stopped strace early: a signal, or nobody was reading any more. */
  stoppedEarly: boolean;
}

/** The helper's after-trace check of one target. */
export interface VerifyLine {
  pid: number;
  exists: boolean;
  state: string | null;
  tracerPid: number | null;
  /** `sigcont` / `sigcont-failed` when the helper had to continue a stopped target. */
  fix: string | null;
  stateBefore: string | null;
  /** False when the pid now names another process (the target ended and its pid was reused). */
  isSameProcess: boolean;
}

/** A target as the helper's preflight saw it. */
export interface ProcLine {
  pid: number;
  ppid: number | null;
  role: 'master' | 'worker' | null;
  /** `/proc/PID/stat` field 22: with the pid, names one process for good. */
  startTime: number | null;
  title: string;
}

type Phase = 'preamble' | 'trace' | 'post';

/**
 * Reads the helper's `trace` output (host/workerman-ops-helper.sh) line by line. Holds the snapshots
 * and the small protocol facts, never the trace itself: `push` says which lines are trace lines.
 */
export class TraceProtocolReader {
  private phase: Phase = 'preamble';
  private snapHeader: { phase: string; pid: number; takenAtMs: number } | null = null;
  private snapLines: string[] = [];
  private readonly snaps = new Map<string, ProcSnapshot[]>();
  private clockTicks = 100;
  // Unknown until the helper's `info arch` line (it comes before any snapshot).
  private arch: SyscallArch | null = null;
  /** The protocol version of the first line, once seen. */
  protocol: string | null = null;
  error: HelperRefusal | null = null;
  result: TraceResultLine | null = null;
  straceVersion: string | null = null;
  startFile: string | null = null;
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
      if (line === `${HELPER_MARKER}trace-end ${this.nonce}`) {
        this.phase = 'post';
        return 'trace-end';
      }
      return 'trace-line';
    }
    if (this.snapHeader !== null) {
      if (line.startsWith(`${HELPER_MARKER}snap-end `)) this.closeSnapshot();
      else this.snapLines.push(line);
      return 'protocol';
    }
    if (!line.startsWith(HELPER_MARKER)) return 'protocol';
    const body = line.slice(HELPER_MARKER.length);
    const [kind = '', ...words] = body.split(' ');
    const rest = body.slice(kind.length + 1);
    switch (kind) {
      case 'hello':
        this.protocol ??= words[0] ?? '';
        break;
      case 'trace-begin':
        if (words[0] === this.nonce) {
          this.phase = 'trace';
          return 'trace-begin';
        }
        break;
      case 'snap':
        this.snapHeader = { phase: words[0] ?? '', pid: Number(words[1]), takenAtMs: Number(words[2]) || Date.now() };
        this.snapLines = [];
        break;
      case 'info':
        this.readInfo(words[0] ?? '', rest.slice((words[0] ?? '').length + 1));
        break;
      case 'argv':
        this.command.push(rest);
        break;
      case 'proc': {
        const [pid, ppid, role, start] = words;
        this.procs.set(Number(pid), {
          pid: Number(pid),
          ppid: toInt(ppid),
          role: role === 'master' || role === 'worker' ? role : null,
          startTime: toInt(start),
          title: words.slice(4).join(' ').trim(),
        });
        break;
      }
      case 'note':
        this.notes.push({ pid: Number(words[0]), kind: words[1] ?? '' });
        break;
      case 'error':
        this.error = parseHelperError(line);
        break;
      case 'verify': {
        const [pid, state, tracer, fix, before, same] = words;
        this.verify.push({
          pid: Number(pid),
          exists: state !== 'gone',
          state: state === 'gone' || state === '?' ? null : (state ?? null),
          tracerPid: toInt(tracer),
          fix: fix === undefined || fix === '-' ? null : fix,
          stateBefore: before === undefined || before === '?' ? null : before,
          isSameProcess: same !== '0',
        });
        break;
      }
      case 'result': {
        const [rc, truncated, t0, t1, stopped] = words;
        this.result = { exitCode: toInt(rc), truncated: truncated === '1', t0Ms: toInt(t0), t1Ms: toInt(t1), stoppedEarly: stopped === '1' };
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
    else if (key === 'start_file') this.startFile = value.trim() === '' ? null : value.trim();
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

function toInt(s: string | undefined): number | null {
  return s !== undefined && /^-?\d+$/.test(s) ? Number(s) : null;
}
