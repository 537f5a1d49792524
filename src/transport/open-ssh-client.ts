import { connect as connectTcp, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Client as SshClient, ConnectConfig } from 'ssh2';
import type { SshEndpoint } from '../config/ssh-settings.js';
import { BotError, oneLine } from '../errors.js';
import { checkHostKey, hostKeyAlgorithms } from './check-host-key.js';
import { explainSshError, handshakeClosedError, type Ssh2Error } from './explain-ssh-error.js';
import { knownHostKeyTypes, loadKnownHosts } from './host-key.js';
import { loadSsh2, type Ssh2 } from './load-ssh2.js';
import { loadSshAuthMethods, type SshAuthMethod } from './load-ssh-auth-methods.js';
import { describeSshEndpoint, expandHome, type SshHost, type SshRole } from './ssh-host.js';

/** Keepalives without an answer before the connection counts as lost. */
const KEEPALIVE_COUNT_MAX = 3;

/**
 * Connects and authenticates one endpoint of a host (over `forwarded`, a jump host's channel, when
 * given); the host key is verified during key exchange, before auth. Returns the client and the TCP
 * connection we opened for it (null over a jump host's channel).
 */
export async function openSshClient(
  host: SshHost,
  endpoint: SshEndpoint,
  role: SshRole,
  forwarded?: Duplex,
): Promise<{ client: SshClient; socket: Socket | null }> {
  const { settings } = host;
  // The TCP connection first: the host's sshd starts its session process (a fork, often an exec) while
  // ssh2 loads and the key file is read, instead of after.
  const opened = forwarded === undefined ? openSocket(endpoint) : null;
  const sock = forwarded ?? opened!.socket;
  let auth: SshAuthMethod[];
  let knownHosts: string | null;
  let Client: Ssh2['Client'];
  try {
    auth = await loadSshAuthMethods(host, endpoint, role);
    knownHosts = endpoint.hostKey === undefined && endpoint.knownHostsFile !== undefined
      ? await loadKnownHosts(expandHome(host, endpoint.knownHostsFile))
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
    throw explainSshError(Object.assign(early, { level: 'client-socket' }), host, endpoint, role);
  }
  if (opened?.socket.destroyed === true) {
    throw handshakeClosedError(host, endpoint, role);
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
    readyTimeout: settings.connectTimeoutMs,
    keepaliveInterval: settings.keepaliveIntervalMs,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    hostVerifier: (key: Buffer) => {
      hostKeyError = checkHostKey(host, endpoint, role, knownHosts, key);
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
    client.on('error', (error: Ssh2Error) => {
      fail(hostKeyError ?? explainSshError(error, host, endpoint, role));
    });
    client.once('close', () => {
      fail(hostKeyError ?? handshakeClosedError(host, endpoint, role));
    });
    try {
      client.connect(config);
    } catch (error) {
      fail(new BotError('ssh_connect_failed', `Could not start an SSH connection to ${describeSshEndpoint(host, role)}: ${oneLine(String((error as Error).message))}.`, { cause: error }));
    }
  });
}

/**
 * Opens the TCP connection to an endpoint without Nagle's algorithm: the handshake is a series of small
 * packets, and one held back until the previous is acknowledged waits out the peer's delayed ACK (about
 * 40 ms on Linux) each time. `failure()` is the socket's error from before ssh2 listens to it.
 */
function openSocket(endpoint: SshEndpoint): { socket: Socket; failure(): Ssh2Error | null } {
  const socket = connectTcp({ host: endpoint.address, port: endpoint.port, noDelay: true });
  let failure: Ssh2Error | null = null;
  // Stays attached: ssh2 adds its own listener when it takes the socket over.
  socket.on('error', (error) => {
    failure ??= error;
  });
  return { socket, failure: () => failure };
}
