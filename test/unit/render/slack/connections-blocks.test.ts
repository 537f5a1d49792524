import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderConnectionsMessage, renderConnectionsPending, renderConnectionsPrivately, type ConnectionsMessage } from '../../../../src/render/slack/connections-blocks.js';
import { measureBlockText, SLACK_LIMITS, type SlackMessage } from '../../../../src/render/slack/limits.js';
import { parseConnections } from '../../../../src/workerman/parse-connections.js';
import type { ConnectionRow, WorkermanConnections } from '../../../../src/workerman/types.js';
import { STATUS_FIXTURES } from '../../../helpers/paths.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

const OPTS = { host: 'web-1', requestedBy: 'U0123ABCD', durationMs: 87 } as const;

function capture(base: string): { stdout: string; conns: WorkermanConnections } {
  const stdout = readFileSync(join(STATUS_FIXTURES, `${base}.out`), 'utf8');
  return { stdout, conns: parseConnections(stdout, { host: 'web-1' }) };
}

/** `n` connections made from the 5.2.2 capture's rows, with fresh ids and ports; every 7th has a send queue. */
function many(n: number): WorkermanConnections {
  const rows = capture('wm5.2.2-connections').conns.connections;
  const out: ConnectionRow[] = Array.from({ length: n }, (_, i) => ({
    ...rows[i % rows.length]!,
    cid: i + 1,
    foreignAddress: `10.1.${Math.floor(i / 250)}.${i % 250}:${40000 + i}`,
    sendQueue: i % 7 === 0 ? '12KB' : '0B',
  }));
  return { host: 'web-1', connections: out };
}

