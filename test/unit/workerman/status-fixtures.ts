// Loads the fixtures in test/fixtures/workerman-status with their ground-truth `.json`: the real
// captures, and apart from them the outputs BUILT from the source of Workerman 3.1-3.4 (`-built-`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_FIXTURES } from '../../helpers/paths.js';

export interface GroundTruth {
  file_prefix: string;
  workerman_version: string;
  php_version: string;
  event_loop: string;
  scenario: string;
  command: string;
  run_as_user: string;
  exit_code: number;
  app_running: boolean | string;
  master_pid: number | null;
  configured_workers: { name: string; listen: string | null; count: number }[];
  worker_processes: { pid: number; name: string; listen: string }[];
  worker_process_count: number;
  processes_changed_during_command: boolean;
  held_connections?: { worker: string; local: string; remote: string }[];
  stale_master_pid?: number;
  expected?: {
    total_request_by_worker_name?: Record<string, number>;
    connections_total?: number;
    busy_pids?: number[];
    cpu_busy_pid?: number;
    exit_status_rows?: Record<string, Record<string, number>>;
    killed_pid_absent?: number;
    new_pid_present?: number[];
    processes?: number;
    workers?: number;
    total_requests?: number;
  } | null;
}

export interface StatusFixture<T = GroundTruth> {
  /** File name without extension, e.g. `wm4.1.17-after-kill9`. */
  base: string;
  stdout: string;
  stderr: string;
  truth: T;
}

/** Ground truth of a built fixture: the scenario's own values, and what the tag's source prints. */
export interface BuiltGroundTruth extends Omit<GroundTruth, 'exit_code' | 'expected'> {
  git_tag: string;
  /** null when the command died of a signal (`exit_signal`). */
  exit_code: number | null;
  exit_signal?: string;
  stdout_bytes: number;
  built: { source: string; source_functions: string[]; process_columns: string[] | null };
  stale_master_pid?: number;
  expected?: (NonNullable<GroundTruth['expected']> & {
    total_request_by_pid: Record<string, number>;
    memory_usage_bytes_by_pid: Record<string, number>;
    worker_process_count_printed: number;
    start_time_printed: string;
    uptime_printed: string;
    load_average_printed: number[];
    /** As printed after `event-loop:`; null when the tag prints no event loop. */
    event_loop_printed: string | null;
    /** Processes that did not answer the status signal in time: before 3.5 they get no row. */
    not_reported_pids?: number[];
    timers_by_pid?: Record<string, number>;
  }) | null;
}

/** Every real capture (`.out` + `.json` [+ `.err`]) in test/fixtures/workerman-status, sorted by name. */
export function loadStatusFixtures(): StatusFixture[] {
  return loadFixtures((base) => !isBuilt(base));
}

/** Every fixture built from the source of a Workerman tag (not captured), sorted by name. */
export function loadBuiltStatusFixtures(): StatusFixture<BuiltGroundTruth>[] {
  return loadFixtures((base) => isBuilt(base)) as unknown as StatusFixture<BuiltGroundTruth>[];
}

function isBuilt(base: string): boolean {
  return base.includes('-built-');
}

function loadFixtures(include: (base: string) => boolean): StatusFixture[] {
  return readdirSync(STATUS_FIXTURES)
    .filter((f) => f.endsWith('.out') && include(f.slice(0, -'.out'.length)))
    .sort()
    .map((f) => {
      const base = f.slice(0, -'.out'.length);
      const errFile = join(STATUS_FIXTURES, `${base}.err`);
      return {
        base,
        stdout: readFileSync(join(STATUS_FIXTURES, f), 'utf8'),
        stderr: existsSync(errFile) ? readFileSync(errFile, 'utf8') : '',
        truth: JSON.parse(readFileSync(join(STATUS_FIXTURES, `${base}.json`), 'utf8')) as GroundTruth,
      };
    });
}

/** Scenarios that ran `connections` rather than `status`. */
export function isConnectionsCapture(f: StatusFixture): boolean {
  return / connections$/.test(f.truth.command);
}

/** The fixture called `base` in `fixtures`; throws when the folder has none by that name. */
export function fixtureNamed<F extends StatusFixture<unknown>>(fixtures: readonly F[], base: string): F {
  const f = fixtures.find((x) => x.base === base);
  if (!f) throw new Error(`fixture ${base} missing`);
  return f;
}
