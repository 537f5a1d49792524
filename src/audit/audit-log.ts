import { closeSync, openSync } from 'node:fs';
import { BotError, oneLine } from '../errors.js';
import { appendWholeLine } from './append-whole-line.js';
import { toAuditLine, type AuditEntry, type AuditLine } from './audit-line.js';
import { renderAuditText } from './render-audit-text.js';

/** Where the trail's lines go: a writable stream (stdout), or a file appended to (created 0600). */
export type AuditSink = { write(line: string): void } | { file: string };

/** Options of createAuditLog: the channel post, the clock, the hooks told about trouble, the backlog bound. */
export interface AuditLogOptions {
  /** Posts a one-line summary to the audit channel (supplied by the Slack layer). Failures go to onError. */
  post?: (text: string) => Promise<unknown> | void;
  /** Current time in ms; injectable for tests. */
  now?: () => number;
  /** Told when posting fails; the request itself never fails because of the audit. */
  onError?: (error: unknown) => void;
  /**
   * Told about every record the sink refused, with the exact line (no newline) that would have been
   * written and why (`ENOSPC`), so it can be kept elsewhere (the bot's log). Default: one line on stderr.
   */
  onUnwritten?: (line: string, errorCode: string) => void;
  /** Told when the trail becomes degraded or writable again, and when the backlog first overflows. */
  onChange?: (event: AuditTrailEvent) => void;
  /**
   * How many refused records are kept in memory to be written once the sink works again. Default
   * 10,000; never more than MAX_BACKLOG_BYTES of lines.
   */
  maxBacklogRecords?: number;
  /** Told about every line recorded, whether or not the sink took it (the bot's request metrics). */
  onRecord?: (line: AuditLine) => void;
}

/** Whether the trail is being written, and what a failing sink has cost so far. */
export interface AuditHealth {
  /** False from a failed write until the backlog has been written. */
  isWritable: boolean;
  /** The errno code (`ENOSPC`) or error name of the last failed write; null while writable. */
  errorCode: string | null;
  /** Records of this outage handed to onUnwritten (kept in the log). */
  keptInLog: number;
  /** Records waiting in memory for the sink, oldest first. */
  backlog: number;
  /** Records of this outage dropped from the full backlog (oldest first): they are only in the log. */
  dropped: number;
}

/** A change of the trail's state, told to AuditLogOptions.onChange. */
export type AuditTrailEvent =
  | { kind: 'degraded'; errorCode: string }
  | { kind: 'backlog_full'; maxBacklogRecords: number; errorCode: string }
  /** `written`: backlog records that reached the sink now; `dropped`: records of the outage only in the log. */
  | { kind: 'recovered'; keptInLog: number; written: number; dropped: number };

/** The audit trail: one line per request, a backlog while the sink refuses lines. */
export interface AuditLog {
  /**
   * Writes exactly one JSON line for `entry` (synchronously, after any backlog) and queues the optional
   * post. When the sink refuses it, the line goes to onUnwritten and into the backlog. Never throws.
   */
  record(entry: AuditEntry): AuditLine;
  /**
   * Starts timing a request; `finish()` records it once (later calls are ignored), so a handler that
   * calls finish in both its success path and a `finally` still yields one line.
   */
  begin(base: Pick<AuditEntry, 'userId' | 'channelId' | 'command' | 'host' | 'via'>): AuditTimer;
  /** Writes the backlog now if there is one; returns true when the trail is writable afterwards. */
  retry(): boolean;
  /** The trail's state (see AuditHealth). */
  health(): AuditHealth;
  /** Resolves when queued posts have settled. */
  flush(): Promise<void>;
  /** Flushes, tries the backlog once more and closes the file (if any). */
  close(): Promise<void>;
}

/** A request being timed (AuditLog.begin): `finish` records it once. */
export interface AuditTimer {
  finish(result: Pick<AuditEntry, 'outcome'> & Partial<Pick<AuditEntry, 'errorCode' | 'pids' | 'hosts' | 'rule' | 'host' | 'alert'>>): AuditLine | null;
  readonly isFinished: boolean;
}

/** Refused records kept in memory by default (a line is typically 300-400 bytes: about 4 MB). */
export const DEFAULT_MAX_BACKLOG_RECORDS = 10_000;
/** Whatever the record count, the backlog never holds more than this (fleet lines can list many hosts). */
export const MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

/**
 * Creates the audit trail: one JSON line per request to a writable sink (stdout) or appended to a file
 * (created 0600), plus an optional post per request. Only whitelisted fields are written, strings are
 * flattened to one line, capped and stripped of anything that looks like a token.
 *
 * A record the sink refuses (a full disk) is never lost silently: its exact line goes to onUnwritten
 * (the bot's log) at once, and into a bounded in-memory backlog that is written, in order and before
 * the next record, as soon as the sink takes lines again. Past `maxBacklogRecords` (or MAX_BACKLOG_BYTES)
 * the oldest backlog records are dropped (counted; they stay in the log).
 */
