import { existsSync } from 'node:fs';
import { chmod, chown, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HostConfig } from '../../src/config/host-config.js';
import { helperConfPath, loadHelper } from '../../src/host/helper.js';
import { renderHelperConf } from '../../src/host/setup-host.js';
import { FAKE_PHP, STATUS_FIXTURES } from './paths.js';
import { startSshd, type SshdHandle } from './sshd.js';
import { createSystemUser, type SystemUser } from './system-users.js';

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

/**
 * Writes `<prefix>/sbin/php`: a copy of fake-php (the app user may not reach the repository) run by this
 * node (wherever CI installed it), as a wrapper; returns its path.
 */
async function installFakePhp(prefix: string): Promise<string> {
  const php = join(prefix, 'sbin', 'php');
  // .mjs: the copy has no package.json beside it to say it is an ES module.
  const script = join(prefix, 'sbin', 'fake-php.mjs');
  await mkdir(join(prefix, 'sbin'), { recursive: true, mode: 0o755 });
  await copyFile(FAKE_PHP, script);
  await chmod(script, 0o644);
  await writeFile(php, `#!/bin/sh\nexec '${process.execPath}' '${script}' "$@"\n`, { mode: 0o755 });
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
async function createOwnedApp(owner: SystemUser, tmpName: string, capture = 'wm5.2.2-idle'): Promise<{ dir: string; startFile: string }> {
  const dir = await mkdtemp(join('/tmp', tmpName));
  await chmod(dir, 0o755);
  const startFile = join(dir, 'start.php');
  // The capture (its .out, .json and .err, as fake-php reads them) is copied in: the app user may not
  // reach the repository.
  const copies = ['.out', '.json', '.err'].map((ext) => `${capture}${ext}`).filter((f) => existsSync(join(STATUS_FIXTURES, f)));
  for (const f of copies) await copyFile(join(STATUS_FIXTURES, f), join(dir, f));
  await writeFile(startFile, JSON.stringify({ status: [join(dir, capture)] }));
  for (const f of [dir, startFile, ...copies.map((c) => join(dir, c))]) await chown(f, owner.uid, owner.gid);
  return { dir, startFile };
}

export interface SudoHost {
  sshd: SshdHandle;
  /** The non-root user the bot logs in as (its key authorized). */
  sshUser: SystemUser;
  /** The user the app runs as (`workerman.runAs`). */
  appUser: SystemUser;
  /** The app user's directory (world-traversable)… */
  appDir: string;
  /** …and its start.php, which makes fake-php replay wm5.2.2-idle. */
  startFile: string;
  /** Where the helper, the php wrapper and helper.conf are installed. */
  prefix: string;
  /** web-1 over the sshd as sshUser, through the installed helper with `strace.sudo`, its helper.conf written. */
  host: HostConfig;
  /** Removes both users and both directories and stops sshd. */
  remove(): Promise<void>;
}

/**
 * The privileged host of the sudo tests: a real sshd, a non-root SSH user and an app user, and the
 * helper installed under a fresh `/tmp/<tmpName>XXXXXX` prefix. No sudo rule: the test installs it
 * (system-users' installSudoers) when it wants one. On failure it removes what it made.
 */
export async function createSudoHost(opts: { sshUser: string; appUser: string; tmpName: string; strace?: Record<string, unknown> }): Promise<SudoHost> {
  const made: Partial<SudoHost> = {};
  const remove = async (): Promise<void> => {
    made.sshUser?.remove();
    made.appUser?.remove();
    if (made.prefix !== undefined) await rm(made.prefix, { recursive: true, force: true });
    if (made.appDir !== undefined) await rm(made.appDir, { recursive: true, force: true });
    await made.sshd?.stop();
  };
  try {
    const sshd = (made.sshd = await startSshd());
    const sshUser = (made.sshUser = await createSystemUser(opts.sshUser));
    const appUser = (made.appUser = await createSystemUser(opts.appUser));
    await sshUser.authorize(`${sshd.clientKeyFile}.pub`);
    const { dir, startFile } = await createOwnedApp(appUser, `${opts.tmpName}app-`);
    made.appDir = dir;
    const prefix = (made.prefix = await mkdtemp(join('/tmp', opts.tmpName)));
    await chmod(prefix, 0o755);
    const helperPath = await installHelper(prefix);
    const php = await installFakePhp(prefix);
    const host = HostConfig.parse({
      name: 'web-1',
      ssh: sshd.sshSettings({ username: sshUser.name }),
      helperPath,
      workerman: { startFile, php, runAs: appUser.name },
      strace: { sudo: true, path: '/usr/bin/strace', ...opts.strace },
    });
    await installHelperConf(host);
    return { sshd, sshUser, appUser, appDir: dir, startFile, prefix, host, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
