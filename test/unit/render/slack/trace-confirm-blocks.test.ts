import { describe, expect, test } from 'vitest';
import { renderTraceConfirmation } from '../../../../src/render/slack/trace-confirm-blocks.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

const ids = { confirmActionId: 'trace_confirm', cancelActionId: 'trace_cancel' };

describe('renderTraceConfirmation()', () => {
  test('asks about one PID; the button carries host, pid and duration', () => {
    const message = renderTraceConfirmation({ host: 'web-1', target: { kind: 'pid', pid: 10354 }, durationS: 5, ...ids });
    expect(message.text).toBe('Attach strace to PID 10354 on web-1 for 5 s?');
    expect(message.blocks).toMatchInlineSnapshot(`
      [
        {
          "text": {
            "text": ":mag: Attach strace to PID *10354* on \`web-1\` for 5 s? Tracing slows the process down a little while it runs; the result is posted in this channel.",
            "type": "mrkdwn",
          },
          "type": "section",
        },
        {
          "elements": [
            {
              "action_id": "trace_confirm",
              "style": "danger",
              "text": {
                "text": "Trace PID 10354",
                "type": "plain_text",
              },
              "type": "button",
              "value": "{"h":"web-1","p":10354,"d":5}",
            },
            {
              "action_id": "trace_cancel",
              "text": {
                "text": "Cancel",
                "type": "plain_text",
              },
              "type": "button",
              "value": "cancel",
            },
          ],
          "type": "actions",
        },
      ]
    `);
    expect(validateBlocks(message.blocks)).toBeNull();
  });

  test('asks about a worker by name (all its processes), escaped; the button carries the name', () => {
    const message = renderTraceConfirmation({ host: 'web-1', target: { kind: 'worker', workerName: 'HttpApi01' }, durationS: 10, ...ids });
    expect(message.text).toBe('Attach strace to worker HttpApi01 (all its processes) on web-1 for 10 s?');
    expect(JSON.stringify(message.blocks[0])).toContain('Attach strace to worker `HttpApi01` (all its processes) on `web-1` for 10 s?');
    const button = (message.blocks[1] as { elements: { text: { text: string }; value: string }[] }).elements[0]!;
    expect(button.text.text).toBe('Trace worker HttpApi01');
    expect(JSON.parse(button.value)).toEqual({ h: 'web-1', w: 'HttpApi01', d: 10 });

    const hostile = renderTraceConfirmation({ host: 'web-1', target: { kind: 'worker', workerName: `<!channel>\`${'x'.repeat(120)}` }, durationS: 1, ...ids });
    for (const text of mrkdwnTexts(hostile.text, hostile.blocks)) expect(text).not.toContain('<!channel>');
    expect(validateBlocks(hostile.blocks)).toBeNull();
  });
});
