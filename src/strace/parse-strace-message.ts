/**
 * strace's own lines: `strace: Process 22098 attached`, `strace: attach: ptrace(PTRACE_SEIZE, 1):
 * Operation not permitted`, and the same messages when they are glued to the end of a syscall line.
 */

import type { AttachEvent, DetachEvent, StraceErrorReason, StraceEvent } from './events.js';
import { CH_0, CH_9 } from './line-chars.js';

export const STRACE_PROCESS = 'strace: Process ';

/** `N attached` / `N detached` at `at` (after `strace: Process ` or `Process `), or undefined. */
export function parseProcessMessage(line: string, at: number): AttachEvent | DetachEvent | undefined {
  let i = at;
  let n = 0;
  let digits = 0;
  for (let c = line.charCodeAt(i); c >= CH_0 && c <= CH_9; c = line.charCodeAt(++i)) {
    n = n * 10 + (c - CH_0);
    digits++;
  }
  if (digits === 0) return undefined;
  if (line.startsWith(' attached', i)) return { kind: 'attach', pid: n };
  if (line.startsWith(' detached', i)) return { kind: 'detach', pid: n };
  return undefined;
}

/** A line that starts with `strace: `: attach/detach, a refusal to trace, or any other message. */
export function parseStraceMessage(line: string): StraceEvent {
  if (line.startsWith(STRACE_PROCESS)) {
    const msg = parseProcessMessage(line, STRACE_PROCESS.length);
    if (msg !== undefined) return msg;
  }
  const message = line.slice(8);
  const pidMatch = /PTRACE_[A-Z]+, (\d+)\)/.exec(message);
  const pid = pidMatch?.[1] !== undefined ? Number(pidMatch[1]) : null;
  if (message.includes("can't let you do that")) return { kind: 'strace-error', reason: 'self', pid, message: line };
  if (message.startsWith('Invalid process id')) return { kind: 'strace-error', reason: 'invalid_pid', pid, message: line };
  if (message.startsWith('attach:') || message.includes('ptrace(')) {
    let reason: StraceErrorReason = 'other';
    if (message.endsWith('No such process')) reason = 'no_such_process';
    else if (message.endsWith('Operation not permitted')) reason = 'not_permitted';
    return { kind: 'strace-error', reason, pid, message: line };
  }
  return { kind: 'strace-message', message: line };
}
