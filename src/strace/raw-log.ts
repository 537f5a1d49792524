import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { lstat, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A saved raw log: the caller owns the file (upload, then delete its directory). */
export interface RawLogFile {
  path: string;
  bytes: number;
  truncated: boolean;
}

// `workerman-ops-trace-<pid>-XXXXXX`: the pid of the process that made it, so a later start can tell a
// directory left by a killed bot from one in use.
const DIR_PREFIX = 'workerman-ops-trace-';
const DIR_PATTERN = /^workerman-ops-trace-(\d+)-[A-Za-z0-9]{6}$/;
/** A raw log lives for one trace and its upload; older than this it is left over whatever its pid says. */
const STALE_AFTER_MS = 60 * 60 * 1000;

/** Writes the (already redacted) trace to a private temp file as it streams, up to a byte cap; nothing kept in memory. */
export class RawLogWriter {
  private out: WriteStream | null = null;
  private dir: string | null = null;
  private path: string | null = null;
  private bytes = 0;
  private failure: unknown = null;
  isTruncated = false;

  constructor(
    private readonly hostName: string,
    private readonly maxBytes: number,
  ) {}

  async write(line: string): Promise<void> {
    if (this.isTruncated) return;
    const size = Buffer.byteLength(line) + 1;
    if (this.bytes + size > this.maxBytes) {
      this.isTruncated = true;
      return;
    }
    if (this.out === null) {
      this.dir = await mkdtemp(join(tmpdir(), `${DIR_PREFIX}${process.pid}-`));
      this.path = join(this.dir, `strace-${this.hostName}.log`);
      this.out = createWriteStream(this.path, { mode: 0o600 });
      // A failing log (disk full) must not end the trace: the log just stops, marked truncated.
      this.out.on('error', (error) => {
        this.failure ??= error;
        this.isTruncated = true;
      });
    }
    if (this.failure !== null) return;
    this.bytes += size;
    // Respect backpressure so a fast channel and a slow disk never pile lines up in memory.
    if (!this.out.write(`${line}\n`)) await once(this.out, 'drain').catch(() => undefined);
  }

  async close(truncated: boolean): Promise<RawLogFile | null> {
    if (this.out === null || this.path === null) return null;
    const out = this.out;
    if (this.failure === null) {
      out.end();
      await once(out, 'finish').catch(() => undefined);
    }
    return { path: this.path, bytes: this.bytes, truncated: truncated || this.failure !== null };
  }

  async discard(): Promise<void> {
    if (this.out !== null) {
      this.out.destroy();
      this.out = null;
    }
    if (this.dir !== null) await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * Removes raw-log directories a killed bot or CLI left in the temp dir: ours (same uid), not symlinks,
 * and either made by a process that is gone or older than an hour. Returns how many it removed.
 */
export async function removeStaleRawLogs(dir = tmpdir(), now = Date.now()): Promise<number> {
  let removed = 0;
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return 0;
  }
  for (const name of names) {
    const m = DIR_PATTERN.exec(name);
    if (m === null) continue;
    const path = join(dir, name);
    try {
      const st = await lstat(path);
      if (!st.isDirectory() || (process.getuid !== undefined && st.uid !== process.getuid())) continue;
      const pid = Number(m[1]);
      if (pid === process.pid && now - st.mtimeMs < STALE_AFTER_MS) continue;
      if (isAlive(pid) && now - st.mtimeMs < STALE_AFTER_MS) continue;
      await rm(path, { recursive: true, force: true });
      removed += 1;
    } catch {
      // Gone meanwhile, or not ours to remove.
    }
  }
  return removed;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
