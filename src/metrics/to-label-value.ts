/** Longest label value written, in code points: a name longer than this is cut (and marked `…`). */
export const MAX_LABEL_CHARS = 128;

// C0 and C1 controls except tab and line feed (the exposition format escapes `\n`; a tab is harmless),
// and lone UTF-16 surrogates (they cannot be written as UTF-8).
const UNWRITABLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Returns `raw` (a host or worker name as a host printed it) as a label value: control characters
 * other than tab and newline become U+FFFD, the value is cut to MAX_LABEL_CHARS code points, and an
 * empty name becomes `_unnamed`. Quotes, backslashes and newlines are kept: prom-client escapes them in
 * the text format (`\"`, `\\`, `\n`). Two names that read the same afterwards are one series.
 */
export function toLabelValue(raw: string): string {
  const clean = raw.replace(UNWRITABLE, '\ufffd');
  const chars = [...clean];
  if (chars.length === 0) return '_unnamed';
  return chars.length > MAX_LABEL_CHARS ? `${chars.slice(0, MAX_LABEL_CHARS - 1).join('')}…` : clean;
}
