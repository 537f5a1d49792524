import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SEED_FIXTURES, STRACE_FIXTURES } from '../../helpers/paths.js';

/** The ground-truth fields of a strace fixture's .json that the tests use. */
export interface StraceFixtureMeta {
  scenario: string;
  flagset: string;
  time_box_s?: number;
  exit_code?: number;
  target?: { pid: number; role: 'master' | 'worker'; worker_name?: string; listen?: string | null } | null;
  syscall_counts: Record<string, number> | null;
  syscall_counts_exact: boolean;
  syscall_counts_by_pid?: Record<string, Record<string, number>> | null;
  blocked?: {
    /** The request's path and query (`/upstream?port=18790`). */
    route?: string;
    upstream_fd?: number;
    upstream_peer?: string;
    proc_during_trace?: { pid: number; proc_syscall_raw: string; in_syscall_nr: number | null; wchan: string; state: string; utime_ticks: number; stime_ticks: number };
    fd_listing_during_trace?: string;
    ss_during_trace?: { raw: string };
    client_connection?: { client: string; server: string; server_side_fd_in_worker: number };
  };
  busy?: { route?: string; proc_during_trace?: { pid: number; utime_ticks: number; stime_ticks: number; proc_syscall_raw: string } };
  status_signal?: string;
  reload_signal?: string;
  killed_with?: string;
  killed_pid?: number;
  new_child_pids?: number[];
}

export interface StraceFixture {
  name: string;
  txtPath: string;
  text: string;
  meta: StraceFixtureMeta;
}

/** Every strace fixture (.txt + .json) in test/fixtures/strace. */
export function loadStraceFixtures(): StraceFixture[] {
  return readdirSync(STRACE_FIXTURES)
    .filter((f) => f.endsWith('.txt'))
    .sort()
    .map((f) => {
      const txtPath = join(STRACE_FIXTURES, f);
      return {
        name: basename(f, '.txt'),
        txtPath,
        text: readFileSync(txtPath, 'utf8'),
        meta: JSON.parse(readFileSync(txtPath.replace(/\.txt$/, '.json'), 'utf8')) as StraceFixtureMeta,
      };
    });
}

export function loadSeedStrace(): { text: string; meta: { syscall_counts: Record<string, number>; errors: Record<string, Record<string, number>>; signals: Record<string, number>; strace_pid: number } } {
  const seed = JSON.parse(readFileSync(join(SEED_FIXTURES, 'seed.json'), 'utf8'));
  return { text: readFileSync(join(SEED_FIXTURES, seed.strace_file), 'utf8'), meta: seed };
}

/** The lines of a capture (no trailing empty line). */
export function linesOf(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