/** Every message is one Slack accepts, within our budget, with no live mention. */
function expectValid(messages: readonly SlackMessage[]): void {
  for (const m of messages) {
    expect(validateBlocks(m.blocks)).toBeNull();
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(measureBlockText(m.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageTextChars);
    expect(m.text.length).toBeGreaterThan(0);
    for (const s of mrkdwnTexts(m.text, m.blocks)) expect(s).not.toMatch(/<!(channel|here|everyone)/);
  }
}

function all(message: ConnectionsMessage): SlackMessage[] {
  return [message, ...message.threadReplies];
}

describe('renderConnectionsMessage()', () => {
  test('renders a real capture: a summary by worker, protocol and state, the table in one thread reply', () => {
    const message = renderConnectionsMessage(capture('wm5.2.2-connections').conns, OPTS);
    expectValid(all(message));
    expect(message.text).toBe('Workerman connections of web-1: 5 client connections');
    expect(mrkdwnTexts(null, message.blocks)).toMatchInlineSnapshot(`
      [
        "\`web-1\`: *5 client connections* to 3 workers, no data waiting to be sent.",
        "*By worker*
      \`HttpApi01\` 3
      \`ws-notificat..\` 1
      \`TextCmd2\` 1",
        "*By protocol*
      \`tcp/Http\` 3
      \`tcp/Websocket\` 1
      \`tcp/Text\` 1",
        "*By state*
      \`ESTABLISHED\` 5",
        "asked by <@U0123ABCD> · took 87 ms · The table is in the thread.",
      ]
    `);
    expect(message.threadReplies).toHaveLength(1);
    expect(message.file).toBeUndefined();
    const table = message.threadReplies[0]!.blocks.find((b) => b.type === 'table') as { rows: { text: string }[][] };
    expect(table.rows.map((r) => r.map((c) => c.text).join(' '))).toEqual([
      'pid worker cid proto local foreign state recv-q send-q read written',
      '19369 HttpApi01 5 tcp/Http 127.0.0.1:18700 127.0.0.1:40238 ESTABLISHED 0B 0B 77B 123B',
      '19369 HttpApi01 6 tcp/Http 127.0.0.1:18700 127.0.0.1:40252 ESTABLISHED 0B 0B 77B 123B',
      '19369 HttpApi01 7 tcp/Http 127.0.0.1:18700 127.0.0.1:40264 ESTABLISHED 0B 0B 77B 123B',
      '19371 ws-notificat.. 2 tcp/Websocket 127.0.0.1:18701 127.0.0.1:59248 ESTABLISHED 0B 0B 158B 155B',
      '19372 TextCmd2 2 tcp/Text 127.0.0.1:18702 127.0.0.1:41896 ESTABLISHED 0B 0B 5B 5B',
    ]);
  });

  test('no connections: says so, no thread, no file', () => {
    const message = renderConnectionsMessage({ host: 'web-1', connections: [] }, OPTS);
    expectValid(all(message));
    expect(message.text).toBe('Workerman connections of web-1: none');
    expect(JSON.stringify(message.blocks)).toContain('has no client connections.');
    expect(message.threadReplies).toEqual([]);
    expect(message.file).toBeUndefined();
  });

  test('250 connections: three table replies of at most 99 rows (one table each), no file; send queues counted', () => {
    const message = renderConnectionsMessage(many(250), OPTS);
    expectValid(all(message));
    expect(message.threadReplies.map((r) => (r.blocks.find((b) => b.type === 'table') as { rows: unknown[] }).rows.length - 1)).toEqual([99, 99, 52]);
    expect(message.threadReplies.every((r) => r.blocks.filter((b) => b.type === 'table').length === 1)).toBe(true);
    expect(message.isTruncated).toBe(false);
    expect(message.file).toBeUndefined();
    expect(message.text).toBe('Workerman connections of web-1: 250 client connections, 36 with data waiting');
    expect(mrkdwnTexts(null, message.threadReplies[2]!.blocks)[0]).toBe('*Connections 199–250 of 250*');
  });

  test('1000 connections: the first 297 in the thread, the rest said, the whole output attached; the parent says so only once it arrived', () => {
    const conns = many(1000);
    const raw = { stdout: 'PID Worker CID Trans\npassword=hunter2 leaked\n', stderr: '' };
    const message = renderConnectionsMessage(conns, { ...OPTS, raw });
    expectValid(all(message));
    expect(message.shownRowCount).toBe(297);
    expect(message.isTruncated).toBe(true);
    expect(JSON.stringify(message.threadReplies.at(-1)!.blocks)).toContain('703 more did not fit in the thread: see the attached output.');
    expect(message.file).toMatchObject({ filename: 'web-1-connections.txt', title: 'php start.php connections on web-1' });
    expect(message.file!.content).not.toContain('hunter2');
    expect(JSON.stringify(message.blocks)).toContain('The first 297 rows are in the thread, the whole output is attached there.');
    const failed = renderConnectionsMessage(conns, { ...OPTS, raw, gaps: { replies: 0, files: ['web-1-connections.txt'] } });
    expect(JSON.stringify(failed.blocks)).toContain('The first 297 rows are in the thread.');
    expect(JSON.stringify(failed.blocks)).toContain('`web-1-connections.txt` could not be attached');
  });

  test('host-derived text is escaped in mrkdwn and literal in table cells', () => {
    const conns = many(3);
    conns.connections[0] = { ...conns.connections[0]!, worker: '<!channel>', protocol: '<@U999>', status: 'A&B' };
    const message = renderConnectionsMessage(conns, OPTS);
    expectValid(all(message));
    expect(JSON.stringify(message.blocks)).toContain('`&lt;!channel&gt;` 1');
    expect(JSON.stringify(message.blocks)).toContain('`A&amp;B` 1');
    const table = message.threadReplies[0]!.blocks.find((b) => b.type === 'table') as { rows: { text: string }[][] };
    expect(table.rows[1]![1]!.text).toBe('<!channel>');
  });
});

describe('renderConnectionsPrivately()', () => {
  test('the summary and as many rows as one code block holds, without a thread to point at', () => {
    const message = renderConnectionsPrivately(many(500), OPTS);
    expectValid([message]);
    const text = JSON.stringify(message.blocks);
    expect(text).toMatch(/Showing \d+ of 500 connections\./);
    expect(text).not.toContain('in the thread');
    const small = renderConnectionsPrivately(capture('wm5.2.2-connections').conns, OPTS);
    expect(JSON.stringify(small.blocks)).toContain('ws-notificat..');
    expect(JSON.stringify(small.blocks)).not.toContain('Showing');
  });

  test('renderConnectionsPending() names the host and who asked', () => {
    expect(renderConnectionsPending('web-1', 'U0123ABCD').text).toBe(':hourglass_flowing_sand: Workerman connections of `web-1`, asked by <@U0123ABCD>…');
  });
});
