import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { BotError } from '../errors.js';

/** How a presented host key compares with a known_hosts file. */
export type KnownHostsMatch =
  | { kind: 'match' }
  /** The host is listed, but with other keys (their fingerprints). */
  | { kind: 'mismatch'; expected: string[] }
  | { kind: 'not-found' }
  /** The key is on a `@revoked` line: never accept it. */
  | { kind: 'revoked' };

/**
 * Returns the OpenSSH SHA256 fingerprint of a public key blob (the wire format, i.e. the base64 part of
 * a `.pub` line decoded), exactly as `ssh-keygen -lf` prints it: `SHA256:` + unpadded base64.
 */
export function fingerprintOf(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** Returns the SSH key type named inside a public key blob (`ssh-ed25519`, `ssh-rsa`, …), or null. */
export function keyTypeOf(keyBlob: Buffer): string | null {
  if (keyBlob.length < 4) return null;
  const length = keyBlob.readUInt32BE(0);
  if (length === 0 || length > 64 || keyBlob.length < 4 + length) return null;
  return keyBlob.subarray(4, 4 + length).toString('latin1');
}

/** Reads a known_hosts file; a missing or unreadable file is a `config_invalid` naming it. */
export async function loadKnownHosts(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new BotError(
      'config_invalid',
      `Cannot read the known_hosts file ${file} (${code}). Fix knownHostsFile in the config or pin the key with hostKey.`,
      { cause: error },
    );
  }
}

interface KnownHostsLine {
  marker: '@revoked' | '@cert-authority' | null;
  patterns: string;
  keyType: string;
  keyBlob: Buffer;
}

/**
 * Compares a presented host key with known_hosts content for `host` on `port` (OpenSSH looks up
 * `host` for port 22 and `[host]:port` otherwise). Supports comma lists, `*`/`?` wildcards, `!`
 * negation, hashed `|1|salt|hash` names, comments and `@revoked` (a revoked key is refused for every
 * host). `@cert-authority` lines are ignored: certificates are not supported.
 *
 * @example
 * matchKnownHosts('[127.0.0.1]:2222 ssh-ed25519 AAAAC3Nza…', '127.0.0.1', 2222, blob); // { kind: 'match' }
 */
export function matchKnownHosts(content: string, host: string, port: number, keyBlob: Buffer): KnownHostsMatch {
  const lookupName = port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
  const expected: string[] = [];
  let isMatched = false;
  for (const line of parseKnownHosts(content)) {
    const isSameKey = line.keyBlob.equals(keyBlob);
    if (line.marker === '@revoked') {
      if (isSameKey) return { kind: 'revoked' };
      continue;
    }
    if (line.marker !== null || !matchesHostPatterns(line.patterns, lookupName)) continue;
    if (isSameKey) isMatched = true;
    else expected.push(fingerprintOf(line.keyBlob));
  }
  // Keep scanning after a match: a later @revoked line must still win.
  if (isMatched) return { kind: 'match' };
  return expected.length > 0 ? { kind: 'mismatch', expected: [...new Set(expected)] } : { kind: 'not-found' };
}

/** Returns the key types listed for `host`/`port` (to prefer them when negotiating), in file order. */
export function knownHostKeyTypes(content: string, host: string, port: number): string[] {
  const lookupName = port === 22 ? host.toLowerCase() : `[${host.toLowerCase()}]:${port}`;
  const types = new Set<string>();
  for (const line of parseKnownHosts(content)) {
    if (line.marker === null && matchesHostPatterns(line.patterns, lookupName)) types.add(line.keyType);
  }
  return [...types];
}

function parseKnownHosts(content: string): KnownHostsLine[] {
  const lines: KnownHostsLine[] = [];
  for (const raw of content.split('\n')) {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) continue;
    const fields = text.split(/\s+/);
    let marker: KnownHostsLine['marker'] = null;
    if (fields[0]?.startsWith('@')) {
      const first = fields.shift();
      if (first !== '@revoked' && first !== '@cert-authority') continue; // unknown marker: ignore the line, as ssh does
      marker = first;
    }
    const [patterns, keyType, base64] = fields;
    if (patterns === undefined || keyType === undefined || base64 === undefined) continue;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) continue;
    lines.push({ marker, patterns, keyType, keyBlob: Buffer.from(base64, 'base64') });
  }
  return lines;
}

/** OpenSSH semantics: a negated pattern that matches rules the line out; else any positive match counts. */
function matchesHostPatterns(patterns: string, lookupName: string): boolean {
  if (patterns.startsWith('|1|')) return matchesHashedName(patterns, lookupName);
  let isMatched = false;
  for (const pattern of patterns.split(',')) {
    if (pattern === '') continue;
    const isNegated = pattern.startsWith('!');
    const body = (isNegated ? pattern.slice(1) : pattern).toLowerCase();
    if (!globMatches(body, lookupName)) continue;
    if (isNegated) return false;
    isMatched = true;
  }
  return isMatched;
}

function matchesHashedName(entry: string, lookupName: string): boolean {
  const [, , salt64, hash64] = entry.split('|');
  if (salt64 === undefined || hash64 === undefined) return false;
  const expected = Buffer.from(hash64, 'base64');
  const actual = createHmac('sha1', Buffer.from(salt64, 'base64')).update(lookupName).digest();
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

function globMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*') && !pattern.includes('?')) return pattern === name;
  const source = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.');
  return new RegExp(`^${source}$`).test(name);
}
