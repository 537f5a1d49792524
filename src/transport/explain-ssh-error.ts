import type { SshEndpoint } from '../config/ssh-settings.js';
import { BotError, oneLine } from '../errors.js';
import { describeSshEndpoint, expandHome, type SshHost, type SshRole } from './ssh-host.js';

/** An ssh2 connection error: `level` says which stage failed, `code` is the socket's errno name. */
export type Ssh2Error = Error & { level?: string; code?: string };

/** Maps ssh2's `err.level` (and socket error codes) to our codes; this is the only place that does. */
export function explainSshError(error: Ssh2Error, host: SshHost, endpoint: SshEndpoint, role: SshRole): BotError {
  const where = describeSshEndpoint(host, role);
  const options = { cause: error, details: { host: host.name, role, level: error.level ?? null, code: error.code ?? null } };
  switch (error.level) {
    case 'client-authentication':
    case 'agent': {
      const methods = [
        endpoint.privateKeyFile === undefined ? null : `key ${expandHome(host, endpoint.privateKeyFile)}`,
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
          `Connecting to ${where} timed out during the SSH handshake after ${host.settings.connectTimeoutMs} ms. Check that port ${endpoint.port} is an SSH server and that nothing in between drops the traffic.`,
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

/** The refusal when the peer closes the connection before the SSH handshake is done. */
export function handshakeClosedError(host: SshHost, endpoint: SshEndpoint, role: SshRole): BotError {
  return new BotError(
    'ssh_connect_failed',
    `${capitalize(describeSshEndpoint(host, role))} closed the connection during the SSH handshake. Check that port ${endpoint.port} is an SSH server that accepts us.`,
  );
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

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
