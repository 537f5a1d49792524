import type { AgentAuthMethod, PublicKeyAuthMethod } from 'ssh2';
import type { SshEndpoint } from '../config/ssh-settings.js';
import { BotError } from '../errors.js';
import { loadSsh2 } from './load-ssh2.js';
import { readPrivateKeyFile } from './read-private-key-file.js';
import { expandHome, type SshHost, type SshRole } from './ssh-host.js';

/** One way ssh2 may log in: a (parsed) private key or the ssh-agent. */
export type SshAuthMethod = PublicKeyAuthMethod | AgentAuthMethod;

/**
 * The auth methods to try, in OpenSSH's order (the key file, then the agent). Reads the key file and
 * passphrase only now, at connect time; never puts their contents in errors.
 */
export async function loadSshAuthMethods(host: SshHost, endpoint: SshEndpoint, role: SshRole): Promise<SshAuthMethod[]> {
  const methods: SshAuthMethod[] = [];
  const { username } = endpoint;
  const forWhom = role === 'jump' ? `the jump host of ${host.name}` : host.name;
  let agent: AgentAuthMethod | undefined;
  if (endpoint.agent) {
    const socket = host.env.SSH_AUTH_SOCK;
    if (socket === undefined || socket === '') {
      throw new BotError('config_invalid', `SSH for ${forWhom} is set to use the ssh-agent (agent: true), but SSH_AUTH_SOCK is not set.`);
    }
    agent = { type: 'agent', username, agent: socket };
  }
  if (endpoint.privateKeyFile !== undefined) {
    const file = expandHome(host, endpoint.privateKeyFile);
    const key = await readPrivateKeyFile(file, forWhom);
    let passphrase: string | undefined;
    if (endpoint.passphraseEnv !== undefined) {
      passphrase = host.env[endpoint.passphraseEnv];
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
