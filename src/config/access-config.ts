import { z } from 'zod';
import { HostName } from './host-name.js';
import { SlackChannelId, SlackTeamId, SlackUserGroupId, SlackUserId } from './slack-ids.js';

/**
 * The commands access rules talk about. `hosts` lists the configured hosts (it has no target host).
 * `silence` is the Silence button of a watch alert: a rule that allows `trace` on a host allows it too.
 * `summarise` is the "Summarise strace log" message shortcut (no host: the log was shared in Slack): a
 * rule that allows `status`, `connections` or `trace` on any host allows it too.
 */
export const AccessCommand = z.enum(['status', 'connections', 'trace', 'hosts', 'silence', 'summarise']);
export type AccessCommand = z.infer<typeof AccessCommand>;

/** Who to ask, shown on a denial ("ask @ops-oncall in #ops"). Plain text: the renderer escapes it. */
const Contact = z.string().min(1).max(200);

/**
 * One allow rule. It applies to a request when the command is in `commands` and the target host is in
 * `hosts` (a host, a group, `all` or `*`). It allows the request when the user is listed in `users` or
 * belongs to one of `userGroups` (when both are empty: any user) AND the request comes from one of
 * `channels` (when empty: any channel). A rule must name at least one user, group or channel.
 */
export const AccessRule = z
  .strictObject({
    /** Shown in denials and the audit trail; defaults to `access.rules[i]`. */
    name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9 _.:-]{0,63}$/, 'expected a short label (letters, digits, space, "_.:-")').optional(),
    commands: z.array(AccessCommand).min(1),
    hosts: z.array(z.union([z.literal('*'), HostName])).min(1).default(['*']),
    users: z.array(SlackUserId).default([]),
    userGroups: z.array(SlackUserGroupId).default([]),
    channels: z.array(SlackChannelId).default([]),
    contact: Contact.optional(),
  })
  .refine((r) => r.users.length + r.userGroups.length + r.channels.length > 0, {
    message: 'name at least one of users, userGroups or channels (a rule for everyone everywhere is not accepted)',
    path: ['users'],
  });
export type AccessRule = z.infer<typeof AccessRule>;

/**
 * Who may run what. Defaults (documented in the README):
 * - `access` absent: `status`, `connections` and `hosts` are allowed to everyone everywhere (as before
 *   this section existed); `trace` is denied to everyone.
 * - `access` present: `status`, `connections` and `hosts` are allowed to anyone in a channel listed in
 *   `access.channels`, and otherwise only by a rule; `trace` only by a rule (deny by default).
 * - `silence` (a watch alert's Silence button) only by a rule that names `silence` or `trace` for the
 *   alert's host: whoever may trace a host may silence its alerts; never by `channels`, never by default.
 * - `summarise` (the message shortcut) wherever `status` is open: to everyone without `access`; with it, in
 *   `access.channels` and by any rule that names `summarise`, `status`, `connections` or `trace` (on any
 *   host: the log comes from none), for that rule's users and channels.
 * - `teams`, when set, denies every request from another workspace (Slack Connect channels).
 * Strict objects: a typo such as `user:` must fail loudly rather than widen a rule.
 */
export const AccessConfig = z
  .strictObject({
    channels: z.array(SlackChannelId).default([]),
    teams: z.array(SlackTeamId).default([]),
    /** Default contact for denials when the rule that applies names none. */
    contact: Contact.optional(),
    rules: z.array(AccessRule).default([]),
    /** How long a user group's member list is trusted (seconds); `subteam_members_changed` drops it sooner. */
    userGroupCacheS: z.number().int().min(0).max(86_400).default(300),
    /** `trace` re-checks group membership older than this (seconds) before it asks and before it runs. */
    traceUserGroupCacheS: z.number().int().min(0).max(86_400).default(30),
  })
  .refine((a) => a.traceUserGroupCacheS <= a.userGroupCacheS, {
    message: 'must not exceed userGroupCacheS (a member list is never kept longer than that)',
    path: ['traceUserGroupCacheS'],
  });
export type AccessConfig = z.infer<typeof AccessConfig>;
