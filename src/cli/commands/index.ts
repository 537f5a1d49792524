import type { CliCommand } from '../cli-command.js';
import { createCompleteCommand } from './complete.js';
import { completionCommand } from './completion.js';
import { connectionsCommand } from './connections.js';
import { doctorCommand } from './doctor.js';
import { historyCommand } from './history.js';
import { hostsCommand } from './hosts.js';
import { serveCommand } from './serve.js';
import { setupHostCommand } from './setup-host.js';
import { statusCommand } from './status.js';
import { traceCommand } from './trace.js';

/** Every subcommand, in the order `--help` lists them. One file per command in this folder. */
export const COMMANDS: readonly CliCommand[] = [
  statusCommand,
  connectionsCommand,
  traceCommand,
  hostsCommand,
  doctorCommand,
  historyCommand,
  setupHostCommand,
  serveCommand,
  completionCommand,
  createCompleteCommand(() => COMMANDS),
];
