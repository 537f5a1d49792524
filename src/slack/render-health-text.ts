import type { AuditHealth, AuditLog } from '../audit/audit-log.js';

/** The trail's state now; while degraded, the backlog is tried once first (the disk may have space again). */
export function checkAuditHealth(audit: AuditLog): AuditHealth {
  if (!audit.health().isWritable) audit.retry();
  return audit.health();
}

/** `ok`, or `degraded: audit trail not writable (ENOSPC), 3 records kept in the log, …` for GET /healthz. */
export function renderHealthText(health: AuditHealth): string {
  if (health.isWritable) return 'ok';
  const plural = (n: number, what: string): string => `${n} ${what}${n === 1 ? '' : 's'}`;
  const dropped = health.dropped === 0 ? '' : `, ${health.dropped} dropped from memory (backlog full)`;
  return `degraded: audit trail not writable (${health.errorCode ?? 'error'}), ${plural(health.keptInLog, 'record')} kept in the log, ${health.backlog} waiting for the file${dropped}`;
}
