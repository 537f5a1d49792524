import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { createBotMetrics, type MetricsWatchSource } from '../../../src/metrics/create-bot-metrics.js';
import { createHostWindow, type HostWindow } from '../../../src/watch/host-window.js';
import type { Alert, WatchProcess, WatchSample } from '../../../src/watch/types.js';
import { alertKey } from '../../../src/watch/types.js';
import { parsePrometheusText, samplesOf, valueOf, type Family } from '../../helpers/parse-prometheus-text.js';
import { STATUS_FIXTURES } from '../../helpers/paths.js';
import { createSequence, type Sequence } from '../../helpers/watch-sequence.js';

// /metrics as a scraper sees it: the registry rendered to the text format and read back with a strict
// parser of that format. The watcher is a stand-in that holds real windows (createHostWindow: the
// compact store the watcher keeps, so names and nulls go through its encoding), fed with recorded
// sequences built from real captures (test/helpers/watch-sequence.ts).

const MB = 1_048_576;
// Prometheus' own parser and linter (Debian's `prometheus` package; .ci/run installs it).
const promtoolMissing =
  process.env.CI === 'true' || spawnSync('promtool', ['--version']).status === 0 ? null : 'promtool is not installed (apt-get install prometheus)';
if (promtoolMissing !== null) console.warn(`[promtool check skipped] ${promtoolMissing}. In CI (CI=true) it runs and fails instead of skipping.`);
const WORKER_FAMILIES = [
  'workerman_worker_processes',
  'workerman_worker_rss_bytes',
  'workerman_worker_php_memory_bytes',
  'workerman_worker_connections',
  'workerman_worker_requests_total',
  'workerman_worker_busy_processes',
];

/** A watcher stand-in over real windows: `hosts()`, `window(host)` and `openAlerts()` as the watcher has them. */
function createWindows(alerts: Alert[] = []) {
  const windows = new Map<string, HostWindow>();
  const source: MetricsWatchSource = {
    hosts: () => [...windows.keys()],
    window: (host) => windows.get(host)?.view() ?? null,
    openAlerts: () => alerts,
  };
  return {
    source,
    push(sample: WatchSample): void {
      let w = windows.get(sample.host);
      if (w === undefined) {
        w = createHostWindow(sample.host, { windowMs: 6 * 3_600_000, maxSamples: 2000 });
        windows.set(sample.host, w);
      }
      w.push(sample);
    },
    drop(host: string): void {
      windows.delete(host);
    },
  };
}

async function scrape(metrics: ReturnType<typeof createBotMetrics>): Promise<{ text: string; families: Map<string, Family> }> {
  const text = await metrics.render();
  return { text, families: parsePrometheusText(text) };
}

function truthOf(capture: string): { worker_processes: { pid: number; name: string; rss_kb: number }[] } {
  return JSON.parse(readFileSync(join(STATUS_FIXTURES, `${capture}.json`), 'utf8')) as { worker_processes: { pid: number; name: string; rss_kb: number }[] };
}

function seriesCount(families: Map<string, Family>): number {
  return [...families.values()].reduce((n, f) => n + f.samples.length, 0);
}

