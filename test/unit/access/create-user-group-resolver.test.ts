import { describe, expect, it } from 'vitest';
import { createUserGroupResolver, listRuleUserGroups } from '../../../src/access/create-user-group-resolver.js';
import { ACCESS_CONFIG } from './access-fixture.js';

function fakeSlack(members: Record<string, string[]>) {
  const calls: string[] = [];
  const fetch = async (groupId: string): Promise<string[]> => {
    calls.push(groupId);
    await new Promise((r) => setTimeout(r, 1));
    const users = members[groupId];
    if (users === undefined) throw new Error('no_such_subteam');
    return users;
  };
  return { calls, fetch };
}

describe('createUserGroupResolver()', () => {
  it('createUserGroupResolver() returns the listed groups the user belongs to', async () => {
    const slack = fakeSlack({ SONCALL: ['UCAROL', 'UDAVE'], SOTHER: ['UALICE'] });
    const resolver = createUserGroupResolver(slack.fetch, 60_000);
    expect(await resolver.groupsOf('UCAROL', ['SONCALL', 'SOTHER'])).toEqual(['SONCALL']);
    expect(await resolver.groupsOf('UALICE', ['SONCALL', 'SOTHER'])).toEqual(['SOTHER']);
    expect(await resolver.groupsOf('UEVE', ['SONCALL', 'SOTHER'])).toEqual([]);
  });

  it('createUserGroupResolver() caches member lists for ttlMs and shares concurrent lookups', async () => {
    const slack = fakeSlack({ SONCALL: ['UCAROL'] });
    let nowMs = 0;
    const resolver = createUserGroupResolver(slack.fetch, 60_000, { now: () => nowMs });
    await Promise.all([resolver.groupsOf('UCAROL', ['SONCALL']), resolver.groupsOf('UDAVE', ['SONCALL'])]);
    nowMs = 59_999;
    await resolver.groupsOf('UCAROL', ['SONCALL', 'SONCALL']);
    expect(slack.calls).toEqual(['SONCALL']);
    nowMs = 60_000;
    await resolver.groupsOf('UCAROL', ['SONCALL']);
    expect(slack.calls).toEqual(['SONCALL', 'SONCALL']);
  });

  it('createUserGroupResolver() fails closed and reports the error when the lookup fails', async () => {
    const errors: string[] = [];
    const slack = fakeSlack({ SONCALL: ['UCAROL'] });
    let nowMs = 0;
    const resolver = createUserGroupResolver(slack.fetch, 300_000, { now: () => nowMs, onError: (id, e) => errors.push(`${id}: ${(e as Error).message}`) });
    expect(await resolver.groupsOf('UCAROL', ['SGONE', 'SONCALL'])).toEqual(['SONCALL']);
    expect(errors).toEqual(['SGONE: no_such_subteam']);
    // A failure is remembered for at most a minute, then retried.
    nowMs = 30_000;
    await resolver.groupsOf('UCAROL', ['SGONE']);
    nowMs = 60_001;
    await resolver.groupsOf('UCAROL', ['SGONE']);
    expect(slack.calls.filter((c) => c === 'SGONE')).toHaveLength(2);
  });

  it('createUserGroupResolver() treats a synchronous throw as a failed lookup', async () => {
    const resolver = createUserGroupResolver(() => {
      throw new Error('boom');
    }, 1000, { onError: () => undefined });
    expect(await resolver.groupsOf('UCAROL', ['SONCALL'])).toEqual([]);
  });

  it('createUserGroupResolver() refetches a list older than maxAgeMs (a trace) and keeps serving it to others', async () => {
    const slack = fakeSlack({ SONCALL: ['UCAROL'] });
    let nowMs = 0;
    const resolver = createUserGroupResolver(slack.fetch, 300_000, { now: () => nowMs });
    await resolver.groupsOf('UCAROL', ['SONCALL']);
    nowMs = 29_999;
    await resolver.groupsOf('UCAROL', ['SONCALL'], { maxAgeMs: 30_000 });
    expect(slack.calls).toHaveLength(1);
    nowMs = 30_000;
    await resolver.groupsOf('UCAROL', ['SONCALL'], { maxAgeMs: 30_000 });
    expect(slack.calls).toHaveLength(2);
    // The fresher list now serves everyone; without maxAgeMs the ttl applies from its fetch.
    nowMs = 300_000;
    await resolver.groupsOf('UCAROL', ['SONCALL']);
    expect(slack.calls).toHaveLength(2);
    await resolver.groupsOf('UCAROL', ['SONCALL'], { maxAgeMs: 0 });
    expect(slack.calls).toHaveLength(3);
  });

  it('createUserGroupResolver() forget() drops one group, and a lookup under way when it changed is not cached', async () => {
    const members: Record<string, string[]> = { SONCALL: ['UCAROL'], SOTHER: ['UALICE'] };
    const slack = fakeSlack(members);
    const resolver = createUserGroupResolver(slack.fetch, 300_000);
    expect(await resolver.groupsOf('UCAROL', ['SONCALL', 'SOTHER'])).toEqual(['SONCALL']);
    members['SONCALL'] = [];
    resolver.forget('SONCALL');
    expect(await resolver.groupsOf('UCAROL', ['SONCALL', 'SOTHER'])).toEqual([]);
    expect(slack.calls).toEqual(['SONCALL', 'SOTHER', 'SONCALL']);

    // The group changes while a lookup runs: its (possibly old) answer is used once, not kept.
    members['SONCALL'] = ['UCAROL'];
    resolver.forget('SONCALL');
    const running = resolver.groupsOf('UCAROL', ['SONCALL']);
    resolver.forget('SONCALL');
    expect(await running).toEqual(['SONCALL']);
    await resolver.groupsOf('UCAROL', ['SONCALL']);
    expect(slack.calls.filter((c) => c === 'SONCALL')).toHaveLength(4);
  });

  it('listRuleUserGroups() lists each user group named by a rule once', () => {
    expect(listRuleUserGroups(ACCESS_CONFIG)).toEqual(['SONCALL']);
    expect(listRuleUserGroups({ access: undefined })).toEqual([]);
  });
});
