import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { AuditLine } from '../audit/audit-line.js';
import { ACTION_IDS } from '../slack/ids.js';
import type { Alert, WindowView } from '../watch/types.js';
import { OTHER_LABEL, summarizeHostMetrics, type HostMetrics } from './summarize-host-metrics.js';
import { toLabelValue } from './to-label-value.js';

/** What `/metrics` reads of a watcher (the watcher itself fits): computed at each scrape, never pushed. */
export interface MetricsWatchSource {
  /** The watched hosts' names. */
  hosts(): readonly string[];
  /** One host's window, decoded; null for a host not watched. */
  window(host: string): WindowView | null;
  /** The alerts open now (optional: without it there is no `workerman_alerts_open`). */
  openAlerts?(): readonly Alert[];
}

export interface BotMetricsOptions {
  /** The watcher of this replica; absent where `WATCH` is off: then only the bot's own metrics. */
  watch?: MetricsWatchSource;
  /** Worker names kept per host (default 32); the rest are summed under `_other`. */
  maxWorkersPerHost?: number;
  /** Exit statuses kept per worker (default 16); the rest are summed under `_other`. */
  maxExitStatuses?: number;
  /** Distinct `command` label values (default 32), first come; later ones count as `_other`. */
  maxCommands?: number;
  /** Told when a host's window cannot be read; that host is left out of the scrape. */
  onCollectError?: (host: string, error: unknown) => void;
}

/** The registry behind `GET /metrics`, fed by the audit path and the watcher. */
export interface BotMetrics {
  /** The `Content-Type` of `render()` (the text format 0.0.4). */
  readonly contentType: string;
  /** Counts one finished request (its audit line): by command and outcome, its duration, and a trace by outcome. */
  countRequest(line: Pick<AuditLine, 'command' | 'outcome' | 'errorCode' | 'durationMs'>): void;
  /** Returns the exposition text, the watch numbers computed from the windows now. */
  render(): Promise<string>;
}

/** How a trace (the confirm click that runs it) ended, as `workerman_ops_traces_total{outcome}` counts it. */
export type TraceMetricOutcome = 'ok' | 'denied' | 'rate_limited' | 'cancelled' | 'error';
const TRACE_OUTCOMES: readonly TraceMetricOutcome[] = ['ok', 'denied', 'rate_limited', 'cancelled', 'error'];
const CANCELLED = new Set(['cancelled', 'shutting_down']);
const COMMAND_LABEL = /^[a-z][a-z0-9_-]{0,39}$/;
// From a 5 ms `help` to a 10-minute trace (strace.maxDurationS tops out there).
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600];

/**
 * Creates the bot's own registry (never prom-client's global one): request counts, durations and trace
 * outcomes counted as requests finish, and, with a watcher, per host and worker numbers computed from
 * the windows at each scrape (collect callbacks). A host or worker that leaves the window (or the
 * watcher) leaves the next scrape: nothing is kept from one scrape to the next.
 */
