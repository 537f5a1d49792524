import { describe, expect, it } from 'vitest';
import { listHostGroups, resolveTargets } from '../../../src/config/resolve-targets.js';
import { Config } from '../../../src/config/schema.js';

const config = Config.parse({
  hosts: [
    { name: 'web-1', groups: ['web'] },
    { name: 'chat-1', groups: ['chat', 'eu'] },
    { name: 'web-2', groups: ['web', 'eu'] },
    { name: 'db-1' },
  ],
  groups: { db: { description: 'databases', hosts: ['db-1'] }, empty: {} },
});
const names = (name: string): string[] => resolveTargets(config, name).map((h) => h.name);

describe('resolveTargets()', () => {
  it('resolveTargets() returns the one host of that name', () => {
    expect(names('web-2')).toEqual(['web-2']);
  });

  it('resolveTargets() returns the members of a group in config order', () => {
    expect(names('web')).toEqual(['web-1', 'web-2']);
    expect(names('eu')).toEqual(['chat-1', 'web-2']);
    expect(names('db')).toEqual(['db-1']);
  });

  it('resolveTargets() returns every host for the built-in group all', () => {
    expect(names('all')).toEqual(['web-1', 'chat-1', 'web-2', 'db-1']);
  });

  it('resolveTargets() throws host_unknown for unknown names, object keys and empty groups', () => {
    for (const name of ['web-9', 'WEB-1', '__proto__', 'constructor', '*', '', 'empty']) {
      expect(() => resolveTargets(config, name)).toThrow(expect.objectContaining({ name: 'BotError', code: 'host_unknown' }));
    }
  });

  it('resolveTargets() quotes a hostile name on one short line', () => {
    expect(() => resolveTargets(config, `x\n<!channel> ${'a'.repeat(500)}`)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^Unknown host or group "x <!channel> a+…"\. Run/) }),
    );
  });

  it('listHostGroups() lists each group with its members, sorted by group name', () => {
    const groups = listHostGroups(config);
    expect([...groups].map(([group, hosts]) => `${group}=${hosts.map((h) => h.name).join(',')}`)).toEqual([
      'chat=chat-1',
      'db=db-1',
      'empty=',
      'eu=chat-1,web-2',
      'web=web-1,web-2',
    ]);
  });
});
