import type { HostConfig } from '../config/host-config.js';
import { BotError, oneLine, type BotErrorCode } from '../errors.js';
import { HELPER_REFUSED_EXIT, hostSetupError, type HelperRefusal } from '../host/helper.js';
import type { StreamEnd } from '../transport/types.js';

/**
 * Turns the helper's `error CODE PID REASON ARGS` line into the error a person can act on. Messages
 * name the pid, the host and why; never a process's command line (it can hold passwords).
 */
export function refusalError(host: HostConfig, e: HelperRefusal): BotError {
  const h = host.name;
  const pid = e.pid ?? '?';
  const arg = (i: number): string => oneLine(e.args[i] ?? '', 60);
  const details = { host: h, pid: e.pid, reason: e.reason };
  const err = (code: BotErrorCode, message: string): BotError => new BotError(code, message, { details });
  const app = host.workerman.startFile ?? "the app whose master runs there";
  const sudoFix = `set strace.sudo: true and install the helper with its sudo rule (\`workerman-ops setup-host ${h}\`)`;
  switch (e.reason) {
    case 'strace_missing':
      return err('strace_missing', `strace is not installed on ${h}: apt-get install strace / dnf install strace${host.strace.path === 'strace' ? '' : ` (or fix strace.path: ${host.strace.path} was not found)`}.`);
    case 'tool_missing':
      return err('command_failed', `"${arg(0)}" is missing on ${h}: a trace needs coreutils (timeout, tail) and util-linux (flock).`);
    case 'yama_3':
      return err('strace_not_permitted', `ptrace is disabled on ${h} (kernel.yama.ptrace_scope = 3): no process can be traced there until the host reboots with a lower value.`);
    case 'yama_1':
    case 'yama_2':
      return err('strace_not_permitted', `ptrace is restricted on ${h} (kernel.yama.ptrace_scope = ${e.reason.slice(5)}) and the SSH user is not root: ${sudoFix}.`);
    case 'no_cap_sys_ptrace':
      return err('strace_not_permitted', `root on ${h} lacks CAP_SYS_PTRACE (CapEff ${arg(0)}; a container?): start it with --cap-add SYS_PTRACE (Docker) or add SYS_PTRACE to securityContext.capabilities (Kubernetes).`);
    case 'other_uid':
      return err('strace_not_permitted', `pid ${pid} on ${h} runs as uid ${arg(0)} but the SSH user is uid ${arg(1)}: ${sudoFix}, or connect as the app's user.`);
    case 'gone':
      return err('pid_not_found', `No process ${pid} on ${h}: it has exited or was restarted. Run status for the current pids.`);
    case 'zombie':
      return err('pid_not_found', `pid ${pid} on ${h} has exited (a zombie its parent has not reaped yet). Run status for the current pids.`);
    case 'title':
      return err('pid_not_workerman', `pid ${pid} on ${h} is not a Workerman process (no Workerman master or worker title): only Workerman masters and workers of ${app} can be traced.`);
    case 'other_start_file':
      return err('pid_not_workerman', `pid ${pid} on ${h} belongs to another Workerman app, not ${app}.`);
    case 'orphan_other':
      return err('pid_not_workerman', `pid ${pid} on ${h} is a Workerman worker whose master is gone, and ${app} has a live master of its own: it is left over from another start, not part of the running app.`);
    case 'several_apps':
      return err('input_invalid', `Several Workerman apps run on ${h}: set workerman.startFile for ${h} in workerman-ops.yml to say which one to trace.`);
    case 'several_apps_conf':
      return err('input_invalid', `The helper on ${h} allows several apps: set workerman.startFile for ${h} in workerman-ops.yml to say which one to trace.`);
    case 'duration_cap':
      return err('input_invalid', `A trace on ${h} can last at most ${arg(0)} s (max_duration_s in the host's helper.conf).`);
    case 'tracer':
      return err('already_traced', `pid ${pid} on ${h} is already being traced by pid ${arg(0)}${arg(1) === '' ? '' : ` (${arg(1)})`}: wait for that trace to end or stop it.`);
    case 'locked':
      return err('already_traced', `Another trace of pid ${pid} on ${h} is running: wait for it to finish.`);
    case 'slots':
      return err('trace_busy', `${arg(0)} trace(s) are already running on ${h} (strace.maxConcurrent = ${host.strace.maxConcurrent}): try again when one finishes.`);
    case 'registry_timeout':
      return err('trace_busy', `The trace registry on ${h} stayed locked for 5 s: try again in a moment.`);
    case 'start_time':
      return err('pid_reused', `pid ${pid} on ${h} ended and its number was taken by another process before strace attached; that trace was discarded. Run status for the current pids.`);
    default: {
      if (e.code === 'host_setup') return hostSetupError(host, e);
      const code: BotErrorCode = isTraceErrorCode(e.code) ? e.code : 'command_failed';
      return err(code, `The trace on ${h} was refused (${oneLine(e.reason, 40)}).`);
    }
  }
}

/** The stream ended before the helper said `done`: deadline, abort, lost connection or a crash. */
export function unfinishedError(host: HostConfig, durationS: number, end: StreamEnd, signal: AbortSignal | undefined, started: boolean): BotError {
  const safety = `the helper on ${host.name} stops strace when nobody reads its output, and its ${durationS} s time box ends it in any case`;
  const details = { host: host.name, exitCode: end.exitCode, signal: end.signal };
  if (signal?.aborted === true) return new BotError('command_failed', `The trace on ${host.name} was cancelled; ${safety}.`, { details });
  if (end.timedOut) return new BotError('command_timed_out', `The trace on ${host.name} did not finish in time; ${safety}.`, { details });
  if (end.exitCode === 127) return new BotError('command_failed', `sh could not be started on ${host.name}: ${oneLine(end.otherOutput)}`, { details });
  const where = started ? `; ${safety}` : '';
  const stderr = oneLine(end.otherOutput);
  return new BotError(
    'command_failed',
    `The trace on ${host.name} ended early (exit ${end.exitCode ?? end.signal ?? '?'}${end.exitCode === HELPER_REFUSED_EXIT ? ', refused' : ''})${stderr === '' ? '' : `: ${stderr}`}${where}.`,
    { details },
  );
}

const TRACE_ERROR_CODES = new Set<string>([
  'input_invalid', 'command_failed', 'pid_not_found', 'pid_not_workerman', 'strace_missing', 'strace_not_permitted',
  'already_traced', 'trace_busy', 'pid_reused', 'start_file_missing',
]);

function isTraceErrorCode(code: string): code is BotErrorCode {
  return TRACE_ERROR_CODES.has(code);
}
