import { GLOBAL_OPTIONS, type CliCommand, type CliOption } from './cli-command.js';

/** Printed alone by `__complete` when the word is a file name: the shell script completes files itself. */
export const COMPLETE_FILES = '__files__';

/** Host and group names for completion, loaded only when a position needs them. */
export interface CompletionNames {
  hosts: readonly string[];
  /** Groups, `all` included. */
  groups: readonly string[];
}

/**
 * Returns the candidates for `words[index]` of a command line (`words[0]` is the program), filtered by
 * what is typed so far: commands, the options of the command (or the global ones before it), an option's
 * fixed values, host names (and groups where a group is accepted), or `[COMPLETE_FILES]`. `loadNames`
 * gets the `--config` typed on the line; it is called only when a host position is completed. Bash
 * splits `--config=FILE` into `--config`, `=`, `FILE`; both spellings work.
 */
export async function completeWords(
  words: readonly string[],
  index: number,
  commands: readonly CliCommand[],
  loadNames: (configPath: string | undefined) => Promise<CompletionNames>,
): Promise<string[]> {
  const current = words[index] ?? '';
  const visible = commands.filter((c) => !c.hidden);
  const allOptions = [...GLOBAL_OPTIONS, ...commands.flatMap((c) => c.options)];
  let command: CliCommand | undefined;
  let isHelp = false;
  let positionals = 0;
  let configPath: string | undefined;
  let valueOf: CliOption | undefined;
  for (let i = 1; i < index; i++) {
    const word = words[i]!;
    const next = words[i + 1];
    const known = command === undefined ? allOptions : [...GLOBAL_OPTIONS, ...command.options];
    if (word.startsWith('--') && word.length > 2) {
      const [name, inline] = word.slice(2).split('=', 2) as [string, string | undefined];
      const option = known.find((o) => o.name === name);
      if (option?.value === undefined || inline !== undefined) {
        if (option?.name === 'config' && inline !== undefined) configPath = inline;
        continue;
      }
      // The value is the next word (or the one after a bash `=` word); it may be the one being completed.
      const valueAt = next === '=' ? i + 2 : i + 1;
      if (valueAt >= index) {
        valueOf = option;
        break;
      }
      if (option.name === 'config') configPath = words[valueAt];
      i = valueAt;
      continue;
    }
    if (word.startsWith('-') && word !== '-') continue;
    if (command === undefined && !isHelp) {
      if (word === 'help') isHelp = true;
      else command = commands.find((c) => c.name === word);
      if (command === undefined && !isHelp) return []; // an unknown command: nothing sensible to offer
    } else {
      positionals += 1;
    }
  }
  const matching = (candidates: readonly string[]): string[] => candidates.filter((c) => c.startsWith(current));
  if (valueOf !== undefined) {
    if (valueOf.complete === 'file') return [COMPLETE_FILES];
    return Array.isArray(valueOf.complete) ? matching(valueOf.complete) : [];
  }
  if (current === '=') return [];
  if (current.startsWith('-')) {
    const options = [...(command?.options ?? []), ...GLOBAL_OPTIONS].filter((o) => !o.hidden);
    return matching(options.map((o) => `--${o.name}`));
  }
  if (isHelp) return positionals === 0 ? matching(visible.map((c) => c.name)) : [];
  if (command === undefined) return matching([...visible.map((c) => c.name), 'help']);
  const kind = command.positionals[positionals];
  if (kind === undefined || kind === 'none') return [];
  if (Array.isArray(kind)) return matching(kind);
  const names = await loadNames(configPath).catch(() => ({ hosts: [], groups: [] }));
  return matching(kind === 'target' ? [...names.hosts, ...names.groups] : names.hosts);
}
