import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { AuditEntry } from '../audit/audit-line.js';
import type { AuditTimer } from '../audit/audit-log.js';
import { auditOutcomeOf } from '../audit/audit-outcome-of.js';
import { asBotError } from '../errors.js';
import { sectionMessage } from '../render/slack/blocks.js';
import { renderErrorMessage } from '../render/slack/error-blocks.js';
import type { SlackMessage } from '../render/slack/limits.js';
import type { BotDeps } from './bot-deps.js';
import { describeError } from './json-logger.js';
import { respondPrivately } from './respond-privately.js';
import type { PostOutcome } from './slack-thread.js';

/** What a handler's work reports for the audit line (`outcome` plus what ran: hosts, pids, rule). */
export type AuditResult = Parameters<AuditTimer['finish']>[0];

/** What the work of one request can do with Slack besides its own posts. */
export interface RequestScope {
  /** Acknowledges without a body (work follows). Idempotent. */
  ack(): Promise<void>;
  /** Answers privately: as the ack's body while not yet acked (commands), else through response_url. */
  reply(message: SlackMessage): Promise<void>;
  /** The configured host or group once validated; shown in error replies. */
  host?: string;
}

export interface RequestIo {
  /** Bolt's ack. For commands it may carry an ephemeral body; actions ignore it. */
  ack(body?: RespondArguments): Promise<void>;
  respond: RespondFn;
}

export interface AuditedRequestOptions {
  /** Ack before anything else (actions: their ack carries no message). Default false. */
  ackFirst?: boolean;
  /** Take a token from the user's bucket first. Default true; false only for no-op clicks (Cancel). */
  rateLimit?: boolean;
}

/** The ack did not reach Slack (Socket Mode: the connection was closing). */
class AckFailedError extends Error {
  override name = 'AckFailedError';
}

/**
 * Runs one Slack request the same way for every command and button: audit timer first, then the
 * per-user rate limit (so a flood of denied requests is throttled too), then `work` (which checks
 * access and runs). Whatever happens, the request is acked, the user hears about a failure privately,
 * exactly one audit line is written, and nothing is thrown to Bolt. An ack that cannot be sent ends the
 * request without work or reply: Slack already tells the user it failed, or sends the request again.
 */
export async function runAuditedRequest(
  deps: BotDeps,
  base: Pick<AuditEntry, 'userId' | 'channelId' | 'command' | 'host' | 'via'>,
  io: RequestIo,
  work: (scope: RequestScope) => Promise<AuditResult>,
  opts: AuditedRequestOptions = {},
): Promise<void> {
  const timer = deps.audit.begin(base);
  let acked = false;
  const sendAck = async (body?: RespondArguments): Promise<void> => {
    acked = true;
    try {
      await io.ack(body);
    } catch (error) {
      throw new AckFailedError(describeError(error), { cause: error });
    }
  };
  const scope: RequestScope = {
    async ack() {
      if (acked) return;
      await sendAck();
    },
    async reply(message) {
      if (!acked) {
        await sendAck({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
        return;
      }
      await respondPrivately(deps, io.respond, message);
    },
  };
  try {
    if (opts.ackFirst === true) await scope.ack();
    if (deps.inFlight.isDraining) {
      await scope.reply(sectionMessage('The bot is restarting: ask again in a minute.'));
      timer.finish({ outcome: 'error', errorCode: 'shutting_down' });
      return;
    }
    if (opts.rateLimit !== false) deps.rateLimiter.takeOrThrow(base.userId);
    timer.finish(await work(scope));
  } catch (error) {
    if (error instanceof AckFailedError) {
      // Socket Mode: the envelope came in as Slack closed the connection (a refresh). Slack never heard
      // from us, so it shows the user its own failure (or retries): working or replying now could
      // answer twice, or contradict Slack.
      deps.logger.warn({ event: 'ack_failed', command: base.command, error: error.message });
      timer.finish({ outcome: 'error', errorCode: 'ack_failed' });
      return;
    }
    const botError = asBotError(error);
    if (botError.code === 'internal') deps.logger.error({ event: 'internal_error', command: base.command, error: describeError(error) });
    try {
      await scope.reply(renderErrorMessage(botError, scope.host === undefined ? {} : { host: scope.host }));
    } catch (replyError) {
      deps.logger.warn({ event: 'slack_call_failed', method: 'ack', error: describeError(replyError) });
    }
    timer.finish(auditOutcomeOf(botError));
  } finally {
    if (!acked) {
      acked = true;
      await io.ack().catch((error: unknown) => deps.logger.warn({ event: 'slack_call_failed', method: 'ack', error: describeError(error) }));
    }
    // Only reached unfinished when the error path itself threw: still exactly one line.
    timer.finish({ outcome: 'error', errorCode: 'internal' });
  }
}

/** Maps what postStatus/postTrace/postFleetStatus report to the audit line's outcome. */
export function auditResultOf(result: PostOutcome, extra: Omit<AuditResult, 'outcome' | 'errorCode'> = {}): AuditResult {
  if (result.outcome === 'ok') return { outcome: 'ok', ...extra };
  // Not posted (the status went privately) and cancelled by a shutdown are failures of the request.
  const errorCode = result.outcome === 'cancelled' ? 'cancelled' : (result.errorCode ?? result.outcome);
  return { outcome: 'error', errorCode, ...extra };
}
