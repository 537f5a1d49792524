import { homedir } from 'node:os';
import type { SshSettings } from '../config/ssh-settings.js';

/** The host an SshTransport serves, as each step of connecting to it needs it. */
export interface SshHost {
  /** The host's name in the config (what messages call it). */
  name: string;
  settings: SshSettings;
  /** Where `passphraseEnv`, `SSH_AUTH_SOCK` and `HOME` (for `~/` paths) are read. */
  env: NodeJS.ProcessEnv;
}

/** Which endpoint of a host a step talks to: the host itself or its jump host. */
export type SshRole = 'host' | 'jump';

/** Names an endpoint for messages: `web-1 (10.0.0.5:22)` or `jump host 10.0.0.1:22 of web-1`. */
export function describeSshEndpoint(host: SshHost, role: SshRole): string {
  if (role === 'jump' && host.settings.jump !== undefined) {
    return `jump host ${host.settings.jump.address}:${host.settings.jump.port} of ${host.name}`;
  }
  return `${host.name} (${host.settings.address}:${host.settings.port})`;
}

/** Returns path with a leading `~/` read as the HOME of the host's env (falling back to this user's). */
export function expandHome(host: SshHost, path: string): string {
  return path.startsWith('~/') ? `${host.env.HOME ?? homedir()}${path.slice(1)}` : path;
}
