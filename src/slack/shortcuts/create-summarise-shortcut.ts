import type { AllMiddlewareArgs, MessageShortcut, SlackShortcutMiddlewareArgs } from '@slack/bolt';
import { renderShutdownReply } from '../../render/slack/error-blocks.js';
import { authorizeRequest, screenRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import type { SlackFileDownloader } from '../download-slack-file.js';
import { postSummary } from '../post-summary.js';
import { readSharedLog } from '../read-shared-log.js';
import { respondPrivately } from '../respond-privately.js';
import { auditResultOf, runAuditedRequest } from '../run-audited-request.js';

type ShortcutArgs = SlackShortcutMiddlewareArgs<MessageShortcut> & AllMiddlewareArgs;

/**
 * Returns the listener of the "Summarise strace log" message shortcut: acks at once, checks access
 * (`summarise`), reads the message's strace log (its first text file or snippet, else its pasted text),
 * summarises it like `trace --from-file` and posts the verdict in the message's thread, rendered as a
 * live trace's. Refusals (no log, not strace, too large, no access) go privately to whoever used it;
 * every use is one audit line (`command: summarise`, `via: shortcut`).
 */
export function createSummariseShortcut(deps: BotDeps, download: SlackFileDownloader): (args: ShortcutArgs) => Promise<void> {
  return async ({ ack, shortcut, client, respond }) => {
    const userId = shortcut.user.id;
    const channelId = shortcut.channel.id;
    const teamId = shortcut.user.team_id ?? shortcut.team?.id;
    const message = shortcut.message;
    // A reply's thread is its parent's: Slack threads only one level deep.
    const threadTs = String(message['thread_ts'] ?? message.ts ?? shortcut.message_ts);
    await runAuditedRequest(
      deps,
      { userId, channelId, command: 'summarise', host: null, via: 'shortcut' },
      { ack: () => ack(), respond },
      async (scope) => {
        await screenRequest(deps, { userId, channelId, teamId }, () => scope.ack());
        const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'summarise', host: null });
        const result = await deps.inFlight.run(async (signal) => {
          try {
            const read = await readSharedLog(deps, { client, download }, message, signal);
            deps.logger.info({ event: 'shared_log_summarised', bytes: read.bytes, syscalls: read.summary.syscallCount, verdict: read.summary.verdict.state });
            return await postSummary(deps, { client, respond, channelId, userId, threadTs, label: read.label }, read.summary);
          } catch (error) {
            if (!signal.aborted) throw error;
            await respondPrivately(deps, respond, renderShutdownReply());
            return { outcome: 'cancelled' as const };
          }
        });
        return auditResultOf(result, { rule: decision.rule });
      },
      { ackFirst: true },
    );
  };
}
