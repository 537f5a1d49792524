import type { CliCommand } from '../cli-command.js';
import { expectArgs } from '../expect-args.js';
import { pickHost } from '../pick-host.js';

/** `workerman-ops connections <host>`: the parsed client connections of a host. */
export const connectionsCommand: CliCommand = {
  name: 'connections',
  summary: 'parsed `php start.php connections` of a host',
  usage: ['connections <host> [--json]'],
  options: [],
  details: [
    'One row per client connection. Workerman cuts worker names longer than 14 characters to 12 + "..".',
    'Exit codes: 0 ok, 2 bad arguments, 3 bad config, 4 unknown host, 10-14 SSH or command, 20-24 Workerman.',
  ],
  positionals: ['host'],
  async run(ctx) {
    const loaded = await ctx.config();
    const host = pickHost(loaded, expectArgs(ctx.args, 1, 'connections <host>')[0]!);
    // Loaded when the command runs, not with the CLI; the renderer while the host works.
    const { runConnections } = await import('../../workerman/run-status.js');
    const rendering = import('../../render/text/connections-table.js');
    const run = await runConnections((await ctx.transports()).get(host.name), host);
    const { renderConnectionsText } = await rendering;
    ctx.io.stdout.write(ctx.json ? `${JSON.stringify(run.connections, null, 2)}\n` : renderConnectionsText(run.connections, { color: ctx.color, maxWidth: ctx.maxWidth }));
    return 0;
  },
};
