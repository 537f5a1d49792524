import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireAccess } from '../../../src/access/check-access.js';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { auditOutcomeOf } from '../../../src/audit/audit-outcome-of.js';
import { resolveTargets } from '../../../src/config/resolve-targets.js';
import type { HostConfig } from '../../../src/config/host-config.js';
import { Config } from '../../../src/config/schema.js';
import { renderFleetText } from '../../../src/render/text/fleet-table.js';
import { runFleetStatus } from '../../../src/fleet/run-fleet-status.js';
import type { FleetRow } from '../../../src/fleet/types.js';
import { createRateLimiter } from '../../../src/limits/create-rate-limiter.js';
import { createTransports, type TransportPool } from '../../../src/transport/pool.js';
import { runStatus } from '../../../src/workerman/run-status.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

// Generous: 20 SSH handshakes plus 20 node start-ups on a small CI box take a few seconds of CPU.
const PER_HOST_TIMEOUT_MS = 8_000;
// The hung hosts' own command deadline is longer than the fleet's per-host timeout, so it is the fleet
// timeout that cuts them; the remote `timeout` (deadline + 1 s, then KILL after 5 s) reaps the process.
const HUNG_COMMAND_TIMEOUT_MS = 9_000;

// A port nothing listens on: bind an ephemeral port, then close it.
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// Pids of processes whose command line mentions `needle` (Linux /proc), to prove nothing is left running.
function processesMentioning(needle: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) pids.push(Number(entry));
    } catch {
      // gone already
    }
  }
  return pids;
}

