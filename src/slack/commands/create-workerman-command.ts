import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { isListedHost, resolveListedHosts } from '../../config/local-host.js';
import { HostName } from '../../config/host-name.js';
import { renderHelpMessage } from '../../render/slack/help-blocks.js';
import { renderHostsMessage } from '../../render/slack/hosts-blocks.js';
import { renderTraceConfirmation } from '../../render/slack/trace-confirm-blocks.js';
import { authorizeRequest, screenRequest } from '../authorize-request.js';
import type { BotDeps } from '../bot-deps.js';
import { ACTION_IDS } from '../ids.js';
import { parseCommandText, SUBCOMMAND_NAMES } from '../parse-command-text.js';
import { postFleetStatus } from '../post-fleet.js';
import { postHistory, prepareHistory } from '../post-history.js';
import { postConnections } from '../post-connections.js';
import { postStatus } from '../post-status.js';
import { replyDoctor } from '../reply-doctor.js';
import { auditResultOf, runAuditedRequest } from '../run-audited-request.js';

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

const SUBCOMMANDS: ReadonlySet<string> = new Set(SUBCOMMAND_NAMES);

/**
 * Returns what the audit line names before the text is parsed: a known subcommand (else `help`) and
 * the target word when it has the shape of a host name (else null: raw user text stays out of the trail).
 */
export function describeCommandText(text: string): { command: string; host: string | null } {
  const [sub = '', target = ''] = text.trim().toLowerCase().split(/\s+/);
  const command = SUBCOMMANDS.has(sub) ? sub : 'help';
  const host = command !== 'help' && command !== 'hosts' && HostName.safeParse(target).success ? target : null;
  return { command, host };
}

/**
 * Returns the `/workerman` listener: glue only. Answers that need no work (help, hosts, bad input, a
 * rate limit) are the ack itself (ephemeral); `status`, `connections`, `trace` and `doctor` ack at once and do their work
 * after, tracked for shutdown. With an `access` section, a requester no rule covers is denied before
 * the text is parsed. Every request yields one audit line.
 */
export function createWorkermanCommand(deps: BotDeps): (args: CommandArgs) => Promise<void> {
  return async ({ ack, command, client, respond }) => {
    const text = typeof command.text === 'string' ? command.text : '';
    const described = describeCommandText(text);
    const userId = command.user_id;
    const channelId = command.channel_id;
    const teamId = command.team_id;
    await runAuditedRequest(
      deps,
      { userId, channelId, command: described.command, host: described.host, via: 'command' },
      { ack: (body) => ack(body), respond },
      async (scope) => {
        // Workspace and channel first: nothing typed is read for someone who may use no host, so no
        // answer (help, hosts, "unknown host", a usage line) can tell them which names exist.
        await screenRequest(deps, { userId, channelId, teamId }, () => scope.ack());
        const input = parseCommandText(text, deps.config);
        switch (input.kind) {
          case 'help': {
            await scope.reply(
              renderHelpMessage({
                command: command.command,
                ...(input.unknown === undefined ? {} : { unknown: input.unknown }),
                ...(input.suggestion === undefined ? {} : { suggestion: input.suggestion }),
              }),
            );
            return { outcome: 'ok' };
          }
          case 'hosts': {
            const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'hosts', host: null });
            // The built-in local host only when a Workerman app runs on this machine (looked for now).
            const listed = (await resolveListedHosts(deps.config, deps.hasLocalMaster)).hosts.filter(isListedHost);
            const listing = listed.map((h) => ({
              name: h.name,
              groups: h.groups,
              kind: h.ssh === undefined ? ('local' as const) : ('ssh' as const),
              ...(h.description === undefined ? {} : { description: h.description }),
            }));
            await scope.reply(renderHostsMessage(listing, { command: command.command }));
            return { outcome: 'ok', rule: decision.rule };
          }
          case 'status': {
            // Ack before anything that may touch the network (user-group lookups, SSH): Slack gives 3 s.
            await scope.ack();
            const host = input.host;
            scope.host = host.name;
            const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'status', host: host.name });
            const result = await deps.inFlight.run((signal) => postStatus(deps, { client, respond, channelId, userId, host }, signal));
            return auditResultOf(result, { rule: decision.rule, hosts: [host.name] });
          }
          case 'connections': {
            // Like status: acked at once, allowed where `connections` is (the same defaults as status).
            await scope.ack();
            const host = input.host;
            scope.host = host.name;
            const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'connections', host: host.name });
            const result = await deps.inFlight.run((signal) => postConnections(deps, { client, respond, channelId, userId, host }, signal));
            return auditResultOf(result, { rule: decision.rule, hosts: [host.name] });
          }
          case 'fleet': {
            await scope.ack();
            scope.host = input.group;
            // All or nothing: a group is allowed only when every member is.
            const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'status', host: input.group });
            const result = await deps.inFlight.run((signal) =>
              postFleetStatus(deps, { client, respond, channelId, userId, group: input.group, hosts: decision.targets }, signal),
            );
            return auditResultOf(result, { rule: decision.rule, hosts: decision.targets.map((h) => h.name) });
          }
          case 'doctor': {
            // Allowed wherever `status` is for the host (it runs status once, plus read-only checks);
            // the answer names host facts, so it goes to the requester only, never the channel.
            await scope.ack();
            const host = input.host;
            scope.host = host.name;
            const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'status', host: host.name });
            const result = await deps.inFlight.run((signal) => replyDoctor(deps, { host, reply: (m) => scope.reply(m) }, signal));
            return { ...result, rule: decision.rule };
          }
          case 'history': {
            // Allowed wherever `status` is for the host; in the channel like status (names and numbers only).
            await scope.ack();
            const host = input.host;
            scope.host = host.name;
            const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'status', host: host.name });
            const prepared = await prepareHistory(deps, host, input.windowText);
            const result = await deps.inFlight.run((signal) => postHistory(deps, { client, respond, channelId, userId, prepared }, signal));
            return auditResultOf(result, { rule: decision.rule, hosts: [host.name] });
          }
          case 'trace': {
            // Attaching strace has side effects: ask first (ephemeral); the button's handler runs it.
            await scope.ack();
            const host = input.host;
            scope.host = host.name;
            const decision = await authorizeRequest(deps, { userId, channelId, teamId, command: 'trace', host: host.name });
            await scope.reply(
              renderTraceConfirmation({
                host: host.name,
                target: input.target,
                durationS: input.durationS,
                confirmActionId: ACTION_IDS.traceConfirm,
                cancelActionId: ACTION_IDS.traceCancel,
              }),
            );
            // A worker's pids are known only once it is looked up, just before the trace (the click's line has them).
            return { outcome: 'ok', rule: decision.rule, pids: input.target.kind === 'pid' ? [input.target.pid] : [], hosts: [host.name] };
          }
        }
      },
    );
  };
}
