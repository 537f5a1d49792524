import { closeSync, openSync, writeSync } from 'node:fs';
import { BotError, oneLine } from '../errors.js';

export type AuditOutcome = 'ok' | 'denied' | 'error' | 'rate_limited';

/** One request as the Slack layer (or CLI) saw it. Only these fields are written. */
export interface AuditEntry {
  userId: string;
  channelId: string;
  /** `status`, `connections`, `trace`, `hosts`, or a button's action (`trace-confirm`). */
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
  /** `command` or `button`. */
  via?: 'command' | 'button' | 'cli';
}

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
}

export type AuditSink = { write(line: string): void } | { file: string };

export interface AuditLogOptions {
  /** Posts a one-line summary to the audit channel (supplied by the Slack layer). Failures go to onError. */
  post?: (text: string) => Promise<unknown> | void;
  /** Current time in ms; injectable for tests. */
  now?: () => number;
  /** Told when writing or posting fails; the request itself never fails because of the audit. */
  onError?: (error: unknown) => void;
}

export interface AuditLog {
  /** Writes exactly one JSON line for `entry` (synchronously) and queues the optional post. Never throws. */
  record(entry: AuditEntry): AuditLine;
  /**
   * Starts timing a request; `finish()` records it once (later calls are ignored), so a handler that
   * calls finish in both its success path and a `finally` still yields one line.
   */
  begin(base: Pick<AuditEntry, 'userId' | 'channelId' | 'command' | 'host' | 'via'>): AuditTimer;
  /** Resolves when queued posts have settled. */
  flush(): Promise<void>;
  /** Flushes and closes the file (if any). */
  close(): Promise<void>;
}

export interface AuditTimer {
  finish(result: Pick<AuditEntry, 'outcome'> & Partial<Pick<AuditEntry, 'errorCode' | 'pids' | 'hosts' | 'rule' | 'host'>>): AuditLine | null;
  readonly isFinished: boolean;
}

// Slack tokens (bot, user, app-level, refresh, config) and anything shaped like a signing secret.
const SECRET_PATTERN = /xox[a-z]-[A-Za-z0-9-]*|xapp-[A-Za-z0-9-]*|\b[a-f0-9]{32}\b/gi;
const REDACTED = '[redacted]';

/**
 * Creates the audit trail: one JSON line per request to a writable sink (stdout) or appended to a file
 * (created 0600), plus an optional post per request. Only whitelisted fields are written, strings are
 * flattened to one line, capped and stripped of anything that looks like a token.
 */
export function createAuditLog(sink: AuditSink, opts: AuditLogOptions = {}): AuditLog {
  const now = opts.now ?? Date.now;
  const onError = opts.onError ?? ((error: unknown) => process.stderr.write(`audit: ${oneLine(String(error))}\n`));
  let fd: number | null = null;
  let write: (line: string) => void;
  if ('file' in sink) {
    try {
      fd = openSync(sink.file, 'a', 0o600);
    } catch (error) {
      throw new BotError('config_invalid', `Cannot open the audit file ${sink.file}: ${(error as NodeJS.ErrnoException).code ?? 'unwritable'}.`, { cause: error });
    }
    const opened = fd;
    // Synchronous appends: each line is one write(2) on an O_APPEND fd, so lines never interleave and
    // a crash right after a request still leaves its line on disk.
    write = (line) => void writeSync(opened, line);
  } else {
    write = (line) => sink.write(line);
  }
  const pending = new Set<Promise<unknown>>();

  const record = (entry: AuditEntry): AuditLine => {
    const line = toAuditLine(entry, now());
    try {
      write(`${JSON.stringify(line)}\n`);
    } catch (error) {
      onError(error);
    }
    if (opts.post !== undefined) {
      const post = opts.post;
      const task = Promise.resolve()
        .then(() => post(renderAuditText(line)))
        .catch(onError)
        .finally(() => pending.delete(task));
      pending.add(task);
    }
    return line;
  };

  return {
    record,
    begin(base) {
      const startedAt = now();
      let finished = false;
      return {
        get isFinished() {
          return finished;
        },
        finish(result) {
          if (finished) return null;
          finished = true;
          return record({ ...base, ...result, startedAt, durationMs: Math.max(0, now() - startedAt) });
        },
      };
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async close() {
      await this.flush();
      if (fd !== null) {
        closeSync(fd);
        fd = null;
        write = () => {
          throw new BotError('internal', 'The audit log is closed.');
        };
      }
    },
  };
}

/** Maps an error thrown by a handler to its audit outcome and code (and the access rule of a denial). */
export function auditOutcomeOf(error: unknown): { outcome: AuditOutcome; errorCode: string; rule?: string } {
  const code = error instanceof BotError ? error.code : 'internal';
  if (code === 'access_denied') {
    const rule = (error as BotError).details.rule;
    return typeof rule === 'string' ? { outcome: 'denied', errorCode: code, rule } : { outcome: 'denied', errorCode: code };
  }
  if (code === 'rate_limited') return { outcome: 'rate_limited', errorCode: code };
  return { outcome: 'error', errorCode: code };
}

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
  };
}

/** Returns the one-line audit-channel text for a line (Slack mrkdwn, escaped). */
export function renderAuditText(line: AuditLine): string {
  const icon = line.outcome === 'ok' ? '✅' : line.outcome === 'denied' ? '⛔' : line.outcome === 'rate_limited' ? '⏳' : '⚠️';
  const target = line.host === null ? '' : ` ${line.host}`;
  const pids = line.pids.length > 0 ? ` pid ${line.pids.join(',')}` : '';
  const code = line.errorCode === null ? '' : ` (${line.errorCode})`;
  const who = /^[UW][A-Z0-9]+$/.test(line.userId) ? `<@${line.userId}>` : escapeMrkdwn(line.userId);
  const where = /^[CG][A-Z0-9]+$/.test(line.channelId) ? `<#${line.channelId}>` : escapeMrkdwn(line.channelId);
  return `${icon} ${who} in ${where}: \`${escapeMrkdwn(`${line.command}${target}${pids}`)}\` → ${line.outcome}${escapeMrkdwn(code)}, ${line.durationMs} ms`;
}

function clean(value: string, max: number): string {
  return oneLine(String(value).replace(SECRET_PATTERN, REDACTED), max);
}

function isoOrNull(ms: number): string | null {
  const date = new Date(ms);
  return Number.isFinite(date.getTime()) ? date.toISOString() : null;
}

function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, "'");
}
