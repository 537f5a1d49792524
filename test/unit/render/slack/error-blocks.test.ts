import { describe, expect, test } from 'vitest';
import { BotError } from '../../../../src/errors.js';
import { renderErrorMessage, renderFailureNotice, renderNotInChannelHint, renderShutdownNotice, renderShutdownReply } from '../../../../src/render/slack/error-blocks.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

describe('renderErrorMessage()', () => {
  test('says what failed, the code, and what to do', () => {
    const message = renderErrorMessage(new BotError('workerman_not_running', 'Workerman is not running on web-1 (start file /srv/wm/start.php).'), { host: 'web-1' });
    expect(message).toMatchInlineSnapshot(`
      {
        "blocks": [
          {
            "text": {
              "text": ":x: Workerman is not running on web-1 (start file /srv/wm/start.php). (\`workerman_not_running\`)",
              "type": "mrkdwn",
            },
            "type": "section",
          },
          {
            "text": {
              "text": "*What to do:* Start it on the host (\`php start.php start -d\`), or check that \`workerman.startFile\` points at the app that runs.",
              "type": "mrkdwn",
            },
            "type": "section",
          },
          {
            "elements": [
              {
                "text": "host \`web-1\`",
                "type": "mrkdwn",
              },
            ],
            "type": "context",
          },
        ],
        "text": "Workerman is not running on web-1 (start file /srv/wm/start.php). (workerman_not_running)",
      }
    `);
  });

  test('escapes host-derived text in the message and the fallback', () => {
    const message = renderErrorMessage(new BotError('command_failed', 'PHP said <!here> & left'));
    for (const s of mrkdwnTexts(message.text, message.blocks)) expect(s).not.toContain('<!here>');
    expect(validateBlocks(message.blocks)).toBeNull();
  });

  test('keeps a huge message inside one section', () => {
    const message = renderErrorMessage(new BotError('internal', 'x'.repeat(10_000)));
    expect(validateBlocks(message.blocks)).toBeNull();
  });
});

describe('renderFailureNotice()', () => {
  test('shows the channel one line: outcome, code, and who got the details, with a Try again button', () => {
    const message = renderFailureNotice({ kind: 'status', host: 'web-1' }, { code: 'ssh_connect_failed', requestedBy: 'U0123ABCD', detailsSent: true, retryActionId: 'status_refresh' });
    expect(message.text).toBe('Workerman status of web-1 failed: could not connect over SSH (ssh_connect_failed). Details were sent to <@U0123ABCD>.');
    expect(message.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':x: Workerman status of `web-1` failed: could not connect over SSH (`ssh_connect_failed`). Details were sent to <@U0123ABCD>.' },
    });
    expect(JSON.stringify(message.blocks)).toContain('"value":"web-1"');
    expect(validateBlocks(message.blocks)).toBeNull();
  });

  test('a failed trace names the PID and host; nothing of the error message reaches the channel', () => {
    const message = renderFailureNotice({ kind: 'trace', host: 'web-1', pid: 10354 }, { code: 'pid_not_workerman', requestedBy: 'U0123ABCD', detailsSent: true });
    expect(message.text).toBe('Trace of PID 10354 on web-1 failed: not a Workerman process (pid_not_workerman). Details were sent to <@U0123ABCD>.');
    expect(message.blocks.map((b) => b.type)).toEqual(['section']);
  });

  test('a failed trace of a worker names it (escaped) and its pids once known, never what the host listed', () => {
    const unresolved = renderFailureNotice({ kind: 'trace', host: 'web-1', workerName: 'Api<!channel>`x', pids: [] }, { code: 'input_invalid', requestedBy: 'U0123ABCD', detailsSent: true });
    expect(unresolved.text).toBe('Trace of worker Api&lt;!channel&gt;`x on web-1 failed: the request is not valid (input_invalid). Details were sent to <@U0123ABCD>.');
    expect(unresolved.blocks[0]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: ':x: Trace of worker `Api&lt;!channel&gt;ʼx` on `web-1` failed: the request is not valid (`input_invalid`). Details were sent to <@U0123ABCD>.' },
    });
    const resolved = renderFailureNotice({ kind: 'trace', host: 'web-1', workerName: 'HttpApi01', pids: [11, 12] }, { code: 'already_traced', requestedBy: 'U0123ABCD', detailsSent: true });
    expect(resolved.text).toBe('Trace of worker HttpApi01 (pids 11, 12) on web-1 failed: the process is already being traced (already_traced). Details were sent to <@U0123ABCD>.');
    expect(validateBlocks(resolved.blocks)).toBeNull();
  });

  test('never claims the details were sent when they were not', () => {
    const lost = renderFailureNotice({ kind: 'status', host: 'web-1' }, { code: 'command_failed', requestedBy: 'U0123ABCD', detailsSent: false });
    expect(lost.text).toBe('Workerman status of web-1 failed: the command failed on the host (command_failed). The details could not be sent to <@U0123ABCD> privately: ask again to see them.');
  });
});

describe('renderShutdownNotice() and renderShutdownReply()', () => {
  test('say the bot is shutting down, with no error code, no timeout advice and no Try again', () => {
    const cancelled = renderShutdownNotice({ kind: 'status', host: 'web' });
    expect(cancelled.text).toBe('Workerman status of web stopped. Cancelled: the bot is shutting down. Ask again in a minute.');
    expect(cancelled.blocks.map((b) => b.type)).toEqual(['section']);
    const trace = renderShutdownNotice({ kind: 'trace', host: 'web-1', pid: 4242 });
    expect(trace.text).toBe('Trace of PID 4242 on web-1 stopped. Cancelled: the bot is shutting down. Ask again in a minute.');
    const reply = renderShutdownReply();
    for (const m of [cancelled, trace, reply]) {
      expect(JSON.stringify(m)).not.toMatch(/command_timed_out|commandTimeoutMs|in time/);
      expect(validateBlocks(m.blocks)).toBeNull();
    }
  });

  test('every code has a fixed phrase, and a requester that is not a user ID is shown as text', () => {
    const message = renderFailureNotice({ kind: 'status', host: 'web-1' }, { code: 'internal', requestedBy: '<!channel>', detailsSent: true });
    for (const s of mrkdwnTexts(message.text, message.blocks)) expect(s).not.toContain('<!channel>');
  });
});

describe('renderNotInChannelHint()', () => {
  test.each(['not_in_channel', 'channel_not_found'])('for %s suggests /invite @workerman or a DM', (error) => {
    expect(renderNotInChannelHint(error).text).toMatch(/\/invite @workerman.*DM with me/);
  });
});
