import { BotError } from '../errors.js';
import type { AuditLog } from './audit-log.js';

/**
 * Returns when a privileged command (`trace`; later `restart`, `reload`) may run: the audit trail is
 * writable, after one more try of its backlog (the disk may have space again), or `isRequired` is
 * false (`audit.requireForPrivileged: false`: the bot's log is the trail). Otherwise throws
 * `audit_unavailable`: a command with side effects must not run unaudited.
 */
export function requireAuditTrail(audit: Pick<AuditLog, 'retry' | 'health'>, opts: { isRequired: boolean; command: string }): void {
  if (!opts.isRequired || audit.retry()) return;
  const { errorCode } = audit.health();
  const why = errorCode === 'ENOSPC' ? 'its disk is full (ENOSPC)' : `writing it fails (${errorCode ?? 'error'})`;
  throw new BotError(
    'audit_unavailable',
    `\`${opts.command}\` is refused for now: the bot cannot write its audit trail because ${why}, and commands with side effects only run when they can be audited. \`status\` still works.`,
    { details: { errorCode } },
  );
}
