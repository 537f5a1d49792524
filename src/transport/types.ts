/** What running one argv produced. A non-zero exit is a result, not an exception. */
export interface CommandResult {
  /** null when the process was ended by a signal or the deadline. */
  exitCode: number | null;
  signal: string | null;
  /** True when the transport's deadline (`timeoutMs`) ended the command. */
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

export interface RunOptions {
  /** Working directory on the target. */
  cwd?: string;
  /**
   * Deadline for the whole command. The transport closes the channel / kills the child when it passes,
   * and (SSH) the remote side limits itself with `timeout` so nothing is left running.
   */
  timeoutMs: number;
  /** Bytes written to stdin, then stdin is closed. Default: stdin closed at once. */
  input?: string;
  /** Stop collecting stdout/stderr past this many bytes (the rest is dropped, the command still runs). */
  maxOutputBytes?: number;
  /** Aborts the command (same cleanup as the deadline). */
  signal?: AbortSignal;
}

export interface LineOptions extends RunOptions {
  /** Which stream to yield lines of. Default `stdout`. strace writes its trace on `stderr`. */
  stream?: 'stdout' | 'stderr';
}

/** The end of a streamed command; available once the line iterator is done. */
export interface StreamEnd {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** The other stream, collected (capped). */
  otherOutput: string;
  durationMs: number;
}

/** A line stream that also tells how the command ended once it is exhausted. */
export interface LineStream extends AsyncIterable<string> {
  /** Resolves after the iterator finished (or was abandoned) with how the command ended. */
  readonly done: Promise<StreamEnd>;
}

/** Runs argv arrays on one host. Implementations: `LocalTransport` (execa), `SshTransport` (ssh2). */
export interface Transport {
  /** A short label for messages: `local` or `user@host:port`. */
  readonly label: string;
  /** Runs argv to completion. A non-zero exit is a result, not an exception. */
  run(argv: readonly string[], opts: RunOptions): Promise<CommandResult>;
  /** Yields lines as they arrive (without line terminators); ends at exit or at the deadline. */
  lines(argv: readonly string[], opts: LineOptions): LineStream;
  /** Releases connections. Idempotent. */
  close(): Promise<void>;
}
