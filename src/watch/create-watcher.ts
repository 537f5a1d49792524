import type { HostConfig } from '../config/host-config.js';
import { asBotError, BotError, oneLine, type BotErrorCode } from '../errors.js';
import { createConcurrencyLimit } from '../limits/create-concurrency-limit.js';
import { decideStatusRun } from './decide-status-run.js';
import { evaluateAlerts } from './evaluate-alerts.js';
import { createHostWindow, type HostWindow, type HostWindowOptions } from './host-window.js';
import { takeWatchSample } from './take-watch-sample.js';
import type { Alert, WatchSample } from './types.js';
import { loadWatchState, saveWatchState } from './watch-state-file.js';
import type { AlertChangeEvent, AlertChangeType, RoundReport, Watcher, WatcherDeps } from './watcher.js';

const UNREACHABLE: ReadonlySet<BotErrorCode> = new Set(['ssh_connect_failed', 'command_timed_out']);

/**
 * Creates the watcher (see README "watch"): every `intervalS` one /proc sample per watched host, at
 * most `concurrency` at once, each cut at `hostTimeoutMs`; Workerman's status when due; the window and
 * the alert engine; the state file after each round. A host whose previous round has not ended is
 * skipped (and logged), so a slow host never makes rounds pile up. Posts nothing: subscribe with
 * `onAlertChange`.
 */
