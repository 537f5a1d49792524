// The fake-workerman starter lives in bench/fake-workerman.ts so the benches (compiled by tsc, which
// does not see test/) use the same code; this adds the tests' skip reason.
import { execFileSync } from 'node:child_process';

export { FAKE_WORKERMAN, startFakeWorkerman, type FakeWorkerman, type FakeWorkermanOptions } from '../../bench/fake-workerman.js';

/**
 * Why fake-workerman cannot be traced here (not Linux, no strace, no perl, ptrace forbidden), or null.
 * Under CI=true always null: a missing tool must fail the run, not skip it.
 */
export function straceUnavailableReason(): string | null {
  if (process.env.CI === 'true') return null;
  if (process.platform !== 'linux') return `strace tests need Linux, not ${process.platform}`;
  try {
    execFileSync('strace', ['-V'], { stdio: 'ignore' });
  } catch {
    return 'strace is not installed (apt-get install strace)';
  }
  try {
    execFileSync('perl', ['-e', '1'], { stdio: 'ignore' });
  } catch {
    return 'perl is not installed (fake-workerman needs it)';
  }
  try {
    // ptrace may be forbidden here (container without CAP_SYS_PTRACE, Yama): try it once.
    execFileSync('strace', ['-o', '/dev/null', 'true'], { stdio: 'ignore' });
  } catch {
    return 'ptrace is not permitted in this environment (strace true failed)';
  }
  return null;
}
