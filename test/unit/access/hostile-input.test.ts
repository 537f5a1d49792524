import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkAccess, OUTSIDER_RULE, type AccessRequest } from '../../../src/access/check-access.js';
import { resolveTargets } from '../../../src/config/resolve-targets.js';
import type { AccessCommand } from '../../../src/config/access-config.js';
import type { Config } from '../../../src/config/schema.js';
import { BotError } from '../../../src/errors.js';
import { ACCESS_CONFIG } from './access-fixture.js';

const HOSTS = ['web-1', 'web-2', 'chat-1', 'db-1'];
const GROUPS = ['web', 'chat', 'all'];
const MEMBERS: Record<string, string[]> = { web: ['web-1', 'web-2'], chat: ['chat-1', 'db-1'], all: HOSTS };

const hostile = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ minLength: 1000, maxLength: 5000 }),
  fc.constantFrom(
    '<!channel>',
    '<!here|here>',
    '<@U0123ABCD>',
    '<#COPS|ops>',
    '<http://x|y>',
    '$(reboot)',
    '`id`',
    'web-1; rm -rf /',
    'web-1 && curl x|sh',
    "web-1'\"",
    '../../etc/passwd',
    '__proto__',
    'constructor',
    'hasOwnProperty',
    'web-1\n',
    ' web-1',
    'WEB-1',
    'wеb-1', // Cyrillic е
    'web-1\u0000',
    '*',
    '',
    '-1',
    '0x2a',
  ),
);
const maybeKnown = <T>(known: readonly T[]): fc.Arbitrary<T | string> => fc.oneof(fc.constantFrom(...known), hostile);
const requestArb: fc.Arbitrary<AccessRequest> = fc.record({
  userId: maybeKnown(['UALICE', 'UBOB', 'UCAROL', 'WGRIDUSER', 'SONCALL']),
  channelId: maybeKnown(['COPS', 'CSTATUS', 'CRANDOM', 'DALICEDM']),
  userGroupIds: fc.option(fc.array(maybeKnown(['SONCALL', 'SOTHER']), { maxLength: 4 }), { nil: undefined }),
  command: fc.constantFrom<AccessCommand>('status', 'connections', 'trace', 'hosts', 'silence'),
  host: fc.option(maybeKnown([...HOSTS, ...GROUPS]), { nil: null }),
});

// The documented semantics, written independently of checkAccess: may `request` run on `host`?
function oracle(config: Config, request: AccessRequest, host: string | null): boolean {
  const access = config.access!;
  if (request.command !== 'trace' && request.command !== 'silence' && access.channels.includes(request.channelId)) return true;
  return access.rules.some((rule) => {
    // Whoever may trace a host may silence its alerts.
    if (!rule.commands.includes(request.command) && !(request.command === 'silence' && rule.commands.includes('trace'))) return false;
    const coversHost = rule.hosts.some(
      (h) => h === '*' || h === 'all' || (host !== null && (h === host || (MEMBERS[h]?.includes(host) ?? false))),
    );
    const anyUser = rule.users.length === 0 && rule.userGroups.length === 0;
    const userOk = anyUser || rule.users.includes(request.userId) || rule.userGroups.some((g) => (request.userGroupIds ?? []).includes(g));
    const channelOk = rule.channels.length === 0 || rule.channels.includes(request.channelId);
    return coversHost && userOk && channelOk;
  });
}

// Someone no rule covers (by user, user group, or a user-less rule's channel) outside access.channels:
// denied before any name is looked up, with a message that names no host or group.
function isOutsider(config: Config, request: AccessRequest): boolean {
  const access = config.access!;
  if (access.channels.includes(request.channelId)) return false;
  return !access.rules.some((rule) =>
    rule.users.length + rule.userGroups.length > 0
      ? rule.users.includes(request.userId) || rule.userGroups.some((g) => (request.userGroupIds ?? []).includes(g))
      : rule.channels.includes(request.channelId),
  );
}
const NAMES = new RegExp(`\\b(?:${[...HOSTS, ...GROUPS].join('|')})\\b`);