export function createWatcher(deps: WatcherDeps): Watcher {
  const { settings, transports } = deps;
  const now = deps.now ?? Date.now;
  const logger = deps.logger ?? { info: () => undefined, warn: () => undefined };
  const windowOpts: HostWindowOptions = { windowMs: settings.windowMin * 60_000, maxSamples: settings.maxSamplesPerHost };
  const hostNames = new Set(deps.hosts.map((h) => h.name));
  const windows = new Map<string, HostWindow>();
  const lastOk = new Map<string, WatchSample>();
  const lastStatusT = new Map<string, number>();
  const inFlight = new Map<string, { since: number; controller: AbortController; done: Promise<void> }>();
  const listeners = new Set<(event: AlertChangeEvent) => void>();
  const limit = createConcurrencyLimit(settings.concurrency);
  const rounds = new Set<Promise<RoundReport>>();
  let open: Alert[] = [];
  let loaded: Promise<void> | null = null;
  let timer: NodeJS.Timeout | undefined;
  let isStopped = false;
  let saving: Promise<void> | null = null;
  let isSaveQueued = false;
  let lastSaveAt = Number.NEGATIVE_INFINITY;
  let isAlertSaveDue = false;

  const load = (): Promise<void> =>
    (loaded ??= (async () => {
      const state = await loadWatchState(settings.stateFile, windowOpts, now());
      if (state.warning !== null) logger.warn({ event: 'watch_state_set_aside', message: state.warning, setAside: state.setAsidePath });
      for (const host of deps.hosts) {
        const w = state.windows.get(host.name) ?? createHostWindow(host.name, windowOpts);
        windows.set(host.name, w);
        for (const s of w.view().samples) {
          if (s.outcome === 'ok') lastOk.set(host.name, s);
          if (s.status !== null) lastStatusT.set(host.name, s.status.t);
        }
      }
      // Alerts of hosts no longer watched are dropped: nothing would ever resolve them.
      open = state.alerts.filter((a) => hostNames.has(a.host));
      logger.info({ event: 'watch_state_loaded', hosts: state.windows.size, openAlerts: open.length });
    })());

  const emit = (type: AlertChangeType, alert: Alert): void => {
    logger.info({ event: 'watch_alert', type, key: alert.key, severity: alert.severity, revision: alert.revision });
    for (const cb of listeners) {
      try {
        cb({ type, alert });
      } catch (error) {
        logger.warn({ event: 'watch_listener_failed', message: oneLine(String((error as Error)?.message ?? error)) });
      }
    }
  };

  /** Adds a sample to its window and runs the engine over it. Synchronous: hosts never interleave here. */
  const record = (sample: WatchSample, report: RoundReport): void => {
    const w = windows.get(sample.host)!;
    w.push(sample);
    if (sample.outcome === 'ok') lastOk.set(sample.host, sample);
    if (sample.status !== null) lastStatusT.set(sample.host, sample.status.t);
    const changes = evaluateAlerts(w.view(), open, now(), settings.thresholds);
    open = changes.open;
    for (const a of changes.opened) emit('opened', a);
    for (const a of changes.updated) emit('updated', a);
    for (const a of changes.resolved) emit('resolved', a);
    report.opened += changes.opened.length;
    report.updated += changes.updated.length;
    report.resolved += changes.resolved.length;
  };

  /** The /proc sample, and Workerman's status when it is due. */
  const takeSample = (host: HostConfig, signal: AbortSignal, report: RoundReport): Promise<WatchSample> =>
    takeWatchSample(transports.get(host.name), host, {
      timeoutMs: settings.hostTimeoutMs,
      signal,
      now,
      statusDue: (current) =>
        decideStatusRun({ previous: lastOk.get(host.name) ?? null, current, lastStatusT: lastStatusT.get(host.name) ?? null }, settings),
      onStatusRun: (trigger) => report.statusRuns.push({ host: host.name, trigger }),
    });

  const sampleHost = async (host: HostConfig, report: RoundReport): Promise<void> => {
    const release = await limit.acquire();
    const queuedSince = inFlight.get(host.name)?.since;
    if (isStopped) {
      release();
      inFlight.delete(host.name);
      return;
    }
    const t = now();
    const controller = new AbortController();
    let timeout: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timeout = setTimeout(() => {
        const error = new BotError('command_timed_out', `${host.name} did not answer the watch sample within ${Math.round(settings.hostTimeoutMs / 1000)} s.`);
        controller.abort(error);
        reject(error);
      }, settings.hostTimeoutMs);
    });
    timedOut.catch(() => undefined);
    // The work may outlive the timeout (a transport that ignores the abort): the host stays in flight
    // until it really ends, so the next rounds skip it instead of stacking a second sample on it.
    const work = Promise.resolve().then(() => takeSample(host, controller.signal, report));
    const done = work.then(
      () => undefined,
      () => undefined,
    );
    inFlight.set(host.name, { since: queuedSince ?? t, controller, done });
    void done.finally(() => {
      if (inFlight.get(host.name)?.done === done) inFlight.delete(host.name);
    });
    let sample: WatchSample;
    try {
      sample = await Promise.race([work, timedOut]);
    } catch (error) {
      const e = asBotError(error);
      report.failures.push({ host: host.name, code: e.code });
      sample = {
        host: host.name,
        t,
        durationMs: Math.max(0, now() - t),
        outcome: UNREACHABLE.has(e.code) ? 'unreachable' : 'failed',
        error: { code: e.code, message: oneLine(e.message, 300) },
        uptimeS: null,
        clkTck: 100,
        startFile: host.workerman.startFile ?? null,
        processes: [],
        status: null,
      };
    } finally {
      clearTimeout(timeout);
      release();
    }
    if (!isStopped || sample.outcome === 'ok') record(sample, report);
    report.sampled.push(host.name);
  };

  const save = async (): Promise<void> => {
    if (saving !== null) {
      isSaveQueued = true;
      return saving;
    }
    saving = (async () => {
      do {
        isSaveQueued = false;
        isAlertSaveDue = false;
        lastSaveAt = performance.now();
        try {
          await saveWatchState(settings.stateFile, { windows: windows.values(), alerts: open }, now());
        } catch (error) {
          logger.warn({ event: 'watch_state_save_failed', message: oneLine(String((error as Error)?.message ?? error)) });
        }
      } while (isSaveQueued);
    })();
    try {
      await saving;
    } finally {
      saving = null;
    }
  };

  const runRound = async (): Promise<RoundReport> => {
    await load();
    const started = performance.now();
    const report: RoundReport = { startedAt: now(), durationMs: 0, sampled: [], skipped: [], statusRuns: [], failures: [], opened: 0, updated: 0, resolved: 0 };
    const jobs: Promise<void>[] = [];
    for (const host of deps.hosts) {
      const busy = inFlight.get(host.name);
      if (busy !== undefined) {
        const runningForMs = Math.max(0, now() - busy.since);
        report.skipped.push({ host: host.name, runningForMs });
        logger.warn({ event: 'watch_sample_skipped', host: host.name, runningForMs, message: `${host.name}: the previous sample is still running after ${Math.round(runningForMs / 1000)} s; skipped this round` });
        continue;
      }
      // Marked in flight while it waits for a slot too: a queued host is not queued twice.
      const placeholder = { since: now(), controller: new AbortController(), done: Promise.resolve() };
      inFlight.set(host.name, placeholder);
      jobs.push(
        sampleHost(host, report).catch((error: unknown) => {
          logger.warn({ event: 'watch_sample_failed', host: host.name, message: oneLine(String((error as Error)?.message ?? error)) });
          if (inFlight.get(host.name) === placeholder) inFlight.delete(host.name);
        }),
      );
    }
    await Promise.all(jobs);
    report.durationMs = Math.round(performance.now() - started);
    // An 8 MB file (50 hosts x 6 h) every minute is needless disk wear: samples are saved every
    // saveEveryS, what alerts are open at once (and the Slack side's meta with them).
    if (isAlertSaveDue || report.opened + report.resolved > 0 || performance.now() - lastSaveAt >= settings.saveEveryS * 1000) await save();
    logger.info({ event: 'watch_round', durationMs: report.durationMs, sampled: report.sampled.length, skipped: report.skipped.length, failures: report.failures.length, statusRuns: report.statusRuns.length });
    return report;
  };

  const tracked = (): Promise<RoundReport> => {
    const round = runRound();
    rounds.add(round);
    void round.finally(() => rounds.delete(round));
    return round;
  };

  return {
    async start() {
      isStopped = false;
      await load();
      const intervalMs = settings.intervalS * 1000;
      let nextAt = performance.now();
      const tick = (): void => {
        if (isStopped) return;
        void tracked();
        // Rounds keep their rhythm; a tick missed while the event loop was blocked is not made up.
        nextAt += intervalMs;
        const t = performance.now();
        while (nextAt <= t) nextAt += intervalMs;
        timer = setTimeout(tick, nextAt - t);
      };
      tick();
    },
    async stop() {
      isStopped = true;
      clearTimeout(timer);
      for (const f of inFlight.values()) f.controller.abort(new BotError('command_timed_out', 'The watcher is stopping.'));
      await Promise.allSettled([...rounds]);
      await Promise.allSettled([...inFlight.values()].map((f) => f.done));
      if (loaded !== null) await save();
    },
    onAlertChange(cb) {
      listeners.add(cb);
      return () => listeners.delete(cb);
    },
    runRound: tracked,
    openAlerts: () => [...open],
    hosts: () => deps.hosts.map((h) => h.name),
    window: (host) => windows.get(host)?.view() ?? null,
    setAlertMeta(key, meta) {
      const i = open.findIndex((a) => a.key === key);
      if (i < 0) return false;
      open[i] = { ...open[i]!, meta: { ...open[i]!.meta, ...meta } };
      isAlertSaveDue = true;
      return true;
    },
    save,
  };
}
