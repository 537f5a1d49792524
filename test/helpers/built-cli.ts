import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

/** The BUILT CLI (`npm test` compiles first): what the integration tests run, as a user runs it. */
export const BUILT_CLI = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `workerman-ops <args>` in a fresh node with only PATH, HOME and `env` in its environment and
 * `input` (default none) on stdin; its exit code and output (55 s at most, under vitest's 60 s).
 */
export function runBuiltCli(args: readonly string[], opts: { cwd: string; home: string | undefined; env?: NodeJS.ProcessEnv; input?: string }): CliRun {
  const r = spawnSync(process.execPath, [BUILT_CLI, ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: opts.home, ...opts.env },
    timeout: 55_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
