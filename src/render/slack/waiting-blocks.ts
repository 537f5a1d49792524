import { sectionMessage } from './blocks.js';
import { escapeCodeSpan } from './escape.js';
import type { SlackMessage } from './limits.js';

/**
 * Returns the parent message while a request waits for a free slot: on a host (per-host concurrency)
 * or, for a trace, under the global trace cap. Example: ":hourglass: Waiting for a free slot on `web-1`
 * (2 commands running there, 1st in line)…".
 */
export function renderWaitingMessage(opts: { what: 'status' | 'connections' | 'trace'; host: string; position: number; running: number; on: 'host' | 'traces' }): SlackMessage {
  const place = `${ordinal(opts.position)} in line`;
  const where =
    opts.on === 'host'
      ? `a free slot on \`${escapeCodeSpan(opts.host)}\` (${opts.running} command${opts.running === 1 ? '' : 's'} running there, ${place})`
      : `a free trace slot (${opts.running} trace${opts.running === 1 ? '' : 's'} running, ${place}) before tracing on \`${escapeCodeSpan(opts.host)}\``;
  const text = `:hourglass: Workerman ${opts.what}: waiting for ${where}…`;
  return sectionMessage(text);
}

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : n % 10 === 1 ? 'st' : n % 10 === 2 ? 'nd' : n % 10 === 3 ? 'rd' : 'th';
  return `${n}${suffix}`;
}
