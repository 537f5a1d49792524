import type { AllMiddlewareArgs, BlockStaticSelectAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { asBotError } from '../../errors.js';
import { renderErrorMessage } from '../../render/slack/error-blocks.js';
import { renderTraceConfirmation } from '../../render/slack/trace-confirm-blocks.js';
import { authorizeRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { logRequest } from '../log-request.js';
import { findHost, parseTraceTarget } from '../parse-command-text.js';
import { safeRespond } from '../post-status.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockStaticSelectAction> & AllMiddlewareArgs;

/**
 * Returns the listener of the "Trace a PID…" menu on a status message: validates the chosen
 * `host:pid` (untrusted, like typed text), authorizes `trace`, and asks for confirmation ephemerally.
 */
export function createTraceSelectAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, respond }) => {
    await ack();
    const startedMs = performance.now();
    const userId = body.user.id;
    const channelId = body.channel?.id ?? (typeof body.container['channel_id'] === 'string' ? body.container['channel_id'] : '');
    const teamId = body.user.team_id ?? body.team?.id;
    const base = { userId, teamId, channelId, via: 'button' as const, command: ACTION_IDS.traceSelect };
    const value = typeof action.selected_option?.value === 'string' ? action.selected_option.value : '';
    const colon = value.lastIndexOf(':');
    try {
      const host = findHost(colon < 0 ? value : value.slice(0, colon), deps.config.hosts);
      const target = parseTraceTarget(host, colon < 0 ? '' : value.slice(colon + 1));
      await authorizeRequest(deps, { userId, channelId, teamId, command: 'trace', host: host.name });
      await safeRespond(
        deps,
        respond,
        renderTraceConfirmation({ host: host.name, ...target, confirmActionId: ACTION_IDS.traceConfirm, cancelActionId: ACTION_IDS.traceCancel }),
      );
      logRequest(deps.logger, { ...base, host: host.name, durationMs: performance.now() - startedMs, outcome: 'ok' });
    } catch (error) {
      const botError = asBotError(error);
      await safeRespond(deps, respond, renderErrorMessage(botError));
      logRequest(deps.logger, { ...base, host: null, durationMs: performance.now() - startedMs, outcome: botError.code === 'access_denied' ? 'denied' : 'error', errorCode: botError.code });
    }
  };
}
