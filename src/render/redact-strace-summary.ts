import { redactSecrets } from '../strace/redact.js';
import type { StraceSummary } from '../strace/types.js';

// Summaries already redacted here: every renderer calls redactStraceSummary at its entry, and one that
// renders through another (the Slack summary file through the text renderer) must not pay twice.
const redacted = new WeakSet<StraceSummary>();

/**
 * Returns a copy of `summary` in which every string that came from the trace or from /proc (fd paths
 * and peers, unfinished calls, syscall/errno/signal names, the verdict's text, evidence and peer) has
 * passed through redactSecrets once. The output boundary: every renderer of a summary calls it, so
 * nothing shown (terminal, `--json`, Slack) depends on an earlier stage having redacted.
 */
export function redactStraceSummary(summary: StraceSummary): StraceSummary {
  if (redacted.has(summary)) return summary;
  const r = redactSecrets;
  const maybe = (s: string | null): string | null => (s === null ? null : r(s));
  const out: StraceSummary = {
    ...summary,
    syscalls: summary.syscalls.map((s) => ({ ...s, name: r(s.name) })),
    errors: summary.errors.map((e) => ({ ...e, syscall: r(e.syscall), errno: r(e.errno) })),
    signals: summary.signals.map((s) => ({ ...s, signal: r(s.signal) })),
    fds: summary.fds.map((f) => ({ ...f, description: maybe(f.description) })),
    unfinished: summary.unfinished.map((u) => ({ ...u, syscall: r(u.syscall), description: maybe(u.description) })),
    exits: summary.exits.map((x) => ({ ...x, signal: maybe(x.signal) })),
    verdict: { ...summary.verdict, text: r(summary.verdict.text), evidence: summary.verdict.evidence.map(r), peer: maybe(summary.verdict.peer) },
  };
  redacted.add(out);
  return out;
}
