import type { KnownBlock } from '@slack/types';
import type { DoctorCheck, DoctorHostReport } from '../../host/doctor-types.js';
import { redactSecrets } from '../../strace/redact.js';
import { context, section } from './blocks.js';
import { escapeCodeSpan, escapeMrkdwn, truncateEscaped } from './escape.js';
import { SLACK_LIMITS, type SlackMessage } from './limits.js';

const ICONS = { pass: ':white_check_mark:', fail: ':x:', warn: ':warning:' } as const;
/** A check's line (detail and fix) is cut to this many characters: one long host line must not crowd out the rest. */
const MAX_CHECK_CHARS = 900;

/** Escapes what may come from the host (paths, version lines, messages quoting stderr), secrets redacted. */
function safe(text: string): string {
  return escapeMrkdwn(redactSecrets(text));
}

function checkLine(check: DoctorCheck): string {
  const icon = check.ok === true ? ICONS.pass : check.ok === false ? ICONS.fail : ICONS.warn;
  const head = `${icon} \`${escapeCodeSpan(check.id)}\` ${safe(check.detail)}`;
  const fix = check.ok !== true && check.fix !== null ? `\n        *fix:* ${safe(check.fix)}` : '';
  return truncateEscaped(`${head}${fix}`, MAX_CHECK_CHARS, '…');
}

/**
 * Returns the ephemeral answer to `/workerman doctor <host>`: the verdict, one line per check with the
 * fix under each failure, and a note that only the requester sees it. It names host facts (paths, uids,
 * kernel settings), so it is never posted in the channel. Within Slack's block and text limits.
 */
export function renderDoctorMessage(report: DoctorHostReport): SlackMessage {
  const failed = report.checks.filter((c) => c.ok === false).length;
  const warned = report.checks.filter((c) => c.ok === 'warn').length;
  const verdict =
    failed > 0
      ? `${failed} problem${failed === 1 ? '' : 's'}${warned > 0 ? `, ${warned} warning${warned === 1 ? '' : 's'}` : ''}`
      : warned > 0
        ? `no problems, ${warned} warning${warned === 1 ? '' : 's'}`
        : 'every check passed';
  const title = `${failed > 0 ? ICONS.fail : warned > 0 ? ICONS.warn : ICONS.pass} *Doctor for \`${escapeCodeSpan(report.host)}\`*: ${verdict}`;
  const blocks: KnownBlock[] = [section(title)];
  let total = title.length;
  let chunk: string[] = [];
  const budget = SLACK_LIMITS.messageTextChars - 400;
  const flush = (): void => {
    if (chunk.length === 0) return;
    const text = chunk.join('\n');
    blocks.push(section(text));
    total += text.length;
    chunk = [];
  };
  let shown = 0;
  for (const check of report.checks) {
    const line = checkLine(check);
    if ([...chunk, line].join('\n').length > SLACK_LIMITS.sectionTextChars) flush();
    if (total + chunk.join('\n').length + line.length > budget || blocks.length >= SLACK_LIMITS.blocksPerMessage - 2) break;
    chunk.push(line);
    shown += 1;
  }
  flush();
  const notes = [
    shown < report.checks.length ? `${report.checks.length - shown} more checks did not fit: run \`workerman-ops doctor ${escapeCodeSpan(report.host)}\` where the bot runs.` : null,
    'Only you can see this. Doctor ran `status` once (it signals every worker); fixes that name `workerman-ops` run where the bot runs.',
  ].filter((s): s is string => s !== null);
  blocks.push(context(notes));
  const text = truncateEscaped(`Doctor for ${safe(report.host)}: ${verdict}`, SLACK_LIMITS.fallbackTextChars);
  return { text, blocks };
}
