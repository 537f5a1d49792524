import { LogLevel } from '@slack/bolt';
import { describe, expect, test } from 'vitest';
import { createJsonLogger, redactSecrets } from '../../../src/slack/json-logger.js';

describe('createJsonLogger()', () => {
  test('writes one JSON object per line, fields from a single object argument', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (l) => lines.push(l) });
    logger.info({ event: 'request', user: 'U1', outcome: 'ok' });
    logger.warn('bolt says', 42, new Error('boom'));
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', name: 'workerman-ops', event: 'request', user: 'U1', outcome: 'ok' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 'warn', msg: 'bolt says 42 Error: boom' });
  });

  test('drops lines below its level', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ level: LogLevel.WARN, write: (l) => lines.push(l) });
    logger.debug('x');
    logger.info('y');
    logger.error('z');
    expect(lines.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual(['z']);
  });

  test('never writes a token or a response URL', () => {
    const lines: string[] = [];
    const logger = createJsonLogger({ write: (l) => lines.push(l) });
    logger.error('call failed', { token: 'xoxb-123-456-abc', app: 'xapp-1-A1-2-def', url: 'https://hooks.slack.com/commands/T1/2/secret' });
    expect(lines[0]).not.toMatch(/xoxb-123|xapp-1-A1|secret/);
  });
});

describe('redactSecrets()', () => {
  test('redacts every Slack token kind', () => {
    expect(redactSecrets('a xoxp-1-2 b xoxe.xoxb-1 c xapp-1-x')).toBe('a xox*-[redacted] b xoxe.xox*-[redacted] c xapp-[redacted]');
  });
});
