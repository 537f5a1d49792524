import { ALL_HOSTS_GROUP } from '../../config/group-settings.js';
import { resolveTargets } from '../../config/resolve-targets.js';
import { BotError, oneLine } from '../../errors.js';
import type { CliCommand } from '../cli-command.js';
import { isGroupName, pickHost } from '../pick-host.js';

/** `doctor`: one or more checks failed on one or more hosts (each failure names its fix). */
export const DOCTOR_FOUND_PROBLEMS_EXIT_CODE = 6;

/** `workerman-ops doctor`: what each host lacks for the bot, one line per check, each failure with its fix. */
export const doctorCommand: CliCommand = {
  name: 'doctor',
  summary: 'check what the bot needs on each host, with a fix for each failure',
  usage: ['doctor [host|group|all] [--json]'],
  options: [],
  details: [
    'Without a name, every host of `all` is checked (the built-in host local only when a Workerman app runs on this machine; `doctor local` checks it anyway). Each host gets SSH reachability, the host key, Workerman status (run once), strace, ptrace permissions (Yama), the helper and its sudo rule where used.',
    'The text ends with the config file used (`workerman-ops hosts` says it too); --json is the report alone, as before.',
    'Exit codes: 0 all checks passed (warnings allowed), 6 a check failed on some host, 2 bad arguments, 3 bad config, 4 unknown host.',
  ],
  positionals: ['target'],
  async run(ctx) {
    if (ctx.args.length > 1) throw new BotError('input_invalid', `Expected: workerman-ops doctor [host|group|all] (unexpected "${oneLine(ctx.args[1]!, 64)}"). See workerman-ops doctor --help.`);
    const loaded = await ctx.config();
    // Loaded when the command runs, not with the CLI (every command pays for what main imports).
    const [{ runDoctor }, { runDoctorFleet }, { renderDoctorText }] = await Promise.all([
      import('../../host/run-doctor.js'),
      import('../../host/run-doctor-fleet.js'),
      import('../../render/text/doctor-text.js'),
    ]);
    const name = ctx.args[0] ?? ALL_HOSTS_GROUP;
    // `all` holds the built-in local host only when a Workerman app runs here (looked for only then).
    const groupSource = name === ALL_HOSTS_GROUP ? (await ctx.listedConfig()).config : loaded.config;
    const targets = isGroupName(loaded, name) ? resolveTargets(groupSource, name) : [pickHost(loaded, name, { withGroups: true })];
    const report = await runDoctorFleet(targets, async (h) => runDoctor((await ctx.transports()).get(h.name), h), {
      concurrency: loaded.config.limits.fleetConcurrency,
    });
    if (ctx.json) {
      ctx.io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    } else {
      const from = loaded.path === null ? `(no config file: looked for ${loaded.searched.join(', ')})` : `(config: ${loaded.path})`;
      ctx.io.stdout.write(`${renderDoctorText(report, { color: ctx.color })}${from}\n`);
    }
    return report.hosts.every((h) => h.ok) ? 0 : DOCTOR_FOUND_PROBLEMS_EXIT_CODE;
  },
};
