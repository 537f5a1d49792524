import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HELPER_PATH, HostConfig } from '../../../src/config/host-config.js';
import { helperConfPath, loadHelper } from '../../../src/host/helper.js';
import { renderHelperConf, renderSetupHost, sudoersLine } from '../../../src/host/setup-host.js';
import { REPO_ROOT } from '../../helpers/paths.js';

const execFileAsync = promisify(execFile);

const sudoHost = HostConfig.parse({
  name: 'web-1',
  ssh: { address: '10.0.0.5', port: 2222, username: 'deploy', privateKeyFile: '/etc/workerman-ops/id_ed25519', hostKey: `SHA256:${'a'.repeat(43)}` },
  workerman: { startFile: '/srv/app/start.php', php: '/usr/bin/php8.2', runAs: 'www-data' },
  strace: { sudo: true, path: '/usr/bin/strace', maxDurationS: 20 },
});

/** The lines a shell would run: without comments and blank lines. */
function commands(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

describe('sudoersLine()', () => {
  it('is the one rule the README shows, naming only the helper', () => {
    expect(sudoersLine('deploy', '/usr/local/sbin/workerman-ops-helper')).toBe('deploy ALL=(root) NOPASSWD: /usr/local/sbin/workerman-ops-helper');
    // The sudo tests install sudoersLine(): the README must give exactly that line.
    expect(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8')).toContain(`\n   ${sudoersLine('deploy', DEFAULT_HELPER_PATH)}\n`);
  });
});

describe('renderSetupHost()', () => {
  const text = renderSetupHost(sudoHost, { from: '10.0.0.9', publicKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake workerman-ops' });
  const lines = text.split('\n');
  const at = (needle: string): number => lines.findIndex((l) => l.includes(needle));

  it('prints the restricted authorized_keys line with the bot\'s address and key, and says why there is no forced command', () => {
    expect(lines).toContain('restrict,from="10.0.0.9" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFake workerman-ops');
    expect(text).toContain('No forced command');
    expect(text).toContain('~deploy/.ssh/authorized_keys');
  });

  it('installs the helper root-owned and says its sha256', () => {
    const { sha256 } = loadHelper();
    expect(lines).toContain('scp -P 2222 "$(workerman-ops setup-host --helper-file)" 10.0.0.5:workerman-ops-helper.sh');
    expect(lines).toContain('install -o root -g root -m 0755 workerman-ops-helper.sh /usr/local/sbin/workerman-ops-helper && rm workerman-ops-helper.sh');
    expect(lines).toContain(`sha256sum /usr/local/sbin/workerman-ops-helper    # must print ${sha256}`);
  });

  it('writes helper.conf with this host\'s values, root\'s alone', () => {
    const conf = helperConfPath(sudoHost.helperPath);
    const start = at(`cat > ${conf} <<'WORKERMAN_OPS_CONF'`);
    const end = lines.indexOf('WORKERMAN_OPS_CONF');
    expect(start).toBeGreaterThan(0);
    const body = lines.slice(start + 1, end);
    expect(body).toEqual(renderHelperConf(sudoHost).trimEnd().split('\n'));
    expect(body).toEqual(expect.arrayContaining(['start_file=/srv/app/start.php', 'php=/usr/bin/php8.2', 'run_as=www-data', 'strace=/usr/bin/strace', 'max_duration_s=20']));
    expect(lines[end + 1]).toBe(`chown root:root ${conf} && chmod 0644 ${conf}`);
  });

  it('checks the sudoers rule with visudo -cf before installing it, from a private temp file', () => {
    const rule = at(sudoersLine('deploy', '/usr/local/sbin/workerman-ops-helper'));
    const visudo = at('visudo -cf "$tmp"');
    const install = at('/etc/sudoers.d/workerman-ops');
    expect(rule).toBeGreaterThan(0);
    expect(lines[rule]).toContain(`'${sudoersLine('deploy', '/usr/local/sbin/workerman-ops-helper')}'`);
    expect(visudo).toBeGreaterThan(rule);
    expect(install).toBeGreaterThan(visudo);
    expect(lines[install]).toMatch(/&& install -o root -g root -m 0440 "\$tmp" \/etc\/sudoers\.d\/workerman-ops; rm -f "\$tmp"$/);
    expect(text).toContain('tmp=$(mktemp)');
    expect(text).not.toMatch(/\/tmp\/workerman-ops\.sudoers/);
  });

  it('has no NOPASSWD rule for strace or php, and exactly one NOPASSWD rule', () => {
    const rules = commands(text).filter((l) => l.includes('NOPASSWD'));
    expect(rules).toHaveLength(1);
    for (const l of rules) expect(l).not.toMatch(/NOPASSWD:.*(strace|php)/);
    expect(text).toContain('Do not add rules for strace or php');
  });

  it('is valid sh (the lines a person pastes)', async () => {
    await expect(execFileAsync('sh', ['-n', '-c', text])).resolves.toBeDefined();
  });

  it('ends with the doctor check', () => {
    expect(lines.filter((l) => l !== '').at(-1)).toBe('# 6. Check, on the bot\'s machine: workerman-ops doctor web-1');
  });

  it('a host without sudo needs nothing installed: no sudoers rule, no helper.conf', () => {
    const plain = renderSetupHost(HostConfig.parse({ name: 'web-2', ssh: { ...sudoHost.ssh! }, workerman: { startFile: '/srv/app/start.php' } }));
    expect(plain).not.toContain('NOPASSWD');
    expect(plain).not.toContain('helper.conf');
    expect(plain).toContain('restrict,from="BOT-ADDRESS"');
    expect(plain).toContain('kernel.yama.ptrace_scope 0');
    expect(plain).toContain('workerman-ops doctor web-2');
  });

  it('this machine with sudo: the rule names the bot\'s user, the helper installs from the package file', async () => {
    const local = renderSetupHost(HostConfig.parse({ name: 'local', strace: { sudo: true } }), { localUser: 'bot' });
    expect(local).not.toContain('authorized_keys');
    expect(local).toContain(sudoersLine('bot', '/usr/local/sbin/workerman-ops-helper'));
    expect(local).toContain(`install -o root -g root -m 0755 ${loadHelper().file} /usr/local/sbin/workerman-ops-helper`);
    expect(local).toContain('replace /srv/app/start.php');
    await expect(execFileAsync('sh', ['-n', '-c', local])).resolves.toBeDefined();
  });
});
