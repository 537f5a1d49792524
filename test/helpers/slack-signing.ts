// Builds requests exactly as Slack sends them to an HTTP-mode app: v0 HMAC-SHA256 signature over
// `v0:{timestamp}:{raw body}` and the content type `application/x-www-form-urlencoded` with NO charset
// (Bolt form-parses only that exact value). See shared/docs/slack-platform.md 2.5.
import { signSlackRequest } from '../../bench/sign-slack-request.js';

export { signSlackRequest };

export const TEST_SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';

export interface CommandFields {
  text: string;
  responseUrl: string;
  userId?: string;
  channelId?: string;
  teamId?: string;
  command?: string;
}

/** The fields of a slash command, with real-looking IDs (a Socket Mode envelope's payload is this object). */
export function commandFields(f: CommandFields): Record<string, string> {
  return {
    token: 'legacy-verification-token-ignored',
    team_id: f.teamId ?? 'T0123ABCD',
    team_domain: 'acme',
    channel_id: f.channelId ?? 'C0123ABCD',
    channel_name: 'ops',
    user_id: f.userId ?? 'U0123ABCD',
    user_name: 'jdoe',
    command: f.command ?? '/workerman',
    text: f.text,
    api_app_id: 'A0123ABCD',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: '123.456.abc',
  };
}

/** The form body of a slash command, with real-looking IDs. */
export function commandBody(f: CommandFields): string {
  return new URLSearchParams(commandFields(f)).toString();
}

export interface SendOptions {
  secret?: string;
  timestampS?: number;
  /** Replace the computed signature (forgery tests). */
  signature?: string;
}

async function send(eventsUrl: string, body: string, o: SendOptions): Promise<Response> {
  const headers = signSlackRequest(o.secret ?? TEST_SIGNING_SECRET, body, o.timestampS);
  if (o.signature !== undefined) headers['x-slack-signature'] = o.signature;
  // A string body: fetch would add "; charset=UTF-8" to a URLSearchParams body, which Bolt rejects.
  return fetch(eventsUrl, { method: 'POST', headers, body });
}

/** POSTs a signed slash command to `eventsUrl` (`http://127.0.0.1:PORT/slack/events`). */
export function sendCommand(eventsUrl: string, fields: CommandFields, o: SendOptions = {}): Promise<Response> {
  return send(eventsUrl, commandBody(fields), o);
}

export interface ButtonClick {
  actionId: string;
  value: string;
  responseUrl: string;
  channelId?: string;
  userId?: string;
  /** The message holding the button. */
  messageTs: string;
  /** Set when the message is a thread reply. */
  threadTs?: string;
  /** `static_select`: `value` is the selected option's value. Default `button`. */
  kind?: 'button' | 'static_select';
}

/** The `block_actions` payload of a button click (or a select), as Slack sends it. */
export function buttonClickPayload(click: ButtonClick): Record<string, unknown> {
  const channelId = click.channelId ?? 'C0123ABCD';
  return {
    type: 'block_actions',
    user: { id: click.userId ?? 'U0123ABCD', username: 'jdoe', team_id: 'T0123ABCD' },
    team: { id: 'T0123ABCD', domain: 'acme' },
    enterprise: null,
    is_enterprise_install: false,
    api_app_id: 'A0123ABCD',
    token: 'legacy-verification-token-ignored',
    trigger_id: '123.456.abc',
    response_url: click.responseUrl,
    container: { type: 'message', message_ts: click.messageTs, channel_id: channelId, is_ephemeral: false, ...(click.threadTs ? { thread_ts: click.threadTs } : {}) },
    channel: { id: channelId, name: 'ops' },
    message: { type: 'message', ts: click.messageTs, text: 'status', ...(click.threadTs ? { thread_ts: click.threadTs } : {}) },
    state: { values: {} },
    actions: [
      click.kind === 'static_select'
        ? { type: 'static_select', action_id: click.actionId, block_id: 'b1', selected_option: { text: { type: 'plain_text', text: click.value }, value: click.value }, action_ts: '1700000001.000000' }
        : { type: 'button', action_id: click.actionId, block_id: 'b1', value: click.value, action_ts: '1700000001.000000' },
    ],
  };
}

/** POSTs a signed `block_actions` payload for a button click (interactivity wire format). */
export function sendButtonClick(eventsUrl: string, click: ButtonClick, o: SendOptions = {}): Promise<Response> {
  return send(eventsUrl, `payload=${encodeURIComponent(JSON.stringify(buttonClickPayload(click)))}`, o);
}

/** The Events API callback (`event_callback`) carrying `event`, as Slack sends it. */
export function eventCallback(event: Record<string, unknown>, o: { teamId?: string } = {}): Record<string, unknown> {
  return {
    token: 'legacy-verification-token-ignored',
    team_id: o.teamId ?? 'T0123ABCD',
    api_app_id: 'A0123ABCD',
    event: { event_ts: '1700000002.000100', ...event },
    type: 'event_callback',
    event_id: `Ev${Date.now()}${Math.floor(Math.random() * 1000)}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: o.teamId ?? 'T0123ABCD', user_id: 'U0BOT00001', is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** POSTs a signed Events API callback (JSON, as Slack sends it) carrying `event`. */
export function sendEvent(eventsUrl: string, event: Record<string, unknown>, o: SendOptions & { teamId?: string } = {}): Promise<Response> {
  const body = JSON.stringify(eventCallback(event, o));
  const headers: Record<string, string> = { ...signSlackRequest(o.secret ?? TEST_SIGNING_SECRET, body, o.timestampS), 'content-type': 'application/json' };
  if (o.signature !== undefined) headers['x-slack-signature'] = o.signature;
  return fetch(eventsUrl, { method: 'POST', headers, body });
}

export interface MessageShortcutFields {
  callbackId: string;
  responseUrl: string;
  /** The message it was used on, as the stand-in's shareFile/postUserMessage return it. */
  message: Record<string, unknown>;
  channelId?: string;
  userId?: string;
  teamId?: string;
}

/** The `message_action` payload of a message shortcut, as Slack sends it (interactivity wire format). */
export function messageShortcutPayload(f: MessageShortcutFields): Record<string, unknown> {
  const teamId = f.teamId ?? 'T0123ABCD';
  return {
    type: 'message_action',
    token: 'legacy-verification-token-ignored',
    action_ts: '1700000003.000100',
    team: { id: teamId, domain: 'acme' },
    user: { id: f.userId ?? 'U0123ABCD', username: 'jdoe', name: 'jdoe', team_id: teamId },
    channel: { id: f.channelId ?? 'C0123ABCD', name: 'ops' },
    is_enterprise_install: false,
    enterprise: null,
    callback_id: f.callbackId,
    trigger_id: '123.456.abc',
    response_url: f.responseUrl,
    message_ts: f.message['ts'],
    message: f.message,
  };
}

/** POSTs a signed `message_action` payload (a message shortcut). */
export function sendMessageShortcut(eventsUrl: string, fields: MessageShortcutFields, o: SendOptions = {}): Promise<Response> {
  return send(eventsUrl, `payload=${encodeURIComponent(JSON.stringify(messageShortcutPayload(fields)))}`, o);
}