export function createBotMetrics(opts: BotMetricsOptions = {}): BotMetrics {
  const registry = new Registry();
  const limits = { maxWorkers: opts.maxWorkersPerHost ?? 32, maxExitStatuses: opts.maxExitStatuses ?? 16 };
  const maxCommands = opts.maxCommands ?? 32;
  const commands = new Set<string>();
  const registers = [registry];

  const requests = new Counter({
    name: 'workerman_ops_requests_total',
    help: 'Slack requests the bot finished (one audit line each), by command or button and outcome (ok, denied, error, rate_limited).',
    labelNames: ['command', 'outcome'] as const,
    registers,
  });
  const durations = new Histogram({
    name: 'workerman_ops_request_duration_seconds',
    help: 'Time from a Slack request to its audit line (the answer posted, or the failure told), by command or button.',
    labelNames: ['command'] as const,
    buckets: DURATION_BUCKETS,
    registers,
  });
  const traces = new Counter({
    name: 'workerman_ops_traces_total',
    help: 'Trace confirmations (the click that runs strace), by how they ended: ok, denied, rate_limited, cancelled, error.',
    labelNames: ['outcome'] as const,
    registers,
  });
  // Zero from the start, so rate() and increase() see the first trace of each kind.
  for (const outcome of TRACE_OUTCOMES) traces.inc({ outcome }, 0);
  new Gauge({
    name: 'workerman_ops_watching',
    help: 'Whether this replica runs the watcher (WATCH=on): 1 if so; the workerman_* host metrics come only from that replica.',
    registers,
  }).set(opts.watch === undefined ? 0 : 1);

  const commandLabel = (command: string): string => {
    if (commands.has(command)) return command;
    if (!COMMAND_LABEL.test(command) || commands.size >= maxCommands) return OTHER_LABEL;
    commands.add(command);
    return command;
  };

  // One read of the windows per scrape: render() fills it just before the collect callbacks run.
  let scrape: { hosts: HostMetrics[]; alerts: readonly Alert[] } | null = null;
  const watch = opts.watch;
  if (watch !== undefined) {
    registerWatchMetrics(registry, () => scrape ?? readWatch(watch, limits, opts.onCollectError), { hasAlerts: watch.openAlerts !== undefined });
  }

  return {
    contentType: registry.contentType,
    countRequest(line) {
      const command = commandLabel(line.command);
      requests.inc({ command, outcome: line.outcome });
      durations.observe({ command }, Math.max(0, line.durationMs) / 1000);
      if (line.command === ACTION_IDS.traceConfirm) traces.inc({ outcome: traceOutcomeOf(line) });
    },
    async render() {
      if (watch !== undefined) scrape = readWatch(watch, limits, opts.onCollectError);
      try {
        // Every collect callback runs synchronously inside this call, before its first await.
        const text = registry.metrics();
        scrape = null;
        return await text;
      } finally {
        scrape = null;
      }
    },
  };
}

/** The trace outcome label of a `trace_confirm` audit line. */
export function traceOutcomeOf(line: Pick<AuditLine, 'outcome' | 'errorCode'>): TraceMetricOutcome {
  if (line.outcome !== 'error') return line.outcome;
  return line.errorCode !== null && CANCELLED.has(line.errorCode) ? 'cancelled' : 'error';
}

function readWatch(
  watch: MetricsWatchSource,
  limits: { maxWorkers: number; maxExitStatuses: number },
  onError: BotMetricsOptions['onCollectError'],
): { hosts: HostMetrics[]; alerts: readonly Alert[] } {
  const hosts: HostMetrics[] = [];
  const names = new Set(watch.hosts());
  for (const host of names) {
    try {
      const view = watch.window(host);
      const summary = view === null ? null : summarizeHostMetrics(view, limits);
      if (summary !== null) hosts.push(summary);
    } catch (error) {
      onError?.(host, error);
    }
  }
  let alerts: readonly Alert[] = [];
  try {
    alerts = (watch.openAlerts?.() ?? []).filter((a) => names.has(a.host));
  } catch (error) {
    onError?.('', error);
  }
  return { hosts, alerts };
}

