import type { HostConfig } from '../config/host-config.js';
import type { Transport } from '../transport/types.js';
import { listWorkermanProcesses, type WorkermanProcess } from '../workerman/workerman-processes.js';
import { checkPhp } from './check-php.js';
import { checkReach } from './check-reach.js';
import { checkStartFile } from './check-start-file.js';
import { checkStatus } from './check-status.js';
import { checkSudoHelper } from './check-sudo-helper.js';
import { checkTraceUid, checkUserTrace } from './check-user-trace.js';
import type { DoctorRun } from './doctor-run.js';
import { summarizeDoctorChecks, type DoctorCheck, type DoctorHostReport } from './doctor-types.js';
import { helperUsesSudo } from './helper.js';
import { judgeTraceChecks } from './judge-helper-check.js';
import type { HelperCheckOutput } from './parse-helper-check.js';

/** Options of runDoctor: `signal` stops the commands it runs on the host. */
export interface RunDoctorOptions {
  signal?: AbortSignal;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 30_000;
const MAX_OUTPUT_BYTES = 1024 * 1024;

/**
 * Checks one host the way the bot uses it and returns one entry per check, each failure with its fix:
 * SSH (reach, host key, login) or local; php and the start file; for hosts that use sudo, the helper,
 * its sudo rule and helper.conf; `status` (run once: it signals every worker); what a trace needs
 * (strace, Yama, CAP_SYS_PTRACE, tools, the lock directory). A check whose prerequisite failed is left
 * out. Never throws for what it finds on the host.
 */
export async function runDoctor(transport: Transport, host: HostConfig, opts: RunDoctorOptions = {}): Promise<DoctorHostReport> {
  const checks: DoctorCheck[] = [];
  const timeoutMs = host.ssh?.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  const run: DoctorRun = (argv, cwd) =>
    transport.run(argv, { timeoutMs, maxOutputBytes: MAX_OUTPUT_BYTES, ...(cwd === undefined ? {} : { cwd }), ...(opts.signal === undefined ? {} : { signal: opts.signal }) });

  const reach = await checkReach(host, run, timeoutMs);
  checks.push(...reach.checks);
  if (reach.uid === null) return summarizeDoctorChecks(host.name, checks);

  // Listed at most once, read only (no signal reaches any process).
  let listing: Promise<WorkermanProcess[]> | undefined;
  const processes = (): Promise<WorkermanProcess[]> =>
    (listing ??= listWorkermanProcesses(transport, host, { timeoutMs, ...(opts.signal === undefined ? {} : { signal: opts.signal }) }));

  const php = await checkPhp(host, run);
  checks.push(php);
  const app = await checkStartFile(host, run, processes);
  checks.push(app.check);

  // The helper comes before what needs it (status as workerman.runAs, traces with strace.sudo).
  let helperOk = true;
  let rootCheck: HelperCheckOutput | null = null;
  if (helperUsesSudo(host, 'procs')) {
    const helper = await checkSudoHelper(host, run, app.startFile, reach.userName);
    checks.push(...helper.checks);
    helperOk = helper.checks.every((c) => c.ok !== false);
    rootCheck = helper.output;
  }

  const statusRuns = app.startFile !== null && (host.workerman.runAs === undefined ? php.ok !== false : helperOk);
  if (statusRuns) checks.push(await checkStatus(transport, host, app.startFile!, opts.signal));

  if (host.strace.sudo) {
    // Traces run as root through the helper: its `check` above reported what they need.
    if (rootCheck !== null && rootCheck.done) checks.push(...judgeTraceChecks(host, rootCheck));
  } else {
    checks.push(...(await checkUserTrace(host, run)));
    if (reach.uid !== 0) {
      const uidCheck = await checkTraceUid(host, reach.uid, app.startFile, processes);
      if (uidCheck !== null) checks.push(uidCheck);
    }
  }
  return summarizeDoctorChecks(host.name, checks);
}
