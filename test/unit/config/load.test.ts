import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listConfigSearchPaths, loadConfig, parseConfigText } from '../../../src/config/load.js';
import { BotError } from '../../../src/errors.js';

const FP = 'SHA256:ZUZuqUhJeRJmvX3Q0m5XwO0eQ8OTbmM0Ol0vyRCMkXU';
const goodHost = `
  - name: web-1
    ssh: { address: 10.0.0.5, username: deploy, privateKeyFile: /k/id, hostKey: "${FP}" }
    workerman: { startFile: /srv/app/start.php }
`;

function configError(text: string): BotError {
  try {
    parseConfigText(text, 'ops.yml');
  } catch (error) {
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('config_invalid');
    return error as BotError;
  }
  throw new Error('expected a config error');
}

describe('parseConfigText()', () => {
  it('reads a host with defaults filled in and adds the built-in local host', () => {
    const config = parseConfigText(`hosts:${goodHost}`, 'ops.yml');
    expect(config.hosts.map((h) => h.name)).toEqual(['web-1', 'local']);
    const web = config.hosts[0]!;
    expect(web.ssh).toMatchObject({ port: 22, connectTimeoutMs: 10_000, commandTimeoutMs: 30_000, agent: false });
    expect(web.workerman.php).toBe('php');
    expect(web.strace).toMatchObject({ path: 'strace', sudo: false, defaultDurationS: 5, maxDurationS: 30 });
    expect(config.hosts[1]!.ssh).toBeUndefined();
  });

  it('names the file and the path inside it for a wrong type', () => {
    const error = configError(`hosts:${goodHost}  - name: web-2
    ssh: { address: 10.0.0.6, port: "twenty-two", username: deploy, agent: true, hostKey: "${FP}" }
    workerman: { startFile: /srv/app/start.php }
`);
    expect(error.message).toContain('ops.yml');
    expect(error.message).toContain('hosts[1].ssh.port: expected a number');
  });

  it('refuses an SSH host without a pinned host key', () => {
    const error = configError(`hosts:
  - name: web-1
    ssh: { address: 10.0.0.5, username: deploy, agent: true }
    workerman: { startFile: /srv/app/start.php }
`);
    expect(error.message).toMatch(/hosts\[0\]\.ssh\.hostKey: pin the host key/);
  });

  it('refuses duplicate names, non-slug names and shell metacharacters in addresses', () => {
    expect(configError(`hosts:${goodHost}${goodHost}`).message).toContain('hosts[1].name: duplicate host name "web-1"');
    expect(configError(`hosts:\n  - name: "Web 1"\n`).message).toContain('hosts[0].name: expected a slug');
    const evil = configError(`hosts:
  - name: web-1
    ssh: { address: "10.0.0.5;reboot", username: deploy, agent: true, hostKey: "${FP}" }
    workerman: { startFile: /srv/app/start.php }
`);
    expect(evil.message).toContain('hosts[0].ssh.address');
  });

  it('requires a start file for SSH hosts and an absolute path', () => {
    expect(configError(`hosts:
  - name: web-1
    ssh: { address: 10.0.0.5, username: deploy, agent: true, hostKey: "${FP}" }
`).message).toContain('hosts[0].workerman.startFile: required for an SSH host');
    expect(configError(`hosts:\n  - name: a\n    workerman: { startFile: start.php }\n`).message).toContain('hosts[0].workerman.startFile: expected an absolute path');
  });

  it('refuses misspelt keys instead of silently ignoring them', () => {
    const error = configError(`hosts:
  - name: web-1
    ssh: { address: 10.0.0.5, prot: 2222, username: deploy, agent: true, hostKey: "${FP}" }
    workerman: { startFile: /srv/app/start.php, runas: www-data }
`);
    expect(error.message).toContain('hosts[0].ssh: unknown key "prot" (did you mean "port"?)');
    expect(error.message).toContain('hosts[0].workerman: unknown key "runas" (did you mean "runAs"?)');
  });

  it('suggests the closest known key at every depth, and nothing for a key far from all', () => {
    const error = configError(`limit: {}\nhosts:\n  - name: web-1\n    strace: { maxDuration: 10 }\n    workerman: { startFile: /a/start.php }\n    colour: red\naccess: { rules: [ { commands: [status], channels: [C0123OPS01], user: [U0123ABCD] } ] }\ngroups: { web: { host: [web-1] } }\n`);
    expect(error.message).toContain('(top level): unknown key "limit" (did you mean "limits"?)');
    expect(error.message).toContain('hosts[0].strace: unknown key "maxDuration" (did you mean "maxDurationS"?)');
    expect(error.message).toContain('hosts[0]: unknown key "colour"\n');
    expect(error.message).toContain('access.rules[0]: unknown key "user" (did you mean "users"?)');
    expect(error.message).toContain('groups.web: unknown key "host" (did you mean "hosts"?)');
  });

  it('checks the jump host like the host: a pinned key is required', () => {
    const error = configError(`hosts:
  - name: web-1
    ssh: { address: 10.0.0.5, username: deploy, agent: true, hostKey: "${FP}", jump: { address: bastion, username: u, agent: true } }
    workerman: { startFile: /srv/app/start.php }
`);
    expect(error.message).toContain('hosts[0].ssh.jump.hostKey: pin the host key');
  });

  it('reports YAML syntax errors with the line', () => {
    expect(configError('hosts:\n  - name: [unclosed\n').message).toMatch(/ops\.yml \(line \d+, column \d+\): invalid YAML/);
  });

  it('refuses ~ in a start file: it would be the SSH user\'s home on the host, unknown to the bot', () => {
    for (const startFile of ['~/app/start.php', '~deploy/app/start.php', '~']) {
      const error = configError(`hosts:\n  - name: web-1\n    ssh: { address: 10.0.0.5, username: deploy, agent: true, hostKey: "${FP}" }\n    workerman: { startFile: "${startFile}" }\n`);
      expect(error.message).toContain('hosts[0].workerman.startFile: "~" is not expanded here: it would be the home directory of the SSH user on the host');
      expect(error.message).toContain('Write the absolute path');
    }
    // A ~ inside a path is an ordinary character (quoted, used as is).
    const config = parseConfigText(`hosts:\n  - name: w\n    workerman: { startFile: /srv/app~2/start.php }\n`, 'ops.yml');
    expect(config.hosts[0]!.workerman.startFile).toBe('/srv/app~2/start.php');
  });

  it('reads the audit and user group cache settings with their defaults', () => {
    const defaults = parseConfigText(`access: { channels: [C0123OPS01] }\n`, 'ops.yml');
    expect(defaults.audit).toEqual({ requireForPrivileged: true, maxBacklogRecords: 10_000 });
    expect(defaults.access).toMatchObject({ userGroupCacheS: 300, traceUserGroupCacheS: 30 });
    const set = parseConfigText(
      `access: { userGroupCacheS: 60, traceUserGroupCacheS: 0 }\naudit: { file: /var/log/a.jsonl, requireForPrivileged: false, maxBacklogRecords: 50 }\n`,
      'ops.yml',
    );
    expect(set.audit).toEqual({ file: '/var/log/a.jsonl', requireForPrivileged: false, maxBacklogRecords: 50 });
    expect(set.access).toMatchObject({ userGroupCacheS: 60, traceUserGroupCacheS: 0 });
    expect(configError(`access: { userGroupCacheS: 10, traceUserGroupCacheS: 30 }\n`).message).toContain(
      'access.traceUserGroupCacheS: must not exceed userGroupCacheS',
    );
    expect(configError(`audit: { maxBacklogRecords: 0 }\n`).message).toContain('audit.maxBacklogRecords');
  });

  it('expands ~/ in key and known_hosts paths from HOME', () => {
    const config = parseConfigText(
      `hosts:\n  - name: w\n    ssh: { address: h, username: u, privateKeyFile: ~/.ssh/id, knownHostsFile: ~/.ssh/known_hosts }\n    workerman: { startFile: /a/start.php }\n`,
      'ops.yml',
      { HOME: '/home/ops' },
    );
    expect(config.hosts[0]!.ssh).toMatchObject({ privateKeyFile: '/home/ops/.ssh/id', knownHostsFile: '/home/ops/.ssh/known_hosts' });
  });
});

