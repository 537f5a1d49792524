// Loads the real captures in test/fixtures/workerman-status with their ground-truth `.json`.
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

export interface StatusFixture {
  /** File name without extension, e.g. `wm4.1.17-after-kill9`. */
  base: string;
  stdout: string;
  stderr: string;
  truth: GroundTruth;
}

/** Every capture (`.out` + `.json` [+ `.err`]) in test/fixtures/workerman-status, sorted by name. */
export function loadStatusFixtures(): StatusFixture[] {
  return readdirSync(STATUS_FIXTURES)
    .filter((f) => f.endsWith('.out'))
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
