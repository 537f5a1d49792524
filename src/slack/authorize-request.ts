import { BotError } from '../errors.js';
import { requireAccess, screenRequester, type AccessDecision, type AccessRequest, type Requester } from '../access/check-access.js';
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
  return requireAccess(deps.config, { ...request, userGroupIds: await userGroupsOf(deps, request.userId) });
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

async function userGroupsOf(deps: BotDeps, userId: string): Promise<string[]> {
  const groups = listRuleUserGroups(deps.config);
  return groups.length === 0 || deps.userGroups === undefined ? [] : deps.userGroups.groupsOf(userId, groups);
}
