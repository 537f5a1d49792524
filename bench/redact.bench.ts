import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { redactSecrets } from '../src/strace/redact.js';
import { median } from './median.js';
import { fixtureDir } from './repo-root.js';

// redactSecrets() runs on every line of the raw log a trace keeps (up to millions): this measures its
// throughput on 1M lines replayed from the strace fixtures (a few lines carry candidate keywords, as
// real traffic does), and on a mix where every tenth line carries a secret (cookies, tokens, AUTH).
const SOURCES = ['wm4.1.17-load-f-tt-T-yy.txt', 'wm5.2.2-master-respawn-f-tt-T-yy.txt', 'wm5.2.2-idle-f-tt-T-yy.txt'];
const LINES = 1_000_000;
const ROUNDS = 3;

/** Lines a worker's trace shows when the traffic carries secrets (as strace prints them). */
const SECRET_LINES = [
  '04:47:14.565467 recvfrom(8<TCP:[127.0.0.1:18500->127.0.0.1:53410]>, "GET /?c=0 HTTP/1.1\\r\\nHost: x\\r\\nCookie: PHPSESSID=abcdef0123; theme=dark\\r\\n\\r\\n", 65535, 0, NULL, NULL) = 80 <0.000440>',
  '04:47:14.565467 recvfrom(8<TCP:[127.0.0.1:18500->127.0.0.1:53410]>, "POST /api HTTP/1.1\\r\\nAuthorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig\\r\\n", 65535, 0, NULL, NULL) = 80 <0.000440>',
  '04:47:14.565467 write(9<TCP:[127.0.0.1:40000->127.0.0.1:6379]>, "*2\\r\\n$4\\r\\nAUTH\\r\\n$8\\r\\ns3cretpw\\r\\n", 27) = 27 <0.000040>',
  '04:47:14.565467 openat(AT_FDCWD</srv/app>, "/var/lib/php/sessions/sess_9u2kq0b1r4", O_RDWR|O_CREAT, 0600) = 12</var/lib/php/sessions/sess_9u2kq0b1r4> <0.000030>',
];

function fixtureLines(): string[] {
  const dir = fixtureDir('strace');
  return SOURCES.flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l !== ''));
}

/** Returns CPU ms of `LINES` calls over `lines` (cycled) and a checksum so the work is not optimised away. */
function time(lines: readonly string[]): { cpuMs: number; checksum: number } {
  let checksum = 0;
  const cpu = process.cpuUsage();
  for (let i = 0; i < LINES; i++) checksum += redactSecrets(lines[i % lines.length]!).length;
  const used = process.cpuUsage(cpu);
  return { cpuMs: (used.user + used.system) / 1000, checksum };
}

/** Prints lines/s (median of ROUNDS, CPU time) for fixture lines and for a 10% secret mix. */
export async function run(): Promise<void> {
  const plain = fixtureLines();
  const mixed = plain.flatMap((line, i) => (i % 9 === 0 ? [line, SECRET_LINES[(i / 9) % SECRET_LINES.length]!] : [line]));
  const mixShare = mixed.filter((l) => SECRET_LINES.includes(l)).length / mixed.length;
  // Warm the JIT on both inputs first.
  for (let i = 0; i < 50_000; i++) redactSecrets(mixed[i % mixed.length]!);
  const rows: string[][] = [];
  for (const [name, lines] of [
    ['strace fixtures', plain],
    [`fixtures + ${Math.round(mixShare * 100)}% secret lines`, mixed],
  ] as const) {
    const runs = Array.from({ length: ROUNDS }, () => time(lines).cpuMs);
    const ms = median(runs);
    rows.push([name, LINES.toLocaleString('en-US'), `${ms.toFixed(0)} ms`, `${((LINES / ms) * 1000 / 1e6).toFixed(2)} M lines/s`]);
  }
  const loadavg = (await import('node:os')).loadavg().map((n) => n.toFixed(2)).join(' ');
  console.log(`load average: ${loadavg}`);
  console.log(['input', 'lines', 'cpu', 'throughput'].join(' | '));
  for (const row of rows) console.log(row.join(' | '));
}