describe('access control under hostile input', () => {
  it('resolveTargets() returns configured hosts for configured names and throws only host_unknown otherwise', () => {
    fc.assert(
      fc.property(maybeKnown([...HOSTS, ...GROUPS]), (name) => {
        let targets: string[];
        try {
          targets = resolveTargets(ACCESS_CONFIG, name).map((h) => h.name);
        } catch (error) {
          expect(error).toBeInstanceOf(BotError);
          expect((error as BotError).code).toBe('host_unknown');
          expect(HOSTS.includes(name) || GROUPS.includes(name)).toBe(false);
          // eslint-disable-next-line no-control-regex
          expect((error as BotError).message).not.toMatch(/[\u0000-\u001f]/);
          expect((error as BotError).message.length).toBeLessThan(200);
          return;
        }
        expect(HOSTS.includes(name) || GROUPS.includes(name)).toBe(true);
        expect(targets).toEqual(HOSTS.includes(name) ? [name] : MEMBERS[name]);
      }),
      { numRuns: 2000 },
    );
  });

  it('checkAccess() never throws anything but host_unknown and allows exactly what the rules allow', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        let decision;
        try {
          decision = checkAccess(ACCESS_CONFIG, request);
        } catch (error) {
          expect(error).toBeInstanceOf(BotError);
          expect((error as BotError).code).toBe('host_unknown');
          expect(request.host !== null && !HOSTS.includes(request.host) && !GROUPS.includes(request.host)).toBe(true);
          expect(isOutsider(ACCESS_CONFIG, request)).toBe(false);
          return;
        }
        if (isOutsider(ACCESS_CONFIG, request)) {
          expect(decision).toMatchObject({ allowed: false, rule: OUTSIDER_RULE });
          expect(!decision.allowed && decision.message).not.toMatch(NAMES);
          return;
        }
        const targets = request.host === null ? [null] : HOSTS.includes(request.host) ? [request.host] : MEMBERS[request.host]!;
        const expected = targets.every((host) => oracle(ACCESS_CONFIG, request, host));
        expect(decision.allowed).toBe(expected);
        if (decision.allowed) {
          expect(decision.targets.map((h) => h.name)).toEqual(request.host === null ? [] : targets);
        } else {
          expect(decision.message.length).toBeLessThan(600);
          // eslint-disable-next-line no-control-regex
          expect(decision.message).not.toMatch(/[\u0000-\u001f]/);
        }
      }),
      { numRuns: 5000 },
    );
  });

  it('checkAccess() allows trace only to a listed user, a listed user group, or in a listed channel', () => {
    fc.assert(
      fc.property(requestArb, (request) => {
        const traceRequest = { ...request, command: 'trace' as const };
        let allowed = false;
        try {
          allowed = checkAccess(ACCESS_CONFIG, traceRequest).allowed;
        } catch {
          return;
        }
        if (!allowed) return;
        const traceRules = ACCESS_CONFIG.access!.rules.filter((r) => r.commands.includes('trace'));
        const named = traceRules.some(
          (r) => r.users.includes(request.userId) || r.userGroups.some((g) => request.userGroupIds?.includes(g)) || r.channels.includes(request.channelId),
        );
        expect(named).toBe(true);
      }),
      { numRuns: 3000 },
    );
  });

  it('checkAccess() never allows trace when there is no access section, whatever the input', () => {
    const { access: _dropped, ...withoutAccess } = ACCESS_CONFIG;
    fc.assert(
      fc.property(requestArb, (request) => {
        try {
          expect(checkAccess({ ...withoutAccess, access: undefined }, { ...request, command: 'trace' }).allowed).toBe(false);
        } catch (error) {
          expect((error as BotError).code).toBe('host_unknown');
        }
      }),
      { numRuns: 1000 },
    );
  });
});
