import { createReadStream } from 'node:fs';
import { userInfo } from 'node:os';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type LoadedConfig } from '../config/load.js';
import type { Config, HostConfig } from '../config/schema.js';
import { ALL_HOSTS_GROUP } from '../config/schema.js';
import { BotError, EXIT_CODES, asBotError } from '../errors.js';
import { renderFleetText } from '../fleet/render-fleet-text.js';
import { loadHelper } from '../host/helper.js';
import { runDoctor, runDoctorFleet } from '../host/run-doctor.js';
import { renderSetupHost } from '../host/setup-host.js';
import { renderDoctorText } from '../render/text/doctor-text.js';
import { listHostGroups, resolveTargets } from '../config/resolve-targets.js';
import { runFleetStatus } from '../fleet/run-fleet-status.js';
import { renderConnectionsText } from '../render/text/connections-table.js';
import { renderStatusText } from '../render/text/status-table.js';
import { renderStraceJson } from '../render/text/strace-json.js';
import { renderStraceText } from '../render/text/strace-summary.js';
import { removeStaleRawLogs } from '../strace/raw-log.js';
import { runTrace } from '../strace/run-trace.js';
import { summarizeStraceChunks } from '../strace/summarize.js';
import type { TransportPool } from '../transport/pool.js';
import { parseStatus } from '../workerman/parse-status.js';
import { resolveTraceTargets } from '../workerman/resolve-trace-targets.js';
import { runConnections, runStatus } from '../workerman/run-status.js';

/** `status <group>` when one or more hosts of the group are not up (each row says why). */
export const FLEET_DEGRADED_EXIT_CODE = 5;
/** `doctor`: one or more checks failed on one or more hosts (each failure names its fix). */
export const DOCTOR_FOUND_PROBLEMS_EXIT_CODE = 6;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  stdout: { write(text: string): unknown; isTTY?: boolean };
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const USAGE = `workerman-ops: Workerman status and strace verdicts, from a terminal or from Slack

Usage:
  workerman-ops status <host> [--json] [--qps]      parsed \`php start.php status\` of a host
  workerman-ops status --from-file FILE [--json]    parse a saved status output (- for stdin)
  workerman-ops connections <host> [--json]         parsed \`php start.php connections\`
  workerman-ops trace <host> <pid|worker> [--duration 5s] [--json] [--save-log FILE]
                                                    time-boxed strace with a verdict (--save-log
                                                    keeps the redacted raw trace)
  workerman-ops trace --from-file FILE [--json]     summarise a saved strace log (- for stdin)
  workerman-ops hosts [--json]                      configured hosts (never secrets)
  workerman-ops doctor [host|group|all] [--json]    check what the bot needs on each host, with a fix
                                                    for each failure (runs status once per host)
  workerman-ops setup-host <host> [--from ADDR] [--public-key FILE]
                                                    the lines that set a host up: key, sudo rule, helper
  workerman-ops setup-host --print-helper           the host helper script itself
  workerman-ops setup-host --helper-file            where that script is in this installation
  workerman-ops serve                               run the Slack bot (see README)

Options:
  --config FILE   config file (else $WORKERMAN_OPS_CONFIG, else ./workerman-ops.yml; optional)
  --json          machine-readable output (the JSON contract in the README)
  --no-color      no ANSI colours (colour is only used on a terminal anyway)
  -h, --help      this text

The host "local" is built in: this machine, no SSH, the start file of the running master.
Exit codes: 0 ok, 1 internal, 2 bad input, 3 bad config, 4 unknown host, 5 group not all up,
6 doctor found problems, 10-14 SSH/command,
20-24 Workerman, 30-35 trace, 40-41 access (full table in the README).
`;

