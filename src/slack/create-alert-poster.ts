export type { AlertPoster, SilenceResult } from './alert-poster.js';
import type { WebClient } from '@slack/web-api';
import type { AuditAlert, AuditOutcome } from '../audit/audit-line.js';
import {
  renderAlertMessage,
  renderAlertResolvedMessage,
  renderAlertResolvedReply,
  renderAlertSilencedReply,
} from '../render/slack/alert-blocks.js';
import type { AlertChangeEvent, Watcher } from '../watch/watcher.js';
import type { Alert } from '../watch/types.js';
import type { AlertPoster, SilenceResult } from './alert-poster.js';
import type { BotDeps } from './bot-deps.js';
import { alertShape, decideAlertStep, type AlertSlackMeta } from './decide-alert-step.js';
import { describeError } from './json-logger.js';
import { openChannelThread, resumeChannelThread } from './thread.js';

/** How long the Silence button silences an alert. */
export const SILENCE_MS = 3_600_000;

/** The audit line's `command` for what the watcher posts, and its `userId` (nobody asked). */
export const WATCH_AUDIT_COMMAND = 'watch-alert';
export const WATCH_AUDIT_USER = 'watch';

export interface AlertPosterDeps {
  bot: Pick<BotDeps, 'ackGate' | 'logger' | 'poster' | 'audit'>;
  client: WebClient;
  watcher: Pick<Watcher, 'openAlerts' | 'setAlertMeta' | 'save'>;
  /** `watch.channel`; null: alerts are audited and logged, never posted. */
  channel: string | null;
  /** `watch.alertEditEveryS` in ms. */
  editEveryMs: number;
  /** Set when some access rule allows trace (as the status message's menu): the Trace button. */
  traceActionId?: string;
  /** Set when some access rule allows silence: the "Silence 1 h" button. */
  silenceActionId?: string;
  /** Bot clock, ms since the epoch (the watcher's). */
  now: () => number;
}


/**
 * Creates the Slack side of the watcher: one message per open alert in `watch.channel` (through the
 * thread primitive and the channel pacer), edited in place while it lasts (throttled, see
 * decideAlertStep), a "resolved" reply in its thread and the parent edited when it clears, never posted
 * twice: the message ts goes into the alert's meta, which the watcher keeps in its state file. One
 * audit line (`watch-alert`, user `watch`) per post, edit and resolution, and per alert that opened
 * with no channel to post to.
 */
