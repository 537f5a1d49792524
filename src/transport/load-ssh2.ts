// ssh2 (about 50 ms of start-up CPU) loads with the first SSH connection, not with the transport: the
// transport pool imports ssh.ts, and a CLI run that only reaches the local host never needs ssh2.

/** The ssh2 module namespace (its CommonJS `module.exports`). */
export type Ssh2 = typeof import('ssh2');
let ssh2Module: Promise<Ssh2> | undefined;

/** Loads ssh2 once (the first connection does; the bot calls it through the pool's preload at start). */
export function loadSsh2(): Promise<Ssh2> {
  // CommonJS: all of module.exports (utils included) is the namespace's default export.
  return (ssh2Module ??= import('ssh2').then((m) => (m as unknown as { default: Ssh2 }).default));
}
