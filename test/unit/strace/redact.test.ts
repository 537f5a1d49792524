import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSecretName, redactSecrets } from '../../../src/strace/redact.js';
import { CLEAN_LINES, PLAIN_ROWS, SECRET_ROWS, payloadOf, straceLineOf, straceQuote, type SecretRow } from '../../helpers/secret-rows.js';

// Secrets: a marker plus characters that appear in real tokens, passwords and cookies.
const secret = fc.stringMatching(/^[A-Za-z0-9._~-]{6,40}$/).map((s) => `Zq${s}`);

/** How a secret can show up in a strace line (C-escaped strings: `\r\n` are two characters each). */
const contexts: [string, (s: string) => string][] = [
  ['Authorization Bearer header', (s) => `sendto(8, "GET / HTTP/1.1\\r\\nAuthorization: Bearer ${s}\\r\\nHost: x\\r\\n\\r\\n", 80, 0, NULL, 0) = 80`],
  ['Authorization Basic header', (s) => `recvfrom(7, "GET / HTTP/1.1\\r\\nauthorization: Basic ${s}\\r\\n", 87380, 0, NULL, NULL) = 60`],
  ['Cookie header', (s) => `recvfrom(7, "GET / HTTP/1.1\\r\\nCookie: PHPSESSID=${s}; theme=dark\\r\\n\\r\\n", 87380, 0, NULL, NULL) = 70`],
  ['Set-Cookie header', (s) => `sendto(7, "HTTP/1.1 200 OK\\r\\nSet-Cookie: sid=${s}; HttpOnly\\r\\n", 60, 0, NULL, 0) = 60`],
  ['X-Api-Key header', (s) => `write(9, "POST /v1 HTTP/1.1\\r\\nX-Api-Key: ${s}\\r\\n", 40) = 40`],
  ['header cut by -s', (s) => `recvfrom(7, "GET / HTTP/1.1\\r\\nAuthorization: Bearer ${s}"..., 87380, 0, NULL, NULL) = 300`],
  ['query password', (s) => `recvfrom(7, "GET /login?user=bob&password=${s}&next=/ HTTP/1.1\\r\\n", 87380, 0, NULL, NULL) = 60`],
  ['form token', (s) => `read(5, "user=bob&token=${s}", 40) = 40`],
  ['form api_key at the end', (s) => `read(5, "a=1&api_key=${s}", 40) = 40`],
  ['prefixed key', (s) => `read(5, "db_password=${s}\\n", 40) = 40`],
  ['JSON password', (s) => `write(3, "{"user":"bob","password":"${s}"}", 40) = 40`],
  ['C-escaped JSON secret', (s) => `sendto(9, "{\\"client_secret\\": \\"${s}\\", \\"a\\": 1}", 60, 0, NULL, 0) = 60`],
  ['Bearer outside a header', (s) => `curl said: Bearer ${s}`],
  ['URL basic auth', (s) => `connect to https://admin:${s}@db.internal:5432/app`],
  ['plain text with real CRLF', (s) => `Authorization: Bearer ${s}\r\nHost: x`],
  ['Redis AUTH', (s) => `write(9, "AUTH ${s}\\r\\n", 20) = 20`],
  ['YAML token', (s) => `read(5, "api:\\n  token: ${s}\\n", 40) = 40`],
];

