import { requireAccess, type AccessDecision, type AccessRequest } from '../access/check-access.js';
import { listRuleUserGroups } from '../access/create-user-group-resolver.js';
import type { BotDeps } from './bot-deps.js';

/**
 * Returns the allowed decision (its rule and target hosts) or throws `access_denied` with the rule and
 * who to ask. Runs in every command AND action handler: anyone who can see a message can click its
 * buttons, so a button's value is checked like typed text.
 */
export async function authorizeRequest(
  deps: BotDeps,
  request: Omit<AccessRequest, 'userGroupIds'>,
): Promise<Extract<AccessDecision, { allowed: true }>> {
  const groups = listRuleUserGroups(deps.config);
  const userGroupIds =
    groups.length === 0 || deps.userGroups === undefined ? [] : await deps.userGroups.groupsOf(request.userId, groups);
  return requireAccess(deps.config, { ...request, userGroupIds });
}
