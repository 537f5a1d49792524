import type { KnownBlock } from '@slack/types';
import type { BotError, BotErrorCode } from '../../errors.js';
import { redactSecrets } from '../../strace/redact.js';
import { escapeControl } from '../escape-control.js';
import { context as contextBlock, mention, section, sectionMessage } from './blocks.js';
import { escapeCodeSpan, escapeMrkdwn, truncateEscaped, truncatePlain } from './escape.js';
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
  audit_unavailable: 'The bot cannot write its audit trail right now: ask whoever runs it to free space for the audit file (its log and `/healthz` say more). `status` still works.',
  slack_unreachable: 'The bot could not reach Slack: check its network, DNS and proxy settings (`HTTPS_PROXY`, `NO_PROXY`).',
  alert_not_open:
    'The alert\'s thread says whether it resolved. With several replicas, only the one started with `WATCH=on` takes Silence clicks: click again, or ask whoever runs the bot to send interactivity to that replica.',
  history_unavailable: 'History comes from the watcher: the host must be in `watch.hosts`, and the watcher (`WATCH=on`) must have sampled it.',
  not_strace_log:
    'Use it on a message with what strace wrote (`strace -f -tt -T -p PID -o trace.txt`) attached as a text file or a snippet, or pasted in a code block.',
  file_too_large: 'Summarise it where it is with `workerman-ops trace --from-file FILE`, or share a shorter part of the log.',
  file_unavailable:
    'Check that the file is still in Slack and that the bot is in this conversation (`/invite @workerman`); where the message says so, whoever runs the bot must add the `files:read` scope to the Slack app and reinstall it.',
  internal: 'Something unexpected failed inside the bot: the details are in its log.',
};

/** Returns what the user can do about an error of `code` (mrkdwn). */
export function renderErrorHint(code: BotErrorCode): string {
  return HINTS[code];
}

function describe(error: BotError): string {
  // The message can carry host output (a path, one stderr line): redact, escape, keep it to one section.
  return truncateEscaped(escapeMrkdwn(redactSecrets(error.message)), 2000);
}

/**
 * Returns the ephemeral reply for a failed command: what happened (with the code) and what to do. Only
 * the requester sees it; secrets in a quoted host line are redacted all the same.
 */
export function renderErrorMessage(error: BotError, context: { host?: string } = {}): SlackMessage {
  const blocks: KnownBlock[] = [
    section(`:x: ${describe(error)} (\`${error.code}\`)`),
    section(`*What to do:* ${HINTS[error.code]}`),
  ];
  if (context.host !== undefined) {
    blocks.push(contextBlock([`host \`${escapeCodeSpan(context.host)}\``]));
  }
  return { text: truncateEscaped(`${escapeMrkdwn(redactSecrets(error.message))} (${error.code})`, 2000), blocks };
}

// One short phrase per code for the channel: written here, so nothing a host printed ever reaches it.
const OUTCOMES: Record<BotErrorCode, string> = {
  config_invalid: 'the bot\'s configuration is invalid',
  input_invalid: 'the request is not valid',
  host_unknown: 'unknown host',
  ssh_connect_failed: 'could not connect over SSH',
  ssh_host_key_mismatch: 'the host key does not match the pinned one',
  ssh_auth_failed: 'SSH login failed',
  command_failed: 'the command failed on the host',
  command_timed_out: 'no answer in time',
  start_file_missing: 'the start file is missing',
  permission_denied: 'permission denied',
  workerman_not_running: 'Workerman is not running',
  workerman_php_error: 'PHP failed',
  status_unparseable: 'the status output could not be read',
  pid_not_found: 'no such process',
  pid_not_workerman: 'not a Workerman process',
  strace_missing: 'strace is not installed',
  strace_not_permitted: 'not permitted to trace',
  already_traced: 'the process is already being traced',
  trace_busy: 'too many traces on the host',
  pid_reused: 'the process ended and its pid was reused',
  target_left_traced: 'a traced process was left stopped or traced',
  host_setup_invalid: 'the host is not set up for this',
  audit_unavailable: 'the audit trail cannot be written',
  access_denied: 'not allowed',
  rate_limited: 'rate limited',
  slack_unreachable: 'Slack could not be reached',
  alert_not_open: 'the alert is not open here',
  history_unavailable: 'no history of this host',
  not_strace_log: 'not a strace log',
  file_too_large: 'the file is too large',
  file_unavailable: 'the file could not be read',
  internal: 'an internal error',
};

/** Returns the fixed, host-free phrase for `code` ("no answer in time"), as the channel may show it. */
export function renderErrorOutcome(code: BotErrorCode): string {
  return OUTCOMES[code];
}

/**
 * What failed, named by config values, numbers and what the requester typed (a worker name) only,
 * never by anything a host printed. A worker's pids are empty when looking it up failed.
 */
