import { dirname } from 'node:path/posix';
import type { HostConfig } from '../config/host-config.js';
import { BotError, oneLine } from '../errors.js';
import { explainHelperStart, helperArgv, hostSetupError, parseHelperError } from '../host/helper.js';
import type { CommandResult, Transport } from '../transport/types.js';
import { parseConnections } from './parse-connections.js';
import { parseStatus } from './parse-status.js';
import { computeQps } from './qps.js';
import type { WorkermanConnections, WorkermanStatus } from './types.js';
import { findOrphanedWorkers, listWorkermanProcesses, selectAppProcesses, soleRunningApp, type WorkermanProcess } from './workerman-processes.js';

export interface StatusRun {
  status: WorkermanStatus;
  /** What the (last) status command printed, for a thread file or `--raw`. */
  raw: { stdout: string; stderr: string };
  startFile: string;
  durationMs: number;
}

export interface ConnectionsRun {
  connections: WorkermanConnections;
  raw: { stdout: string; stderr: string };
  startFile: string;
  durationMs: number;
}

export interface RunStatusOptions {
  /** Take two samples about a second apart and report real requests per second per process. */
  qps?: boolean;
  signal?: AbortSignal;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 8 * 1024 * 1024;

/** Runs `php <startFile> status` on the host and returns it parsed; failures are BotErrors that say what to do. */
export async function runStatus(transport: Transport, host: HostConfig, opts: RunStatusOptions = {}): Promise<StatusRun> {
  const started = Date.now();
  const startFile = await resolveStartFile(transport, host, opts.signal);
  const first = await runWorkerman(transport, host, startFile, 'status', opts.signal);
  let status = await parseOrExplain(transport, host, startFile, first, (r) => parseStatus(r.stdout, { stderr: r.stderr, host: host.name }));
  let raw = first;
  if (opts.qps) {
    // The counters are sampled when the master receives the signal, right after each command starts,
    // so the interval between the two starts is the interval between the two samples.
    const second = await runWorkerman(transport, host, startFile, 'status', opts.signal);
    const next = await parseOrExplain(transport, host, startFile, second, (r) => parseStatus(r.stdout, { stderr: r.stderr, host: host.name }));
    status = computeQps(status, next, second.startedAtMs - first.startedAtMs);
    raw = second;
  }
  return { status, raw: { stdout: raw.stdout, stderr: raw.stderr }, startFile, durationMs: Date.now() - started };
}

/** Runs `php <startFile> connections` (Workerman 3.5+) and returns the parsed table. */
export async function runConnections(transport: Transport, host: HostConfig, opts: { signal?: AbortSignal } = {}): Promise<ConnectionsRun> {
  const started = Date.now();
  const startFile = await resolveStartFile(transport, host, opts.signal);
  const result = await runWorkerman(transport, host, startFile, 'connections', opts.signal);
  const connections = await parseOrExplain(transport, host, startFile, result, (r) => parseConnections(r.stdout, { stderr: r.stderr, host: host.name }));
  return { connections, raw: { stdout: result.stdout, stderr: result.stderr }, startFile, durationMs: Date.now() - started };
}

/**
 * The argv that runs a Workerman command: `php <startFile> <command>`, or with `workerman.runAs` the
 * host helper through sudo, which runs only status/connections of a start file its root-owned
 * helper.conf allows, as the app's user named there (a sudo rule for php itself would allow any code).
 */
export function workermanArgv(host: HostConfig, startFile: string, command: 'status' | 'connections'): string[] {
  if (host.workerman.runAs === undefined) return [host.workerman.php, startFile, command];
  return helperArgv(host, command, [String(Math.ceil(commandTimeoutMs(host) / 1000)), startFile], { sudo: true });
}

interface TimedResult extends CommandResult {
  startedAtMs: number;
}

async function runWorkerman(
  transport: Transport,
  host: HostConfig,
  startFile: string,
  command: 'status' | 'connections',
  signal: AbortSignal | undefined,
): Promise<TimedResult> {
  const startedAtMs = Date.now();
  let result: CommandResult;
  try {
    result = await transport.run(workermanArgv(host, startFile, command), {
      // With runAs the helper changes directory itself, as root: the SSH user may not enter the app's.
      ...(host.workerman.runAs === undefined ? { cwd: dirname(startFile) } : {}),
      timeoutMs: commandTimeoutMs(host),
      maxOutputBytes: MAX_OUTPUT_BYTES,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof BotError) throw error;
    throw explainSpawnError(error, host, startFile);
  }
  if (result.timedOut) {
    throw new BotError(
      'command_timed_out',
      `\`${command}\` on ${host.name} did not finish within ${Math.round(commandTimeoutMs(host) / 1000)} s. ` +
        'The Workerman master may be stuck (it answers status from its signal handler); try `trace` on the master pid.',
    );
  }
  explainCommandFailure(result, host, startFile);
  return { ...result, startedAtMs };
}

/** Turns what the shell/sudo said into a clear error; Workerman itself exits 0 for every outcome. */
function explainCommandFailure(result: CommandResult, host: HostConfig, startFile: string): void {
  const err = result.stderr;
  if (host.workerman.runAs !== undefined) {
    const helperStart = explainHelperStart(host, err, true);
    if (helperStart !== null) throw helperStart;
    const refusal = parseHelperError(result.stdout.split('\n', 1)[0] ?? '');
    if (refusal !== null) {
      if (refusal.code === 'host_setup') throw hostSetupError(host, refusal);
      if (refusal.code === 'start_file_missing') throw new BotError('start_file_missing', `The directory of ${startFile} does not exist on ${host.name}: check workerman.startFile.`);
      throw new BotError('command_failed', `The helper on ${host.name} refused to run ${startFile} ${refusal.reason === '' ? '' : `(${oneLine(refusal.reason, 40)})`}.`);
    }
  }
  if (/runuser: user \S+ does not exist|setpriv: .*(unknown user|failed)/.test(err)) {
    throw new BotError('config_invalid', `The app user named in the helper.conf of ${host.name} (workerman.runAs ${host.workerman.runAs}) does not exist there.`);
  }
  if (/can't cd to|cd: .*(No such file|not a directory)/i.test(err)) {
    throw new BotError('start_file_missing', `The directory of ${startFile} does not exist on ${host.name}: check workerman.startFile.`);
  }
  if (result.exitCode === 127 || /: (command )?not found\s*$/m.test(err)) {
    throw new BotError('command_failed', `PHP was not found on ${host.name} (workerman.php is "${host.workerman.php}"): set the full path, e.g. /usr/bin/php8.2.`);
  }
  if (result.exitCode === 126 || /Permission denied/.test(err) && !/PHP Warning/.test(err)) {
    throw new BotError('permission_denied', `Permission denied running status on ${host.name}: ${oneLine(err)}. Run it as the app's user (workerman.runAs).`);
  }
}

function explainSpawnError(error: unknown, host: HostConfig, startFile: string): BotError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') {
    return new BotError('command_failed', `PHP was not found on ${host.name} (workerman.php is "${host.workerman.php}"), or the directory of ${startFile} is missing.`, { cause: error });
  }
  return new BotError('command_failed', `Could not run status on ${host.name}: ${oneLine(String((error as Error)?.message ?? error))}`, { cause: error });
}

