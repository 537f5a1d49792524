import { describe, expect, test } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { createHostQueue } from '../../../src/limits/create-host-queue.js';
import type { SlackMessage } from '../../../src/render/slack/limits.js';
import { createAckGate } from '../../../src/slack/create-ack-gate.js';
import { replyDoctor } from '../../../src/slack/reply-doctor.js';
import { createTransports } from '../../../src/transport/pool.js';

describe('replyDoctor()', () => {
  test('stopped by a shutdown, says the bot is shutting down: no timeout code, no commandTimeoutMs advice', async () => {
    const config = Config.parse({ hosts: [{ name: 'web-1', workerman: { startFile: '/srv/app/start.php' } }] });
    const replies: SlackMessage[] = [];
    const controller = new AbortController();
    controller.abort(new Error('the bot is shutting down'));
    const deps = { ackGate: createAckGate({ quietMs: 0 }), hostQueue: createHostQueue(1), transports: createTransports(config.hosts) };
    const result = await replyDoctor(deps, { host: config.hosts[0]!, reply: async (m) => void replies.push(m) }, controller.signal);
    expect(result).toEqual({ outcome: 'error', errorCode: 'cancelled', hosts: ['web-1'] });
    expect(replies.map((m) => m.text)).toEqual([':x: Stopped before it finished. Cancelled: the bot is shutting down. Ask again in a minute.']);
    expect(JSON.stringify(replies)).not.toMatch(/command_timed_out|commandTimeoutMs/);
    await deps.transports.closeAll();
  });
});
