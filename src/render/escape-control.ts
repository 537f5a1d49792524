// C0 and C1 controls and DEL (they drive a terminal: `\x1b[2J` clears it, `\x1b]0;…` retitles it), the line
// and paragraph separators (a new line where none was meant), and the bidi marks, overrides and isolates
// (they reorder what is shown, so `exe.txt` can display as `txt.exe`).
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/**
 * Returns `text` (a worker name, an address, a line a host printed) with every control character written
 * as a visible escape (`\x1b`, `\u202e`), on one line: output from a host can never drive the reader's
 * terminal nor reorder or break a line. The one escape for text output; Slack's mrkdwn escaping is
 * render/slack/escape.ts, and Slack text goes through both.
 */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE_CHARS, (ch) => {
    const code = ch.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
