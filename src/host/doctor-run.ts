import type { CommandResult } from '../transport/types.js';

/** Runs argv on the host being checked, under doctor's timeout, output cap and signal (in `cwd` when given). */
export type DoctorRun = (argv: readonly string[], cwd?: string) => Promise<CommandResult>;
