import { describe, expect, test } from 'vitest';
import {
  renderAlertMessage,
  renderAlertResolvedMessage,
  renderAlertResolvedReply,
  renderAlertSilencedReply,
} from '../../../../src/render/slack/alert-blocks.js';
import type { Alert } from '../../../../src/watch/types.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

const T0 = Date.UTC(2026, 10, 26, 6, 2, 0);
const MIN = 60_000;

// The words the stuck detector writes (src/watch/detect-stuck.ts) for a worker asleep in clock_nanosleep.
const stuck: Alert = {
  key: 'web-1/stuck/19373',
  host: 'web-1',
  kind: 'stuck',
  subject: '19373',
  state: 'open',
  severity: 'warning',
  title: 'pid 19373 (cron_jobs) on web-1 is stuck in clock_nanosleep for 3 min',
  evidence: ['/proc: in clock_nanosleep with no CPU progress for 3 min (4 samples, CPU time 12 ticks unchanged)'],
  nextStep: 'Trace it to see the call and what it waits on: `/workerman trace web-1 19373` (it reads the process without stopping it for long). Requests routed to it wait meanwhile.',
  pids: [19373],
  metrics: { stuckMs: 180_000 },
  since: T0,
  updatedAt: T0 + 3 * MIN,
  resolvedAt: null,
  resolution: null,
  revision: 4,
  meta: {},
};

