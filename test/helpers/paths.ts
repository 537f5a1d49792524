import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** The repository root (tests never name a path of the machine they run on). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `../shared/fixtures` beside the repository: real captures with ground truth. */
export const SHARED_FIXTURES = resolve(REPO_ROOT, '..', 'shared', 'fixtures');
export const STATUS_FIXTURES = join(SHARED_FIXTURES, 'workerman-status');
export const STRACE_FIXTURES = join(SHARED_FIXTURES, 'strace');
export const SEED_FIXTURES = join(SHARED_FIXTURES, 'seed');
export const FAKE_PHP = join(REPO_ROOT, 'test', 'fixtures', 'bin', 'fake-php');
