import { BotError } from '../errors.js';

/** Largest pid Linux allows (`pid_max` upper bound, 2^22). */
export const MAX_PID = 4_194_304;
/** Most pids one trace may attach to (a worker name with many processes still fits); the helper's cap too. */
export const MAX_PIDS_PER_TRACE = 64;

/** What one trace asks the host helper for, already checked against the host's limits. */
export interface TraceArgs {
  /** Random hex that frames the trace section, so no traced output can fake the end marker. */
  nonce: string;
  durationS: number;
  stringLimit: number;
  maxOutputBytes: number;
  maxConcurrent: number;
  /** `--syscall-limit` value, used only where strace supports it (6.3+). */
  syscallLimit: number;
  stracePath: string;
  /** The app; null: the one whose master runs (the helper refuses when several do). */
  startFile: string | null;
  pids: readonly number[];
}

/**
 * Returns the helper's `trace` arguments (`trace NONCE DUR HALF STRLIMIT MAXBYTES SLOTS SYSCALLLIMIT
 * STRACE STARTFILE PID…`); throws RangeError for a value the helper would refuse. The helper checks
 * every one again (and under sudo takes the app and strace from its own helper.conf).
 */
export function buildTraceArgs(p: TraceArgs): string[] {
  const isPid = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= MAX_PID;
  if (!/^[0-9a-f]{8,64}$/.test(p.nonce)) throw new RangeError('nonce must be lowercase hex');
  if (!/^[A-Za-z0-9_./@+-]+$/.test(p.stracePath)) throw new RangeError('strace path has characters outside [A-Za-z0-9_./@+-]');
  if (p.pids.length === 0 || p.pids.length > MAX_PIDS_PER_TRACE || !p.pids.every(isPid)) throw new RangeError(`pids must be 1 to ${MAX_PIDS_PER_TRACE} positive integers`);
  if (!(p.durationS > 0) || p.durationS > 300 || !Number.isFinite(p.durationS)) throw new RangeError('duration must be more than 0 and at most 300 s');
  for (const [name, v] of [
    ['stringLimit', p.stringLimit],
    ['maxOutputBytes', p.maxOutputBytes],
    ['maxConcurrent', p.maxConcurrent],
    ['syscallLimit', p.syscallLimit],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`${name} must be a non-negative integer`);
  }
  if (p.startFile !== null && !/^\/[A-Za-z0-9_./@+-]+$/.test(p.startFile)) {
    throw new BotError('input_invalid', 'workerman.startFile must be an absolute path of letters, digits and "_./@+-" to be traced.');
  }
  return [
    p.nonce,
    formatSecondsArg(p.durationS),
    formatSecondsArg(p.durationS / 2),
    String(p.stringLimit),
    String(p.maxOutputBytes),
    String(p.maxConcurrent),
    String(p.syscallLimit),
    p.stracePath,
    p.startFile ?? '',
    ...p.pids.map(String),
  ];
}

/** Seconds as an argument `timeout`/`sleep` read: at most 3 decimals, no exponent (1.5, 0.25, 30); display uses render/format.ts. */
export function formatSecondsArg(seconds: number): string {
  const ms = Math.max(1, Math.round(seconds * 1000));
  const whole = Math.floor(ms / 1000);
  const frac = ms % 1000;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}
