import { describe, expect, test } from 'vitest';
import { BotError } from '../../../../src/errors.js';
import { renderErrorMessage, renderNotInChannelHint, renderStatusFailure } from '../../../../src/render/slack/error-blocks.js';
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

describe('renderStatusFailure()', () => {
  test('shows the failure on the parent with a Try again button carrying the host', () => {
    const message = renderStatusFailure(new BotError('ssh_connect_failed', 'Cannot connect to web-1 (ECONNREFUSED).'), {
      host: 'web-1',
      requestedBy: 'U0123ABCD',
      retryActionId: 'status_refresh',
    });
    expect(message.text).toBe('Workerman status of web-1 failed: Cannot connect to web-1 (ECONNREFUSED). (ssh_connect_failed)');
    expect(JSON.stringify(message.blocks)).toContain('"value":"web-1"');
    expect(validateBlocks(message.blocks)).toBeNull();
  });
});

describe('renderNotInChannelHint()', () => {
  test.each(['not_in_channel', 'channel_not_found'])('for %s suggests /invite @workerman or a DM', (error) => {
    expect(renderNotInChannelHint(error).text).toMatch(/\/invite @workerman.*DM with me/);
  });
});
