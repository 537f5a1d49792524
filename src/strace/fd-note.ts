/**
 * What a `-y/-yy` fd annotation says (`TCP:[127.0.0.1:52468->127.0.0.1:18790]`, `socket:[46583]`,
 * `/srv/app/x.php`, `anon_inode:[eventpoll]`): whether it is a socket, its peer, and how to say it.
 */

/**
 * Turns a `-y/-yy` annotation into text for people: `TCP:[127.0.0.1:52468->127.0.0.1:18790]` ->
 * `TCP 127.0.0.1:52468 -> 127.0.0.1:18790`; files, pipes and `anon_inode:[eventpoll]` stay as they are.
 */
export function describeFdNote(note: string): string {
  const b = note.indexOf(':[');
  if (b > 0 && note.endsWith(']')) {
    const proto = note.slice(0, b);
    if (/^(TCP|TCPv6|UDP|UDPv6|UDPLITE|UNIX|UNIX-STREAM|UNIX-DGRAM|NETLINK)$/.test(proto)) {
      const inner = note.slice(b + 2, -1);
      if (/^\d+$/.test(inner)) return `${proto} socket:[${inner}]`;
      const arrow = inner.indexOf('->');
      return arrow >= 0 ? `${proto} ${inner.slice(0, arrow)} -> ${inner.slice(arrow + 2)}` : `${proto} ${inner}`;
    }
  }
  if (note === 'anon_inode:[eventpoll]') return 'epoll';
  return note;
}

/** The peer address of a connected TCP/UDP annotation (`TCP:[a->b]` -> `b`), or null. */
export function peerOfFdNote(note: string | null): string | null {
  if (note === null || !(note.startsWith('TCP') || note.startsWith('UDP'))) return null;
  const arrow = note.indexOf('->');
  return arrow < 0 ? null : note.slice(arrow + 2, -1);
}

/** Whether an annotation names a socket (`TCP:[...]`, `socket:[N]`, `UNIX:[...]`, ...). */
export function isSocketNote(note: string | null): boolean {
  if (note === null) return false;
  return note.startsWith('TCP') || note.startsWith('UDP') || note.startsWith('UNIX') || note.startsWith('socket:[') || note.startsWith('NETLINK');
}