/** Runs the CLI with `argv` (without node and script) and returns the exit code; only bin.ts exits. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string' },
        json: { type: 'boolean', default: false },
        qps: { type: 'boolean', default: false },
        'from-file': { type: 'string' },
        duration: { type: 'string' },
        'save-log': { type: 'string' },
        'no-color': { type: 'boolean', default: false },
        from: { type: 'string' },
        'public-key': { type: 'string' },
        'print-helper': { type: 'boolean', default: false },
        'helper-file': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    io.stderr.write(`workerman-ops: ${(error as Error).message}\n\n${USAGE}`);
    return EXIT_CODES.input_invalid;
  }
  const { values, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    (command === undefined && !values.help ? io.stderr : io.stdout).write(USAGE);
    return command === undefined && !values.help ? EXIT_CODES.input_invalid : 0;
  }
  const json = values.json;
  const color = !values['no-color'] && io.stdout.isTTY === true && io.env.NO_COLOR === undefined;
  let pool: TransportPool | undefined;
  try {
    const needsConfig =
      !((command === 'status' || command === 'trace') && values['from-file'] !== undefined) &&
      !(command === 'setup-host' && (values['print-helper'] || values['helper-file']));
    const loaded = needsConfig ? await loadConfig({ path: values.config, env: io.env, cwd: io.cwd }) : undefined;
    // ssh2 and execa load only for commands that reach a host (--help, --from-file and hosts start faster).
    // The promise is kept, not the pool, so concurrent fleet calls share one pool.
    let poolPromise: Promise<TransportPool> | undefined;
    const transports = (): Promise<TransportPool> =>
      (poolPromise ??= import('../transport/pool.js').then((m) => (pool = m.createTransports(loaded!.config.hosts))));
    switch (command) {
      case 'status': {
        if (values['from-file'] !== undefined) {
          expectArgs(rest, 0, 'status --from-file FILE');
          const text = await readInput(values['from-file'], io);
          const status = parseStatus(text, { host: null });
          io.stdout.write(json ? `${JSON.stringify(status, null, 2)}\n` : renderStatusText(status, { color }));
          return 0;
        }
        const name = expectArgs(rest, 1, 'status <host|group|all>')[0]!;
        if (!loaded!.config.hosts.some((h) => h.name === name) && (name === ALL_HOSTS_GROUP || listHostGroups(loaded!.config).has(name))) {
          const rows = await runFleetStatus(
            resolveTargets(loaded!.config, name),
            async (h, signal) => (await runStatus((await transports()).get(h.name), h, { qps: values.qps, signal })).status,
            { concurrency: loaded!.config.limits.fleetConcurrency, perHostTimeoutMs: loaded!.config.limits.fleetHostTimeoutMs },
          );
          io.stdout.write(json ? `${JSON.stringify({ group: name, hosts: rows.map((r) => ({ ...r, status: r.status ?? null })) }, null, 2)}\n` : renderFleetText(rows));
          return rows.every((r) => r.state === 'up') ? 0 : FLEET_DEGRADED_EXIT_CODE;
        }
        const host = pickHost(loaded!, name);
        const run = await runStatus((await transports()).get(host.name), host, { qps: values.qps });
        io.stdout.write(json ? `${JSON.stringify(run.status, null, 2)}\n` : renderStatusText(run.status, { color }));
        return 0;
      }
      case 'connections': {
        const host = pickHost(loaded!, expectArgs(rest, 1, 'connections <host>')[0]!);
        const run = await runConnections((await transports()).get(host.name), host);
        io.stdout.write(json ? `${JSON.stringify(run.connections, null, 2)}\n` : renderConnectionsText(run.connections, { color }));
        return 0;
      }
      case 'hosts': {
        expectArgs(rest, 0, 'hosts');
        const hosts = describeHosts(loaded!.config);
        io.stdout.write(json ? `${JSON.stringify(hosts, null, 2)}\n` : renderHosts(hosts, loaded!.path));
        return 0;
      }
      case 'trace': {
        if (values['from-file'] !== undefined) {
          expectArgs(rest, 0, 'trace --from-file FILE');
          const source = values['from-file'] === '-' ? io.stdin : createReadStream(values['from-file']);
          const summary = await summarizeStraceChunks(source as AsyncIterable<Uint8Array>, { host: null }).catch((error: unknown) => {
            throw fileError(error, values['from-file']!);
          });
          io.stdout.write(json ? renderStraceJson(summary) : renderStraceText(summary, { color }));
          return 0;
        }
        const [hostName, target] = expectArgs(rest, 2, 'trace <host> <pid|worker-name>');
        const host = pickHost(loaded!, hostName!);
        const durationS = values.duration === undefined ? undefined : parseDuration(values.duration);
        const transport = (await transports()).get(host.name);
        // A CLI killed mid-trace leaves its private raw-log dir behind: the next trace removes it.
        await removeStaleRawLogs();
        const { pids } = await resolveTraceTargets(transport, host, target!);
        const showProgress = !json && io.stderr.isTTY === true;
        const result = await runTrace(transport, host, { pids, ...(durationS === undefined ? {} : { durationS }) }, {
          ...(showProgress
            ? { onProgress: (p) => io.stderr.write(`\rtracing ${pids.join(',')} on ${host.name}: ${Math.round(p.elapsedMs / 1000)}/${Math.round(p.durationMs / 1000)} s, ${p.lines} lines`) }
            : {}),
        });
        if (showProgress) io.stderr.write('\n');
        try {
          // The redacted trace was saved to a temp file while streaming: keep it only when asked to.
          if (values['save-log'] !== undefined && result.rawLog !== null) await copyFile(result.rawLog.path, values['save-log']);
        } finally {
          if (result.rawLog !== null) await rm(dirname(result.rawLog.path), { recursive: true, force: true });
        }
        io.stdout.write(json ? renderStraceJson(result.summary) : renderStraceText(result.summary, { color }));
        return 0;
      }
      case 'doctor': {
        if (rest.length > 1) throw new BotError('input_invalid', `Expected: workerman-ops doctor [host|group|all] (unexpected "${rest[1]}").`);
        const name = rest[0] ?? ALL_HOSTS_GROUP;
        const config = loaded!.config;
        const isGroup = !config.hosts.some((h) => h.name === name) && (name === ALL_HOSTS_GROUP || listHostGroups(config).has(name));
        const targets = isGroup ? resolveTargets(config, name) : [pickHost(loaded!, name)];
        const report = await runDoctorFleet(targets, async (h) => runDoctor((await transports()).get(h.name), h), {
          concurrency: config.limits.fleetConcurrency,
        });
        io.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : renderDoctorText(report, { color }));
        return report.hosts.every((h) => h.ok) ? 0 : DOCTOR_FOUND_PROBLEMS_EXIT_CODE;
      }
      case 'setup-host': {
        if (values['print-helper']) {
          expectArgs(rest, 0, 'setup-host --print-helper');
          io.stdout.write(loadHelper().text);
          return 0;
        }
        if (values['helper-file']) {
          expectArgs(rest, 0, 'setup-host --helper-file');
          io.stdout.write(`${loadHelper().file}\n`);
          return 0;
        }
        const host = pickHost(loaded!, expectArgs(rest, 1, 'setup-host <host> [--from ADDR] [--public-key FILE]')[0]!);
        const publicKey =
          values['public-key'] !== undefined
            ? await readPublicKeyLine(values['public-key'])
            : host.ssh?.privateKeyFile === undefined
              ? undefined
              : await readPublicKeyLine(expandHome(`${host.ssh.privateKeyFile}.pub`, io.env)).catch(() => undefined);
        io.stdout.write(
          renderSetupHost(host, {
            ...(values.from === undefined ? {} : { from: checkFromPattern(values.from) }),
            ...(publicKey === undefined ? {} : { publicKey }),
            localUser: userInfo().username,
          }),
        );
        return 0;
      }
      case 'serve': {
        expectArgs(rest, 0, 'serve');
        const { runServe } = await import('../slack/serve.js');
        const { loadSlackEnv } = await import('../config/slack-env.js');
        const env = loadSlackEnv(io.env);
        // A bot killed mid-trace leaves its private raw-log dirs behind: remove them at start.
        await removeStaleRawLogs();
        await runServe({ env, config: loaded!.config, transports: await transports() });
        pool = undefined; // owned by the bot now; it closes them on SIGTERM/SIGINT
        return await new Promise<number>(() => {}); // runs until a signal stops the process
      }
      default:
        throw new BotError('input_invalid', `Unknown command "${command}". Commands: status, connections, trace, hosts, doctor, setup-host, serve (see --help).`);
    }
  } catch (error) {
    const botError = asBotError(error);
    if (json) io.stdout.write(`${JSON.stringify({ error: { code: botError.code, message: botError.message, details: botError.details } }, null, 2)}\n`);
    io.stderr.write(`workerman-ops: ${botError.message} (${botError.code})\n`);
    if (botError.code === 'internal' && botError.cause instanceof Error && io.env.DEBUG) io.stderr.write(`${botError.cause.stack}\n`);
    return EXIT_CODES[botError.code];
  } finally {
    await pool?.closeAll();
  }
}

function expectArgs(args: readonly string[], count: number, usage: string): readonly string[] {
  if (args.length !== count) {
    throw new BotError('input_invalid', `Expected: workerman-ops ${usage}${args.length > count ? ` (unexpected "${args[count]}")` : ''}.`);
  }
  return args;
}

function pickHost(loaded: LoadedConfig, name: string): HostConfig {
  const host = loaded.config.hosts.find((h) => h.name === name);
  if (host) return host;
  const names = loaded.config.hosts.map((h) => h.name).join(', ');
  const where = loaded.path === null ? 'no config file was found (only the built-in host "local" exists)' : `configured in ${loaded.path}: ${names}`;
  throw new BotError('host_unknown', `Unknown host "${name.slice(0, 64)}"; ${where}. See workerman-ops hosts.`);
}

/** Accepts `5`, `5s`, `1500ms`, `1m`, `2.5s`; returns seconds. */
export function parseDuration(text: string): number {
  const m = /^(\d{1,6}(?:\.\d{1,3})?)(ms|s|m)?$/.exec(text.trim());
  if (!m) throw new BotError('input_invalid', `Cannot read duration "${text.slice(0, 32)}": use e.g. 5s, 1500ms or 1m.`);
  const value = Number(m[1]);
  const seconds = m[2] === 'ms' ? value / 1000 : m[2] === 'm' ? value * 60 : value;
  if (seconds <= 0) throw new BotError('input_invalid', 'The duration must be more than 0 s.');
  return seconds;
}