export function createAuditLog(sink: AuditSink, opts: AuditLogOptions = {}): AuditLog {
  const now = opts.now ?? Date.now;
  const onError = opts.onError ?? ((error: unknown) => process.stderr.write(`audit: ${oneLine(String(error))}\n`));
  const onUnwritten =
    opts.onUnwritten ?? ((line: string, errorCode: string) => process.stderr.write(`audit record not written (${errorCode}): ${line}\n`));
  const maxBacklog = Math.max(1, Math.floor(opts.maxBacklogRecords ?? DEFAULT_MAX_BACKLOG_RECORDS));
  let fd: number | null = null;
  let write: (text: string) => void;
  if ('file' in sink) {
    try {
      fd = openSync(sink.file, 'a', 0o600);
    } catch (error) {
      throw new BotError('config_invalid', `Cannot open the audit file ${sink.file}: ${(error as NodeJS.ErrnoException).code ?? 'unwritable'}.`, { cause: error });
    }
    const opened = fd;
    // Synchronous appends: each line is one write(2) on an O_APPEND fd, so lines never interleave and
    // a crash right after a request still leaves its line on disk.
    write = (text) => appendWholeLine(opened, text);
  } else {
    write = (text) => void sink.write(text);
  }
  const pending = new Set<Promise<unknown>>();
  // Lines (with their newline) the sink refused, oldest first; never longer than maxBacklog.
  const backlog: string[] = [];
  let backlogBytes = 0;
  let failure: { errorCode: string; keptInLog: number; dropped: number } | null = null;

  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch (error) {
      onError(error);
    }
  };
  const notify = (event: AuditTrailEvent): void => safely(() => opts.onChange?.(event));
  /** Writes the backlog in order; on the first refusal keeps the rest and returns the error (else null). */
  const drain = (): unknown => {
    while (backlog.length > 0) {
      try {
        write(backlog[0]!);
      } catch (error) {
        if (failure !== null) failure.errorCode = errorCodeOf(error);
        return error ?? new Error('write failed');
      }
      backlogBytes -= Buffer.byteLength(backlog.shift()!);
    }
    return null;
  };
  const markWritable = (written: number): void => {
    if (failure === null) return;
    const { keptInLog, dropped } = failure;
    failure = null;
    notify({ kind: 'recovered', keptInLog, written, dropped });
  };
  const keep = (text: string, error: unknown): void => {
    const errorCode = errorCodeOf(error);
    if (failure === null) {
      failure = { errorCode, keptInLog: 0, dropped: 0 };
      notify({ kind: 'degraded', errorCode });
    }
    failure.errorCode = errorCode;
    failure.keptInLog += 1;
    safely(() => onUnwritten(text.slice(0, -1), errorCode));
    backlog.push(text);
    backlogBytes += Buffer.byteLength(text);
    // The newest record always stays: it is the one the next write tries last.
    while (backlog.length > 1 && (backlog.length > maxBacklog || backlogBytes > MAX_BACKLOG_BYTES)) {
      backlogBytes -= Buffer.byteLength(backlog.shift()!);
      failure.dropped += 1;
      if (failure.dropped === 1) notify({ kind: 'backlog_full', maxBacklogRecords: maxBacklog, errorCode });
    }
  };
  const retry = (): boolean => {
    if (failure === null && backlog.length === 0) return true;
    const waiting = backlog.length;
    if (drain() !== null) return false;
    markWritable(waiting);
    return true;
  };

  const record = (entry: AuditEntry): AuditLine => {
    const line = toAuditLine(entry, now());
    const text = `${JSON.stringify(line)}\n`;
    const waiting = backlog.length;
    // Older records first: while they are still refused, this one waits behind them.
    const refused = drain();
    if (refused !== null) {
      keep(text, refused);
    } else {
      try {
        write(text);
        markWritable(waiting);
      } catch (error) {
        keep(text, error);
      }
    }
    if (opts.post !== undefined) {
      const post = opts.post;
      const task = Promise.resolve()
        .then(() => post(renderAuditText(line)))
        .catch(onError)
        .finally(() => pending.delete(task));
      pending.add(task);
    }
    if (opts.onRecord !== undefined) safely(() => opts.onRecord!(line));
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
    retry,
    health() {
      return {
        isWritable: failure === null,
        errorCode: failure?.errorCode ?? null,
        keptInLog: failure?.keptInLog ?? 0,
        backlog: backlog.length,
        dropped: failure?.dropped ?? 0,
      };
    },
    async flush() {
      while (pending.size > 0) await Promise.allSettled([...pending]);
    },
    async close() {
      await this.flush();
      retry();
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

/** `ENOSPC`, `EIO`… for a failed write; the error's name otherwise. */
function errorCodeOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{1,40}$/.test(code)) return code;
  return error instanceof Error ? oneLine(error.name, 40) : 'error';
}

