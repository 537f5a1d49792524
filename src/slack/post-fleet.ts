import type { HostConfig } from '../config/host-config.js';
import { runFleetStatus } from '../fleet/run-fleet-status.js';
import type { FleetRow } from '../fleet/types.js';
import { renderFailureNotice } from '../render/slack/error-blocks.js';
import { renderFleetFailureDetails, renderFleetMessage, renderFleetPending } from '../render/slack/fleet-blocks.js';
import { joinMessages } from '../render/slack/limits.js';
import { renderStatusMessage } from '../render/slack/status-blocks.js';
import { runStatus } from '../workerman/run-status.js';
import type { BotDeps } from './bot-deps.js';
import { ACTION_IDS } from './ids.js';
import { runOnHost } from './run-on-host.js';
import type { PostOutcome, ThreadRequest } from './slack-thread.js';
import { openThread } from './thread.js';

export interface FleetRequest extends ThreadRequest {
  /** The group as typed (`web`, `all`). */
  group: string;
  /** Its hosts, already resolved and authorized (all or nothing). */
  hosts: readonly HostConfig[];
}

export interface FleetOutcome extends PostOutcome {
  rows: FleetRow[];
}

/**
 * Posts a fleet status: one parent message ("…of `web` (6 hosts)…"), every host queried concurrently
 * (`limits.fleetConcurrency`, each in its host's queue, each cut at `limits.fleetHostTimeoutMs`), then
 * the parent updated with a row per host and each host's own status (or failure) in the thread. One
 * slow or dead host delays nothing past its timeout. A failed host shows its code in the channel; what
 * it said goes to the requester privately. Never throws.
 */
export async function postFleetStatus(deps: BotDeps, req: FleetRequest, signal: AbortSignal): Promise<FleetOutcome> {
  const limits = deps.config.limits;
  const opened = await openThread(deps, req, renderFleetPending(req.group, req.hosts.length, req.userId), { host: req.group, orPrivately: true });
  if ('refused' in opened) return { ...opened.refused, rows: [] };
  const thread = opened.thread;

  const started = performance.now();
  const raws = new Map<string, { stdout: string; stderr: string }>();
  const rows = await runFleetStatus(
    req.hosts,
    async (host, hostSignal) => {
      // The per-host timeout covers the wait for the host's slot too: a host busy with other commands
      // counts like a slow one.
      const run = await runOnHost(deps.hostQueue, host.name, () => runStatus(deps.transports.get(host.name), host, { signal: hostSignal }), { signal: hostSignal });
      raws.set(host.name, run.raw);
      return run.status;
    },
    { concurrency: limits.fleetConcurrency, perHostTimeoutMs: limits.fleetHostTimeoutMs, signal },
  );
  const durationMs = performance.now() - started;
  if (signal.aborted) return { ...(await thread.fail(signal.reason, { kind: 'status', host: req.group }, signal)), rows };

  // What failed hosts said (it may quote their output) goes to the requester only, in one message.
  const details = renderFleetFailureDetails(rows, req.group);
  const rendered = { target: req.group, requestedBy: req.userId, durationMs };
  if (thread.parent === null) {
    const message = renderFleetMessage(rows, rendered);
    await thread.tell(details === null ? message : joinMessages(message, details));
    return { outcome: 'not_in_channel', errorCode: thread.cannotPost ?? undefined, rows };
  }
  const detailsSent = details !== null && (await thread.tell(details));
  const options = { ...rendered, refreshActionId: ACTION_IDS.statusRefresh };
  await thread.update(renderFleetMessage(rows, options), { fallbackNote: '(the table could not be shown; each host is in the thread)' });

  // Each host's details in the thread, in config order: its status (as `/workerman status <host>`
  // renders it, with its own Refresh) or what went wrong.
  let skipped = 0;
  for (const row of rows) {
    // A shutdown stops the thread here; the parent then says how many hosts' details are missing.
    if (signal.aborted) {
      skipped += 1;
      continue;
    }
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
    await thread.reply({ text: reply.text, blocks: reply.blocks });
  }
  const finished = await thread.finish((gaps) => renderFleetMessage(rows, { ...options, gaps: { ...gaps, replies: gaps.replies + skipped } }), { always: skipped > 0 });
  return { ...finished, rows };
}
