import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { BotError } from '../../errors.js';
import { authorizeRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { runButtonRequest } from './run-button-request.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Returns the listener of a watch alert's "Silence 1 h" button. Its value (an alert key) is untrusted:
 * it only selects among the alerts open in this replica's watcher, and the alert's host, never the
 * value, is what the clicker is authorized for (`silence`: a rule that allows silence or trace on it).
 * The thread says who silenced it; the audit line names the clicker and the alert.
 */
export function createAlertSilenceAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, respond }) => {
    await runButtonRequest(deps, { ack, body, respond }, ACTION_IDS.alertSilence, action.value, async ({ userId, channelId, teamId, value: key }, scope) => {
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
    });
  };
}
