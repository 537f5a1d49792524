/**
 * Returns the width tables must fit, or undefined for "do not cut anything": COLUMNS when it is a
 * positive number (set on purpose: the shell does not export it), else the terminal's own width when
 * stdout is a terminal, else undefined (piped into a file, grep or less -S: every column, whole).
 */
export function decideTableWidth(env: NodeJS.ProcessEnv, stdout: { isTTY?: boolean; columns?: number }): number | undefined {
  const columns = env.COLUMNS?.trim();
  if (columns !== undefined && /^\d{1,5}$/.test(columns) && Number(columns) > 0) return Number(columns);
  if (stdout.isTTY === true && typeof stdout.columns === 'number' && stdout.columns > 0) return stdout.columns;
  return undefined;
}
