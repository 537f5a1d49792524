import { BotError, oneLine } from '../errors.js';

/** The shortest window `history` draws: below it a chart has a point or two. */
export const MIN_HISTORY_WINDOW_MS = 5 * 60_000;

/** A window as asked for and as it will be drawn. */
export interface HistoryWindow {
  windowMs: number;
  /** Set when more was asked than the watcher keeps: the window asked for, in ms. */
  askedMs: number | null;
}

const DURATION = /^(?:(\d{1,3})\s*h(?:ours?)?)?\s*(?:(\d{1,5})\s*m(?:in(?:utes?)?)?)?$/;

/**
 * Parses the window of `history`: `30m`, `1h`, `6h`, `1h30m`, `90min` (hours and minutes). Absent:
 * everything the watcher keeps (`keptMs`, from `watch.windowMin`). More than is kept is drawn as all of it
 * (`askedMs` says what was asked, to say so); less than 5 minutes, or anything else, is `input_invalid`.
 * Example: `("2h", 6 h)` → `{ windowMs: 7_200_000, askedMs: null }`.
 */
export function parseHistoryWindow(text: string | undefined, keptMs: number): HistoryWindow {
  if (text === undefined || text.trim() === '') return { windowMs: keptMs, askedMs: null };
  const m = DURATION.exec(text.trim().toLowerCase());
  const ms = m === null || (m[1] === undefined && m[2] === undefined) ? NaN : (Number(m[1] ?? 0) * 60 + Number(m[2] ?? 0)) * 60_000;
  if (Number.isNaN(ms)) {
    throw new BotError('input_invalid', `The window is a duration like 30m, 1h or 6h, got "${oneLine(text, 20)}".`);
  }
  if (ms < MIN_HISTORY_WINDOW_MS) throw new BotError('input_invalid', `The window must be at least 5m, got "${oneLine(text, 20)}".`);
  if (ms > keptMs) return { windowMs: keptMs, askedMs: ms };
  return { windowMs: ms, askedMs: null };
}