describe('renderAlertMessage()', () => {
  test('shows title, where and since when, evidence, the next step, a Trace button on the pid and Silence 1 h', () => {
    const message = renderAlertMessage(stuck, { now: T0 + 3 * MIN, traceActionId: 'trace_select', silenceActionId: 'alert_silence' });
    expect(message.text).toBe('Warning: pid 19373 (cron_jobs) on web-1 is stuck in clock_nanosleep for 3 min');
    expect(message.blocks).toMatchInlineSnapshot(`
      [
        {
          "text": {
            "text": ":warning: *pid 19373 (cron_jobs) on web-1 is stuck in clock_nanosleep for 3 min*",
            "type": "mrkdwn",
          },
          "type": "section",
        },
        {
          "elements": [
            {
              "text": "host \`web-1\` · stuck · \`19373\` · open since 06:02 UTC (3 min) · warning",
              "type": "mrkdwn",
            },
          ],
          "type": "context",
        },
        {
          "text": {
            "text": "• /proc: in clock_nanosleep with no CPU progress for 3 min (4 samples, CPU time 12 ticks unchanged)",
            "type": "mrkdwn",
          },
          "type": "section",
        },
        {
          "text": {
            "text": "*Next step:* Trace it to see the call and what it waits on: \`/workerman trace web-1 19373\` (it reads the process without stopping it for long). Requests routed to it wait meanwhile.",
            "type": "mrkdwn",
          },
          "type": "section",
        },
        {
          "elements": [
            {
              "action_id": "trace_select",
              "text": {
                "text": "Trace PID 19373",
                "type": "plain_text",
              },
              "type": "button",
              "value": "web-1:19373",
            },
            {
              "action_id": "alert_silence",
              "text": {
                "text": "Silence 1 h",
                "type": "plain_text",
              },
              "type": "button",
              "value": "web-1/stuck/19373",
            },
          ],
          "type": "actions",
        },
      ]
    `);
    expect(validateBlocks(message.blocks)).toBeNull();
  });

  test('while silenced: who and until when, no Silence button; without action ids: no buttons at all', () => {
    const silenced = renderAlertMessage(stuck, { now: T0 + 5 * MIN, traceActionId: 'trace_select', silenceActionId: 'alert_silence', silenced: { untilMs: T0 + 65 * MIN, by: 'U0123ABCD' } });
    expect(JSON.stringify(silenced.blocks)).toContain(':mute: Silenced by <@U0123ABCD> until 07:07 UTC: this message is not updated until then.');
    const buttons = silenced.blocks.flatMap((b) => ('elements' in b && b.type === 'actions' ? b.elements : [])).map((e) => (e as { action_id: string }).action_id);
    expect(buttons).toEqual(['trace_select']);
    const bare = renderAlertMessage(stuck, { now: T0 + 5 * MIN });
    expect(bare.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(validateBlocks(silenced.blocks)).toBeNull();
  });

  test('escapes what hosts wrote (worker names, calls): no mention, no link, bounded', () => {
    const evil = '<!channel> <@U999> <https://evil.example|click> &amp;';
    const hostile: Alert = {
      ...stuck,
      kind: 'memory-growth',
      subject: `${evil}\n${'w'.repeat(300)}`,
      severity: 'critical',
      title: `${evil} on web-1: memory grows 12.4 MB/h`,
      evidence: Array.from({ length: 20 }, (_, i) => `pid ${i}: ${evil} ${'x'.repeat(1000)}`),
      nextStep: `\`/workerman trace web-1 1\` ${evil}`,
      key: `web-1/memory-growth/${evil}`,
    };
    const message = renderAlertMessage(hostile, { now: T0 + 2 * 3_600_000, silenceActionId: 'alert_silence', silenced: { untilMs: T0, by: '<!here>' } });
    for (const text of mrkdwnTexts(message.text, message.blocks)) {
      expect(text).not.toMatch(/<!|<@|<https?:/);
    }
    expect(message.text.startsWith('Critical: &lt;!channel&gt;')).toBe(true);
    // As many of the 20 lines as fit one section, then how many more: never cut mid-entity.
    expect(JSON.stringify(message.blocks)).toMatch(/• … and 1[2-9] more/);
    expect(validateBlocks(message.blocks)).toBeNull();
    const resolved = renderAlertResolvedMessage({ ...hostile, state: 'resolved', resolvedAt: T0 + 3_600_000, resolution: evil });
    for (const text of mrkdwnTexts(resolved.text, resolved.blocks)) expect(text).not.toMatch(/<!|<@|<https?:/);
    expect(validateBlocks(resolved.blocks)).toBeNull();
  });
});

describe('renderAlertResolvedMessage() and the thread replies', () => {
  const resolved: Alert = { ...stuck, state: 'resolved', resolvedAt: T0 + 68 * MIN, updatedAt: T0 + 68 * MIN, resolution: 'pid 19373 is gone (it exited or was replaced)' };

  test('the parent says resolved, why and how long, with no buttons', () => {
    const message = renderAlertResolvedMessage(resolved);
    expect(message.text).toBe('Resolved: pid 19373 (cron_jobs) on web-1 is stuck in clock_nanosleep for 3 min');
    expect(mrkdwnTexts(undefined, message.blocks)).toEqual([
      ':white_check_mark: *Resolved:* pid 19373 (cron_jobs) on web-1 is stuck in clock_nanosleep for 3 min',
      'host `web-1` · stuck · `19373` · open from 06:02 UTC to 07:10 UTC (1 h 8 min)',
      '*Why:* pid 19373 is gone (it exited or was replaced)',
      '*Last seen:*\n• /proc: in clock_nanosleep with no CPU progress for 3 min (4 samples, CPU time 12 ticks unchanged)',
    ]);
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(validateBlocks(message.blocks)).toBeNull();
  });

  test('the replies say when it resolved and who silenced it until when', () => {
    expect(renderAlertResolvedReply(resolved).text).toBe(':white_check_mark: Resolved at 07:10 UTC after 1 h 8 min: pid 19373 is gone (it exited or was replaced).');
    expect(renderAlertSilencedReply({ by: 'U0123ABCD', untilMs: T0 + 60 * MIN, now: T0 }).text).toBe(
      ':mute: <@U0123ABCD> silenced this alert for 1 h (until 07:02 UTC): no updates until then. Its resolution is still posted here.',
    );
  });
});
