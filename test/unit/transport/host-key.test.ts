import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import {
  fingerprintOf,
  keyTypeOf,
  knownHostKeyTypes,
  loadKnownHosts,
  matchKnownHosts,
} from '../../../src/transport/host-key.js';

// Throwaway keys made with `ssh-keygen -t ed25519` / `-t rsa -b 2048`; the fingerprints are what
// `ssh-keygen -lf` printed for them, the hashed line is what `ssh-keygen -H` made of
// `[127.0.0.1]:2222 <ED25519 key>`.
const ED25519 = 'AAAAC3NzaC1lZDI1NTE5AAAAIIxUswAesnC+oJDxhpfQrhN25gHEs80fDU5/A9eaIjGT';
const ED25519_FP = 'SHA256:oaMpR0/BD7uzUUUc2C4t00fRkQbvAGBTF8kd9m0rF18';
const RSA =
  'AAAAB3NzaC1yc2EAAAADAQABAAABAQDrOiYiqUSdSfwHRFQ+PgGLGcBceHCh4UwhKkPo/6Gh8gdd/1Nxdn13NtVUqd6nNOglI49yxikkFAAw+IPq5En1G2L81BvpLtJWv6ibFaxn+0GDnuNb61x/E+9++HRLuQ9pb6eNsaGNg+egdt7xE7vcpAn7ii/otzH0vJsxeja5791pLbvfENarh7OnFc+tWWcBer+/6Yxk92ckY9/JGv4jMFBWu4vHHKU5MD8AwMfDR/X+jjTnQvZGzxE7PmMHHWY4N87QmR6NNn8ifGUOcMqNjYK8+AgG4WzMAWVtC9d+e2O7BmzArGnMNGskrrOYlW12Ktu45ap4poc2RMGt8tOR';
const RSA_FP = 'SHA256:IO5C2JIKl7pr+rRnxZgdvlA+TVDjyReQPVG/zfYFcv0';
const HASHED_2222 = '|1|RzYKYsksIKCVcngbxQwGm3FuycU=|UX3NLFUX8U9KLdsyRAIbxbFUpE8=';

const ed = Buffer.from(ED25519, 'base64');
const rsa = Buffer.from(RSA, 'base64');

