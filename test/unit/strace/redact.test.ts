import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../../src/strace/redact.js';

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
];

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

  it('redactSecrets() leaves text without secrets unchanged', () => {
    const line = '04:43:14.825242 recvfrom(7<TCP:[127.0.0.1:18700->127.0.0.1:38986]>, "GET /upstream?port=18790 HTTP/1.1\\r\\nHost: 127.0.0.1:18700\\r\\n\\r\\n", 87380, 0, NULL, NULL) = 84 <0.000092>';
    expect(redactSecrets(line)).toBe(line);
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z0-9 (),<>=.:-]{0,80}$/), (s) => {
        fc.pre(!/password|passwd|pwd|secret|token|api|key|cookie|authorization|bearer|basic|credential|:\/\//i.test(s));
        expect(redactSecrets(s)).toBe(s);
      }),
    );
  });
});
