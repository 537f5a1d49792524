import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkAccess } from '../../../src/access/check-access.js';
import { parseConfigText } from '../../../src/config/load.js';
import { isBuiltInLocalHost, isListedHost, resolveListedHosts } from '../../../src/config/local-host.js';
import { resolveTargets } from '../../../src/config/resolve-targets.js';
import { hasLocalWorkermanMaster } from '../../../src/workerman/has-local-workerman-master.js';
import { createFakeApp } from '../../helpers/workerman-app.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A stand-in for /proc: one directory per pid with its cmdline (NUL-separated, as the kernel has it). */
function procDir(processes: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wo-proc-'));
  dirs.push(dir);
  for (const [pid, cmdline] of Object.entries(processes)) {
    mkdirSync(join(dir, pid));
    writeFileSync(join(dir, pid, 'cmdline'), cmdline);
  }
  // Not processes: ignored.
  mkdirSync(join(dir, 'self'));
  writeFileSync(join(dir, 'uptime'), '1.0 2.0\n');
  return dir;
}

const config = parseConfigText('hosts:\n  - name: web-1\n    ssh: { address: 10.0.0.1, username: deploy, agent: true, hostKey: "SHA256:ZUZuqUhJeRJmvX3Q0m5XwO0eQ8OTbmM0Ol0vyRCMkXU" }\n    workerman: { startFile: /srv/app/start.php }\n', 'ops.yml');
const names = (c: typeof config, name: string): string[] => resolveTargets(c, name).map((h) => h.name);

describe('hasLocalWorkermanMaster()', () => {
  it('hasLocalWorkermanMaster() finds a process titled as a Workerman master, and only that', async () => {
    expect(await hasLocalWorkermanMaster(procDir({ '1': 'init\0', '4242': 'WorkerMan: master process  start_file=/srv/app/start.php\0' }))).toBe(true);
    expect(await hasLocalWorkermanMaster(procDir({ '1': 'init\0', '4243': 'WorkerMan: worker process  web http://0.0.0.0:80\0', '9': 'php\0start.php\0start\0' }))).toBe(false);
    expect(await hasLocalWorkermanMaster(procDir({}))).toBe(false);
    expect(await hasLocalWorkermanMaster(join(tmpdir(), 'wo-no-such-proc-dir'))).toBe(false);
  });

  it.skipIf(process.platform !== 'linux')('hasLocalWorkermanMaster() sees a real process that Workerman-titled itself in /proc', async () => {
    const app = await createFakeApp({});
    try {
      await app.spawnTitled(`WorkerMan: master process  start_file=${app.startFile}`);
      expect(await hasLocalWorkermanMaster()).toBe(true);
    } finally {
      await app.cleanup();
    }
  });
});

describe('the built-in local host', () => {
  it('the loader adds it; it can be named, but all and the listing leave it out until a master is seen', () => {
    const local = config.hosts.find((h) => h.name === 'local')!;
    expect(isBuiltInLocalHost(local)).toBe(true);
    expect(isListedHost(local)).toBe(false);
    expect(names(config, 'local')).toEqual(['local']);
    expect(names(config, 'all')).toEqual(['web-1']);
    // Access rules see the same `all`: a fleet never runs on a host it does not list.
    expect(checkAccess(config, { userId: 'U0123ABCD', channelId: 'C0123ABCD', command: 'status', host: 'all' })).toMatchObject({ allowed: true, targets: [expect.objectContaining({ name: 'web-1' })] });
  });

  it('resolveListedHosts() lists it when a master runs here, asking only when there is a built-in host', async () => {
    let asked = 0;
    const running = await resolveListedHosts(config, async () => (asked += 1, true));
    expect(names(running, 'all')).toEqual(['web-1', 'local']);
    expect(running.hosts.filter(isListedHost).map((h) => h.name)).toEqual(['web-1', 'local']);
    expect(isBuiltInLocalHost(running.hosts[1]!)).toBe(true);
    // The original config is left as it was.
    expect(names(config, 'all')).toEqual(['web-1']);
    expect(await resolveListedHosts(config, async () => (asked += 1, false))).toBe(config);
    expect(asked).toBe(2);
    // Already decided, or named in the file: nothing to ask.
    await resolveListedHosts(running, async () => (asked += 1, false));
    const named = parseConfigText('hosts:\n  - name: local\n    description: this box\n', 'ops.yml');
    await resolveListedHosts(named, async () => (asked += 1, false));
    expect(asked).toBe(2);
    expect(names(named, 'all')).toEqual(['local']);
  });

  it('with no other host and no master, `all` is host_unknown and says why', () => {
    const bare = parseConfigText('{}', 'ops.yml');
    expect(() => resolveTargets(bare, 'all')).toThrowError(
      expect.objectContaining({ code: 'host_unknown', message: expect.stringContaining('the built-in host `local` is left out: no Workerman app runs on this machine') }),
    );
  });
});
