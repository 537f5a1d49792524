import type { Config } from '../../config/schema.js';
import { isBuiltInLocalHost, isListedHost, LOCAL_HOST_NAME } from '../../config/local-host.js';
import { listHostGroups } from '../../config/resolve-targets.js';
import type { CliCommand } from '../cli-command.js';
import { expectArgs } from '../expect-args.js';

/** A host as `hosts --json` shows it. */
export interface HostSummary {
  name: string;
  description: string | null;
  groups: string[];
  transport: 'local' | 'ssh';
  target: string;
  startFile: string | null;
}

/** `workerman-ops hosts`: the configured hosts, where they point and which config file they came from. */
export const hostsCommand: CliCommand = {
  name: 'hosts',
  summary: 'configured hosts and groups, and the config file used (never keys or secrets)',
  usage: ['hosts [--json]'],
  options: [],
  details: [
    'The config is --config FILE, else $WORKERMAN_OPS_CONFIG, else the first of ./workerman-ops.yml, $XDG_CONFIG_HOME/workerman-ops/config.yml (~/.config/… when unset) and /etc/workerman-ops/config.yml that exists. The last line says which file was used.',
    'The built-in host local (this machine) is listed, and part of "all", only when the config names it or a Workerman app runs on this machine.',
    '--json prints the array of hosts (name, description, groups, transport, target, startFile), as before.',
  ],
  positionals: [],
  async run(ctx) {
    expectArgs(ctx.args, 0, 'hosts');
    const loaded = await ctx.listedConfig();
    const hosts = describeHosts(loaded.config);
    if (ctx.json) {
      ctx.io.stdout.write(`${JSON.stringify(hosts, null, 2)}\n`);
      return 0;
    }
    // Loaded when the command runs, not with the CLI (every command pays for what main imports).
    const [{ escapeControl }, { renderTextTable }] = await Promise.all([import('../../render/escape-control.js'), import('../../render/text/table.js')]);
    const lines = renderTextTable(
      hosts,
      [
        { header: 'HOST', cell: (h) => escapeControl(h.name) },
        { header: 'TARGET', cell: (h) => escapeControl(h.target), fit: { shrink: { step: 2, minWidth: 20, keep: 'ends' } } },
        { header: 'START FILE', cell: (h) => escapeControl(h.startFile ?? '(running master)'), fit: { shrink: { step: 2, minWidth: 16, keep: 'ends' }, drop: 3 } },
        { header: 'DESCRIPTION', cell: (h) => escapeControl(h.description ?? ''), fit: { shrink: { step: 1, minWidth: 12 }, drop: 2 } },
      ],
      { color: ctx.color, maxWidth: ctx.maxWidth },
    );
    const groups = [...listHostGroups(loaded.config).entries()].map(([name, members]) => `${name} (${members.map((h) => h.name).join(', ')})`);
    if (groups.length > 0) lines.push('', `groups: ${groups.join('; ')}; all (every host)`);
    const builtIn = loaded.config.hosts.find(isBuiltInLocalHost);
    if (builtIn !== undefined && !isListedHost(builtIn)) {
      lines.push(`(the built-in host ${LOCAL_HOST_NAME} is left out, and out of "all": no Workerman app runs on this machine; \`status ${LOCAL_HOST_NAME}\` still asks it)`);
    }
    lines.push(loaded.path === null ? `(no config file: only the built-in host; looked for ${loaded.searched.join(', ')})` : `(from ${loaded.path})`);
    ctx.io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  },
};

/**
 * The hosts of `all` as users may see them: names, descriptions and where they point; never keys or
 * secrets. The built-in `local` host only when listed (resolveListedHosts).
 */
export function describeHosts(config: Config): HostSummary[] {
  return config.hosts.filter(isListedHost).map((h) => ({
    name: h.name,
    description: h.description ?? null,
    groups: h.groups,
    transport: h.ssh ? 'ssh' : 'local',
    target: h.ssh ? `${h.ssh.username}@${h.ssh.address}:${h.ssh.port}${h.ssh.jump ? ` via ${h.ssh.jump.address}` : ''}` : 'this machine',
    startFile: h.workerman.startFile ?? null,
  }));
}
