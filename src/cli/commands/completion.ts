import { readFileSync } from 'node:fs';
import { BotError, oneLine } from '../../errors.js';
import type { CliCommand } from '../cli-command.js';
import { expectArgs } from '../expect-args.js';
import { findPackageFile } from '../find-package-file.js';

const SHELLS = ['bash', 'zsh'] as const;

/** `workerman-ops completion bash|zsh`: the shell completion script (completion/ in the package). */
export const completionCommand: CliCommand = {
  name: 'completion',
  summary: 'print the shell completion script (bash or zsh)',
  usage: ['completion bash|zsh'],
  options: [],
  details: [
    'bash: add `source <(workerman-ops completion bash)` to ~/.bashrc, or save the output as ~/.local/share/bash-completion/completions/workerman-ops.',
    'zsh: add `source <(workerman-ops completion zsh)` to ~/.zshrc after compinit, or save it as _workerman-ops in a directory of $fpath.',
    'Commands, options, and host and group names (read from the config when you press Tab, honouring --config on the line) are completed; values that are files complete as files.',
  ],
  positionals: [SHELLS],
  async run(ctx) {
    const shell = expectArgs(ctx.args, 1, 'completion <bash|zsh>')[0]!;
    if (!(SHELLS as readonly string[]).includes(shell)) {
      throw new BotError('input_invalid', `No completion for the shell "${oneLine(shell, 32)}": use bash or zsh.`);
    }
    ctx.io.stdout.write(readFileSync(findPackageFile(`completion/workerman-ops.${shell}`), 'utf8'));
    return 0;
  },
};
