import { stopAdvice } from '../workerman/run-status.js';
import { openOfKind, verdictOn, type DetectContext } from './detector.js';
import type { AlertKind, AlertSeverity, AlertSignal, WatchSample } from './types.js';
import { trailing } from './window-series.js';

interface HostCheck {
  kind: AlertKind;
  severity: AlertSeverity;
  /** Which samples the streaks count: all of them, or only those with a /proc reading. */
  over: 'all' | 'ok';
  isBad: (s: WatchSample) => boolean;
  describe: (s: WatchSample, run: number, ctx: DetectContext) => { title: string; evidence: string[]; nextStep: string; pids: number[] };
}

const liveMasters = (s: WatchSample) => s.processes.filter((p) => p.role === 'master' && !p.state.startsWith('Z'));
const workersAlive = (s: WatchSample) => s.processes.filter((p) => p.role === 'worker');
const orphans = (s: WatchSample) => s.processes.filter((p) => p.isOrphan);
const pidList = (pids: readonly number[]) => `${pids.slice(0, 12).join(', ')}${pids.length > 12 ? ', …' : ''}`;

const CHECKS: readonly HostCheck[] = [
  {
    kind: 'host-unreachable',
    severity: 'critical',
    over: 'all',
    isBad: (s) => s.outcome === 'unreachable',
    describe: (s, run, ctx) => ({
      title: `${ctx.host} is unreachable (${run} samples in a row)`,
      evidence: [`last error: ${s.error?.message ?? 'no answer'} (${s.error?.code ?? 'unknown'})`],
      nextStep: `Check the host and the SSH path to it: \`workerman-ops doctor ${ctx.host}\`.`,
      pids: [],
    }),
  },
  {
    kind: 'watch-failed',
    severity: 'warning',
    over: 'all',
    isBad: (s) => s.outcome === 'failed',
    describe: (s, run, ctx) => ({
      title: `${ctx.host} cannot be watched: the /proc sample failed ${run} times in a row`,
      evidence: [`last error: ${s.error?.message ?? 'unknown'} (${s.error?.code ?? 'unknown'})`],
      nextStep: `\`workerman-ops doctor ${ctx.host}\` says what the host lacks (the helper, its sudo rule, helper.conf).`,
      pids: [],
    }),
  },
  {
    kind: 'app-not-running',
    severity: 'critical',
    over: 'ok',
    isBad: (s) => s.processes.length === 0,
    describe: (s, run, ctx) => ({
      title: `The Workerman app${s.startFile === null ? '' : ` ${s.startFile}`} on ${ctx.host} is not running`,
      evidence: [`/proc: no master and no worker process in ${run} samples in a row`],
      nextStep: `Start it (\`php start.php start -d\`), or take ${ctx.host} out of watch.hosts if it was stopped on purpose.`,
      pids: [],
    }),
  },
  {
    kind: 'master-down',
    severity: 'critical',
    over: 'ok',
    isBad: (s) => liveMasters(s).length === 0 && workersAlive(s).length > 0,
    describe: (s, run, ctx) => {
      const pids = workersAlive(s).map((p) => p.pid);
      const zombie = s.processes.find((p) => p.role === 'master');
      return {
        title: `The Workerman master on ${ctx.host} is down; ${pids.length} worker${pids.length === 1 ? '' : 's'} still serve${pids.length === 1 ? 's' : ''}`,
        evidence: [
          zombie !== undefined ? `/proc: master pid ${zombie.pid} is a zombie (state ${zombie.state})` : `/proc: no live master for ${s.startFile ?? 'the app'} in ${run} samples in a row`,
          `workers without a master: pids ${pidList(pids)}; nothing respawns, reloads or stops them`,
        ],
        nextStep: stopAdvice(pids),
        pids,
      };
    },
  },
  {
    kind: 'orphaned-workers',
    severity: 'warning',
    over: 'ok',
    isBad: (s) => liveMasters(s).length > 0 && orphans(s).length > 0,
    describe: (s, run, ctx) => {
      const pids = orphans(s).map((p) => p.pid);
      return {
        title: `${pids.length} orphaned worker${pids.length === 1 ? '' : 's'} of an earlier master on ${ctx.host}`,
        evidence: [
          `/proc: pids ${pidList(pids)} run in the app's directory without a master, beside the running master ${liveMasters(s)[0]!.pid} (${run} samples)`,
          'they serve code from before the restart and hold the listening ports with the new workers',
        ],
        nextStep: stopAdvice(pids),
        pids,
      };
    },
  },
];

/**
 * Host and app state: unreachable, not samplable, app not running, master down (workers left), orphans
 * beside a new master. Each opens after `hostSamples` bad samples in a row and clears after as many
 * good ones; app checks count only samples with a /proc reading, so an unreachable spell neither
 * opens nor clears them.
 */
export function detectHostState(ctx: DetectContext): AlertSignal[] {
  const n = ctx.thresholds.hostSamples;
  const signals: AlertSignal[] = [];
  for (const check of CHECKS) {
    const samples = check.over === 'all' ? ctx.w.all : ctx.w.ok;
    const last = samples.at(-1);
    if (last === undefined) continue;
    const subject = check.over === 'all' ? 'host' : (last.startFile ?? 'app');
    const open = openOfKind(ctx, check.kind).find((a) => a.subject === subject);
    const badRun = trailing(samples, check.isBad);
    const goodRun = trailing(samples, (s) => !check.isBad(s));
    if (badRun >= n || (open !== undefined && badRun > 0)) {
      signals.push({ kind: check.kind, subject, verdict: badRun >= n ? 'fire' : 'hold', severity: check.severity, metrics: { samples: badRun }, ...check.describe(last, badRun, ctx) });
    } else if (open !== undefined) {
      signals.push(goodRun >= n ? verdictOn(open, 'clear', `fine again in ${goodRun} samples in a row`) : verdictOn(open, 'hold'));
    }
  }
  return signals;
}
