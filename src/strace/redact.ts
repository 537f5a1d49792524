/**
 * Redaction of secrets in anything the bot shows or uploads (evidence lines, unparsed samples, the raw
 * strace log). strace prints strings C-escaped, so a header ends at the two characters `\r` (backslash,
 * r), not at a carriage return; both forms are handled. Redaction errs on the side of hiding too much.
 */

const MASK = '[REDACTED]';

/** Key names whose values are secrets (matched inside longer names too: `db_password`, `client_secret`). */
const SECRET_KEY = '(?:password|passwd|pwd|secret|token|api_key|apikey|api-key|access_key|private_key|credentials?)';

// A value ends at a C escape for CR/LF/TAB/quote/NUL, a real line break, or a string-ending quote.
const HEADER_VALUE = String.raw`(?:(?!\\[rnt"0])[^"\r\n])+`;
const HEADER = new RegExp(
  String.raw`(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-auth-token|x-access-token|x-csrf-token|api-key)(\s*:\s*)(${HEADER_VALUE})`,
  'gi',
);
const AUTH_SCHEME = /^(Bearer|Basic|Digest|Token|Negotiate)\s+/i;
const BEARER = /\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]+/g;
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/\s:@"]*):([^@\s/"]*)@/gi;
const JSON_SECRET = new RegExp(
  String.raw`(\\?")([^"\\]*${SECRET_KEY}[^"\\]*)\1(\s*:\s*)\1((?:(?!\1)[^\r\n])*)(\1)?`,
  'gi',
);
const PARAM_SECRET = new RegExp(String.raw`([A-Za-z0-9_.\-\[\]]*${SECRET_KEY}[A-Za-z0-9_.\-\[\]]*)=((?:(?!\\[rnt"0])[^&\s"';,}])+)`, 'gi');

/** Returns `text` with secrets replaced by `[REDACTED]`; everything else unchanged. */
export function redactSecrets(text: string): string {
  if (text.length === 0) return text;
  return text
    .replace(URL_USERINFO, (_m, scheme: string, user: string) => `${scheme}${user}:${MASK}@`)
    .replace(HEADER, (_m, name: string, sep: string, value: string) => {
      const scheme = AUTH_SCHEME.exec(value);
      return `${name}${sep}${scheme !== null ? scheme[0] : ''}${MASK}`;
    })
    .replace(BEARER, (m, scheme: string, sp: string) => (m.endsWith(MASK) ? m : `${scheme}${sp}${MASK}`))
    .replace(JSON_SECRET, (_m, q: string, key: string, sep: string, _value: string, close: string | undefined) => `${q}${key}${q}${sep}${q}${MASK}${close ?? ''}`)
    .replace(PARAM_SECRET, (_m, key: string) => `${key}=${MASK}`);
}
