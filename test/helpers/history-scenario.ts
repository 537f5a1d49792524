// A watch window for history tests, built from a real capture (wm5.2.2-idle: 4 workers, 8 processes)
// with test/helpers/watch-sequence.ts: six hours sampled every minute, a leak, a reload, an outage,
// and status samples whose request counters move at known rates.
import { createHostWindow, type HostWindow } from '../../src/watch/host-window.js';
import { createSequence, type Sequence } from './watch-sequence.js';

export const HISTORY_CAPTURE = 'wm5.2.2-idle';
export const HISTORY_T0 = Date.UTC(2026, 10, 26, 6, 0, 0);
/** Requests per second of each process of a worker. */
export const RATE_PER_PROCESS: Record<string, number> = { HttpApi01: 5, 'ws-notifications-gateway': 1, TextCmd2: 0.5, cron_jobs: 0 };
/** The leaking process (HttpApi01's first) grows this much per hour until the reload. */
export const LEAK_MB_PER_HOUR = 6;

export interface HistoryScenario {
  seq: Sequence;
  window: HostWindow;
  /** Sample index (minute) of the reload, and of the first unanswered sample. */
  reloadAt: number;
  outageAt: number;
  /** Processes that started counting again at the reload. */
  reloadedPids: number[];
}

/**
 * `minutes` one-minute /proc samples of web-1 (status every `statusEvery` samples): HttpApi01's first
 * process leaks LEAK_MB_PER_HOUR; at `reloadAt` every worker gets a new pid, its memory back and a request
 * counter from 0; from `outageAt` three samples get no answer. Each process serves RATE_PER_PROCESS.
 */
export function buildHistoryScenario(opts: { minutes?: number; statusEvery?: number; reloadAt?: number; outageAt?: number; host?: string } = {}): HistoryScenario {
  const minutes = opts.minutes ?? 360;
  const statusEvery = opts.statusEvery ?? 10;
  const reloadAt = opts.reloadAt ?? 180;
  const outageAt = opts.outageAt ?? 240;
  const seq = createSequence(HISTORY_CAPTURE, { t0: HISTORY_T0, ...(opts.host === undefined ? {} : { host: opts.host }) });
  const leaker = seq.workerPids('HttpApi01')[0]!;
  const baseMb = 10_308 / 1024;
  const startedAt = new Map<number, number>();
  const workers = Object.keys(RATE_PER_PROCESS);
  for (const name of workers) for (const pid of seq.workerPids(name)) startedAt.set(pid, HISTORY_T0);
  let reloadedPids: number[] = [];
  for (let i = 0; i < minutes; i++) {
    if (i === reloadAt) {
      const map = seq.reload();
      reloadedPids = Object.values(map);
      // The reload happened half a minute before this sample: each new process counts from then.
      for (const pid of reloadedPids) startedAt.set(pid, seq.t + 30_000);
    }
    if (i >= outageAt && i < outageAt + 3) {
      seq.unreachable();
      continue;
    }
    const leakMb = i < reloadAt ? (LEAK_MB_PER_HOUR * i) / 60 : 0;
    seq.proc(i === 0 ? {} : { rssMb: { [seq.pidOf(leaker)]: baseMb + leakMb } });
    if (i % statusEvery === 0) {
      const t = seq.t;
      const totalRequest: Record<number, number> = {};
      for (const name of workers) {
        for (const pid of seq.workerPids(name)) totalRequest[pid] = Math.round((RATE_PER_PROCESS[name]! * (t - startedAt.get(pid)!)) / 1000);
      }
      seq.status({ totalRequest });
    }
  }
  const window = createHostWindow(seq.samples[0]!.host, { windowMs: 6 * 3_600_000, maxSamples: 1000 });
  for (const s of seq.samples) window.push(s);
  return { seq, window, reloadAt, outageAt, reloadedPids };
}