export interface HostSummary {
  name: string;
  description: string | null;
  groups: string[];
  transport: 'local' | 'ssh';
  target: string;
  startFile: string | null;
}

/** Hosts as users may see them: names, descriptions and where they point; never keys or secrets. */
export function describeHosts(config: Config): HostSummary[] {
  return config.hosts.map((h) => ({
    name: h.name,
    description: h.description ?? null,
    groups: h.groups,
    transport: h.ssh ? 'ssh' : 'local',
    target: h.ssh ? `${h.ssh.username}@${h.ssh.address}:${h.ssh.port}${h.ssh.jump ? ` via ${h.ssh.jump.address}` : ''}` : 'this machine',
    startFile: h.workerman.startFile ?? null,
  }));
}

function renderHosts(hosts: HostSummary[], path: string | null): string {
  const rows = hosts.map((h) => [h.name, h.target, h.startFile ?? '(running master)', h.description ?? '']);
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => r[i]!.length), ['HOST', 'TARGET', 'START FILE'][i]!.length));
  const line = (r: string[]) => r.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ').trimEnd();
  return `${[line(['HOST', 'TARGET', 'START FILE', 'DESCRIPTION']), ...rows.map(line)].join('\n')}\n${path === null ? '(no config file: only the built-in host)\n' : `(from ${path})\n`}`;
}

