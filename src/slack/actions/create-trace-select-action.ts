import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs, StaticSelectAction } from '@slack/bolt';
import { BotError, oneLine } from '../../errors.js';
import { renderTraceConfirmation } from '../../render/slack/trace-confirm-blocks.js';
import { authorizeRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { findHost, parseTraceTarget } from '../parse-command-text.js';
import { runButtonRequest } from './run-button-request.js';

// The menu on a status message, or the Trace button on a watch alert: the same `host:pid` value.
type ActionArgs = SlackActionMiddlewareArgs<BlockAction<StaticSelectAction | ButtonAction>> & AllMiddlewareArgs;

/**
 * Returns the listener of the "Trace a PID…" menu on a status message and of the "Trace PID n" button
 * on a watch alert: validates the `host:pid` (untrusted, like typed text), authorizes `trace`, and asks
 * for confirmation ephemerally.
 */
export function createTraceSelectAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, respond }) => {
    const chosen = action.type === 'button' ? action.value : action.selected_option?.value;
    await runButtonRequest(deps, { ack, body, respond }, ACTION_IDS.traceSelect, chosen, async ({ userId, channelId, teamId, value }, scope) => {
      const colon = value.lastIndexOf(':');
      const host = findHost(colon < 0 ? value : value.slice(0, colon), deps.config.hosts);
      const { target, durationS } = parseTraceTarget(host, colon < 0 ? '' : value.slice(colon + 1));
      // The menu lists pids; a worker name here is a forged value.
      if (target.kind !== 'pid') {
        throw new BotError('input_invalid', `"${oneLine(target.workerName, 20)}" is not a PID (a number from /workerman status ${host.name}).`);
      }
      scope.host = host.name;
      const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'trace', host: host.name });
      await scope.reply(
        renderTraceConfirmation({ host: host.name, target, durationS, confirmActionId: ACTION_IDS.traceConfirm, cancelActionId: ACTION_IDS.traceCancel }),
      );
      return { outcome: 'ok', host: host.name, rule: decision.rule, pids: [target.pid], hosts: [host.name] };
    });
  };
}
