import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HostConfig } from '../src/config/host-config.js';
import { runFleetStatus } from '../src/fleet/run-fleet-status.js';
import type { WorkermanStatus } from '../src/workerman/types.js';
import { findRepoRoot, fixtureDir } from './repo-root.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from './sshd-harness.js';

// What an operator would do instead of `workerman-ops status <group>`: one OpenSSH `ssh host php
// start.php status` per host, all at once. Each case runs the BUILT CLI from a cold start (node
// start-up, imports, config, handshakes, parsing, rendering) against that many parallel `ssh` runs of
// the same command on the same loopback sshd, A and B in turn, the ratio taken pair by pair (the
// machine is shared: pairing keeps the ratio meaningful when its speed drifts).
//
// Each "host" is its own host entry (its own SSH connection) whose status waits DELAY_MS, as
// Workerman's own does (its master collects the workers' answers for about a second), then prints a
// real capture: test/fixtures/bin/fake-php with delayMs. The capture is replayed by a small node
// script on the host side, the same for both sides.

const HOST_COUNTS = [1, 10, 50] as const;
/** How long each host's status waits before it prints (Workerman's own takes about a second). */
const DELAY_MS = 1_000;
/** Pairs per case, after one warm-up pair (page cache, the sshd's first forks). */
const ROUNDS = 5;
/** Targets (issue 10): the CLI at most this many times the parallel `ssh` runs. */
const TARGET: Record<string, number> = { host: 1.1, 1: 1.1, 10: 1.0, 50: 1.0 };
/** Latency of the synthetic in-process hosts that isolate runFleetStatus's own overhead. */
const SYNTHETIC_LATENCY_MS = 200;

interface Outcome {
  ms: number;
  /** Empty when every process exited 0 and every host answered; else what went wrong. */
  problem: string;
}

