import { describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { BotError } from '../../../src/errors.js';
import { LocalTransport } from '../../../src/transport/local.js';
import { createTransports } from '../../../src/transport/pool.js';
import { SshTransport } from '../../../src/transport/ssh.js';

const hosts = [
  HostConfig.parse({ name: 'local' }),
  HostConfig.parse({
    name: 'web-1',
    ssh: {
      address: '127.0.0.1',
      port: 2222,
      username: 'deploy',
      privateKeyFile: '/nonexistent/key',
      hostKey: 'SHA256:oaMpR0/BD7uzUUUc2C4t00fRkQbvAGBTF8kd9m0rF18',
    },
    workerman: { startFile: '/srv/wm/start.php' },
  }),
];

describe('createTransports()', () => {
  it('createTransports() gives a LocalTransport without ssh settings and an SshTransport with them', () => {
    const pool = createTransports(hosts, { env: {} });
    expect(pool.get('local')).toBeInstanceOf(LocalTransport);
    expect(pool.get('web-1')).toBeInstanceOf(SshTransport);
    expect(pool.get('web-1').label).toBe('deploy@127.0.0.1:2222');
    expect(pool.get('local').label).toBe('local');
  });

  it('createTransports() returns one instance per host', () => {
    const pool = createTransports(hosts, { env: {} });
    expect(pool.get('web-1')).toBe(pool.get('web-1'));
    expect(pool.get('local')).toBe(pool.get('local'));
  });

  it('createTransports() refuses an unknown host with host_unknown listing the configured ones', () => {
    const pool = createTransports(hosts, { env: {} });
    let error: unknown;
    try {
      pool.get('db-9');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('host_unknown');
    expect((error as BotError).message).toBe(
      'Unknown host "db-9". Configured hosts: local, web-1. Use `workerman-ops hosts` to list them.',
    );
  });

  it('createTransports() closeAll() is idempotent and connects nothing that was never used', async () => {
    const pool = createTransports(hosts, { env: {} });
    pool.get('web-1');
    await pool.closeAll();
    await pool.closeAll();
  });

  it('SshTransport reads the private key lazily and names a missing file in config_invalid', async () => {
    const pool = createTransports(hosts, { env: {} });
    const error = await pool.get('web-1').run(['true'], { timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('config_invalid');
    expect((error as BotError).message).toContain('/nonexistent/key');
    await pool.closeAll();
  });
});
