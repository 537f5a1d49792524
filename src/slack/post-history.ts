import { Readable } from 'node:stream';
import type { HostConfig } from '../config/host-config.js';
import { BotError } from '../errors.js';
import { parseHistoryWindow, type HistoryWindow } from '../history/parse-history-window.js';
import { renderHostCharts, type HostCharts } from '../history/render-host-charts.js';
import { renderHistoryMessage, renderHistoryPending } from '../render/slack/history-blocks.js';
import type { WindowView } from '../watch/types.js';
import { resolveWatchHosts } from '../watch/resolve-watch-hosts.js';
import type { BotDeps } from './bot-deps.js';
import type { PostOutcome, ThreadRequest } from './slack-thread.js';
import { openThread } from './thread.js';

/** What a chart is drawn from, looked up before anything is posted. */
export interface PreparedHistory {
  host: HostConfig;
  view: WindowView;
  window: HistoryWindow;
}

/**
 * Returns the host's window and the bounded window to draw, or throws (the edge says it privately,
 * nothing is posted): `history_unavailable` when there is no `watch` section, the host is not watched
 * or has no samples yet; `input_invalid` for a window that is not a duration.
 */
export async function prepareHistory(deps: Pick<BotDeps, 'config' | 'history'>, host: HostConfig, windowText: string | undefined): Promise<PreparedHistory> {
  const settings = deps.config.watch;
  if (settings === undefined || deps.history === undefined) {
    throw new BotError('history_unavailable', 'History is drawn from what the watcher samples, and this bot has no `watch` section in its config.');
  }
  if (!resolveWatchHosts(deps.config).some((h) => h.name === host.name)) {
    throw new BotError('history_unavailable', `${host.name} is not watched: add it (or one of its groups) to watch.hosts.`);
  }
  const window = parseHistoryWindow(windowText, deps.history.keptMs);
  const view = await deps.history.window(host.name);
  if (view === null) {
    throw new BotError('history_unavailable', `The watcher has no samples of ${host.name} yet: it samples every ${settings.intervalS} s on the replica started with WATCH=on.`);
  }
  return { host, view, window };
}

/**
 * Posts the history of one host in the channel (the chart shows worker names and numbers, as `status`
 * does there; nothing a host printed): a parent while the charts are drawn, then the parent with
 * Slack's native line charts (or, when Slack refuses that block, the same numbers as text) and the PNG
 * with its alt text in the thread. Where the bot cannot post, the numbers go to the requester privately
 * (no file can go there). Never throws: every failure reaches the user (SlackThread.fail, slack-thread.ts, says how).
 */
export async function postHistory(deps: BotDeps, req: ThreadRequest & { prepared: PreparedHistory }, signal: AbortSignal): Promise<PostOutcome> {
  const { host, view, window } = req.prepared;
  const opened = await openThread(deps, req, renderHistoryPending(host.name, req.userId), { host: host.name, orPrivately: true });
  if ('refused' in opened) return opened.refused;
  const thread = opened.thread;

  let charts: HostCharts;
  try {
    signal.throwIfAborted();
    charts = await renderHostCharts(view, { windowMs: window.windowMs, askedMs: window.askedMs, requestedBy: req.userId });
    deps.logger.info({ event: 'history_rendered', host: host.name, svgMs: Math.round(charts.timings.svgMs), pngMs: Math.round(charts.timings.pngMs), pngBytes: charts.png.bytes.length });
  } catch (error) {
    return thread.fail(error, { kind: 'history', host: host.name }, signal);
  }

  const options = { requestedBy: req.userId, askedMs: window.askedMs };
  if (thread.parent === null) {
    await thread.tell(renderHistoryMessage(charts.history, { ...options, withCharts: false, pngInThread: false }));
    return { outcome: 'not_in_channel', errorCode: thread.cannotPost ?? undefined };
  }
  await thread.update(charts.message, { fallback: charts.fallback, fallbackNote: '(the charts could not be shown; the PNG is in the thread)' });
  const { bytes, filename, title, altText } = charts.png;
  await thread.upload({ filename, title, from: Readable.from([bytes]), gzip: false, what: 'the chart (PNG)', altText });
  return thread.finish((gaps) => renderHistoryMessage(charts.history, { ...options, withCharts: true, pngInThread: true, gaps }), {
    fallback: (gaps) => renderHistoryMessage(charts.history, { ...options, withCharts: false, pngInThread: true, gaps }),
  });
}
