import type { ContextBlock } from '@slack/types';
import { formatMsAsSeconds, plural } from '../format.js';
import { askedBy, context, section } from './blocks.js';
import { escapeMrkdwn, truncatePlain } from './escape.js';
import { SLACK_LIMITS, type SlackMessage } from './limits.js';
import { plainTarget, traceTitle } from './strace-target.js';

/** What the parent message says before strace attached (preflight still running). */
export interface TracePendingOptions {
  /** The configured host name the user asked for (a slug). */
  host: string;
  /** Empty while a worker name is not yet looked up on the host. */
  pids: readonly number[];
  /** The worker the pids were asked for by name (`trace web-1 HttpApi01`), if any. */
  workerName?: string;
  durationMs: number;
  /** Slack user ID of who asked (`U…`/`W…`); shown as a mention. */
  requestedBy?: string;
}

/** One progress update of a running trace (from runTrace's onProgress). */
export interface TraceProgressOptions extends TracePendingOptions {
  elapsedMs: number;
  /** Trace lines received so far. */
  lines: number;
}

const PROGRESS_CELLS = 10;

/** Returns the parent message posted when a trace is accepted, before strace attaches (0% bar). */
export function renderTracePending(opts: TracePendingOptions): SlackMessage {
  const what = traceTitle(opts.host, opts.pids, opts.workerName);
  const line = `\`${progressBar(0)}\` 0% · ${formatMsAsSeconds(opts.durationMs)} s time box · checking strace and permissions…`;
  return {
    text: escapeMrkdwn(truncatePlain(`Tracing ${plainTarget(opts.host, opts.pids, opts.workerName)} for ${formatMsAsSeconds(opts.durationMs)} s…`, SLACK_LIMITS.fallbackTextChars)),
    blocks: [section(`:mag: *${what}* for ${formatMsAsSeconds(opts.durationMs)} s\n${line}`), progressContext(opts.requestedBy)],
  };
}

/** Returns the parent message while the trace runs: a text progress bar (`▓▓▓▓▓░░░░░ 50% · 2.5 of 5 s · 1,234 lines`). */
export function renderTraceProgress(opts: TraceProgressOptions): SlackMessage {
  const fraction = opts.durationMs <= 0 ? 1 : Math.min(1, Math.max(0, opts.elapsedMs / opts.durationMs));
  const percent = Math.floor(fraction * 100);
  const shownElapsedMs = Math.min(Math.max(0, opts.elapsedMs), Math.max(0, opts.durationMs));
  const lines = plural(opts.lines, 'line');
  // Past the time box strace still detaches and the host re-reads /proc: say so rather than sit at 100%.
  const finishing = fraction >= 1 ? ' · detaching and summarising…' : '';
  const progress = `${percent}% · ${formatMsAsSeconds(shownElapsedMs)} of ${formatMsAsSeconds(opts.durationMs)} s · ${lines}${finishing}`;
  return {
    text: escapeMrkdwn(truncatePlain(`Tracing ${plainTarget(opts.host, opts.pids, opts.workerName)}: ${progress}`, SLACK_LIMITS.fallbackTextChars)),
    blocks: [section(`:mag: *${traceTitle(opts.host, opts.pids, opts.workerName)}*\n\`${progressBar(fraction)}\` ${progress}`), progressContext(opts.requestedBy)],
  };
}

function progressContext(requestedBy: string | undefined): ContextBlock {
  const who = askedBy(requestedBy);
  // Said on every update because strace slows the target for as long as it is attached.
  const note = 'strace slows the traced process down while attached; the time box is enforced on the host';
  return context(who === null ? [note] : [who, note]);
}

function progressBar(fraction: number): string {
  const filled = Math.floor(Math.min(1, Math.max(0, fraction)) * PROGRESS_CELLS);
  return '▓'.repeat(filled) + '░'.repeat(PROGRESS_CELLS - filled);
}
