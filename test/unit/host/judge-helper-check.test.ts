import { describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { hasCapSysPtrace, judgeConfChecks, judgeTraceChecks, judgeYama, type PtraceContext } from '../../../src/host/judge-helper-check.js';
import { parseHelperCheck, parseHelperVersion } from '../../../src/host/parse-helper-check.js';

const host = HostConfig.parse({ name: 'web-1', workerman: { startFile: '/srv/app/start.php' } });
const sudoHost = HostConfig.parse({ name: 'web-1', workerman: { startFile: '/srv/app/start.php', runAs: 'www-data' }, strace: { sudo: true } });

// What `workerman-ops-helper check /nonexistent/strace` printed as root on a Debian 12 box without Yama.
const USER_CHECK = `@@wmops:hello 2 check
@@wmops:check mode user 0
@@wmops:check tool timeout ok /usr/bin/timeout
@@wmops:check tool flock ok /usr/bin/flock
@@wmops:check tool tail ok /usr/bin/tail
@@wmops:check tool ps ok /usr/bin/ps
@@wmops:check tool awk ok /usr/bin/awk
@@wmops:check tool sed ok /usr/bin/sed
@@wmops:check tool stat ok /usr/bin/stat
@@wmops:check tool mktemp ok /usr/bin/mktemp
@@wmops:check tool sha256sum ok /usr/bin/sha256sum
@@wmops:check tool runuser ok /usr/sbin/runuser
@@wmops:check strace missing /nonexistent/strace
@@wmops:check yama absent
@@wmops:check cap_eff 000001fffeffffff
@@wmops:check lock_dir ok /run/workerman-ops
@@wmops:check done
`;

const SUDO_CHECK = `@@wmops:hello 2 check
@@wmops:check mode sudo 0
@@wmops:check conf ok /usr/local/etc/workerman-ops/helper.conf
@@wmops:check conf_value start_file /srv/app/start.php /srv/other/start.php
@@wmops:check conf_value php php
@@wmops:check conf_value run_as -
@@wmops:check tool timeout ok /usr/bin/timeout
@@wmops:check tool flock missing
@@wmops:check tool tail ok /usr/bin/tail
@@wmops:check tool ps missing
@@wmops:check tool awk ok /usr/bin/awk
@@wmops:check tool sed ok /bin/sed
@@wmops:check tool stat ok /usr/bin/stat
@@wmops:check tool mktemp ok /usr/bin/mktemp
@@wmops:check strace ok /usr/bin/strace strace -- version 6.1
@@wmops:check yama 2
@@wmops:check cap_eff 00000000a80425fb
@@wmops:check lock_dir fail owner_1000 /run/workerman-ops
@@wmops:check done
`;

describe('parseHelperCheck()', () => {
  it('reads the user-mode check', () => {
    const out = parseHelperCheck(USER_CHECK);
    expect(out).toMatchObject({ protocol: '2', mode: 'user', uid: 0, conf: null, yama: 'absent', capEff: '000001fffeffffff', straceCap: null, done: true, refusal: null });
    expect(out.strace).toEqual({ found: false, path: '/nonexistent/strace' });
    expect(out.tools['flock']).toBe('/usr/bin/flock');
    expect(out.lockDir).toEqual({ ok: true, path: '/run/workerman-ops' });
  });

  it('reads helper.conf values and a failed lock directory under sudo', () => {
    const out = parseHelperCheck(SUDO_CHECK);
    expect(out.conf).toEqual({ path: '/usr/local/etc/workerman-ops/helper.conf', startFiles: ['/srv/app/start.php', '/srv/other/start.php'], php: 'php', runAs: null });
    expect(out.strace).toEqual({ found: true, path: '/usr/bin/strace', version: 'strace -- version 6.1' });
    expect(out.tools['flock']).toBeNull();
    expect(out.yama).toBe(2);
    expect(out.lockDir).toEqual({ ok: false, why: 'owner_1000', path: '/run/workerman-ops' });
  });

  it('stops at a refusal', () => {
    const out = parseHelperCheck('@@wmops:hello 2 check\n@@wmops:check mode sudo 0\n@@wmops:error host_setup - conf_unsafe /usr/local/etc/workerman-ops/helper.conf writable\n');
    expect(out.done).toBe(false);
    expect(out.refusal).toEqual({ code: 'host_setup', pid: null, reason: 'conf_unsafe', args: ['/usr/local/etc/workerman-ops/helper.conf', 'writable'] });
  });

  it('parseHelperVersion() reads protocol, sha256, mode and uid', () => {
    const sha = 'a'.repeat(64);
    expect(parseHelperVersion(`@@wmops:hello 2 version\n@@wmops:version 2 ${sha} sudo 0\n`)).toEqual({ protocol: '2', sha256: sha, mode: 'sudo', uid: 0 });
    expect(parseHelperVersion('@@wmops:version 2 - user 1000\n')).toEqual({ protocol: '2', sha256: null, mode: 'user', uid: 1000 });
    expect(parseHelperVersion('sudo: a password is required\n')).toBeNull();
  });
});

describe('judgeYama()', () => {
  const root: PtraceContext = { uid: 0, mode: 'user', straceCap: null, capSysPtrace: true };
  const rootNoCap: PtraceContext = { ...root, capSysPtrace: false };
  const sudo: PtraceContext = { uid: 0, mode: 'sudo', straceCap: null, capSysPtrace: true };
  const user: PtraceContext = { uid: 1000, mode: 'user', straceCap: false, capSysPtrace: null };
  const userWithCap: PtraceContext = { ...user, straceCap: true };
  const table: Array<[number | 'absent', PtraceContext, boolean]> = [
    ['absent', user, true],
    [0, user, true],
    [0, root, true],
    [1, user, false],
    [1, userWithCap, true],
    [1, root, true],
    [1, sudo, true],
    [1, rootNoCap, false],
    [2, user, false],
    [2, userWithCap, true],
    [2, sudo, true],
    [2, rootNoCap, false],
    [3, user, false],
    [3, sudo, false],
  ];
  it.each(table)('ptrace_scope %s for %o: %s', (value, ctx, ok) => {
    const check = judgeYama(host, value, ctx);
    expect(check.ok).toBe(ok);
    expect(check.fix === null).toBe(ok);
  });

  it('says what each value means and how to fix it for this host', () => {
    expect(judgeYama(host, 1, user).detail).toContain('only its own descendants');
    expect(judgeYama(host, 1, user).fix).toContain('strace.sudo: true');
    expect(judgeYama(host, 1, user).fix).toContain('workerman-ops setup-host web-1');
    expect(judgeYama(host, 2, user).detail).toContain('CAP_SYS_PTRACE');
    expect(judgeYama(host, 3, sudo).fix).toMatch(/reboot/);
    expect(judgeYama(host, null, user).ok).toBe('warn');
  });
});

describe('hasCapSysPtrace()', () => {
  it('reads bit 19 of CapEff', () => {
    expect(hasCapSysPtrace('000001ffffffffff')).toBe(true);
    expect(hasCapSysPtrace('00000000a80425fb')).toBe(false); // Docker's default set
    expect(hasCapSysPtrace('0000000000080000')).toBe(true);
    expect(hasCapSysPtrace(null)).toBeNull();
  });
});

describe('judgeTraceChecks()', () => {
  it('a missing strace fails with the install line and the config key', () => {
    const checks = judgeTraceChecks(host, parseHelperCheck(USER_CHECK));
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['strace', false],
      ['yama', true],
      ['cap_sys_ptrace', true],
      ['tools', true],
      ['lock_dir', true],
    ]);
    expect(checks[0]!.fix).toBe('install strace on web-1 (`apt-get install strace` or `dnf install strace`), or set strace.path for web-1 to its full path (`command -v strace` on the host)');
  });

  it('under sudo: missing tools name their packages, a root without CAP_SYS_PTRACE and a foreign lock directory fail', () => {
    const checks = judgeTraceChecks(sudoHost, parseHelperCheck(SUDO_CHECK));
    const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
    expect(byId['strace']!.ok).toBe(true);
    expect(byId['yama']!.ok).toBe(false);
    expect(byId['cap_sys_ptrace']!.ok).toBe(false);
    expect(byId['cap_sys_ptrace']!.fix).toContain('--cap-add SYS_PTRACE');
    expect(byId['tools']!.detail).toBe('missing on web-1: flock, ps (a trace needs each)');
    expect(byId['tools']!.fix).toBe('install them: `apt-get install util-linux procps`');
    expect(byId['lock_dir']!.detail).toContain('belongs to uid 1000');
    expect(byId['lock_dir']!.fix).toContain('rm -r /run/workerman-ops');
  });
});

