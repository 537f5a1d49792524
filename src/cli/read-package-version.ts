import { readFileSync } from 'node:fs';
import { BotError } from '../errors.js';
import { findPackageFile } from './find-package-file.js';

/**
 * Returns the `version` of this installation's package.json, read when asked: never copied into the
 * code, so a release bump is the only edit.
 */
export function readPackageVersion(): string {
  const pkg = JSON.parse(readFileSync(findPackageFile('package.json'), 'utf8')) as { name?: unknown; version?: unknown };
  if (pkg.name !== 'workerman-ops' || typeof pkg.version !== 'string') {
    throw new BotError('internal', 'The package.json found above this installation is not the one of workerman-ops.');
  }
  return pkg.version;
}
