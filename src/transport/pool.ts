import type { HostConfig } from '../config/host-config.js';
import { BotError } from '../errors.js';
import { LocalTransport, loadExeca } from './local.js';
import { loadSsh2 } from './load-ssh2.js';
import { SshTransport } from './ssh.js';
import type { Transport } from './types.js';

/** One transport per configured host, made on first use and shared afterwards. */
export interface TransportPool {
  /** The transport of a configured host; `host_unknown` for any other name. */
  get(hostName: string): Transport;
  /** Closes every transport made so far (SSH connections). Idempotent. */
  closeAll(): Promise<void>;
  /**
   * Loads now the libraries the hosts' transports use (execa for local hosts, ssh2 for SSH hosts), which
   * otherwise load with the first command. A process that takes requests (the bot) calls it before it
   * listens, so that no request waits while a library loads; the CLI does not (it loads what it uses).
   */
  preload(): Promise<void>;
}

export interface TransportPoolOptions {
  /** Where SSH reads `passphraseEnv` variables, `SSH_AUTH_SOCK` and `HOME`. */
  env?: NodeJS.ProcessEnv;
}

/**
 * Returns a pool over `hosts`: an `SshTransport` for a host with `ssh` settings, a `LocalTransport`
 * otherwise. Nothing connects until a command runs.
 */
export function createTransports(hosts: readonly HostConfig[], opts: TransportPoolOptions = {}): TransportPool {
  // The one place that falls back to the process environment: callers at the edge may pass their own.
  const env = opts.env ?? process.env;
  const byName = new Map(hosts.map((host) => [host.name, host]));
  const made = new Map<string, Transport>();
  return {
    get(hostName) {
      const existing = made.get(hostName);
      if (existing !== undefined) return existing;
      const host = byName.get(hostName);
      if (host === undefined) {
        const names = [...byName.keys()];
        throw new BotError(
          'host_unknown',
          `Unknown host "${hostName}". Configured hosts: ${names.length > 0 ? names.join(', ') : '(none)'}. Use \`workerman-ops hosts\` to list them.`,
          { details: { host: hostName, configured: names } },
        );
      }
      const transport = host.ssh === undefined ? new LocalTransport() : new SshTransport(host.name, host.ssh, { env });
      made.set(hostName, transport);
      return transport;
    },
    async closeAll() {
      const transports = [...made.values()];
      await Promise.allSettled(transports.map((t) => t.close()));
    },
    async preload() {
      await Promise.all([
        hosts.some((h) => h.ssh === undefined) ? loadExeca() : null,
        hosts.some((h) => h.ssh !== undefined) ? loadSsh2() : null,
      ]);
    },
  };
}
