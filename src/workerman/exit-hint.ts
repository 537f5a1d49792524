/** How a process ended, as strace and Workerman's exit table tell it (a signal name, or an exit code). */
export interface ExitCause {
  signal: string | null;
  code: number | null;
}

/** True for an end that is not a clean exit(0): killed by any signal, or a non-zero exit code. */
export function isAbnormalExit(cause: ExitCause): boolean {
  return cause.signal !== null || (cause.code !== null && cause.code !== 0);
}

/**
 * Where to look first after an abnormal exit, or null when its cause points nowhere in particular. The
 * same words wherever an exit is reported (a trace's verdict, the status findings).
 *
 * @example exitHint({ signal: 'SIGKILL', code: null }) // 'the OOM killer? check `dmesg`/`journalctl -k`'
 */
export function exitHint(cause: ExitCause): string | null {
  switch (cause.signal) {
    case 'SIGKILL':
      return 'the OOM killer? check `dmesg`/`journalctl -k`';
    case 'SIGSEGV':
    case 'SIGBUS':
    case 'SIGILL':
    case 'SIGFPE':
    case 'SIGABRT':
      return 'a crash in PHP or an extension: check `dmesg` and core dumps';
    case null:
      return cause.code === 255 ? 'a PHP fatal error: check the PHP error log' : null;
    default:
      return null;
  }
}