describe('loadConfig()', () => {
  const dirs: string[] = [];
  const tempDir = async (): Promise<string> => {
    const dir = await mkdtemp(join(tmpdir(), 'wo-config-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  // Every search stays in a temp dir: HOME there, the system file there (never the machine's own).
  const isolated = (dir: string, env: NodeJS.ProcessEnv = {}) => ({ env: { HOME: dir, ...env }, cwd: dir, systemConfigFile: join(dir, 'etc', 'config.yml') });

  it('works with no file at all: only the built-in local host, and says where it looked', async () => {
    const dir = await tempDir();
    const loaded = await loadConfig(isolated(dir));
    expect(loaded.path).toBeNull();
    expect(loaded.searched).toEqual([join(dir, 'workerman-ops.yml'), join(dir, '.config', 'workerman-ops', 'config.yml'), join(dir, 'etc', 'config.yml')]);
    expect(loaded.config.hosts.map((h) => h.name)).toEqual(['local']);
  });

  it('prefers --config over WORKERMAN_OPS_CONFIG over ./workerman-ops.yml', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'workerman-ops.yml'), 'hosts:\n  - name: from-default\n');
    await writeFile(join(dir, 'env.yml'), 'hosts:\n  - name: from-env\n');
    await writeFile(join(dir, 'flag.yml'), 'hosts:\n  - name: from-flag\n');
    const names = async (opts: { path?: string; env: NodeJS.ProcessEnv }) =>
      (await loadConfig({ ...isolated(dir, opts.env), ...(opts.path === undefined ? {} : { path: opts.path }) })).config.hosts.map((h) => h.name)[0];
    expect(await names({ env: {} })).toBe('from-default');
    expect(await names({ env: { WORKERMAN_OPS_CONFIG: 'env.yml' } })).toBe('from-env');
    expect(await names({ path: 'flag.yml', env: { WORKERMAN_OPS_CONFIG: 'env.yml' } })).toBe('from-flag');
  });

  it('then searches $XDG_CONFIG_HOME (else ~/.config), then the system file; the first found wins', async () => {
    const dir = await tempDir();
    const { mkdir } = await import('node:fs/promises');
    const write = async (path: string, name: string) => {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, `hosts:\n  - name: ${name}\n`);
    };
    const first = async (env: NodeJS.ProcessEnv = {}) => {
      const loaded = await loadConfig(isolated(dir, env));
      return [loaded.path, loaded.config.hosts[0]!.name];
    };
    await write(join(dir, 'etc', 'config.yml'), 'from-etc');
    expect(await first()).toEqual([join(dir, 'etc', 'config.yml'), 'from-etc']);
    await write(join(dir, '.config', 'workerman-ops', 'config.yml'), 'from-home');
    expect(await first()).toEqual([join(dir, '.config', 'workerman-ops', 'config.yml'), 'from-home']);
    await write(join(dir, 'xdg', 'workerman-ops', 'config.yml'), 'from-xdg');
    expect(await first({ XDG_CONFIG_HOME: join(dir, 'xdg') })).toEqual([join(dir, 'xdg', 'workerman-ops', 'config.yml'), 'from-xdg']);
    // A relative XDG_CONFIG_HOME is invalid per the spec: ~/.config is used.
    expect((await first({ XDG_CONFIG_HOME: 'xdg' }))[1]).toBe('from-home');
    await write(join(dir, 'workerman-ops.yml'), 'from-cwd');
    expect((await first({ XDG_CONFIG_HOME: join(dir, 'xdg') }))[1]).toBe('from-cwd');
  });

  it('listConfigSearchPaths() defaults to ~/.config and /etc/workerman-ops', () => {
    expect(listConfigSearchPaths({ HOME: '/home/ops' }, '/srv')).toEqual([
      '/srv/workerman-ops.yml',
      '/home/ops/.config/workerman-ops/config.yml',
      '/etc/workerman-ops/config.yml',
    ]);
  });

  it('a config found on the search path that is broken is an error, not skipped', async () => {
    const dir = await tempDir();
    const { mkdir } = await import('node:fs/promises');
    await mkdir(join(dir, '.config', 'workerman-ops'), { recursive: true });
    await writeFile(join(dir, '.config', 'workerman-ops', 'config.yml'), 'hosts:\n  - nme: x\n');
    await expect(loadConfig(isolated(dir))).rejects.toThrow(/config\.yml is not a valid workerman-ops config:[^]*unknown key "nme" \(did you mean "name"\?\)/);
  });

  it('fails clearly when an explicitly named file is missing', async () => {
    const dir = await tempDir();
    await expect(loadConfig({ path: 'nope.yml', env: {}, cwd: dir })).rejects.toThrow(/Cannot read config file .*nope\.yml: no such file/);
  });

  it('accepts the committed example config', async () => {
    const loaded = await loadConfig({ path: 'workerman-ops.example.yml', env: { HOME: '/home/ops' }, cwd: process.cwd() });
    expect(loaded.config.hosts.map((h) => h.name)).toEqual(['web-1', 'chat-1', 'local']);
  });
});
