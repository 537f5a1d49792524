import { checkAccess, type AccessRequest } from '../access/check-access.js';
import { listRuleUserGroups } from '../access/create-user-group-resolver.js';
import { BotError } from '../errors.js';
import type { BotDeps } from './bot-deps.js';

/**
 * Resolves nothing or throws `access_denied` with the rule and who to ask. Runs in every command AND
 * action handler: anyone who can see a message can click its buttons.
 */
export async function authorizeRequest(deps: BotDeps, request: Omit<AccessRequest, 'userGroupIds'>): Promise<void> {
  const groups = listRuleUserGroups(deps.config);
  const userGroupIds =
    groups.length === 0 || deps.userGroups === undefined ? [] : await deps.userGroups.groupsOf(request.userId, groups);
  const decision = checkAccess(deps.config, { ...request, userGroupIds });
  if (!decision.allowed) {
    throw new BotError('access_denied', decision.message, { details: { rule: decision.rule } });
  }
}
