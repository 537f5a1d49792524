import type { WatchThresholds } from '../config/watch-settings.js';
import type { Alert, AlertKind, AlertSignal } from './types.js';
import type { WindowSeries } from './window-series.js';

/** What every detector reads: the arranged window, the thresholds, and this host's open alerts. */
export interface DetectContext {
  host: string;
  w: WindowSeries;
  thresholds: WatchThresholds;
  /** Open alerts of this host (a detector may explain why one clears). */
  open: readonly Alert[];
}

/** A pure function from the window to verdicts on the subjects it has something to say about. */
export type Detector = (ctx: DetectContext) => AlertSignal[];

/** The open alerts of one kind. */
export function openOfKind(ctx: DetectContext, kind: AlertKind): Alert[] {
  return ctx.open.filter((a) => a.kind === kind);
}

/** How a host is named in commands (`/workerman trace web-1 19366`). */
export function traceCommand(host: string, target: number | string): string {
  return `/workerman trace ${host} ${target}`;
}

/** A verdict on an open alert that keeps its words: `hold` as it is, or `clear` with why. */
export function verdictOn(alert: Alert, verdict: 'hold' | 'clear', resolution?: string): AlertSignal {
  return {
    kind: alert.kind,
    subject: alert.subject,
    verdict,
    severity: alert.severity,
    title: alert.title,
    evidence: alert.evidence,
    nextStep: alert.nextStep,
    pids: alert.pids,
    metrics: alert.metrics,
    ...(resolution === undefined ? {} : { resolution }),
  };
}