async function parseOrExplain<T>(
  transport: Transport,
  host: HostConfig,
  startFile: string,
  result: CommandResult,
  parse: (r: CommandResult) => T,
): Promise<T> {
  try {
    return parse(result);
  } catch (error) {
    if (error instanceof BotError && error.code === 'workerman_not_running') {
      throw await withOrphanEvidence(error, transport, host, startFile);
    }
    throw error;
  }
}

/**
 * "not run" cannot tell a stopped app from a dead master whose workers still serve. /proc can: workers
 * without a live master are an outage in disguise (no respawn, no reload), wherever they were started.
 */
async function withOrphanEvidence(error: BotError, transport: Transport, host: HostConfig, startFile: string): Promise<BotError> {
  let orphans: WorkermanProcess[];
  try {
    orphans = selectAppProcesses(await listWorkermanProcesses(transport, host, { timeoutMs: commandTimeoutMs(host) }), startFile).orphans;
  } catch {
    return error; // the listing is extra evidence; its failure must not hide the real answer
  }
  if (orphans.length === 0) return error;
  const pids = orphans.map((p) => p.pid);
  const names = [...new Set(orphans.map((p) => p.workerName ?? '?'))].join(', ');
  return new BotError(
    'workerman_not_running',
    `Workerman says "not run" for ${startFile} on ${host.name}, but ${orphans.length} worker process${orphans.length === 1 ? ' is' : 'es are'} ` +
      `still alive without a master (pids ${pids.slice(0, 12).join(', ')}${pids.length > 12 ? ', …' : ''}; workers ${names}). ` +
      `They keep serving, but nothing respawns or reloads them: the master died. ${stopAdvice(pids)}`,
    { cause: error, details: { ...error.details, orphanedPids: pids, orphanedWorkers: names } },
  );
}

/**
 * How to stop orphaned workers: SIGINT, what Workerman's own `stop` sends, stops a worker of every
 * generation (4.x workers ignore SIGTERM); the graceful stop is SIGQUIT in 4.x and 5.x, SIGTERM in 3.x.
 */
export function stopAdvice(pids: readonly number[]): string {
  const list = `${pids.slice(0, 12).join(' ')}${pids.length > 12 ? ' …' : ''}`;
  return `Stop them with \`kill -INT ${list}\` (what \`php start.php stop\` sends; Workerman 4.x workers ignore SIGTERM), ` +
    `or let requests finish first with \`kill -QUIT ${list}\` (Workerman 4.x/5.x; 3.x: \`kill -TERM\`), then start the app again (\`php start.php start -d\`).`;
}

/** The configured start file, or for a host without one the start file of the single running master. */
async function resolveStartFile(transport: Transport, host: HostConfig, signal: AbortSignal | undefined): Promise<string> {
  if (host.workerman.startFile !== undefined) return host.workerman.startFile;
  signal?.throwIfAborted();
  const processes = await listWorkermanProcesses(transport, host, { timeoutMs: commandTimeoutMs(host), ...(signal === undefined ? {} : { signal }) });
  const file = soleRunningApp(processes, host.name);
  if (file !== null) return file;
  const orphans = findOrphanedWorkers(processes);
  if (orphans.length > 0) {
    const pids = orphans.map((p) => p.pid);
    throw new BotError(
      'workerman_not_running',
      `No Workerman master runs on ${host.name}, but ${orphans.length} worker process${orphans.length === 1 ? ' is' : 'es are'} alive without one ` +
        `(pids ${pids.slice(0, 12).join(', ')}${pids.length > 12 ? ', …' : ''}): the master died. ${stopAdvice(pids)}`,
      { details: { orphanedPids: pids } },
    );
  }
  throw new BotError(
    'workerman_not_running',
    `No Workerman master process runs on ${host.name} (none titled "WorkerMan: master process"). ` +
      `Start your app (php start.php start -d), or set workerman.startFile for ${host.name} in workerman-ops.yml to check a specific app.`,
  );
}

function commandTimeoutMs(host: HostConfig): number {
  return host.ssh?.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
}
