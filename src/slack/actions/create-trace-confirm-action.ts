import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { asBotError, BotError } from '../../errors.js';
import { renderErrorMessage } from '../../render/slack/error-blocks.js';
import { authorizeRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { logRequest } from '../log-request.js';
import { findHost, parseTraceTarget } from '../parse-command-text.js';
import { safeRespond } from '../post-status.js';
import { postTrace } from '../post-trace.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Reads `{"h":host,"p":pid,"d":seconds}` from a button value; every field is validated again by the caller. */
function parseValue(value: string): { h: string; p: string; d: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BotError('input_invalid', 'This button carries no valid trace request: run /workerman trace again.');
  }
  const o = (parsed ?? {}) as Record<string, unknown>;
  const field = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  return { h: field(o['h']), p: field(o['p']), d: field(o['d']) };
}

/**
 * Returns the listener of the trace confirmation's "Trace PID n" button. The value is input like typed
 * text: host looked up in the config, PID and duration checked against the host's limits, and the
 * clicker authorized again for `trace` (anyone who sees a message can click its buttons).
 */
export function createTraceConfirmAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, client, respond }) => {
    await ack();
    const startedMs = performance.now();
    const userId = body.user.id;
    const channelId = body.channel?.id ?? (typeof body.container['channel_id'] === 'string' ? body.container['channel_id'] : '');
    const teamId = body.user.team_id ?? body.team?.id;
    const base = { userId, teamId, channelId, via: 'button' as const, command: ACTION_IDS.traceConfirm };
    let target: { host: ReturnType<typeof findHost>; pid: number; durationS: number };
    try {
      if (deps.inFlight.isDraining) throw new BotError('internal', 'The bot is restarting: ask again in a minute.');
      const value = parseValue(typeof action.value === 'string' ? action.value : '');
      const host = findHost(value.h, deps.config.hosts);
      target = { host, ...parseTraceTarget(host, value.p, value.d) };
      await authorizeRequest(deps, { userId, channelId, teamId, command: 'trace', host: host.name });
    } catch (error) {
      const botError = asBotError(error);
      await safeRespond(deps, respond, renderErrorMessage(botError));
      logRequest(deps.logger, { ...base, host: null, durationMs: performance.now() - startedMs, outcome: botError.code === 'access_denied' ? 'denied' : 'error', errorCode: botError.code });
      return;
    }
    // The question is answered: replace it so it cannot be clicked twice.
    await respond({ replace_original: true, text: `Tracing PID ${target.pid} on ${target.host.name} for ${target.durationS} s: the result follows in the channel.` }).catch(() => undefined);
    const result = await deps.inFlight.run((signal) =>
      postTrace(deps, { client, respond, channelId, userId, host: target.host, pid: target.pid, durationS: target.durationS }, signal),
    );
    logRequest(deps.logger, { ...base, host: target.host.name, durationMs: performance.now() - startedMs, outcome: result.outcome, errorCode: result.errorCode });
  };
}

/** Returns the listener of the confirmation's Cancel button: deletes the question. */
export function createTraceCancelAction(): (args: ActionArgs) => Promise<void> {
  return async ({ ack, respond }) => {
    await ack();
    await respond({ delete_original: true }).catch(() => undefined);
  };
}
