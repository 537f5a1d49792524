import { BotError } from '../errors.js';
import { requireAccess, screenRequester, type AccessDecision, type AccessRequest, type Requester } from '../access/check-access.js';
import { listRuleUserGroups } from '../access/create-user-group-resolver.js';
import { requireAuditTrail } from '../audit/require-audit-trail.js';
import { resolveListedHosts } from '../config/local-host.js';
import type { AccessCommand } from '../config/access-config.js';
import { ALL_HOSTS_GROUP } from '../config/group-settings.js';
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
  // A trace has side effects: it re-checks membership that is at most access.traceUserGroupCacheS old.
  const traceMaxAgeS = deps.config.access?.traceUserGroupCacheS;
  const lookup = request.command === 'trace' && traceMaxAgeS !== undefined ? { maxAgeMs: traceMaxAgeS * 1000 } : {};
  // `all` holds the built-in local host only when a Workerman app runs on this machine (looked for now).
  const config = request.host === ALL_HOSTS_GROUP ? await resolveListedHosts(deps.config, deps.hasLocalMaster) : deps.config;
  const decision = requireAccess(config, { ...request, userGroupIds: await userGroupsOf(deps, request.userId, lookup) });
  // After the access check: someone who may not run the command learns nothing about the trail.
  if (PRIVILEGED_COMMANDS.has(request.command)) {
    requireAuditTrail(deps.audit, { isRequired: deps.config.audit.requireForPrivileged, command: request.command });
  }
  return decision;
}

/**
 * Resolves when the requester may use the bot at all (screenRequester), else throws `access_denied`
 * with a message that names no host, group or rule. Call it before the command text or a button value
 * is read. User groups are looked up only when the IDs alone do not let the requester through, and
 * `beforeLookup` runs first (an ack: a lookup may take longer than Slack's 3 s).
 */
export async function screenRequest(deps: BotDeps, requester: Omit<Requester, 'userGroupIds'>, beforeLookup: () => Promise<void>): Promise<void> {
  let decision = screenRequester(deps.config, requester);
  if (!decision.allowed && decision.rule !== 'access.teams' && listRuleUserGroups(deps.config).length > 0 && deps.userGroups !== undefined) {
    await beforeLookup();
    decision = screenRequester(deps.config, { ...requester, userGroupIds: await userGroupsOf(deps, requester.userId) });
  }
  if (!decision.allowed) throw new BotError('access_denied', decision.message, { details: { rule: decision.rule, contact: decision.contact } });
}

async function userGroupsOf(deps: BotDeps, userId: string, lookup: { maxAgeMs?: number } = {}): Promise<string[]> {
  const groups = listRuleUserGroups(deps.config);
  return groups.length === 0 || deps.userGroups === undefined ? [] : deps.userGroups.groupsOf(userId, groups, lookup);
}
