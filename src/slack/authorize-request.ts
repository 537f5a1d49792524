import { requireAccess, type AccessDecision, type AccessRequest } from '../access/check-access.js';
import { listRuleUserGroups } from '../access/create-user-group-resolver.js';
import { requireAuditTrail } from '../audit/require-audit-trail.js';
import type { AccessCommand } from '../config/schema.js';
import type { BotDeps } from './bot-deps.js';

/** Commands with side effects on a host: they run only while the audit trail can be written. */
const PRIVILEGED_COMMANDS: ReadonlySet<AccessCommand> = new Set(['trace']);

/**
 * Returns the allowed decision (its rule and target hosts) or throws `access_denied` with the rule and
 * who to ask, or `audit_unavailable` for a privileged command while no audit trail can be kept (see
 * `audit.requireForPrivileged`). Runs in every command AND action handler: anyone who can see a
 * message can click its buttons, so a button's value is checked like typed text.
 */
export async function authorizeRequest(
  deps: BotDeps,
  request: Omit<AccessRequest, 'userGroupIds'>,
): Promise<Extract<AccessDecision, { allowed: true }>> {
  const groups = listRuleUserGroups(deps.config);
  // A trace has side effects: it re-checks membership that is at most access.traceUserGroupCacheS old.
  const traceMaxAgeS = deps.config.access?.traceUserGroupCacheS;
  const lookup = request.command === 'trace' && traceMaxAgeS !== undefined ? { maxAgeMs: traceMaxAgeS * 1000 } : {};
  const userGroupIds =
    groups.length === 0 || deps.userGroups === undefined ? [] : await deps.userGroups.groupsOf(request.userId, groups, lookup);
  const decision = requireAccess(deps.config, { ...request, userGroupIds });
  // After the access check: someone who may not run the command learns nothing about the trail.
  if (PRIVILEGED_COMMANDS.has(request.command)) {
    requireAuditTrail(deps.audit, { isRequired: deps.config.audit.requireForPrivileged, command: request.command });
  }
  return decision;
}
