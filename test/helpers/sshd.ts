// A throwaway OpenSSH sshd on 127.0.0.1 for integration tests. The implementation lives in
// bench/sshd-harness.ts so the bench (compiled by tsc, which does not see test/) uses the same code.
//
// Usage:
//   describe.skipIf(sshdUnavailableReason !== null)('…', () => {
//     let sshd: SshdHandle;
//     beforeAll(async () => { sshd = await startSshd(); });
//     afterAll(async () => { await sshd?.stop(); });
//   });
import { sshdUnavailableReason } from '../../bench/sshd-harness.js';

export { sshdUnavailableReason, startSshd, type SshdHandle } from '../../bench/sshd-harness.js';

if (sshdUnavailableReason !== null) {
  console.warn(`[sshd tests skipped] ${sshdUnavailableReason}. In CI (CI=true) they run and fail instead of skipping.`);
}
