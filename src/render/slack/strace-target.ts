import { escapeControl } from '../escape-control.js';
import { escapeCodeSpan, truncatePlain } from './escape.js';

// How a trace names what it traced, in the parent, its thread, its files and the DM: host, pids or
// worker, and text from the trace made one line and bounded.

/** Names (syscalls, errnos, signals, workers) are cut to this many characters. */
export const NAME_CHARS = 40;
const PIDS_SHOWN = 5;

/** Returns trace text made single-line (control characters escaped) and bounded, before mrkdwn escaping. */
export function clean(text: string, maxChars: number): string {
  return truncatePlain(escapeControl(text), maxChars);
}

/** Returns `pid 1`, `pids 1, 2, 3, 4, 5 +2 more` or `no pid`. */
export function pidList(pids: readonly number[]): string {
  if (pids.length === 0) return 'no pid';
  const shown = pids.slice(0, PIDS_SHOWN).join(', ');
  const more = pids.length > PIDS_SHOWN ? ` +${pids.length - PIDS_SHOWN} more` : '';
  return `${pids.length === 1 ? 'pid' : 'pids'} ${shown}${more}`;
}

/** Returns unescaped "pid 1 on web-1" (or "worker W (pids 1, 2) on web-1"), for plain_text and (escaped later) fallback text and file titles. */
export function plainTarget(host: string, pids: readonly number[], workerName?: string): string {
  if (workerName === undefined) return `${pidList(pids)} on ${host}`;
  return `worker ${clean(workerName, NAME_CHARS)}${pids.length === 0 ? '' : ` (${pidList(pids)})`} on ${host}`;
}

/** Returns mrkdwn "strace of pid 1 on `web-1`" (or "strace of worker `W` (pids 1, 2) on `web-1`"). */
export function traceTitle(host: string, pids: readonly number[], workerName?: string): string {
  if (workerName === undefined) return `strace of ${pidList(pids)} on \`${escapeCodeSpan(host)}\``;
  const name = escapeCodeSpan(clean(workerName, NAME_CHARS));
  return `strace of worker \`${name}\`${pids.length === 0 ? '' : ` (${pidList(pids)})`} on \`${escapeCodeSpan(host)}\``;
}

/** Returns `web-1` made safe for a file name (`-` for anything else, at most 64 characters). */
export function fileSlug(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 64) || 'host';
}

/** Returns `21135`, `1-2-3-and-4-more` or `nopid` for a file name. */
export function pidSlug(pids: readonly number[]): string {
  if (pids.length === 0) return 'nopid';
  return pids.length > 3 ? `${pids.slice(0, 3).join('-')}-and-${pids.length - 3}-more` : pids.join('-');
}
