import type { Readable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';
import type { CommandResult, LineOptions, LineStream, RunOptions, StreamEnd } from './types.js';

// The process machinery both transports share: a started command (two streams, an end, a stop) turned
// into a CommandResult or a LineStream under one set of deadline, abort and cap rules. It imports
// neither execa nor ssh2, so an SSH command never loads execa and a local one never loads ssh2.

/** Collected stdout/stderr are capped at this many bytes each unless `maxOutputBytes` says otherwise. */
export const DEFAULT_MAX_OUTPUT_BYTES = 16 * 1024 * 1024;
/** After `stop()`, how long to wait for the command and its streams to wind down before giving up. */
const STOP_SETTLE_MS = 3_000;
// Backpressure for `lines()`: pause the source above HIGH queued lines, resume below LOW.
const QUEUE_HIGH = 2_000;
const QUEUE_LOW = 200;

/** How a command ended, as a transport sees it. */
export interface CommandExit {
  exitCode: number | null;
  signal: string | null;
}

/**
 * A command a transport started: its two output streams, how it ends and how to end it early.
 * `LocalTransport` and `SshTransport` both produce one; `runStartedCommand` and `createLineStream`
 * turn it into a `CommandResult` / `LineStream` with the same deadline, abort and cap rules.
 */
export interface StartedCommand {
  stdout: Readable;
  stderr: Readable;
  /** Resolves once the command is over. Rejects only when the transport itself failed (lost connection). */
  ended: Promise<CommandExit>;
  /** Ends the command early (deadline, abort, abandoned stream). Idempotent. */
  stop(): void;
}

/** Keeps the first `maxBytes` bytes of a stream; the rest is counted and dropped. */
class CappedOutput {
  private readonly chunks: Buffer[] = [];
  private keptBytes = 0;
  totalBytes = 0;

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.totalBytes += bytes.length;
    const room = this.maxBytes - this.keptBytes;
    if (room <= 0) return;
    const kept = bytes.length <= room ? bytes : bytes.subarray(0, room);
    this.chunks.push(kept);
    this.keptBytes += kept.length;
  }

  get isTruncated(): boolean {
    return this.totalBytes > this.keptBytes;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

interface SupervisedEnd extends CommandExit {
  timedOut: boolean;
}

/**
 * Waits for a started command under the deadline and the abort signal: past `timeoutMs` (counted from
 * the start) or on abort it calls `stop()` and waits a bounded time for the end.
 */
async function superviseCommand(cmd: StartedCommand, opts: RunOptions): Promise<SupervisedEnd> {
  let timedOut = false;
  let stopped = false;
  let settleTimer: NodeJS.Timeout | undefined;
  let giveUp: (exit: CommandExit) => void = () => {};
  const gaveUp = new Promise<CommandExit>((resolve) => {
    giveUp = resolve;
  });
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    cmd.stop();
    // If the process or channel does not confirm its end (a hung connection), stop waiting for it.
    settleTimer = setTimeout(() => giveUp({ exitCode: null, signal: null }), STOP_SETTLE_MS);
  };
  const deadline = setTimeout(() => {
    timedOut = true;
    stop();
  }, opts.timeoutMs);
  const onAbort = (): void => stop();
  if (opts.signal?.aborted) stop();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await Promise.race([
      Promise.all([cmd.ended, streamClosed(cmd.stdout), streamClosed(cmd.stderr)]).then(([e]) => e),
      gaveUp,
    ]);
    // A command we ended has no exit code of its own, whatever the wrapper (e.g. remote `timeout`) said.
    return stopped ? { exitCode: null, signal: exit.signal, timedOut } : { ...exit, timedOut };
  } finally {
    clearTimeout(deadline);
    clearTimeout(settleTimer);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

function streamClosed(stream: Readable): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
    stream.once('error', () => resolve());
  });
}

