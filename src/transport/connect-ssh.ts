import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client as SshClient } from 'ssh2';
import { BotError, oneLine } from '../errors.js';
import { openSshClient } from './open-ssh-client.js';
import { describeSshEndpoint, type SshHost } from './ssh-host.js';

/** OpenSSH allows 10 sessions per connection by default (MaxSessions); stay below it and queue the rest. */
const MAX_CHANNELS_PER_CONNECTION = 8;

/** One SSH connection (possibly through a jump host) shared by the commands of a host. */
export interface SshConnection {
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

/**
 * Opens a connection to the host (through its jump host, when set). `onLost` runs, after the connection
 * is marked lost, whenever a later error or close ends it: the commands on it fail through their
 * channels, and the caller's next command should reconnect.
 */
export async function connectSsh(host: SshHost, onLost: (connection: SshConnection) => void): Promise<SshConnection> {
  const { settings } = host;
  const jumpEndpoint = settings.jump;
  let jump: SshClient | null = null;
  let jumpSocket: Socket | undefined;
  let forwarded: Duplex | undefined;
  if (jumpEndpoint !== undefined) {
    const opened = await openSshClient(host, jumpEndpoint, 'jump');
    jump = opened.client;
    jumpSocket = opened.socket!;
    try {
      forwarded = await forwardThrough(host, jump);
    } catch (error) {
      jump.end();
      throw error;
    }
  }
  let client: SshClient;
  let socket: Socket;
  try {
    const opened = await openSshClient(host, settings, 'host', forwarded);
    client = opened.client;
    socket = (jumpSocket ?? opened.socket)!;
  } catch (error) {
    jump?.end();
    throw error;
  }
  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const connection: SshConnection = {
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
    onLost(connection);
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
  return connection;
}

/** Ends a connection (and its jump host's); resolves once our disconnect is written, or after 2 s. */
export async function disconnectSsh(connection: SshConnection): Promise<void> {
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

function forwardThrough(host: SshHost, jump: SshClient): Promise<Duplex> {
  const { address, port } = host.settings;
  return new Promise((resolve, reject) => {
    jump.forwardOut('127.0.0.1', 0, address, port, (error, stream) => {
      if (error) {
        reject(
          new BotError(
            'ssh_connect_failed',
            `The jump host ${describeSshEndpoint(host, 'jump')} could not open a connection to ${address}:${port}: ${oneLine(error.message)}. Check that it may forward TCP (AllowTcpForwarding) and reach the host.`,
            { cause: error },
          ),
        );
      } else resolve(stream);
    });
  });
}

/** Resolves once everything written to the stream has been handed to the OS (or the stream is gone). */
function written(stream: Duplex): Promise<void> {
  if (stream.writableFinished || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('finish', () => resolve());
    stream.once('close', () => resolve());
  });
}
