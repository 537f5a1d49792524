import { ALL_HOSTS_GROUP } from '../../config/group-settings.js';
import { loadConfig } from '../../config/load.js';
import { listHostGroups } from '../../config/resolve-targets.js';
import type { CliCommand } from '../cli-command.js';
import { completeWords } from '../complete-words.js';

/** The hidden `__complete SHELL INDEX WORDS...` the completion scripts call on Tab: one candidate per line. */
export function createCompleteCommand(commands: () => readonly CliCommand[]): CliCommand {
  return {
    name: '__complete',
    summary: 'candidates for the shell completion scripts',
    usage: ['__complete bash|zsh INDEX WORDS...'],
    options: [],
    details: [],
    positionals: [],
    hidden: true,
    async run(ctx) {
      const [, indexText, ...words] = ctx.args;
      const index = Number(indexText);
      if (!Number.isInteger(index) || index < 0) return 0;
      const candidates = await completeWords(words, index, commands(), async (configPath) => {
        // The shell passes `--config ~/ops.yml` as typed, the ~ not expanded.
        const home = ctx.io.env.HOME;
        const path = configPath?.startsWith('~/') && home !== undefined ? `${home}${configPath.slice(1)}` : configPath;
        const { config } = await loadConfig({
          path,
          env: ctx.io.env,
          cwd: ctx.io.cwd,
          ...(ctx.io.systemConfigFile === undefined ? {} : { systemConfigFile: ctx.io.systemConfigFile }),
        });
        return { hosts: config.hosts.map((h) => h.name), groups: [...listHostGroups(config).keys(), ALL_HOSTS_GROUP] };
      });
      ctx.io.stdout.write(candidates.map((c) => `${c}\n`).join(''));
      return 0;
    },
  };
}
