import type { AuditLine } from './audit-line.js';

/** Returns the one-line audit-channel text for a line (Slack mrkdwn, escaped). */
export function renderAuditText(line: AuditLine): string {
  const icon = line.outcome === 'ok' ? '✅' : line.outcome === 'denied' ? '⛔' : line.outcome === 'rate_limited' ? '⏳' : '⚠️';
  const target = line.host === null ? '' : ` ${line.host}`;
  const pids = line.pids.length > 0 ? ` pid ${line.pids.join(',')}` : '';
  const code = line.errorCode === null ? '' : ` (${line.errorCode})`;
  const who = /^[UW][A-Z0-9]+$/.test(line.userId) ? `<@${line.userId}>` : escapeMrkdwn(line.userId);
  const where = /^[CG][A-Z0-9]+$/.test(line.channelId) ? `<#${line.channelId}>` : escapeMrkdwn(line.channelId);
  const alert = line.alert === undefined ? '' : ` ${line.alert.event} ${line.alert.kind} ${line.alert.subject}`;
  return `${icon} ${who} in ${where}: \`${escapeMrkdwn(`${line.command}${alert}${target}${pids}`)}\` → ${line.outcome}${escapeMrkdwn(code)}, ${line.durationMs} ms`;
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, "'");
}
