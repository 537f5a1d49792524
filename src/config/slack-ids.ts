import { z } from 'zod';

// Slack IDs never change when people or channels are renamed, so access rules are keyed on them.

/** A Slack user ID (`U…`, `W…` on Enterprise Grid). */
export const SlackUserId = z
  .string()
  .regex(/^[UW][A-Z0-9]{2,20}$/, 'expected a Slack user ID like "U0123ABCD" ("W…" on Enterprise Grid), not a name');
/** A Slack user group ID (`S…`). */
export const SlackUserGroupId = z
  .string()
  .regex(/^S[A-Z0-9]{2,20}$/, 'expected a Slack user group ID like "S0123ABCD" (not the @handle)');
/** A Slack channel ID (`C…`, `G…` private, `D…` DM). */
export const SlackChannelId = z
  .string()
  .regex(/^[CGD][A-Z0-9]{2,20}$/, 'expected a Slack channel ID like "C0123ABCD" ("G…" private, "D…" DM), not #name');
/** A Slack workspace (team) ID (`T…`, `E…` for an Enterprise org). */
export const SlackTeamId = z.string().regex(/^[TE][A-Z0-9]{2,20}$/, 'expected a Slack team ID like "T0123ABCD"');
