import type { ExitCause } from './exit-hint.js';
import type { DescribedStatus, WorkermanStatus } from './types.js';

/**
 * Decodes a raw `pcntl_wait()` status as Workerman prints it: 9 = killed by SIGKILL, 256*n = exit(n).
 */
export function describeExitStatus(status: number | string): string {
  const n = typeof status === 'number' ? status : Number(status);
  if (!Number.isInteger(n) || n < 0) return `status ${String(status)}`;
  const signal = n & 0x7f;
  if (signal === 0) return `exit(${(n >> 8) & 0xff}) (status ${n})`;
  const core = n & 0x80 ? ', core dumped' : '';
  return `killed by ${SIGNAL_NAMES[signal] ?? `signal ${signal}`}${core} (status ${n})`;
}

/** How a raw `pcntl_wait()` status ended: its signal's name, or its exit code; null for a status that is not a number. */
export function exitCauseOfStatus(status: number | string): ExitCause | null {
  const n = typeof status === 'number' ? status : Number(status);
  if (!Number.isInteger(n) || n < 0) return null;
  const signal = n & 0x7f;
  return signal === 0 ? { signal: null, code: (n >> 8) & 0xff } : { signal: SIGNAL_NAMES[signal] ?? `signal ${signal}`, code: null };
}

// Linux x86/arm numbering, which is what Workerman hosts run.
const SIGNAL_NAMES: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
};

/** Returns `status` with each worker exit row's raw status decoded (describeExitStatus). */
export function describeExits(status: WorkermanStatus): DescribedStatus {
  return { ...status, workers: status.workers.map((w) => ({ ...w, meaning: describeExitStatus(w.exitStatus) })) };
}
