import type { BlockAction, RespondFn } from '@slack/bolt';
import type { AuditEntry } from '../../audit/audit-line.js';
import { screenRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { runAuditedRequest, type AuditResult, type RequestScope } from '../run-audited-request.js';
import { readActionContext } from './action-context.js';

/** Who clicked where (readActionContext), and the value the clicked element carried: untrusted, like typed text. */
export interface ButtonClick extends ReturnType<typeof readActionContext> {
  value: string;
}

/**
 * Runs a click as one audited request (runAuditedRequest, acked before anything else, audited `via:
 * button`), the clicker screened (access.teams, channels, users) before `work` sees the value; `work`
 * looks up what the value names and authorizes the clicker for it, as for a typed command.
 */
export async function runButtonRequest(
  deps: BotDeps,
  args: { ack: () => Promise<void>; body: BlockAction; respond: RespondFn },
  command: AuditEntry['command'],
  value: unknown,
  work: (click: ButtonClick, scope: RequestScope) => Promise<AuditResult>,
): Promise<void> {
  const click: ButtonClick = { ...readActionContext(args.body), value: typeof value === 'string' ? value : '' };
  const { userId, channelId, teamId } = click;
  await runAuditedRequest(
    deps,
    { userId, channelId, command, host: null, via: 'button' },
    { ack: () => args.ack(), respond: args.respond },
    async (scope) => {
      await screenRequest(deps, { userId, channelId, teamId }, () => scope.ack());
      return work(click, scope);
    },
    { ackFirst: true },
  );
}
