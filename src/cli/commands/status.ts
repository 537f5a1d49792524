import { resolveTargets } from '../../config/resolve-targets.js';
import { ALL_HOSTS_GROUP } from '../../config/group-settings.js';
import { describeExits } from '../../workerman/describe-exit-status.js';
import type { CliCommand } from '../cli-command.js';
import { expectArgs } from '../expect-args.js';
import { isGroupName, pickHost } from '../pick-host.js';
import { readInput } from '../read-input.js';

/** `status <group>` when one or more hosts of the group are not up (each row says why). */
export const FLEET_DEGRADED_EXIT_CODE = 5;

/** `workerman-ops status`: one host's parsed status, one row per host of a group, or a saved output. */
export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'parsed `php start.php status` of a host, or one row per host of a group',
  usage: ['status <host|group|all> [--qps] [--json]', 'status --from-file FILE [--json]'],
  options: [
    { name: 'qps', help: 'run status twice about 1 s apart and report real requests per second per process' },
    { name: 'from-file', value: 'FILE', help: 'parse a saved `php start.php status` output instead (- reads stdin)', complete: 'file' },
  ],
  details: [
    'A group (or "all": every configured host, and the built-in host local when a Workerman app runs on this machine) runs every host of the group at once (limits.fleetConcurrency), each within limits.fleetHostTimeoutMs (15 s by default), one row per host.',
    'Findings come first: busy processes, abnormal exits (one non-zero exit status since start) and crash loops (repeated ones), memory outliers, processes that did not answer, workers left running by a dead master.',
    'On a terminal narrower than the table, the least useful columns are hidden or cut (a last line says which); piped output and --json are never cut.',
    'Exit codes: 0 ok, 2 bad arguments, 3 bad config, 4 unknown host, 5 a host of the group is not up, 10-14 SSH or command, 20-24 Workerman.',
  ],
  positionals: ['target'],
  async run(ctx) {
    const { io, options, json } = ctx;
    const fromFile = options['from-file'] as string | undefined;
    if (fromFile !== undefined) {
      expectArgs(ctx.args, 0, 'status --from-file FILE');
      const [{ parseStatus }, { renderStatusText }] = await Promise.all([import('../../workerman/parse-status.js'), import('../../render/text/status-table.js')]);
      const status = parseStatus(await readInput(fromFile, io), { host: null });
      io.stdout.write(json ? `${JSON.stringify(status, null, 2)}\n` : renderStatusText(describeExits(status), { color: ctx.color, maxWidth: ctx.maxWidth }));
      return 0;
    }
    const name = expectArgs(ctx.args, 1, 'status <host|group|all>')[0]!;
    const loaded = await ctx.config();
    const qps = options.qps === true;
    // What the command runs is loaded here, not with the CLI (every command pays for what main imports);
    // what only renders the answer is loaded while the hosts work on it.
    if (isGroupName(loaded, name)) {
      const rendering = import('../../render/text/fleet-table.js');
      const [{ runStatus }, { runFleetStatus }] = await Promise.all([import('../../workerman/run-status.js'), import('../../fleet/run-fleet-status.js')]);
      const limits = loaded.config.limits;
      // `all` holds the built-in local host only when a Workerman app runs here (looked for only then).
      const groupSource = name === ALL_HOSTS_GROUP ? (await ctx.listedConfig()).config : loaded.config;
      const rows = await runFleetStatus(
        resolveTargets(groupSource, name),
        async (h, signal) => (await runStatus((await ctx.transports()).get(h.name), h, { qps, signal })).status,
        { concurrency: limits.fleetConcurrency, perHostTimeoutMs: limits.fleetHostTimeoutMs },
      );
      const { renderFleetText } = await rendering;
      io.stdout.write(
        json
          ? `${JSON.stringify({ group: name, hosts: rows.map((r) => ({ ...r, status: r.status ?? null })) }, null, 2)}\n`
          : `${renderFleetText(rows, { maxWidth: ctx.maxWidth })}\n`,
      );
      return rows.every((r) => r.state === 'up') ? 0 : FLEET_DEGRADED_EXIT_CODE;
    }
    const host = pickHost(loaded, name, { withGroups: true });
    const { runStatus } = await import('../../workerman/run-status.js');
    const rendering = import('../../render/text/status-table.js');
    const run = await runStatus((await ctx.transports()).get(host.name), host, { qps });
    const { renderStatusText } = await rendering;
    io.stdout.write(json ? `${JSON.stringify(run.status, null, 2)}\n` : renderStatusText(describeExits(run.status), { color: ctx.color, maxWidth: ctx.maxWidth }));
    return 0;
  },
};
