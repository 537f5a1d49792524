import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { HostConfig } from '../config/schema.js';
import { BotError } from '../errors.js';
import { runFleetStatus, type FleetRow } from '../fleet/run-fleet-status.js';
import { renderErrorMessage, renderFailureNotice, renderNotInChannelHint } from '../render/slack/error-blocks.js';
import { renderFleetFailureDetails, renderFleetMessage, renderFleetPending } from '../render/slack/fleet-blocks.js';
import { renderStatusMessage } from '../render/slack/status-blocks.js';
import { runStatus } from '../workerman/run-status.js';
import type { BotDeps } from './bot-deps.js';
import { ACTION_IDS } from './ids.js';
import { describeError, prepend, safeRespond, safeSend, type StatusOutcome } from './post-status.js';
import { slackErrorCode } from './slack-error-code.js';

export interface FleetRequest {
  client: WebClient;
  respond: RespondFn;
  channelId: string;
  userId: string;
  /** The group as typed (`web`, `all`). */
  group: string;
  /** Its hosts, already resolved and authorized (all or nothing). */
  hosts: readonly HostConfig[];
  /** Set for a refresh: the thread root to post into. */
  threadTs?: string;
}

export interface FleetOutcome extends StatusOutcome {
  rows: FleetRow[];
}

const CANNOT_POST = new Set(['not_in_channel', 'channel_not_found']);

/**
 * Posts a fleet status: one parent message ("…of `web` (6 hosts)…"), every host queried concurrently
 * (`limits.fleetConcurrency`, each in its host's queue, each cut at `limits.fleetHostTimeoutMs`), then
 * the parent updated with a row per host and each host's own status (or failure) in the thread. One
 * slow or dead host delays nothing past its timeout. A failed host shows its code in the channel; what
 * it said goes to the requester privately. Never throws.
 */
export async function postFleetStatus(deps: BotDeps, req: FleetRequest, signal: AbortSignal): Promise<FleetOutcome> {
  const { client } = req;
  const limits = deps.config.limits;
  await deps.ackGate.quiet();

  let parent: { channel: string; ts: string } | null = null;
  let cannotPost: string | null = null;
  try {
    const pending = renderFleetPending(req.group, req.hosts.length, req.userId);
    const posted = await deps.poster.send(req.channelId, () =>
      client.chat.postMessage({ channel: req.channelId, ...pending, ...(req.threadTs === undefined ? {} : { thread_ts: req.threadTs }) }),
    );
    parent = { channel: posted.channel ?? req.channelId, ts: String(posted.ts) };
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === undefined || !CANNOT_POST.has(code)) {
      const failure = new BotError('internal', `Slack refused the message (${code ?? describeError(error)}).`, { cause: error });
      await safeRespond(deps, req.respond, renderErrorMessage(failure, { host: req.group }));
      return { outcome: 'error', errorCode: code ?? 'internal', rows: [] };
    }
    cannotPost = code;
  }

  const started = performance.now();
  const raws = new Map<string, { stdout: string; stderr: string }>();
  const rows = await runFleetStatus(
    req.hosts,
    async (host, hostSignal) => {
      // The per-host timeout covers the wait for the host's slot too: a host busy with other commands
      // counts like a slow one.
      const release = await deps.hostQueue.acquire(host.name, undefined, hostSignal);
      try {
        const run = await runStatus(deps.transports.get(host.name), host, { signal: hostSignal });
        raws.set(host.name, run.raw);
        return run.status;
      } finally {
        release();
      }
    },
    { concurrency: limits.fleetConcurrency, perHostTimeoutMs: limits.fleetHostTimeoutMs, signal },
  );
  const durationMs = performance.now() - started;
  if (signal.aborted) {
    const cancelled = new BotError('command_timed_out', 'Cancelled: the bot is shutting down. Ask again in a minute.');
    if (parent !== null) {
      const p = parent;
      const failure = renderFailureNotice({ kind: 'status', host: req.group }, { code: cancelled.code, requestedBy: req.userId, detailsSent: false, cancelled: true });
      await safeSend(deps, 'chat.update', p.channel, () => client.chat.update({ channel: p.channel, ts: p.ts, parse: 'none', ...failure }));
    }
    return { outcome: 'cancelled', errorCode: cancelled.code, rows };
  }

  // What failed hosts said (it may quote their output) goes to the requester only, in one message.
  const details = renderFleetFailureDetails(rows, req.group);
  if (parent === null) {
    const message = renderFleetMessage(rows, { target: req.group, requestedBy: req.userId, durationMs });
    const hinted = prepend(renderNotInChannelHint(cannotPost ?? 'not_in_channel'), message);
    await safeRespond(deps, req.respond, details === null ? hinted : prepend(hinted, details));
    return { outcome: 'not_in_channel', errorCode: cannotPost ?? undefined, rows };
  }
  const detailsSent = details !== null && (await safeRespond(deps, req.respond, details));
  const p = parent;
  const message = renderFleetMessage(rows, { target: req.group, requestedBy: req.userId, durationMs, refreshActionId: ACTION_IDS.statusRefresh });
  const updated = await safeSend(deps, 'chat.update', p.channel, () =>
    client.chat.update({ channel: p.channel, ts: p.ts, parse: 'none', text: message.text, blocks: message.blocks }),
  );
  if (!updated) {
    const text = `${message.text} (the table could not be shown; each host is in the thread)`;
    await safeSend(deps, 'chat.update', p.channel, () =>
      client.chat.update({ channel: p.channel, ts: p.ts, parse: 'none', text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] }),
    );
  }

  // Each host's details in the thread, in config order: its status (as `/workerman status <host>`
  // renders it, with its own Refresh) or what went wrong.
  const threadRoot = req.threadTs ?? p.ts;
  for (const row of rows) {
    const reply =
      row.status !== undefined
        ? renderStatusMessage(row.status, {
            host: row.host,
            requestedBy: req.userId,
            durationMs: row.durationMs,
            ...(raws.has(row.host) ? { raw: raws.get(row.host)! } : {}),
            refreshActionId: ACTION_IDS.statusRefresh,
            maxThreadReplies: 0,
          })
        : renderFailureNotice({ kind: 'status', host: row.host }, { code: row.errorCode ?? 'internal', requestedBy: req.userId, detailsSent, retryActionId: ACTION_IDS.statusRefresh });
    const ok = await safeSend(deps, 'chat.postMessage', p.channel, () =>
      client.chat.postMessage({ channel: p.channel, thread_ts: threadRoot, text: reply.text, blocks: reply.blocks }),
    );
    if (!ok || signal.aborted) break;
  }
  return { outcome: 'ok', rows };
}
