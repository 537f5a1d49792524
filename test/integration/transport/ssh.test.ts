import { execFile, execFileSync } from 'node:child_process';
import { appendFile, chmod, chown, copyFile, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshSettings } from '../../../src/config/ssh-settings.js';
import { SshTransport } from '../../../src/transport/ssh.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { errorOf } from '../../helpers/bot-error.js';

// Against a real OpenSSH sshd on 127.0.0.1 (throwaway keys, see test/helpers/sshd.ts). All traffic stays
// on loopback. Skips with the reason printed where sshd is missing; in CI it must run.

const execFileAsync = promisify(execFile);
const OTHER_FINGERPRINT = 'SHA256:oaMpR0/BD7uzUUUc2C4t00fRkQbvAGBTF8kd9m0rF18';

function settings(sshd: SshdHandle, overrides: Record<string, unknown> = {}): SshSettings {
  return SshSettings.parse(sshd.sshSettings(overrides));
}


/** True while a process with `marker` on its command line exists (on this machine: sshd is local). */
function isAlive(marker: string): boolean {
  try {
    execFileSync('pgrep', ['-f', marker], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

/** The client side port sshd saw: the same value for two commands means one shared connection. */
async function clientPort(transport: SshTransport): Promise<string> {
  const result = await transport.run(['sh', '-c', 'echo "$SSH_CONNECTION"'], { timeoutMs: 5_000 });
  expect(result.exitCode).toBe(0);
  const port = result.stdout.trim().split(' ')[1];
  expect(port).toMatch(/^\d+$/);
  return port as string;
}

describe.skipIf(sshdUnavailableReason !== null)('SshTransport against a real sshd', () => {
  let sshd: SshdHandle;
  let transport: SshTransport;

  beforeAll(async () => {
    sshd = await startSshd();
    transport = new SshTransport('web-1', settings(sshd), { env: {} });
  });
  afterAll(async () => {
    await transport?.close();
    await sshd?.stop();
  });

  it('run() returns stdout, stderr and the exit code of the remote command', async () => {
    const result = await transport.run(['sh', '-c', 'echo out; echo err >&2; exit 7'], { timeoutMs: 10_000 });
    expect(result).toMatchObject({ exitCode: 7, signal: null, timedOut: false, stdout: 'out\n', stderr: 'err\n' });
    expect(transport.label).toBe(`${sshd.username}@127.0.0.1:${sshd.port}`);
  });

  it('run() uses cwd, writes input to stdin and reports a missing program as exit 127', async () => {
    expect((await transport.run(['pwd'], { timeoutMs: 5_000, cwd: sshd.tmpDir })).stdout).toBe(`${sshd.tmpDir}\n`);
    expect((await transport.run(['cat'], { timeoutMs: 5_000, input: 'héllo\nwörld' })).stdout).toBe('héllo\nwörld');
    expect((await transport.run(['cat'], { timeoutMs: 5_000 })).exitCode).toBe(0);
    const missing = await transport.run(['no-such-program-wmops'], { timeoutMs: 5_000 });
    expect(missing.exitCode).toBe(127);
    const badCwd = await transport.run(['pwd'], { timeoutMs: 5_000, cwd: join(sshd.tmpDir, 'nope') });
    expect(badCwd.exitCode).not.toBe(0);
    expect(badCwd.stderr).toContain('nope');
  });

  it('run() caps collected output at maxOutputBytes', async () => {
    const result = await transport.run(['sh', '-c', 'head -c 200000 /dev/zero | tr "\\0" b'], { timeoutMs: 10_000, maxOutputBytes: 5_000 });
    expect(result.stdout).toBe('b'.repeat(5_000));
    expect(result.exitCode).toBe(0);
  });

  it('lines() yields lines of a slow producer before the command ends', async () => {
    const stream = transport.lines(['sh', '-c', 'for i in 1 2 3 4; do echo "line $i"; sleep 0.3; done; echo bye >&2'], {
      timeoutMs: 10_000,
    });
    const started = Date.now();
    const seen: Array<{ line: string; atMs: number }> = [];
    for await (const line of stream) seen.push({ line, atMs: Date.now() - started });
    expect(seen.map((s) => s.line)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
    const end = await stream.done;
    expect(end).toMatchObject({ exitCode: 0, timedOut: false, otherOutput: 'bye\n' });
    // The first line came well before the end (about 1.2 s).
    expect(seen[0]!.atMs).toBeLessThan(end.durationMs - 600);
  });

  it('lines() streams stderr when asked', async () => {
    const stream = transport.lines(['sh', '-c', 'echo a >&2; echo b; echo c >&2'], { timeoutMs: 5_000, stream: 'stderr' });
    const lines: string[] = [];
    for await (const line of stream) lines.push(line);
    expect(lines).toEqual(['a', 'c']);
    expect((await stream.done).otherOutput).toBe('b\n');
  });

  it('run() past its deadline returns timedOut and the remote process is gone too', async () => {
    // A unique second argument for GNU sleep (it adds them up) marks exactly this process for pgrep.
    const marker = `0.000${process.pid}${Date.now() % 1_000_000}`;
    let wasAlive = false;
    setTimeout(() => (wasAlive = isAlive(marker)), 500);
    const started = Date.now();
    const result = await transport.run(['sleep', '300', marker], { timeoutMs: 1_000 });
    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(Date.now() - started).toBeLessThan(4_000);
    expect(wasAlive).toBe(true);
    // The remote `timeout` (or the TERM signal request) ends it within a few seconds.
    expect(await waitUntil(() => !isAlive(marker), 8_000)).toBe(true);
  });

  it('lines() left early stops the remote command', async () => {
    const marker = `0.000${process.pid}${(Date.now() + 7) % 1_000_000}`;
    const stream = transport.lines(['sh', '-c', `while true; do echo tick; sleep 0.1 ${marker}; done`], { timeoutMs: 20_000 });
    let count = 0;
    for await (const line of stream) {
      expect(line).toBe('tick');
      count += 1;
      if (count === 3) break;
    }
    expect((await stream.done).timedOut).toBe(false);
    expect(await waitUntil(() => !isAlive(marker), 8_000)).toBe(true);
  });

  it('run() ends the remote command when its AbortSignal fires', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 300);
    const result = await transport.run(['sleep', '30'], { timeoutMs: 20_000, signal: controller.signal });
    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBeNull();
    expect(result.durationMs).toBeLessThan(4_000);
  });

  it('run() round-trips hostile argv through the remote shell byte for byte', async () => {
    const fixed = ["'", '"', '$(id)', '`id`', 'a\nb', '; rm -rf /', '|&<>*?~!#', '', '-n', 'é 日本 😀', '\\', "'\\''"];
    const result = await transport.run(['printf', '%s\\0', ...fixed], { timeoutMs: 5_000 });
    expect(result.stdout).toBe(fixed.map((a) => `${a}\0`).join(''));
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => !s.includes('\0')),
          { minLength: 1, maxLength: 5 },
        ),
        async (argv) => {
          const r = await transport.run(['printf', '%s\\0', ...argv], { timeoutMs: 5_000 });
          expect(r.stdout).toBe(argv.map((a) => `${a}\0`).join(''));
        },
      ),
      { numRuns: 25 },
    );
  });

  it('run() reuses one connection for consecutive and concurrent commands', async () => {
    const first = await clientPort(transport);
    const second = await clientPort(transport);
    expect(second).toBe(first);
    // More at once than one connection has channels for: the rest wait for a free channel.
    const ports = await Promise.all(Array.from({ length: 12 }, () => clientPort(transport)));
    expect(new Set(ports)).toEqual(new Set([first]));
  });

  it('SshTransport closes an idle connection after idleCloseMs and reconnects on the next command', async () => {
    const idle = new SshTransport('web-1', settings(sshd, { idleCloseMs: 300 }), { env: {} });
    try {
      const first = await clientPort(idle);
      expect(idle.isConnected).toBe(true);
      await new Promise((r) => setTimeout(r, 800));
      expect(idle.isConnected).toBe(false);
      const second = await clientPort(idle);
      expect(second).not.toBe(first);
    } finally {
      await idle.close();
    }
  });

  it('SshTransport reconnects after the connection drops', async () => {
    const dropping = new SshTransport('web-1', settings(sshd), { env: {} });
    try {
      const first = await clientPort(dropping);
      // Kill the sshd process serving this connection: the parent of the remote `timeout`.
      const error = await errorOf(dropping.run(['sh', '-c', 'kill -9 "$(ps -o ppid= -p "$PPID" | tr -d " ")"; sleep 5'], { timeoutMs: 10_000 }));
      expect(error.code).toBe('ssh_connect_failed');
      expect(error.message).toMatch(/lost/);
      const second = await clientPort(dropping);
      expect(second).not.toBe(first);
    } finally {
      await dropping.close();
    }
  });

  it('SshTransport notices a frozen peer through keepalives and reconnects', async () => {
    const frozen = new SshTransport('web-1', settings(sshd, { keepaliveIntervalMs: 200 }), { env: {} });
    let sessionPid = '';
    try {
      const first = await clientPort(frozen);
      // The sshd process serving this connection is the parent of the remote `timeout`.
      sessionPid = (await frozen.run(['sh', '-c', 'ps -o ppid= -p "$PPID"'], { timeoutMs: 5_000 })).stdout.trim();
      expect(sessionPid).toMatch(/^\d+$/);
      const started = Date.now();
      // A command in flight when the peer freezes fails as a lost connection after 3 unanswered
      // keepalives 200 ms apart, long before its 30 s deadline.
      setTimeout(() => process.kill(Number(sessionPid), 'SIGSTOP'), 300);
      const error = await errorOf(frozen.run(['sleep', '4'], { timeoutMs: 30_000 }));
      expect(error.code).toBe('ssh_connect_failed');
      expect(error.message).toMatch(/lost/);
      expect(Date.now() - started).toBeLessThan(5_000);
      // The next command gets a new connection.
      expect(await clientPort(frozen)).not.toBe(first);
    } finally {
      if (sessionPid !== '') {
        try {
          process.kill(Number(sessionPid), 'SIGCONT');
          process.kill(Number(sessionPid), 'SIGTERM');
        } catch {
          // Already gone.
        }
      }
      await frozen.close();
    }
  });

  it('lines() over SSH keeps up with a fast producer without losing lines', async () => {
    const stream = transport.lines(['seq', '1', '100000'], { timeoutMs: 20_000 });
    let count = 0;
    let last = '';
    for await (const line of stream) {
      count += 1;
      last = line;
      if (count % 25_000 === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(count).toBe(100_000);
    expect(last).toBe('100000');
    expect((await stream.done).exitCode).toBe(0);
  });

  it('SshTransport refuses a wrong pinned host key with both fingerprints, before authenticating', async () => {
    // The user key is wrong too: getting the host key refusal, not ssh_auth_failed, shows the check came first.
    const otherKey = join(sshd.tmpDir, 'other_user_key');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const refused = new SshTransport('web-1', settings(sshd, { hostKey: OTHER_FINGERPRINT, privateKeyFile: otherKey }), { env: {} });
    try {
      const error = await errorOf(refused.run(['true'], { timeoutMs: 5_000 }));
      expect(error.code).toBe('ssh_host_key_mismatch');
      expect(error.message).toBe(
        `Host key of web-1 (127.0.0.1:${sshd.port}) does not match the pinned key: expected ${OTHER_FINGERPRINT}, presented ${sshd.hostKeyFingerprint} (ssh-ed25519). If the host was rebuilt, check the new key out of band and update hostKey in the config.`,
      );
      expect(error.details).toMatchObject({ expected: [OTHER_FINGERPRINT], presented: sshd.hostKeyFingerprint });
      // One of several pinned keys is enough.
      const either = new SshTransport('web-1', settings(sshd, { hostKey: [OTHER_FINGERPRINT, sshd.hostKeyFingerprint] }), { env: {} });
      expect((await either.run(['true'], { timeoutMs: 5_000 })).exitCode).toBe(0);
      await either.close();
    } finally {
      await refused.close();
    }
  });

  it('SshTransport checks known_hosts: match, hashed match, mismatch and not found', async () => {
    const base = { hostKey: undefined };
    const ok = new SshTransport('web-1', settings(sshd, { ...base, knownHostsFile: sshd.knownHostsFile }), { env: {} });
    expect((await ok.run(['true'], { timeoutMs: 5_000 })).exitCode).toBe(0);
    await ok.close();

    const hashed = join(sshd.tmpDir, 'known_hosts_hashed');
    await writeFile(hashed, await readFile(sshd.knownHostsFile, 'utf8'));
    await execFileAsync('ssh-keygen', ['-H', '-f', hashed]);
    expect(await readFile(hashed, 'utf8')).toMatch(/^\|1\|/);
    const viaHash = new SshTransport('web-1', settings(sshd, { ...base, knownHostsFile: hashed }), { env: {} });
    expect((await viaHash.run(['true'], { timeoutMs: 5_000 })).exitCode).toBe(0);
    await viaHash.close();

    const otherKey = 'AAAAC3NzaC1lZDI1NTE5AAAAIIxUswAesnC+oJDxhpfQrhN25gHEs80fDU5/A9eaIjGT';
    const mismatching = join(sshd.tmpDir, 'known_hosts_other');
    await writeFile(mismatching, `[127.0.0.1]:${sshd.port} ssh-ed25519 ${otherKey}\n`);
    const bad = new SshTransport('web-1', settings(sshd, { ...base, knownHostsFile: mismatching }), { env: {} });
    const mismatch = await errorOf(bad.run(['true'], { timeoutMs: 5_000 }));
    expect(mismatch.code).toBe('ssh_host_key_mismatch');
    expect(mismatch.message).toContain(`expected ${OTHER_FINGERPRINT}, presented ${sshd.hostKeyFingerprint}`);
    expect(mismatch.message).toContain(mismatching);

    const unrelated = join(sshd.tmpDir, 'known_hosts_unrelated');
    await writeFile(unrelated, `# nothing for this port\n127.0.0.1 ssh-ed25519 ${otherKey}\n`);
    const absent = new SshTransport('web-1', settings(sshd, { ...base, knownHostsFile: unrelated }), { env: {} });
    const notFound = await errorOf(absent.run(['true'], { timeoutMs: 5_000 }));
    expect(notFound.code).toBe('ssh_host_key_mismatch');
    expect(notFound.message).toContain('is not in known_hosts file');
    expect(notFound.message).toContain(sshd.hostKeyFingerprint);

    const missingFile = new SshTransport('web-1', settings(sshd, { ...base, knownHostsFile: join(sshd.tmpDir, 'nope') }), { env: {} });
    expect((await errorOf(missingFile.run(['true'], { timeoutMs: 5_000 }))).code).toBe('config_invalid');
  });

  it('SshTransport reports a wrong user key as ssh_auth_failed naming the user and the key', async () => {
    const otherKey = join(sshd.tmpDir, 'not_authorized_key');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', otherKey]);
    const denied = new SshTransport('web-1', settings(sshd, { privateKeyFile: otherKey }), { env: {} });
    const error = await errorOf(denied.run(['true'], { timeoutMs: 5_000 }));
    expect(error.code).toBe('ssh_auth_failed');
    expect(error.message).toContain(`as "${sshd.username}"`);
    expect(error.message).toContain(otherKey);
    await denied.close();
  });

  it('SshTransport refuses a private key file other users can access, naming the chmod to run (host and jump)', async () => {
    const loose = join(sshd.tmpDir, 'loose_key');
    await copyFile(sshd.clientKeyFile, loose);
    for (const mode of [0o644, 0o640, 0o604]) {
      await chmod(loose, mode);
      const refused = new SshTransport('web-1', settings(sshd, { privateKeyFile: loose }), { env: {} });
      const error = await errorOf(refused.run(['true'], { timeoutMs: 5_000 }));
      expect(error.code).toBe('config_invalid');
      expect(error.message).toContain(`The private key file ${loose} for web-1 is accessible by other users (mode 0${mode.toString(8)})`);
      expect(error.message).toContain(`run \`chmod 600 ${loose}\``);
      expect(error.message).toContain('UNPROTECTED PRIVATE KEY FILE');
      expect(refused.isConnected).toBe(false);
    }
    const jump = { address: '127.0.0.1', port: sshd.port, username: sshd.username, privateKeyFile: loose, hostKey: sshd.hostKeyFingerprint };
    const viaLooseJump = new SshTransport('web-1', settings(sshd, { jump }), { env: {} });
    const jumpError = await errorOf(viaLooseJump.run(['true'], { timeoutMs: 5_000 }));
    expect(jumpError.code).toBe('config_invalid');
    expect(jumpError.message).toContain(`${loose} for the jump host of web-1`);
    expect(jumpError.message).toContain(`chmod 600 ${loose}`);

    // After the chmod the same key works, through the jump too.
    await chmod(loose, 0o600);
    const fixed = new SshTransport('web-1', settings(sshd, { privateKeyFile: loose, jump }), { env: {} });
    try {
      expect((await fixed.run(['echo', 'ok'], { timeoutMs: 5_000 })).stdout).toBe('ok\n');
    } finally {
      await fixed.close();
    }
    // Like ssh(1), a key owned by another user is not judged by its mode (a shared 0440 secret volume).
    if (process.getuid?.() === 0) {
      await chmod(loose, 0o644);
      await chown(loose, 65534, 65534);
      const shared = new SshTransport('web-1', settings(sshd, { privateKeyFile: loose }), { env: {} });
      try {
        expect((await shared.run(['echo', 'ok'], { timeoutMs: 5_000 })).stdout).toBe('ok\n');
      } finally {
        await shared.close();
      }
    }
  });

  it('SshTransport uses a passphrase from passphraseEnv and never shows it', async () => {
    const secret = 'correct horse battery staple';
    const key = join(sshd.tmpDir, 'encrypted_key');
    await execFileAsync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', secret, '-f', key]);
    await appendFile(join(sshd.tmpDir, 'authorized_keys'), await readFile(`${key}.pub`, 'utf8'));
    const over = { privateKeyFile: key, passphraseEnv: 'WMOPS_TEST_PASSPHRASE' };
    const good = new SshTransport('web-1', settings(sshd, over), { env: { WMOPS_TEST_PASSPHRASE: secret } });
    expect((await good.run(['echo', 'ok'], { timeoutMs: 5_000 })).stdout).toBe('ok\n');
    await good.close();

    const wrong = new SshTransport('web-1', settings(sshd, over), { env: { WMOPS_TEST_PASSPHRASE: 'not it' } });
    const wrongError = await errorOf(wrong.run(['true'], { timeoutMs: 5_000 }));
    expect(wrongError.code).toBe('config_invalid');
    expect(wrongError.message).toContain(key);
    expect(wrongError.message).not.toContain('not it');
    expect(JSON.stringify(wrongError.details)).not.toContain('not it');

    const unset = new SshTransport('web-1', settings(sshd, over), { env: {} });
    const unsetError = await errorOf(unset.run(['true'], { timeoutMs: 5_000 }));
    expect(unsetError.code).toBe('config_invalid');
    expect(unsetError.message).toContain('WMOPS_TEST_PASSPHRASE');
  });

  it('SshTransport fails fast with ssh_connect_failed on a closed port', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const closed = new SshTransport('web-1', settings(sshd, { port }), { env: {} });
    const started = Date.now();
    const error = await errorOf(closed.run(['true'], { timeoutMs: 5_000 }));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(error.code).toBe('ssh_connect_failed');
    expect(error.message).toContain('connection refused');
    expect(error.message).toContain(`127.0.0.1:${port}`);
  });

  it('SshTransport says so when the listener closes the connection at once', async () => {
    // The TCP connection is opened before ssh2 has loaded: a close that comes first must not go unseen.
    const closing: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => closing.listen(0, '127.0.0.1', resolve));
    const port = (closing.address() as { port: number }).port;
    try {
      const hungUp = new SshTransport('web-1', settings(sshd, { port, connectTimeoutMs: 3_000 }), { env: {} });
      const started = Date.now();
      const error = await errorOf(hungUp.run(['true'], { timeoutMs: 5_000 }));
      expect(Date.now() - started).toBeLessThan(2_000);
      expect(error.code).toBe('ssh_connect_failed');
      expect(error.message).toMatch(/closed the connection during the SSH handshake|connection was reset/);
      expect(error.message).toContain(`127.0.0.1:${port}`);
    } finally {
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  it('SshTransport names an address that does not resolve', async () => {
    // RFC 2606: .invalid never resolves.
    const nowhere = new SshTransport('web-1', settings(sshd, { address: 'no-such-host.invalid', connectTimeoutMs: 5_000 }), { env: {} });
    const error = await errorOf(nowhere.run(['true'], { timeoutMs: 5_000 }));
    expect(error.code).toBe('ssh_connect_failed');
    expect(error.message).toContain('the address cannot be resolved');
    expect(error.message).toContain('no-such-host.invalid');
  });

  it('SshTransport times out at the handshake against a listener that never speaks SSH', async () => {
    const sockets: Socket[] = [];
    const silent: Server = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as { port: number }).port;
    try {
      const mute = new SshTransport('web-1', settings(sshd, { port, connectTimeoutMs: 700 }), { env: {} });
      const started = Date.now();
      const error = await errorOf(mute.run(['true'], { timeoutMs: 5_000 }));
      const elapsedMs = Date.now() - started;
      expect(error.code).toBe('ssh_connect_failed');
      expect(error.message).toContain('timed out during the SSH handshake after 700 ms');
      expect(elapsedMs).toBeGreaterThanOrEqual(650);
      expect(elapsedMs).toBeLessThan(3_000);
      expect(sockets.length).toBeGreaterThan(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('SshTransport goes through a jump host (the same sshd as its own jump)', async () => {
    const jump = {
      address: '127.0.0.1',
      port: sshd.port,
      username: sshd.username,
      privateKeyFile: sshd.clientKeyFile,
      hostKey: sshd.hostKeyFingerprint,
    };
    const jumped = new SshTransport('web-1', settings(sshd, { jump }), { env: {} });
    try {
      // Seen from the target, the connection comes from the jump's forward, not from us directly.
      const result = await jumped.run(['sh', '-c', 'echo "$SSH_CONNECTION"'], { timeoutMs: 5_000 });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/^127\.0\.0\.1 \d+ 127\.0\.0\.1 \d+\n$/);
      const stream = jumped.lines(['sh', '-c', 'echo one; sleep 0.2; echo two'], { timeoutMs: 5_000 });
      const lines: string[] = [];
      for await (const line of stream) lines.push(line);
      expect(lines).toEqual(['one', 'two']);
    } finally {
      await jumped.close();
    }
    const badJump = new SshTransport('web-1', settings(sshd, { jump: { ...jump, hostKey: OTHER_FINGERPRINT } }), { env: {} });
    const error = await errorOf(badJump.run(['true'], { timeoutMs: 5_000 }));
    expect(error.code).toBe('ssh_host_key_mismatch');
    expect(error.message).toContain(`jump host 127.0.0.1:${sshd.port} of web-1`);
  });
});
