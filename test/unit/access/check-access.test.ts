import { describe, expect, it } from 'vitest';
import { checkAccess, requireAccess, screenRequester, type AccessRequest } from '../../../src/access/check-access.js';
import { Config } from '../../../src/config/schema.js';
import { BotError } from '../../../src/errors.js';
import { ACCESS_CONFIG } from './access-fixture.js';

type Case = [user: string, groups: string[], channel: string, command: AccessRequest['command'], host: string | null, expected: string];

// expected: 'allow <rule>' or 'deny <rule>'
const CASES: Case[] = [
  ['UALICE', [], 'COPS', 'status', 'web-1', 'allow access.channels'],
  ['UALICE', [], 'COPS', 'connections', 'db-1', 'allow access.channels'],
  ['UALICE', [], 'CRANDOM', 'status', 'web-1', 'deny access.rules[2]'],
  ['UALICE', [], 'CRANDOM', 'connections', 'web-1', 'deny default: access.channels'],
  ['UALICE', [], 'CRANDOM', 'status', 'chat-1', 'allow access.rules[1]'],
  ['UALICE', [], 'DALICEDM', 'trace', 'chat-1', 'allow access.rules[1]'],
  // Mallory: no rule lists her, and a DM is no listed channel: an outsider, denied before the name is read.
  ['UMALLORY', [], 'DALICEDM', 'trace', 'chat-1', 'deny default: no rule covers this user or channel'],
  ['UMALLORY', [], 'CRANDOM', 'status', 'no-such-host', 'deny default: no rule covers this user or channel'],
  ['UALICE', [], 'COPS', 'trace', 'web-1', 'deny "trace-web-oncall" (access.rules[0])'],
  ['UCAROL', ['SONCALL'], 'COPS', 'trace', 'web-1', 'allow "trace-web-oncall" (access.rules[0])'],
  ['UCAROL', ['SONCALL'], 'COPS', 'trace', 'web', 'allow "trace-web-oncall" (access.rules[0])'],
  ['UCAROL', ['SONCALL'], 'CRANDOM', 'trace', 'web-2', 'deny "trace-web-oncall" (access.rules[0])'],
  ['UCAROL', ['SONCALL'], 'COPS', 'trace', 'db-1', 'deny default: trace needs an access rule'],
  ['UCAROL', ['SONCALL'], 'COPS', 'trace', 'all', 'deny access.rules[1]'],
  ['UCAROL', ['SONCALL'], 'COPS', 'trace', 'db-1', 'deny default: trace needs an access rule'],
  ['UCAROL', ['SOTHER'], 'COPS', 'trace', 'web-1', 'deny "trace-web-oncall" (access.rules[0])'],
  ['UANYONE', [], 'CSTATUS', 'status', 'db-1', 'allow access.rules[2]'],
  ['UANYONE', [], 'CSTATUS', 'status', 'all', 'allow access.rules[2]'],
  ['UANYONE', [], 'CSTATUS', 'connections', 'db-1', 'deny default: access.channels'],
  ['UANYONE', [], 'CSTATUS', 'trace', 'db-1', 'deny default: trace needs an access rule'],
  ['UALICE', [], 'COPS', 'trace', 'all', 'deny "trace-web-oncall" (access.rules[0])'],
  ['UALICE', [], 'COPS', 'trace', 'chat', 'deny default: trace needs an access rule'],
  ['UBOB', [], 'CRANDOM', 'hosts', null, 'allow access.rules[3]'],
  ['WGRIDUSER', [], 'CRANDOM', 'hosts', null, 'allow access.rules[3]'],
  ['UALICE', [], 'CRANDOM', 'hosts', null, 'deny access.rules[3]'],
  ['UALICE', [], 'COPS', 'hosts', null, 'allow access.channels'],
  // silence: allowed by a rule that allows trace on the host (or names silence), never by access.channels.
  ['UCAROL', ['SONCALL'], 'COPS', 'silence', 'web-1', 'allow "trace-web-oncall" (access.rules[0])'],
  ['UCAROL', ['SONCALL'], 'CRANDOM', 'silence', 'web-1', 'deny "trace-web-oncall" (access.rules[0])'],
  ['UALICE', [], 'CRANDOM', 'silence', 'chat-1', 'allow access.rules[1]'],
  ['UALICE', [], 'COPS', 'silence', 'web-1', 'deny "trace-web-oncall" (access.rules[0])'],
  ['UANYONE', [], 'COPS', 'silence', 'db-1', 'deny default: silence needs an access rule'],
  ['UANYONE', [], 'CSTATUS', 'silence', 'db-1', 'deny default: silence needs an access rule'],
  // summarise (the message shortcut, no host): in access.channels, and by any rule naming status,
  // connections, trace or summarise, whatever its hosts, for that rule's users and channels.
  ['UALICE', [], 'COPS', 'summarise', null, 'allow access.channels'],
  ['UALICE', [], 'CRANDOM', 'summarise', null, 'allow access.rules[1]'],
  ['UCAROL', ['SONCALL'], 'COPS', 'summarise', null, 'allow access.channels'],
  ['UCAROL', ['SONCALL'], 'CRANDOM', 'summarise', null, 'deny default: access.channels'],
  ['UANYONE', [], 'CSTATUS', 'summarise', null, 'allow access.rules[2]'],
  ['UBOB', [], 'CRANDOM', 'summarise', null, 'deny default: access.channels'],
  ['UMALLORY', [], 'CRANDOM', 'summarise', null, 'deny default: no rule covers this user or channel'],
];

