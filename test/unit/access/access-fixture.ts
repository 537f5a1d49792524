import { Config } from '../../../src/config/schema.js';

/** A fleet of four hosts with two groups and rules covering every way a request can be allowed. */
export const ACCESS_CONFIG = Config.parse({
  hosts: [
    { name: 'web-1', groups: ['web'] },
    { name: 'web-2', groups: ['web'] },
    { name: 'chat-1', groups: ['chat'] },
    { name: 'db-1' },
  ],
  groups: { chat: { description: 'chat servers', hosts: ['db-1'] } },
  access: {
    channels: ['COPS'],
    contact: 'ask @ops-oncall',
    rules: [
      { name: 'trace-web-oncall', commands: ['trace'], hosts: ['web'], userGroups: ['SONCALL'], channels: ['COPS'], contact: '@web-oncall' },
      { commands: ['trace', 'status', 'connections'], hosts: ['chat-1'], users: ['UALICE'] },
      { commands: ['status'], hosts: ['*'], channels: ['CSTATUS'] },
      { commands: ['hosts'], users: ['UBOB', 'WGRIDUSER'] },
    ],
  },
});
