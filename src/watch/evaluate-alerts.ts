import type { WatchThresholds } from '../config/watch-settings.js';
import { detectCrashLoop } from './detect-crash-loop.js';
import { detectHostState } from './detect-host-state.js';
import { detectMemoryGrowth } from './detect-memory-growth.js';
import { detectSaturation } from './detect-saturation.js';
import { detectStall } from './detect-stall.js';
import { detectStuck } from './detect-stuck.js';
import type { Detector } from './detector.js';
import { alertKey, type Alert, type AlertChanges, type AlertKind, type AlertSignal, type WindowView } from './types.js';
import { buildWindowSeries } from './window-series.js';

/** Every detector, in the order their alerts are reported. */
export const DETECTORS: readonly Detector[] = [detectHostState, detectStuck, detectSaturation, detectCrashLoop, detectStall, detectMemoryGrowth];

/** Kinds about the host itself, which a failed sample is news about (the others wait for data). */
const HOST_KINDS: ReadonlySet<AlertKind> = new Set(['host-unreachable', 'watch-failed']);

/**
 * The alert engine: pure. Reads one host's window and that host's open alerts and returns what opens,
 * what changes and what resolves at `now`. Hysteresis lives in the detectors (open at one level, keep
 * open at a lower one or until N clean samples), so feeding the same window twice changes nothing,
 * and an open alert is never opened again: a renderer posts on `opened`, edits on `updated`, replies
 * on `resolved`. While the host gives no /proc sample, alerts about its app are kept as they are.
 */
export function evaluateAlerts(view: WindowView, open: readonly Alert[], now: number, thresholds: WatchThresholds): AlertChanges {
  const mine = open.filter((a) => a.host === view.host && a.state === 'open');
  const others = open.filter((a) => !(a.host === view.host && a.state === 'open'));
  const w = buildWindowSeries(view, new Set(thresholds.stuck.extraIdleWchans));
  const ctx = { host: view.host, w, thresholds, open: mine };
  const signals = new Map<string, AlertSignal>();
  for (const detect of DETECTORS) {
    for (const signal of detect(ctx)) {
      const key = alertKey(view.host, signal.kind, signal.subject);
      // Two sources may speak of one key (none do today): the stronger verdict wins.
      const had = signals.get(key);
      if (had === undefined || rank(signal.verdict) > rank(had.verdict)) signals.set(key, signal);
    }
  }
  const latestIsOk = view.samples.at(-1)?.outcome === 'ok';
  const changes: AlertChanges = { opened: [], updated: [], resolved: [], open: [...others] };
  const byKey = new Map(mine.map((a) => [a.key, a]));

  for (const alert of mine) {
    const signal = signals.get(alert.key);
    if (signal === undefined || signal.verdict === 'clear') {
      if (signal === undefined && !latestIsOk && !HOST_KINDS.has(alert.kind)) {
        changes.open.push(alert);
        continue;
      }
      changes.resolved.push({ ...alert, state: 'resolved', resolvedAt: now, updatedAt: now, resolution: signal?.resolution ?? 'no longer seen in the samples' });
      continue;
    }
    const next = withSignal(alert, signal, now);
    if (next.revision !== alert.revision) changes.updated.push(next);
    changes.open.push(next);
  }
  for (const [key, signal] of signals) {
    if (signal.verdict !== 'fire' || byKey.has(key)) continue;
    const alert: Alert = {
      key,
      host: view.host,
      kind: signal.kind,
      subject: signal.subject,
      state: 'open',
      severity: signal.severity,
      title: signal.title,
      evidence: signal.evidence,
      nextStep: signal.nextStep,
      pids: signal.pids,
      metrics: signal.metrics,
      since: now,
      updatedAt: now,
      resolvedAt: null,
      resolution: null,
      revision: 1,
      meta: {},
    };
    changes.opened.push(alert);
    changes.open.push(alert);
  }
  return changes;
}

function rank(verdict: AlertSignal['verdict']): number {
  return verdict === 'fire' ? 2 : verdict === 'hold' ? 1 : 0;
}

/** The alert with the signal's words; a new revision only when what a reader sees changed. */
function withSignal(alert: Alert, signal: AlertSignal, now: number): Alert {
  const isChanged =
    alert.title !== signal.title ||
    alert.severity !== signal.severity ||
    alert.nextStep !== signal.nextStep ||
    alert.evidence.join('\n') !== signal.evidence.join('\n') ||
    alert.pids.join(',') !== signal.pids.join(',');
  return {
    ...alert,
    severity: signal.severity,
    title: signal.title,
    evidence: signal.evidence,
    nextStep: signal.nextStep,
    pids: signal.pids,
    metrics: signal.metrics,
    updatedAt: isChanged ? now : alert.updatedAt,
    revision: isChanged ? alert.revision + 1 : alert.revision,
  };
}
