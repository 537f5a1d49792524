/**
 * The first line of the data a socket read returned, read from its syscall line as strace printed it:
 * `recvfrom(7<TCP:[…]>, "GET /upstream?port=18790 HTTP/1.1\r\nHost: …", 87380, …) = 84` gives
 * `GET /upstream?port=18790 HTTP/1.1`. strace's escapes are kept as printed (`\"`, `\x01`); the line
 * ends at the first escaped line break, at the end of the string, or where strace cut it (`-s`), then
 * marked with `…`. Data that does not start like text (a WebSocket frame, TLS) gives null. Nothing
 * here redacts: the verdict's wording does, before it cuts the line to its own length.
 */

import { CH_0, CH_9, CH_GT, CH_LT, CH_MINUS } from './line-chars.js';

/** Characters of the request line kept from the trace (the wording cuts shorter, after redacting). */
export const MAX_REQUEST_LINE_CHARS = 512;
/** Bytes of a syscall line decoded to look for it: the fd annotation, then the line itself. */
const MAX_SCAN_BYTES = 4096;
const RESUMED = ' resumed>';
const CH_QUOTE = 34;
const CH_BACKSLASH = 92;

/**
 * The request line in the syscall line `line` (a read whose data is its first string argument, or the
 * `<... recvfrom resumed>"…"` half of one), or null.
 *
 * @example readRequestLine('recvfrom(7, "GET /x HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n", 87380, 0, NULL, NULL) = 40') // 'GET /x HTTP/1.1'
 * @example readRequestLine('recvfrom(7, "GET /upstream?port=18790 HTTP/1."..., 87380, 0, NULL, NULL) = 84') // 'GET /upstream?port=18790 HTTP/1.…'
 */
export function readRequestLine(line: string): string | null {
  const quote = dataQuote(line);
  return quote < 0 ? null : lineFrom(line, quote + 1);
}

/** readRequestLine() of the syscall line in `buf[start, end)` (decoded only as far as it can be). */
export function readRequestLineBytes(buf: Buffer, start: number, end: number): string | null {
  return readRequestLine(buf.toString('utf8', start, Math.min(end, start + MAX_SCAN_BYTES)));
}

/** Where the data's opening quote is: after `resumed>`, or after the first argument (an fd and its annotation); -1 if none. */
function dataQuote(line: string): number {
  const resumed = line.indexOf(RESUMED);
  if (resumed >= 0) {
    const q = resumed + RESUMED.length;
    return line.charCodeAt(q) === CH_QUOTE ? q : -1;
  }
  let i = line.indexOf('(');
  if (i < 0) return -1;
  i++;
  let c = line.charCodeAt(i);
  if (c < CH_0 || c > CH_9) return -1;
  while (c >= CH_0 && c <= CH_9) c = line.charCodeAt(++i);
  if (c === CH_LT) {
    // The `-y/-yy` annotation ends at the first `>` that is not a peer's `->`.
    for (i++; i < line.length; i++) if (line.charCodeAt(i) === CH_GT && line.charCodeAt(i - 1) !== CH_MINUS) break;
    if (i >= line.length) return -1;
    i++;
  }
  // `, "…"` (read, recv, recvfrom) or `, [{iov_base="…"` (readv, recvmsg): the first string argument.
  const q = line.indexOf('"', i);
  return q < 0 ? -1 : q;
}

/** The line that starts at `from` (just after the opening quote), or null when it does not start like text. */
function lineFrom(line: string, from: number): string | null {
  const first = line.charCodeAt(from);
  // Text starts with a printable character; a binary frame starts with an escape (`\x81`, `\26`).
  if (!(first > 32 && first < 127) || first === CH_BACKSLASH || first === CH_QUOTE) return null;
  const limit = Math.min(line.length, from + MAX_REQUEST_LINE_CHARS);
  let i = from;
  let isCut = true;
  while (i < limit) {
    const c = line.charCodeAt(i);
    if (c === CH_QUOTE) {
      // The end of the string: strace marks one it cut at `-s` with `...` right after the quote.
      isCut = line.startsWith('...', i + 1);
      break;
    }
    if (c === CH_BACKSLASH) {
      const next = line.charCodeAt(i + 1);
      if (next === 114 /* r */ || next === 110 /* n */) {
        isCut = false;
        break;
      }
      i += 2;
      continue;
    }
    i++;
  }
  const text = line.slice(from, Math.min(i, limit)).trimEnd();
  if (text === '') return null;
  return isCut ? `${text}…` : text;
}
