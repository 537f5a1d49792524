import { formatDuration } from '../render/format.js';
import { describeExitStatus } from '../workerman/describe-exit-status.js';
import { openOfKind, verdictOn, type DetectContext } from './detector.js';
import type { AlertSignal, StatusSnapshot } from './types.js';

const MIN_MS = 60_000;

/** Abnormal exits of one worker between two status samples of the same master. */
interface Rise {
  t: number;
  worker: string;
  /** Exit status → how many more exits with it. */
  byStatus: Map<string, number>;
  total: number;
}

/**
 * Crash loop: a worker's abnormal exits (non-zero `exit_status`) rising. Workerman's table counts
 * since the master started, so only rises between status samples of the same master count (the counts
 * a master has on the bot's first look are history, not a loop). It opens at `crashLoop.minExits`
 * rises within `windowMin` (one restart is one exit: no alert) and clears after `quietMin` without a
 * new one. Exits with status 0 (reloads, graceful stops) never count.
 */
export function detectCrashLoop(ctx: DetectContext): AlertSignal[] {
  const th = ctx.thresholds.crashLoop;
  const status = ctx.w.status;
  const last = status.at(-1);
  if (last === undefined) return [];
  const rises = exitRises(status);
  const open = new Map(openOfKind(ctx, 'crash-loop').map((a) => [a.subject, a]));
  const signals: AlertSignal[] = [];
  const workers = new Set([...rises.map((r) => r.worker), ...open.keys()]);
  for (const worker of workers) {
    const mine = rises.filter((r) => r.worker === worker);
    const inWindow = mine.filter((r) => r.t > last.t - th.windowMin * MIN_MS);
    const inQuiet = mine.filter((r) => r.t > last.t - th.quietMin * MIN_MS);
    const total = inWindow.reduce((n, r) => n + r.total, 0);
    // A burst counts while it is recent: quiet for quietMin clears it even inside windowMin.
    const fires = total >= th.minExits && inQuiet.length > 0;
    if (fires || (open.has(worker) && inQuiet.length > 0)) {
      const shown = fires ? inWindow : inQuiet;
      const byStatus = new Map<string, number>();
      for (const r of shown) for (const [s, n] of r.byStatus) byStatus.set(s, (byStatus.get(s) ?? 0) + n);
      const span = shown.length > 0 ? last.t - Math.min(...shown.map((r) => r.t)) : 0;
      const sum = [...byStatus.values()].reduce((a, b) => a + b, 0);
      const evidence = [
        `${sum} abnormal exit${sum === 1 ? '' : 's'} of ${worker} processes in ${formatDuration(Math.max(span, 0)) || 'the last sample'} (the master re-forked them each time)`,
        ...[...byStatus].map(([s, n]) => `exit_status ${s}: ${describeExitStatus(numeric(s))}, +${n}${hint(s)}`),
      ];
      signals.push({
        kind: 'crash-loop',
        subject: worker,
        verdict: fires ? 'fire' : 'hold',
        severity: 'critical',
        title: `${worker} on ${ctx.host} is crash-looping: ${sum} abnormal exits in ${formatDuration(Math.max(span, 0))}`,
        evidence,
        nextStep: `Check the app's log for the error each exit left (PHP's error log, or the stdout file of a daemonized Workerman); \`/workerman status ${ctx.host}\` shows the exit table.`,
        pids: [],
        metrics: { exits: sum },
      });
    } else if (open.has(worker)) {
      signals.push(verdictOn(open.get(worker)!, 'clear', `no abnormal exit of ${worker} for ${th.quietMin} min`));
    }
  }
  return signals;
}

/** The rises in abnormal exit counts between consecutive status samples of the same master. */
export function exitRises(status: readonly StatusSnapshot[]): Rise[] {
  const out: Rise[] = [];
  for (let i = 1; i < status.length; i++) {
    const a = status[i - 1]!;
    const b = status[i]!;
    // A new master (restart) counts from 0 again: nothing to compare.
    if (a.startedAt === null || a.startedAt !== b.startedAt) continue;
    const before = new Map(a.exits.map((e) => [`${e.worker}\u0000${e.status}`, e.count]));
    const byWorker = new Map<string, Rise>();
    for (const e of b.exits) {
      if (e.status === 0 || e.status === '0') continue;
      const d = e.count - (before.get(`${e.worker}\u0000${e.status}`) ?? 0);
      if (d <= 0) continue;
      const rise = byWorker.get(e.worker) ?? { t: b.t, worker: e.worker, byStatus: new Map<string, number>(), total: 0 };
      rise.byStatus.set(String(e.status), (rise.byStatus.get(String(e.status)) ?? 0) + d);
      rise.total += d;
      byWorker.set(e.worker, rise);
    }
    out.push(...byWorker.values());
  }
  return out;
}

function numeric(s: string): number | string {
  return /^\d+$/.test(s) ? Number(s) : s;
}

// What the usual statuses point at, so the reader knows where to look first.
function hint(status: string): string {
  const n = Number(status);
  if (!Number.isInteger(n)) return '';
  if ((n & 0x7f) === 9) return ' (the OOM killer, or someone ran kill -9: check `dmesg | grep -i oom`)';
  if ((n & 0x7f) === 11 || (n & 0x7f) === 6) return ' (a crash in PHP or an extension: check `dmesg` and core dumps)';
  if ((n & 0x7f) === 0 && n >> 8 === 255) return ' (a PHP fatal error: check the PHP error log)';
  return '';
}
