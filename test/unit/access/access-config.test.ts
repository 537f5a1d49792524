import { describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';

function issuesOf(input: unknown): string[] {
  const result = Config.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('Config access section', () => {
  it('Config accepts an access section and fills the defaults', () => {
    const config = Config.parse({
      hosts: [{ name: 'web-1', groups: ['web'] }],
      access: { rules: [{ commands: ['trace'], hosts: ['web'], users: ['U0123ABCD'] }] },
    });
    expect(config.access).toEqual({
      channels: [],
      teams: [],
      rules: [{ commands: ['trace'], hosts: ['web'], users: ['U0123ABCD'], userGroups: [], channels: [] }],
      userGroupCacheS: 300,
      traceUserGroupCacheS: 30,
    });
    expect(config.limits.perHostConcurrency).toBe(2);
    expect(config.audit).toEqual({ requireForPrivileged: true, maxBacklogRecords: 10_000 });
    expect(config.groups).toEqual({});
  });

  it('Config without access, audit, limits or groups still parses (existing configs keep working)', () => {
    const config = Config.parse({ hosts: [{ name: 'web-1' }] });
    expect(config.access).toBeUndefined();
    expect(config.limits).toMatchObject({ userBurst: 5, maxConcurrentTraces: 4, fleetHostTimeoutMs: 15_000, postIntervalMs: 1_000 });
  });

  it('Config rejects Slack names where IDs are expected, naming the path', () => {
    const issues = issuesOf({
      hosts: [{ name: 'web-1' }],
      access: {
        channels: ['#ops'],
        rules: [{ commands: ['trace'], users: ['@alice', 'U0123ABCD'], userGroups: ['@oncall'], channels: ['C0123', 'ops'] }],
      },
    });
    expect(issues).toEqual([
      'access.channels.0: expected a Slack channel ID like "C0123ABCD" ("G…" private, "D…" DM), not #name',
      'access.rules.0.users.0: expected a Slack user ID like "U0123ABCD" ("W…" on Enterprise Grid), not a name',
      'access.rules.0.userGroups.0: expected a Slack user group ID like "S0123ABCD" (not the @handle)',
      'access.rules.0.channels.1: expected a Slack channel ID like "C0123ABCD" ("G…" private, "D…" DM), not #name',
    ]);
  });

  it('Config rejects a rule that would allow everyone everywhere', () => {
    expect(issuesOf({ access: { rules: [{ commands: ['status'] }] } })).toEqual([
      'access.rules.0.users: name at least one of users, userGroups or channels (a rule for everyone everywhere is not accepted)',
    ]);
  });

  it('Config rejects a misspelt key in a rule instead of widening it', () => {
    expect(issuesOf({ access: { rules: [{ commands: ['trace'], user: ['U0123ABCD'], channels: ['C0123ABCD'] }] } })).toEqual([
      'access.rules.0: Unrecognized key: "user"',
    ]);
  });

  it('Config rejects unknown commands and rule hosts that are neither host nor group', () => {
    expect(issuesOf({ access: { rules: [{ commands: ['reboot'], users: ['U0123ABCD'] }] } })[0]).toMatch(/^access\.rules\.0\.commands\.0: /);
    const issues = issuesOf({
      hosts: [{ name: 'web-1', groups: ['web'] }],
      access: { rules: [{ commands: ['trace'], hosts: ['web', 'web-9', '*', 'all', 'local'], users: ['U0123ABCD'] }] },
    });
    expect(issues).toEqual(['access.rules.0.hosts.1: "web-9" is neither a host nor a group']);
  });

  it('Config rejects a group that has the name of a host, and the reserved group all', () => {
    expect(
      issuesOf({
        hosts: [
          { name: 'web-1', groups: ['web-2'] },
          { name: 'web-2', groups: ['all'] },
        ],
        groups: { 'web-1': {}, local: {} },
      }),
    ).toEqual([
      'hosts.0.groups.0: group "web-2" has the same name as a host',
      'hosts.1.groups.0: "all" is the built-in group of every host; choose another name',
      'groups.web-1: group "web-1" has the same name as a host',
      'groups.local: group "local" has the same name as a host',
    ]);
  });

  it('Config rejects a host named all and group members that are not hosts', () => {
    expect(issuesOf({ hosts: [{ name: 'all' }], groups: { web: { hosts: ['web-9'] } } })).toEqual([
      'hosts.0.name: "all" is the built-in group of every host; choose another host name',
      'groups.web.hosts.0: no host named "web-9" in hosts',
    ]);
  });

  it('Config validates audit and limits settings', () => {
    expect(issuesOf({ audit: { file: 'audit.log', channel: 'audit' }, limits: { perHostConcurrency: 0 } })).toEqual([
      'audit.file: expected an absolute path',
      'audit.channel: expected a Slack channel ID like "C0123ABCD" ("G…" private, "D…" DM), not #name',
      'limits.perHostConcurrency: Too small: expected number to be >=1',
    ]);
  });
});
