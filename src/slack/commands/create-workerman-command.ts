import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { asBotError } from '../../errors.js';
import { renderErrorMessage } from '../../render/slack/error-blocks.js';
import { renderHelpMessage } from '../../render/slack/help-blocks.js';
import { renderHostsMessage } from '../../render/slack/hosts-blocks.js';
import { renderTraceConfirmation } from '../../render/slack/trace-confirm-blocks.js';
import { authorizeRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { logRequest, type RequestLogEntry } from '../log-request.js';
import { parseCommandText, type CommandInput } from '../parse-command-text.js';
import { postStatus, safeRespond } from '../post-status.js';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/**
 * Returns the `/workerman` listener: glue only. Answers that need no work (help, hosts, bad input) are
 * the ack itself (ephemeral); `status` acks at once and does its work after, tracked for shutdown.
 */
export function createWorkermanCommand(deps: BotDeps): (args: CommandArgs) => Promise<void> {
  return async ({ ack, command, client, respond }) => {
    const startedMs = performance.now();
    const base = { userId: command.user_id, teamId: command.team_id, channelId: command.channel_id, via: 'command' as const };
    const log = (entry: Pick<RequestLogEntry, 'command' | 'host' | 'outcome' | 'errorCode'>): void =>
      logRequest(deps.logger, { ...base, ...entry, durationMs: performance.now() - startedMs });
    const text = typeof command.text === 'string' ? command.text : '';

    if (deps.inFlight.isDraining) {
      await ack({ response_type: 'ephemeral', text: 'The bot is restarting: ask again in a minute.' });
      log({ command: 'rejected', host: null, outcome: 'error', errorCode: 'shutting_down' });
      return;
    }
    let input: CommandInput;
    try {
      input = parseCommandText(text, deps.config.hosts);
    } catch (error) {
      const botError = asBotError(error);
      await ack({ response_type: 'ephemeral', ...renderErrorMessage(botError) });
      log({ command: text.trim().split(/\s+/)[0]?.toLowerCase().slice(0, 20) || 'help', host: null, outcome: 'error', errorCode: botError.code });
      return;
    }

    switch (input.kind) {
      case 'help': {
        await ack({ response_type: 'ephemeral', ...renderHelpMessage({ command: command.command, ...(input.unknown === undefined ? {} : { unknown: input.unknown }) }) });
        log({ command: 'help', host: null, outcome: 'ok' });
        return;
      }
      case 'hosts': {
        try {
          await authorizeRequest(deps, { ...base, command: 'hosts', host: null });
        } catch (error) {
          const botError = asBotError(error);
          await ack({ response_type: 'ephemeral', ...renderErrorMessage(botError) });
          log({ command: 'hosts', host: null, outcome: botError.code === 'access_denied' ? 'denied' : 'error', errorCode: botError.code });
          return;
        }
        const listing = deps.config.hosts.map((h) => ({
          name: h.name,
          groups: h.groups,
          kind: h.ssh === undefined ? ('local' as const) : ('ssh' as const),
          ...(h.description === undefined ? {} : { description: h.description }),
        }));
        await ack({ response_type: 'ephemeral', ...renderHostsMessage(listing, { command: command.command }) });
        log({ command: 'hosts', host: null, outcome: 'ok' });
        return;
      }
      case 'status': {
        // Ack before anything that may touch the network (user-group lookups, SSH): Slack gives 3 s.
        await ack();
        const host = input.host;
        try {
          await authorizeRequest(deps, { ...base, command: 'status', host: host.name });
        } catch (error) {
          const botError = asBotError(error);
          await safeRespond(deps, respond, renderErrorMessage(botError, { host: host.name }));
          log({ command: 'status', host: host.name, outcome: botError.code === 'access_denied' ? 'denied' : 'error', errorCode: botError.code });
          return;
        }
        const result = await deps.inFlight.run((signal) =>
          postStatus(deps, { client, respond, channelId: command.channel_id, userId: command.user_id, host }, signal),
        );
        log({ command: 'status', host: host.name, outcome: result.outcome, errorCode: result.errorCode });
        return;
      }
      case 'trace': {
        // Attaching strace has side effects: ask first (ephemeral); the button's handler runs it.
        await ack();
        const host = input.host;
        try {
          await authorizeRequest(deps, { ...base, command: 'trace', host: host.name });
        } catch (error) {
          const botError = asBotError(error);
          await safeRespond(deps, respond, renderErrorMessage(botError, { host: host.name }));
          log({ command: 'trace', host: host.name, outcome: botError.code === 'access_denied' ? 'denied' : 'error', errorCode: botError.code });
          return;
        }
        await safeRespond(
          deps,
          respond,
          renderTraceConfirmation({
            host: host.name,
            pid: input.pid,
            durationS: input.durationS,
            confirmActionId: ACTION_IDS.traceConfirm,
            cancelActionId: ACTION_IDS.traceCancel,
          }),
        );
        log({ command: 'trace', host: host.name, outcome: 'ok' });
        return;
      }
    }
  };
}