export type FailedRequest =
  | { kind: 'status'; host: string }
  | { kind: 'history'; host: string }
  | { kind: 'connections'; host: string }
  | { kind: 'trace'; host: string; pid: number }
  | { kind: 'trace'; host: string; workerName: string; pids: readonly number[] };

function describeFailedRequest(request: FailedRequest): { what: string; plainWhat: string } {
  if (request.kind === 'status' || request.kind === 'connections') {
    const noun = request.kind === 'status' ? 'status' : 'connections';
    return { what: `Workerman ${noun} of \`${escapeCodeSpan(request.host)}\``, plainWhat: escapeMrkdwn(`Workerman ${noun} of ${request.host}`) };
  }
  if (request.kind === 'history') {
    return { what: `Chart of \`${escapeCodeSpan(request.host)}\``, plainWhat: escapeMrkdwn(`Chart of ${request.host}`) };
  }
  if (!('workerName' in request)) {
    return { what: `Trace of PID ${request.pid} on \`${escapeCodeSpan(request.host)}\``, plainWhat: escapeMrkdwn(`Trace of PID ${request.pid} on ${request.host}`) };
  }
  const pids = request.pids.length === 0 ? '' : ` (${request.pids.length === 1 ? 'pid' : 'pids'} ${request.pids.slice(0, 5).join(', ')}${request.pids.length > 5 ? ', …' : ''})`;
  // One line, at most 40 characters of the name: it is shown in the channel.
  const name = truncatePlain(escapeControl(request.workerName), 40);
  return {
    what: `Trace of worker \`${escapeCodeSpan(name)}\`${pids} on \`${escapeCodeSpan(request.host)}\``,
    plainWhat: escapeMrkdwn(`Trace of worker ${name}${pids} on ${request.host}`),
  };
}

export interface FailureNoticeOptions {
  code: BotErrorCode;
  /** Slack user ID of the requester (`U…`/`W…`): mentioned as the one who got the details. */
  requestedBy: string;
  /** Whether the full message (which may quote the host) reached the requester privately. */
  detailsSent: boolean;
  /** Adds a Try again button (its value is the host, re-validated on click). */
  retryActionId?: string;
}

/**
 * Returns what the CHANNEL sees when a request failed: one line, the outcome, the error code and who
 * got the details ("Trace of PID 10354 on `web-1` failed: not a Workerman process (`pid_not_workerman`).
 * Details were sent to @ann."). The error's message stays out: it may quote the host (a refusal with
 * /proc/PID/cmdline, a PHP error, a path), and that goes only to the requester (renderErrorMessage).
 */
export function renderFailureNotice(request: FailedRequest, opts: FailureNoticeOptions): SlackMessage {
  // The fallback text is mrkdwn too (it shows in notifications): the host escaped, the mention kept.
  const { what, plainWhat } = describeFailedRequest(request);
  const who = mention(opts.requestedBy);
  const details = opts.detailsSent ? `Details were sent to ${who}.` : `The details could not be sent to ${who} privately: ask again to see them.`;
  const line = `:x: ${what} failed: ${OUTCOMES[opts.code]} (\`${opts.code}\`). ${details}`;
  const plain = `${plainWhat} failed: ${OUTCOMES[opts.code]} (${opts.code}). ${details}`;
  const blocks: KnownBlock[] = [section(line)];
  if (opts.retryActionId !== undefined) {
    blocks.push({
      type: 'actions',
      elements: [{ type: 'button', action_id: opts.retryActionId, text: { type: 'plain_text', text: 'Try again' }, value: request.host }],
    });
  }
  return { text: plain, blocks };
}

// A shutdown is not a failure of the request, nor a timeout: no code, nothing to configure.
const SHUTDOWN = 'Cancelled: the bot is shutting down. Ask again in a minute.';

/** Returns what the CHANNEL sees when a request was stopped by a shutdown ("… stopped. Cancelled: the bot is shutting down…"). */
export function renderShutdownNotice(request: FailedRequest): SlackMessage {
  const { what, plainWhat } = describeFailedRequest(request);
  return { text: `${plainWhat} stopped. ${SHUTDOWN}`, blocks: [section(`:x: ${what} stopped. ${SHUTDOWN}`)] };
}

/** Returns the private reply for a request a shutdown stopped (the doctor, or where the bot cannot post). */
export function renderShutdownReply(): SlackMessage {
  return sectionMessage(`:x: Stopped before it finished. ${SHUTDOWN}`);
}

/** Returns the ephemeral hint for a channel the bot cannot post in (`not_in_channel`, `channel_not_found`). */
export function renderNotInChannelHint(slackError: string): SlackMessage {
  const text =
    slackError === 'not_in_channel'
      ? ':wave: I am not a member of this channel, so I cannot post the status thread here. Invite me with `/invite @workerman`, or run the command in a DM with me.'
      : ':wave: I cannot post in this conversation (a private channel I am not in, or a DM between people). Invite me with `/invite @workerman`, or run the command in a DM with me.';
  return sectionMessage(text);
}
