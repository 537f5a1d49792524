import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { BotError } from '../../errors.js';
import { authorizeRequest, screenRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { findHost, parseTraceTarget } from '../parse-command-text.js';
import { postTrace } from '../post-trace.js';
import { auditResultOf, runAuditedRequest } from '../run-audited-request.js';
import { readActionContext } from './action-context.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/** Reads `{"h":host,"p":pid,"d":seconds}` from a button value; every field is validated again by the caller. */
function parseValue(value: string): { h: string; p: string; d: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new BotError('input_invalid', 'This button carries no valid trace request: run /workerman trace again.');
  }
  const o = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
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
    const { userId, channelId, teamId } = readActionContext(body);
    await runAuditedRequest(
      deps,
      { userId, channelId, command: ACTION_IDS.traceConfirm, host: null, via: 'button' },
      { ack: () => ack(), respond },
      async (scope) => {
        await screenRequest(deps, { userId, channelId, teamId }, () => scope.ack());
        const value = parseValue(typeof action.value === 'string' ? action.value : '');
        const host = findHost(value.h, deps.config.hosts);
        const target = parseTraceTarget(host, value.p, value.d);
        scope.host = host.name;
        const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'trace', host: host.name });
        // The question is answered: replace it so it cannot be clicked twice.
        await respond({ replace_original: true, text: `Tracing PID ${target.pid} on ${host.name} for ${target.durationS} s: the result follows in the channel.` }).catch(
          () => undefined,
        );
        const result = await deps.inFlight.run((signal) =>
          postTrace(deps, { client, respond, channelId, userId, host, pid: target.pid, durationS: target.durationS }, signal),
        );
        return auditResultOf(result, { host: host.name, rule: decision.rule, pids: [target.pid], hosts: [host.name] });
      },
      { ackFirst: true },
    );
  };
}

/** Returns the listener of the confirmation's Cancel button: deletes the question (audited, never rate limited). */
export function createTraceCancelAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, respond }) => {
    const { userId, channelId } = readActionContext(body);
    await runAuditedRequest(
      deps,
      { userId, channelId, command: ACTION_IDS.traceCancel, host: null, via: 'button' },
      { ack: () => ack(), respond },
      async () => {
        await respond({ delete_original: true }).catch(() => undefined);
        return { outcome: 'ok' };
      },
      { ackFirst: true, rateLimit: false },
    );
  };
}
