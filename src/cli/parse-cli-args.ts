import { BotError, oneLine } from '../errors.js';
import { suggestClosest } from '../suggest/suggest-closest.js';
import type { CliOption } from './cli-command.js';

/** Option values by key, and the positional arguments in order. */
export interface ParsedCliArgs {
  options: Record<string, string | boolean>;
  positionals: string[];
}

export interface ParseCliArgsOptions {
  /** How to point at the usage in an error: `workerman-ops trace --help`. */
  helpHint: string;
  /** Commands that do take an option this one does not (`--qps` → status), for a better message. */
  ownersOf?: (name: string) => readonly string[];
  /** Unknown options are skipped instead of refused (main's first pass, which only looks for the command). */
  lenient?: boolean;
}

/**
 * Returns the options and positionals of `argv` against `known`: `--name`, `--name=value`, `--name value`,
 * `-h`; `--` makes every later word positional and `-` alone is a positional (stdin). An unknown option,
 * a missing value (`--config` last, or followed by another option) or a value given to a flag is an
 * `input_invalid` BotError written for the person who typed it, with the closest option when one is near.
 * Example: `['status', 'web-1', '--json']` → `{ options: { json: true }, positionals: ['status', 'web-1'] }`.
 */
export function parseCliArgs(argv: readonly string[], known: readonly CliOption[], opts: ParseCliArgsOptions): ParsedCliArgs {
  const options: Record<string, string | boolean> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (word === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (word === '-' || !word.startsWith('-')) {
      positionals.push(word);
      continue;
    }
    const long = word.startsWith('--');
    const eq = long ? word.indexOf('=') : -1;
    const name = long ? word.slice(2, eq < 0 ? undefined : eq) : word.slice(1);
    const option = known.find((o) => (long ? o.name === name : o.short === name));
    if (option === undefined) {
      if (opts.lenient) continue;
      throw unknownOption(long ? `--${name}` : `-${name}`, known, opts);
    }
    const key = option.key ?? option.name;
    if (option.value === undefined) {
      if (eq >= 0) throw new BotError('input_invalid', `--${name} takes no value (got "${oneLine(word.slice(eq + 1), 40)}"). See ${opts.helpHint}.`);
      options[key] = option.flagValue ?? true;
      continue;
    }
    if (eq >= 0) {
      options[key] = word.slice(eq + 1);
      continue;
    }
    const next = argv[i + 1];
    if (next === undefined || (next !== '-' && next.startsWith('-'))) {
      if (opts.lenient) continue;
      const after = next === undefined ? '' : `, got the option ${oneLine(next, 40)} instead`;
      throw new BotError('input_invalid', `--${option.name} needs a value: --${option.name} ${option.value}${after}. See ${opts.helpHint}.`);
    }
    options[key] = next;
    i += 1;
  }
  return { options, positionals };
}

function unknownOption(typed: string, known: readonly CliOption[], opts: ParseCliArgsOptions): BotError {
  const shown = oneLine(typed, 40);
  const name = typed.replace(/^-+/, '').split('=')[0]!;
  const owners = opts.ownersOf?.(name) ?? [];
  if (owners.length > 0) {
    return new BotError('input_invalid', `${shown} is not an option here (it is one of ${owners.join(', ')}). See ${opts.helpHint}.`);
  }
  const near = suggestClosest(name, known.filter((o) => !o.hidden).map((o) => o.name));
  const hint = near === undefined ? '' : ` Did you mean --${near}?`;
  return new BotError('input_invalid', `Unknown option ${shown}.${hint} See ${opts.helpHint}.`);
}
