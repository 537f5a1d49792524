import { z } from 'zod';
import { HostName } from './host-name.js';

/** The built-in group holding every host; `*` in a rule means the same. */
export const ALL_HOSTS_GROUP = 'all';

/** Extra group definitions; membership is the union of these lists and each host's `groups`. */
export const GroupSettings = z.strictObject({
  description: z.string().max(200).optional(),
  hosts: z.array(HostName).default([]),
});
export type GroupSettings = z.infer<typeof GroupSettings>;
