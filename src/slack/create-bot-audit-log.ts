import type { Logger } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AuditLine } from '../audit/audit-line.js';
import { createAuditLog, type AuditLog, type AuditSink } from '../audit/audit-log.js';
import type { Config } from '../config/schema.js';
import type { BotMetrics } from '../metrics/create-bot-metrics.js';
import type { SlackPoster } from './create-slack-poster.js';
import { slackErrorCode } from './slack-error-code.js';

/** What the bot's audit trail is wired to. */
export interface BotAuditLogDeps {
  config: Config;
  /** SlackAppDeps.auditSink; default: appended to `config.audit.file`, else stdout. */
  sink: AuditSink | undefined;
  logger: Logger;
  /** Posts the one-line summaries to `config.audit.channel`, when set. */
  poster: SlackPoster;
  client: WebClient;
  /** Counts each request recorded, when GET /metrics is on. */
  metrics: BotMetrics | null;
}

/**
 * Returns the bot's audit trail: JSON lines to the sink, a summary to the audit channel, and every
 * trouble of the trail (a failed post, a refused write, degraded/recovered) in the bot's log.
 */
export function createBotAuditLog(deps: BotAuditLogDeps): AuditLog {
  const { config, logger, poster, client, metrics } = deps;
  const auditChannel = config.audit.channel;
  const auditSink: AuditSink =
    deps.sink ?? (config.audit.file === undefined ? { write: (line) => void process.stdout.write(line) } : { file: config.audit.file });
  return createAuditLog(auditSink, {
    ...(auditChannel === undefined
      ? {}
      : {
          post: (text: string) =>
            poster.send(auditChannel, () => client.chat.postMessage({ channel: auditChannel, text, unfurl_links: false, unfurl_media: false })),
        }),
    onError: (error) => logger.warn({ event: 'audit_failed', error: slackErrorCode(error) ?? String(error) }),
    // The record itself, whole: at error level so that no log level filters it out.
    onUnwritten: (line, errorCode) => logger.error({ event: 'audit_record', errorCode, line }),
    onChange: (change) => {
      if (change.kind === 'degraded') {
        logger.warn({ event: 'audit_degraded', errorCode: change.errorCode, msg: 'audit trail not writable: records go to this log (event audit_record) until it is' });
      } else if (change.kind === 'backlog_full') {
        logger.warn({ event: 'audit_backlog_full', errorCode: change.errorCode, maxBacklogRecords: change.maxBacklogRecords, msg: 'the oldest unwritten records are dropped from memory; they are only in this log' });
      } else {
        logger.warn({ event: 'audit_recovered', keptInLog: change.keptInLog, written: change.written, dropped: change.dropped });
      }
    },
    maxBacklogRecords: config.audit.maxBacklogRecords,
    ...(metrics === null ? {} : { onRecord: (line: AuditLine) => metrics.countRequest(line) }),
  });
}
