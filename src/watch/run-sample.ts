import type { HostConfig } from '../config/host-config.js';
import { BotError, oneLine } from '../errors.js';
import { explainHelperStart, helperArgv, helperUsesSudo, helperVersionError, HELPER_MARKER, HELPER_PROTOCOL, hostSetupError, parseHelperError } from '../host/helper.js';
import type { Transport } from '../transport/types.js';
import { parseSample } from './parse-sample.js';
import type { WatchSample } from './types.js';

export interface RunSampleOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** Bot clock for the sample's `t`; default `Date.now`. */
  now?: () => number;
}

const MAX_OUTPUT_BYTES = 4 * 1024 * 1024;

/**
 * Takes one `/proc` sample of the host's app in one SSH command (the helper's `sample`): read only, no
 * signal reaches any process, unlike Workerman's `status`. Failures are BotErrors.
 */
export async function runSample(transport: Transport, host: HostConfig, opts: RunSampleOptions): Promise<WatchSample> {
  const now = opts.now ?? Date.now;
  const t = now();
  const sudo = helperUsesSudo(host, 'sample');
  const startFile = host.workerman.startFile ?? null;
  const result = await transport.run(helperArgv(host, 'sample', startFile === null ? [] : [startFile], { sudo }), {
    timeoutMs: opts.timeoutMs,
    maxOutputBytes: MAX_OUTPUT_BYTES,
    ...(opts.signal === undefined ? {} : { signal: opts.signal }),
  });
  if (result.timedOut) {
    throw new BotError('command_timed_out', `The /proc sample of ${host.name} did not finish within ${Math.round(opts.timeoutMs / 1000)} s.`);
  }
  const lines = result.stdout.split('\n');
  const hello = lines.find((l) => l.startsWith(`${HELPER_MARKER}hello `));
  if (hello === undefined) {
    throw (
      explainHelperStart(host, result.stderr, sudo) ??
      new BotError('command_failed', `The /proc sample of ${host.name} failed (exit ${result.exitCode ?? result.signal ?? '?'}): ${oneLine(result.stderr) || 'no output'}.`)
    );
  }
  const version = hello.split(' ')[1] ?? '';
  if (version !== String(HELPER_PROTOCOL)) throw helperVersionError(host, version);
  const refusal = lines.map(parseHelperError).find((e) => e !== null);
  if (refusal != null) {
    if (refusal.code === 'host_setup') throw hostSetupError(host, refusal);
    if (refusal.reason === 'bad_command') {
      // An installed helper from before `sample` existed answers every new command this way.
      throw new BotError('host_setup_invalid', `The workerman-ops helper installed on ${host.name} predates \`watch\` (it has no \`sample\` command): reinstall it (\`workerman-ops setup-host ${host.name}\`).`, {
        details: { host: host.name, reason: 'helper_outdated' },
      });
    }
    throw new BotError('command_failed', `The /proc sample of ${host.name} was refused (${oneLine(refusal.reason, 40)}).`);
  }
  return parseSample(result.stdout, { host: host.name, t, durationMs: Math.max(0, now() - t), startFile });
}
