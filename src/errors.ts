/**
 * One error family for everything a user can see. The code is stable (CLI exit codes, JSON, logs);
 * the message is written for the person who typed the command: what failed, where, what to do.
 */
export type BotErrorCode =
  | 'config_invalid'
  | 'input_invalid'
  | 'host_unknown'
  | 'ssh_connect_failed'
  | 'ssh_host_key_mismatch'
  | 'ssh_auth_failed'
  | 'command_failed'
  | 'command_timed_out'
  | 'start_file_missing'
  | 'permission_denied'
  | 'workerman_not_running'
  | 'workerman_php_error'
  | 'status_unparseable'
  | 'pid_not_found'
  | 'pid_not_workerman'
  | 'strace_missing'
  | 'strace_not_permitted'
  | 'already_traced'
  | 'trace_busy'
  | 'pid_reused'
  | 'target_left_traced'
  | 'host_setup_invalid'
  | 'access_denied'
  | 'rate_limited'
  | 'audit_unavailable'
  | 'alert_not_open'
  | 'not_strace_log'
  | 'file_too_large'
  | 'file_unavailable'
  | 'slack_unreachable'
  | 'history_unavailable'
  | 'internal';

/** Exit status of the CLI for each code (documented in the README; keep stable). */
export const EXIT_CODES: Record<BotErrorCode, number> = {
  internal: 1,
  input_invalid: 2,
  config_invalid: 3,
  host_unknown: 4,
  ssh_connect_failed: 10,
  ssh_host_key_mismatch: 11,
  ssh_auth_failed: 12,
  command_failed: 13,
  command_timed_out: 14,
  workerman_not_running: 20,
  start_file_missing: 21,
  permission_denied: 22,
  workerman_php_error: 23,
  status_unparseable: 24,
  pid_not_found: 30,
  pid_not_workerman: 31,
  strace_missing: 32,
  strace_not_permitted: 33,
  already_traced: 34,
  trace_busy: 35,
  pid_reused: 36,
  target_left_traced: 37,
  host_setup_invalid: 38,
  not_strace_log: 39,
  access_denied: 40,
  rate_limited: 41,
  audit_unavailable: 42,
  alert_not_open: 43,
  file_too_large: 44,
  file_unavailable: 45,
  slack_unreachable: 50,
  history_unavailable: 60,
};

export class BotError extends Error {
  override name = 'BotError';
  constructor(
    readonly code: BotErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details ?? {};
  }
  /** Machine-readable extras (e.g. expected/presented fingerprints, live pids). Never secrets. */
  readonly details: Record<string, unknown>;
}

/** Returns `error` if it is a BotError, else wraps it as `internal`, keeping the original as `cause`. */
export function asBotError(error: unknown): BotError {
  if (error instanceof BotError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BotError('internal', `Internal error: ${oneLine(message)}`, { cause: error });
}

/** Cuts a piece of foreign output to one printable line of at most `max` characters for a message. */
export function oneLine(text: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
