/**
 * Redaction of secrets in anything the bot shows or uploads (the raw strace log, evidence lines, fd
 * paths, unparsed samples). strace prints strings C-escaped: a CR LF is the four characters `\r\n`, a
 * NUL is `\0` (or `\000`), a quote inside a string is `\"`, and a string cut at `-s` ends in `"...`.
 * Every rule accepts both that form and plain text, and a value ends where its string is cut. Rules
 * err on the side of hiding too much; what they keep (key names, header names, quotes, the `AUTH`
 * verb, a token's prefix) is there so the redacted line still reads.
 *
 * Speed: this runs on every line of a raw log (millions). A line that contains none of the candidate
 * keywords (TRIGGERS, one regex over the lower-cased line) is returned untouched; only candidate lines
 * pay for the rules, and each rule is gated by its own keyword.
 */

const MASK = '[REDACTED]';

/**
 * Lower-case keywords: a line without any of them holds nothing any rule below would redact. A rule's
 * `gate` names (a subset of) these; a rule whose keyword were missing here would never run, and its
 * rows in test/helpers/secret-rows.ts would fail.
 */
const TRIGGERS = [
  'pass', 'pwd', 'secret', 'token', 'key', 'auth', 'cookie', 'bearer', 'basic', 'credential', 'sess',
  'signature', 'sig=', 'code=', 'code_verifier', 'client_assertion', '://', '-----begin', 'p\\0', 'p\\x00',
  'mysql', 'mariadb', 'redis', 'curl', 'identified', 'k_live_', 'k_test_', 'whsec_', 'ghp_', 'gho_', 'ghu_',
  'ghs_', 'ghr_', 'github_pat_', 'glpat-', 'xox', 'xapp-', 'npm_', 'hooks.slack',
] as const;
const CANDIDATE = new RegExp(TRIGGERS.map((t) => t.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')).join('|'));
/** Case-sensitive markers (JWTs, Google API keys): lower-casing would make them match random base64. */
const CASE_MARKERS = ['eyJ', 'AIza'] as const;

/** Returns true when `name` (a key, header, flag, tag or parameter name) names a secret. */
export function isSecretName(name: string, opts: { param?: boolean } = {}): boolean {
  const n = name.toLowerCase().replace(/^[-[\]"'\\]+|[-[\]"'\\]+$/g, '');
  if (SECRET_NAME.test(n)) return true;
  // In a URL or form only: OAuth's `code=`/`code_verifier=`, Azure SAS `sig=`.
  return opts.param === true && PARAM_ONLY_NAME.test(n);
}
const SECRET_NAME =
  /passw|passphrase|(?:^|[-_.[ %])pass(?:$|[-_.\]%])|pwd|secret|token|credential|authoriz|cookie|sessid|session[-_]?id|signature|api[-_]?key|private[-_]?key|access[-_]?key|auth[-_]?key|(?:^|[-_.[])(?:x-)?auth$|(?:^|[-_.[%])key(?:$|[\]%])|requirepass|masterauth|client[-_]?assertion|code[-_]?verifier/;
const PARAM_ONLY_NAME = /^(?:code|sig)$/;

// One escape pair of a C-escaped string, or one plain character that does not end the string.
const CHAR = String.raw`(?:\\.|[^"\\\r\n])`;
// The same, for a value that runs to the end of its line: it ends at an escaped line break, tab or NUL.
const LINE_CHAR = String.raw`(?:\\[^rnt0]|[^"\\\r\n])`;
// An unquoted token: ends at whitespace, a quote, a separator, or any escaped control character.
const TOKEN_CHAR = String.raw`(?:\\[^rnt0"]|[^&\s"'\\;])`;
// What may stand right before a token: not a word character, unless that is the letter of an escape
// (`\nghp_…`, `\0-p…`): `\b` would miss those.
const TOKEN_START = String.raw`(?:(?<![A-Za-z0-9_])|(?<=\\[nrt0]))`;
// What may stand right before a name: start, a non-name character, or an escape such as `\n`.
const NAME_START = String.raw`(?<=^|[^A-Za-z0-9_.%\-[\]\\]|\\[nrt0])`;

type Rule = { gate: (lower: string, text: string) => boolean; apply: (text: string) => string };

const has =
  (...words: string[]) =>
  (lower: string): boolean =>
    words.some((w) => lower.includes(w));
/** True for a value with nothing left to hide: already masked (redaction is idempotent) or empty. */
const isMasked = (value: string): boolean => value === '' || value.startsWith(MASK);

// -----BEGIN … PRIVATE KEY----- … -----END … PRIVATE KEY-----: the body, whole or cut.
const PEM = new RegExp(
  String.raw`(-----BEGIN ([A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----)((?:(?!-----END |\\")(?:\\.|[^"\\]))*)(-----END \2-----)?`,
  'g',
);
// scheme://user:password@ (also cut by -s before the `@`: `postgres://app:s3c"...`).
const URL_USERINFO = /([a-z][a-z0-9+.-]*:\/\/)([^/\s:@"]*):([^@\s/"]*)(@|(?="\.\.\.))/gi;

// "key": "value", 'key' => 'value', \"key\": \"value\", define('KEY', 'value'); also bare values.
const QUOTED_PAIR = new RegExp(
  String.raw`(\\"|"|')([^"'\\\r\n]{1,64})\1(\s*(?::|=>|=|,)\s*)(?:(\\"|"|')((?:(?!\4)${CHAR})*)(\4)?|([A-Za-z0-9_.+/=-]+))`,
  'g',
);
// Name: value to the end of the line (HTTP headers, YAML).
const COLON_PAIR = new RegExp(String.raw`${NAME_START}([A-Za-z][A-Za-z0-9_.\-]{0,63})([ \t]*:[ \t]*)(${LINE_CHAR}+)`, 'g');
const AUTH_SCHEME = /^(?:Bearer|Basic|Digest|Token|Negotiate|NTLM|AWS4-HMAC-SHA256)\s+/i;
// <password>value</password>
const XML_ELEMENT = /<([A-Za-z_][A-Za-z0-9_.:-]{0,63})>((?:\\.|[^<"\\])*)(<\/\1>)?/g;
// SQL: IDENTIFIED [WITH plugin] BY 'x', SET PASSWORD [FOR u] = 'x', PASSWORD('x'), [WITH] PASSWORD 'x'. No
// `\b` before the verb: MySQL's COM_QUERY byte shows as `\3` right before it (`\3SET PASSWORD…`).
const SQL_LITERAL = String.raw`(?:'((?:\\.|''|[^'"\\])*)('?)|\\"((?:(?!\\")${CHAR})*)((?:\\")?))`;
const SQL_SECRET = new RegExp(
  String.raw`((?<![A-Za-z_])IDENTIFIED\s+(?:WITH\s+[A-Za-z0-9_']+\s+)?(?:BY|AS)\s+(?:PASSWORD\s+)?|(?<![A-Za-z_])SET\s+PASSWORD\b(?:\s+FOR\s+(?:(?!=)[^"\\]|\\.){1,200}?)?\s*=\s*(?:PASSWORD\s*\(\s*)?|(?<![A-Za-z_])PASSWORD\s*\(\s*(?=')|(?<![A-Za-z_])PASSWORD\s+(?='))${SQL_LITERAL}`,
  'gi',
);
// name=value (query strings, forms, env, .env, --flag=value): an unquoted value ends at `&`, a space…
const EQUALS_PAIR = new RegExp(
  String.raw`${NAME_START}([A-Za-z0-9_.%\-[\]]{1,64})(=)(?:(\\"|"|')((?:(?!\3)${CHAR})*)(\3)?|(${TOKEN_CHAR}+))`,
  'g',
);
// …and name = value (INI, config files): the value runs to the end of the line.
const INI_PAIR = new RegExp(
  String.raw`${NAME_START}([A-Za-z0-9_.\-[\]]{1,64})([ \t]+=[ \t]*|=[ \t]+)(?:(\\"|"|')((?:(?!\3)${CHAR})*)(\3)?|(${LINE_CHAR}+))`,
  'g',
);
// --password x, "--password", "x", --password\0x (argv in execve, /proc/PID/cmdline).
const FLAG_VALUE = new RegExp(String.raw`(?<=^|[\s"]|\\0)(--?[A-Za-z][A-Za-z0-9_-]{0,40})(\s+|",\s*"|\\0)(?!-)(${TOKEN_CHAR}+)`, 'g');
// mysql -pSECRET (mysql, mysqldump, mysqladmin, mariadb*), sshpass -pSECRET / -p SECRET.
const MYSQL_P = new RegExp(String.raw`(?<=^|[\s"]|\\0)-p(${TOKEN_CHAR}+)`, 'g');
const SSHPASS_P = new RegExp(String.raw`(?<=^|[\s"]|\\0)-p(\s+|",\s*"|\\0)(${TOKEN_CHAR}+)`, 'g');
// redis-cli -a SECRET
const REDIS_A = new RegExp(String.raw`(?<=^|[\s"]|\\0)(-a|--pass)(\s+|",\s*"|\\0)(${TOKEN_CHAR}+)`, 'g');
// curl -u user:SECRET / --user user:SECRET
const CURL_USER = new RegExp(String.raw`(?<=^|[\s"]|\\0)(-u|--user|--proxy-user)(\s*|",\s*"|\\0)([^:\s"\\]*):(${TOKEN_CHAR}+)`, 'g');
// Redis inline commands: AUTH pass / AUTH user pass (also inside HELLO 3 AUTH user pass).
const REDIS_INLINE_AUTH = new RegExp(
  String.raw`(?<=^|"|\\n|\n|\s)(AUTH)((?:[ \t]+(?:\\[^rn0"]|[^\s"\\])+){1,2})(?=\\r|\\n|\r|\n|"|$|[ \t]+SETNAME\b)`,
  'gi',
);
// redis.conf / CONFIG SET: requirepass x, masterauth x.
const REDIS_CONFIG = new RegExp(String.raw`${TOKEN_START}(requirepass|masterauth)([ \t]+)(${TOKEN_CHAR}+)`, 'gi');
// RESP: *2\r\n$4\r\nAUTH\r\n$8\r\nsecret\r\n (and HELLO … AUTH user pass, CONFIG SET requirepass x).
const RESP_SECRET = new RegExp(
  String.raw`(\$\d+(\\r\\n|\r\n)(?:AUTH2?|requirepass|masterauth)\2)((?:\$\d+\2(?:(?!\\r\\n|\r\n|")(?:\\.|[^"\\]))*(?:\2|(?=")|$)){1,2})`,
  'gi',
);
const RESP_BULK = /(\$\d+(?:\\r\\n|\r\n))((?:(?!\\r\\n|\r\n|")(?:\\.|[^"\\]))*)/g;
// PostgreSQL PasswordMessage: 'p', an int32 length (first two bytes zero), the password, NUL.
const PG_BYTE = String.raw`(?:\\x[0-9a-fA-F]{2}|\\[0-7]{1,3}|\\[abtnvfr"\\]|[^\\"])`;
const PG_ZERO = String.raw`(?:\\0{1,3}|\\x00)`;
const PG_PASSWORD = new RegExp(String.raw`(?<=^|")(p${PG_ZERO}${PG_ZERO}${PG_BYTE}${PG_BYTE})((?:(?!\\0|\\x00)(?:\\.|[^"\\]))+)`, 'g');
const BEARER = new RegExp(String.raw`${TOKEN_START}(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]+`, 'g');
const SESSION_FILE = /sess_[A-Za-z0-9,-]+/g;
// Tokens recognisable by their prefix alone; the prefix stays so the kind of secret is still visible.
const PREFIXED_TOKENS: [gate: string, pattern: RegExp][] = (
  [
    ['k_live_', String.raw`([sr]k_live_)[A-Za-z0-9]+`],
    ['k_test_', String.raw`([sr]k_test_)[A-Za-z0-9]+`],
    ['whsec_', String.raw`(whsec_)[A-Za-z0-9+/=]+`],
    ['gh', String.raw`(gh[pousr]_)[A-Za-z0-9]+`],
    ['github_pat_', String.raw`(github_pat_)[A-Za-z0-9_]+`],
    ['glpat-', String.raw`(glpat-)[A-Za-z0-9_-]+`],
    ['xox', String.raw`(xox[abposr]-)[A-Za-z0-9-]+`],
    ['xapp-', String.raw`(xapp-)[A-Za-z0-9-]+`],
    ['npm_', String.raw`(npm_)[A-Za-z0-9]{20,}`],
  ] as const
).map(([gate, source]) => [gate, new RegExp(TOKEN_START + source, 'g')]);
const SLACK_WEBHOOK = /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_-]+/g;
const JWT = new RegExp(String.raw`${TOKEN_START}eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]*)?`, 'g');
const GOOGLE_API_KEY = new RegExp(String.raw`${TOKEN_START}AIza[0-9A-Za-z_-]+`, 'g');

/**
 * One `Name: value` match. A value runs to the end of the line, so it can hold further pairs
 * (`x: Authorization: Bearer …`): when the name is not a secret, the value is searched in turn, or the
 * secret inside would only be found by a second pass.
 */
function redactColonPair(_m: string, name: string, sep: string, value: string): string {
  if (!isSecretName(name)) return `${name}${sep}${value.replace(COLON_PAIR, redactColonPair)}`;
  const scheme = /authoriz/i.test(name) ? (AUTH_SCHEME.exec(value)?.[0] ?? '') : '';
  const rest = value.slice(scheme.length);
  // Masked already (a second pass): keep the mask, and look at what follows it the same way.
  if (rest.startsWith(MASK)) return `${name}${sep}${scheme}${MASK}${rest.slice(MASK.length).replace(COLON_PAIR, redactColonPair)}`;
  return `${name}${sep}${scheme}${MASK}`;
}

/**
 * One `name = value` match. An unquoted value runs to the end of the line, so it can hold further pairs
 * (`Bearer  => password= x`): when the name is not a secret, that value is searched in turn, or the secret
 * inside would only be found by a second pass (after another rule has changed what comes before it).
 */
function redactIniPair(m: string, name: string, sep: string, open?: string, value?: string, close?: string, bare?: string): string {
  if (isSecretName(name, { param: true })) return `${name}${sep}${maskQuoted(open, value, close, bare)}`;
  return bare === undefined ? m : `${name}${sep}${bare.replace(INI_PAIR, redactIniPair)}`;
}

/** One `name=value` match (query strings, forms, env): a secret name's value is masked. */
function redactEqualsPair(m: string, name: string, sep: string, open?: string, value?: string, close?: string, bare?: string): string {
  return isSecretName(name, { param: true }) ? `${name}${sep}${maskQuoted(open, value, close, bare)}` : m;
}

/** Masks a quoted or bare value, keeping its quotes; an already masked value stays as it is. */
function maskQuoted(open: string | undefined, value: string | undefined, close: string | undefined, bare: string | undefined): string {
  if (open !== undefined) return `${open}${isMasked(value ?? '') ? (value ?? '') : MASK}${close ?? ''}`;
  return isMasked(bare ?? '') ? (bare ?? '') : MASK;
}

const RULES: Rule[] = [
  { gate: has('-----begin'), apply: (t) => t.replace(PEM, (_m, begin: string, _k, _body, end: string | undefined) => `${begin}${MASK}${end ?? ''}`) },
  { gate: has('://'), apply: (t) => t.replace(URL_USERINFO, (m, scheme: string, user: string, pass: string, at: string) => (isMasked(pass) ? m : `${scheme}${user}:${MASK}${at}`)) },
  {
    gate: () => true,
    apply: (t) =>
      t.replace(QUOTED_PAIR, (m, q: string, key: string, sep: string, open?: string, value?: string, close?: string, bare?: string) => {
        if (!isSecretName(key)) return m;
        // A `,` only separates PHP's define('KEY', 'value'): never strace's own `"arg", 5` arguments.
        if (sep.trim() === ',' && (q !== "'" || open !== "'")) return m;
        if (bare !== undefined && sep.trim() === '=') return m;
        return `${q}${key}${q}${sep}${maskQuoted(open, value, close, bare)}`;
      }),
  },
  { gate: () => true, apply: (t) => t.replace(COLON_PAIR, redactColonPair) },
  { gate: has('<'), apply: (t) => t.replace(XML_ELEMENT, (m, tag: string, value: string, close?: string) => (isSecretName(tag) && !isMasked(value) ? `<${tag}>${MASK}${close ?? ''}` : m)) },
  {
    gate: has('password', 'identified'),
    apply: (t) =>
      t.replace(SQL_SECRET, (m, head: string, single?: string, singleClose?: string, double?: string, doubleClose?: string) => {
        if (single !== undefined) return isMasked(single) ? m : `${head}'${MASK}${singleClose ?? ''}`;
        return isMasked(double ?? '') ? m : `${head}\\"${MASK}${doubleClose ?? ''}`;
      }),
  },
  { gate: () => true, apply: (t) => t.replace(INI_PAIR, redactIniPair).replace(EQUALS_PAIR, redactEqualsPair) },
  { gate: () => true, apply: (t) => t.replace(FLAG_VALUE, (m, flag: string, sep: string, value: string) => (isSecretName(flag) && !isMasked(value) ? `${flag}${sep}${MASK}` : m)) },
  { gate: has('mysql', 'mariadb'), apply: (t) => t.replace(MYSQL_P, (m, value: string) => (isMasked(value) ? m : `-p${MASK}`)) },
  { gate: has('sshpass'), apply: (t) => t.replace(SSHPASS_P, (m, sep: string, value: string) => (isMasked(value) ? m : `-p${sep}${MASK}`)) },
  { gate: has('redis'), apply: (t) => t.replace(REDIS_A, (m, flag: string, sep: string, value: string) => (isMasked(value) ? m : `${flag}${sep}${MASK}`)) },
  { gate: has('curl'), apply: (t) => t.replace(CURL_USER, (m, flag: string, sep: string, user: string, pass: string) => (isMasked(pass) ? m : `${flag}${sep}${user}:${MASK}`)) },
  {
    gate: has('auth', 'pass'),
    apply: (t) =>
      t
        .replace(RESP_SECRET, (_m, head: string, _crlf: string, bulks: string) => `${head}${bulks.replace(RESP_BULK, (b, len: string, v: string) => (isMasked(v) ? b : `${len}${MASK}`))}`)
        // Already masked (args hold the mask): leave it, or a second pass would eat the verb before it.
        .replace(REDIS_INLINE_AUTH, (m, verb: string, args: string) => (args.includes(MASK) ? m : `${verb} ${MASK}`))
        .replace(REDIS_CONFIG, (m, key: string, sep: string, value: string) => (isMasked(value) ? m : `${key}${sep}${MASK}`)),
  },
  { gate: has('p\\0', 'p\\x00'), apply: (t) => t.replace(PG_PASSWORD, (m, head: string, value: string) => (isMasked(value) ? m : `${head}${MASK}`)) },
  { gate: has('bearer', 'basic'), apply: (t) => t.replace(BEARER, (m, scheme: string, sp: string) => `${scheme}${sp}${MASK}`) },
  { gate: has('sess_'), apply: (t) => t.replace(SESSION_FILE, 'sess_[REDACTED]') },
  {
    gate: () => true,
    apply: (t) => {
      const lower = t.toLowerCase();
      let out = t;
      for (const [gate, pattern] of PREFIXED_TOKENS) if (lower.includes(gate)) out = out.replace(pattern, `$1${MASK}`);
      return lower.includes('hooks.slack') ? out.replace(SLACK_WEBHOOK, `$1${MASK}`) : out;
    },
  },
];

// A pass that changed a line runs again, until nothing changes: one rule's mask can open a match for
// another (`Basic requirepass [REDACTED]requirepass x`). Lines without secrets take one pass.
const MAX_PASSES = 4;

/** Returns `text` with secrets replaced by `[REDACTED]`; everything else unchanged. Idempotent. */
export function redactSecrets(text: string): string {
  let out = redactOnce(text);
  for (let pass = 1; pass < MAX_PASSES && out !== text; pass++) {
    text = out;
    out = redactOnce(text);
  }
  return out;
}

/** One pass of every rule over `text`. */
function redactOnce(text: string): string {
  if (text.length === 0) return text;
  const lower = text.toLowerCase();
  const caseMarked = CASE_MARKERS.some((m) => text.includes(m));
  if (!CANDIDATE.test(lower) && !caseMarked) return text;
  let out = text;
  for (const rule of RULES) if (rule.gate(lower, out)) out = rule.apply(out);
  if (caseMarked) out = out.replace(JWT, `eyJ${MASK}`).replace(GOOGLE_API_KEY, `AIza${MASK}`);
  return out;
}
