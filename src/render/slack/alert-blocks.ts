import type { Button, KnownBlock } from '@slack/types';
import type { Alert } from '../../watch/types.js';
import { escapeControl } from '../escape-control.js';
import { context, mention, section, sectionMessage } from './blocks.js';
import { formatDuration } from '../format.js';
import { countChars, escapeCodeSpan, escapeMrkdwn, truncateEscaped, truncatePlain } from './escape.js';
import { SLACK_LIMITS, type SlackMessage } from './limits.js';

// Evidence is one fact a line; a message that lists more is no longer read.
const MAX_EVIDENCE_LINES = 8;
const EVIDENCE_LINE_CHARS = 400;
// Slack caps a button's value at 2000 characters; an alert key longer than that gets no button.
const BUTTON_VALUE_CHARS = 2000;

export interface AlertMessageOptions {
  /** Bot clock (ms since the epoch): how long the alert has been open. */
  now: number;
  /** Action id of the Trace button (the trace menu's, value `host:pid`); absent: no Trace button. */
  traceActionId?: string;
  /** Action id of the "Silence 1 h" button (value: the alert key); absent: no button. */
  silenceActionId?: string;
  /** While silenced: until when, and who silenced it (a Slack user ID). */
  silenced?: { untilMs: number; by: string };
}

/**
 * Returns the channel message of an open alert: the title, where and since when, the evidence, the next
 * step (the command to run), and a Trace button on its first pid and a "Silence 1 h" button. Everything
 * from the alert is host data (worker names, calls): escaped, cut, never a mention or a link.
 */
export function renderAlertMessage(alert: Alert, opts: AlertMessageOptions): SlackMessage {
  const icon = alert.severity === 'critical' ? ':rotating_light:' : ':warning:';
  const blocks: KnownBlock[] = [
    section(`${icon} *${escapeMrkdwn(alert.title)}*`),
    context([`${describeWhere(alert)} · open since ${formatClock(alert.since, opts.now)} (${formatDuration(Math.max(0, opts.now - alert.since))}) · ${alert.severity}`]),
  ];
  const evidence = renderEvidence(alert.evidence);
  if (evidence !== null) blocks.push(section(evidence));
  if (alert.nextStep !== '') blocks.push(section(`*Next step:* ${escapeMrkdwn(alert.nextStep)}`));
  if (opts.silenced !== undefined) {
    blocks.push(context([`:mute: Silenced by ${mention(opts.silenced.by)} until ${formatClock(opts.silenced.untilMs, opts.now)}: this message is not updated until then.`]));
  }
  const buttons = renderButtons(alert, opts);
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  const label = alert.severity === 'critical' ? 'Critical' : 'Warning';
  return { text: truncateEscaped(escapeMrkdwn(`${label}: ${alert.title}`), SLACK_LIMITS.fallbackTextChars, '…'), blocks };
}

/**
 * Returns the parent of a resolved alert: it says resolved, why, and how long it lasted, with the
 * evidence as last seen and no buttons (nothing left to trace or silence).
 */
export function renderAlertResolvedMessage(alert: Alert): SlackMessage {
  const end = alert.resolvedAt ?? alert.updatedAt;
  const blocks: KnownBlock[] = [
    section(`:white_check_mark: *Resolved:* ${escapeMrkdwn(alert.title)}`),
    context([`${describeWhere(alert)} · open from ${formatClock(alert.since, end)} to ${formatClock(end, end)} (${formatDuration(Math.max(0, end - alert.since))})`]),
  ];
  if (alert.resolution !== null) blocks.push(section(`*Why:* ${escapeMrkdwn(alert.resolution)}`));
  const evidence = renderEvidence(alert.evidence);
  if (evidence !== null) blocks.push(section(`*Last seen:*\n${evidence}`));
  return { text: truncateEscaped(escapeMrkdwn(`Resolved: ${alert.title}`), SLACK_LIMITS.fallbackTextChars, '…'), blocks };
}

/** Returns the thread reply when an alert clears: "Resolved at 07:10 UTC after 1 h 8 min: pid 19366 is gone." */
export function renderAlertResolvedReply(alert: Alert): SlackMessage {
  const end = alert.resolvedAt ?? alert.updatedAt;
  const why = alert.resolution === null ? '' : `: ${escapeMrkdwn(alert.resolution)}`;
  return sectionMessage(`:white_check_mark: Resolved at ${formatClock(end, end)} after ${formatDuration(Math.max(0, end - alert.since))}${why}.`);
}

/** Returns the thread reply when someone silences an alert: who, until when, and what still comes. */
export function renderAlertSilencedReply(opts: { by: string; untilMs: number; now: number }): SlackMessage {
  return sectionMessage(
    `:mute: ${mention(opts.by)} silenced this alert for ${formatDuration(opts.untilMs - opts.now)} (until ${formatClock(opts.untilMs, opts.now)}): no updates until then. Its resolution is still posted here.`,
  );
}

function renderButtons(alert: Alert, opts: AlertMessageOptions): Button[] {
  const buttons: Button[] = [];
  const pid = alert.pids[0];
  // The trace menu's value: the click asks for confirmation, and host and pid are checked again there.
  if (opts.traceActionId !== undefined && pid !== undefined) {
    buttons.push({ type: 'button', action_id: opts.traceActionId, text: { type: 'plain_text', text: `Trace PID ${pid}` }, value: `${alert.host}:${pid}` });
  }
  if (opts.silenceActionId !== undefined && opts.silenced === undefined && alert.key.length <= BUTTON_VALUE_CHARS) {
    buttons.push({ type: 'button', action_id: opts.silenceActionId, text: { type: 'plain_text', text: 'Silence 1 h' }, value: alert.key });
  }
  return buttons;
}

/** `host \`web-1\` · stuck · \`19366\``: where the alert is, all of it escaped (the subject may be a worker name). */
function describeWhere(alert: Alert): string {
  const subject = alert.subject === 'host' ? '' : ` · \`${escapeCodeSpan(truncatePlain(escapeControl(alert.subject), 80))}\``;
  return `host \`${escapeCodeSpan(alert.host)}\` · ${escapeMrkdwn(alert.kind)}${subject}`;
}

/** The evidence as bullets, as many as fit one section, then how many more there are. */
function renderEvidence(lines: readonly string[]): string | null {
  if (lines.length === 0) return null;
  const budget = SLACK_LIMITS.sectionTextChars - 40;
  const shown: string[] = [];
  let used = 0;
  for (const line of lines.slice(0, MAX_EVIDENCE_LINES)) {
    const bullet = `• ${escapeMrkdwn(truncatePlain(escapeControl(line), EVIDENCE_LINE_CHARS))}`;
    const size = countChars(bullet) + 1;
    if (used + size > budget) break;
    shown.push(bullet);
    used += size;
  }
  if (shown.length < lines.length) shown.push(`• … and ${lines.length - shown.length} more`);
  return shown.join('\n');
}

/** `06:02 UTC`, with the date when it is not the day of `now`. */
function formatClock(ms: number, now: number): string {
  const iso = new Date(ms).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}