/** Runs a started command to completion: collects both streams (capped) under the deadline. */
export async function runStartedCommand(start: () => Promise<StartedCommand>, opts: RunOptions): Promise<CommandResult> {
  const startedAt = performance.now();
  const cmd = await start();
  const maxBytes = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES;
  const stdout = new CappedOutput(maxBytes);
  const stderr = new CappedOutput(maxBytes);
  cmd.stdout.on('data', (chunk: Buffer | string) => stdout.push(chunk));
  cmd.stderr.on('data', (chunk: Buffer | string) => stderr.push(chunk));
  const end = await superviseCommand(cmd, opts);
  return {
    exitCode: end.exitCode,
    signal: end.signal,
    timedOut: end.timedOut,
    stdout: stdout.text(),
    stderr: stderr.text(),
    durationMs: Math.round(performance.now() - startedAt),
  };
}

/**
 * Returns a LineStream over a command that starts at once: lines of `opts.stream` are queued as they
 * arrive (the source pauses when the consumer falls behind), the other stream is collected. Leaving
 * the loop early stops the command. A start failure (e.g. SSH connect) is thrown by the iterator and
 * rejects `done`.
 */
export function createLineStream(start: () => Promise<StartedCommand>, opts: LineOptions): LineStream {
  const queue: string[] = [];
  let head = 0;
  let isFinished = false;
  let isAbandoned = false;
  let failure: unknown;
  let wake: (() => void) | null = null;
  let command: StartedCommand | null = null;
  let source: Readable | null = null;
  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  const done = (async (): Promise<StreamEnd> => {
    const startedAt = performance.now();
    const cmd = await start();
    command = cmd;
    const [main, side] = opts.stream === 'stderr' ? [cmd.stderr, cmd.stdout] : [cmd.stdout, cmd.stderr];
    source = main;
    const splitter = new LineSplitter();
    const other = new CappedOutput(opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES);
    // The streamed side is not held in memory, so it is only capped when the caller asks.
    const streamCap = opts.maxOutputBytes ?? Number.POSITIVE_INFINITY;
    let streamedBytes = 0;
    main.on('data', (chunk: Buffer | string) => {
      streamedBytes += chunk.length;
      if (isAbandoned || streamedBytes > streamCap) return;
      queue.push(...splitter.push(chunk));
      if (queue.length - head > QUEUE_HIGH) main.pause();
      notify();
    });
    main.once('end', () => {
      if (!isAbandoned && streamedBytes <= streamCap) queue.push(...splitter.end());
      notify();
    });
    side.on('data', (chunk: Buffer | string) => other.push(chunk));
    if (isAbandoned) cmd.stop();
    const end = await superviseCommand(cmd, opts);
    return {
      exitCode: end.exitCode,
      signal: end.signal,
      timedOut: end.timedOut,
      otherOutput: other.text(),
      durationMs: Math.round(performance.now() - startedAt),
    };
  })();
  // This handler also marks `done` as handled: a caller that only iterates must not see an unhandled rejection.
  done.then(
    () => {
      isFinished = true;
      notify();
    },
    (error: unknown) => {
      failure = error;
      isFinished = true;
      notify();
    },
  );

  async function* iterate(): AsyncGenerator<string> {
    try {
      for (;;) {
        if (head < queue.length) {
          const line = queue[head] as string;
          head += 1;
          if (head > 1024 && head * 2 > queue.length) {
            queue.splice(0, head);
            head = 0;
          }
          if (queue.length - head < QUEUE_LOW && source?.isPaused()) source.resume();
          yield line;
          continue;
        }
        if (isFinished) {
          if (failure !== undefined) throw failure;
          return;
        }
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
      }
    } finally {
      if (!isFinished) {
        // The consumer left early (break/return/throw): end the command and drain what is left.
        isAbandoned = true;
        command?.stop();
        source?.resume();
      }
    }
  }

  const iterator = iterate();
  return {
    done,
    [Symbol.asyncIterator]: () => iterator,
  };
}
