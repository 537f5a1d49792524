import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { BotError } from '../errors.js';
import { restoreHostWindow, type HostWindow, type HostWindowOptions, type SerializedHostWindow } from './host-window.js';
import type { Alert } from './types.js';

/** Version of the state file's layout; a file of another version is set aside like a corrupt one. */
export const WATCH_STATE_VERSION = 1;

const AlertShape = z.object({
  key: z.string(),
  host: z.string(),
  kind: z.enum(['memory-growth', 'stuck', 'saturation', 'crash-loop', 'stall', 'master-down', 'orphaned-workers', 'app-not-running', 'host-unreachable', 'watch-failed']),
  subject: z.string(),
  state: z.literal('open'),
  severity: z.enum(['warning', 'critical']),
  title: z.string(),
  evidence: z.array(z.string()),
  nextStep: z.string(),
  pids: z.array(z.number().int()),
  metrics: z.record(z.string(), z.number()),
  since: z.number(),
  updatedAt: z.number(),
  resolvedAt: z.null(),
  resolution: z.null(),
  revision: z.number().int(),
  meta: z.record(z.string(), z.string()),
});

const StateShape = z.object({
  version: z.literal(WATCH_STATE_VERSION),
  savedAt: z.number(),
  alerts: z.array(AlertShape),
  windows: z.array(
    z.object({ host: z.string(), strings: z.array(z.string()), samples: z.array(z.array(z.unknown())), ints: z.array(z.number()), floats: z.array(z.number()) }),
  ),
});

/** What a restart gets back. */
export interface LoadedWatchState {
  windows: Map<string, HostWindow>;
  /** The alerts that were open. */
  alerts: Alert[];
  /** Set when the file was unreadable and set aside: say it in the log. */
  warning: string | null;
  /** Where the unreadable file went. */
  setAsidePath: string | null;
}

/**
 * Writes the windows and the open alerts to `path` with an atomic replace: a temporary file beside it
 * (mode 0600: host and worker names are inventory), fsync, rename over the old one, fsync of the
 * directory. A crash at any point leaves the old file or the new one, never half of one.
 */
export async function saveWatchState(path: string, state: { windows: Iterable<HostWindow>; alerts: readonly Alert[] }, now: number): Promise<{ bytes: number }> {
  const text = JSON.stringify({
    version: WATCH_STATE_VERSION,
    savedAt: now,
    alerts: state.alerts.filter((a) => a.state === 'open'),
    windows: [...state.windows].map((w) => w.toJSON()),
  });
  const dir = dirname(path);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const file = await open(tmp, 'wx', 0o600);
    try {
      await file.writeFile(text);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(tmp, path);
  } catch (error) {
    await unlink(tmp).catch(() => undefined);
    throw error;
  }
  // The rename is durable once the directory entry is: without this a power cut can bring back the old file.
  try {
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    // Some filesystems refuse fsync on a directory; the file itself is complete either way.
  }
  return { bytes: Buffer.byteLength(text) };
}

/**
 * Reads the state file. A missing file is a first start (empty, no warning). A file that does not
 * parse, is cut short, has another version or does not add up is renamed to `PATH.corrupt-TIME` and
 * reported in `warning`; the watcher then starts empty. Never throws for the file's content.
 */
export async function loadWatchState(path: string, opts: HostWindowOptions, now: number): Promise<LoadedWatchState> {
  const empty = (warning: string | null, setAsidePath: string | null): LoadedWatchState => ({ windows: new Map(), alerts: [], warning, setAsidePath });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return empty(null, null);
    return empty(`The watch state file ${path} cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'}); starting with an empty window.`, null);
  }
  const parsed = parseWatchState(text, opts);
  if (!('why' in parsed)) return { windows: parsed.windows, alerts: parsed.alerts, warning: null, setAsidePath: null };
  const why = parsed.why;
  const aside = `${path}.corrupt-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}`;
  try {
    await rename(path, aside);
  } catch {
    return empty(`The watch state file ${path} is unreadable (${why}) and could not be set aside; starting with an empty window (it will be overwritten).`, null);
  }
  return empty(`The watch state file ${path} is unreadable (${why}); set aside as ${aside}; starting with an empty window.`, aside);
}


/** The state file's content, or why it is unreadable. Never throws. */
function parseWatchState(text: string, opts: HostWindowOptions): { windows: Map<string, HostWindow>; alerts: Alert[]; savedAt: number } | { why: string } {
  try {
    const parsed = StateShape.safeParse(JSON.parse(text));
    if (parsed.success) {
      const windows = new Map<string, HostWindow>();
      for (const w of parsed.data.windows) windows.set(w.host, restoreHostWindow(w as SerializedHostWindow, opts));
      return { windows, alerts: parsed.data.alerts as Alert[], savedAt: parsed.data.savedAt };
    }
    return { why: `not a state file of version ${WATCH_STATE_VERSION} (${parsed.error.issues[0]?.path.join('.') || 'top level'}: ${parsed.error.issues[0]?.message ?? 'invalid'})` };
  } catch (error) {
    return { why: error instanceof SyntaxError ? 'not valid JSON (cut short or corrupt)' : `its content does not add up (${(error as Error).message})` };
  }
}

/**
 * Reads the state file READ-ONLY, for readers beside the watcher (`history` in the CLI, a replica
 * without `WATCH=on`): nothing is renamed, created or locked, so it never disturbs the watcher that
 * owns the file. The watcher replaces it atomically (rename), so a read sees a whole old or a whole new
 * file. A missing or unreadable file throws `history_unavailable` saying why.
 */
export async function readWatchStateFile(path: string, opts: HostWindowOptions): Promise<{ windows: Map<string, HostWindow>; savedAt: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'does not exist: the watcher (WATCH=on) writes it after its first round' : `cannot be read (${code})`;
    throw new BotError('history_unavailable', `The watch state file ${path} ${why}.`, { cause: error });
  }
  const parsed = parseWatchState(text, opts);
  if ('why' in parsed) throw new BotError('history_unavailable', `The watch state file ${path} is unreadable (${parsed.why}).`);
  return { windows: parsed.windows, savedAt: parsed.savedAt };
}