describe('createBotMetrics() without a watcher', () => {
  it('createBotMetrics() without a watcher shows only the bot’s own metrics, and says it does not watch', async () => {
    const { families } = await scrape(createBotMetrics());
    expect([...families.keys()].sort()).toEqual([
      'workerman_ops_request_duration_seconds',
      'workerman_ops_requests_total',
      'workerman_ops_traces_total',
      'workerman_ops_watching',
    ]);
    expect(valueOf(families, 'workerman_ops_watching')).toBe(0);
    for (const family of families.values()) expect(family.help, family.name).toMatch(/\S/);
    // Every trace outcome is there from the start, at 0.
    expect(samplesOf(families, 'workerman_ops_traces_total').map((s) => [s.labels.outcome, s.value])).toEqual([
      ['ok', 0],
      ['denied', 0],
      ['rate_limited', 0],
      ['cancelled', 0],
      ['error', 0],
    ]);
  });

  it('countRequest() through the audit trail counts requests by command and outcome, their durations and traces by outcome', async () => {
    const metrics = createBotMetrics();
    let clock = 1_000_000;
    const audit = createAuditLog({ write: () => undefined }, { now: () => clock, onRecord: (line) => metrics.countRequest(line) });
    const request = (command: string, ms: number, result: Parameters<ReturnType<typeof audit.begin>['finish']>[0]): void => {
      const timer = audit.begin({ userId: 'U1', channelId: 'C1', command, host: 'web-1', via: command.includes('_') ? 'button' : 'command' });
      clock += ms;
      timer.finish(result);
    };
    request('status', 1200, { outcome: 'ok' });
    request('status', 300, { outcome: 'ok' });
    request('status', 40, { outcome: 'denied', errorCode: 'access_denied' });
    request('help', 4, { outcome: 'ok' });
    request('trace_confirm', 31_000, { outcome: 'ok' });
    request('trace_confirm', 2_000, { outcome: 'error', errorCode: 'cancelled' });
    request('trace_confirm', 500, { outcome: 'error', errorCode: 'strace_not_permitted' });
    request('trace_confirm', 10, { outcome: 'rate_limited', errorCode: 'rate_limited' });
    const { families } = await scrape(metrics);

    expect(valueOf(families, 'workerman_ops_requests_total', { command: 'status', outcome: 'ok' })).toBe(2);
    expect(valueOf(families, 'workerman_ops_requests_total', { command: 'status', outcome: 'denied' })).toBe(1);
    expect(valueOf(families, 'workerman_ops_requests_total', { command: 'help', outcome: 'ok' })).toBe(1);
    expect(valueOf(families, 'workerman_ops_requests_total', { command: 'trace_confirm', outcome: 'error' })).toBe(2);
    expect(families.get('workerman_ops_request_duration_seconds')!.type).toBe('histogram');
    expect(valueOf(families, 'workerman_ops_request_duration_seconds_count', { command: 'status' })).toBe(3);
    expect(valueOf(families, 'workerman_ops_request_duration_seconds_sum', { command: 'status' })).toBeCloseTo(1.54, 9);
    expect(valueOf(families, 'workerman_ops_request_duration_seconds_bucket', { command: 'status', le: '0.05' })).toBe(1);
    expect(valueOf(families, 'workerman_ops_request_duration_seconds_bucket', { command: 'status', le: '0.5' })).toBe(2);
    expect(valueOf(families, 'workerman_ops_request_duration_seconds_bucket', { command: 'status', le: '2.5' })).toBe(3);
    expect(valueOf(families, 'workerman_ops_request_duration_seconds_bucket', { command: 'trace_confirm', le: '30' })).toBe(3);
    expect(valueOf(families, 'workerman_ops_request_duration_seconds_bucket', { command: 'trace_confirm', le: '60' })).toBe(4);
    expect(valueOf(families, 'workerman_ops_traces_total', { outcome: 'ok' })).toBe(1);
    expect(valueOf(families, 'workerman_ops_traces_total', { outcome: 'cancelled' })).toBe(1);
    expect(valueOf(families, 'workerman_ops_traces_total', { outcome: 'error' })).toBe(1);
    expect(valueOf(families, 'workerman_ops_traces_total', { outcome: 'rate_limited' })).toBe(1);
    expect(valueOf(families, 'workerman_ops_traces_total', { outcome: 'denied' })).toBe(0);
  });

  it('countRequest() keeps at most 32 command label values; the rest, and any odd one, count as _other', async () => {
    const metrics = createBotMetrics();
    for (let i = 0; i < 200; i++) metrics.countRequest({ command: `cmd${i}`, outcome: 'ok', errorCode: null, durationMs: 1 });
    metrics.countRequest({ command: 'Bad Command"\n', outcome: 'ok', errorCode: null, durationMs: 1 });
    metrics.countRequest({ command: 'cmd0', outcome: 'ok', errorCode: null, durationMs: 1 });
    const { families } = await scrape(metrics);
    const commands = samplesOf(families, 'workerman_ops_requests_total').map((s) => s.labels.command);
    expect(commands).toHaveLength(33);
    expect(valueOf(families, 'workerman_ops_requests_total', { command: '_other' })).toBe(169);
    expect(valueOf(families, 'workerman_ops_requests_total', { command: 'cmd0' })).toBe(2);
  });
});

