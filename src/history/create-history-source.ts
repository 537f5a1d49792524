import { stat } from 'node:fs/promises';
import type { WatchSettings } from '../config/watch-settings.js';
import type { HostWindow } from '../watch/host-window.js';
import type { WindowView } from '../watch/types.js';
import { readWatchStateFile } from '../watch/watch-state-file.js';

/** Where `history` gets a host's window: the watcher in this process, or its state file. */
export interface HistorySource {
  /** How much the watcher keeps (`watch.windowMin`, ms): the longest window. */
  readonly keptMs: number;
  /** The host's window; null when there is none (not watched, or not sampled yet). */
  window(host: string): Promise<WindowView | null>;
}

/**
 * Returns the history source for `watch` settings. With `live` (the watcher of this replica, WATCH=on)
 * the window is the watcher's own, up to the last round. Without it (a replica that does not watch, but
 * shares the state file's volume) the state file is read read-only (see readWatchStateFile), again only
 * when it changed: up to `saveEveryS` old. A state file that cannot be read throws `history_unavailable`.
 */
export function createHistorySource(settings: Pick<WatchSettings, 'windowMin' | 'maxSamplesPerHost' | 'stateFile'>, live?: { window(host: string): WindowView | null }): HistorySource {
  const keptMs = settings.windowMin * 60_000;
  if (live !== undefined) return { keptMs, window: async (host) => live.window(host) };
  const opts = { windowMs: keptMs, maxSamples: settings.maxSamplesPerHost };
  let cached: { key: string; windows: Map<string, HostWindow> } | null = null;
  return {
    keptMs,
    async window(host) {
      // The watcher replaces the file by rename: a new inode or mtime means a new file.
      const info = await stat(settings.stateFile).catch(() => null);
      const key = info === null ? '' : `${info.ino}:${info.mtimeMs}:${info.size}`;
      if (cached === null || cached.key !== key || key === '') cached = { key, windows: (await readWatchStateFile(settings.stateFile, opts)).windows };
      const w = cached.windows.get(host);
      return w === undefined || w.length === 0 ? null : w.view();
    },
  };
}
