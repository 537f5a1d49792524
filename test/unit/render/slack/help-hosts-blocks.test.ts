import { describe, expect, test } from 'vitest';
import { renderHelpMessage } from '../../../../src/render/slack/help-blocks.js';
import { renderHostsMessage } from '../../../../src/render/slack/hosts-blocks.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

describe('renderHelpMessage()', () => {
  test('lists the subcommands', () => {
    expect(renderHelpMessage({ command: '/workerman' }).text).toMatchInlineSnapshot(`
      "*Usage of \`/workerman\`*
      • \`/workerman status <host>\`: the Workerman status of a host, posted here with the full tables in a thread
      • \`/workerman status <group>\` or \`/workerman status all\`: one row per host of a group (\`/workerman hosts\` lists them), each host's details in the thread
      • \`/workerman connections <host>\`: the client connections of a host (counts by worker, protocol and state here, the table in a thread)
      • \`/workerman trace <host> <pid|worker> [seconds]\`: a time-boxed strace of one process, or of all processes of a worker, with a verdict (asks for confirmation)
      • \`/workerman doctor <host>\`: what the bot needs on a host, checked one by one with a fix for each problem (only you see it)
      • \`/workerman history <host> [window]\`: memory per worker and requests per second over the watched window (\`1h\`, \`30m\`; all that is kept by default), as charts
      • \`/workerman hosts\`: the hosts you can ask for
      • \`/workerman help\`: this message"
    `);
  });

  test('names an unknown subcommand, escaped', () => {
    const message = renderHelpMessage({ command: '/workerman', unknown: '<!channel>' });
    expect(message.text).toContain('`&lt;!channel&gt;` is not a subcommand');
  });

  test('suggests the closest subcommand', () => {
    const message = renderHelpMessage({ command: '/workerman', unknown: 'stauts', suggestion: 'status' });
    expect(message.text.split('\n')[0]).toBe(':grey_question: `stauts` is not a subcommand. Did you mean `/workerman status`?');
    expect(validateBlocks(message.blocks)).toBeNull();
  });
});

describe('renderHostsMessage()', () => {
  test('shows names, descriptions and groups, never addresses', () => {
    const message = renderHostsMessage(
      [
        { name: 'web-1', description: 'Front <API> & co', groups: ['web'], kind: 'ssh' },
        { name: 'local', groups: [], kind: 'local' },
      ],
      { command: '/workerman' },
    );
    expect(message.blocks).toHaveLength(1);
    expect(JSON.stringify(message.blocks)).toContain('• `web-1`: Front &lt;API&gt; &amp; co _(web)_');
    expect(JSON.stringify(message.blocks)).toContain('• `local` (this machine)');
    expect(validateBlocks(message.blocks)).toBeNull();
  });

  test('splits 500 hosts into valid sections within one message', () => {
    const hosts = Array.from({ length: 500 }, (_, i) => ({ name: `host-${i}`, description: 'd'.repeat(150), groups: ['g'], kind: 'ssh' as const }));
    const message = renderHostsMessage(hosts, { command: '/workerman' });
    expect(validateBlocks(message.blocks)).toBeNull();
    expect(JSON.stringify(message.blocks)).toContain('…and more hosts than fit in one message.');
    for (const s of mrkdwnTexts(message.text, message.blocks)) expect(s.length).toBeGreaterThan(0);
  });

  test('says when no host is configured', () => {
    expect(renderHostsMessage([], { command: '/workerman' }).text).toMatch(/No hosts are configured/);
  });
});
