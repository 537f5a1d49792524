import { oneLine } from '../errors.js';

/** How a request ended, as the audit trail counts it. */
export type AuditOutcome = 'ok' | 'denied' | 'error' | 'rate_limited';

/** What happened to which watch alert: the watcher's `opened`/`updated`/`resolved`, a person's `silenced`. */
export interface AuditAlert {
  event: 'opened' | 'updated' | 'resolved' | 'silenced';
  /** The alert's kind (`stuck`, `memory-growth`, …). */
  kind: string;
  /** Its subject: a worker name, a pid, a start file or `host`. */
  subject: string;
}

/** One request as the Slack layer (or CLI) saw it. Only these fields are written. */
export interface AuditEntry {
  userId: string;
  channelId: string;
  /** `status`, `connections`, `trace`, `hosts`, `summarise`, or a button's action (`trace-confirm`). */
  command: string;
  /** The host or group as resolved/typed; null for commands without a target. */
  host: string | null;
  /** For a group: the hosts it ran on. */
  hosts?: readonly string[];
  pids?: readonly number[];
  /** When handling started (ms since the epoch or a Date). */
  startedAt: number | Date;
  durationMs: number;
  outcome: AuditOutcome;
  errorCode?: string | null;
  /** The access rule that allowed or denied it. */
  rule?: string | null;
  /** `command`, `button` or `shortcut` (a message shortcut); `watch` for what the watcher did on its own (userId `watch`). */
  via?: 'command' | 'button' | 'shortcut' | 'cli' | 'watch';
  /** For a watch alert (command `watch-alert`) and its Silence button. */
  alert?: AuditAlert;
}

/** The JSON line written for an AuditEntry (toAuditLine): whitelisted fields, cleaned strings, ISO times. */
export interface AuditLine {
  ts: string;
  userId: string;
  channelId: string;
  command: string;
  host: string | null;
  hosts: string[];
  pids: number[];
  startedAt: string;
  durationMs: number;
  outcome: AuditOutcome;
  errorCode: string | null;
  rule: string | null;
  via: string | null;
  /** Only on lines about a watch alert. */
  alert?: AuditAlert;
}

// Slack tokens (bot, user, app-level, refresh, config) and anything shaped like a signing secret.
const SECRET_PATTERN = /xox[a-z]-[A-Za-z0-9-]*|xapp-[A-Za-z0-9-]*|\b[a-f0-9]{32}\b/gi;
const REDACTED = '[redacted]';

/** Returns the line written for `entry` at `nowMs`: whitelisted fields, cleaned strings. */
export function toAuditLine(entry: AuditEntry, nowMs: number): AuditLine {
  const startedMs = entry.startedAt instanceof Date ? entry.startedAt.getTime() : entry.startedAt;
  return {
    ts: isoOrNull(nowMs) ?? new Date(0).toISOString(),
    userId: clean(entry.userId, 40),
    channelId: clean(entry.channelId, 40),
    command: clean(entry.command, 40),
    host: entry.host === null ? null : clean(entry.host, 80),
    hosts: (entry.hosts ?? []).slice(0, 500).map((h) => clean(h, 80)),
    pids: (entry.pids ?? []).filter((p) => Number.isSafeInteger(p) && p > 0).slice(0, 100),
    startedAt: isoOrNull(startedMs) ?? 'invalid',
    durationMs: Number.isFinite(entry.durationMs) ? Math.max(0, Math.round(entry.durationMs)) : 0,
    outcome: entry.outcome,
    errorCode: entry.errorCode == null ? null : clean(entry.errorCode, 40),
    rule: entry.rule == null ? null : clean(entry.rule, 200),
    via: entry.via ?? null,
    ...(entry.alert === undefined
      ? {}
      : { alert: { event: entry.alert.event, kind: clean(entry.alert.kind, 40), subject: clean(entry.alert.subject, 80) } }),
  };
}

function clean(value: string, max: number): string {
  return oneLine(String(value).replace(SECRET_PATTERN, REDACTED), max);
}

function isoOrNull(ms: number): string | null {
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}