/** Registers the per host and worker gauges and counters; each collect sets every series anew from `read()`. */
function registerWatchMetrics(registry: Registry, read: () => { hosts: HostMetrics[]; alerts: readonly Alert[] }, opts: { hasAlerts: boolean }): void {
  const registers = [registry];
  type HostGauge = (h: HostMetrics) => number | null;
  const hostGauge = (name: string, help: string, value: HostGauge): void => {
    new Gauge({
      name,
      help,
      labelNames: ['host'] as const,
      registers,
      collect() {
        this.reset();
        for (const h of read().hosts) {
          const v = value(h);
          if (v !== null) this.set({ host: h.host }, v);
        }
      },
    });
  };
  type WorkerValue = (w: HostMetrics['workers'][number]) => number | null;
  const workerSeries = (kind: 'gauge' | 'counter', name: string, help: string, value: WorkerValue): void => {
    const config = {
      name,
      help,
      labelNames: ['host', 'worker'] as const,
      registers,
    };
    if (kind === 'gauge') {
      new Gauge({
        ...config,
        collect() {
          this.reset();
          for (const h of read().hosts) {
            for (const w of h.workers) {
              const v = value(w);
              if (v !== null) this.set({ host: h.host, worker: w.worker }, v);
            }
          }
        },
      });
    } else {
      new Counter({
        ...config,
        collect() {
          // A counter has no set(): from zero each scrape, then the value Workerman printed.
          this.reset();
          for (const h of read().hosts) {
            for (const w of h.workers) {
              const v = value(w);
              if (v !== null) this.inc({ host: h.host, worker: w.worker }, v);
            }
          }
        },
      });
    }
  };

  hostGauge('workerman_up', "1 when the host's latest watch sample answered, 0 when it did not (unreachable, or the sample failed).", (h) => (h.isUp ? 1 : 0));
  hostGauge('workerman_sample_duration_seconds', "How long the host's latest watch sample took (/proc, plus Workerman's status when it ran).", (h) => h.sampleDurationSeconds);
  hostGauge('workerman_sample_timestamp_seconds', "When the host's latest watch sample started (Unix time): the host's other numbers are that old.", (h) => h.sampleTimestampSeconds);
  hostGauge('workerman_master_up', 'Whether a live Workerman master runs on the host (latest /proc sample; absent while the host does not answer).', (h) =>
    h.isMasterUp === null ? null : h.isMasterUp ? 1 : 0,
  );
  hostGauge('workerman_orphan_processes', 'Workers of the app whose master is gone (latest /proc sample).', (h) => h.orphanProcesses);
  hostGauge('workerman_status_timestamp_seconds', "When the Workerman status behind the php_memory, connections, requests, busy and exits numbers ran (Unix time).", (h) =>
    h.statusTimestampSeconds,
  );
  workerSeries('gauge', 'workerman_worker_processes', 'Processes of the worker (latest /proc sample).', (w) => w.processes);
  workerSeries('gauge', 'workerman_worker_rss_bytes', "Resident memory of the worker's processes, summed (latest /proc sample).", (w) => w.rssBytes);
  workerSeries('gauge', 'workerman_worker_php_memory_bytes', "PHP memory (memory_get_usage) of the worker's processes, summed (latest Workerman status).", (w) => w.phpMemoryBytes);
  workerSeries('gauge', 'workerman_worker_connections', 'Open connections of the worker (latest Workerman status).', (w) => w.connections);
  workerSeries('counter', 'workerman_worker_requests_total', "Requests the worker's processes have handled (total_request, latest Workerman status; restarts with the processes).", (w) =>
    w.requestsTotal,
  );
  workerSeries('gauge', 'workerman_worker_busy_processes', 'Processes of the worker busy in a request (latest Workerman status).', (w) => w.busyProcesses);
  new Counter({
    name: 'workerman_worker_exits_total',
    help: "Worker process exits by exit status (Workerman's exit table, latest status; restarts with the master).",
    labelNames: ['host', 'worker', 'status'] as const,
    registers,
    collect() {
      this.reset();
      for (const h of read().hosts) for (const e of h.exits) this.inc({ host: h.host, worker: e.worker, status: e.status }, e.count);
    },
  });
  if (!opts.hasAlerts) return;
  new Gauge({
    name: 'workerman_alerts_open',
    help: "The watcher's open alerts, by host, kind and severity.",
    labelNames: ['host', 'kind', 'severity'] as const,
    registers,
    collect() {
      this.reset();
      for (const a of read().alerts) this.inc({ host: toLabelValue(a.host), kind: a.kind, severity: a.severity });
    },
  });
}
