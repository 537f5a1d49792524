import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { HostName } from '../../config/host-name.js';
import type { WatchSettings } from '../../config/watch-settings.js';
import { BotError, oneLine } from '../../errors.js';
import type { CliCommand } from '../cli-command.js';
import { pickHost } from '../pick-host.js';

/** `workerman-ops history`: a watched host's memory per worker and requests per second, from the watch state file. */
export const historyCommand: CliCommand = {
  name: 'history',
  summary: 'memory per worker and requests per second of a watched host over time (from the watch state file)',
  usage: ['history <host> [window] [--png FILE] [--json] [--state-file FILE]'],
  options: [
    { name: 'png', value: 'FILE', help: 'also draw the two charts into FILE as a PNG (900 × 640 px)', complete: 'file' },
    { name: 'state-file', value: 'FILE', help: 'read this copy of the state file instead of watch.stateFile (the host need not be configured)', complete: 'file' },
  ],
  details: [
    'Reads the state file the watcher writes (watch.stateFile, rewritten every watch.saveEveryS) read-only: no bot needs to run, and the watcher is never disturbed.',
    'The window is 30m, 1h, 6h or 1h30m, back from the newest sample; at most what the watcher keeps (watch.windowMin), which is also the default.',
    'Memory is the RSS of each worker\'s processes summed (the master left out); requests per second come from total_request between two status samples, a process that restarted counting from 0.',
    '--json prints the buckets (ISO 8601, UTC) and one series per worker, null where the host did not answer.',
    'Exit codes: 0 ok, 2 bad arguments, 3 bad config, 4 unknown host, 60 no history (not watched, no samples, state file missing or unreadable).',
  ],
  positionals: ['host', 'none'],
  async run(ctx) {
    const { io, options } = ctx;
    if (ctx.args.length < 1 || ctx.args.length > 2) {
      const why = ctx.args.length === 0 ? 'missing <host>' : `unexpected "${oneLine(ctx.args[2]!, 64)}"`;
      throw new BotError('input_invalid', `Expected: workerman-ops history <host> [window] (${why}). See workerman-ops history --help.`);
    }
    const [name, windowText] = ctx.args as [string, string | undefined];
    // Loaded when the command runs, not with the CLI (every command pays for what main imports).
    const [{ WatchSettings }, { buildHostHistory }, { parseHistoryWindow }, { PNG_MAX_BUCKETS, PNG_MAX_SERIES, renderHistoryPng }, { formatBytes }, { renderHistoryJson }, { renderHistoryText }, { readWatchStateFile }] =
      await Promise.all([
        import('../../config/watch-settings.js'),
        import('../../history/build-host-history.js'),
        import('../../history/parse-history-window.js'),
        import('../../history/render-host-charts.js'),
        import('../../render/format.js'),
        import('../../render/text/history-json.js'),
        import('../../render/text/history-summary.js'),
        import('../../watch/watch-state-file.js'),
      ]);
    const stateOption = options['state-file'] as string | undefined;
    let stateFile: string;
    let settings: WatchSettings;
    if (stateOption !== undefined) {
      if (!HostName.safeParse(name).success) throw new BotError('input_invalid', `"${oneLine(name, 64)}" is not a host name.`);
      settings = (await ctx.config().catch(() => null))?.config.watch ?? WatchSettings.parse({});
      stateFile = resolve(io.cwd, stateOption);
    } else {
      const loaded = await ctx.config();
      pickHost(loaded, name);
      if (loaded.config.watch === undefined) {
        throw new BotError('history_unavailable', `History comes from the watcher's state file, and ${loaded.path ?? 'the config'} has no watch section. Pass --state-file FILE to read a copy.`);
      }
      settings = loaded.config.watch;
      stateFile = settings.stateFile;
    }
    const window = parseHistoryWindow(windowText, settings.windowMin * 60_000);
    const state = await readWatchStateFile(stateFile, { windowMs: settings.windowMin * 60_000, maxSamples: settings.maxSamplesPerHost });
    const hostWindow = state.windows.get(name);
    if (hostWindow === undefined || hostWindow.length === 0) {
      const there = [...state.windows.keys()];
      throw new BotError('history_unavailable', `${stateFile} has no samples of ${name}${there.length === 0 ? '' : ` (it has ${there.slice(0, 20).join(', ')})`}.`);
    }
    const view = hostWindow.view();
    const history = buildHostHistory(view, { windowMs: window.windowMs, maxBuckets: PNG_MAX_BUCKETS, maxSeries: Number.MAX_SAFE_INTEGER });
    let wrote = '';
    const pngFile = options.png as string | undefined;
    if (pngFile !== undefined) {
      const image = await renderHistoryPng(buildHostHistory(view, { windowMs: window.windowMs, maxBuckets: PNG_MAX_BUCKETS, maxSeries: PNG_MAX_SERIES }));
      const path = resolve(io.cwd, pngFile);
      await writeFile(path, image.png);
      wrote = `Wrote ${pngFile} (${image.widthPx} × ${image.heightPx} px, ${formatBytes(image.png.length)}).\n`;
    }
    if (ctx.json) {
      io.stdout.write(`${JSON.stringify(renderHistoryJson(history), null, 2)}\n`);
      if (wrote !== '') io.stderr.write(wrote);
      return 0;
    }
    const asked = window.askedMs === null ? '' : `Asked for more than the watcher keeps: showing all ${settings.windowMin} min.\n`;
    const hint = pngFile === undefined ? `The chart as a PNG: workerman-ops history ${name}${windowText === undefined ? '' : ` ${windowText}`} --png FILE\n` : wrote;
    io.stdout.write(`${asked}${renderHistoryText(history)}\n${hint}`);
    return 0;
  },
};
