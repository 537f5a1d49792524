/** What colour depends on: the flag given (`--color` true, `--no-color` false), the environment, the terminal. */
export interface ColorInputs {
  flag: boolean | undefined;
  env: NodeJS.ProcessEnv;
  isTTY: boolean;
}

/**
 * Returns whether to write ANSI colour, first rule that applies wins: `--color` / `--no-color`;
 * FORCE_COLOR set and not empty (`0` or `false` force it off, anything else on, as Node and chalk read
 * it); NO_COLOR set and not empty turns it off (no-color.org: an empty value is ignored); TERM=dumb
 * turns it off; otherwise colour only on a terminal.
 */
export function decideColor({ flag, env, isTTY }: ColorInputs): boolean {
  if (flag !== undefined) return flag;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return force !== '0' && force.toLowerCase() !== 'false';
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.TERM === 'dumb') return false;
  return isTTY;
}
