import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { HostConfig } from '../src/config/schema.js';
import { runFleetStatus } from '../src/fleet/run-fleet-status.js';
import { createTransports } from '../src/transport/pool.js';
import { runStatus } from '../src/workerman/run-status.js';
import type { WorkermanStatus } from '../src/workerman/types.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from './sshd-harness.js';
import { findRepoRoot, fixtureDir } from './repo-root.js';

const HOST_COUNTS = [1, 10, 50] as const;
/**
 * At least every host count, so the figure is per-host parallelism rather than queue waves
 * (`limits.fleetConcurrency` defaults to 16: 50 hosts would then run in 4 waves by design).
 */
const CONCURRENCY = 50;
/** Latency of the synthetic in-process hosts that isolate the orchestration overhead. */
const SYNTHETIC_LATENCY_MS = 200;
const PER_HOST_TIMEOUT_MS = 30_000;
const WARM_ROUNDS = 3;


interface Timing {
  coldMs: number;
  warmMs: number;
  up: number;
  /** `code×n` of the hosts that were not up in the cold run (a loaded box makes handshakes time out). */
  failures: string;
}

// One fleet status of `count` hosts, each its own start file (fake-php keeps a counter per start file),
// cold (new transports: SSH handshakes included) and then warm (pooled connections), median of rounds.
async function timeFleet(count: number, dir: string, php: string, fixtureBase: string, ssh: SshdHandle | null): Promise<Timing> {
  const hosts: HostConfig[] = [];
  for (let i = 0; i < count; i++) {
    const startFile = join(dir, `host-${count}-${i}.php`);
    await writeFile(startFile, JSON.stringify({ status: [fixtureBase] }));
    // The remote deadline equals the fleet's, so a host cut by the fleet timeout does not outlive the bench.
    const sshBlock = ssh ? { ssh: ssh.sshSettings({ commandTimeoutMs: PER_HOST_TIMEOUT_MS }) } : {};
    hosts.push(HostConfig.parse({ name: `bench-${i}`, workerman: { php, startFile }, ...sshBlock }));
  }
  const transports = createTransports(hosts);
  try {
    const once = async (): Promise<{ ms: number; up: number; failures: string }> => {
      const started = performance.now();
      const rows = await runFleetStatus(hosts, (host, signal) => runStatus(transports.get(host.name), host, { signal }).then((r) => r.status), {
        concurrency: CONCURRENCY,
        perHostTimeoutMs: PER_HOST_TIMEOUT_MS,
      });
      const codes = new Map<string, number>();
      for (const row of rows) if (row.errorCode !== null) codes.set(row.errorCode, (codes.get(row.errorCode) ?? 0) + 1);
      const failures = [...codes].map(([code, n]) => `${code}×${n}`).join(' ');
      return { ms: performance.now() - started, up: rows.filter((r) => r.state === 'up').length, failures };
    };
    const cold = await once();
    const warm: number[] = [];
    for (let round = 0; round < WARM_ROUNDS; round++) warm.push((await once()).ms);
    warm.sort((a, b) => a - b);
    return { coldMs: cold.ms, warmMs: warm[Math.floor(warm.length / 2)]!, up: cold.up, failures: cold.failures };
  } finally {
    await transports.closeAll();
  }
}

// Hosts that answer after a fixed delay without spawning anything: what runFleetStatus itself costs.
async function timeSynthetic(count: number): Promise<number> {
  const hosts = Array.from({ length: count }, (_, i) => HostConfig.parse({ name: `synthetic-${i}` }));
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
  const started = performance.now();
  await runFleetStatus(hosts, () => new Promise((r) => setTimeout(() => r(status), SYNTHETIC_LATENCY_MS)), {
    concurrency: CONCURRENCY,
    perHostTimeoutMs: PER_HOST_TIMEOUT_MS,
  });
  return performance.now() - started;
}

/** Prints fleet status wall time for 1, 10 and 50 loopback hosts and the ratio to one host (local, and SSH if sshd exists). */
export async function run(): Promise<void> {
  const root = findRepoRoot();
  const php = join(root, 'test', 'fixtures', 'bin', 'fake-php');
  const fixtureBase = join(fixtureDir('workerman-status'), 'wm5.2.2-idle');
  if (!existsSync(php) || !existsSync(`${fixtureBase}.out`)) {
    console.log(`skipped: needs ${php} and the fixture ${fixtureBase}.out`);
    return;
  }
  const dir = await mkdtemp(join(tmpdir(), 'wmops-fleet-bench-'));
  let sshd: SshdHandle | null = null;
  try {
    const transports: { label: string; ssh: SshdHandle | null }[] = [{ label: 'local (fake-php)', ssh: null }];
    if (process.env.WMOPS_BENCH_SSH === '0') {
      console.log('(ssh rows skipped: WMOPS_BENCH_SSH=0)');
    } else if (sshdUnavailableReason === null) {
      sshd = await startSshd();
      transports.push({ label: 'ssh to loopback sshd', ssh: sshd });
    } else {
      console.log(`(ssh rows skipped: ${sshdUnavailableReason})`);
    }
    console.log(`load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at start (the figure is spawn/CPU-bound: read it with the load)`);
    console.log(`concurrency ${CONCURRENCY}; cold = new transports, warm = pooled connections, median of ${WARM_ROUNDS}`);
    console.log('transport              hosts  up   cold ms  warm ms  warm ratio to 1 host');
    let syntheticOneMs = 0;
    for (const count of HOST_COUNTS) {
      const ms = await timeSynthetic(count);
      if (count === 1) syntheticOneMs = ms;
      console.log(`${`in-process ${SYNTHETIC_LATENCY_MS} ms`.padEnd(22)} ${String(count).padStart(5)} ${String(count).padStart(3)} ${'-'.padStart(9)} ${ms.toFixed(0).padStart(8)}  ${(ms / syntheticOneMs).toFixed(2)}x`);
    }
    for (const { label, ssh } of transports) {
      let oneHostMs = 0;
      for (const count of HOST_COUNTS) {
        const timing = await timeFleet(count, dir, php, fixtureBase, ssh);
        if (count === 1) oneHostMs = timing.warmMs;
        const ratio = oneHostMs > 0 ? timing.warmMs / oneHostMs : Number.NaN;
        console.log(
          `${label.padEnd(22)} ${String(count).padStart(5)} ${String(timing.up).padStart(3)} ${timing.coldMs.toFixed(0).padStart(9)} ${timing.warmMs.toFixed(0).padStart(8)}  ${ratio.toFixed(2)}x${timing.failures ? `  (cold failures: ${timing.failures})` : ''}`,
        );
      }
    }
  } finally {
    await sshd?.stop();
    // fake-php writes a counter file per call; one still exiting can race the removal, so retry.
    await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 500 }).catch((error: unknown) =>
      console.log(`(could not remove ${dir}: ${(error as Error).message})`),
    );
  }
}
