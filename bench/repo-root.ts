import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Returns the repository root: the nearest folder with a package.json above this file. Compiled, the
 * benches live in `dist/bench/` (two levels below it); from source, one level below.
 */
export function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('bench: repository root (package.json) not found above this file');
    dir = up;
  }
  return dir;
}

/** `test/fixtures/<kind>` in the repository: the real captures the benches replay. */
export function fixtureDir(kind: 'workerman-status' | 'strace'): string {
  return join(findRepoRoot(), 'test', 'fixtures', kind);
}
