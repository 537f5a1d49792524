/**
 * How the end of a traced process is said: one exit (a kill -9, the OOM killer) is an abnormal exit with
 * where to look, repeated ones are a crash loop, in the same words as the status findings (exit-hint.ts).
 */

import { exitHint, isAbnormalExit, type ExitCause } from '../../workerman/exit-hint.js';
import type { PidFacts } from '../pid-facts.js';
import type { Verdict } from '../types.js';
import { make, topCalls, type SummaryTables } from './wording.js';

/**
 * The traced processes exited or were killed during the trace (`pf`: the first one's facts). One
 * abnormal end (a signal, a non-zero code) is an abnormal exit, with where to look; two or more among
 * the exits the trace saw are a crash loop, as in the status findings.
 */
export function exitedVerdict(exited: { pid: number; code: number | null; signal: string | null }[], summary: SummaryTables, pf: PidFacts | undefined): Verdict {
  const e = exited[0] as (typeof exited)[number];
  const abnormal = summary.exits.filter(isAbnormalExit);
  const ended = (x: ExitCause): string => (x.signal !== null ? `killed by ${x.signal}` : `exited with code ${x.code ?? '?'}`);
  const list = (xs: typeof exited): string => xs.map((x) => `${x.pid}: ${x.signal ?? `exit ${x.code}`}`).join(', ');
  let text: string;
  if (abnormal.length >= 2) text = `Crash loop: ${abnormal.length} abnormal exits during the trace (${list(abnormal)})`;
  else if (abnormal.length === 1) {
    const a = abnormal[0] as (typeof abnormal)[number];
    text = `Abnormal exit: ${ended(a)} during the trace (pid ${a.pid})${exited.length > 1 ? `; all ${exited.length} traced processes ended (${list(exited)})` : ''}`;
  } else if (exited.length === 1) text = `Exited with code ${e.code ?? '?'} during the trace (pid ${e.pid})`;
  else text = `All ${exited.length} traced processes ended during the trace (${list(exited)})`;
  const evidence = exited.map((x) => (x.signal !== null ? `+++ killed by ${x.signal} +++ (pid ${x.pid})` : `+++ exited with ${x.code} +++ (pid ${x.pid})`));
  const hints = new Set<string>();
  for (const x of abnormal) {
    const hint = exitHint(x);
    if (hint !== null) hints.add(`${ended(x)}: ${hint}`);
  }
  evidence.push(...hints);
  if (pf?.lastCall != null) evidence.push(`last syscall before the end: ${pf.lastCall.name}`);
  const sigs = summary.signals.filter((s) => s.signal !== 'SIGCHLD' && s.signal !== 'SIGALRM');
  if (sigs.length > 0) evidence.push(`signals received: ${sigs.map((s) => `${s.signal} ×${s.count}`).join(', ')}`);
  if (summary.syscallCount > 0) evidence.push(`${summary.syscallCount} syscalls before the end (${topCalls(summary)})`);
  return make('exited', text, evidence, { syscall: pf?.lastCall?.name ?? null });
}

/** The process was gone after the trace although it existed before (/proc says so, the trace did not). */
export function goneVerdict(gone: number[]): Verdict {
  return make('exited', `Process ${gone.join(', ')} was gone when the trace ended`, [`/proc/${gone[0]} no longer exists after the trace`], {});
}
