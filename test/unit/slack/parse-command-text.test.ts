import { describe, expect, test } from 'vitest';
import { HostConfig } from '../../../src/config/schema.js';
import { findHost, parseCommandText } from '../../../src/slack/parse-command-text.js';

const hosts = ['web-1', 'web-2', 'local'].map((name) => HostConfig.parse({ name }));

describe('parseCommandText()', () => {
  test.each([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HOSTS', { kind: 'hosts' }],
    ['frobnicate web-1', { kind: 'help', unknown: 'frobnicate' }],
  ])('parses %j', (text, expected) => {
    expect(parseCommandText(text, hosts)).toEqual(expected);
  });

  test('parses status with a configured host, case-insensitively and with extra spaces', () => {
    expect(parseCommandText('  status   Web-1 ', hosts)).toMatchObject({ kind: 'status', host: { name: 'web-1' } });
  });

  test('asks which host when status has none, listing the configured ones', () => {
    expect(() => parseCommandText('status', hosts)).toThrowError(/Which host\?.*web-1, web-2, local/);
  });

  test('rejects more than one host word', () => {
    expect(() => parseCommandText('status web-1 web-2', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
  });

  test('rejects an unknown host with host_unknown', () => {
    expect(() => parseCommandText('status db-9', hosts)).toThrowError(expect.objectContaining({ code: 'host_unknown', message: expect.stringContaining('Unknown host "db-9"') }));
  });
});

describe('findHost()', () => {
  test.each(['web-1;reboot', '$(id)', '<!channel>', '../etc', 'a'.repeat(200), ''])('rejects %j as not a host name', (value) => {
    expect(() => findHost(value, hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
  });

  test('returns the configured host object, never one built from the input', () => {
    expect(findHost('web-2', hosts)).toBe(hosts[1]);
  });
});