describe.skipIf(sshdUnavailableReason !== null)('fleet status of 20 hosts over the real loopback sshd', () => {
  let sshd: SshdHandle;
  let transports: TransportPool;
  let config: Config;
  const apps: FakeApp[] = [];
  const hung: FakeApp[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    const fast = await createFakeApp({ status: ['wm5.2.2-idle'] });
    const slow = await createFakeApp({ status: ['wm4.0.47-busy-sleep'] }, 700);
    const stopped = await createFakeApp({ status: ['wm4.0.47-not-running'] });
    const hanging = await createFakeApp({ status: ['wm5.2.2-idle'] }, 60_000);
    apps.push(fast, slow, stopped, hanging);
    hung.push(hanging);
    const deadPort = await closedPort();
    const host = (name: string, app: FakeApp, groups: string[], ssh: Record<string, unknown> = {}) => ({
      name,
      groups,
      ssh: sshd.sshSettings({ connectTimeoutMs: 2_000, ...ssh }),
      workerman: app.host().workerman,
    });
    const hosts = [
      ...Array.from({ length: 12 }, (_, i) => host(`web-${i + 1}`, fast, ['web'])),
      ...Array.from({ length: 2 }, (_, i) => host(`slow-${i + 1}`, slow, ['web'])),
      host('stopped-1', stopped, ['chat']),
      ...Array.from({ length: 3 }, (_, i) => host(`dead-${i + 1}`, fast, ['chat'], { port: deadPort })),
      ...Array.from({ length: 2 }, (_, i) => host(`hung-${i + 1}`, hanging, ['chat'], { commandTimeoutMs: HUNG_COMMAND_TIMEOUT_MS })),
    ];
    config = Config.parse({
      hosts,
      access: { channels: ['COPS'], contact: '@ops-oncall', rules: [{ commands: ['trace'], hosts: ['web'], users: ['UALICE'] }] },
      limits: { fleetConcurrency: 20, fleetHostTimeoutMs: PER_HOST_TIMEOUT_MS },
    });
    transports = createTransports(config.hosts);
  });

  afterAll(async () => {
    await transports?.closeAll();
    await sshd?.stop();
    await Promise.all(apps.map((a) => a.cleanup()));
  });

  const runOne = (host: HostConfig, signal: AbortSignal) => runStatus(transports.get(host.name), host, { signal }).then((run) => run.status);

  it('runFleetStatus() of `all` arrives within the slowest live host plus the per-host timeout; dead hosts are unreachable', async () => {
    const targets = resolveTargets(config, 'all');
    expect(targets).toHaveLength(20);
    const started = performance.now();
    const rows = await runFleetStatus(targets, runOne, { concurrency: config.limits.fleetConcurrency, perHostTimeoutMs: config.limits.fleetHostTimeoutMs });
    const elapsedMs = performance.now() - started;
    const byState = (state: FleetRow['state']) => rows.filter((r) => r.state === state).map((r) => r.host);
    expect(byState('up')).toEqual([...Array.from({ length: 12 }, (_, i) => `web-${i + 1}`), 'slow-1', 'slow-2']);
    expect(byState('not-running')).toEqual(['stopped-1']);
    expect(byState('unreachable')).toEqual(['dead-1', 'dead-2', 'dead-3', 'hung-1', 'hung-2']);
    expect(byState('error')).toEqual([]);
    expect(rows.filter((r) => r.host.startsWith('dead-')).map((r) => r.errorCode)).toEqual(Array(3).fill('ssh_connect_failed'));
    expect(rows.filter((r) => r.host.startsWith('hung-')).map((r) => r.errorCode)).toEqual(Array(2).fill('command_timed_out'));
    expect(rows.find((r) => r.host === 'web-1')).toMatchObject({ version: '5.2.2', processes: 8, busy: 0 });

    const slowestLiveMs = Math.max(...rows.filter((r) => r.state === 'up' || r.state === 'not-running').map((r) => r.durationMs));
    console.log(`[fleet] 20 hosts in ${Math.round(elapsedMs)} ms; slowest live host ${slowestLiveMs} ms; per-host timeout ${PER_HOST_TIMEOUT_MS} ms`);
    expect(elapsedMs).toBeLessThan(slowestLiveMs + PER_HOST_TIMEOUT_MS);
    // The closed ports fail at once rather than waiting for the timeout.
    for (const row of rows.filter((r) => r.host.startsWith('dead-'))) expect(row.durationMs).toBeLessThan(PER_HOST_TIMEOUT_MS);

    const text = renderFleetText(rows);
    expect(text).toContain('20 hosts: 14 up, 1 not running, 5 unreachable');
  });

  it('the timed-out hosts leave no fake-php process running', async () => {
    const needle = hung[0]!.startFile;
    let left = processesMentioning(needle);
    const deadline = Date.now() + HUNG_COMMAND_TIMEOUT_MS + 8_000;
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      left = processesMentioning(needle);
    }
    expect(left).toEqual([]);
  });

  it('every request, allowed, denied or rate limited, yields exactly one audit line with its outcome', async () => {
    const lines: string[] = [];
    const audit = createAuditLog({ write: (line) => void lines.push(line) });
    const limiter = createRateLimiter({ burst: 2, perMinute: 1 });
    // What the Slack handler does per request: check, limit, run, and always finish the audit timer.
    const handle = async (userId: string, channelId: string, command: 'status' | 'trace', host: string) => {
      const timer = audit.begin({ userId, channelId, command, host, via: 'command' });
      try {
        const decision = requireAccess(config, { userId, channelId, command, host });
        limiter.takeOrThrow(userId);
        if (command === 'status') {
          const rows = await runFleetStatus(decision.targets, runOne, { concurrency: 20, perHostTimeoutMs: PER_HOST_TIMEOUT_MS });
          timer.finish({ outcome: 'ok', hosts: rows.map((r) => r.host), rule: decision.rule });
        } else {
          timer.finish({ outcome: 'ok', pids: [19366], rule: decision.rule });
        }
      } catch (error) {
        timer.finish(auditOutcomeOf(error));
      } finally {
        timer.finish({ outcome: 'error', errorCode: 'internal' }); // ignored when already finished
      }
    };
    await handle('UBOB', 'COPS', 'status', 'web');
    await handle('UBOB', 'CRANDOM', 'status', 'web');
    await handle('UBOB', 'COPS', 'trace', 'web-1');
    await handle('UALICE', 'CRANDOM', 'trace', 'web-1');
    await handle('UBOB', 'COPS', 'status', 'chat');
    await handle('UBOB', 'COPS', 'status', 'web-1');
    await handle('UBOB', 'COPS', 'status', 'nope');
    const parsed = lines.map(
      (l) => JSON.parse(l) as { userId: string; command: string; host: string; outcome: string; errorCode: string | null; hosts: string[]; rule: string | null },
    );
    expect(parsed.map((l) => `${l.userId} ${l.command} ${l.host}: ${l.outcome}${l.errorCode ? ` (${l.errorCode})` : ''}`)).toEqual([
      'UBOB status web: ok',
      'UBOB status web: denied (access_denied)',
      'UBOB trace web-1: denied (access_denied)',
      'UALICE trace web-1: ok',
      'UBOB status chat: ok',
      'UBOB status web-1: rate_limited (rate_limited)',
      'UBOB status nope: error (host_unknown)',
    ]);
    expect(parsed.map((l) => l.rule)).toEqual(['access.channels', 'default: no rule covers this user or channel', 'access.rules[0]', 'access.rules[0]', 'access.channels', null, null]);
    expect(parsed[0]!.hosts).toHaveLength(14);
    expect(parsed[4]!.hosts).toEqual(['stopped-1', 'dead-1', 'dead-2', 'dead-3', 'hung-1', 'hung-2']);
  });
});
