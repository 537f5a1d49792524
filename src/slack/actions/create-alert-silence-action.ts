import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { BotError } from '../../errors.js';
import { authorizeRequest, screenRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { runAuditedRequest } from '../run-audited-request.js';
import { readActionContext } from './action-context.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Returns the listener of a watch alert's "Silence 1 h" button. Its value (an alert key) is untrusted:
 * it only selects among the alerts open in this replica's watcher, and the alert's host, never the
 * value, is what the clicker is authorized for (`silence`: a rule that allows silence or trace on it).
 * The thread says who silenced it; the audit line names the clicker and the alert.
 */
export function createAlertSilenceAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, respond }) => {
    const { userId, channelId, teamId } = readActionContext(body);
    await runAuditedRequest(
      deps,
      { userId, channelId, command: ACTION_IDS.alertSilence, host: null, via: 'button' },
      { ack: () => ack(), respond },
      async (scope) => {
        await screenRequest(deps, { userId, channelId, teamId }, () => scope.ack());
        const key = typeof action.value === 'string' ? action.value : '';
        if (deps.watcher === undefined || deps.alerts === undefined) {
          throw new BotError('alert_not_open', 'This replica of the bot does not watch (WATCH is off here), so it cannot silence alerts.');
        }
        const alert = deps.watcher.openAlerts().find((a) => a.key === key);
        const gone = (): BotError => new BotError('alert_not_open', 'This alert is no longer open: it resolved, so there is nothing to silence.');
        if (alert === undefined) throw gone();
        scope.host = alert.host;
        const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'silence', host: alert.host });
        const silenced = await deps.alerts.silence(alert.key, userId);
        if (silenced === null) throw gone();
        const about = { kind: alert.kind, subject: alert.subject };
        return { outcome: 'ok', host: alert.host, hosts: [alert.host], pids: alert.pids, rule: decision.rule, alert: { event: 'silenced', ...about } };
      },
      { ackFirst: true },
    );
  };
}
