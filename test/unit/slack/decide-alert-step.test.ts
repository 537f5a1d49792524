import { describe, expect, test } from 'vitest';
import { alertShape, decideAlertStep } from '../../../src/slack/decide-alert-step.js';
import type { Alert } from '../../../src/watch/types.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 10, 26, 6, 0, 0);
const opts = { editEveryMs: 10 * MIN, hasChannel: true };

function stuckFor(min: number, extra: string[] = [], severity: Alert['severity'] = 'warning'): Pick<Alert, 'severity' | 'evidence'> & Alert {
  return {
    key: 'web-1/stuck/42',
    host: 'web-1',
    kind: 'stuck',
    subject: '42',
    state: 'open',
    severity,
    title: `pid 42 (cron) on web-1 is stuck for ${min} min`,
    evidence: [`/proc: in clock_nanosleep with no CPU progress for ${min} min (${min + 1} samples, CPU time 7 ticks unchanged)`, ...extra],
    nextStep: '`/workerman trace web-1 42`',
    pids: [42],
    metrics: {},
    since: T0,
    updatedAt: T0,
    resolvedAt: null,
    resolution: null,
    revision: min,
    meta: {},
  };
}

describe('decideAlertStep()', () => {
  test('posts once, then edits at most once per editEveryMs while only the numbers grow', () => {
    expect(decideAlertStep(stuckFor(3), {}, T0, opts)).toEqual({ do: 'post' });
    const meta = { ts: '1.2', channel: 'C1', editedAt: String(T0), shape: alertShape(stuckFor(3)) };
    const steps = Array.from({ length: 25 }, (_, m) => decideAlertStep(stuckFor(4 + m), meta, T0 + (m + 1) * MIN, opts).do);
    // Never a second post while it has a message; the first edit 10 min after the post.
    expect(steps.includes('post')).toBe(false);
    expect(steps.indexOf('edit')).toBe(9);
  });

  test('edits at once when the severity or the kind of evidence changes', () => {
    const meta = { ts: '1.2', editedAt: String(T0), shape: alertShape(stuckFor(3)) };
    expect(decideAlertStep(stuckFor(4, ['status: [busy] (did not answer within 1 s) in the last 2 status samples']), meta, T0 + MIN, opts)).toEqual({ do: 'edit' });
    expect(decideAlertStep(stuckFor(4, [], 'critical'), meta, T0 + MIN, opts)).toEqual({ do: 'edit' });
    const running = { ...stuckFor(4), evidence: ['/proc: running at 97% of a CPU'] };
    expect(decideAlertStep(running, meta, T0 + MIN, opts)).toEqual({ do: 'edit' });
    expect(decideAlertStep(stuckFor(95), meta, T0 + MIN, opts)).toEqual({ do: 'skip', why: 'throttled' });
  });

  test('while silenced nothing is posted or edited; after it, edits resume', () => {
    const meta = { ts: '1.2', editedAt: String(T0), shape: 'other', silencedUntil: String(T0 + 60 * MIN), silencedBy: 'U1' };
    expect(decideAlertStep(stuckFor(30, [], 'critical'), meta, T0 + 59 * MIN, opts)).toEqual({ do: 'skip', why: 'silenced' });
    expect(decideAlertStep(stuckFor(30, [], 'critical'), meta, T0 + 60 * MIN, opts)).toEqual({ do: 'edit' });
  });

  test('without a channel nothing is posted; a refused post is tried again only after editEveryMs', () => {
    expect(decideAlertStep(stuckFor(3), {}, T0, { ...opts, hasChannel: false })).toEqual({ do: 'skip', why: 'no_channel' });
    expect(decideAlertStep(stuckFor(3), { postFailedAt: String(T0) }, T0 + 9 * MIN, opts)).toEqual({ do: 'skip', why: 'retry_later' });
    expect(decideAlertStep(stuckFor(3), { postFailedAt: String(T0) }, T0 + 10 * MIN, opts)).toEqual({ do: 'post' });
  });

  test('editEveryMs 0 edits at every change', () => {
    const meta = { ts: '1.2', editedAt: String(T0), shape: alertShape(stuckFor(3)) };
    expect(decideAlertStep(stuckFor(4), meta, T0, { ...opts, editEveryMs: 0 })).toEqual({ do: 'edit' });
  });
});
