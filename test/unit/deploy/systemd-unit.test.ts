import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths.js';

// What the unit must say; `systemd-analyze verify` and `security` (integration) check that systemd reads it so.
const DEPLOY = join(REPO_ROOT, 'deploy');

/** Unit file sections → key → every value given (a key may repeat, e.g. SystemCallFilter=). */
function parseUnit(text: string): Map<string, Map<string, string[]>> {
  const sections = new Map<string, Map<string, string[]>>();
  let current: Map<string, string[]> | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const section = /^\[(.+)\]$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1]!, current);
      continue;
    }
    const m = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (!m || current === undefined) throw new Error(`not a unit file line: ${line}`);
    current.set(m[1]!, [...(current.get(m[1]!) ?? []), m[2]!]);
  }
  return sections;
}

const unit = parseUnit(readFileSync(join(DEPLOY, 'workerman-ops.service'), 'utf8'));
const service = unit.get('Service')!;
const one = (key: string): string | undefined => service.get(key)?.at(-1);

describe('deploy/workerman-ops.service', () => {
  it('workerman-ops.service runs `workerman-ops serve` as the workerman-ops user with the config in /etc', () => {
    expect(one('ExecStart')).toBe('/usr/bin/env workerman-ops serve');
    expect(one('User')).toBe('workerman-ops');
    expect(one('Group')).toBe('workerman-ops');
    expect(one('EnvironmentFile')).toBe('/etc/workerman-ops/env');
    expect(service.get('Environment')).toContain('WORKERMAN_OPS_CONFIG=/etc/workerman-ops/config.yml');
    expect(one('StateDirectory')).toBe('workerman-ops');
    expect(one('WorkingDirectory')).toBe('/var/lib/workerman-ops');
    expect(one('Restart')).toBe('on-failure');
    // config_invalid (exit 3) does not fix itself by restarting.
    expect(one('RestartPreventExitStatus')).toBe('3');
    expect(unit.get('Install')?.get('WantedBy')).toEqual(['multi-user.target']);
  });

  it('workerman-ops.service is hardened: no privileges, read-only system, only IP and local sockets', () => {
    const expected: Record<string, string> = {
      NoNewPrivileges: 'yes',
      ProtectSystem: 'strict',
      ProtectHome: 'yes',
      PrivateTmp: 'yes',
      ProtectKernelTunables: 'yes',
      ProtectControlGroups: 'yes',
      RestrictAddressFamilies: 'AF_INET AF_INET6 AF_UNIX',
      CapabilityBoundingSet: '',
      LockPersonality: 'yes',
    };
    for (const [key, value] of Object.entries(expected)) expect(one(key), key).toBe(value);
    expect(service.get('SystemCallFilter')?.[0]).toBe('@system-service');
  });

  it('workerman-ops.service leaves MemoryDenyWriteExecute off, because V8 JIT needs writable code pages', () => {
    expect(service.has('MemoryDenyWriteExecute')).toBe(false);
    expect(readFileSync(join(DEPLOY, 'workerman-ops.service'), 'utf8')).toMatch(/No MemoryDenyWriteExecute=yes: V8/);
  });
});

describe('deploy/workerman-ops.sysusers.conf and .tmpfiles.conf', () => {
  it('the sysusers entry creates the unit user, its home the state directory, without a login shell', () => {
    const lines = readFileSync(join(DEPLOY, 'workerman-ops.sysusers.conf'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'));
    expect(lines).toHaveLength(1);
    const m = /^u\s+(\S+)\s+-\s+"[^"]+"\s+(\S+)\s+(\S+)$/.exec(lines[0]!.trim());
    expect(m?.slice(1)).toEqual([one('User'), one('WorkingDirectory'), '/usr/sbin/nologin']);
  });

  it('the tmpfiles entries make /etc/workerman-ops group-readable and the SSH key folder private', () => {
    const entries = readFileSync(join(DEPLOY, 'workerman-ops.tmpfiles.conf'), 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('#'))
      .map((l) => l.trim().split(/\s+/));
    expect(entries).toEqual([
      ['d', '/etc/workerman-ops', '0750', 'root', 'workerman-ops', '-'],
      ['d', '/var/lib/workerman-ops', '0700', 'workerman-ops', 'workerman-ops', '-'],
      ['d', '/var/lib/workerman-ops/.ssh', '0700', 'workerman-ops', 'workerman-ops', '-'],
    ]);
    expect(one('StateDirectoryMode')).toBe('0700');
  });
});
