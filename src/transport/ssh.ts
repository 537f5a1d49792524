import { open, type FileHandle } from 'node:fs/promises';
import { connect as connectTcp, type Socket } from 'node:net';
import { homedir } from 'node:os';
import type { Duplex } from 'node:stream';
import type { AgentAuthMethod, Client as SshClient, ClientChannel, ConnectConfig, PublicKeyAuthMethod, ServerHostKeyAlgorithm } from 'ssh2';
import type { SshEndpoint, SshSettings } from '../config/schema.js';
import { BotError, oneLine } from '../errors.js';
import { fingerprintOf, keyTypeOf, knownHostKeyTypes, loadKnownHosts, matchKnownHosts } from './host-key.js';
import { createLineStream, runStartedCommand, type CommandExit, type StartedCommand } from './process-streams.js';
import { quoteArg, quoteArgv } from './quote.js';
import type { CommandResult, LineOptions, LineStream, RunOptions, Transport } from './types.js';

// ssh2 (about 50 ms of start-up CPU) loads with the first SSH connection, not with this module: the
// transport pool imports this file, and a CLI run that only reaches the local host never needs ssh2.
type Ssh2 = typeof import('ssh2');
let ssh2Module: Promise<Ssh2> | undefined;

/** Loads ssh2 once (the first connection does; the bot calls it through the pool's preload at start). */
export function loadSsh2(): Promise<Ssh2> {
  // CommonJS: all of module.exports (utils included) is the namespace's default export.
  return (ssh2Module ??= import('ssh2').then((m) => (m as unknown as { default: Ssh2 }).default));
}

/** Grace the remote `timeout` gives a command between its TERM and a KILL (`timeout -k`). */
const REMOTE_KILL_GRACE_S = 5;
/** OpenSSH allows 10 sessions per connection by default (MaxSessions); stay below it and queue the rest. */
const MAX_CHANNELS_PER_CONNECTION = 8;
/** Keepalives without an answer before the connection counts as lost. */
const KEEPALIVE_COUNT_MAX = 3;

/** Options that are not host settings. */
export interface SshTransportOptions {
  /** Where `passphraseEnv`, `SSH_AUTH_SOCK` and `HOME` (for `~/` paths) are read. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Returns the shell command line the remote side runs for argv: the command limits itself with
 * `timeout` (closing an SSH channel does not end a remote process), a second longer than the local
 * deadline so the local side reports the timeout first.
 *
 * @example
 * remoteCommandLine(['php', '/srv/wm/start.php', 'status'], { timeoutMs: 10_000, cwd: '/srv/wm' });
 * // cd /srv/wm && exec timeout -k 5 11 php /srv/wm/start.php status
 */
export function remoteCommandLine(argv: readonly string[], opts: { timeoutMs: number; cwd?: string }): string {
  if (argv.length === 0 || argv[0] === '') throw new BotError('input_invalid', 'Cannot run an empty command.');
  const seconds = Math.ceil(opts.timeoutMs / 1000) + 1;
  const limited = `exec ${quoteArgv(['timeout', '-k', String(REMOTE_KILL_GRACE_S), String(seconds), ...argv])}`;
  return opts.cwd === undefined ? limited : `cd ${quoteArg(opts.cwd)} && ${limited}`;
}

/** One SSH connection (possibly through a jump host) shared by the commands of a host. */
interface Connection {
  client: SshClient;
  jump: SshClient | null;
  /** The TCP connection we opened: to the host, or to the jump host. */
  socket: Socket;
  activeCommands: number;
  freeChannels: number;
  waiting: Array<() => void>;
  isLost: boolean;
  idleTimer: NodeJS.Timeout | undefined;
  closed: Promise<void>;
}

type Role = 'host' | 'jump';

/**
 * Runs argv on a host over SSH (ssh2). The host key is checked before authentication; one connection
 * per host is opened on first use, shared by concurrent commands (one channel each), closed after
 * `idleCloseMs` without commands and reopened after a drop.
 */
export class SshTransport implements Transport {
  readonly label: string;
  private readonly env: NodeJS.ProcessEnv;
  /** The connection being opened or open; shared by every command of this host. */
  private connection: Promise<Connection> | null = null;
  /** The open connection, once `connection` resolved (null after it was lost or closed). */
  private current: Connection | null = null;

