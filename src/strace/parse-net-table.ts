/**
 * Pure parsers for the socket tables of `/proc/net/{tcp,tcp6,udp,udp6,unix}`: socket inode -> protocol,
 * local and peer address, state. With a process's fd links (`socket:[46964]`) they say what an fd is.
 */

import type { SocketInfo } from './types.js';

const TCP_STATES: Record<string, string> = {
  '01': 'ESTABLISHED', '02': 'SYN_SENT', '03': 'SYN_RECV', '04': 'FIN_WAIT1', '05': 'FIN_WAIT2',
  '06': 'TIME_WAIT', '07': 'CLOSE', '08': 'CLOSE_WAIT', '09': 'LAST_ACK', '0A': 'LISTEN', '0B': 'CLOSING',
  '0C': 'NEW_SYN_RECV',
};

/** Which `/proc/net` table a line came from. */
export type NetTable = 'tcp' | 'tcp6' | 'udp' | 'udp6' | 'unix';

const PROTOCOL_OF: Record<NetTable, SocketInfo['protocol']> = {
  tcp: 'TCP', tcp6: 'TCPv6', udp: 'UDP', udp6: 'UDPv6', unix: 'UNIX',
};

/** True for the name of a table parseNetLine reads. */
export function isNetTable(name: string): name is NetTable {
  return Object.hasOwn(PROTOCOL_OF, name);
}

/**
 * Parses one data line of `/proc/net/{tcp,tcp6,udp,udp6,unix}` (headers give null). Addresses are
 * printed the way strace `-yy` and `ss` print them: `127.0.0.1:39208`, `[::1]:80`. Hex addresses are
 * in the host's byte order; little-endian hosts (x86_64, aarch64) are assumed.
 *
 * @example
 * parseNetLine('tcp', '   3: 0100007F:98E8 0100007F:4966 01 00000000:00000000 00:00000000 00000000     0        0 46964 1 ...')
 * // { inode: 46964, protocol: 'TCP', local: '127.0.0.1:39144', peer: '127.0.0.1:18790', state: 'ESTABLISHED' }
 */
export function parseNetLine(table: NetTable, line: string): SocketInfo | null {
  const f = line.trim().split(/\s+/);
  if (table === 'unix') {
    // Num RefCount Protocol Flags Type St Inode [Path]
    if (f.length < 7 || !/^[0-9a-fA-F]+:$/.test(f[0] ?? '')) return null;
    const inode = Number(f[6]);
    if (!Number.isInteger(inode)) return null;
    const flags = parseInt(f[3] ?? '0', 16);
    const st = f[5] ?? '';
    const path = f.slice(7).join(' ');
    // __SO_ACCEPTCON (0x10000) marks a listening socket.
    const state = (flags & 0x10000) !== 0 ? 'LISTEN' : st === '03' ? 'ESTABLISHED' : st === '01' ? 'UNCONNECTED' : st || null;
    return { inode, protocol: 'UNIX', local: path === '' ? '*' : path, peer: null, state };
  }
  // sl local rem st tx:rx tr:when retrnsmt uid timeout inode ...
  if (f.length < 10 || !/^\d+:$/.test(f[0] ?? '')) return null;
  const inode = Number(f[9]);
  const local = decodeHexEndpoint(f[1] ?? '');
  const remote = decodeHexEndpoint(f[2] ?? '');
  if (!Number.isInteger(inode) || local === null || remote === null) return null;
  const st = (f[3] ?? '').toUpperCase();
  const isTcp = table === 'tcp' || table === 'tcp6';
  const state = isTcp ? (TCP_STATES[st] ?? st) : st === '01' ? 'ESTABLISHED' : st === '07' ? 'UNCONN' : st;
  const peer = remote.unspecified ? null : remote.text;
  return { inode, protocol: PROTOCOL_OF[table], local: local.text, peer, state };
}

/** Parses a whole `/proc/net/*` table into sockets by inode. */
export function parseNetTable(table: NetTable, text: string): Record<number, SocketInfo> {
  const out: Record<number, SocketInfo> = {};
  for (const line of text.split('\n')) {
    const s = parseNetLine(table, line);
    if (s !== null) out[s.inode] = s;
  }
  return out;
}

/** `0100007F:4E20` -> 127.0.0.1:20000 (and the 32-hex-digit IPv6 form). */
function decodeHexEndpoint(hex: string): { text: string; unspecified: boolean } | null {
  const m = /^([0-9A-Fa-f]{8}|[0-9A-Fa-f]{32}):([0-9A-Fa-f]{4})$/.exec(hex);
  if (m === null || m[1] === undefined || m[2] === undefined) return null;
  const port = parseInt(m[2], 16);
  const words: number[][] = [];
  for (let i = 0; i < m[1].length; i += 8) {
    const word = m[1].slice(i, i + 8);
    // Each 32-bit word is printed as a host-order integer: reverse its bytes on little-endian hosts.
    words.push([6, 4, 2, 0].map((j) => parseInt(word.slice(j, j + 2), 16)));
  }
  const bytes = words.flat();
  const unspecified = port === 0 && bytes.every((b) => b === 0);
  if (bytes.length === 4) return { text: `${bytes.join('.')}:${port}`, unspecified };
  return { text: `[${formatIpv6(bytes)}]:${port}`, unspecified };
}

/** RFC 5952 text of 16 bytes: lowercase, no leading zeros, the longest zero run as `::`. */
function formatIpv6(bytes: number[]): string {
  const isMapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  if (isMapped) return `::ffff:${bytes.slice(12).join('.')}`;
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0));
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j += 1;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
