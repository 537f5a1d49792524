// One row per form a secret takes in a trace: the bytes a process sends or reads (`payload`, with the
// secret where `{S}` is) and what they must read like once redacted (`redacted`). Tests print the
// payload as strace does (straceQuote) and check every output; the Slack trace test has a real process
// write these payloads under a real strace, so the C-escaping assumed here is checked against strace.

/** A secret form, as raw bytes (latin1: one char per byte). */
export interface SecretRow {
  name: string;
  /** The bytes around the secret; `{S}` stands for the secret. */
  payload: string;
  /** The secret (distinctive: it appears nowhere else in the payload). */
  secret: string;
  /** The payload as it must read after redaction (`[REDACTED]` where the secret was). */
  redacted: string;
  /** The syscall that carries it (the quoted string is put where `%s` is); default a write. */
  syscall?: string;
}

const WRITE = '04:47:14.565467 write(9<TCP:[127.0.0.1:40000->127.0.0.1:6379]>, %s, %n) = %n <0.000040>';
const READ = '04:47:14.565467 read(5</srv/app/.config>, %s, 4096) = %n <0.000030>';
const RECV = '04:47:14.565467 recvfrom(8<TCP:[127.0.0.1:18500->127.0.0.1:53410]>, %s, 65535, 0, NULL, NULL) = %n <0.000440>';
const SEND_PG = '04:47:14.565467 sendto(6<TCP:[127.0.0.1:40002->127.0.0.1:5432]>, %s, %n, MSG_NOSIGNAL, NULL, 0) = %n <0.000031>';
const LOG = '04:47:14.565467 write(2</var/log/app/error.log>, %s, %n) = %n <0.000020>';

/** A distinctive alphanumeric secret of `length` characters, different per `seed`. */
export function secretOf(seed: number, length = 18): string {
  let s = `Zq${seed.toString(36)}`;
  let x = seed * 7919 + 17;
  const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  while (s.length < length) {
    x = (x * 1103515245 + 12345) % 2 ** 31;
    s += alphabet[x % alphabet.length];
  }
  return s;
}

