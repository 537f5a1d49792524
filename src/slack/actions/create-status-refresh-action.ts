import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import type { HostConfig } from '../../config/schema.js';
import { asBotError } from '../../errors.js';
import { renderErrorMessage } from '../../render/slack/error-blocks.js';
import { authorizeRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { logRequest } from '../log-request.js';
import { findHost } from '../parse-command-text.js';
import { postStatus, safeRespond } from '../post-status.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Returns the listener of the Refresh / Try again button: re-runs the status into the same thread. The
 * button's value (a host name) is untrusted input: it is looked up in the config and authorized again.
 */
export function createStatusRefreshAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, client, respond }) => {
    await ack();
    const startedMs = performance.now();
    const userId = body.user.id;
    const channelId = body.channel?.id ?? (typeof body.container['channel_id'] === 'string' ? body.container['channel_id'] : '');
    const teamId = body.user.team_id ?? body.team?.id;
    const base = { userId, teamId, channelId, via: 'button' as const, command: ACTION_IDS.statusRefresh };
    const value = typeof action.value === 'string' ? action.value : '';

    let host: HostConfig;
    try {
      if (deps.inFlight.isDraining) throw new Error('the bot is restarting: ask again in a minute');
      host = findHost(value, deps.config.hosts);
      await authorizeRequest(deps, { userId, channelId, teamId, command: 'status', host: host.name });
    } catch (error) {
      const botError = asBotError(error);
      await safeRespond(deps, respond, renderErrorMessage(botError));
      logRequest(deps.logger, {
        ...base,
        host: null,
        durationMs: performance.now() - startedMs,
        outcome: botError.code === 'access_denied' ? 'denied' : 'error',
        errorCode: botError.code,
      });
      return;
    }
    // The thread root is the parent's ts: a click on a reply carries the parent in message.thread_ts.
    const message = body.message;
    const threadTs = message === undefined ? undefined : String(message['thread_ts'] ?? message.ts);
    const result = await deps.inFlight.run((signal) =>
      postStatus(deps, { client, respond, channelId, userId, host, ...(threadTs === undefined ? {} : { threadTs }) }, signal),
    );
    logRequest(deps.logger, { ...base, host: host.name, durationMs: performance.now() - startedMs, outcome: result.outcome, errorCode: result.errorCode });
  };
}
