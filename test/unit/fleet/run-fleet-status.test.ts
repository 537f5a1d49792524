import { describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { BotError } from '../../../src/errors.js';
import { runFleetStatus, summarizeHost } from '../../../src/fleet/run-fleet-status.js';
import type { FleetRow } from '../../../src/fleet/types.js';
import type { ProcessRow, WorkermanStatus } from '../../../src/workerman/types.js';

const hostsNamed = (...names: string[]): HostConfig[] => names.map((name) => HostConfig.parse({ name }));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function processRow(pid: number, status: 'idle' | 'busy' | null, memoryBytes: number | null): ProcessRow {
  return { pid, workerName: 'HttpApi01', listen: 'http://127.0.0.1:18700', memoryBytes, connections: 0, sendFail: 0, timers: 0, totalRequest: 0, qps: null, status, extra: {} };
}

function statusOf(host: string, processes: ProcessRow[] = [processRow(1, 'idle', 1024 * 1024)]): WorkermanStatus {
  return {
    host,
    workerman: { version: '5.2.2', phpVersion: '8.2.36', eventLoop: 'event' },
    startedAt: null,
    uptime: null,
    loadAverage: null,
    workerCount: 1,
    processCount: processes.length,
    workers: [],
    processes,
    findings: [],
  };
}

// Resolves only when aborted, like a transport that honours the signal; `ignoreSignal` never settles.
function hang(signal: AbortSignal, ignoreSignal = false): Promise<never> {
  return new Promise((_, reject) => {
    if (!ignoreSignal) signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

describe('runFleetStatus()', () => {
  it('runFleetStatus() returns one row per host, in host order, with the state each outcome means', async () => {
    const hosts = hostsNamed('up-1', 'stopped', 'closed-port', 'broken', 'hung', 'crashy');
    const rows = await runFleetStatus(
      hosts,
      async (host, signal) => {
        switch (host.name) {
          case 'stopped':
            throw new BotError('workerman_not_running', 'Workerman is not running on stopped.');
          case 'closed-port':
            throw new BotError('ssh_connect_failed', 'Could not connect to 127.0.0.1:1: connection refused.');
          case 'broken':
            throw new TypeError('cannot read properties of undefined');
          case 'hung':
            return hang(signal);
          default:
            return statusOf(host.name);
        }
      },
      { concurrency: 4, perHostTimeoutMs: 200 },
    );
    expect(rows.map((r) => [r.host, r.state, r.errorCode])).toEqual([
      ['up-1', 'up', null],
      ['stopped', 'not-running', 'workerman_not_running'],
      ['closed-port', 'unreachable', 'ssh_connect_failed'],
      ['broken', 'error', 'internal'],
      ['hung', 'unreachable', 'command_timed_out'],
      ['crashy', 'up', null],
    ]);
    expect(rows[4]!.message).toBe('hung did not answer within 0.2 s; shown as unreachable.');
    expect(rows[0]).toMatchObject({ version: '5.2.2', processes: 1, busy: 0, crashLoops: 0, memoryBytes: 1024 * 1024, message: null });
    expect(rows[0]!.status?.host).toBe('up-1');
  });

  it('runFleetStatus() takes about the slowest live host plus the per-host timeout, however many are dead', async () => {
    const names = Array.from({ length: 20 }, (_, i) => `host-${i}`);
    const dead = new Set(['host-3', 'host-7', 'host-11', 'host-19']);
    const started = performance.now();
    const rows = await runFleetStatus(
      hostsNamed(...names),
      async (host, signal) => {
        if (dead.has(host.name)) return hang(signal, host.name === 'host-19'); // one even ignores the abort
        await sleep(50 + Number(host.name.slice(5)) * 10); // slowest live host: 50 + 18 * 10 = 230 ms
        return statusOf(host.name);
      },
      { concurrency: 20, perHostTimeoutMs: 400 },
    );
    const elapsedMs = performance.now() - started;
    expect(rows.filter((r) => r.state === 'unreachable').map((r) => r.host)).toEqual([...dead]);
    expect(rows.filter((r) => r.state === 'up')).toHaveLength(16);
    // Live hosts finish by 230 ms and dead ones are cut at 400 ms: the run ends at max(230, 400) + overhead.
    expect(elapsedMs).toBeGreaterThanOrEqual(395);
    expect(elapsedMs).toBeLessThan(650);
    for (const row of rows.filter((r) => r.state === 'unreachable')) expect(row.durationMs).toBeLessThan(550);
  });

  it('runFleetStatus() never runs more than `concurrency` hosts at once and frees a slot at a timeout', async () => {
    let active = 0;
    let peak = 0;
    const rows = await runFleetStatus(
      hostsNamed(...Array.from({ length: 12 }, (_, i) => `h-${i}`)),
      async (host, signal) => {
        active += 1;
        peak = Math.max(peak, active);
        try {
          if (host.name === 'h-0') return await hang(signal);
          await sleep(20);
          return statusOf(host.name);
        } finally {
          active -= 1;
        }
      },
      { concurrency: 3, perHostTimeoutMs: 100 },
    );
    expect(peak).toBe(3);
    expect(rows.map((r) => r.state)).toEqual(['unreachable', ...Array(11).fill('up')]);
  });

  it('runFleetStatus() aborts the signal it gave a timed-out host with a command_timed_out BotError', async () => {
    let seen: AbortSignal | undefined;
    await runFleetStatus(
      hostsNamed('slow'),
      (_host, signal) => {
        seen = signal;
        return hang(signal);
      },
      { concurrency: 1, perHostTimeoutMs: 30 },
    );
    expect(seen?.aborted).toBe(true);
    expect(seen?.reason).toBeInstanceOf(BotError);
    expect((seen?.reason as BotError).code).toBe('command_timed_out');
  });

  it('runFleetStatus() reports each host as it finishes and shrugs off a throwing callback', async () => {
    const done: string[] = [];
    const rows = await runFleetStatus(
      hostsNamed('slow', 'fast', 'throws'),
      async (host) => {
        if (host.name === 'throws') throw new BotError('status_unparseable', 'bad');
        await sleep(host.name === 'slow' ? 60 : 5);
        return statusOf(host.name);
      },
      {
        concurrency: 3,
        perHostTimeoutMs: 1000,
        onHostDone: (row: FleetRow, index: number) => {
          done.push(`${index}:${row.host}`);
          throw new Error('progress update failed');
        },
      },
    );
    expect(done).toEqual(['2:throws', '1:fast', '0:slow']);
    expect(rows.map((r) => r.state)).toEqual(['up', 'up', 'error']);
  });

  it('runFleetStatus() turns a synchronous throw into an error row', async () => {
    const rows = await runFleetStatus(
      hostsNamed('a'),
      () => {
        throw new BotError('start_file_missing', 'no start file');
      },
      { concurrency: 1, perHostTimeoutMs: 1000 },
    );
    expect(rows[0]).toMatchObject({ state: 'error', errorCode: 'start_file_missing', message: 'no start file' });
  });

  it('runFleetStatus() stops queued and running hosts when the outer signal aborts', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    const rows = await runFleetStatus(hostsNamed('a', 'b', 'c'), (_h, signal) => hang(signal), {
      concurrency: 1,
      perHostTimeoutMs: 10_000,
      signal: controller.signal,
    });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(rows.map((r) => r.errorCode)).toEqual(['command_timed_out', 'command_timed_out', 'command_timed_out']);
  });

  it('runFleetStatus() of no hosts is an empty list', async () => {
    expect(await runFleetStatus([], () => Promise.reject(new Error('unused')), { concurrency: 4, perHostTimeoutMs: 10 })).toEqual([]);
  });

  it('summarizeHost() counts busy processes, crash loops and total memory', () => {
    const status = statusOf('web-1', [processRow(1, 'busy', 2048), processRow(2, 'idle', null), processRow(3, 'busy', 1024)]);
    status.findings = [
      { kind: 'crash-loop', pid: null, worker: 'HttpApi01', message: 'exit_count 12' },
      { kind: 'busy', pid: 1, worker: 'HttpApi01', message: 'busy' },
    ];
    expect(summarizeHost('web-1', status, 12.6)).toMatchObject({ processes: 3, busy: 2, crashLoops: 1, memoryBytes: 3072, durationMs: 13 });
    expect(summarizeHost('web-1', statusOf('web-1', [processRow(1, null, null)]), 1).memoryBytes).toBeNull();
  });
});