/** The longest common prefix: what comes before the first masked character. */
function commonPrefix(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

function cutAt(r: SecretRow): number {
  const payload = payloadOf(r);
  return payload.indexOf(r.secret) + Math.ceil(r.secret.length / 2);
}

describe('redactSecrets() over every secret form, as strace prints it', () => {
  it.each(SECRET_ROWS.map((r) => [r.name, r] as const))('redactSecrets() hides %s and keeps the line readable', (_name, r) => {
    const payload = payloadOf(r);
    const line = straceLineOf(r, payload);
    const expected = straceLineOf(r, r.redacted, { bytes: payload.length });
    expect(line).toContain(r.secret);
    const out = redactSecrets(line);
    expect(out).toBe(expected);
    expect(out).not.toContain(r.secret);
    // Redacting twice changes nothing (the summary boundary may see a string already redacted).
    expect(redactSecrets(out)).toBe(out);
  });

  it.each(SECRET_ROWS.map((r) => [r.name, r] as const))('redactSecrets() hides %s when strace cut the string in the middle of the secret', (_name, r) => {
    const payload = payloadOf(r);
    const cut = cutAt(r);
    const line = straceLineOf(r, payload, { limit: cut });
    const shown = r.secret.slice(0, cut - payload.indexOf(r.secret));
    expect(line).toContain(`${shown}"...`);
    const out = redactSecrets(line);
    expect(out).not.toContain(shown.slice(0, 6));
    expect(out).toContain('[REDACTED]');
    // Everything before the secret (and strace's cut marker after it) is still there.
    const before = commonPrefix(straceLineOf(r, payload), straceLineOf(r, r.redacted, { bytes: payload.length }));
    expect(out.startsWith(before)).toBe(true);
    expect(out).toContain('"...');
    expect(redactSecrets(out)).toBe(out);
  });

  it.each(PLAIN_ROWS.map((r) => [r.name, r] as const))('redactSecrets() hides %s in plain text', (_name, r) => {
    const out = redactSecrets(payloadOf(r));
    expect(out).toBe(r.redacted);
    expect(redactSecrets(out)).toBe(out);
  });

  it('straceQuote() prints bytes the way strace does (the rows rely on it)', () => {
    expect(straceQuote('GET /\r\nHost: x\r\n\r\n')).toBe('"GET /\\r\\nHost: x\\r\\n\\r\\n"');
    expect(straceQuote('p\0\0\0\x17pw\0')).toBe('"p\\0\\0\\0\\27pw\\0"');
    expect(straceQuote('a\x001')).toBe('"a\\0001"');
    expect(straceQuote('say "hi" \\ ok')).toBe('"say \\"hi\\" \\\\ ok"');
    expect(straceQuote('abcdef', 3)).toBe('"abc"...');
  });
});

describe('redactSecrets()', () => {
  for (const [name, build] of contexts) {
    it(`redactSecrets() never lets a secret survive: ${name}`, () => {
      fc.assert(
        fc.property(secret, (s) => {
          const out = redactSecrets(build(s));
          expect(out).not.toContain(s);
          expect(out).toContain('[REDACTED]');
        }),
        { numRuns: 200 },
      );
    });
  }

  it('redactSecrets() keeps the rest of the line readable', () => {
    expect(redactSecrets('sendto(8, "GET / HTTP/1.1\\r\\nAuthorization: Bearer abc.def\\r\\nHost: x\\r\\n", 80, 0, NULL, 0) = 80')).toBe(
      'sendto(8, "GET / HTTP/1.1\\r\\nAuthorization: Bearer [REDACTED]\\r\\nHost: x\\r\\n", 80, 0, NULL, 0) = 80',
    );
    expect(redactSecrets('GET /login?user=bob&password=hunter2&next=/')).toBe('GET /login?user=bob&password=[REDACTED]&next=/');
    expect(redactSecrets('https://admin:pw@db:5432/x')).toBe('https://admin:[REDACTED]@db:5432/x');
    expect(redactSecrets('{"password":"x1","user":"bob"}')).toBe('{"password":"[REDACTED]","user":"bob"}');
  });

  it('redactSecrets() redacts PHP session ids in fd paths, wherever the path shows', () => {
    const line =
      '04:47:14.600001 openat(AT_FDCWD</srv/app>, "/var/lib/php/sessions/sess_9u2kq0b1r4", O_RDWR|O_CREAT, 0600) = 12</var/lib/php/sessions/sess_9u2kq0b1r4> <0.000030>';
    expect(redactSecrets(line)).toBe(
      '04:47:14.600001 openat(AT_FDCWD</srv/app>, "/var/lib/php/sessions/sess_[REDACTED]", O_RDWR|O_CREAT, 0600) = 12</var/lib/php/sessions/sess_[REDACTED]> <0.000030>',
    );
  });

  it.each(CLEAN_LINES.map((l) => [l.slice(0, 60), l] as const))('redactSecrets() leaves a line without secrets unchanged: %s…', (_s, line) => {
    expect(redactSecrets(line)).toBe(line);
  });

  it('redactSecrets() leaves text without secrets unchanged', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9 (),<>=.:-]{0,80}$/), (s) => {
        fc.pre(!/pass|pwd|secret|token|api|key|cookie|auth|bearer|basic|credential|sess|sig=|code=|xox|:\/\//i.test(s));
        expect(redactSecrets(s)).toBe(s);
      }),
    );
  });

  it('redactSecrets() finds a secret pair inside the value of a harmless `name = value` in one pass', () => {
    // Found by the idempotency property below: `Bearer  =` read as an INI pair hid the password after it
    // until the bearer rule had masked the `=` (so only a second pass masked it).
    const once = redactSecrets('0Authorization: Bearer  => password= 0');
    expect(once).toBe('0Authorization: Bearer  [REDACTED]> password= [REDACTED]');
    expect(redactSecrets(once)).toBe(once);
    expect(redactSecrets('note = db password = hunter2')).toBe('note = db password = [REDACTED]');
  });

  it('redactSecrets() is idempotent on anything', () => {
    const piece = fc.oneof(
      fc.constantFrom('password=', 'Authorization: Bearer ', 'AUTH ', '\\r\\n', '\\0', '"', '\\"', "'", ' => ', ': ', '-----BEGIN PRIVATE KEY-----', 'sess_', 'xoxb-', '[REDACTED]'),
      fc.stringMatching(/^[A-Za-z0-9 ]{0,12}$/),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (parts) => {
        const once = redactSecrets(parts.join(''));
        expect(redactSecrets(once)).toBe(once);
      }),
      { numRuns: 20_000 },
    );
  });

  it('isSecretName() tells secret names from look-alikes', () => {
    for (const name of ['password', 'DB_PASSWORD', 'passwd', 'pass', 'user[pass]', 'PGPASSWORD', 'MYSQL_PWD', 'client_secret', 'X-Amz-Security-Token', 'X-Auth-Key', 'x-api-key', 'apikey', 'apiKey', 'aws_secret_access_key', 'private_key', 'Authorization', 'Cookie', 'PHPSESSID', '--password', 'requirepass']) {
      expect(isSecretName(name), name).toBe(true);
    }
    for (const name of ['author', 'authors', 'passenger', 'bypass', 'compass', 'keep-alive', 'host', 'X-Auth-Email', 'si_code', 'code', 'monkey', 'pid']) {
      expect(isSecretName(name), name).toBe(false);
    }
    expect(isSecretName('code', { param: true })).toBe(true);
    expect(isSecretName('sig', { param: true })).toBe(true);
  });
});
