import type { RespondArguments, RespondFn } from '@slack/bolt';
import type { SlackMessage } from '../render/slack/limits.js';
import type { BotDeps } from './bot-deps.js';
import { describeError } from './json-logger.js';

/**
 * Answers the requester only (ephemeral, through the request's response_url) and returns whether it
 * arrived: a dead response_url (30 minutes, 5 uses) is logged, never thrown.
 */
export async function respondPrivately(deps: Pick<BotDeps, 'logger'>, respond: RespondFn, message: SlackMessage): Promise<boolean> {
  const body: RespondArguments = { response_type: 'ephemeral', replace_original: false, text: message.text, blocks: message.blocks };
  try {
    await respond(body);
    return true;
  } catch (error) {
    deps.logger.warn({ event: 'slack_call_failed', method: 'response_url', error: describeError(error) });
    return false;
  }
}
