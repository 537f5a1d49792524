import { loadConfig, type LoadedConfig } from '../config/load.js';
import { resolveListedHosts } from '../config/local-host.js';
import { BotError, EXIT_CODES, asBotError, oneLine } from '../errors.js';
import { suggestClosest } from '../suggest/suggest-closest.js';
import type { TransportPool } from '../transport/pool.js';
import { hasLocalWorkermanMaster } from '../workerman/has-local-workerman-master.js';
import { GLOBAL_OPTIONS, PROGRAM, type CliContext, type CliIo } from './cli-command.js';
import { COMMANDS } from './commands/index.js';
import { decideColor } from './decide-color.js';
import { decideTableWidth } from './decide-table-width.js';
import { parseCliArgs } from './parse-cli-args.js';
import { readPackageVersion } from './read-package-version.js';
import { renderCommandHelp, renderUsage } from './render-help.js';

export type { CliIo } from './cli-command.js';
export { FLEET_DEGRADED_EXIT_CODE } from './commands/status.js';
export { DOCTOR_FOUND_PROBLEMS_EXIT_CODE } from './commands/doctor.js';

/** The global usage (`workerman-ops --help`). */
export const USAGE = renderUsage(COMMANDS);

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code; only bin.ts exits.
 * Finds the command, parses its options (unknown ones, missing values: exit 2 with a message and,
 * under --json, a JSON error on stdout), answers --version and --help, then runs the command's file
 * in commands/. A BotError is shown as its message and code; anything else as `internal`.
 */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  // The completion scripts pass the command line being typed: none of it is an option of ours.
  if (argv[0] === '__complete') return runCommand('__complete', argv.slice(1), {}, io);
  // Known before anything is parsed, so that even a parse error is JSON.
  const dashDash = argv.indexOf('--');
  const json = (dashDash < 0 ? argv : argv.slice(0, dashDash)).includes('--json');
  try {
    const allOptions = [...GLOBAL_OPTIONS, ...COMMANDS.flatMap((c) => c.options)];
    // First pass: which command? (Options may come before it: `--config ops.yml status web-1`.)
    const first = parseCliArgs(argv, allOptions, { helpHint: `${PROGRAM} --help`, lenient: true });
    const [name, ...rest] = first.positionals;
    const wantsHelp = argv.some((a, i) => (a === '--help' || a === '-h') && (dashDash < 0 || i < dashDash));
    if (name === undefined || name === 'help') {
      // `help <command>` and `--help` print to stdout; a bare `workerman-ops` is a usage error.
      const global = parseCliArgs(argv, GLOBAL_OPTIONS, { helpHint: `${PROGRAM} --help` });
      if (global.options.version === true) return printVersion(io, json);
      if (name === 'help' && rest.length > 0) {
        io.stdout.write(renderCommandHelp(findCommand(rest[0]!)));
        return 0;
      }
      (name === undefined && !wantsHelp ? io.stderr : io.stdout).write(USAGE);
      return name === undefined && !wantsHelp ? EXIT_CODES.input_invalid : 0;
    }
    const command = findCommand(name);
    const helpHint = `${PROGRAM} ${command.name} --help`;
    const ownersOf = (option: string): string[] => COMMANDS.filter((c) => c !== command && c.options.some((o) => o.name === option)).map((c) => c.name);
    const parsed = parseCliArgs(argv, [...GLOBAL_OPTIONS, ...command.options], { helpHint, ownersOf });
    if (parsed.options.version === true) return printVersion(io, json);
    if (wantsHelp) {
      io.stdout.write(renderCommandHelp(command));
      return 0;
    }
    return await runCommand(command.name, parsed.positionals.slice(1), parsed.options, io);
  } catch (error) {
    return reportError(error, io, json);
  }
}

async function runCommand(name: string, args: readonly string[], options: Record<string, string | boolean>, io: CliIo): Promise<number> {
  const command = findCommand(name);
  const json = options.json === true;
  let configPromise: Promise<LoadedConfig> | undefined;
  let listedPromise: Promise<LoadedConfig> | undefined;
  // The promise is kept, not the pool, so concurrent fleet calls share one pool.
  let poolPromise: Promise<TransportPool> | undefined;
  let pool: TransportPool | undefined;
  const ctx: CliContext = {
    io,
    args,
    options,
    json,
    color: decideColor({ flag: options.color as boolean | undefined, env: io.env, isTTY: io.stdout.isTTY === true }),
    maxWidth: decideTableWidth(io.env, io.stdout),
    config: () =>
      (configPromise ??= loadConfig({
        path: options.config as string | undefined,
        env: io.env,
        cwd: io.cwd,
        ...(io.systemConfigFile === undefined ? {} : { systemConfigFile: io.systemConfigFile }),
      })),
    listedConfig: () =>
      (listedPromise ??= ctx.config().then(async (loaded) => ({
        ...loaded,
        config: await resolveListedHosts(loaded.config, () => hasLocalWorkermanMaster(io.procDir)),
      }))),
    // ssh2 and execa load only for commands that reach a host (--help, --from-file and hosts start faster).
    transports: () =>
      (poolPromise ??= ctx.config().then(async (loaded) => {
        const { createTransports } = await import('../transport/pool.js');
        return (pool = createTransports(loaded.config.hosts));
      })),
    handOverTransports: () => {
      pool = undefined;
    },
  };
  try {
    return await command.run(ctx);
  } catch (error) {
    return reportError(error, io, json);
  } finally {
    await pool?.closeAll();
  }
}

/** Returns the command called `name`, or throws `input_invalid` with the closest one. */
function findCommand(name: string): (typeof COMMANDS)[number] {
  const command = COMMANDS.find((c) => c.name === name && (!c.hidden || name === '__complete'));
  if (command !== undefined) return command;
  const visible = COMMANDS.filter((c) => !c.hidden).map((c) => c.name);
  const near = suggestClosest(name, [...visible, 'help']);
  const guess = near === undefined ? '' : ` Did you mean "${near}"?`;
  throw new BotError('input_invalid', `Unknown command "${oneLine(name, 40)}".${guess} Commands: ${visible.join(', ')} (see ${PROGRAM} --help).`);
}

function printVersion(io: CliIo, json: boolean): number {
  const version = readPackageVersion();
  io.stdout.write(json ? `${JSON.stringify({ name: PROGRAM, version })}\n` : `${PROGRAM} ${version}\n`);
  return 0;
}

/** Prints an error for the person at the terminal (stderr) and, under --json, for the script (stdout); returns its exit code. */
function reportError(error: unknown, io: CliIo, json: boolean): number {
  const botError = asBotError(error);
  if (json) io.stdout.write(`${JSON.stringify({ error: { code: botError.code, message: botError.message, details: botError.details } }, null, 2)}\n`);
  io.stderr.write(`${PROGRAM}: ${botError.message} (${botError.code})\n`);
  if (botError.code === 'internal') {
    if (botError.cause instanceof Error && io.env.DEBUG) io.stderr.write(`${botError.cause.stack}\n`);
    else io.stderr.write(`${PROGRAM}: this is a bug; run again with DEBUG=1 for the stack, and report it.\n`);
  }
  return EXIT_CODES[botError.code];
}
