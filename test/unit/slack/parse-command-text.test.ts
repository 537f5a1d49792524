import { describe, expect, test } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { describeCommandText } from '../../../src/slack/commands/create-workerman-command.js';
import { findHost, parseCommandText, resolveStatusTarget } from '../../../src/slack/parse-command-text.js';

const hosts = ['web-1', 'web-2', 'local'].map((name) => HostConfig.parse({ name }));

describe('parseCommandText()', () => {
  test.each([
    ['', { kind: 'help' }],
    ['   ', { kind: 'help' }],
    ['help', { kind: 'help' }],
    ['HOSTS', { kind: 'hosts' }],
    ['frobnicate web-1', { kind: 'help', unknown: 'frobnicate' }],
    ['stauts web-1', { kind: 'help', unknown: 'stauts', suggestion: 'status' }],
    ['Trcae web-1 1', { kind: 'help', unknown: 'Trcae', suggestion: 'trace' }],
    ['host', { kind: 'help', unknown: 'host', suggestion: 'hosts' }],
    ['conections web-1', { kind: 'help', unknown: 'conections', suggestion: 'connections' }],
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

  test('an unknown host close to a configured one says which (status, trace, doctor)', () => {
    for (const text of ['status web-l', 'trace web-l 123', 'doctor web-l']) {
      expect(() => parseCommandText(text, hosts)).toThrowError(
        expect.objectContaining({ code: 'host_unknown', message: expect.stringMatching(/^Unknown host "web-l"\. Did you mean "web-1"\? Configured hosts: web-1, web-2, local\./) }),
      );
    }
    expect(() => parseCommandText('status db-9', hosts)).toThrowError(expect.objectContaining({ message: expect.not.stringContaining('Did you mean') }));
  });
});

describe('parseCommandText() trace', () => {
  test('takes a pid or a worker name, with an optional duration within the host limits', () => {
    expect(parseCommandText('trace web-1 10354', hosts)).toMatchObject({ kind: 'trace', host: { name: 'web-1' }, target: { kind: 'pid', pid: 10354 }, durationS: 5 });
    expect(parseCommandText('trace WEB-1 HttpApi01 12', hosts)).toMatchObject({ kind: 'trace', target: { kind: 'worker', workerName: 'HttpApi01' }, durationS: 12 });
    expect(() => parseCommandText('trace web-1 HttpApi01 999', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringMatching(/duration must be 1 to/) }));
  });

  test('reads a worker name as typed: Slack\'s &amp; &lt; &gt; are undone, the case is kept', () => {
    expect(parseCommandText('trace web-1 A&amp;B&lt;1&gt;', hosts)).toMatchObject({ target: { kind: 'worker', workerName: 'A&B<1>' } });
  });

  test('refuses what is neither a pid nor a worker name, and a pid out of range, with the usage when words are missing', () => {
    expect(() => parseCommandText('trace web-1 0', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringContaining('is not a pid') }));
    expect(() => parseCommandText('trace web-1 bad\u202ename', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringContaining('neither a pid nor a worker name') }));
    expect(() => parseCommandText('trace web-1', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringContaining('trace <host> <pid|worker> [seconds]') }));
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

describe('parseCommandText() with groups', () => {
  const config = {
    hosts: [
      HostConfig.parse({ name: 'web-1', groups: ['web'] }),
      HostConfig.parse({ name: 'web-2', groups: ['web'] }),
      HostConfig.parse({ name: 'db-1' }),
    ],
    groups: {},
  };

  test('a group or `all` becomes a fleet of configured hosts', () => {
    const web = parseCommandText('status WEB', config);
    expect(web.kind === 'fleet' && { group: web.group, hosts: web.hosts.map((h) => h.name) }).toEqual({ group: 'web', hosts: ['web-1', 'web-2'] });
    const all = parseCommandText('status all', config);
    expect(all.kind === 'fleet' && all.hosts.map((h) => h.name)).toEqual(['web-1', 'web-2', 'db-1']);
  });

  test('an unknown name lists hosts and groups; a hostile one is input_invalid', () => {
    expect(() => parseCommandText('status chat', config)).toThrowError(expect.objectContaining({ code: 'host_unknown', message: expect.stringMatching(/Groups: web, all\.$/) }));
    expect(() => parseCommandText('status wbe', config)).toThrowError(expect.objectContaining({ message: expect.stringContaining('Unknown host "wbe". Did you mean "web"?') }));
    expect(() => resolveStatusTarget('constructor', config)).toThrowError(expect.objectContaining({ code: 'host_unknown' }));
    expect(() => resolveStatusTarget('web;id', config)).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
  });
});

describe('describeCommandText()', () => {
  test.each([
    ['status web-1', { command: 'status', host: 'web-1' }],
    ['STATUS Web', { command: 'status', host: 'web' }],
    ['trace web-1 123', { command: 'trace', host: 'web-1' }],
    ['doctor web-1', { command: 'doctor', host: 'web-1' }],
    ['connections web-1', { command: 'connections', host: 'web-1' }],
    ['status <!channel>', { command: 'status', host: null }],
    ['hosts web-1', { command: 'hosts', host: null }],
    ['rm -rf /', { command: 'help', host: null }],
    ['', { command: 'help', host: null }],
  ])('names %j in the audit as %j (never raw text)', (text, expected) => {
    expect(describeCommandText(text)).toEqual(expected);
  });
});

describe('parseCommandText() doctor', () => {
  test('takes exactly one configured host', () => {
    const input = parseCommandText('doctor WEB-1', hosts);
    expect(input.kind === 'doctor' && input.host.name).toBe('web-1');
    expect(() => parseCommandText('doctor', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringContaining('Usage: /workerman doctor <host>') }));
    expect(() => parseCommandText('doctor web-1 web-2', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
    expect(() => parseCommandText('doctor nosuch', hosts)).toThrowError(expect.objectContaining({ code: 'host_unknown' }));
  });
});

describe('parseCommandText() history', () => {
  test('takes one configured host and an optional window, checked for its form only', () => {
    const input = parseCommandText('history web-1 1h', hosts);
    expect(input.kind === 'history' && [input.host.name, input.windowText]).toEqual(['web-1', '1h']);
    const all = parseCommandText('HISTORY web-2', hosts);
    expect(all).toMatchObject({ kind: 'history', host: { name: 'web-2' } });
    expect(all).not.toHaveProperty('windowText');
    // More than the watcher keeps is bounded later, where the watch settings are: the form is fine here.
    expect(parseCommandText('history web-1 48h', hosts)).toMatchObject({ kind: 'history', windowText: '48h' });
    expect(() => parseCommandText('history', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid', message: expect.stringContaining('Usage: /workerman history <host> [window]') }));
    expect(() => parseCommandText('history web-1 soon', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
    expect(() => parseCommandText('history nosuch', hosts)).toThrowError(expect.objectContaining({ code: 'host_unknown' }));
    expect(describeCommandText('history web-1 1h')).toEqual({ command: 'history', host: 'web-1' });
  });
});

describe('parseCommandText() connections', () => {
  test('takes exactly one configured host, like doctor', () => {
    expect(parseCommandText('Connections WEB-2', hosts)).toMatchObject({ kind: 'connections', host: { name: 'web-2' } });
    expect(() => parseCommandText('connections', hosts)).toThrowError(
      expect.objectContaining({ code: 'input_invalid', message: 'Usage: /workerman connections <host> (one host). Configured hosts: web-1, web-2, local.' }),
    );
    expect(() => parseCommandText('connections web-1 web-2', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
    expect(() => parseCommandText('connections web-l', hosts)).toThrowError(expect.objectContaining({ code: 'host_unknown', message: expect.stringContaining('Did you mean "web-1"?') }));
    expect(() => parseCommandText('connections <!here>', hosts)).toThrowError(expect.objectContaining({ code: 'input_invalid' }));
  });
});
