import { createReadStream } from 'node:fs';
import { copyFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BotError } from '../../errors.js';
import { formatCount } from '../../render/format.js';
import type { CliCommand } from '../cli-command.js';
import { expectArgs } from '../expect-args.js';
import { pickHost } from '../pick-host.js';
import { fileError } from '../read-input.js';

/** Unparsed lines `--show-unparsed` keeps (each cut at 300 characters): all of any real log, and memory stays bounded. */
export const MAX_SHOWN_UNPARSED = 10_000;

/** `workerman-ops trace`: a time-boxed strace of a host's worker with a verdict, or a saved log summarised. */
export const traceCommand: CliCommand = {
  name: 'trace',
  summary: 'time-boxed strace of a worker process, with a verdict and its evidence',
  usage: ['trace <host> <pid|worker> [--duration 5s] [--save-log FILE] [--json]', 'trace --from-file FILE [--show-unparsed] [--json]'],
  options: [
    {
      name: 'duration',
      value: 'DURATION',
      help: 'how long to trace: 5s, 1500ms, 1m, 2.5s, or seconds (5); default the host\'s strace.defaultDurationS',
      complete: ['5s', '10s', '30s', '1500ms', '1m'],
    },
    { name: 'save-log', value: 'FILE', help: 'keep the raw trace in FILE (redacted; without it nothing of the trace is kept)', complete: 'file' },
    { name: 'from-file', value: 'FILE', help: 'summarise a saved strace log instead (- reads stdin; strace -c tables too)', complete: 'file' },
    { name: 'show-unparsed', help: 'with --from-file: list every line that is not strace output, not only the first 5' },
  ],
  details: [
    'The target is a pid from `workerman-ops status <host>` or a worker name (every process of that worker is traced at once). Targets are found in /proc on the host; trace never runs Workerman\'s status (that signals every worker and would cut a sleep short).',
    'Duration: a number with a unit, ms, s or m (5s, 1500ms, 1m, 2.5s); a plain number is seconds. It must be more than 0 and at most the host\'s strace.maxDurationS (30 s unless the config says otherwise; 300 at most). The default is the host\'s strace.defaultDurationS (5 s).',
    '--save-log FILE keeps the raw strace output of this trace: string arguments cut to strace.stringLimit bytes (32 by default), secrets (passwords, tokens, cookies, keys) redacted, at most strace.maxOutputBytes (64 MiB by default). Redaction is best effort: treat the file as sensitive.',
    'The process is never left stopped or traced: strace is limited on the host (timeout -s INT) and by the bot, and a stopped target gets SIGCONT.',
    '--from-file: a file has no measured duration, so the header gives the span of its timestamps ("timestamps span"), and a call still unfinished at its end waited at least (≥) until its last timestamp (--json: durationSource "timestamps", waitedIsLowerBound true). The syscall table is ordered like strace -c: by time, with % time, when the log has -T times; else by count.',
    `--from-file: lines that are not strace output are counted and the first 5 shown (redacted, control characters escaped); --show-unparsed lists them all (up to ${formatCount(MAX_SHOWN_UNPARSED)}; text output only, --json keeps the count). Input with no strace line at all (empty, /dev/null, a status capture) is refused with exit 39 (not_strace_log).`,
    'Exit codes: 0 ok, 2 bad arguments or duration, 3 bad config, 4 unknown host, 10-14 SSH or command, 30-38 trace (no such pid, not Workerman, strace missing or not permitted, already traced, too many traces, host not set up), 39 --from-file input with no strace line.',
  ],
  positionals: ['host', 'none'],
  async run(ctx) {
    const { io, options, json } = ctx;
    // Loaded when the command runs, not with the CLI (every command pays for what main imports).
    const [{ renderStraceJson }, { renderStraceText }, { isStraceLog, notStraceLogError }, { removeStaleRawLogs }, { runTrace }, { summarizeStraceChunksWithDetails }, { resolveTraceTargets }] = await Promise.all([
      import('../../render/text/strace-json.js'),
      import('../../render/text/strace-summary.js'),
      import('../../strace/is-strace-log.js'),
      import('../../strace/raw-log.js'),
      import('../../strace/run-trace.js'),
      import('../../strace/summarize.js'),
      import('../../workerman/resolve-trace-targets.js'),
    ]);
    const render = { color: ctx.color, maxWidth: ctx.maxWidth };
    const fromFile = options['from-file'] as string | undefined;
    if (fromFile !== undefined) {
      expectArgs(ctx.args, 0, 'trace --from-file FILE');
      const showUnparsed = options['show-unparsed'] === true;
      const source = fromFile === '-' ? io.stdin : createReadStream(fromFile);
      const { summary, details } = await summarizeStraceChunksWithDetails(source as AsyncIterable<Uint8Array>, {
        host: null,
        ...(showUnparsed ? { maxUnparsedSamples: MAX_SHOWN_UNPARSED } : {}),
      }).catch((error: unknown) => {
        throw fileError(error, fromFile);
      });
      // Without a single strace line the verdict would read "silent": say what the input is instead.
      if (!isStraceLog(summary)) throw notStraceLogError(fromFile === '-' ? 'stdin' : `"${fromFile}"`, summary, details.unparsedSamples[0]);
      const moreUnparsedHint = showUnparsed ? `only the first ${formatCount(MAX_SHOWN_UNPARSED)} are kept` : '--show-unparsed lists them all';
      io.stdout.write(json ? renderStraceJson(summary) : renderStraceText(summary, { ...render, unparsedSamples: details.unparsedSamples, moreUnparsedHint }));
      return 0;
    }
    if (options['show-unparsed'] === true) throw new BotError('input_invalid', '--show-unparsed goes with --from-file FILE (a live trace keeps its raw lines with --save-log).');
    const [hostName, target] = expectArgs(ctx.args, 2, 'trace <host> <pid|worker>');
    const duration = options.duration as string | undefined;
    const durationS = duration === undefined ? undefined : parseDuration(duration);
    const host = pickHost(await ctx.config(), hostName!);
    const transport = (await ctx.transports()).get(host.name);
    // A CLI killed mid-trace leaves its private raw-log dir behind: the next trace removes it.
    await removeStaleRawLogs();
    const { pids } = await resolveTraceTargets(transport, host, target!);
    const showProgress = !json && io.stderr.isTTY === true;
    const result = await runTrace(transport, host, { pids, ...(durationS === undefined ? {} : { durationS }) }, {
      ...(showProgress
        ? { onProgress: (p) => io.stderr.write(`\rtracing ${pids.join(',')} on ${host.name}: ${Math.round(p.elapsedMs / 1000)}/${Math.round(p.durationMs / 1000)} s, ${p.lines} lines`) }
        : {}),
    });
    if (showProgress) io.stderr.write('\n');
    const saveLog = options['save-log'] as string | undefined;
    try {
      // The redacted trace was saved to a temp file while streaming: keep it only when asked to.
      if (saveLog !== undefined && result.rawLog !== null) await copyFile(result.rawLog.path, saveLog);
    } finally {
      if (result.rawLog !== null) await rm(dirname(result.rawLog.path), { recursive: true, force: true });
    }
    io.stdout.write(json ? renderStraceJson(result.summary) : renderStraceText(result.summary, render));
    return 0;
  },
};

/** Accepts `5`, `5s`, `1500ms`, `1m`, `2.5s`; returns seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new BotError('input_invalid', `Cannot read duration "${text.slice(0, 32)}": use e.g. 5s, 1500ms or 1m (see workerman-ops trace --help).`);
  const value = Number(m[1]);
  const seconds = m[2] === 'ms' ? value / 1000 : m[2] === 'm' ? value * 60 : value;
  if (seconds <= 0) throw new BotError('input_invalid', 'The duration must be more than 0 s.');
  return seconds;
}
