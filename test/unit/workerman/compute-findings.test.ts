import { describe, expect, it } from 'vitest';
import { computeFindings } from '../../../src/workerman/compute-findings.js';
import type { ProcessRow, WorkermanStatus } from '../../../src/workerman/types.js';

const MB = 1024 * 1024;

function proc(pid: number, workerName: string, over: Partial<ProcessRow> = {}): ProcessRow {
  return {
    pid,
    workerName,
    listen: null,
    memoryBytes: MB,
    connections: 0,
    sendFail: 0,
    timers: 0,
    totalRequest: 0,
    qps: null,
    status: 'idle',
    extra: {},
    ...over,
  };
}

function status(over: Partial<WorkermanStatus>): WorkermanStatus {
  return {
    host: null,
    workerman: { version: '4.1.17', phpVersion: '8.2.36', eventLoop: 'Event' },
    startedAt: null,
    uptime: null,
    loadAverage: null,
    workerCount: null,
    processCount: null,
    workers: [],
    processes: [],
    findings: [],
    ...over,
  };
}

describe('computeFindings()', () => {
  it('computeFindings() reports nothing for a healthy table', () => {
    expect(computeFindings(status({ processCount: 2, processes: [proc(1, 'a'), proc(2, 'a')] }))).toEqual([]);
  });

  it('computeFindings() reports each busy process with its pid and worker', () => {
    const s = status({ processes: [proc(10, 'web'), proc(11, 'web', { status: 'busy', memoryBytes: null }), proc(12, 'ws', { status: 'busy' })] });
    const found = computeFindings(s);
    expect(found.map((f) => [f.kind, f.pid, f.worker])).toEqual([
      ['busy', 11, 'web'],
      ['busy', 12, 'ws'],
    ]);
    expect(found[0]?.message).toContain('did not answer within 1 s');
  });

  it('computeFindings() reports one crash-loop per worker with repeated non-zero exits, decoding the status', () => {
    const s = status({
      workers: [
        { name: 'web', exitStatus: 0, exitCount: 4 },
        { name: 'web', exitStatus: 9, exitCount: 1 },
        { name: 'web', exitStatus: 65280, exitCount: 3 },
        { name: 'ws', exitStatus: 11, exitCount: 0 },
        { name: 'cron', exitStatus: 0, exitCount: 2 },
      ],
    });
    const found = computeFindings(s);
    expect(found.map((f) => [f.kind, f.pid, f.worker])).toEqual([['crash-loop', null, 'web']]);
    expect(found[0]?.message).toContain('4 times');
    expect(found[0]?.message).toContain('killed by SIGKILL (status 9) x1');
    expect(found[0]?.message).toContain('exit(255) (status 65280) x3');
    // Where to look, once per cause, in the words a trace's verdict uses.
    expect(found[0]?.message).toContain('Killed by SIGKILL: the OOM killer? check `dmesg`/`journalctl -k`.');
    expect(found[0]?.message).toContain('exit(255): a PHP fatal error: check the PHP error log.');
  });

  it('computeFindings() calls one abnormal exit an abnormal exit, not a crash loop', () => {
    const found = computeFindings(status({ workers: [{ name: 'web', exitStatus: 0, exitCount: 8 }, { name: 'web', exitStatus: 9, exitCount: 1 }] }));
    expect(found).toEqual([
      {
        kind: 'abnormal-exit',
        pid: null,
        worker: 'web',
        message: 'web: one abnormal exit since start (killed by SIGKILL (status 9)); the master re-forked the process. Killed by SIGKILL: the OOM killer? check `dmesg`/`journalctl -k`.',
      },
    ]);
    // A segfault: a crash, not the OOM killer; a status with no usual cause gets no hint.
    expect(computeFindings(status({ workers: [{ name: 'ws', exitStatus: 139, exitCount: 1 }] }))[0]?.message).toContain('Killed by SIGSEGV: a crash in PHP or an extension');
    expect(computeFindings(status({ workers: [{ name: 'ws', exitStatus: 256, exitCount: 1 }] }))[0]?.message).toBe('ws: one abnormal exit since start (exit(1) (status 256)); the master re-forked the process.');
    // Two exits of one worker, whatever their statuses: a crash loop.
    expect(computeFindings(status({ workers: [{ name: 'ws', exitStatus: 9, exitCount: 1 }, { name: 'ws', exitStatus: 256, exitCount: 1 }] })).map((f) => f.kind)).toEqual(['crash-loop']);
  });

  it('computeFindings() flags a process above 2x its worker median memory with 3 or more processes', () => {
    const s = status({
      processes: [proc(1, 'web'), proc(2, 'web', { memoryBytes: 1.1 * MB }), proc(3, 'web', { memoryBytes: 2.5 * MB }), proc(4, 'web', { memoryBytes: 2 * MB })],
    });
    // The median of 1, 1.1, 2 and 2.5 MB is 1.55 MB: 2.5 MB is below twice that, so no finding.
    expect(computeFindings(s)).toEqual([]);
    const leak = status({ processes: [proc(1, 'web'), proc(2, 'web'), proc(3, 'web', { memoryBytes: 2.01 * MB }), proc(4, 'ws', { memoryBytes: 9 * MB })] });
    const found = computeFindings(leak);
    expect(found.map((f) => [f.kind, f.pid, f.worker])).toEqual([['memory-outlier', 3, 'web']]);
    expect(found[0]?.message).toContain('uses 2.0 MiB, 2.0x the median 1.0 MiB of its 3 processes');
  });

  it('computeFindings() does not judge memory with fewer than 3 measured processes of a worker', () => {
    const two = status({ processes: [proc(1, 'web'), proc(2, 'web', { memoryBytes: 10 * MB })] });
    expect(computeFindings(two)).toEqual([]);
    // A busy row has no memory: it does not count towards the 3.
    const withBusy = status({ processes: [proc(1, 'web'), proc(2, 'web', { memoryBytes: 10 * MB }), proc(3, 'web', { status: 'busy', memoryBytes: null })] });
    expect(computeFindings(withBusy).map((f) => f.kind)).toEqual(['busy']);
  });

  it('computeFindings() reports processes that the header counts but the table does not show', () => {
    const found = computeFindings(status({ processCount: 8, processes: [proc(1, 'a'), proc(2, 'a')] }));
    expect(found).toEqual([
      expect.objectContaining({ kind: 'not-reported', pid: null, worker: null, message: expect.stringContaining('6 did not report') }),
    ]);
  });
});
