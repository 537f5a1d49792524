import type { Finding, WorkermanStatus } from '../../workerman/types.js';
import { plural } from '../format.js';
import { escapeCodeSpan, escapeMrkdwn, truncatePlain } from './escape.js';
import { SLACK_LIMITS } from './limits.js';

/** How many findings of each kind a status has (what the summary lines count). */
export interface FindingCounts {
  busy: number;
  abnormalExits: number;
  crashLoops: number;
  memoryOutliers: number;
  other: number;
}

/** Counts the findings by kind. */
export function countFindings(findings: readonly Finding[]): FindingCounts {
  const counts: FindingCounts = { busy: 0, abnormalExits: 0, crashLoops: 0, memoryOutliers: 0, other: 0 };
  for (const f of findings) {
    if (f.kind === 'busy') counts.busy += 1;
    else if (f.kind === 'abnormal-exit') counts.abnormalExits += 1;
    else if (f.kind === 'crash-loop') counts.crashLoops += 1;
    else if (f.kind === 'memory-outlier') counts.memoryOutliers += 1;
    else counts.other += 1;
  }
  return counts;
}

/** `3 workers`, `8 processes`, then the non-zero finding counts (`2 busy`, `1 abnormal exit`, `1 crash loop`, …). */
export function countsPhrase(status: WorkermanStatus, counts: FindingCounts): string[] {
  const parts = [
    plural(status.workerCount ?? new Set(status.processes.map((p) => p.workerName)).size, 'worker'),
    plural(status.processCount ?? status.processes.length, 'process', 'processes'),
  ];
  if (counts.busy > 0) parts.push(`${counts.busy} busy`);
  if (counts.abnormalExits > 0) parts.push(plural(counts.abnormalExits, 'abnormal exit'));
  if (counts.crashLoops > 0) parts.push(plural(counts.crashLoops, 'crash loop'));
  if (counts.memoryOutliers > 0) parts.push(plural(counts.memoryOutliers, 'memory outlier'));
  if (counts.other > 0) parts.push(plural(counts.other, 'other finding'));
  return parts;
}

/** The parent's summary: "`web-1` runs Workerman 5.0.0: 3 workers, 8 processes, *2 busy*." */
export function summaryLine(status: WorkermanStatus, host: string, counts: FindingCounts): string {
  const version = status.workerman.version === null ? '' : ` runs Workerman ${escapeMrkdwn(status.workerman.version)}:`;
  const [workers, processes, ...flags] = countsPhrase(status, counts);
  const flagText = flags.length === 0 ? ', all idle' : `, *${flags.join(', ')}*`;
  return `\`${escapeCodeSpan(host)}\`${version} ${workers}, ${processes}${flagText}.`;
}

/** The notification text: "Workerman status of web-1: 3 workers, 8 processes, 2 busy" (escaped, capped). */
export function fallbackText(status: WorkermanStatus, host: string, counts: FindingCounts): string {
  const text = `Workerman status of ${host}: ${countsPhrase(status, counts).join(', ')}`;
  return escapeMrkdwn(truncatePlain(text, SLACK_LIMITS.fallbackTextChars));
}
