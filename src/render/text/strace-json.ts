import type { StraceSummary } from '../../strace/types.js';
import { redactStraceSummary } from '../redact-strace-summary.js';

/** Returns `trace --json`'s output (the README's JSON contract), secrets redacted, ending in a newline. */
export function renderStraceJson(summary: StraceSummary): string {
  return `${JSON.stringify(redactStraceSummary(summary), null, 2)}\n`;
}
