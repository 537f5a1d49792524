import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths.js';

// systemd's own tools read the unit as systemd would, without starting it (nothing here runs systemd as
// PID 1): `verify` for unknown keys, bad values and a missing ExecStart binary, `security --offline` for
// the exposure score, and sysusers/tmpfiles applied to a scratch root for the user and directories.
const DEPLOY = join(REPO_ROOT, 'deploy');
const UNIT = join(DEPLOY, 'workerman-ops.service');
const analyzeMissing = spawnSync('systemd-analyze', ['--version']).status !== 0;
const skipReason =
  process.env.CI === 'true' ? null : analyzeMissing ? 'systemd-analyze is not installed (apt-get install systemd)' : null;
if (skipReason !== null) console.warn(`systemd unit checks skipped: ${skipReason}`);

/** The highest exposure accepted (systemd's scale: 0 safest … 10; "OK" is below 2.0). */
const MAX_EXPOSURE = 2.0;

const scratch = mkdtempSync(join(tmpdir(), 'wmops-systemd-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe.skipIf(skipReason !== null)('deploy/workerman-ops.service under systemd-analyze', () => {
  it('systemd-analyze verify accepts the unit without a warning about it', () => {
    const r = spawnSync('systemd-analyze', ['verify', UNIT], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr.split('\n').filter((l) => l.includes('workerman-ops'))).toEqual([]);
    expect(r.status).toBe(0);
  });

  it('systemd-analyze verify would catch a bad key in it (the check above is not vacuous)', () => {
    const bad = join(scratch, 'bad', 'workerman-ops.service');
    mkdirSync(join(scratch, 'bad'));
    const good = readFileSync(UNIT, 'utf8');
    const text = good.replace('ProtectHome=yes', 'ProtectHome=bogus\nProtectHomes=yes');
    expect(text, 'the unit no longer has ProtectHome=yes: update this test').not.toBe(good);
    writeFileSync(bad, text);
    const r = spawnSync('systemd-analyze', ['verify', bad], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toMatch(/ProtectHomes/);
    expect(r.stderr).toMatch(/bogus/);
  });

  it(`systemd-analyze security rates the unit's exposure at most ${MAX_EXPOSURE} (OK)`, () => {
    const r = spawnSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', UNIT], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const m = /Overall exposure level for workerman-ops\.service: (\d+\.\d+) (\S+)/.exec(r.stdout);
    expect(m, r.stdout.slice(-400)).not.toBeNull();
    console.info(`systemd-analyze security: exposure ${m![1]} ${m![2]}`);
    expect(Number(m![1])).toBeLessThanOrEqual(MAX_EXPOSURE);
    // The settings the unit promises, as systemd reads them.
    for (const check of ['NoNewPrivileges=', 'ProtectSystem=', 'ProtectHome=', 'PrivateTmp=', 'CapabilityBoundingSet=~CAP_SYS_PTRACE', 'RestrictAddressFamilies=~AF_PACKET']) {
      expect(r.stdout, check).toMatch(new RegExp(`✓ ${check.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    }
  });
});

const notRoot = process.getuid?.() !== 0;
describe.skipIf(skipReason !== null || (notRoot && process.env.CI !== 'true'))('deploy sysusers and tmpfiles snippets', () => {
  it('systemd-sysusers and systemd-tmpfiles make the user and its private folders in a scratch root', () => {
    const root = join(scratch, 'root');
    for (const [file, dir] of [['workerman-ops.sysusers.conf', 'sysusers.d'], ['workerman-ops.tmpfiles.conf', 'tmpfiles.d']] as const) {
      mkdirSync(join(root, 'etc', dir), { recursive: true });
      copyFileSync(join(DEPLOY, file), join(root, 'etc', dir, 'workerman-ops.conf'));
    }
    const users = spawnSync('systemd-sysusers', [`--root=${root}`, 'workerman-ops.conf'], { encoding: 'utf8', timeout: 30_000 });
    expect(users.status, users.stderr).toBe(0);
    const entry = readFileSync(join(root, 'etc', 'passwd'), 'utf8').split('\n').find((l) => l.startsWith('workerman-ops:'));
    expect(entry).toBeDefined();
    const [, , uid, gid, , home, shell] = entry!.split(':');
    expect([home, shell]).toEqual(['/var/lib/workerman-ops', '/usr/sbin/nologin']);

    const files = spawnSync('systemd-tmpfiles', [`--root=${root}`, '--create', 'workerman-ops.conf'], { encoding: 'utf8', timeout: 30_000 });
    expect(files.status, files.stderr).toBe(0);
    const mode = (p: string) => {
      const s = statSync(join(root, p));
      return { mode: (s.mode & 0o7777).toString(8), uid: s.uid, gid: s.gid };
    };
    expect(mode('etc/workerman-ops')).toEqual({ mode: '750', uid: 0, gid: Number(gid) });
    expect(mode('var/lib/workerman-ops')).toEqual({ mode: '700', uid: Number(uid), gid: Number(gid) });
    expect(mode('var/lib/workerman-ops/.ssh')).toEqual({ mode: '700', uid: Number(uid), gid: Number(gid) });
  });
});