  constructor(
    private readonly hostName: string,
    private readonly settings: SshSettings,
    opts: SshTransportOptions = {},
  ) {
    this.label = `${settings.username}@${settings.address}:${settings.port}`;
    this.env = opts.env ?? {};
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
    if (connection !== null) await this.shutDown(connection);
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
        return await this.open(connection, commandLine, argv, opts);
      } catch (error) {
        this.release(connection);
        if (!connection.isLost || attempt > 0) throw error;
      }
    }
  }

  private async acquire(): Promise<Connection> {
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

  private release(connection: Connection): void {
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
        void this.shutDown(connection);
      }, this.settings.idleCloseMs);
      // An idle connection alone must not keep a CLI process alive.
      connection.idleTimer.unref();
    }
  }

  private async open(
    connection: Connection,
    commandLine: string,
    argv: readonly string[],
    opts: RunOptions,
  ): Promise<StartedCommand> {
    let exit: CommandExit | null = null;
    const channel = await new Promise<ClientChannel>((resolve, reject) => {
      connection.client.exec(commandLine, (error, stream) => {
        if (error) {
          reject(
            new BotError('ssh_connect_failed', `Could not open an SSH channel on ${this.where('host')}: ${oneLine(error.message)}.`, {
              cause: error,
            }),
          );
          return;
        }
        // Listen here, synchronously: a short command's exit-status can arrive in the same packet batch
        // as the channel confirmation and is emitted before an awaiting caller would resume.
        stream.on('exit', (code: number | null, signal?: string) => {
          exit = typeof code === 'number' ? { exitCode: code, signal: null } : { exitCode: null, signal: signal ?? null };
        });
        resolve(stream);
      });
    });
    if (opts.input !== undefined) channel.end(opts.input);
    else channel.end();
    let isStopped = false;
    const ended = new Promise<CommandExit>((resolve, reject) => {
      channel.once('close', () => {
        this.release(connection);
        // After our TERM, `timeout` exits 124: report it as what it is, the end by our signal.
        if (isStopped) resolve({ exitCode: null, signal: exit === null ? null : 'SIGTERM' });
        else if (exit !== null) resolve(exit);
        else if (connection.isLost && !isStopped) {
          reject(
            new BotError('ssh_connect_failed', `The SSH connection to ${this.where('host')} was lost while running ${oneLine(argv[0] ?? '', 60)}.`),
          );
        } else resolve({ exitCode: null, signal: null });
      });
    });
    // Marked handled here; the caller awaits it.
    ended.catch(() => {});
    return {
      stdout: channel,
      stderr: channel.stderr,
      ended,
      stop: () => {
        if (isStopped) return;
        isStopped = true;
        // Ask sshd to pass TERM to `timeout` (which forwards it to the command); servers may ignore
        // the request, so the remote `timeout` stays the guarantee. Then drop the channel.
        try {
          channel.signal('TERM');
        } catch {
          // The channel is already gone.
        }
        channel.close();
      },
    };
  }

  private async connect(): Promise<Connection> {
    const jumpEndpoint = this.settings.jump;
    let jump: SshClient | null = null;
    let jumpSocket: Socket | undefined;
    let forwarded: Duplex | undefined;
    if (jumpEndpoint !== undefined) {
      const opened = await this.handshake(jumpEndpoint, 'jump');
      jump = opened.client;
      jumpSocket = opened.socket!;
      try {
        forwarded = await this.forwardThrough(jump);
      } catch (error) {
        jump.end();
        throw error;
      }
    }
    let client: SshClient;
    let socket: Socket;
    try {
      const host = await this.handshake(this.settings, 'host', forwarded);
      client = host.client;
      socket = (jumpSocket ?? host.socket)!;
    } catch (error) {
      jump?.end();
      throw error;
    }
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const connection: Connection = {
      client,
      jump,
      socket,
      activeCommands: 0,
      freeChannels: MAX_CHANNELS_PER_CONNECTION,
      waiting: [],
      isLost: false,
      idleTimer: undefined,
      closed,
    };
    const markLost = (): void => {
      connection.isLost = true;
      clearTimeout(connection.idleTimer);
      if (this.current === connection) {
        this.current = null;
        this.connection = null;
      }
    };
    // After the handshake, errors (keepalive timeout, reset) only mean the connection is gone: the
    // commands on it fail through their channels, the next command reconnects.
    client.on('error', markLost);
    client.once('close', () => {
      markLost();
      jump?.end();
    });
    jump?.on('error', markLost);
    jump?.once('close', markLost);
    this.current = connection;
    return connection;
  }

  private forwardThrough(jump: SshClient): Promise<Duplex> {
    const { address, port } = this.settings;
    return new Promise((resolve, reject) => {
      jump.forwardOut('127.0.0.1', 0, address, port, (error, stream) => {
        if (error) {
          reject(
            new BotError(
              'ssh_connect_failed',
              `The jump host ${this.where('jump')} could not open a connection to ${address}:${port}: ${oneLine(error.message)}. Check that it may forward TCP (AllowTcpForwarding) and reach the host.`,
              { cause: error },
            ),
          );
        } else resolve(stream);
      });
    });
  }

  /**
   * Connects and authenticates one endpoint (over `forwarded`, a jump host's channel, when given); the
   * host key is verified during key exchange, before auth. Returns the client and the TCP connection we
   * opened for it (null over a jump host's channel).
   */
  private async handshake(endpoint: SshEndpoint, role: Role, forwarded?: Duplex): Promise<{ client: SshClient; socket: Socket | null }> {
    // The TCP connection first: the host's sshd starts its session process (a fork, often an exec) while
    // ssh2 loads and the key file is read, instead of after.
    const opened = forwarded === undefined ? openSocket(endpoint) : null;
    const sock = forwarded ?? opened!.socket;
    let auth: Array<PublicKeyAuthMethod | AgentAuthMethod>;
    let knownHosts: string | null;
    let Client: Ssh2['Client'];
    try {
      auth = await this.authMethods(endpoint, role);
      knownHosts = endpoint.hostKey === undefined && endpoint.knownHostsFile !== undefined
        ? await loadKnownHosts(this.expandHome(endpoint.knownHostsFile))
        : null;
      ({ Client } = await loadSsh2());
    } catch (error) {
      opened?.socket.destroy();
      throw error;
    }
    // Failed before ssh2 took the socket over (refused, unresolvable): the same error ssh2 would give.
    const early = opened?.failure();
    if (early != null) {
      opened!.socket.destroy();
      throw this.connectError(Object.assign(early, { level: 'client-socket' }), endpoint, role);
    }
    if (opened?.socket.destroyed === true) {
      throw new BotError('ssh_connect_failed', `${capitalize(this.where(role))} closed the connection during the SSH handshake. Check that port ${endpoint.port} is an SSH server that accepts us.`);
    }
    const preferredKeyTypes = knownHosts === null ? [] : knownHostKeyTypes(knownHosts, endpoint.address, endpoint.port);
    let hostKeyError: BotError | null = null;
    const client = new Client();
    const config: ConnectConfig = {
      host: endpoint.address,
      port: endpoint.port,
      username: endpoint.username,
      // Only the methods configured: ssh2 would otherwise try "none" first, one more round trip (and a
      // failed-auth line in the host's log) on every connection.
      authHandler: auth,
      readyTimeout: this.settings.connectTimeoutMs,
      keepaliveInterval: this.settings.keepaliveIntervalMs,
      keepaliveCountMax: KEEPALIVE_COUNT_MAX,
      hostVerifier: (key: Buffer) => {
        hostKeyError = this.checkHostKey(endpoint, role, knownHosts, key);
        return hostKeyError === null;
      },
      sock,
      ...(preferredKeyTypes.length === 0 ? {} : { algorithms: { serverHostKey: hostKeyAlgorithms(preferredKeyTypes) } }),
    };
    return await new Promise<{ client: SshClient; socket: Socket | null }>((resolve, reject) => {
      let isSettled = false;
      const fail = (error: BotError): void => {
        if (isSettled) return;
        isSettled = true;
        client.removeAllListeners('ready');
        // Keep a listener: a late socket error must not become an uncaught 'error' event.
        client.on('error', () => {});
        client.end();
        reject(error);
      };
      client.once('ready', () => {
        if (isSettled) return;
        isSettled = true;
        client.removeAllListeners('error');
        client.removeAllListeners('close');
        resolve({ client, socket: opened?.socket ?? null });
      });
      client.on('error', (error: Error & { level?: string; code?: string }) => {
        fail(hostKeyError ?? this.connectError(error, endpoint, role));
      });
      client.once('close', () => {
        fail(
          hostKeyError ??
            new BotError(
              'ssh_connect_failed',
              `${capitalize(this.where(role))} closed the connection during the SSH handshake. Check that port ${endpoint.port} is an SSH server that accepts us.`,
            ),
        );
      });
      try {
        client.connect(config);
      } catch (error) {
        fail(new BotError('ssh_connect_failed', `Could not start an SSH connection to ${this.where(role)}: ${oneLine(String((error as Error).message))}.`, { cause: error }));
      }
    });
  }

  /** Returns null when the presented key is the pinned one (or in known_hosts), else the refusal. */
  private checkHostKey(endpoint: SshEndpoint, role: Role, knownHosts: string | null, keyBlob: Buffer): BotError | null {
    const presented = fingerprintOf(keyBlob);
    const keyType = keyTypeOf(keyBlob) ?? 'unknown type';
    const who = `Host key of ${this.where(role)}`;
    if (endpoint.hostKey !== undefined) {
      const pinned = Array.isArray(endpoint.hostKey) ? endpoint.hostKey : [endpoint.hostKey];
      // Fingerprints from the config may carry base64 padding; ssh-keygen prints them without.
      const expected = pinned.map((fp) => fp.replace(/=+$/, ''));
      if (expected.includes(presented)) return null;
      return new BotError(
        'ssh_host_key_mismatch',
        `${who} does not match the pinned key: expected ${expected.join(' or ')}, presented ${presented} (${keyType}). If the host was rebuilt, check the new key out of band and update hostKey in the config.`,
        { details: { expected, presented, keyType, host: this.hostName, role } },
      );
    }
    const file = endpoint.knownHostsFile ?? '';
    const match = matchKnownHosts(knownHosts ?? '', endpoint.address, endpoint.port, keyBlob);
    switch (match.kind) {
      case 'match':
        return null;
      case 'mismatch':
        return new BotError(
          'ssh_host_key_mismatch',
          `${who} does not match known_hosts file ${file}: expected ${match.expected.join(' or ')}, presented ${presented} (${keyType}). If the host was rebuilt, check the new key out of band and update ${file}.`,
          { details: { expected: match.expected, presented, keyType, host: this.hostName, role, knownHostsFile: file } },
        );
      case 'not-found':
        return new BotError(
          'ssh_host_key_mismatch',
          `${who} is not in known_hosts file ${file} (presented ${presented}, ${keyType}). Check the key out of band, then add it to that file or pin it with hostKey in the config.`,
          { details: { expected: [], presented, keyType, host: this.hostName, role, knownHostsFile: file } },
        );
      case 'revoked':
        return new BotError(
          'ssh_host_key_mismatch',
          `${who} is marked @revoked in known_hosts file ${file} (presented ${presented}, ${keyType}): refusing to connect.`,
          { details: { expected: [], presented, keyType, host: this.hostName, role, knownHostsFile: file } },
        );
    }
  }

  /**
   * The auth methods to try, in OpenSSH's order (the key file, then the agent). Reads the key file and
   * passphrase only now, at connect time; never puts their contents in errors.
   */
  private async authMethods(endpoint: SshEndpoint, role: Role): Promise<Array<PublicKeyAuthMethod | AgentAuthMethod>> {
    const methods: Array<PublicKeyAuthMethod | AgentAuthMethod> = [];
    const { username } = endpoint;
    const forWhom = role === 'jump' ? `the jump host of ${this.hostName}` : this.hostName;
    let agent: AgentAuthMethod | undefined;
    if (endpoint.agent) {
      const socket = this.env.SSH_AUTH_SOCK;
      if (socket === undefined || socket === '') {
        throw new BotError('config_invalid', `SSH for ${forWhom} is set to use the ssh-agent (agent: true), but SSH_AUTH_SOCK is not set.`);
      }
      agent = { type: 'agent', username, agent: socket };
    }
    if (endpoint.privateKeyFile !== undefined) {
      const file = this.expandHome(endpoint.privateKeyFile);
      const key = await readPrivateKeyFile(file, forWhom);
      let passphrase: string | undefined;
      if (endpoint.passphraseEnv !== undefined) {
        passphrase = this.env[endpoint.passphraseEnv];
        if (passphrase === undefined) {
          throw new BotError('config_invalid', `The passphrase variable ${endpoint.passphraseEnv} (passphraseEnv for ${forWhom}) is not set.`);
        }
      }
      const { utils } = await loadSsh2();
      const parsed = utils.parseKey(key, passphrase);
      if (parsed instanceof Error) {
        const isEncrypted = /encrypted|passphrase/i.test(parsed.message);
        throw new BotError(
          'config_invalid',
          isEncrypted
            ? `The private key file ${file} for ${forWhom} is encrypted and could not be decrypted: ${passphrase === undefined ? 'set passphraseEnv to the name of a variable holding its passphrase' : `check the passphrase in ${endpoint.passphraseEnv ?? ''}`}.`
            : `The private key file ${file} for ${forWhom} is not a private key ssh2 can read (OpenSSH, PEM or PPK format expected).`,
        );
      }
      // The key as parsed (and decrypted) here, not the file's bytes: ssh2 would parse them again, and
      // an encrypted key's bcrypt key derivation takes a noticeable fraction of a second.
      methods.push({ type: 'publickey', username, key: parsed });
    }
    if (agent !== undefined) methods.push(agent);
    return methods;
  }

  /** Maps ssh2's `err.level` (and socket error codes) to our codes; this is the only place that does. */
  private connectError(error: Error & { level?: string; code?: string }, endpoint: SshEndpoint, role: Role): BotError {
    const where = this.where(role);
    const options = { cause: error, details: { host: this.hostName, role, level: error.level ?? null, code: error.code ?? null } };
    switch (error.level) {
      case 'client-authentication':
      case 'agent': {
        const methods = [
          endpoint.privateKeyFile === undefined ? null : `key ${this.expandHome(endpoint.privateKeyFile)}`,
          endpoint.agent ? 'the ssh-agent' : null,
        ].filter((m) => m !== null);
        return new BotError(
          'ssh_auth_failed',
          `SSH login to ${where} as "${endpoint.username}" was refused (tried ${methods.join(' and ')}). Check that the matching public key is in the authorized_keys of "${endpoint.username}" on that host.`,
          options,
        );
      }
      case 'client-timeout':
        if (/handshake/i.test(error.message)) {
          return new BotError(
            'ssh_connect_failed',
            `Connecting to ${where} timed out during the SSH handshake after ${this.settings.connectTimeoutMs} ms. Check that port ${endpoint.port} is an SSH server and that nothing in between drops the traffic.`,
            options,
          );
        }
        return new BotError('ssh_connect_failed', `The SSH connection to ${where} stopped answering (${oneLine(error.message)}).`, options);
      case 'client-dns':
        return new BotError('ssh_connect_failed', `Could not resolve the address "${endpoint.address}" of ${where}. Check the address in the config.`, options);
      case 'client-socket':
        return new BotError('ssh_connect_failed', `Could not connect to ${where}: ${socketProblem(error.code, error.message)}.`, options);
      default:
        return new BotError('ssh_connect_failed', `The SSH handshake with ${where} failed: ${oneLine(error.message)}.`, options);
    }
  }

  private where(role: Role): string {
    if (role === 'jump' && this.settings.jump !== undefined) {
      return `jump host ${this.settings.jump.address}:${this.settings.jump.port} of ${this.hostName}`;
    }
    return `${this.hostName} (${this.settings.address}:${this.settings.port})`;
  }

  private expandHome(path: string): string {
    return path.startsWith('~/') ? `${this.env.HOME ?? homedir()}${path.slice(1)}` : path;
  }

  private async shutDown(connection: Connection): Promise<void> {
    clearTimeout(connection.idleTimer);
    connection.isLost = true;
    connection.client.end();
    connection.jump?.end();
    // Done once our disconnect is written: the host closes its side after its sshd has ended the session
    // (tens of ms), and nothing here needs that. Bounded: a socket that cannot flush (a dead peer).
    await Promise.race([connection.closed, written(connection.socket), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
    connection.client.destroy();
    connection.jump?.destroy();
  }
}

/**
 * Reads a private key file, refusing it (before reading a byte) when other users have any access to it,
 * as OpenSSH does ("UNPROTECTED PRIVATE KEY FILE!"): like ssh(1), only for a file this process owns, so
 * a root-owned 0440 key shared through a group (Kubernetes secret volumes with fsGroup) still works.
 * A local setup problem, not a refused login: `config_invalid`.
 */
async function readPrivateKeyFile(file: string, forWhom: string): Promise<Buffer> {
  const unreadable = (error: unknown): BotError =>
    new BotError('config_invalid', `Cannot read the private key file ${file} for ${forWhom} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Fix privateKeyFile in the config.`, {
      cause: error,
    });
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(error);
  }
  try {
    // fstat on the open file, so the mode checked is the mode of the file read.
    const stats = await handle.stat();
    const uid = process.getuid?.();
    if (uid !== undefined && stats.uid === uid && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new BotError(
        'config_invalid',
        `The private key file ${file} for ${forWhom} is accessible by other users (mode ${mode}): run \`chmod 600 ${quoteArg(file)}\` on the machine running the bot. Like OpenSSH ("UNPROTECTED PRIVATE KEY FILE"), the bot does not use a private key others can read.`,
        { details: { file, mode } },
      );
    }
    return await handle.readFile();
  } catch (error) {
    throw error instanceof BotError ? error : unreadable(error);
  } finally {
    await handle.close();
  }
}