async function readInput(file: string, io: CliIo): Promise<string> {
  try {
    if (file !== '-') return await readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw fileError(error, file);
  }
}

function fileError(error: unknown, file: string): BotError {
  if (error instanceof BotError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new BotError('input_invalid', `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message}.`, { cause: error });
}

/** Returns the `from=` pattern list of authorized_keys as given, or refuses one that could break the line. */
export function checkFromPattern(text: string): string {
  if (!/^[A-Za-z0-9.:/*?!,_-]{1,200}$/.test(text)) {
    throw new BotError('input_invalid', `--from takes an address, a CIDR block or an OpenSSH pattern list such as 10.0.0.9 or 10.0.0.0/24,!10.0.0.13 (got "${text.slice(0, 64)}").`);
  }
  return text;
}

/** Returns the first OpenSSH public key line of `file`; refuses a private key, which must never be printed. */
export async function readPublicKeyLine(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(error, file);
  }
  if (/PRIVATE KEY/.test(text)) throw new BotError('input_invalid', `${file} is a private key: pass its .pub file (the private key never leaves the bot's machine).`);
  const line = text.split('\n').map((l) => l.trim()).find((l) => /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-[a-z0-9-]+@openssh\.com)(-cert-v01@openssh\.com)? [A-Za-z0-9+/]+=* ?[^\n]*$/.test(l));
  if (line === undefined) throw new BotError('input_invalid', `${file} holds no OpenSSH public key line ("ssh-ed25519 AAAA… comment").`);
  return line;
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path.startsWith('~/') && env.HOME !== undefined ? `${env.HOME}${path.slice(1)}` : path;
}
