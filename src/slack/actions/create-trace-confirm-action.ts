import type { AllMiddlewareArgs, BlockButtonAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { BotError } from '../../errors.js';
import { escapeMrkdwn } from '../../render/slack/escape.js';
import { parseTraceTargetText } from '../../workerman/resolve-trace-targets.js';
import { authorizeRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { findHost, parseTraceTarget } from '../parse-command-text.js';
import { postTrace } from '../post-trace.js';
import { auditResultOf, runAuditedRequest } from '../run-audited-request.js';
import { readActionContext } from './action-context.js';
import { runButtonRequest } from './run-button-request.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockButtonAction> & AllMiddlewareArgs;

/**
 * Reads `{"h":host,"p":pid,"d":seconds}` or `{"h":host,"w":worker,"d":seconds}` from a button value and
 * returns the host name, the target text and the duration text: exactly one of `p`/`w`, each of the
 * kind its field says. The caller validates every field again, as it does typed text.
 */
function parseValue(value: string): { h: string; target: string; d: string } {
  let parsed: unknown;
  const invalid = (): BotError => new BotError('input_invalid', 'This button carries no valid trace request: run /workerman trace again.');
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalid();
  }
  const o = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const field = (v: unknown): string => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  const hasPid = o['p'] !== undefined;
  const hasWorker = o['w'] !== undefined;
  if (hasPid === hasWorker) throw invalid();
  const target = field(hasPid ? o['p'] : o['w']);
  // A `p` must read as a pid and a `w` as a worker name: a forged value cannot switch kinds.
  const kind = parseTraceTargetText(target).kind;
  if (kind !== (hasPid ? 'pid' : 'worker')) throw invalid();
  return { h: field(o['h']), target, d: field(o['d']) };
}

/**
 * Returns the listener of the trace confirmation's "Trace PID n" / "Trace worker X" button. The value
 * is input like typed text: host looked up in the config, target and duration checked as typed ones
 * are, and the clicker authorized again for `trace` (anyone who sees a message can click its buttons).
 * A worker name becomes pids on the host just before the trace (postTrace); the audit line names them.
 */
export function createTraceConfirmAction(deps: BotDeps): (args: ActionArgs) => Promise<void> {
  return async ({ ack, body, action, client, respond }) => {
    await runButtonRequest(deps, { ack, body, respond }, ACTION_IDS.traceConfirm, action.value, async (click, scope) => {
      const { userId, channelId, teamId } = click;
      const value = parseValue(click.value);
      const host = findHost(value.h, deps.config.hosts);
      const { target, durationS } = parseTraceTarget(host, value.target, value.d);
      scope.host = host.name;
      const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'trace', host: host.name });
      // The question is answered: replace it so it cannot be clicked twice. Not awaited before the
      // trace starts: a round trip to Slack would only push the verdict back.
      const what = target.kind === 'pid' ? `PID ${target.pid}` : `worker ${target.workerName}`;
      const answered = respond({ replace_original: true, text: escapeMrkdwn(`Tracing ${what} on ${host.name} for ${durationS} s: the result follows in the channel.`) }).catch(
        () => undefined,
      );
      const result = await deps.inFlight.run((signal) => postTrace(deps, { client, respond, channelId, userId, host, target, durationS }, signal));
      await answered;
      return auditResultOf(result, { host: host.name, rule: decision.rule, pids: result.pids, hosts: [host.name] });
    });
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