describe('createBotMetrics() over the watcher’s windows', () => {
  it('/metrics shows the numbers of a window built from a real capture (wm4.1.17-busy-upstream: one HttpApi01 process [busy])', async () => {
    const capture = 'wm4.1.17-busy-upstream';
    const windows = createWindows();
    const seq = createSequence(capture, { host: 'web-1' });
    seq.proc();
    const sample = seq.status();
    windows.push(sample);
    const { families } = await scrape(createBotMetrics({ watch: windows.source }));
    const v = (name: string, labels: Record<string, string>): number => valueOf(families, name, labels);

    expect(v('workerman_ops_watching', {})).toBe(1);
    expect(v('workerman_up', { host: 'web-1' })).toBe(1);
    expect(v('workerman_master_up', { host: 'web-1' })).toBe(1);
    expect(v('workerman_orphan_processes', { host: 'web-1' })).toBe(0);
    expect(v('workerman_sample_duration_seconds', { host: 'web-1' })).toBe(0.04);
    expect(v('workerman_sample_timestamp_seconds', { host: 'web-1' })).toBe(sample.t / 1000);
    expect(v('workerman_status_timestamp_seconds', { host: 'web-1' })).toBe(sample.t / 1000);
    // /proc: the capture's ground truth (ps rss of each worker process), summed per worker.
    const truth = truthOf(capture).worker_processes;
    for (const name of ['HttpApi01', 'ws-notifications-gateway', 'TextCmd2', 'cron_jobs']) {
      const mine = truth.filter((p) => p.name === name);
      expect(v('workerman_worker_processes', { host: 'web-1', worker: name }), name).toBe(mine.length);
      expect(v('workerman_worker_rss_bytes', { host: 'web-1', worker: name }), name).toBe(mine.reduce((n, p) => n + p.rss_kb * 1024, 0));
    }
    // Status, as printed: 19520 N/A [busy], 19521-19523 1.09M 1.09M 1.1M, total_request 249 1117 430.
    expect(v('workerman_worker_busy_processes', { host: 'web-1', worker: 'HttpApi01' })).toBe(1);
    expect(v('workerman_worker_php_memory_bytes', { host: 'web-1', worker: 'HttpApi01' })).toBe(2 * Math.round(1.09 * MB) + Math.round(1.1 * MB));
    expect(v('workerman_worker_connections', { host: 'web-1', worker: 'HttpApi01' })).toBe(0);
    expect(v('workerman_worker_requests_total', { host: 'web-1', worker: 'HttpApi01' })).toBe(249 + 1117 + 430);
    expect(v('workerman_worker_requests_total', { host: 'web-1', worker: 'ws-notifications-gateway' })).toBe(3);
    expect(v('workerman_worker_requests_total', { host: 'web-1', worker: 'TextCmd2' })).toBe(6);
    expect(v('workerman_worker_php_memory_bytes', { host: 'web-1', worker: 'ws-notifications-gateway' })).toBe(2 * Math.round(0.99 * MB));
    expect(v('workerman_worker_busy_processes', { host: 'web-1', worker: 'cron_jobs' })).toBe(0);
    expect(families.get('workerman_worker_requests_total')!.type).toBe('counter');
    expect(families.get('workerman_worker_exits_total')!.type).toBe('counter');
    expect(v('workerman_worker_exits_total', { host: 'web-1', worker: 'HttpApi01', status: '0' })).toBe(0);
    // No pid anywhere among the labels.
    const pids = new Set(truth.map((p) => String(p.pid)));
    for (const f of families.values()) for (const s of f.samples) for (const value of Object.values(s.labels)) expect(pids.has(value)).toBe(false);
  });

  it('/metrics counts exits by status from the exit table (wm5.2.2-after-reload-kill9: HttpApi01 0×4, 9×1)', async () => {
    const windows = createWindows();
    const seq = createSequence('wm5.2.2-after-reload-kill9');
    seq.proc();
    windows.push(seq.status());
    const { families } = await scrape(createBotMetrics({ watch: windows.source }));
    expect(valueOf(families, 'workerman_worker_exits_total', { worker: 'HttpApi01', status: '0' })).toBe(4);
    expect(valueOf(families, 'workerman_worker_exits_total', { worker: 'HttpApi01', status: '9' })).toBe(1);
    expect(valueOf(families, 'workerman_worker_exits_total', { worker: 'ws-notifications-gateway', status: '0' })).toBe(2);
    expect(samplesOf(families, 'workerman_worker_exits_total')).toHaveLength(5);
  });

  it('/metrics keeps a busy process’s last requests, memory and connections, so requests_total does not dip', async () => {
    const windows = createWindows();
    const seq = createSequence('wm5.2.2-after-reload-kill9');
    seq.proc();
    const first = seq.status({ totalRequest: { 32443: 500, 32445: 10 }, connections: { 32443: 3 }, memoryMb: { 32443: 2 } });
    windows.push(first);
    const before = (await scrape(createBotMetrics({ watch: windows.source }))).families;
    const total = valueOf(before, 'workerman_worker_requests_total', { worker: 'HttpApi01' });
    seq.proc();
    const second = seq.status();
    // What toStatusSnapshot makes of `32443  N/A … N/A [busy]`.
    second.status!.processes = second.status!.processes.map((p) =>
      p.pid === 32443 ? { ...p, memoryBytes: null, connections: null, totalRequest: null, isBusy: true } : p,
    );
    windows.push(second);
    const { families } = await scrape(createBotMetrics({ watch: windows.source }));
    expect(valueOf(families, 'workerman_worker_busy_processes', { worker: 'HttpApi01' })).toBe(1);
    expect(valueOf(families, 'workerman_worker_requests_total', { worker: 'HttpApi01' })).toBeGreaterThanOrEqual(total);
    expect(valueOf(families, 'workerman_worker_connections', { worker: 'HttpApi01' })).toBe(3);
    expect(valueOf(families, 'workerman_worker_php_memory_bytes', { worker: 'HttpApi01' })).toBe(2 * MB + 3 * Math.round(1.12 * MB));
  });

  it('/metrics shows an unreachable host as up 0 with no numbers from before', async () => {
    const windows = createWindows();
    const seq = createSequence('wm5.2.2-idle', { host: 'web-2' });
    seq.proc();
    windows.push(seq.status());
    windows.push(seq.unreachable());
    const { families } = await scrape(createBotMetrics({ watch: windows.source }));
    expect(valueOf(families, 'workerman_up', { host: 'web-2' })).toBe(0);
    expect(valueOf(families, 'workerman_sample_timestamp_seconds', { host: 'web-2' })).toBe(seq.t / 1000);
    expect(samplesOf(families, 'workerman_master_up')).toEqual([]);
    for (const name of WORKER_FAMILIES) expect(samplesOf(families, name), name).toEqual([]);
  });

  it('/metrics drops the series of a host that leaves the watcher and of workers that leave the latest sample', async () => {
    const windows = createWindows();
    const web1 = createSequence('wm5.2.2-idle', { host: 'web-1' });
    const web2 = createSequence('wm5.2.2-idle', { host: 'web-2' });
    web1.proc();
    windows.push(web1.status());
    web2.proc();
    windows.push(web2.status());
    const metrics = createBotMetrics({ watch: windows.source });
    const before = (await scrape(metrics)).families;
    expect(samplesOf(before, 'workerman_up').map((s) => s.labels.host)).toEqual(['web-1', 'web-2']);
    windows.drop('web-2');
    web1.stopApp();
    windows.push(web1.proc());
    const { families } = await scrape(metrics);
    expect(samplesOf(families, 'workerman_up').map((s) => s.labels.host)).toEqual(['web-1']);
    expect(valueOf(families, 'workerman_master_up', { host: 'web-1' })).toBe(0);
    expect(samplesOf(families, 'workerman_worker_processes', { host: 'web-2' })).toEqual([]);
    // The app stopped: no worker series at all (the last status's numbers are not repeated).
    for (const name of [...WORKER_FAMILIES, 'workerman_worker_exits_total']) expect(samplesOf(families, name), name).toEqual([]);
    expect(samplesOf(families, 'workerman_status_timestamp_seconds')).toEqual([]);
    expect(valueOf(families, 'workerman_up', { host: 'web-1' })).toBe(1);
  });

  it('/metrics shows no status numbers after a status run that failed, and /proc numbers still', async () => {
    const windows = createWindows();
    const seq = createSequence('wm5.2.2-idle', { host: 'web-1' });
    seq.proc();
    windows.push(seq.status());
    const next = seq.proc();
    windows.push({ ...next, status: { t: next.t, trigger: 'cadence', startedAt: null, processes: [], exits: [], error: { code: 'command_timed_out', message: 'status took too long' } } });
    const { families } = await scrape(createBotMetrics({ watch: windows.source }));
    expect(valueOf(families, 'workerman_worker_processes', { worker: 'HttpApi01' })).toBe(4);
    for (const name of ['workerman_worker_requests_total', 'workerman_worker_php_memory_bytes', 'workerman_worker_exits_total', 'workerman_status_timestamp_seconds']) {
      expect(samplesOf(families, name), name).toEqual([]);
    }
    expect(samplesOf(families, 'workerman_worker_connections').map((s) => s.labels.worker)).toEqual([]);
  });

  it('/metrics cardinality stays bounded while 1,000 pids churn (125 reloads of 8 workers, and one sample of 1,000 processes)', async () => {
    const windows = createWindows();
    const seq: Sequence = createSequence('wm5.2.2-idle', { host: 'web-1' });
    seq.proc();
    windows.push(seq.status());
    const metrics = createBotMetrics({ watch: windows.source });
    const first = await scrape(metrics);
    const series = seriesCount(first.families);
    const seenPids = new Set<number>();
    for (let i = 0; i < 125; i++) {
      for (const pid of Object.values(seq.reload())) seenPids.add(pid);
      seq.proc();
      windows.push(seq.status());
      const { families, text } = await scrape(metrics);
      expect(seriesCount(families)).toBe(series);
      if (i % 25 === 0 || i === 124) for (const pid of seenPids) expect(text).not.toMatch(new RegExp(`"${pid}"`));
    }
    expect(seenPids.size).toBe(1000);

    // One sample with 1,000 processes of one worker, each a new pid: one series per family.
    const big = seq.proc();
    const template = big.processes.find((p) => p.role === 'worker')!;
    const crowd: WatchProcess[] = Array.from({ length: 1000 }, (_, k) => ({ ...template, pid: 900_000 + k, worker: 'HttpApi01', rssBytes: 4096 * (k + 1) }));
    windows.push({ ...big, processes: [...big.processes.filter((p) => p.role === 'master'), ...crowd], status: null });
    const { families } = await scrape(metrics);
    expect(valueOf(families, 'workerman_worker_processes', { worker: 'HttpApi01' })).toBe(1000);
    expect(valueOf(families, 'workerman_worker_rss_bytes', { worker: 'HttpApi01' })).toBe((4096 * 1000 * 1001) / 2);
    expect(seriesCount(families)).toBeLessThanOrEqual(series);
  });

  it('/metrics keeps at most 32 worker names per host with 500 distinct ones, the rest summed as _other', async () => {
    const windows = createWindows();
    const seq = createSequence('wm5.2.2-idle', { host: 'web-1' });
    const base = seq.proc();
    const template = base.processes.find((p) => p.role === 'worker')!;
    const workers: WatchProcess[] = Array.from({ length: 1000 }, (_, k) => ({
      ...template,
      pid: 100_000 + k,
      worker: `w${String(k % 500).padStart(3, '0')}`,
      rssBytes: 1_024_000, // the window keeps RSS in KB
    }));
    const exits = Array.from({ length: 500 }, (_, k) => ({ worker: `w${String(k).padStart(3, '0')}`, status: k % 40, count: 1 }));
    windows.push({
      ...base,
      processes: [...base.processes.filter((p) => p.role === 'master'), ...workers],
      status: { t: base.t, trigger: 'cadence', startedAt: '2026-11-26 05:05:08', processes: [], exits, error: null },
    });
    const { families } = await scrape(createBotMetrics({ watch: windows.source }));
    const names = samplesOf(families, 'workerman_worker_processes').map((s) => s.labels.worker);
    expect(names).toHaveLength(33);
    expect(names).toContain('_other');
    expect(names.filter((n) => n !== '_other')).toEqual(Array.from({ length: 32 }, (_, k) => `w${String(k).padStart(3, '0')}`));
    expect(valueOf(families, 'workerman_worker_processes', { worker: '_other' })).toBe(1000 - 64);
    expect(valueOf(families, 'workerman_worker_rss_bytes', { worker: '_other' })).toBe((1000 - 64) * 1_024_000);
    // Exits: 32 named workers × their one status, and _other with at most 16 statuses (+ its own _other).
    const other = samplesOf(families, 'workerman_worker_exits_total', { worker: '_other' });
    expect(other.length).toBeLessThanOrEqual(17);
    expect(other.reduce((n, s) => n + s.value, 0)).toBe(500 - 32);
    expect(samplesOf(families, 'workerman_worker_exits_total').length).toBeLessThanOrEqual(32 + 17);
  });

  it('/metrics escapes host and worker names with quotes, backslashes and newlines, and reads them back exactly', async () => {
    const host = 'we"b\\1\nx';
    const worker = 'Http"Api\\01\n} 1\nfake_metric{a="b"} 1';
    const windows = createWindows([
      { ...anAlert(host), kind: 'crash-loop', severity: 'critical' },
      { ...anAlert('not-watched'), kind: 'stuck' },
    ]);
    const seq = createSequence('wm5.2.2-idle', { host });
    const sample = seq.proc();
    windows.push({ ...sample, processes: sample.processes.map((p) => (p.worker === 'TextCmd2' ? { ...p, worker } : p)) });
    const { text, families } = await scrape(createBotMetrics({ watch: windows.source }));
    expect(text).toContain('host="we\\"b\\\\1\\nx"');
    expect(text).toContain('worker="Http\\"Api\\\\01\\n} 1\\nfake_metric{a=\\"b\\"} 1"');
    expect(families.has('fake_metric')).toBe(false);
    expect(valueOf(families, 'workerman_up', { host })).toBe(1);
    expect(valueOf(families, 'workerman_worker_processes', { host, worker })).toBe(1);
    expect(valueOf(families, 'workerman_alerts_open', { host, kind: 'crash-loop', severity: 'critical' })).toBe(1);
    expect(samplesOf(families, 'workerman_alerts_open')).toHaveLength(1);
  });

  it('/metrics turns control characters and broken UTF-16 in names into U+FFFD and cuts names at 128 characters', async () => {
    const windows = createWindows();
    const seq = createSequence('wm5.2.2-idle', { host: 'web-1' });
    const sample = seq.proc();
    const long = 'L'.repeat(300);
    const rename: Record<string, string> = { TextCmd2: 'a\u0000b\rc\u001bd\ud800e', cron_jobs: long, HttpApi01: '' };
    windows.push({ ...sample, processes: sample.processes.map((p) => (p.worker !== null && rename[p.worker] !== undefined ? { ...p, worker: rename[p.worker]! } : p)) });
    const { families } = await scrape(createBotMetrics({ watch: windows.source }));
    const names = samplesOf(families, 'workerman_worker_processes').map((s) => s.labels.worker);
    expect(names).toContain('a\ufffdb\ufffdc\ufffdd\ufffde');
    expect(names).toContain(`${'L'.repeat(127)}…`);
    expect(names).toContain('_unnamed');
  });
});

