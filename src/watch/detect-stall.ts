import { openOfKind, traceCommand, verdictOn, type DetectContext } from './detector.js';
import type { AlertSignal, StatusSnapshot } from './types.js';
import { formatDuration } from '../render/format.js';

const MIN_MS = 60_000;
/** An open stall clears after this many status intervals in a row in which requests moved. */
const CLEAR_INTERVALS = 2;

interface Interval {
  t: number;
  spanMs: number;
  /** null: not comparable (another master, no common pid with numbers, no open connection). */
  isFlat: boolean | null;
  requests: number;
  connections: number;
}

/**
 * Stall: a worker's `total_request` unchanged between two status samples at least `stall.minSpanMin`
 * apart while it has open connections: clients wait and nothing is served. Only workers whose listen
 * scheme is in `stall.protocols` (default http): a websocket with idle clients serves no requests and
 * is fine. Busy rows have no counters and are left out (saturation and stuck speak for them).
 */
export function detectStall(ctx: DetectContext): AlertSignal[] {
  const th = ctx.thresholds.stall;
  const status = ctx.w.status;
  const last = status.at(-1);
  if (last === undefined) return [];
  const open = new Map(openOfKind(ctx, 'stall').map((a) => [a.subject, a]));
  const workers = new Set(last.processes.filter((p) => isWatched(p.listen, th.protocols)).map((p) => p.worker));
  const signals: AlertSignal[] = [];
  for (const worker of new Set([...workers, ...open.keys()])) {
    const intervals = workerIntervals(status, worker, th.minSpanMin * MIN_MS);
    const lastOne = intervals.at(-1);
    const fires = lastOne?.isFlat === true;
    const holds = intervals.slice(-CLEAR_INTERVALS).some((x) => x.isFlat !== false) || intervals.length < CLEAR_INTERVALS;
    if (fires && lastOne !== undefined) {
      signals.push({
        kind: 'stall',
        subject: worker,
        verdict: 'fire',
        severity: 'critical',
        title: `${worker} on ${ctx.host} serves nothing: total_request flat for ${formatDuration(lastOne.spanMs)} with ${lastOne.connections} connection${lastOne.connections === 1 ? '' : 's'} open`,
        evidence: [
          `total_request of ${worker} stayed at ${lastOne.requests} between the status samples of ${new Date(lastOne.t - lastOne.spanMs).toISOString().slice(11, 16)} and ${new Date(lastOne.t).toISOString().slice(11, 16)} UTC`,
          `${lastOne.connections} connection${lastOne.connections === 1 ? ' was' : 's were'} open meanwhile`,
        ],
        nextStep: `Look at what the event loop does: \`${traceCommand(ctx.host, worker)}\`; \`/workerman status ${ctx.host}\` again shows whether the counters moved.`,
        pids: last.processes.filter((p) => p.worker === worker).map((p) => p.pid),
        metrics: { flatMs: lastOne.spanMs, connections: lastOne.connections },
      });
    } else if (open.has(worker)) {
      if (holds && workers.has(worker)) signals.push(verdictOn(open.get(worker)!, 'hold'));
      else signals.push(verdictOn(open.get(worker)!, 'clear', workers.has(worker) ? `${worker} serves requests again` : `${worker} is no longer in the status table`));
    }
  }
  return signals;
}

function workerIntervals(status: readonly StatusSnapshot[], worker: string, minSpanMs: number): Interval[] {
  const out: Interval[] = [];
  for (let i = 1; i < status.length; i++) {
    const a = status[i - 1]!;
    const b = status[i]!;
    const spanMs = b.t - a.t;
    const rowsA = new Map(a.processes.filter((p) => p.worker === worker && p.totalRequest !== null).map((p) => [p.pid, p]));
    const common = b.processes.filter((p) => p.worker === worker && p.totalRequest !== null && rowsA.has(p.pid));
    const connections = (rows: readonly { connections: number | null }[]): number => rows.reduce((n, p) => n + (p.connections ?? 0), 0);
    const connA = connections([...rowsA.values()]);
    const connB = connections(b.processes.filter((p) => p.worker === worker));
    const before = common.reduce((n, p) => n + (rowsA.get(p.pid)!.totalRequest ?? 0), 0);
    const after = common.reduce((n, p) => n + (p.totalRequest ?? 0), 0);
    const comparable = a.startedAt === b.startedAt && common.length > 0 && connA > 0 && connB > 0 && spanMs >= minSpanMs;
    out.push({ t: b.t, spanMs, isFlat: comparable ? after === before : after > before ? false : null, requests: after, connections: connB });
  }
  return out;
}

function isWatched(listen: string | null, protocols: readonly string[]): boolean {
  if (listen === null) return false;
  if (protocols.length === 0) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//.exec(listen)?.[1];
  return scheme !== undefined && protocols.includes(scheme);
}
