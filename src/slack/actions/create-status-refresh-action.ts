import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { authorizeRequest, screenRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { resolveStatusTarget } from '../parse-command-text.js';
import { postFleetStatus } from '../post-fleet.js';
import { postStatus } from '../post-status.js';
import { auditResultOf, runAuditedRequest } from '../run-audited-request.js';
import { readActionContext } from './action-context.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Returns the listener of the Refresh / Try again button: re-runs the status (of a host, or of a group
 * for a fleet message) into the same thread. The button's value is untrusted input: it is looked up
 * in the config and the clicker is authorized again, like typed text.
 */
export function createStatusRefreshAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, client, respond }) => {
    const { userId, channelId, teamId, threadTs } = readActionContext(body);
    const value = typeof action.value === 'string' ? action.value : '';
    await runAuditedRequest(
      deps,
      { userId, channelId, command: ACTION_IDS.statusRefresh, host: null, via: 'button' },
      { ack: () => ack(), respond },
      async (scope) => {
        await screenRequest(deps, { userId, channelId, teamId }, () => scope.ack());
        const target = resolveStatusTarget(value, deps.config);
        const name = target.kind === 'status' ? target.host.name : target.group;
        scope.host = name;
        const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'status', host: name });
        const thread = threadTs === undefined ? {} : { threadTs };
        if (target.kind === 'status') {
          const host = target.host;
          const result = await deps.inFlight.run((signal) => postStatus(deps, { client, respond, channelId, userId, host, ...thread }, signal));
          return auditResultOf(result, { host: name, rule: decision.rule, hosts: [name] });
        }
        const result = await deps.inFlight.run((signal) =>
          postFleetStatus(deps, { client, respond, channelId, userId, group: target.group, hosts: decision.targets, ...thread }, signal),
        );
        return auditResultOf(result, { host: name, rule: decision.rule, hosts: decision.targets.map((h) => h.name) });
      },
      { ackFirst: true },
    );
  };
}