export function createAlertPoster(deps: AlertPosterDeps): AlertPoster {
  const { bot, client, watcher, now } = deps;
  // Meta written since the watcher last handed us the alert: a change can arrive before our post ends.
  const local = new Map<string, AlertSlackMeta>();
  const queues = new Map<string, Promise<unknown>>();

  const metaOf = (alert: Alert): AlertSlackMeta => ({ ...(alert.meta as AlertSlackMeta), ...local.get(alert.key) });
  const setMeta = (key: string, patch: AlertSlackMeta): void => {
    local.set(key, { ...local.get(key), ...patch });
    watcher.setAlertMeta(key, patch as Record<string, string>);
  };
  const current = (key: string): Alert | undefined => watcher.openAlerts().find((a) => a.key === key);

  /** Runs `work` after the alert's earlier work: its post, edits and resolution stay in order. */
  const enqueue = <T>(key: string, work: () => Promise<T>): Promise<T> => {
    const run = (queues.get(key) ?? Promise.resolve()).then(work);
    const settled = run.catch((error: unknown) => {
      bot.logger.error({ event: 'watch_alert_post_failed', key, error: describeError(error) });
    });
    queues.set(key, settled);
    void settled.finally(() => {
      if (queues.get(key) === settled) queues.delete(key);
    });
    return run;
  };

  const audit = (alert: Alert, event: AuditAlert['event'], channel: string | null, startedAt: number, outcome: AuditOutcome, errorCode: string | null = null): void => {
    bot.audit.record({
      userId: WATCH_AUDIT_USER,
      channelId: channel ?? '',
      command: WATCH_AUDIT_COMMAND,
      host: alert.host,
      hosts: [alert.host],
      pids: alert.pids,
      startedAt,
      durationMs: Math.max(0, now() - startedAt),
      outcome,
      errorCode,
      via: 'watch',
      alert: { event, kind: alert.kind, subject: alert.subject },
    });
  };

  const render = (alert: Alert, meta: AlertSlackMeta) => {
    const until = Number(meta.silencedUntil ?? Number.NaN);
    const isSilenced = Number.isFinite(until) && now() < until;
    return renderAlertMessage(alert, {
      now: now(),
      ...(deps.traceActionId === undefined ? {} : { traceActionId: deps.traceActionId }),
      ...(deps.silenceActionId === undefined ? {} : { silenceActionId: deps.silenceActionId }),
      ...(isSilenced ? { silenced: { untilMs: until, by: meta.silencedBy ?? 'someone' } } : {}),
    });
  };

  /** An open alert that opened or changed: post it, edit it, or leave it (throttled, silenced). */
  const refresh = async (alert: Alert, type: 'opened' | 'updated'): Promise<void> => {
    const startedAt = now();
    const meta = metaOf(alert);
    const step = decideAlertStep(alert, meta, startedAt, { editEveryMs: deps.editEveryMs, hasChannel: deps.channel !== null });
    if (step.do === 'skip') {
      // Nothing reaches Slack: only an alert that opened without a channel is worth a line.
      if (type === 'opened' && step.why === 'no_channel') audit(alert, 'opened', null, startedAt, 'ok');
      return;
    }
    if (step.do === 'post') {
      const channel = deps.channel!;
      const opened = await openChannelThread(bot, client, channel, render(alert, meta));
      if ('error' in opened) {
        setMeta(alert.key, { postFailedAt: String(now()) });
        const hint = opened.error === 'not_in_channel' || opened.error === 'channel_not_found' ? ' (invite the bot to watch.channel: /invite @workerman)' : '';
        bot.logger.warn({ event: 'watch_alert_not_posted', key: alert.key, channel, error: opened.error, msg: `Slack refused the alert's message${hint}; tried again after alertEditEveryS` });
        audit(alert, 'opened', channel, startedAt, 'error', opened.error);
        return;
      }
      const parent = opened.thread.parent!;
      setMeta(alert.key, { ts: parent.ts, channel: parent.channel, editedAt: String(now()), shape: alertShape(alert) });
      // At once, not at the end of the next round: a restart in between would post it again.
      await watcher.save();
      bot.logger.info({ event: 'watch_alert_posted', key: alert.key, channel: parent.channel, ts: parent.ts });
      audit(alert, 'opened', parent.channel, startedAt, 'ok');
      return;
    }
    const channel = meta.channel ?? deps.channel!;
    const isUpdated = await resumeChannelThread(bot, client, { channel, ts: meta.ts! }).update(render(alert, meta));
    // A refused edit is not tried again at once: the next change (throttled) tries again.
    setMeta(alert.key, { editedAt: String(now()), ...(isUpdated ? { shape: alertShape(alert) } : {}) });
    audit(alert, 'updated', channel, startedAt, isUpdated ? 'ok' : 'error', isUpdated ? null : 'update_failed');
  };

  /** A resolved alert: a reply in its thread and the parent edited to say so (even while silenced). */
  const resolve = async (alert: Alert): Promise<void> => {
    const startedAt = now();
    const meta = metaOf(alert);
    local.delete(alert.key);
    if (meta.ts === undefined) {
      audit(alert, 'resolved', null, startedAt, 'ok');
      return;
    }
    const channel = meta.channel ?? deps.channel!;
    const thread = resumeChannelThread(bot, client, { channel, ts: meta.ts });
    const replied = await thread.reply(renderAlertResolvedReply(alert));
    const isUpdated = await thread.update(renderAlertResolvedMessage(alert));
    const errorCode = !replied.ok ? replied.error : isUpdated ? null : 'update_failed';
    audit(alert, 'resolved', channel, startedAt, errorCode === null ? 'ok' : 'error', errorCode);
  };

  return {
    handle({ type, alert }) {
      void enqueue(alert.key, () => (type === 'resolved' ? resolve(alert) : refresh(alert, type))).catch(() => undefined);
    },
    catchUp() {
      for (const alert of watcher.openAlerts()) {
        if (metaOf(alert).ts !== undefined) continue;
        // The latest state of the alert when its turn comes (a round may have changed it meanwhile).
        void enqueue(alert.key, async () => {
          const latest = current(alert.key);
          if (latest !== undefined && metaOf(latest).ts === undefined) await refresh(latest, 'opened');
        }).catch(() => undefined);
      }
    },
    silence(key, userId) {
      return enqueue(key, async (): Promise<SilenceResult | null> => {
        const alert = current(key);
        if (alert === undefined) return null;
        const at = now();
        const untilMs = at + SILENCE_MS;
        setMeta(key, { silencedUntil: String(untilMs), silencedBy: userId });
        // Kept across a restart at once: a silence that came back after a crash would be a broken promise.
        await watcher.save();
        const meta = metaOf(alert);
        if (meta.ts !== undefined) {
          const thread = resumeChannelThread(bot, client, { channel: meta.channel ?? deps.channel!, ts: meta.ts });
          await thread.update(render(alert, meta));
          await thread.reply(renderAlertSilencedReply({ by: userId, untilMs, now: at }));
        }
        bot.logger.info({ event: 'watch_alert_silenced', key, userId, untilMs });
        return { alert, untilMs };
      });
    },
    async idle() {
      while (queues.size > 0) await Promise.allSettled([...queues.values()]);
    },
  };
}
