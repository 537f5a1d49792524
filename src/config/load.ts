import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { BotError } from '../errors.js';
import { Config, HostConfig } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'workerman-ops.yml';
export const CONFIG_ENV_VAR = 'WORKERMAN_OPS_CONFIG';

/** The built-in host: this machine, no SSH. Its start file is found from the running master's title. */
export const LOCAL_HOST_NAME = 'local';

export interface LoadedConfig {
  /** The file read, or null when none was given and `./workerman-ops.yml` does not exist. */
  path: string | null;
  config: Config;
}

export interface LoadConfigOptions {
  /** `--config` */
  path?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/**
 * Reads and validates the config once, at start-up: `--config`, else $WORKERMAN_OPS_CONFIG, else
 * `./workerman-ops.yml` (optional). Always contains the built-in `local` host unless the file defines one.
 * A bad file is a `config_invalid` error naming the file and the path inside it.
 */
export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const explicit = opts.path ?? nonEmpty(opts.env[CONFIG_ENV_VAR]);
  const path = resolve(opts.cwd, explicit ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (explicit === undefined && code === 'ENOENT') {
      return { path: null, config: withLocalHost(Config.parse({})) };
    }
    const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? 'unreadable';
    throw new BotError('config_invalid', `Cannot read config file ${path}: ${why}.`, { cause: error });
  }
  return { path, config: parseConfigText(text, path, opts.env) };
}

/** Parses YAML text into a validated Config (with the `local` host). Errors name `file: path.to.key`. */
export function parseConfigText(text: string, file: string, env: NodeJS.ProcessEnv = {}): Config {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const where = first.linePos?.[0] ? ` (line ${first.linePos[0].line}, column ${first.linePos[0].col})` : '';
    throw new BotError('config_invalid', `${file}${where}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS() ?? {};
  const result = Config.safeParse(raw);
  if (!result.success) {
    throw new BotError('config_invalid', `${file} is not a valid workerman-ops config:\n${formatIssues(result.error.issues)}`, {
      details: { issues: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) },
    });
  }
  return withLocalHost(expandHome(result.data, env));
}

/** `hosts[1].ssh.port: expected a number` lines, one per issue (at most 20). */
export function formatIssues(issues: readonly z.core.$ZodIssue[]): string {
  const lines = issues.slice(0, 20).map((issue) => `  ${formatPath(issue.path) || '(top level)'}: ${describeIssue(issue)}`);
  if (issues.length > 20) lines.push(`  … and ${issues.length - 20} more`);
  return lines.join('\n');
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') {
    // zod 4 says "Invalid input: expected number, received string": keep it short and lowercase.
    return `expected ${article(issue.expected)}${'input' in issue && issue.input === undefined ? ' (missing)' : ''}`;
  }
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return issue.message;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out.length === 0 ? String(key) : `.${String(key)}`;
  }
  return out;
}

function withLocalHost(config: Config): Config {
  if (config.hosts.some((h) => h.name === LOCAL_HOST_NAME)) return config;
  const local = HostConfig.parse({ name: LOCAL_HOST_NAME, description: 'this machine (no SSH)' });
  return { ...config, hosts: [...config.hosts, local] };
}

function expandHome(config: Config, env: NodeJS.ProcessEnv): Config {
  const home = nonEmpty(env.HOME) ?? homedir();
  const fix = (p: string | undefined): string | undefined =>
    p === undefined ? undefined : p.startsWith('~/') ? resolve(home, p.slice(2)) : isAbsolute(p) ? p : p;
  return {
    ...config,
    ...(config.watch === undefined ? {} : { watch: { ...config.watch, stateFile: fix(config.watch.stateFile) as string } }),
    hosts: config.hosts.map((host) => ({
      ...host,
      ssh:
        host.ssh === undefined
          ? undefined
          : {
              ...host.ssh,
              privateKeyFile: fix(host.ssh.privateKeyFile),
              knownHostsFile: fix(host.ssh.knownHostsFile),
              jump:
                host.ssh.jump === undefined
                  ? undefined
                  : { ...host.ssh.jump, privateKeyFile: fix(host.ssh.jump.privateKeyFile), knownHostsFile: fix(host.ssh.jump.knownHostsFile) },
            },
    })),
  };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}
