import type { SshSettings } from '../config/ssh-settings.js';
import { connectSsh, disconnectSsh, type SshConnection } from './connect-ssh.js';
import { createLineStream, runStartedCommand, type StartedCommand } from './process-streams.js';
import { remoteCommandLine } from './remote-command-line.js';
import type { SshHost } from './ssh-host.js';
import { startSshCommand } from './start-ssh-command.js';
import type { CommandResult, LineOptions, LineStream, RunOptions, Transport } from './types.js';

// The steps live beside this file, each in its own module: connect-ssh.ts (the connection, through a
// jump host), open-ssh-client.ts (one handshake), check-host-key.ts, load-ssh-auth-methods.ts,
// explain-ssh-error.ts (ssh2's errors -> our codes), start-ssh-command.ts (one channel per command).
// This class is the pool: one connection per host, its channels shared, closed when idle.

/** Options that are not host settings. */
export interface SshTransportOptions {
  /** Where `passphraseEnv`, `SSH_AUTH_SOCK` and `HOME` (for `~/` paths) are read. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs argv on a host over SSH (ssh2). The host key is checked before authentication; one connection
 * per host is opened on first use, shared by concurrent commands (one channel each), closed after
 * `idleCloseMs` without commands and reopened after a drop.
 */
export class SshTransport implements Transport {
  readonly label: string;
  private readonly host: SshHost;
  /** The connection being opened or open; shared by every command of this host. */
  private connection: Promise<SshConnection> | null = null;
  /** The open connection, once `connection` resolved (null after it was lost or closed). */
  private current: SshConnection | null = null;

  constructor(hostName: string, settings: SshSettings, opts: SshTransportOptions = {}) {
    this.label = `${settings.username}@${settings.address}:${settings.port}`;
    this.host = { name: hostName, settings, env: opts.env ?? {} };
  }

  /** Runs argv to completion on the host; a non-zero exit is a result, connection problems throw BotErrors. */
  run(argv: readonly string[], opts: RunOptions): Promise<CommandResult> {
    return runStartedCommand(() => this.start(argv, opts), opts);
  }

  /** Streams the lines of stdout (or stderr) of argv on the host as they arrive. */
  lines(argv: readonly string[], opts: LineOptions): LineStream {
    return createLineStream(() => this.start(argv, opts), opts);
  }

  /** Closes the pooled connection (the next command opens a new one). Idempotent. */
  async close(): Promise<void> {
    const pending = this.connection;
    this.connection = null;
    if (pending === null) return;
    const connection = await pending.catch(() => null);
    if (connection !== null) await disconnectSsh(connection);
  }

  /** True while a pooled connection is open (for tests and diagnostics). */
  get isConnected(): boolean {
    return this.current !== null && !this.current.isLost;
  }

  private async start(argv: readonly string[], opts: RunOptions): Promise<StartedCommand> {
    const commandLine = remoteCommandLine(argv, opts);
    // A connection that dropped unnoticed (network gone, keepalive not yet due) fails the channel open:
    // reconnect once and try again.
    for (let attempt = 0; ; attempt += 1) {
      const connection = await this.acquire();
      try {
        return await startSshCommand(this.host, connection, commandLine, argv, opts, () => this.release(connection));
      } catch (error) {
        this.release(connection);
        if (!connection.isLost || attempt > 0) throw error;
      }
    }
  }

  private async acquire(): Promise<SshConnection> {
    for (;;) {
      if (this.connection === null) {
        const opening = this.connect();
        this.connection = opening;
        opening.catch(() => {
          if (this.connection === opening) this.connection = null;
        });
      }
      const connection = await this.connection;
      if (connection.isLost) {
        this.connection = null;
        continue;
      }
      clearTimeout(connection.idleTimer);
      connection.activeCommands += 1;
      if (connection.freeChannels > 0) connection.freeChannels -= 1;
      else await new Promise<void>((resolve) => connection.waiting.push(resolve));
      return connection;
    }
  }

  private release(connection: SshConnection): void {
    connection.activeCommands -= 1;
    const next = connection.waiting.shift();
    if (next !== undefined) next();
    else connection.freeChannels += 1;
    if (connection.activeCommands === 0 && !connection.isLost) {
      connection.idleTimer = setTimeout(() => {
        if (connection.activeCommands > 0) return;
        if (this.current === connection) {
          this.current = null;
          this.connection = null;
        }
        void disconnectSsh(connection);
      }, this.host.settings.idleCloseMs);
      // An idle connection alone must not keep a CLI process alive.
      connection.idleTimer.unref();
    }
  }

  private async connect(): Promise<SshConnection> {
    const connection = await connectSsh(this.host, (lost) => {
      if (this.current === lost) {
        this.current = null;
        this.connection = null;
      }
    });
    this.current = connection;
    return connection;
  }
}
