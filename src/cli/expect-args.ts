import { BotError, oneLine } from '../errors.js';

/** Returns `args` when there are exactly `count`, else throws `input_invalid` quoting the usage and what was extra or missing. */
export function expectArgs(args: readonly string[], count: number, usage: string): readonly string[] {
  if (args.length === count) return args;
  const why = args.length > count ? `unexpected "${oneLine(args[count]!, 64)}"` : `missing ${usage.split(' ').filter((w) => w.startsWith('<'))[args.length] ?? 'an argument'}`;
  throw new BotError('input_invalid', `Expected: workerman-ops ${usage} (${why}). See workerman-ops ${usage.split(' ')[0]} --help.`);
}
