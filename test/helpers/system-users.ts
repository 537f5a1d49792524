import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

// Real system users for the privileged tests (sudo, a hostile local user). They need root, which CI
// has; a developer's machine without it skips them with this reason (CI=true: they run and fail).

function detect(): string | null {
  if (process.platform !== 'linux') return `system-user tests need Linux, not ${process.platform}`;
  if (process.getuid?.() !== 0) return 'system-user tests need root (they create users and sudo rules; CI runs as root)';
  for (const tool of ['/usr/sbin/useradd', '/usr/sbin/userdel', '/usr/sbin/runuser']) {
    if (!existsSync(tool)) return `${tool} is missing (apt-get install passwd util-linux)`;
  }
  return null;
}

/** Why these tests cannot run here, or null. Under CI=true always null: a missing tool must fail the run. */
export const systemUsersUnavailableReason: string | null = process.env.CI === 'true' ? null : detect();

/** Why the sudo tests cannot run here (no sudo), or null; under CI=true always null. */
export const sudoUnavailableReason: string | null =
  process.env.CI === 'true' ? null : (systemUsersUnavailableReason ?? (existsSync('/usr/bin/sudo') && existsSync('/usr/sbin/visudo') ? null : 'sudo is not installed (apt-get install sudo)'));

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  /** Lets `publicKeyFile`'s key log in as this user (~/.ssh/authorized_keys, owned, 0600). */
  authorize(publicKeyFile: string): Promise<void>;
  remove(): void;
}

/** Creates a throwaway user `<prefix>-<hex>` with a home and /bin/sh. */
export async function createSystemUser(prefix: string): Promise<SystemUser> {
  const name = `${prefix}-${randomBytes(3).toString('hex')}`;
  // Password `*`: no password login, but not "locked" ("!"), which sshd without PAM refuses for keys too.
  execFileSync('/usr/sbin/useradd', ['-m', '-s', '/bin/sh', '-K', 'UMASK=022', '-p', '*', name], { stdio: 'ignore' });
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
  const home = `/home/${name}`;
  return {
    name,
    uid,
    gid,
    home,
    async authorize(publicKeyFile) {
      const dir = join(home, '.ssh');
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(join(dir, 'authorized_keys'), await readFile(publicKeyFile, 'utf8'), { mode: 0o600 });
      await chown(dir, uid, gid);
      await chown(join(dir, 'authorized_keys'), uid, gid);
      await chmod(join(dir, 'authorized_keys'), 0o600);
    },
    remove() {
      try {
        execFileSync('pkill', ['-KILL', '-u', name], { stdio: 'ignore' });
      } catch {
        // no processes left
      }
      try {
        execFileSync('/usr/sbin/userdel', ['-r', '-f', name], { stdio: 'ignore' });
      } catch {
        // already gone
      }
    },
  };
}

/** Writes a sudoers drop-in (checked with visudo first) and returns a function that removes it. */
export async function installSudoers(text: string): Promise<() => Promise<void>> {
  // sudo ignores drop-ins whose name has a dot or ends in ~.
  const file = `/etc/sudoers.d/wmops-test-${randomBytes(4).toString('hex')}`;
  const candidate = `${file}-candidate`;
  await writeFile(candidate, text, { mode: 0o440 });
  try {
    execFileSync('/usr/sbin/visudo', ['-cf', candidate], { stdio: 'pipe' });
  } catch (error) {
    await rm(candidate, { force: true });
    throw new Error(`visudo refused the test's sudoers text: ${String((error as { stderr?: Buffer }).stderr ?? error)}`);
  }
  await rename(candidate, file);
  return async () => {
    await rm(file, { force: true });
  };
}