describe('judgeConfChecks()', () => {
  it('a conf that does not name the app\'s user or start file fails with the line to add', () => {
    const other = HostConfig.parse({ ...sudoHost, workerman: { ...sudoHost.workerman, startFile: '/srv/third/start.php' } });
    const checks = judgeConfChecks(other, parseHelperCheck(SUDO_CHECK), '/srv/third/start.php');
    expect(checks.map((c) => [c.id, c.ok])).toEqual([
      ['helper.conf', true],
      ['helper.start_file', false],
      ['helper.run_as', false],
    ]);
    expect(checks[1]!.fix).toBe('add the line `start_file=/srv/third/start.php` to /usr/local/etc/workerman-ops/helper.conf (as root)');
    expect(checks[2]!.fix).toBe('add the line `run_as=www-data` to /usr/local/etc/workerman-ops/helper.conf (as root)');
  });

  it('an unsafe conf fails with the message hostSetupError gives and the command that fixes it', () => {
    const out = parseHelperCheck('@@wmops:hello 2 check\n@@wmops:error host_setup - conf_unsafe /usr/local/etc/workerman-ops owner\n');
    const [check] = judgeConfChecks(sudoHost, out, '/srv/app/start.php');
    expect(check).toEqual({
      id: 'helper.conf',
      ok: false,
      detail: '/usr/local/etc/workerman-ops on web-1 is not safe for the helper (not owned by root): it must be root\'s alone (chown root:root, chmod 644; its directory 755).',
      fix: '`chown root:root /usr/local/etc/workerman-ops` (as root), and check who changed it',
    });
  });
});
