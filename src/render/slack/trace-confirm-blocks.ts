import type { KnownBlock } from '@slack/types';
import { escapeCodeSpan } from './escape.js';
import type { SlackMessage } from './limits.js';

/** Returns the ephemeral "attach strace?" question with Trace / Cancel buttons; `value` carries the request. */
export function renderTraceConfirmation(opts: {
  host: string;
  pid: number;
  durationS: number;
  confirmActionId: string;
  cancelActionId: string;
}): SlackMessage {
  const text = `Attach strace to PID *${opts.pid}* on \`${escapeCodeSpan(opts.host)}\` for ${opts.durationS} s? Tracing slows the process down a little while it runs; the result is posted in this channel.`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:mag: ${text}` } },
    {
      type: 'actions',
      elements: [
        {
          type: 'button',
          action_id: opts.confirmActionId,
          style: 'danger',
          text: { type: 'plain_text', text: `Trace PID ${opts.pid}` },
          // Compact JSON (≤ 2000 chars); re-validated on click like typed text.
          value: JSON.stringify({ h: opts.host, p: opts.pid, d: opts.durationS }),
        },
        { type: 'button', action_id: opts.cancelActionId, text: { type: 'plain_text', text: 'Cancel' }, value: 'cancel' },
      ],
    },
  ];
  return { text: `Attach strace to PID ${opts.pid} on ${opts.host} for ${opts.durationS} s?`, blocks };
}
