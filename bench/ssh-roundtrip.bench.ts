import { execFile } from 'node:child_process';
import { loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { SshSettings } from '../src/config/ssh-settings.js';
import { SshTransport } from '../src/transport/ssh.js';
import { sshdUnavailableReason, startSshd } from './sshd-harness.js';

const execFileAsync = promisify(execFile);
const POOLED_RUNS = 50;
const PLAIN_SSH_RUNS = 20;
const FIRST_COMMAND_RUNS = 10;

function percentile(samples: number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

async function timed(action: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await action();
  return performance.now() - started;
}

/**
 * Round trip of `true` against a throwaway loopback sshd: our pooled connection (one channel per
 * command), our first command including connect + handshake + auth, and plain `ssh` (new connection
 * each time). Prints p50/p99 per row.
 */
export async function run(): Promise<void> {
  if (sshdUnavailableReason !== null) {
    console.log(`skipped: ${sshdUnavailableReason}`);
    return;
  }
  const sshd = await startSshd();
  try {
    const settings = SshSettings.parse(sshd.sshSettings({ idleCloseMs: 60_000 }));
    const rows: Array<[string, number[]]> = [];

    const firsts: number[] = [];
    for (let i = 0; i < FIRST_COMMAND_RUNS; i += 1) {
      const fresh = new SshTransport('bench', settings, { env: {} });
      firsts.push(await timed(() => fresh.run(['true'], { timeoutMs: 10_000 })));
      await fresh.close();
    }
    rows.push([`ssh2, first command incl. connect (${FIRST_COMMAND_RUNS} runs)`, firsts]);

    const pooled = new SshTransport('bench', settings, { env: {} });
    await pooled.run(['true'], { timeoutMs: 10_000 });
    const warm: number[] = [];
    for (let i = 0; i < POOLED_RUNS; i += 1) warm.push(await timed(() => pooled.run(['true'], { timeoutMs: 10_000 })));
    await pooled.close();
    rows.push([`ssh2, pooled connection (${POOLED_RUNS} runs)`, warm]);

    const plain: number[] = [];
    const args = [
      '-i', sshd.clientKeyFile,
      '-p', String(sshd.port),
      '-o', `UserKnownHostsFile=${sshd.knownHostsFile}`,
      '-o', 'BatchMode=yes',
      '-o', 'IdentitiesOnly=yes',
      '-F', '/dev/null',
      `${sshd.username}@127.0.0.1`,
      'true',
    ];
    for (let i = 0; i < PLAIN_SSH_RUNS; i += 1) plain.push(await timed(() => execFileAsync('ssh', args)));
    rows.push([`plain ssh, new connection (${PLAIN_SSH_RUNS} runs)`, plain]);

    console.log(`round trip of \`true\` over loopback sshd (load average ${loadavg()[0]?.toFixed(2) ?? '?'})`);
    const width = Math.max(...rows.map(([name]) => name.length));
    console.log(`${'case'.padEnd(width)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}`);
    for (const [name, samples] of rows) {
      console.log(`${name.padEnd(width)}  ${percentile(samples, 50).toFixed(1).padStart(8)}  ${percentile(samples, 99).toFixed(1).padStart(8)}`);
    }
  } finally {
    await sshd.stop();
  }
}
