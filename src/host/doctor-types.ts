/**
 * What `workerman-ops doctor` reports (`--json` prints a DoctorReport as is; README "doctor"): per host,
 * one entry per check in the order they ran, each failure with the command or config change that fixes it.
 */

/** A check's outcome: `true` passed, `false` failed (the host cannot do what the bot needs), `'warn'` works but deserves a look. */
export type DoctorCheckOutcome = true | false | 'warn';

/** One check of one host. */
export interface DoctorCheck {
  /** Stable name (`ssh.reach`, `strace`, `yama`, `helper.conf`, …): the README lists them. */
  id: string;
  ok: DoctorCheckOutcome;
  /** What was found, one line; may quote the host (a path, a version line). */
  detail: string;
  /** For a failure or a warning: the command or config change to make. null when nothing is to do. */
  fix: string | null;
}

/** The checks of one host; `ok` is false when any check failed (warnings do not count). */
export interface DoctorHostReport {
  host: string;
  ok: boolean;
  checks: DoctorCheck[];
}

/** What `doctor <host|group|all>` prints: the hosts in config order. */
export interface DoctorReport {
  hosts: DoctorHostReport[];
}

/** Returns the host report for `checks` (ok unless one failed). */
export function summarizeDoctorChecks(host: string, checks: DoctorCheck[]): DoctorHostReport {
  return { host, ok: checks.every((c) => c.ok !== false), checks };
}
