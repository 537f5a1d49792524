import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, readFile, readdir, rm, writeFile, chmod } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

// A throwaway OpenSSH server on 127.0.0.1 for tests and the bench: fresh host and user keys in a temp
// dir, its own sshd_config, nothing of the machine's ssh setup touched. Shared by test/helpers/sshd.ts
// and bench/ssh-roundtrip.bench.ts so there is one implementation.

const execFileAsync = promisify(execFile);
const SSHD = '/usr/sbin/sshd';
const SSH_KEYGEN_CANDIDATES = ['/usr/bin/ssh-keygen', '/bin/ssh-keygen', '/usr/local/bin/ssh-keygen'];
const START_TIMEOUT_MS = 10_000;

function detectUnavailableReason(): string | null {
  if (process.platform !== 'linux' && process.platform !== 'darwin') return `sshd tests need Linux or macOS, not ${process.platform}`;
  if (!existsSync(SSHD)) return `sshd not installed at ${SSHD} (apt-get install openssh-server)`;
  if (findKeygen() === null) return 'ssh-keygen not installed (apt-get install openssh-client)';
  return null;
}

function findKeygen(): string | null {
  return SSH_KEYGEN_CANDIDATES.find((p) => existsSync(p)) ?? null;
}

const detectedReason = detectUnavailableReason();

/**
 * Why the real-sshd tests cannot run here, or null when they can. In CI (`CI=true`) this is always null:
 * there a missing sshd must fail the run (startSshd() throws) rather than skip it quietly.
 */
export const sshdUnavailableReason: string | null = process.env.CI === 'true' ? null : detectedReason;

export interface SshdHandle {
  port: number;
  address: '127.0.0.1';
  /** The current user (root in CI). */
  username: string;
  clientKeyFile: string;
  hostKeyFingerprint: string;
  knownHostsFile: string;
  tmpDir: string;
  /** A ready-to-use `ssh` block for a HostConfig (input shape of the zod schema). */
  sshSettings(overrides?: Record<string, unknown>): Record<string, unknown>;
  stop(): Promise<void>;
}

/** Starts a throwaway sshd on a free 127.0.0.1 port and resolves once it accepts connections. */
export async function startSshd(): Promise<SshdHandle> {
  if (detectedReason !== null) throw new Error(`Cannot start the test sshd: ${detectedReason}`);
  const keygen = findKeygen() as string;
  const tmpDir = await mkdtemp(join(tmpdir(), 'wmops-sshd-'));
  try {
    const hostKey = join(tmpDir, 'ssh_host_ed25519_key');
    const clientKeyFile = join(tmpDir, 'client_ed25519');
    await execFileAsync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'wmops-test-host', '-f', hostKey]);
    await execFileAsync(keygen, ['-q', '-t', 'ed25519', '-N', '', '-C', 'wmops-test-client', '-f', clientKeyFile]);
    const authorizedKeys = join(tmpDir, 'authorized_keys');
    await writeFile(authorizedKeys, await readFile(`${clientKeyFile}.pub`, 'utf8'));
    await chmod(authorizedKeys, 0o600);
    const hostPub = (await readFile(`${hostKey}.pub`, 'utf8')).trim().split(/\s+/);
    const fingerprintLine = (await execFileAsync(keygen, ['-lf', `${hostKey}.pub`])).stdout;
    const hostKeyFingerprint = fingerprintLine.split(/\s+/)[1] ?? '';
    // sshd as root wants its privilege separation directory.
    if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });

    let lastError: Error | undefined;
    // A free port can be taken between probing and binding: try a few.
    for (let attempt = 0; attempt < 3; attempt += 1) {
      const port = await freePort();
      const config = join(tmpDir, 'sshd_config');
      await writeFile(config, sshdConfig({ port, tmpDir, hostKey, authorizedKeys }));
      const knownHostsFile = join(tmpDir, 'known_hosts');
      await writeFile(knownHostsFile, `[127.0.0.1]:${port} ${hostPub[0]} ${hostPub[1]}\n`);
      try {
        const child = await launch(config, port);
        const username = userInfo().username;
        return {
          port,
          address: '127.0.0.1',
          username,
          clientKeyFile,
          hostKeyFingerprint,
          knownHostsFile,
          tmpDir,
          sshSettings: (overrides = {}) => ({
            address: '127.0.0.1',
            port,
            username,
            privateKeyFile: clientKeyFile,
            hostKey: hostKeyFingerprint,
            connectTimeoutMs: 5_000,
            commandTimeoutMs: 10_000,
            ...overrides,
          }),
          stop: async () => {
            await stopSshd(child);
            await rm(tmpDir, { recursive: true, force: true });
          },
        };
      } catch (error) {
        lastError = error as Error;
      }
    }
    throw lastError ?? new Error('sshd did not start');
  } catch (error) {
    await rm(tmpDir, { recursive: true, force: true });
    throw error;
  }
}

function sshdConfig(o: { port: number; tmpDir: string; hostKey: string; authorizedKeys: string }): string {
  return [
    `Port ${o.port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${o.hostKey}`,
    // The throwaway key for every user; test users of their own (sudo tests) also get their ~/.ssh file.
    `AuthorizedKeysFile ${o.authorizedKeys} %h/.ssh/authorized_keys`,
    `PidFile ${join(o.tmpDir, 'sshd.pid')}`,
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'UsePAM no',
    'StrictModes no',
    'PermitRootLogin prohibit-password',
    // The jump-host test forwards through this same server.
    'AllowTcpForwarding yes',
    'MaxSessions 30',
    'MaxStartups 100',
    'LogLevel VERBOSE',
    // bash sources ~/.bashrc for commands run by sshd unless SHLVL says it is nested; a developer's
    // heavy .bashrc (pyenv, nvm) would otherwise add seconds to every test command. The transport
    // itself does not depend on this: real hosts run their users' shells as configured.
    'SetEnv SHLVL=1',
    '',
  ].join('\n');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Starts `sshd -D -e` and resolves when it says it listens and the port accepts a connection. */
async function launch(config: string, port: number): Promise<ChildProcess> {
  const child = spawn(SSHD, ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (text: string) => {
    // Keep only the start of the log: enough to explain a failed start, bounded for long test runs.
    if (log.length < 16_000) log += text;
  });
  const exited = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`sshd exited during start-up (${signal ?? code}): ${log.trim()}`)));
    child.once('error', reject);
  });
  exited.catch(() => {});
  const deadline = Date.now() + START_TIMEOUT_MS;
  try {
    for (;;) {
      const isListening = log.includes(`Server listening on 127.0.0.1 port ${port}`) && (await accepts(port));
      if (isListening) return child;
      if (Date.now() > deadline) throw new Error(`sshd did not listen on 127.0.0.1:${port} within ${START_TIMEOUT_MS} ms: ${log.trim()}`);
      await Promise.race([new Promise((r) => setTimeout(r, 50)), exited]);
    }
  } catch (error) {
    await stopSshd(child);
    throw error;
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Stops the listener and the per-connection sshd processes it forked (they live in their own sessions,
 * so they are found by parent pid, not by process group).
 */
async function stopSshd(child: ChildProcess): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const children = await childPids(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  for (const c of children) {
    try {
      process.kill(c, 'SIGTERM');
    } catch {
      // Already gone.
    }
  }
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

async function childPids(parent: number): Promise<number[]> {
  if (process.platform !== 'linux') return [];
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = await readFile(`/proc/${entry}/stat`, 'utf8');
      // Field 4 (ppid) follows the `(comm)` field, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === parent) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
