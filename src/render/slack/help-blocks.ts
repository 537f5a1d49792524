import { sectionMessage } from './blocks.js';
import { escapeCodeSpan } from './escape.js';
import type { SlackMessage } from './limits.js';

/**
 * Returns the ephemeral usage message; `unknown` is a subcommand the user typed that does not exist,
 * `suggestion` the subcommand it is closest to (`stauts` → `status`).
 */
export function renderHelpMessage(opts: { command: string; unknown?: string; suggestion?: string }): SlackMessage {
  const cmd = escapeCodeSpan(opts.command);
  const lines = [
    `*Usage of \`${cmd}\`*`,
    `• \`${cmd} status <host>\`: the Workerman status of a host, posted here with the full tables in a thread`,
    `• \`${cmd} status <group>\` or \`${cmd} status all\`: one row per host of a group (\`${cmd} hosts\` lists them), each host's details in the thread`,
    `• \`${cmd} connections <host>\`: the client connections of a host (counts by worker, protocol and state here, the table in a thread)`,
    `• \`${cmd} trace <host> <pid|worker> [seconds]\`: a time-boxed strace of one process, or of all processes of a worker, with a verdict (asks for confirmation)`,
    `• \`${cmd} doctor <host>\`: what the bot needs on a host, checked one by one with a fix for each problem (only you see it)`,
    `• \`${cmd} history <host> [window]\`: memory per worker and requests per second over the watched window (\`1h\`, \`30m\`; all that is kept by default), as charts`,
    `• \`${cmd} hosts\`: the hosts you can ask for`,
    `• \`${cmd} help\`: this message`,
  ];
  const guess = opts.suggestion === undefined ? '' : ` Did you mean \`${cmd} ${escapeCodeSpan(opts.suggestion)}\`?`;
  const intro =
    opts.unknown === undefined ? [] : [`:grey_question: \`${escapeCodeSpan(opts.unknown)}\` is not a subcommand.${guess}`];
  const text = [...intro, ...lines].join('\n');
  return sectionMessage(text);
}
