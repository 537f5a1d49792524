import { wrapWords } from '../render/text/fit-columns.js';
import { GLOBAL_OPTIONS, PROGRAM, type CliCommand, type CliOption } from './cli-command.js';

/** Returns the global usage: every command with its summary, every synopsis, the global options, the exit codes. */
export function renderUsage(commands: readonly CliCommand[]): string {
  const visible = commands.filter((c) => !c.hidden);
  const listed = [...visible.map((c) => [c.name, c.summary] as const), ['help', 'usage, options, units and limits of a command (also <command> --help)'] as const];
  const width = Math.max(...listed.map(([name]) => name.length)) + 2;
  const lines = [
    `${PROGRAM}: Workerman status and strace verdicts, from a terminal or from Slack`,
    '',
    `Usage: ${PROGRAM} <command> [arguments] [options]`,
    '',
    'Commands:',
    ...listed.map(([name, summary]) => `  ${name.padEnd(width)}${summary}`),
    '',
    'Synopses:',
    ...visible.flatMap((c) => c.usage.map((u) => `  ${PROGRAM} ${u}`)),
    '',
    'Global options:',
    ...renderOptions(GLOBAL_OPTIONS),
    '',
    'The host "local" is built in: this machine, no SSH, the start file of the running master.',
    'Exit codes: 0 ok, 1 internal, 2 bad input, 3 bad config, 4 unknown host, 5 group not all up,',
    '6 doctor found problems, 10-14 SSH/command, 20-24 Workerman, 30-38 trace, 40-42 access,',
    '50 Slack unreachable (full table in the README).',
  ];
  return `${lines.join('\n')}\n`;
}

/** Returns `<command> --help`: its synopses, summary, options (then the global ones), units, limits and exit codes. */
export function renderCommandHelp(command: CliCommand): string {
  const lines = ['Usage:', ...command.usage.map((u) => `  ${PROGRAM} ${u}`), '', `${capitalize(command.summary)}.`];
  const own = command.options.filter((o) => !o.hidden);
  if (own.length > 0) lines.push('', 'Options:', ...renderOptions(own));
  lines.push('', 'Global options:', ...renderOptions(GLOBAL_OPTIONS));
  for (const paragraph of command.details) lines.push('', ...wrapWords(paragraph, 100, 0));
  return `${lines.join('\n')}\n`;
}

function renderOptions(options: readonly CliOption[]): string[] {
  const names = options.map((o) => `${o.short === undefined ? '    ' : `-${o.short}, `}--${o.name}${o.value === undefined ? '' : ` ${o.value}`}`);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  // Descriptions wrap within 100 columns under their own start.
  return options.flatMap((o, i) =>
    wrapWords(o.help, Math.max(40, 100 - 2 - width), 0).map((line, j) => `  ${(j === 0 ? names[i]! : '').padEnd(width)}${line}`),
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
