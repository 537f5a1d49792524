/**
 * Slack mrkdwn treats only `&`, `<` and `>` as control characters: escaping them (ampersand first) is what
 * turns `<!channel>`, `<@U…>` and `<http://x|y>` from a host or a user into literal text.
 * See https://docs.slack.dev/messaging/formatting-message-text
 */

/** Returns `text` safe to put into a mrkdwn object or a message's fallback `text`. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Returns escaped `text` for inside a ``` fence: a ``` in the data would close the fence early. */
export function escapeCodeBlock(text: string): string {
  return escapeMrkdwn(text).replace(/```/g, 'ʼʼʼ');
}

/** Returns escaped `text` for inside a `code span`, which a backtick in the data would end. */
export function escapeCodeSpan(text: string): string {
  return escapeMrkdwn(text).replace(/`/g, 'ʼ');
}

/** Counts characters the way Slack's limits do (code points; UTF-16 length would also be safe). */
export function countChars(text: string): number {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * Cuts ALREADY ESCAPED text to at most `maxChars` code points including `marker`, never inside an
 * entity (`&amp;`), preferring a line end near the cut.
 */
export function truncateEscaped(escaped: string, maxChars: number, marker = '\n…(truncated)'): string {
  const cps = Array.from(escaped);
  if (cps.length <= maxChars) return escaped;
  let cut = cps.slice(0, Math.max(0, maxChars - countChars(marker))).join('');
  cut = cut.replace(/&[a-z]{0,3}$/, '');
  const nl = cut.lastIndexOf('\n');
  if (nl > cut.length * 0.8) cut = cut.slice(0, nl);
  return cut + marker;
}

/** Cuts plain (unescaped) text such as a header or a raw_text cell to `maxChars` code points. */
export function truncatePlain(text: string, maxChars: number): string {
  const cps = Array.from(text);
  return cps.length <= maxChars ? text : `${cps.slice(0, maxChars - 1).join('')}…`;
}
