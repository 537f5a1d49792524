import type { AlertChangeEvent } from '../watch/watcher.js';
import type { Alert } from '../watch/types.js';

// The alert poster's interface on its own, so BotDeps can name it without importing the poster (which
// needs BotDeps): no import cycle, type-only ones included.

/** What a Silence click did. */
export interface SilenceResult {
  alert: Alert;
  untilMs: number;
}

export interface AlertPoster {
  /** Takes one change from `watcher.onAlertChange`; the Slack work is queued per alert, in order. Never throws. */
  handle(event: AlertChangeEvent): void;
  /** Posts the open alerts that have no message yet (opened while no channel was set, or before a crash). */
  catchUp(): void;
  /** Silences an open alert for SILENCE_MS (no edits), says who in its thread; null when it is not open. */
  silence(key: string, userId: string): Promise<SilenceResult | null>;
  /** Resolves once every queued post, edit and reply has finished. */
  idle(): Promise<void>;
}
