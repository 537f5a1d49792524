import type { Logger } from '@slack/bolt';

/** One line per request. IDs only: never tokens, response URLs, trigger IDs or request bodies. */
export interface RequestLogEntry {
  userId: string;
  teamId?: string | undefined;
  channelId: string;
  /** `status`, `hosts`, `help`, or the action (`status_refresh`). */
  command: string;
  via: 'command' | 'button';
  host: string | null;
  durationMs: number;
  outcome: 'ok' | 'error' | 'denied' | 'not_in_channel' | 'cancelled';
  errorCode?: string | undefined;
}

/** Writes the structured request line (`event: "request"`) through the bot's JSON logger. */
export function logRequest(logger: Logger, entry: RequestLogEntry): void {
  logger.info({
    event: 'request',
    user: entry.userId,
    team: entry.teamId ?? null,
    channel: entry.channelId,
    command: entry.command,
    via: entry.via,
    host: entry.host,
    durationMs: Math.round(entry.durationMs),
    outcome: entry.outcome,
    errorCode: entry.errorCode ?? null,
  });
}
