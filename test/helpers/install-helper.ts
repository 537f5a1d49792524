import { chmod, chown, copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HostConfig } from '../../src/config/schema.js';
import { helperConfPath, loadHelper } from '../../src/host/helper.js';
import { renderHelperConf } from '../../src/host/setup-host.js';
import { FAKE_PHP, STATUS_FIXTURES } from './paths.js';
import type { SystemUser } from './system-users.js';

// The privileged set-up of the sudo tests, as an operator does it after `setup-host`: the helper and
// its helper.conf installed root-owned under a prefix, and an app directory owned by the app's user.

/** Installs the helper as `<prefix>/sbin/workerman-ops-helper` (0755, owned by the test's user: root in CI); returns its path. */
export async function installHelper(prefix: string): Promise<string> {
  const helperPath = join(prefix, 'sbin', 'workerman-ops-helper');
  await mkdir(join(prefix, 'sbin'), { recursive: true, mode: 0o755 });
  await copyFile(loadHelper().file, helperPath);
  await chmod(helperPath, 0o755);
  return helperPath;
}

/** Writes `<prefix>/sbin/php`: fake-php through this node (wherever CI installed it), as a wrapper; returns its path. */
export async function installFakePhp(prefix: string): Promise<string> {
  const php = join(prefix, 'sbin', 'php');
  await mkdir(join(prefix, 'sbin'), { recursive: true, mode: 0o755 });
  await writeFile(php, `#!/bin/sh\nexec '${process.execPath}' '${FAKE_PHP}' "$@"\n`, { mode: 0o755 });
  return php;
}

/** Writes the helper.conf setup-host renders for `host` where its helper reads it (0644); returns its path. */
export async function installHelperConf(host: HostConfig): Promise<string> {
  const conf = helperConfPath(host.helperPath);
  await mkdir(dirname(conf), { recursive: true, mode: 0o755 });
  await writeFile(conf, renderHelperConf(host), { mode: 0o644 });
  return conf;
}

/**
 * A fresh `/tmp/<tmpName>XXXXXX` app directory owned by `owner`, with a start.php that makes fake-php
 * replay the status capture `capture`; world-traversable (0755).
 */
export async function createOwnedApp(owner: SystemUser, tmpName: string, capture = 'wm5.2.2-idle'): Promise<{ dir: string; startFile: string }> {
  const dir = await mkdtemp(join('/tmp', tmpName));
  await chmod(dir, 0o755);
  const startFile = join(dir, 'start.php');
  await writeFile(startFile, JSON.stringify({ status: [join(STATUS_FIXTURES, capture)] }));
  await chown(dir, owner.uid, owner.gid);
  await chown(startFile, owner.uid, owner.gid);
  return { dir, startFile };
}
