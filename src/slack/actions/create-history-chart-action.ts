import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { BotError, oneLine } from '../../errors.js';
import { parseHistoryWindow } from '../../history/parse-history-window.js';
import { authorizeRequest, screenRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { findHost } from '../parse-command-text.js';
import { postHistory, prepareHistory } from '../post-history.js';
import { auditResultOf, runAuditedRequest } from '../run-audited-request.js';
import { readActionContext } from './action-context.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Returns the listener of the "Chart" button (renderHistoryChartButton, e.g. on an alert): posts the
 * host's history into the thread of the message that carries the button. The value (`host` or
 * `host window`) is untrusted input: looked up in the config, and the clicker authorized for `status`
 * of that host, like typed text.
 */
export function createHistoryChartAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, client, respond }) => {
    const { userId, channelId, teamId, threadTs } = readActionContext(body);
    const value = typeof action.value === 'string' ? action.value : '';
    await runAuditedRequest(
      deps,
      { userId, channelId, command: ACTION_IDS.historyChart, host: null, via: 'button' },
      { ack: () => ack(), respond },
      async (scope) => {
        await screenRequest(deps, { userId, channelId, teamId }, () => scope.ack());
        const [name = '', windowText, extra] = value.trim().split(/\s+/);
        if (extra !== undefined) throw new BotError('input_invalid', `The Chart button's value is not "host [window]": "${oneLine(value, 60)}".`);
        const host = findHost(name, deps.config.hosts);
        scope.host = host.name;
        if (windowText !== undefined) parseHistoryWindow(windowText, Number.MAX_SAFE_INTEGER);
        const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'status', host: host.name });
        const prepared = await prepareHistory(deps, host, windowText);
        const thread = threadTs === undefined ? {} : { threadTs };
        const result = await deps.inFlight.run((signal) => postHistory(deps, { client, respond, channelId, userId, prepared, ...thread }, signal));
        return auditResultOf(result, { host: host.name, rule: decision.rule, hosts: [host.name] });
      },
      { ackFirst: true },
    );
  };
}