describe('checkAccess()', () => {
  it.each(CASES)('checkAccess() for %s %j in %s: %s %s -> %s', (userId, userGroupIds, channelId, command, host, expected) => {
    const decision = checkAccess(ACCESS_CONFIG, { userId, userGroupIds, channelId, command, host });
    expect(`${decision.allowed ? 'allow' : 'deny'} ${decision.rule}`).toBe(expected);
  });

  it('checkAccess() allows a group only when every member is allowed, and returns the members', () => {
    const decision = checkAccess(ACCESS_CONFIG, { userId: 'UCAROL', userGroupIds: ['SONCALL'], channelId: 'COPS', command: 'trace', host: 'web' });
    expect(decision.allowed && decision.targets.map((h) => h.name)).toEqual(['web-1', 'web-2']);
  });

  it('checkAccess() counts members added under `groups` (chat = chat-1 + db-1)', () => {
    const decision = checkAccess(ACCESS_CONFIG, { userId: 'UALICE', channelId: 'CRANDOM', command: 'status', host: 'chat' });
    expect(decision).toMatchObject({ allowed: false, rule: 'access.rules[2]' });
    expect(!decision.allowed && decision.message).toBe(
      '`status chat` (on db-1) is not allowed: rule access.rules[2] allows it only in its own channels, not this one. Ask @ops-oncall.',
    );
  });

  it('checkAccess() allows silence by a rule that names only silence, and says what silence needs', () => {
    const config = Config.parse({
      hosts: [{ name: 'web-1' }, { name: 'web-2' }],
      access: { channels: ['CALERTS'], rules: [{ commands: ['silence'], hosts: ['web-1'], channels: ['CALERTS'] }] },
    });
    expect(checkAccess(config, { userId: 'UX1', channelId: 'CALERTS', command: 'silence', host: 'web-1' })).toMatchObject({ allowed: true, rule: 'access.rules[0]' });
    // A silence rule grants only the button: no trace.
    expect(checkAccess(config, { userId: 'UX1', channelId: 'CALERTS', command: 'trace', host: 'web-1' })).toMatchObject({ allowed: false });
    const denied = checkAccess(config, { userId: 'UX1', channelId: 'CALERTS', command: 'silence', host: 'web-2' });
    expect(!denied.allowed && denied.message).toBe(
      '`silence web-2` is not allowed: silencing an alert needs a rule in `access.rules` that allows `silence` or `trace` on the host, and none does for web-2. Ask an admin of this bot to add a rule to `access.rules`.',
    );
    const open = Config.parse({ hosts: [{ name: 'web-1' }] });
    expect(checkAccess(open, { userId: 'UX1', channelId: 'CX1', command: 'silence', host: 'web-1' })).toMatchObject({
      allowed: false,
      rule: 'default: silence needs an access rule',
    });
  });

  it('checkAccess() allows summarise to everyone without an access section, by a rule that names only it, and says what it needs', () => {
    const open = Config.parse({ hosts: [{ name: 'web-1' }] });
    expect(checkAccess(open, { userId: 'UX1', channelId: 'DX1', command: 'summarise', host: null })).toMatchObject({ allowed: true, rule: 'default: no access section' });
    const config = Config.parse({
      hosts: [{ name: 'web-1' }],
      access: { contact: '@ops', rules: [{ name: 'log readers', commands: ['summarise'], hosts: ['web-1'], userGroups: ['SLOGS'] }, { commands: ['hosts'], users: ['UBOB'] }] },
    });
    expect(checkAccess(config, { userId: 'UX1', userGroupIds: ['SLOGS'], channelId: 'CX1', command: 'summarise', host: null })).toMatchObject({ allowed: true, rule: '"log readers" (access.rules[0])' });
    // A summarise rule grants nothing else.
    expect(checkAccess(config, { userId: 'UX1', userGroupIds: ['SLOGS'], channelId: 'CX1', command: 'status', host: 'web-1' }).allowed).toBe(false);
    const denied = checkAccess(config, { userId: 'UBOB', channelId: 'CX1', command: 'summarise', host: null });
    expect(denied).toMatchObject({ allowed: false, rule: 'default: access.channels', contact: '@ops' });
    expect(!denied.allowed && denied.message).toBe(
      '`summarise` is not allowed here: summarising a strace log is allowed in the channels listed in `access.channels` and to whoever a rule in `access.rules` allows `status`, `connections`, `trace` or `summarise`, and none of them covers you in this channel. Ask @ops.',
    );
  });

  it('checkAccess() names the rule and the contact in a denial', () => {
    const decision = checkAccess(ACCESS_CONFIG, { userId: 'UALICE', channelId: 'COPS', command: 'trace', host: 'web-1' });
    expect(decision).toEqual({
      allowed: false,
      rule: '"trace-web-oncall" (access.rules[0])',
      contact: '@web-oncall',
      message: '`trace web-1` is not allowed: rule "trace-web-oncall" (access.rules[0]) does not list you or a user group of yours. Ask @web-oncall.',
    });
  });

  it('checkAccess() says when the user is right but the channel is not', () => {
    const decision = checkAccess(ACCESS_CONFIG, { userId: 'UCAROL', userGroupIds: ['SONCALL'], channelId: 'CRANDOM', command: 'trace', host: 'web-2' });
    expect(!decision.allowed && decision.message).toBe(
      '`trace web-2` is not allowed: rule "trace-web-oncall" (access.rules[0]) allows it only in its own channels, not this one. Ask @web-oncall.',
    );
  });

  it('checkAccess() falls back to access.contact when the rule names none', () => {
    const decision = checkAccess(ACCESS_CONFIG, { userId: 'UCAROL', channelId: 'COPS', command: 'trace', host: 'db-1' });
    expect(decision).toMatchObject({ allowed: false, contact: 'ask @ops-oncall' });
    expect(!decision.allowed && decision.message).toMatch(/trace is denied unless a rule .* Ask @ops-oncall\.$/);
  });

  it('checkAccess() tells an outsider nothing about the configuration: same answer for real and unknown names', () => {
    const answers = ['web-1', 'web', 'all', 'nope'].map((host) => checkAccess(ACCESS_CONFIG, { userId: 'UMALLORY', channelId: 'CRANDOM', command: 'status', host }));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({
      allowed: false,
      rule: 'default: no rule covers this user or channel',
      contact: 'ask @ops-oncall',
      message: 'You are not allowed to use this bot here: no access rule covers you or this channel. Ask @ops-oncall.',
    });
  });

  it('screenRequester() lets through whoever a rule lists (anywhere), a listed channel, or a channel a user-less rule names', () => {
    const screen = (userId: string, channelId: string, userGroupIds: string[] = []) => screenRequester(ACCESS_CONFIG, { userId, channelId, userGroupIds }).allowed;
    expect(screen('UMALLORY', 'COPS')).toBe(true);
    expect(screen('UMALLORY', 'CSTATUS')).toBe(true);
    expect(screen('UALICE', 'CRANDOM')).toBe(true);
    expect(screen('UCAROL', 'CRANDOM', ['SONCALL'])).toBe(true);
    expect(screen('UCAROL', 'CRANDOM', ['SOTHER'])).toBe(false);
    expect(screen('UMALLORY', 'CRANDOM')).toBe(false);
    expect(screenRequester(Config.parse({ hosts: [{ name: 'web-1' }] }), { userId: 'UX', channelId: 'CX' }).allowed).toBe(true);
  });

  it('checkAccess() throws host_unknown for a name that is neither host nor group', () => {
    expect(() => checkAccess(ACCESS_CONFIG, { userId: 'UALICE', channelId: 'COPS', command: 'status', host: 'web-9' })).toThrow(
      expect.objectContaining({ code: 'host_unknown' }),
    );
  });

  it('checkAccess() without an access section allows status everywhere and denies trace', () => {
    const config = Config.parse({ hosts: [{ name: 'web-1' }] });
    expect(checkAccess(config, { userId: 'UX1', channelId: 'CX1', command: 'status', host: 'web-1' })).toMatchObject({ allowed: true, rule: 'default: no access section' });
    expect(checkAccess(config, { userId: 'UX1', channelId: 'CX1', command: 'hosts', host: null }).allowed).toBe(true);
    const trace = checkAccess(config, { userId: 'UX1', channelId: 'CX1', command: 'trace', host: 'web-1' });
    expect(trace).toMatchObject({ allowed: false, rule: 'default: trace needs an access rule', contact: null });
  });

  it('checkAccess() with access.teams denies other workspaces and requests without a team', () => {
    const config = Config.parse({
      hosts: [{ name: 'web-1' }],
      access: { teams: ['THOME'], channels: ['COPS'], rules: [{ commands: ['trace'], users: ['UALICE'] }] },
    });
    const base = { userId: 'UALICE', channelId: 'COPS', command: 'trace' as const, host: 'web-1' };
    expect(checkAccess(config, { ...base, teamId: 'THOME' }).allowed).toBe(true);
    expect(checkAccess(config, { ...base, teamId: 'TGUEST' })).toMatchObject({ allowed: false, rule: 'access.teams' });
    expect(checkAccess(config, base)).toMatchObject({ allowed: false, rule: 'access.teams' });
    // Before the name is looked up: an unknown name gets the same answer, not host_unknown.
    expect(checkAccess(config, { ...base, teamId: 'TGUEST', host: 'nope' })).toMatchObject({ allowed: false, rule: 'access.teams' });
  });

  it('checkAccess() with an empty access section denies everything outside access.channels', () => {
    const config = Config.parse({ hosts: [{ name: 'web-1' }], access: {} });
    for (const command of ['status', 'connections', 'trace'] as const) {
      expect(checkAccess(config, { userId: 'UALICE', channelId: 'COPS', command, host: 'web-1' }).allowed).toBe(false);
    }
  });

  it('checkAccess() is not fooled by a user group ID passed as the user ID', () => {
    const decision = checkAccess(ACCESS_CONFIG, { userId: 'SONCALL', channelId: 'COPS', command: 'trace', host: 'web-1' });
    expect(decision.allowed).toBe(false);
  });

  it('checkAccess() never throws anything but BotError for a host', () => {
    for (const host of ['__proto__', 'constructor', 'toString', '*', '', ' web-1', 'WEB-1']) {
      try {
        checkAccess(ACCESS_CONFIG, { userId: 'UALICE', channelId: 'COPS', command: 'status', host });
        throw new Error(`allowed ${host}`);
      } catch (error) {
        expect(error).toBeInstanceOf(BotError);
      }
    }
  });

  it('requireAccess() returns the allowed decision or throws access_denied with the rule and contact', () => {
    expect(requireAccess(ACCESS_CONFIG, { userId: 'UALICE', channelId: 'CRANDOM', command: 'trace', host: 'chat-1' }).targets.map((h) => h.name)).toEqual(['chat-1']);
    expect(() => requireAccess(ACCESS_CONFIG, { userId: 'UALICE', channelId: 'COPS', command: 'trace', host: 'web-1' })).toThrow(
      expect.objectContaining({
        name: 'BotError',
        code: 'access_denied',
        message: expect.stringContaining('Ask @web-oncall.'),
        details: { rule: '"trace-web-oncall" (access.rules[0])', contact: '@web-oncall' },
      }),
    );
  });
});
