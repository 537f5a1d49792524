import type { HostConfig } from '../config/host-config.js';
import { asBotError } from '../errors.js';
import { summarizeDoctorChecks, type DoctorHostReport, type DoctorReport } from './doctor-types.js';

/** Runs `runOne` for every host, at most `concurrency` at once; the reports come back in the order of `hosts`. Never rejects. */
export async function runDoctorFleet(
  hosts: readonly HostConfig[],
  runOne: (host: HostConfig) => Promise<DoctorHostReport>,
  opts: { concurrency: number },
): Promise<DoctorReport> {
  const reports = new Array<DoctorHostReport>(hosts.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < hosts.length) {
      const index = next++;
      const host = hosts[index]!;
      try {
        reports[index] = await runOne(host);
      } catch (error) {
        const e = asBotError(error);
        reports[index] = summarizeDoctorChecks(host.name, [{ id: 'doctor', ok: false, detail: `${e.message} (${e.code})`, fix: 'run `workerman-ops doctor` again with DEBUG=1 and report the error' }]);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, Math.floor(opts.concurrency)), hosts.length) }, worker));
  return { hosts: reports };
}