/**
 * Opens the TCP connection to an endpoint without Nagle's algorithm: the handshake is a series of small
 * packets, and one held back until the previous is acknowledged waits out the peer's delayed ACK (about
 * 40 ms on Linux) each time. `failure()` is the socket's error from before ssh2 listens to it.
 */
function openSocket(endpoint: SshEndpoint): { socket: Socket; failure(): (Error & { code?: string }) | null } {
  const socket = connectTcp({ host: endpoint.address, port: endpoint.port, noDelay: true });
  let failure: (Error & { code?: string }) | null = null;
  // Stays attached: ssh2 adds its own listener when it takes the socket over.
  socket.on('error', (error) => {
    failure ??= error;
  });
  return { socket, failure: () => failure };
}

/** Resolves once everything written to the stream has been handed to the OS (or the stream is gone). */
function written(stream: Duplex): Promise<void> {
  if (stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('finish', () => resolve());
    stream.once('close', () => resolve());
  });
}

function socketProblem(code: string | undefined, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens on that port; check the address, port and that sshd runs)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `the address cannot be resolved (${code}); check the address in the config`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `the host is unreachable (${code})`;
    case 'ETIMEDOUT':
      return 'the TCP connection timed out';
    case 'ECONNRESET':
      return 'the connection was reset during the SSH handshake';
    default:
      return oneLine(message);
  }
}

/** Host key algorithms for ssh2, the types known_hosts lists for the host first (as OpenSSH does). */
function hostKeyAlgorithms(knownTypes: string[]): ServerHostKeyAlgorithm[] {
  const all: ServerHostKeyAlgorithm[] = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ];
  const preferred = all.filter((alg) => knownTypes.includes(alg) || (knownTypes.includes('ssh-rsa') && alg.startsWith('rsa-sha2')));
  return [...preferred, ...all.filter((alg) => !preferred.includes(alg))];
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
