import { z } from 'zod';
import { AbsolutePath } from './absolute-path.js';
import { SlackChannelId } from './slack-ids.js';

/** The `audit` section: where the audit trail goes and what happens while it cannot be written. */
export const AuditSettings = z.strictObject({
  /** Append JSON lines here (created 0600). Absent: JSON lines go to stdout. */
  file: AbsolutePath.optional(),
  /** Also post a one-line summary of each request to this channel. */
  channel: SlackChannelId.optional(),
  /**
   * Refuse privileged commands (`trace`) while the trail cannot be written (`audit_unavailable`).
   * false: run them anyway, their records kept only in the bot's log until the file takes lines again.
   */
  requireForPrivileged: z.boolean().default(true),
  /** Records kept in memory while the file refuses lines, written once it takes them again. */
  maxBacklogRecords: z.number().int().min(1).max(1_000_000).default(10_000),
});
export type AuditSettings = z.infer<typeof AuditSettings>;
