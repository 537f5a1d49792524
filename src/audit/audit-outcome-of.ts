import { BotError } from '../errors.js';
import type { AuditOutcome } from './audit-line.js';

/** Maps an error thrown by a handler to its audit outcome and code (and the access rule of a denial). */
export function auditOutcomeOf(error: unknown): { outcome: AuditOutcome; errorCode: string; rule?: string } {
  const code = error instanceof BotError ? error.code : 'internal';
  if (code === 'access_denied') {
    const rule = (error as BotError).details.rule;
    return typeof rule === 'string' ? { outcome: 'denied', errorCode: code, rule } : { outcome: 'denied', errorCode: code };
  }
  if (code === 'rate_limited') return { outcome: 'rate_limited', errorCode: code };
  return { outcome: 'error', errorCode: code };
}