describe('fingerprintOf()', () => {
  it('fingerprintOf() prints the same SHA256 fingerprint as ssh-keygen -lf', () => {
    expect(fingerprintOf(ed)).toBe(ED25519_FP);
    expect(fingerprintOf(rsa)).toBe(RSA_FP);
  });

  it.skipIf(!existsSync('/usr/bin/ssh-keygen'))('fingerprintOf() agrees with a live ssh-keygen on fresh keys', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wmops-hostkey-'));
    try {
      for (let i = 0; i < 5; i += 1) {
        const { publicKey } = generateKeyPairSync('ed25519');
        const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
        const type = Buffer.from('ssh-ed25519');
        const blob = Buffer.concat([u32(type.length), type, u32(raw.length), raw]);
        const file = join(dir, `k${i}.pub`);
        await writeFile(file, `ssh-ed25519 ${blob.toString('base64')} test\n`);
        const printed = execFileSync('ssh-keygen', ['-lf', file], { encoding: 'utf8' }).split(' ')[1];
        expect(fingerprintOf(blob)).toBe(printed);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('keyTypeOf() reads the key type out of the blob', () => {
    expect(keyTypeOf(ed)).toBe('ssh-ed25519');
    expect(keyTypeOf(rsa)).toBe('ssh-rsa');
    expect(keyTypeOf(Buffer.from([0, 0]))).toBeNull();
  });
});

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

describe('matchKnownHosts()', () => {
  it('matchKnownHosts() matches a plain host on port 22 and [host]:port elsewhere', () => {
    const content = `web-1.example.com ssh-ed25519 ${ED25519}\n[10.0.0.5]:2222 ssh-rsa ${RSA} root@box\n`;
    expect(matchKnownHosts(content, 'web-1.example.com', 22, ed)).toEqual({ kind: 'match' });
    expect(matchKnownHosts(content, '10.0.0.5', 2222, rsa)).toEqual({ kind: 'match' });
    // The plain entry does not cover another port, the bracketed one not port 22.
    expect(matchKnownHosts(content, 'web-1.example.com', 2200, ed)).toEqual({ kind: 'not-found' });
    expect(matchKnownHosts(content, '10.0.0.5', 22, rsa)).toEqual({ kind: 'not-found' });
  });

  it('matchKnownHosts() reports a mismatch with the fingerprints it expected', () => {
    const content = `web-1,10.0.0.1 ssh-rsa ${RSA}\n`;
    expect(matchKnownHosts(content, '10.0.0.1', 22, ed)).toEqual({ kind: 'mismatch', expected: [RSA_FP] });
  });

  it('matchKnownHosts() accepts any listed key of a host that has several', () => {
    const content = `web-1 ssh-rsa ${RSA}\nweb-1 ssh-ed25519 ${ED25519}\n`;
    expect(matchKnownHosts(content, 'web-1', 22, ed)).toEqual({ kind: 'match' });
    expect(knownHostKeyTypes(content, 'web-1', 22)).toEqual(['ssh-rsa', 'ssh-ed25519']);
  });

  it('matchKnownHosts() understands comma lists, wildcards, negation and case', () => {
    const content = [
      `# comment line`,
      ``,
      `   `,
      `db-1,WEB-*.example.com,!web-9.example.com ssh-ed25519 ${ED25519}`,
      `[web-?.example.com]:2222 ssh-ed25519 ${ED25519}`,
    ].join('\n');
    expect(matchKnownHosts(content, 'db-1', 22, ed).kind).toBe('match');
    expect(matchKnownHosts(content, 'web-3.example.com', 22, ed).kind).toBe('match');
    expect(matchKnownHosts(content, 'web-9.example.com', 22, ed).kind).toBe('not-found');
    expect(matchKnownHosts(content, 'web-4.example.com', 2222, ed).kind).toBe('match');
    expect(matchKnownHosts(content, 'web-44.example.com', 2222, ed).kind).toBe('not-found');
    expect(matchKnownHosts(content, 'dbx1', 22, ed).kind).toBe('not-found');
  });

  it('matchKnownHosts() checks hashed |1|salt|hash names made by ssh-keygen -H', () => {
    const content = `${HASHED_2222} ssh-ed25519 ${ED25519}\n`;
    expect(matchKnownHosts(content, '127.0.0.1', 2222, ed)).toEqual({ kind: 'match' });
    expect(matchKnownHosts(content, '127.0.0.1', 2222, rsa)).toEqual({ kind: 'mismatch', expected: [ED25519_FP] });
    expect(matchKnownHosts(content, '127.0.0.1', 22, ed)).toEqual({ kind: 'not-found' });
    expect(matchKnownHosts(content, '127.0.0.2', 2222, ed)).toEqual({ kind: 'not-found' });
  });

  it('matchKnownHosts() refuses a key on a @revoked line even when another line lists it', () => {
    const content = `web-1 ssh-ed25519 ${ED25519}\n@revoked * ssh-ed25519 ${ED25519}\n`;
    expect(matchKnownHosts(content, 'web-1', 22, ed)).toEqual({ kind: 'revoked' });
    expect(matchKnownHosts(`@revoked other ssh-ed25519 ${ED25519}\n`, 'web-1', 22, ed)).toEqual({ kind: 'revoked' });
  });

  it('matchKnownHosts() ignores @cert-authority lines, unknown markers and garbage', () => {
    const content = [
      `@cert-authority web-1 ssh-ed25519 ${ED25519}`,
      `@weird web-1 ssh-ed25519 ${ED25519}`,
      `web-1 ssh-ed25519`,
      `web-1 ssh-ed25519 not!base64`,
    ].join('\n');
    expect(matchKnownHosts(content, 'web-1', 22, ed)).toEqual({ kind: 'not-found' });
  });
});

describe('loadKnownHosts()', () => {
  it('loadKnownHosts() names the file in a config_invalid error when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'wmops-kh-'));
    try {
      const missing = join(dir, 'nope');
      const error = await loadKnownHosts(missing).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BotError);
      expect((error as BotError).code).toBe('config_invalid');
      expect((error as BotError).message).toContain(missing);
      await writeFile(join(dir, 'kh'), `web-1 ssh-ed25519 ${ED25519}\n`);
      expect(await loadKnownHosts(join(dir, 'kh'))).toContain(ED25519);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
