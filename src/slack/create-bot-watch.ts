import type { WebClient } from '@slack/web-api';
import type { Config } from '../config/schema.js';
import type { WatchSettings } from '../config/watch-settings.js';
import { createWatcher } from '../watch/create-watcher.js';
import type { Watcher } from '../watch/watcher.js';
import { resolveWatchHosts } from '../watch/resolve-watch-hosts.js';
import type { BotDeps } from './bot-deps.js';
import { createAlertPoster, type AlertPoster } from './create-alert-poster.js';
import { ACTION_IDS } from './ids.js';

/** The watcher of the replica that watches, with its Slack side. */
export interface BotWatch {
  watcher: Watcher;
  alerts: AlertPoster;
  /** Loads the state file, posts open alerts that have no message yet, then samples every intervalS. */
  start(): Promise<void>;
  /**
   * Stops sampling, lets the Slack work already queued finish (at most `graceMs`), and saves the state
   * file with the last message ts. Saves nothing when start() never ran (an empty watcher must not
   * overwrite the window of the last run).
   */
  stop(graceMs: number): Promise<void>;
}

/**
 * Creates the watcher over the bot's pooled transports and wires its alerts to `watch.channel`: the
 * Trace button when some access rule allows trace (as on a status message), the Silence button when
 * some rule allows silence (or trace).
 */
export function createBotWatch(opts: { bot: BotDeps; client: WebClient; settings: WatchSettings; config: Config; now?: () => number }): BotWatch {
  const { bot, settings, config } = opts;
  const now = opts.now ?? Date.now;
  const watcher = createWatcher({ settings, hosts: resolveWatchHosts(config), transports: bot.transports, logger: bot.logger, now });
  const rules = config.access?.rules ?? [];
  const alerts = createAlertPoster({
    bot,
    client: opts.client,
    watcher,
    channel: settings.channel ?? null,
    editEveryMs: settings.alertEditEveryS * 1000,
    ...(rules.some((r) => r.commands.includes('trace')) ? { traceActionId: ACTION_IDS.traceSelect } : {}),
    ...(rules.some((r) => r.commands.includes('silence') || r.commands.includes('trace')) ? { silenceActionId: ACTION_IDS.alertSilence } : {}),
    now,
  });
  watcher.onAlertChange((event) => alerts.handle(event));
  let isStarted = false;
  return {
    watcher,
    alerts,
    async start() {
      isStarted = true;
      await watcher.start();
      alerts.catchUp();
      const hosts = resolveWatchHosts(config).map((h) => h.name);
      bot.logger.info({ event: 'watch_started', hosts, channel: settings.channel ?? null, intervalS: settings.intervalS, openAlerts: watcher.openAlerts().length });
      if (settings.channel === undefined) {
        bot.logger.warn({ event: 'watch_no_channel', msg: 'watch.channel is not set: alerts go to the audit trail and this log only' });
      }
    },
    async stop(graceMs) {
      await watcher.stop();
      if (!isStarted) return;
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => {
        timer = setTimeout(() => resolve('late'), graceMs);
      });
      const finished = await Promise.race([alerts.idle().then(() => 'idle' as const), late]);
      clearTimeout(timer);
      if (finished === 'late') bot.logger.warn({ event: 'watch_alerts_unfinished', msg: 'Slack work for some alerts was still queued at shutdown: an alert never posted is posted at the next start, a missed edit comes with its next change' });
      // After the posts: the ts of a message posted during the stop is in the file too.
      await watcher.save();
    },
  };
}