/** The 4-byte big-endian length of a PostgreSQL message whose body is `body` (excluding the type byte). */
function pgLength(body: string): string {
  const n = body.length + 4;
  return String.fromCharCode((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

function row(name: string, payload: string, redacted: string, secret: string, syscall?: string): SecretRow {
  return { name, payload, redacted, secret, ...(syscall === undefined ? {} : { syscall }) };
}

const S = secretOf;
const pgPass = S(31);
const pgMd5 = `md5${'0123456789abcdef'.repeat(2)}`;

/** Every secret form the redactor must hide (issue 8, item 6), plus the ones judged alike. */
export const SECRET_ROWS: SecretRow[] = [
  // Redis
  row('Redis inline AUTH pass', 'AUTH {S}\r\n', 'AUTH [REDACTED]\r\n', S(1)),
  row('Redis inline AUTH user pass', 'AUTH default {S}\r\n', 'AUTH [REDACTED]\r\n', S(2)),
  row('Redis RESP AUTH pass', `*2\r\n$4\r\nAUTH\r\n$18\r\n{S}\r\n`, '*2\r\n$4\r\nAUTH\r\n$18\r\n[REDACTED]\r\n', S(3)),
  row('Redis RESP AUTH user pass', `*3\r\n$4\r\nAUTH\r\n$7\r\ndefault\r\n$18\r\n{S}\r\n`, '*3\r\n$4\r\nAUTH\r\n$7\r\n[REDACTED]\r\n$18\r\n[REDACTED]\r\n', S(4)),
  row('Redis RESP HELLO 3 AUTH', `*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$7\r\ndefault\r\n$18\r\n{S}\r\n`, '*5\r\n$5\r\nHELLO\r\n$1\r\n3\r\n$4\r\nAUTH\r\n$7\r\n[REDACTED]\r\n$18\r\n[REDACTED]\r\n', S(5)),
  row('Redis RESP CONFIG SET requirepass', `*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$18\r\n{S}\r\n`, '*4\r\n$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$18\r\n[REDACTED]\r\n', S(6)),
  row('redis.conf requirepass', 'bind 127.0.0.1\nrequirepass {S}\nport 6379\n', 'bind 127.0.0.1\nrequirepass [REDACTED]\nport 6379\n', S(7), READ),
  // PostgreSQL
  row('PostgreSQL PasswordMessage', `p${pgLength(`${pgPass}\0`)}{S}\0`, `p${pgLength(`${pgPass}\0`)}[REDACTED]\0`, pgPass, SEND_PG),
  row('PostgreSQL md5 PasswordMessage', `p${pgLength(`${pgMd5}\0`)}{S}\0`, `p${pgLength(`${pgMd5}\0`)}[REDACTED]\0`, pgMd5, SEND_PG),
  row('PostgreSQL ALTER ROLE … PASSWORD', `Q\0\0\0;ALTER ROLE app WITH PASSWORD '{S}';\0`, "Q\0\0\0;ALTER ROLE app WITH PASSWORD '[REDACTED]';\0", S(8), SEND_PG),
  // MySQL
  row('MySQL SET PASSWORD', `\x25\0\0\0\x03SET PASSWORD = '{S}'`, "\x25\0\0\0\x03SET PASSWORD = '[REDACTED]'", S(9)),
  row('MySQL SET PASSWORD FOR', `\x35\0\0\0\x03SET PASSWORD FOR 'app'@'%' = '{S}'`, "\x35\0\0\0\x03SET PASSWORD FOR 'app'@'%' = '[REDACTED]'", S(10)),
  row('MySQL IDENTIFIED BY', `\x40\0\0\0\x03ALTER USER 'app'@'%' IDENTIFIED BY '{S}'`, "\x40\0\0\0\x03ALTER USER 'app'@'%' IDENTIFIED BY '[REDACTED]'", S(11)),
  row('MySQL IDENTIFIED WITH plugin BY', `\x50\0\0\0\x03CREATE USER 'app' IDENTIFIED WITH mysql_native_password BY "{S}"`, '\x50\0\0\0\x03CREATE USER \'app\' IDENTIFIED WITH mysql_native_password BY "[REDACTED]"', S(12)),
  // Config files
  row('YAML password', 'database:\n  password: {S}\n  user: app\n', 'database:\n  password: [REDACTED]\n  user: app\n', S(13), READ),
  row('YAML quoted password', 'db:\n  password: "{S}"\n  host: db\n', 'db:\n  password: [REDACTED]\n  host: db\n', S(14), READ),
  row('INI aws_secret_access_key', '[default]\naws_secret_access_key = {S}\nregion = eu-west-1\n', '[default]\naws_secret_access_key = [REDACTED]\nregion = eu-west-1\n', S(15), READ),
  row('.env password', 'APP_ENV=prod\nDB_PASSWORD={S}\nDB_HOST=db\n', 'APP_ENV=prod\nDB_PASSWORD=[REDACTED]\nDB_HOST=db\n', S(16), READ),
  row('.env quoted secret', 'APP_SECRET="{S}"\n', 'APP_SECRET="[REDACTED]"\n', S(17), READ),
  row('PHP array password', "return ['host' => 'db', 'password' => '{S}', 'port' => 3306];", "return ['host' => 'db', 'password' => '[REDACTED]', 'port' => 3306];", S(18), READ),
  row('PHP define', "define('DB_PASSWORD', '{S}');\n", "define('DB_PASSWORD', '[REDACTED]');\n", S(19), READ),
  row('XML password element', '<db><user>app</user><password>{S}</password></db>', '<db><user>app</user><password>[REDACTED]</password></db>', S(20), READ),
  row('XML password attribute', '<auth user="app" password="{S}"/>', '<auth user="app" password="[REDACTED]"/>', S(21), READ),
  row('JSON pass', '{"user":"app","pass":"{S}"}', '{"user":"app","pass":"[REDACTED]"}', S(22)),
  row('JSON apiKey', '{"apiKey": "{S}", "region": "eu"}', '{"apiKey": "[REDACTED]", "region": "eu"}', S(23)),
  row('JSON client_secret', '{"client_id":"abc","client_secret":"{S}"}', '{"client_id":"abc","client_secret":"[REDACTED]"}', S(24)),
  row('JSON private_key (service account)', '{"type":"service_account","private_key":"-----BEGIN PRIVATE KEY-----\\nMIIE{S}\\n-----END PRIVATE KEY-----\\n","client_email":"a@b"}', '{"type":"service_account","private_key":"[REDACTED]","client_email":"a@b"}', S(25), READ),
  row('PEM RSA private key', '-----BEGIN RSA PRIVATE KEY-----\nMIIEow{S}\n-----END RSA PRIVATE KEY-----\n', '-----BEGIN RSA PRIVATE KEY-----[REDACTED]-----END RSA PRIVATE KEY-----\n', S(26), READ),
  row('PEM OpenSSH private key', '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl{S}\n-----END OPENSSH PRIVATE KEY-----\n', '-----BEGIN OPENSSH PRIVATE KEY-----[REDACTED]-----END OPENSSH PRIVATE KEY-----\n', S(27), READ),
  // HTTP
  row('Authorization Bearer', 'GET / HTTP/1.1\r\nAuthorization: Bearer {S}\r\nHost: x\r\n\r\n', 'GET / HTTP/1.1\r\nAuthorization: Bearer [REDACTED]\r\nHost: x\r\n\r\n', S(28), RECV),
  row('Proxy-Authorization Basic', 'GET http://x/ HTTP/1.1\r\nProxy-Authorization: Basic {S}\r\n\r\n', 'GET http://x/ HTTP/1.1\r\nProxy-Authorization: Basic [REDACTED]\r\n\r\n', S(29), RECV),
  row('Cookie', 'GET / HTTP/1.1\r\nCookie: PHPSESSID={S}; theme=dark\r\nHost: x\r\n', 'GET / HTTP/1.1\r\nCookie: [REDACTED]\r\nHost: x\r\n', S(30), RECV),
  row('X-Amz-Security-Token header', 'GET /b/k HTTP/1.1\r\nHost: s3\r\nX-Amz-Security-Token: {S}\r\n\r\n', 'GET /b/k HTTP/1.1\r\nHost: s3\r\nX-Amz-Security-Token: [REDACTED]\r\n\r\n', S(32), RECV),
  row('X-Amz-Security-Token query', 'GET /b/k?X-Amz-Date=20240101&X-Amz-Security-Token={S}&X-Amz-Expires=60 HTTP/1.1\r\n', 'GET /b/k?X-Amz-Date=20240101&X-Amz-Security-Token=[REDACTED]&X-Amz-Expires=60 HTTP/1.1\r\n', S(33), RECV),
  row('X-Auth-Key header', 'GET /client/v4/zones HTTP/1.1\r\nX-Auth-Email: a@b\r\nX-Auth-Key: {S}\r\n\r\n', 'GET /client/v4/zones HTTP/1.1\r\nX-Auth-Email: a@b\r\nX-Auth-Key: [REDACTED]\r\n\r\n', S(34), RECV),
  row('X-Api-Key header', 'POST /v1 HTTP/1.1\r\nX-Api-Key: {S}\r\n\r\n', 'POST /v1 HTTP/1.1\r\nX-Api-Key: [REDACTED]\r\n\r\n', S(35), RECV),
  row('apikey query parameter', 'GET /v1/data?q=1&apikey={S} HTTP/1.1\r\n', 'GET /v1/data?q=1&apikey=[REDACTED] HTTP/1.1\r\n', S(36), RECV),
  row('password form field', 'user=bob&password={S}&remember=1', 'user=bob&password=[REDACTED]&remember=1', S(37), RECV),
  row('OAuth code in a callback', 'GET /oauth/callback?code={S}&state=xyz HTTP/1.1\r\n', 'GET /oauth/callback?code=[REDACTED]&state=xyz HTTP/1.1\r\n', S(38), RECV),
  row('OAuth code in a token request', 'grant_type=authorization_code&code={S}&redirect_uri=https%3A%2F%2Fx', 'grant_type=authorization_code&code=[REDACTED]&redirect_uri=https%3A%2F%2Fx', S(39)),
  row('URL userinfo', 'DATABASE_URL=postgres://app:{S}@db:5432/app\n', 'DATABASE_URL=postgres://app:[REDACTED]@db:5432/app\n', S(40), READ),
  row('URL userinfo in a request', 'GET http://app:{S}@proxy/ HTTP/1.1\r\n', 'GET http://app:[REDACTED]@proxy/ HTTP/1.1\r\n', S(41), RECV),
  // Bare tokens
  row('Stripe sk_live_', '[error] Stripe rejected sk_live_{S}\n', '[error] Stripe rejected sk_live_[REDACTED]\n', S(42), LOG),
  row('Stripe rk_live_', '[error] restricted key rk_live_{S} expired\n', '[error] restricted key rk_live_[REDACTED] expired\n', S(43), LOG),
  row('GitHub ghp_', 'remote: https://ghp_{S}@github.com/acme/app.git\n', 'remote: https://ghp_[REDACTED]@github.com/acme/app.git\n', S(44), LOG),
  row('GitHub ghp_ right after an escaped newline', 'token\nghp_{S}\n', 'token\nghp_[REDACTED]\n', S(65), READ),
  row('GitHub gho_', 'oauth gho_{S} refreshed\n', 'oauth gho_[REDACTED] refreshed\n', S(45), LOG),
  row('GitHub github_pat_', 'using github_pat_11AB{S}\n', 'using github_pat_[REDACTED]\n', S(46), LOG),
  row('GitLab glpat-', 'CI uses glpat-{S} now\n', 'CI uses glpat-[REDACTED] now\n', S(47), LOG),
  row('Slack xoxb-', 'posting with xoxb-1111-2222-{S} failed\n', 'posting with xoxb-[REDACTED] failed\n', S(48), LOG),
  row('Slack xoxp-', 'user xoxp-1-{S} revoked\n', 'user xoxp-[REDACTED] revoked\n', S(49), LOG),
  row('Slack xapp-', 'socket xapp-1-A01-{S}\n', 'socket xapp-[REDACTED]\n', S(50), LOG),
  row('Slack webhook URL', 'POST https://hooks.slack.com/services/T0/B0/{S} failed\n', 'POST https://hooks.slack.com/services/[REDACTED] failed\n', S(51), LOG),
  row('JWT', 'verify eyJhbGciOiJIUzI1NiJ9.eyJ{S}.c2ln failed\n', 'verify eyJ[REDACTED] failed\n', S(52), LOG),
  row('Google API key', 'maps key AIza{S}xyz\n', 'maps key AIza[REDACTED]\n', S(53), LOG),
  // Command lines (execve argv, /proc/PID/cmdline: NUL-separated)
  row('mysqldump -pSECRET (cmdline)', 'mysqldump\0-uroot\0-p{S}\0--all-databases\0', 'mysqldump\0-uroot\0-p[REDACTED]\0--all-databases\0', S(54), READ),
  row('mysql --password=SECRET (cmdline)', 'mysql\0--user=app\0--password={S}\0app\0', 'mysql\0--user=app\0--password=[REDACTED]\0app\0', S(55), READ),
  row('--password SECRET (cmdline)', 'backup\0--password\0{S}\0--quiet\0', 'backup\0--password\0[REDACTED]\0--quiet\0', S(56), READ),
  row('redis-cli -a SECRET (cmdline)', 'redis-cli\0-h\0cache\0-a\0{S}\0PING\0', 'redis-cli\0-h\0cache\0-a\0[REDACTED]\0PING\0', S(57), READ),
  row('curl -u user:SECRET (cmdline)', 'curl\0-u\0admin:{S}\0https://x\0', 'curl\0-u\0admin:[REDACTED]\0https://x\0', S(58), READ),
  row('PGPASSWORD (environ)', 'PGUSER=app\0PGPASSWORD={S}\0PGHOST=db\0', 'PGUSER=app\0PGPASSWORD=[REDACTED]\0PGHOST=db\0', S(59), READ),
  row('AWS_SECRET_ACCESS_KEY (environ)', 'AWS_REGION=eu-west-1\0AWS_SECRET_ACCESS_KEY={S}\0', 'AWS_REGION=eu-west-1\0AWS_SECRET_ACCESS_KEY=[REDACTED]\0', S(60), READ),
];

/** Plain-text forms (a refusal quoting /proc/PID/cmdline, a log line): no C-escaping. */
export const PLAIN_ROWS: SecretRow[] = [
  row('mysqldump command line', 'mysqldump -uroot -p{S} --single-transaction app', 'mysqldump -uroot -p[REDACTED] --single-transaction app', S(61)),
  row('mysql --password command line', 'mysql -h db --password {S} app', 'mysql -h db --password [REDACTED] app', S(62)),
  row('session file path', '/var/lib/php/sessions/sess_{S}', '/var/lib/php/sessions/sess_[REDACTED]', `${S(63, 10)},-x9`),
  row('Authorization with real CRLF', 'Authorization: Bearer {S}\r\nHost: x', 'Authorization: Bearer [REDACTED]\r\nHost: x', S(64)),
];

/** Lines with no secret: they must come out unchanged (and, for speed, most skip every rule). */
export const CLEAN_LINES: string[] = [
  '04:47:14.565467 recvfrom(8<TCP:[127.0.0.1:18500->127.0.0.1:53410]>, "GET /?c=0&r=0 HTTP/1.1\\r\\nHost: 127.0.0.1:18500\\r\\nConnection: keep-alive\\r\\n\\r\\n", 65535, 0, NULL, NULL) = 73 <0.000440>',
  '[pid 22098] 04:44:58.962838 openat(AT_FDCWD</srv/wm/apps/v5.2.2>, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 7</etc/passwd> <0.000036>',
  '[pid 22098] 04:44:58.963138 read(7</etc/passwd>, "root:x:0:0:root:/root:/bin/bash\\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\\n"..., 4096) = 1310 <0.000020>',
  '04:47:15.000001 --- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=23011, si_uid=33, si_status=0, si_utime=0, si_stime=0} ---',
  '04:47:15.000001 read(5</srv/app/composer.json>, "{\\"name\\": \\"acme/app\\", \\"authors\\": [{\\"name\\": \\"Bob\\"}], \\"passenger\\": 1}", 4096) = 60 <0.000020>',
  '04:47:15.000001 write(9<TCP:[127.0.0.1:40000->127.0.0.1:6379]>, "*2\\r\\n$3\\r\\nGET\\r\\n$9\\r\\nsession:1\\r\\n", 31) = 31 <0.000040>',
  '04:47:15.000001 epoll_wait(4<anon_inode:[eventpoll]>, [{events=EPOLLIN, data={u32=8, u64=8}}], 32, -1) = 1 <0.281804>',
  'mkdir -p /srv/app/var && cp -p a b',
];

/**
 * Returns `bytes` as strace prints a string argument: printable ASCII as is, `"` and `\` escaped, the
 * usual C escapes, other bytes in octal (three digits when an octal digit follows); cut after `limit`
 * bytes with `"...` (strace -s).
 */
export function straceQuote(bytes: string, limit = Number.MAX_SAFE_INTEGER): string {
  const shown = bytes.slice(0, limit);
  let out = '"';
  for (let i = 0; i < shown.length; i++) {
    const c = shown.charCodeAt(i);
    const next = i + 1 < shown.length ? shown.charCodeAt(i + 1) : -1;
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c === 0x0c) out += '\\f';
    else if (c >= 0x20 && c <= 0x7e) out += shown[i];
    else out += `\\${next >= 0x30 && next <= 0x37 ? c.toString(8).padStart(3, '0') : c.toString(8)}`;
  }
  return bytes.length > limit ? `${out}"...` : `${out}"`;
}

/** The payload with its secret filled in. */
export function payloadOf(r: SecretRow): string {
  return r.payload.replace('{S}', r.secret);
}

/** The strace line that carries the row's payload (cut at `limit` bytes when given). */
export function straceLineOf(r: SecretRow, text: string, opts: { limit?: number; bytes?: number } = {}): string {
  return (r.syscall ?? WRITE).replace('%s', straceQuote(text, opts.limit)).replaceAll('%n', String(opts.bytes ?? text.length));
}
