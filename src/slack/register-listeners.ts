import type { AllMiddlewareArgs, App, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { createAlertSilenceAction } from './actions/create-alert-silence-action.js';
import { createHistoryChartAction } from './actions/create-history-chart-action.js';
import { createStatusRefreshAction } from './actions/create-status-refresh-action.js';
import { createTraceCancelAction, createTraceConfirmAction } from './actions/create-trace-confirm-action.js';
import { createTraceSelectAction } from './actions/create-trace-select-action.js';
import type { BotDeps } from './bot-deps.js';
import { createWorkermanCommand } from './commands/create-workerman-command.js';
import type { AckGate } from './create-ack-gate.js';
import type { SlackFileDownloader } from './download-slack-file.js';
import { ACTION_IDS, COMMAND, SHORTCUT_IDS } from './ids.js';
import { createSummariseShortcut } from './shortcuts/create-summarise-shortcut.js';

type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs;

/** What the listeners need besides the bot's deps. */
export interface ListenerDeps {
  ackGate: AckGate;
  /** The user groups the access rules name: a change to one of them drops its cached member list. */
  ruleGroups: readonly string[];
  /** Fetches a file shared in Slack (the Summarise shortcut). */
  download: SlackFileDownloader;
}

/**
 * Registers every listener of the bot on `app`: the `/workerman` command, its buttons and menus, the
 * message shortcut, the user group event and the Bolt-level error log. Each notes its request for the
 * ack gate.
 */
export function registerListeners(app: App, botDeps: BotDeps, deps: ListenerDeps): void {
  const { ackGate, ruleGroups, download } = deps;
  const { logger } = botDeps;
  // Every request runs each registered listener's middleware chain (and every global middleware) before
  // the ack, whatever it matches: so the command and the buttons are two listeners, not five plus a
  // global middleware, and each notes the request for the ack gate itself.
  const command = createWorkermanCommand(botDeps);
  app.command(COMMAND, async (args) => {
    ackGate.noteRequest();
    await command(args);
  });
  // Each handler reads the shape of action its id is put on (a button, a select menu).
  const actions = new Map<string, (args: ActionArgs) => Promise<void>>([
    [ACTION_IDS.statusRefresh, createStatusRefreshAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.traceConfirm, createTraceConfirmAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.traceCancel, createTraceCancelAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.traceSelect, createTraceSelectAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.alertSilence, createAlertSilenceAction(botDeps) as (args: ActionArgs) => Promise<void>],
    [ACTION_IDS.historyChart, createHistoryChartAction(botDeps) as (args: ActionArgs) => Promise<void>],
  ]);
  app.action<BlockAction>(new RegExp(`^(${[...actions.keys()].join('|')})$`), async (args) => {
    ackGate.noteRequest();
    await actions.get(args.action.action_id)?.(args);
  });
  const summarise = createSummariseShortcut(botDeps, download);
  app.shortcut({ type: 'message_action', callback_id: SHORTCUT_IDS.summarise }, async (args) => {
    ackGate.noteRequest();
    await summarise(args);
  });
  // Delivered only when the app subscribes to it (manifest.yml): a changed group is looked up again.
  app.event('subteam_members_changed', async ({ event }) => {
    ackGate.noteRequest();
    if (botDeps.userGroups === undefined || !ruleGroups.includes(event.subteam_id)) return;
    botDeps.userGroups.forget(event.subteam_id);
    logger.info({ event: 'user_group_changed', groupId: event.subteam_id });
  });
  app.error(async (error) => {
    // Handlers catch their own failures; this is for Bolt-level ones (authorize, middleware).
    logger.error({ event: 'bolt_error', code: error.code ?? null, error: `${error.name}: ${error.message}` });
  });
}
