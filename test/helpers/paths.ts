import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

/** The repository root (tests never name a path of the machine they run on). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** `test/fixtures`: real captures with ground truth (provenance in its README.md) and the fake binaries. */
export const FIXTURES = join(REPO_ROOT, 'test', 'fixtures');
export const STATUS_FIXTURES = join(FIXTURES, 'workerman-status');
export const STRACE_FIXTURES = join(FIXTURES, 'strace');
export const SEED_FIXTURES = join(FIXTURES, 'seed');
export const FAKE_PHP = join(FIXTURES, 'bin', 'fake-php');
