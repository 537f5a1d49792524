import type { LoadedConfig } from '../config/load.js';
import type { TransportPool } from '../transport/pool.js';

/** Where the CLI reads and writes; bin.ts passes the process's, tests their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Loads a `.env` file into `env` (variables already set win); `serve` calls it. Absent in tests. */
  loadEnvFile?: (path: string) => void;
  /** The machine-wide config file (default /etc/workerman-ops/config.yml); tests pass their own. */
  systemConfigFile?: string;
  /** Where this machine's processes are looked at for a Workerman master (default /proc); tests pass their own. */
  procDir?: string;
}

/** One option: `--duration DURATION`, `--json`, `-h`. */
export interface CliOption {
  /** Long name without dashes. */
  name: string;
  short?: string;
  /** Placeholder of the value (`FILE`); absent for a flag. */
  value?: string;
  /** One line for `--help`. */
  help: string;
  /** Where the value goes (default `name`), and what a flag stores (default true): `--no-color` stores color=false. */
  key?: string;
  flagValue?: boolean;
  /** What the shell completes for the value. */
  complete?: 'file' | readonly string[];
  /** Left out of `--help` and completion (still accepted). */
  hidden?: boolean;
}

/** What a positional argument completes to: a host, a host or group (or `all`), fixed words, or nothing. */
export type PositionalKind = 'host' | 'target' | 'none' | readonly string[];

/** Option values by key: a string for options with a value, a boolean for flags; absent when not given. */
export type CliOptionValues = Readonly<Record<string, string | boolean | undefined>>;

/** What a command's run() gets: its arguments, the output decisions, and config/transports on demand. */
export interface CliContext {
  io: CliIo;
  /** Positional arguments after the command name. */
  args: readonly string[];
  options: CliOptionValues;
  json: boolean;
  color: boolean;
  /** The terminal width tables fit (undefined: piped, nothing is cut). */
  maxWidth: number | undefined;
  /** Loads the config on first call (see config/load.ts for where it is looked for). */
  config(): Promise<LoadedConfig>;
  /**
   * The config as `all` and `hosts` see it: the built-in `local` host listed only when a Workerman master
   * runs on this machine (looked for on first call, only when there is a built-in host).
   */
  listedConfig(): Promise<LoadedConfig>;
  /** Opens the transport pool on first call (ssh2 and execa load only then); main closes it. */
  transports(): Promise<TransportPool>;
  /** The pool now belongs to something that outlives run() (the bot): main must not close it. */
  handOverTransports(): void;
}

/** One subcommand: what `--help`, completion and the dispatcher know about it, and its code. */
export interface CliCommand {
  name: string;
  /** One line in the global usage. */
  summary: string;
  /** Synopses without the program name, e.g. `status <host|group|all> [--qps] [--json]`. */
  usage: readonly string[];
  /** Options of this command only (the global ones are always accepted). */
  options: readonly CliOption[];
  /** Paragraphs of `<command> --help` after the options: units, limits, what is kept, exit codes. */
  details: readonly string[];
  /** For completion: what each positional is. */
  positionals: readonly PositionalKind[];
  /** Not listed in the usage or completion (`__complete`). */
  hidden?: boolean;
  /** Returns the exit code; throws BotError for failures (main prints them). */
  run(ctx: CliContext): Promise<number>;
}

export const PROGRAM = 'workerman-ops';

/** Accepted by every command. */
export const GLOBAL_OPTIONS: readonly CliOption[] = [
  { name: 'config', value: 'FILE', help: 'config file (else $WORKERMAN_OPS_CONFIG, ./workerman-ops.yml, ~/.config/workerman-ops/config.yml, /etc/workerman-ops/config.yml)', complete: 'file' },
  { name: 'json', help: 'machine-readable output on stdout, errors included (the JSON contract in the README)' },
  { name: 'no-color', key: 'color', flagValue: false, help: 'no ANSI colour (also NO_COLOR=1 or TERM=dumb)' },
  { name: 'color', key: 'color', flagValue: true, help: 'colour even when not a terminal (also FORCE_COLOR=1)' },
  { name: 'help', short: 'h', help: 'usage of the command' },
  { name: 'version', short: 'V', help: 'the version of workerman-ops' },
];
