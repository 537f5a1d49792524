import type { KnownBlock } from '@slack/types';
import type { TraceTarget } from '../../workerman/resolve-trace-targets.js';
import { section } from './blocks.js';
import { escapeCodeSpan, escapeMrkdwn, truncatePlain } from './escape.js';
import type { SlackMessage } from './limits.js';

// Slack caps a button's plain_text at 75 characters.
const BUTTON_TEXT_CHARS = 75;

/**
 * Returns the ephemeral "attach strace?" question with Trace / Cancel buttons. It says what will be
 * traced ("PID 10354", or "worker `HttpApi01` (all its processes)"); `value` carries the request:
 * `{"h":host,"p":pid,"d":seconds}` or `{"h":host,"w":worker,"d":seconds}`.
 */
export function renderTraceConfirmation(opts: {
  host: string;
  target: TraceTarget;
  durationS: number;
  confirmActionId: string;
  cancelActionId: string;
}): SlackMessage {
  const { target } = opts;
  const what = target.kind === 'pid' ? `PID *${target.pid}*` : `worker \`${escapeCodeSpan(target.workerName)}\` (all its processes)`;
  const plainWhat = target.kind === 'pid' ? `PID ${target.pid}` : `worker ${target.workerName} (all its processes)`;
  const text = `Attach strace to ${what} on \`${escapeCodeSpan(opts.host)}\` for ${opts.durationS} s? Tracing slows the process down a little while it runs; the result is posted in this channel.`;
  const button = target.kind === 'pid' ? `Trace PID ${target.pid}` : `Trace worker ${target.workerName}`;
  const blocks: KnownBlock[] = [
    section(`:mag: ${text}`),
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: opts.confirmActionId,
          style: 'danger',
          // plain_text is not parsed by Slack: the worker name needs no escaping here, only a cut.
          text: { type: 'plain_text', text: truncatePlain(button, BUTTON_TEXT_CHARS) },
          // Compact JSON (≤ 2000 chars: a worker name is at most 128); re-validated on click like typed text.
          value: JSON.stringify(target.kind === 'pid' ? { h: opts.host, p: target.pid, d: opts.durationS } : { h: opts.host, w: target.workerName, d: opts.durationS }),
        },
        { type: 'button', action_id: opts.cancelActionId, text: { type: 'plain_text', text: 'Cancel' }, value: 'cancel' },
      ],
    },
  ];
  return { text: escapeMrkdwn(`Attach strace to ${plainWhat} on ${opts.host} for ${opts.durationS} s?`), blocks };
}
