import type { ServerHostKeyAlgorithm } from 'ssh2';
import type { SshEndpoint } from '../config/ssh-settings.js';
import { BotError } from '../errors.js';
import { fingerprintOf, keyTypeOf, matchKnownHosts } from './host-key.js';
import { describeSshEndpoint, type SshHost, type SshRole } from './ssh-host.js';

/** Returns null when the presented key is the pinned one (or in known_hosts), else the refusal. */
export function checkHostKey(host: SshHost, endpoint: SshEndpoint, role: SshRole, knownHosts: string | null, keyBlob: Buffer): BotError | null {
  const presented = fingerprintOf(keyBlob);
  const keyType = keyTypeOf(keyBlob) ?? 'unknown type';
  const who = `Host key of ${describeSshEndpoint(host, role)}`;
  if (endpoint.hostKey !== undefined) {
    const pinned = Array.isArray(endpoint.hostKey) ? endpoint.hostKey : [endpoint.hostKey];
    // Fingerprints from the config may carry base64 padding; ssh-keygen prints them without.
    const expected = pinned.map((fp) => fp.replace(/=+$/, ''));
    if (expected.includes(presented)) return null;
    return new BotError(
      'ssh_host_key_mismatch',
      `${who} does not match the pinned key: expected ${expected.join(' or ')}, presented ${presented} (${keyType}). If the host was rebuilt, check the new key out of band and update hostKey in the config.`,
      { details: { expected, presented, keyType, host: host.name, role } },
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
        { details: { expected: match.expected, presented, keyType, host: host.name, role, knownHostsFile: file } },
      );
    case 'not-found':
      return new BotError(
        'ssh_host_key_mismatch',
        `${who} is not in known_hosts file ${file} (presented ${presented}, ${keyType}). Check the key out of band, then add it to that file or pin it with hostKey in the config.`,
        { details: { expected: [], presented, keyType, host: host.name, role, knownHostsFile: file } },
      );
    case 'revoked':
      return new BotError(
        'ssh_host_key_mismatch',
        `${who} is marked @revoked in known_hosts file ${file} (presented ${presented}, ${keyType}): refusing to connect.`,
        { details: { expected: [], presented, keyType, host: host.name, role, knownHostsFile: file } },
      );
  }
}

/** Host key algorithms for ssh2, the types known_hosts lists for the host first (as OpenSSH does). */
export function hostKeyAlgorithms(knownTypes: string[]): ServerHostKeyAlgorithm[] {
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