describe.skipIf(promtoolMissing !== null)('createBotMetrics() against Prometheus’ own tools', () => {
  it('/metrics with hosts, workers, exits, alerts and requests passes `promtool check metrics` (parser and lint)', async () => {
    const windows = createWindows([{ ...anAlert('web-1'), kind: 'memory-growth' }]);
    const seq = createSequence('wm4.1.17-busy-upstream', { host: 'web-1' });
    seq.proc();
    windows.push(seq.status({ exits: [{ worker: 'HttpApi01', status: 9, count: 2 }] }));
    const odd = createSequence('wm5.2.2-idle', { host: 'we"b\\1\nx' });
    const sample = odd.proc();
    windows.push({ ...sample, processes: sample.processes.map((p) => (p.worker === 'TextCmd2' ? { ...p, worker: 'a"b\\c\nd' } : p)) });
    windows.push(createSequence('wm5.2.2-idle', { host: 'web-3' }).unreachable());
    const metrics = createBotMetrics({ watch: windows.source });
    metrics.countRequest({ command: 'status', outcome: 'ok', errorCode: null, durationMs: 1234 });
    metrics.countRequest({ command: 'trace_confirm', outcome: 'error', errorCode: 'cancelled', durationMs: 9000 });
    const text = await metrics.render();
    expect(text).toContain('host="we\\"b\\\\1\\nx"');
    const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect({ status: check.status, stdout: check.stdout, stderr: check.stderr }).toEqual({ status: 0, stdout: '', stderr: '' });
  });
});

function anAlert(host: string): Alert {
  return {
    key: alertKey(host, 'stuck', '1'),
    host,
    kind: 'stuck',
    subject: '1',
    state: 'open',
    severity: 'warning',
    title: 't',
    evidence: [],
    nextStep: '',
    pids: [],
    metrics: {},
    since: 0,
    updatedAt: 0,
    resolvedAt: null,
    resolution: null,
    revision: 1,
    meta: {},
  };
}