/** Spawns `argv` (no shell) and resolves with its wall time, exit code and stdout. */
function timedRun(argv: readonly string[]): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.once('error', reject);
    child.once('close', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Prints fleet status wall time of the built CLI against parallel OpenSSH runs, 1/10/50 hosts, and the in-process orchestration overhead. */
export async function run(): Promise<void> {
  const root = findRepoRoot();
  const bin = join(root, 'dist', 'src', 'cli', 'bin.js');
  const php = join(root, 'test', 'fixtures', 'bin', 'fake-php');
  const fixtureBase = join(fixtureDir('workerman-status'), 'wm5.2.2-idle');
  if (!existsSync(bin)) {
    console.log('skipped: the CLI is not built (npm run bench builds it)');
    return;
  }
  await printSyntheticOverhead();
  if (sshdUnavailableReason !== null) {
    console.log(`(peer comparison skipped: ${sshdUnavailableReason})`);
    return;
  }
  const ssh = await timedRun(['ssh', '-V']).catch(() => null);
  if (ssh === null || ssh.code !== 0) {
    console.log('(peer comparison skipped: no OpenSSH `ssh` client on PATH)');
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'wmops-fleet-bench-'));
  const capture = await readFile(`${fixtureBase}.out`, 'utf8');
  let sshd: SshdHandle | null = null;
  try {
    sshd = await startSshd();
    const maxHosts = Math.max(...HOST_COUNTS);
    const startFiles: string[] = [];
    const hostLines: string[] = [];
    for (let i = 0; i < maxHosts; i++) {
      // One start file per host: fake-php keeps a replay counter per start file.
      const startFile = join(dir, `host-${i}.php`);
      await writeFile(startFile, JSON.stringify({ status: [fixtureBase], delayMs: DELAY_MS }));
      startFiles.push(startFile);
      const groups = HOST_COUNTS.filter((n) => i < n).map((n) => `fleet${n}`);
      hostLines.push(
        `  - name: bench-${i}\n    groups: [${groups.join(', ')}]\n` +
          `    ssh: { address: "127.0.0.1", port: ${sshd.port}, username: "${sshd.username}", privateKeyFile: "${sshd.clientKeyFile}", hostKey: "${sshd.hostKeyFingerprint}" }\n` +
          `    workerman: { php: "${php}", startFile: "${startFile}" }\n`,
      );
    }
    const config = join(dir, 'ops.yml');
    // Every host at once, as the parallel `ssh` runs do (the default fleetConcurrency of 16 would run
    // 50 hosts in 4 waves of a second each, by design).
    await writeFile(config, `limits: { fleetConcurrency: ${maxHosts} }\nhosts:\n${hostLines.join('')}`);
    const sshArgv = (i: number): string[] => [
      'ssh', '-F', '/dev/null', '-i', sshd!.clientKeyFile, '-o', 'IdentitiesOnly=yes', '-o', `UserKnownHostsFile=${sshd!.knownHostsFile}`,
      '-o', 'StrictHostKeyChecking=yes', '-o', 'BatchMode=yes', '-p', String(sshd!.port), `${sshd!.username}@127.0.0.1`, php, startFiles[i]!, 'status',
    ];

    const cli = async (target: string, hosts: number): Promise<Outcome> => {
      const r = await timedRun([process.execPath, bin, 'status', target, '--config', config, '--json']);
      if (r.code !== 0) return { ms: r.ms, problem: `exit ${r.code}: ${r.stderr.trim().slice(0, 200)}` };
      const out = JSON.parse(r.stdout) as { hosts?: { state: string }[]; processCount?: number };
      const up = out.hosts === undefined ? (out.processCount ?? 0) > 0 ? 1 : 0 : out.hosts.filter((h) => h.state === 'up').length;
      return { ms: r.ms, problem: up === hosts ? '' : `${hosts - up} of ${hosts} hosts not up` };
    };
    const peers = async (hosts: number): Promise<Outcome> => {
      const started = performance.now();
      const runs = await Promise.all(Array.from({ length: hosts }, (_, i) => timedRun(sshArgv(i))));
      const bad = runs.filter((r) => r.code !== 0 || !r.stdout.includes(capture.slice(0, 200))).length;
      return { ms: performance.now() - started, problem: bad === 0 ? '' : `${bad} of ${hosts} ssh runs failed` };
    };

    const cases = [
      { label: 'status <host>', key: 'host', hosts: 1, a: () => cli('bench-0', 1) },
      ...HOST_COUNTS.map((n) => ({ label: `status <group of ${n}>`, key: String(n), hosts: n, a: () => cli(`fleet${n}`, n) })),
    ];
    const loadAtStart = loadavg();
    const nodeAlone: number[] = [];
    for (let i = 0; i < 5; i++) nodeAlone.push((await timedRun([process.execPath, '-e', '0'])).ms);
    console.log(
      `built CLI (cold) vs the same number of parallel OpenSSH \`ssh host php start.php status\`, status waits ${DELAY_MS} ms per host; ` +
        `${ROUNDS} pairs per case after a warm-up pair, A and B in turn; load average ${loadAtStart.map((l) => l.toFixed(1)).join(' ')} at start`,
    );
    console.log(`node start-up alone (\`node -e 0\`): median ${median(nodeAlone).toFixed(0)} ms${process.env.NODE_EXTRA_CA_CERTS ? ' (NODE_EXTRA_CA_CERTS is set: node parses those certificates at every start)' : ''}`);
    console.log(`${'case'.padEnd(22)} ${'CLI ms'.padStart(7)} ${'ssh ms'.padStart(7)}  ratio (median, min-max of pairs)  target`);
    for (const c of cases) {
      await c.a();
      await peers(c.hosts);
      const a: number[] = [];
      const b: number[] = [];
      const ratios: number[] = [];
      const problems = new Set<string>();
      for (let round = 0; round < ROUNDS; round++) {
        // Alternate which goes first, so a drift in the machine's load weighs on both alike.
        let cliRun: Outcome;
        let sshRun: Outcome;
        if (round % 2 === 0) {
          cliRun = await c.a();
          sshRun = await peers(c.hosts);
        } else {
          sshRun = await peers(c.hosts);
          cliRun = await c.a();
        }
        for (const p of [cliRun.problem, sshRun.problem]) if (p !== '') problems.add(p);
        a.push(cliRun.ms);
        b.push(sshRun.ms);
        ratios.push(cliRun.ms / sshRun.ms);
      }
      const ratio = median(ratios);
      const target = TARGET[c.key]!;
      console.log(
        `${c.label.padEnd(22)} ${median(a).toFixed(0).padStart(7)} ${median(b).toFixed(0).padStart(7)}  ${ratio.toFixed(2)}x (${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)})`.padEnd(72) +
          `≤ ${target.toFixed(1)}x: ${ratio <= target ? 'met' : 'NOT met'}${problems.size > 0 ? `  (problems: ${[...problems].join('; ')})` : ''}`,
      );
    }
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end`);
  } finally {
    await sshd?.stop();
    // fake-php writes a counter file per call; one still exiting can race the removal, so retry.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 }).catch((error: unknown) =>
      console.log(`(could not remove ${dir}: ${(error as Error).message})`),
    );
  }
}

/** runFleetStatus alone over hosts that answer after a fixed delay without spawning anything: its own overhead. */
async function printSyntheticOverhead(): Promise<void> {
  const status: WorkermanStatus = {
    host: null,
    workerman: { version: '5.2.2', phpVersion: null, eventLoop: null },
    startedAt: null,
    uptime: null,
    loadAverage: null,
    workerCount: 0,
    processCount: 0,
    workers: [],
    processes: [],
    findings: [],
  };
  const row: string[] = [];
  for (const count of HOST_COUNTS) {
    const hosts = Array.from({ length: count }, (_, i) => HostConfig.parse({ name: `synthetic-${i}` }));
    const started = performance.now();
    await runFleetStatus(hosts, () => new Promise((r) => setTimeout(() => r(status), SYNTHETIC_LATENCY_MS)), {
      concurrency: count,
      perHostTimeoutMs: 30_000,
    });
    row.push(`${count} hosts ${(performance.now() - started).toFixed(0)} ms`);
  }
  console.log(`runFleetStatus alone, in-process hosts answering after ${SYNTHETIC_LATENCY_MS} ms: ${row.join(', ')}`);
}
