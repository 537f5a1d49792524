import { sectionMessage } from './blocks.js';
import { escapeCodeSpan } from './escape.js';
import type { SlackMessage, ThreadGaps } from './limits.js';

/**
 * Returns what a parent says about the parts that did not reach its thread (mrkdwn), or null when
 * nothing is missing: ":warning: Not everything reached the thread: 1 reply could not be posted;
 * `web-1-status.txt` could not be attached." Files named in `except` are said elsewhere by the caller.
 */
export function describeThreadGaps(gaps: ThreadGaps | undefined, except: readonly string[] = []): string | null {
  if (gaps === undefined) return null;
  const parts: string[] = [];
  if (gaps.replies > 0) parts.push(`${gaps.replies} ${gaps.replies === 1 ? 'reply' : 'replies'} could not be posted`);
  const files = gaps.files.filter((f) => !except.includes(f));
  if (files.length > 0) parts.push(`${files.map((f) => `\`${escapeCodeSpan(f)}\``).join(', ')} could not be attached`);
  return parts.length === 0 ? null : `:warning: Not everything reached the thread: ${parts.join('; ')}.`;
}

/** Returns the note posted in a thread where one of its replies was refused (`slackError`). */
export function renderReplyFailedNote(slackError: string): SlackMessage {
  return sectionMessage(`:warning: A reply of this thread could not be posted (\`${escapeCodeSpan(slackError)}\`).`);
}

/**
 * Returns the note posted where a file should have been attached (":warning: I could not attach the
 * raw log here (`internal_error`)."); `what` is written by the caller, never taken from a host.
 */
export function renderUploadFailedNote(what: string, slackError: string): SlackMessage {
  // Slack needs the bot to be a member for files, even where chat:write.public lets it post.
  const hint = slackError === 'not_in_channel' ? ' Files need me to be a member of the channel: `/invite @workerman`.' : '';
  return sectionMessage(`:warning: I could not attach ${what} here (\`${escapeCodeSpan(slackError)}\`).${hint}`);
}
