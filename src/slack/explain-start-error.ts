import type { SlackEnv } from '../config/slack-env.js';
import { BotError } from '../errors.js';
import type { SlackNetwork } from './create-slack-network.js';
import { explainSlackNetworkError } from './explain-slack-network-error.js';
import { slackErrorCode } from './slack-error-code.js';

/** Turns a failed start (auth.test, apps.connections.open, the HTTP listen) into a BotError naming the variable to fix. */
export function explainStartError(error: unknown, variable: string, env: SlackEnv, network: SlackNetwork): BotError {
  // Start-up calls auth.test (bot token), then apps.connections.open (Socket Mode): name the one that failed.
  const method = variable === 'SLACK_APP_TOKEN' ? 'apps.connections.open' : 'auth.test';
  const unreachable = explainSlackNetworkError(error, { url: `${env.apiUrl ?? 'https://slack.com/api/'}${method}`, proxy: network.proxyShown });
  if (unreachable !== undefined) return unreachable;
  const code = slackErrorCode(error);
  if (code === 'invalid_auth' || code === 'not_authed' || code === 'account_inactive' || code === 'token_revoked') {
    const where =
      variable === 'SLACK_APP_TOKEN'
        ? 'Basic Information → App-Level Tokens (scope connections:write)'
        : 'OAuth & Permissions → Bot User OAuth Token (reinstall the app if it was revoked)';
    return new BotError('config_invalid', `Slack rejected ${variable} (${code}): copy it again from the Slack app settings, ${where}.`, { cause: error });
  }
  if (code !== undefined) return new BotError('config_invalid', `Slack refused to start the bot (${code}).`, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  if (/EADDRINUSE/.test(message)) {
    return new BotError('config_invalid', `Port ${env.port} is in use: set PORT to a free port.`, { cause: error });
  }
  return new BotError('internal', `Could not start the Slack bot: ${message}`, { cause: error });
}
