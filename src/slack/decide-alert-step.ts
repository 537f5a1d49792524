import type { Alert } from '../watch/types.js';

/** What the Slack side keeps in an alert's `meta` (strings: the watcher saves it with the alert, across restarts). */
export interface AlertSlackMeta {
  /** The parent message: its ts and channel. */
  ts?: string;
  channel?: string;
  /** Bot clock (ms) of the last post or edit, and the alert's shape then (see alertShape). */
  editedAt?: string;
  shape?: string;
  /** Bot clock (ms) until which nothing is edited, and who silenced it (Slack user ID). */
  silencedUntil?: string;
  silencedBy?: string;
  /** Bot clock (ms) of the last post Slack refused: the next try waits as long as an edit would. */
  postFailedAt?: string;
}

/** What to do in Slack about an open alert that opened or changed. */
export type AlertStep =
  | { do: 'post' }
  | { do: 'edit' }
  | { do: 'skip'; why: 'silenced' | 'throttled' | 'no_channel' | 'retry_later' };

/**
 * Decides whether an open alert's change goes to Slack: the first time a new message (post), then an
 * edit of that message, at most one per `editEveryMs` unless the severity or the kind of evidence
 * changed (a growing duration changes the words every round, which is not news), nothing while it is
 * silenced, and never a second message while it has one (no repeat).
 */
export function decideAlertStep(alert: Alert, meta: AlertSlackMeta, now: number, opts: { editEveryMs: number; hasChannel: boolean }): AlertStep {
  const silencedUntil = Number(meta.silencedUntil ?? Number.NaN);
  if (Number.isFinite(silencedUntil) && now < silencedUntil) return { do: 'skip', why: 'silenced' };
  if (meta.ts === undefined) {
    if (!opts.hasChannel) return { do: 'skip', why: 'no_channel' };
    const failedAt = Number(meta.postFailedAt ?? Number.NaN);
    if (Number.isFinite(failedAt) && now - failedAt < opts.editEveryMs) return { do: 'skip', why: 'retry_later' };
    return { do: 'post' };
  }
  if (meta.shape !== alertShape(alert)) return { do: 'edit' };
  const editedAt = Number(meta.editedAt ?? Number.NaN);
  if (!Number.isFinite(editedAt) || now - editedAt >= opts.editEveryMs) return { do: 'edit' };
  return { do: 'skip', why: 'throttled' };
}

/**
 * The alert as a reader tells one state from another: its severity and, per evidence line, the words
 * that carry no number (`/proc: in clock_nanosleep with` vs `/proc: running at`). `stuck for 3 min` and
 * `stuck for 4 min` have one shape; a status sample that adds `[busy]`, or a process that starts
 * running again, makes another.
 */
export function alertShape(alert: Pick<Alert, 'severity' | 'evidence'>): string {
  const kinds = alert.evidence.map((line) =>
    line
      .split(/\s+/)
      .filter((word) => word !== '' && !/\d/.test(word))
      .slice(0, 4)
      .join(' '),
  );
  return [alert.severity, ...kinds].join('\n');
}
