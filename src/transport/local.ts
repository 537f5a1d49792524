import { once } from 'node:events';
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { BotError } from '../errors.js';
import { createLineStream, runStartedCommand, type StartedCommand } from './process-streams.js';
import type { CommandResult, LineOptions, LineStream, RunOptions, Transport } from './types.js';

/** Between SIGTERM and SIGKILL when a local command is ended early. */
const DEFAULT_KILL_GRACE_MS = 2_000;

// execa (about 100 ms of start-up CPU) loads with the first local command, not with this module: the
// transport pool imports this file, and a CLI run that only reaches SSH hosts never needs execa.
let execaModule: Promise<typeof import('execa')> | undefined;

/** Loads execa once (the first local command does; the bot calls it through the pool's preload at start). */
export function loadExeca(): Promise<typeof import('execa')> {
  return (execaModule ??= import('execa'));
}

/** Runs a command on this machine with execa: argv, no shell. */
export class LocalTransport implements Transport {
  readonly label = 'local';
  private readonly killGraceMs: number;
  private readonly env: NodeJS.ProcessEnv | undefined;

  constructor(opts: { killGraceMs?: number; env?: NodeJS.ProcessEnv } = {}) {
    this.killGraceMs = opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS;
    this.env = opts.env;
  }

  /** Runs argv to completion; a non-zero exit (or a program that cannot start: 126/127) is a result. */
  run(argv: readonly string[], opts: RunOptions): Promise<CommandResult> {
    return runStartedCommand(() => this.start(argv, opts), opts);
  }

  /** Streams the lines of stdout (or stderr) as they arrive. */
  lines(argv: readonly string[], opts: LineOptions): LineStream {
    return createLineStream(() => this.start(argv, opts), opts);
  }

  /** Nothing to release: local commands hold no connection. */
  async close(): Promise<void> {}

  private async start(argv: readonly string[], opts: RunOptions): Promise<StartedCommand> {
    const [file, ...args] = checkArgv(argv);
    const { execa } = await loadExeca();
    // detached: the child leads its own process group, so the deadline can end it with everything it
    // started (a shell's children, php's workers) by signalling the group, not only the one pid.
    const child = execa(file, args, {
      cwd: opts.cwd,
      detached: true,
      cleanup: false,
      buffer: false,
      reject: false,
      stripFinalNewline: false,
      ...(this.env === undefined ? {} : { env: this.env, extendEnv: false }),
      ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    });
    const spawnOutcome = await Promise.race([
      once(child, 'spawn').then(
        () => 'spawned' as const,
        () => 'failed' as const,
      ),
      child.then(() => 'failed' as const),
    ]);
    if (spawnOutcome === 'failed' || child.pid === undefined) {
      const result = await child;
      const code = (result as { code?: string }).code ?? 'error';
      return await startFailure(file, opts.cwd, code);
    }
    const pid = child.pid;
    let stopped = false;
    const signalGroup = (signal: NodeJS.Signals): void => {
      try {
        process.kill(-pid, signal);
      } catch {
        // ESRCH: the whole group is gone already.
      }
    };
    return {
      stdout: child.stdout,
      stderr: child.stderr,
      ended: child.then((result) => ({
        exitCode: result.exitCode ?? null,
        signal: result.signal ?? null,
      })),
      stop: () => {
        if (stopped) return;
        stopped = true;
        signalGroup('SIGTERM');
        // Not cleared when the leader exits: a grandchild that ignores SIGTERM must still go.
        setTimeout(() => signalGroup('SIGKILL'), this.killGraceMs);
      },
    };
  }
}

/** Rejects what no process can receive: an empty argv or a NUL byte. */
function checkArgv(argv: readonly string[]): [string, ...string[]] {
  const [file, ...args] = argv;
  if (file === undefined || file === '') throw new BotError('input_invalid', 'Cannot run an empty command.');
  if (argv.some((arg) => arg.includes('\0'))) {
    throw new BotError('input_invalid', 'An argument contains a NUL byte, which cannot be passed to a command.');
  }
  return [file, ...args];
}

/**
 * A program that cannot start becomes the result a shell would give (127 not found, 126 not
 * executable, 2 for a bad directory), so callers see the same thing locally and over SSH, where the
 * remote `timeout`/shell reports it that way.
 */
async function startFailure(file: string, cwd: string | undefined, code: string): Promise<StartedCommand> {
  let message: string;
  let exitCode: number;
  const cwdProblem = cwd === undefined ? null : await directoryProblem(cwd);
  if (cwdProblem !== null) {
    message = `cd: ${cwd}: ${cwdProblem}\n`;
    exitCode = 2;
  } else if (code === 'EACCES') {
    message = `${file}: Permission denied\n`;
    exitCode = 126;
  } else {
    message = `${file}: ${code === 'ENOENT' ? 'command not found' : `cannot start (${code})`}\n`;
    exitCode = 127;
  }
  return {
    stdout: Readable.from([]),
    stderr: Readable.from([Buffer.from(message)]),
    ended: Promise.resolve({ exitCode, signal: null }),
    stop: () => {},
  };
}

async function directoryProblem(dir: string): Promise<string | null> {
  try {
    return (await stat(dir)).isDirectory() ? null : 'Not a directory';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EACCES' ? 'Permission denied' : 'No such file or directory';
  }
}

