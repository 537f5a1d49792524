import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotError } from '../errors.js';

/**
 * Returns the path of `relative` (e.g. `completion/workerman-ops.bash`) in this installation: from
 * src/cli (tests) or dist/src/cli (built) upwards, the first folder that has it.
 */
export function findPackageFile(relative: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = join(dir, relative);
    if (existsSync(file)) return file;
    const up = dirname(dir);
    if (up === dir) throw new BotError('internal', `${relative} is missing from this installation.`);
    dir = up;
  }
}
