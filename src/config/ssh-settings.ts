import { z } from 'zod';
import { AbsolutePath } from './absolute-path.js';

const Fingerprint = z
  .string()
  .regex(/^SHA256:[A-Za-z0-9+/]{43}=?$/, 'expected an OpenSSH SHA256 fingerprint like "SHA256:abc…" (ssh-keygen -lf key.pub)');

/** Where to connect and how to check and authenticate. Shared by hosts and jump hosts. */
const sshEndpointShape = {
  /** DNS name or IP address of the SSH server. */
  address: z.string().min(1).regex(/^[A-Za-z0-9.:_-]+$/, 'expected a host name or IP address'),
  port: z.number().int().min(1).max(65535).default(22),
  username: z.string().min(1).regex(/^[A-Za-z0-9_.-]+$/, 'expected a user name'),
  /** Private key file (OpenSSH format). Either this or `agent`. */
  privateKeyFile: AbsolutePath.optional(),
  /** Name of the environment variable holding the key's passphrase (never the passphrase itself). */
  passphraseEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/).optional(),
  /** Use the ssh-agent at $SSH_AUTH_SOCK. */
  agent: z.boolean().default(false),
  /** Pinned host key: `SHA256:` fingerprint(s) as printed by `ssh-keygen -lf`. */
  hostKey: z.union([Fingerprint, z.array(Fingerprint).min(1)]).optional(),
  /** Or a known_hosts file to look the host up in (hashed entries are supported). */
  knownHostsFile: AbsolutePath.optional(),
};

// Both checks apply to a host and to its jump host. Config objects are strict: a misspelt key
// (`prot: 2222`) is an error naming it, not a silently ignored setting.
function withEndpointChecks<T extends z.ZodType<{ privateKeyFile?: string | undefined; agent: boolean; hostKey?: unknown; knownHostsFile?: string | undefined }>>(schema: T): T {
  return schema
    .refine((e) => e.privateKeyFile !== undefined || e.agent, {
      message: 'set privateKeyFile or agent: true',
      path: ['privateKeyFile'],
    })
    .refine((e) => e.hostKey !== undefined || e.knownHostsFile !== undefined, {
      message: 'pin the host key: set hostKey ("SHA256:…") or knownHostsFile; unverified host keys are refused',
      path: ['hostKey'],
    });
}

/** A jump host: where to connect, which key to pin, how to log in. */
export const SshEndpoint = withEndpointChecks(z.strictObject(sshEndpointShape));
export type SshEndpoint = z.infer<typeof SshEndpoint>;

/** A host's `ssh` section: its endpoint, timeouts, pooling and optional jump host. */
export const SshSettings = withEndpointChecks(
  z.strictObject({
    ...sshEndpointShape,
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    commandTimeoutMs: z.number().int().min(100).max(600_000).default(30_000),
    keepaliveIntervalMs: z.number().int().min(0).max(600_000).default(15_000),
    /** Close a pooled connection after this long without a command. */
    idleCloseMs: z.number().int().min(0).max(3_600_000).default(60_000),
    jump: SshEndpoint.optional(),
  }),
);
export type SshSettings = z.infer<typeof SshSettings>;
