import type { KnownBlock } from '@slack/types';
import type { BotError, BotErrorCode } from '../../errors.js';
import { escapeCodeSpan, escapeMrkdwn, truncateEscaped } from './escape.js';
import type { SlackMessage } from './limits.js';

// What the person who typed the command can do next, per code. Written for chat (mrkdwn, no escaping needed).
const HINTS: Record<BotErrorCode, string> = {
  config_invalid: 'The bot\'s configuration is invalid: ask whoever runs the bot to fix it (the log names the setting).',
  input_invalid: 'Check the command: `/workerman help` shows the usage.',
  host_unknown: '`/workerman hosts` lists the hosts you can ask for.',
  ssh_connect_failed: 'Check that the host is up and that its SSH port is reachable from the bot, then try again.',
  ssh_host_key_mismatch:
    'The host presented a key that is not the pinned one. If the host was rebuilt, verify the new fingerprint out of band and update `hostKey` in the bot\'s config; otherwise treat it as an attack.',
  ssh_auth_failed: 'The bot could not log in: check the SSH user and key in the bot\'s config and the host\'s `authorized_keys`.',
  command_failed: 'Run `php start.php status` on the host by hand to see what it prints.',
  command_timed_out: 'The host or PHP did not answer in time: try again, or raise `commandTimeoutMs` for this host.',
  start_file_missing: 'Check `workerman.startFile` for this host in the bot\'s config.',
  permission_denied:
    'Status must run as the user that started Workerman: set `workerman.runAs` for this host (with a sudo rule) or run the bot as that user.',
  workerman_not_running:
    'Start it on the host (`php start.php start -d`), or check that `workerman.startFile` points at the app that runs.',
  workerman_php_error: 'PHP failed before Workerman could answer: run `php start.php status` on the host to see the error.',
  status_unparseable: 'The status output has a layout the bot does not understand: please report it with the raw output.',
  pid_not_found: 'The process is gone: run `/workerman status <host>` for current PIDs.',
  pid_not_workerman: 'Pick a PID from `/workerman status <host>`: only Workerman processes can be traced.',
  strace_missing: 'Install strace on the host (`apt-get install strace`).',
  strace_not_permitted: 'Allow the bot\'s user to trace: `workerman-ops setup-host <host>` prints the helper install and its sudo rule.',
  already_traced: 'Another tracer is attached to this process: wait until it is done.',
  trace_busy: 'Too many traces run on this host right now: try again in a minute.',
  pid_reused: 'The process ended and its PID now names another process: run `/workerman status <host>` for current PIDs.',
  target_left_traced:
    'A traced process was left stopped or traced: check it on the host now (`grep -E "State|TracerPid" /proc/PID/status`; `kill -CONT PID`).',
  host_setup_invalid: 'The host is not set up for this: run `workerman-ops doctor <host>` and `workerman-ops setup-host <host>` where the bot runs.',
  access_denied: 'Ask whoever runs the bot for access (the rules are in the `access` section of its config).',
  rate_limited: 'Too many requests: wait a minute and try again.',
  internal: 'Something unexpected failed inside the bot: the details are in its log.',
};

/** Returns what the user can do about an error of `code` (mrkdwn). */
export function renderErrorHint(code: BotErrorCode): string {
  return HINTS[code];
}

function describe(error: BotError): string {
  // The message can carry host output (a path, one stderr line): escape, then keep it to one section.
  return truncateEscaped(escapeMrkdwn(error.message), 2000);
}

/** Returns the ephemeral reply for a failed command: what happened (with the code) and what to do. */
export function renderErrorMessage(error: BotError, context: { host?: string } = {}): SlackMessage {
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `:x: ${describe(error)} (\`${error.code}\`)` } },
    { type: 'section', text: { type: 'mrkdwn', text: `*What to do:* ${HINTS[error.code]}` } },
  ];
  if (context.host !== undefined) {
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: `host \`${escapeCodeSpan(context.host)}\`` }] });
  }
  return { text: truncateEscaped(`${escapeMrkdwn(error.message)} (${error.code})`, 2000), blocks };
}

/** Returns the parent message showing that a status request failed (the ephemeral reply has the details). */
export function renderStatusFailure(
  error: BotError,
  opts: { host: string; requestedBy?: string; retryActionId?: string },
): SlackMessage {
  const who = opts.requestedBy !== undefined && /^[UW][A-Z0-9]{2,}$/.test(opts.requestedBy) ? `, asked by <@${opts.requestedBy}>` : '';
  const head = `:x: Workerman status of \`${escapeCodeSpan(opts.host)}\`${who} failed: ${describe(error)} (\`${error.code}\`)`;
  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: head } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: `*What to do:* ${HINTS[error.code]}` }] },
  ];
  if (opts.retryActionId !== undefined) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: opts.retryActionId, text: { type: 'plain_text', text: 'Try again' }, value: opts.host }],
    });
  }
  return { text: escapeMrkdwn(`Workerman status of ${opts.host} failed: ${error.message} (${error.code})`).slice(0, 2000), blocks };
}

/** Returns the ephemeral hint for a channel the bot cannot post in (`not_in_channel`, `channel_not_found`). */
export function renderNotInChannelHint(slackError: string): SlackMessage {
  const text =
    slackError === 'not_in_channel'
      ? ':wave: I am not a member of this channel, so I cannot post the status thread here. Invite me with `/invite @workerman`, or run the command in a DM with me.'
      : ':wave: I cannot post in this conversation (a private channel I am not in, or a DM between people). Invite me with `/invite @workerman`, or run the command in a DM with me.';
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
