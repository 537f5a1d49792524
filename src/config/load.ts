import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { BotError } from '../errors.js';
import { suggestClosest } from '../suggest/suggest-closest.js';
import { createBuiltInLocalHost, LOCAL_HOST_NAME } from './local-host.js';
import { Config } from './schema.js';

export const DEFAULT_CONFIG_FILE = 'workerman-ops.yml';
export const CONFIG_ENV_VAR = 'WORKERMAN_OPS_CONFIG';
/** The machine-wide config, the last place looked in. */
export const SYSTEM_CONFIG_FILE = '/etc/workerman-ops/config.yml';

export { LOCAL_HOST_NAME } from './local-host.js';

export interface LoadedConfig {
  /** The file read, or null when none was named and none of the search paths exists. */
  path: string | null;
  /** Where it was looked for, in order (just the named file for `--config` / $WORKERMAN_OPS_CONFIG). */
  searched: readonly string[];
  config: Config;
}

export interface LoadConfigOptions {
  /** `--config` */
  path?: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Default SYSTEM_CONFIG_FILE (tests pass a file of their own). */
  systemConfigFile?: string;
}

/**
 * Returns where a config is looked for when none is named, first found wins: `./workerman-ops.yml`,
 * `$XDG_CONFIG_HOME/workerman-ops/config.yml` (`~/.config/…` when unset or relative, as the XDG spec
 * says), then `/etc/workerman-ops/config.yml`.
 */
export function listConfigSearchPaths(env: NodeJS.ProcessEnv, cwd: string, systemConfigFile = SYSTEM_CONFIG_FILE): string[] {
  const xdg = nonEmpty(env.XDG_CONFIG_HOME);
  const configHome = xdg !== undefined && isAbsolute(xdg) ? xdg : join(nonEmpty(env.HOME) ?? homedir(), '.config');
  return [resolve(cwd, DEFAULT_CONFIG_FILE), join(configHome, 'workerman-ops', 'config.yml'), systemConfigFile];
}

/**
 * Reads and validates the config once, at start-up: `--config`, else $WORKERMAN_OPS_CONFIG (either must
 * exist), else the first of listConfigSearchPaths that exists (none is fine). Always contains the
 * built-in `local` host unless the file defines one (in `all` and `hosts` only when a Workerman app
 * runs on this machine: resolveListedHosts). A bad file is a `config_invalid` error naming the
 * file and the path inside it.
 */
export async function loadConfig(opts: LoadConfigOptions): Promise<LoadedConfig> {
  const explicit = opts.path ?? nonEmpty(opts.env[CONFIG_ENV_VAR]);
  const candidates = explicit !== undefined ? [resolve(opts.cwd, explicit)] : listConfigSearchPaths(opts.env, opts.cwd, opts.systemConfigFile);
  for (const path of candidates) {
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A search path that is absent (or a directory on the way that is not one) is simply not there.
      if (explicit === undefined && (code === 'ENOENT' || code === 'ENOTDIR')) continue;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'a directory' : code ?? 'unreadable';
      throw new BotError('config_invalid', `Cannot read config file ${path}: ${why}.`, { cause: error });
    }
    return { path, searched: candidates, config: parseConfigText(text, path, opts.env) };
  }
  return { path: null, searched: candidates, config: withLocalHost(Config.parse({})) };
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
    throw new BotError('config_invalid', `${file} is not a valid workerman-ops config:\n${formatIssues(result.error.issues, Config)}`, {
      details: { issues: result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })) },
    });
  }
  return withLocalHost(expandHome(result.data, env));
}

/**
 * `hosts[1].ssh.port: expected a number` lines, one per issue (at most 20). With the `schema` the issues
 * came from, an unknown key gets the closest known one: `hosts[0].ssh: unknown key "prot" (did you mean "port"?)`.
 */
export function formatIssues(issues: readonly z.core.$ZodIssue[], schema?: z.core.$ZodType): string {
  const lines = issues.slice(0, 20).map((issue) => `  ${formatPath(issue.path) || '(top level)'}: ${describeIssue(issue, schema)}`);
  if (issues.length > 20) lines.push(`  … and ${issues.length - 20} more`);
  return lines.join('\n');
}

function describeIssue(issue: z.core.$ZodIssue, schema: z.core.$ZodType | undefined): string {
  if (issue.code === 'invalid_type') {
    // zod 4 says "Invalid input: expected number, received string": keep it short and lowercase.
    return `expected ${article(issue.expected)}${'input' in issue && issue.input === undefined ? ' (missing)' : ''}`;
  }
  if (issue.code === 'unrecognized_keys') {
    const known = schema === undefined ? [] : listKnownKeys(schema, issue.path);
    const keys = issue.keys.map((key) => {
      const near = suggestClosest(key, known);
      return near === undefined ? `"${key}"` : `"${key}" (did you mean "${near}"?)`;
    });
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${keys.join(', ')}`;
  }
  return issue.message;
}

/**
 * Returns the keys the object schema at `path` inside `schema` accepts (`hosts[0].ssh` → address, port, …),
 * or none where the path leads to no object. Walks only what our config uses: objects, arrays, records,
 * optional/default/nullable wrappers and pipes.
 */
export function listKnownKeys(schema: z.core.$ZodType, path: readonly PropertyKey[]): string[] {
  let node: z.core.$ZodType | undefined = unwrap(schema);
  for (const key of path) {
    if (node === undefined) return [];
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'object') node = (def.shape as Record<string, z.core.$ZodType>)[String(key)];
    else if (def.type === 'array') node = def.element as z.core.$ZodType;
    else if (def.type === 'record') node = def.valueType as z.core.$ZodType;
    else return [];
    node = node === undefined ? undefined : unwrap(node);
  }
  const def = node?._zod.def as (Record<string, unknown> & { type: string }) | undefined;
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

function unwrap(schema: z.core.$ZodType): z.core.$ZodType {
  let node = schema;
  for (let i = 0; i < 10; i++) {
    const def = node._zod.def as unknown as Record<string, unknown> & { type: string };
    if (def.type === 'optional' || def.type === 'default' || def.type === 'nullable' || def.type === 'prefault') node = def.innerType as z.core.$ZodType;
    else if (def.type === 'pipe') node = def.in as z.core.$ZodType;
    else break;
  }
  return node;
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

// The built-in host can always be asked by name; `all` and `hosts` include it only once a Workerman
// master is seen running here (local-host.ts), so a machine without one does not fail `status all`.
function withLocalHost(config: Config): Config {
  if (config.hosts.some((h) => h.name === LOCAL_HOST_NAME)) return config;
  return { ...config, hosts: [...config.hosts, createBuiltInLocalHost()] };
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
