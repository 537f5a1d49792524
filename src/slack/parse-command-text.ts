import { isListedHost } from '../config/local-host.js';
import { listHostGroups, resolveTargets } from '../config/resolve-targets.js';
import { ALL_HOSTS_GROUP } from '../config/group-settings.js';
import type { HostConfig } from '../config/host-config.js';
import { HostName } from '../config/host-name.js';
import type { Config } from '../config/schema.js';
import { BotError, oneLine } from '../errors.js';
import { parseHistoryWindow } from '../history/parse-history-window.js';
import { suggestClosest } from '../suggest/suggest-closest.js';
import { parseTraceTargetText, type TraceTarget } from '../workerman/resolve-trace-targets.js';

/** What `status <name>` stands for: one host, or a group (`web`, `all`) run as a fleet. */
export type StatusTarget = { kind: 'status'; host: HostConfig } | { kind: 'fleet'; group: string; hosts: HostConfig[] };

export type CommandInput =
  | { kind: 'help'; unknown?: string; suggestion?: string }
  | { kind: 'hosts' }
  | StatusTarget
  | { kind: 'connections'; host: HostConfig }
  | { kind: 'trace'; host: HostConfig; target: TraceTarget; durationS: number }
  | { kind: 'doctor'; host: HostConfig }
  | { kind: 'history'; host: HostConfig; windowText?: string };

/** Hosts and groups: what the parser resolves names against. A bare host list means "no extra groups". */
export type CommandSource = readonly HostConfig[] | Pick<Config, 'hosts' | 'groups'>;

function sourceOf(source: CommandSource): Pick<Config, 'hosts' | 'groups'> {
  return isHostList(source) ? { hosts: [...source], groups: {} } : source;
}

function isHostList(source: CommandSource): source is readonly HostConfig[] {
  return Array.isArray(source);
}

/** The subcommands `/workerman` takes (the manifest's usage_hint names each), for "did you mean" on a typo. */
export const SUBCOMMAND_NAMES = ['status', 'connections', 'trace', 'doctor', 'history', 'hosts', 'help'] as const;

// Only ever shown after screenRequest let the requester through: the same people are shown the whole
// list of configured hosts in the same message (check-access.ts: "whoever passes may be told host names").
function didYouMean(name: string, candidates: readonly string[]): string {
  const near = suggestClosest(name, candidates);
  return near === undefined ? '' : ` Did you mean "${near}"?`;
}

function knownHosts(hosts: readonly HostConfig[]): string {
  const names = hosts.map((h) => h.name);
  const shown = names.slice(0, 20).join(', ');
  return names.length > 20 ? `${shown}, … (${names.length} in all)` : shown;
}

/**
 * Returns the configured host named `name`, or throws `input_invalid` (not a host name) / `host_unknown`.
 * Used for typed text and for button values alike: both are untrusted input.
 */
export function findHost(name: string, hosts: readonly HostConfig[]): HostConfig {
  if (!HostName.safeParse(name).success) {
    throw new BotError('input_invalid', `"${oneLine(name, 64)}" is not a host name (expected lowercase letters, digits, "-" and "_").`);
  }
  const host = hosts.find((h) => h.name === name);
  if (host === undefined) {
    throw new BotError('host_unknown', `Unknown host "${name}".${didYouMean(name, hosts.map((h) => h.name))} Configured hosts: ${knownHosts(hosts)}.`);
  }
  return host;
}

/**
 * Returns the host or group a `status` name (typed, or a Refresh button's value) stands for, or throws
 * `input_invalid` (not a name) / `host_unknown`. Only configured objects are returned, never the input.
 */
export function resolveStatusTarget(name: string, source: CommandSource): StatusTarget {
  const config = sourceOf(source);
  if (!HostName.safeParse(name).success) return { kind: 'status', host: findHost(name, config.hosts) };
  const host = config.hosts.find((h) => h.name === name);
  if (host !== undefined) return { kind: 'status', host };
  const groups = listHostGroups(config);
  if (name !== ALL_HOSTS_GROUP && !groups.has(name)) {
    const groupNames = [...groups.keys(), ALL_HOSTS_GROUP];
    const guess = didYouMean(name, [...config.hosts.map((h) => h.name), ...groupNames]);
    throw new BotError('host_unknown', `Unknown host "${name}".${guess} Configured hosts: ${knownHosts(config.hosts)}. Groups: ${groupNames.join(', ')}.`);
  }
  // `all` is left to the access check, which first looks whether the built-in local host belongs in it.
  return { kind: 'fleet', group: name, hosts: name === ALL_HOSTS_GROUP ? config.hosts.filter(isListedHost) : resolveTargets(config, name) };
}

/**
 * Parses the text after `/workerman`: `status <host>`, `connections <host>`, `trace <host> <pid>`,
 * `doctor <host>`, `history <host> [window]`, `hosts`, `help` (empty or unknown → help).
 * Example: `status web-1` → `{ kind: 'status', host: <web-1's config> }`.
 */
export function parseCommandText(text: string, source: CommandSource): CommandInput {
  const hosts = sourceOf(source).hosts;
  const words = text.trim().split(/\s+/).filter((w) => w !== '');
  const [sub, ...args] = words;
  if (sub === undefined) return { kind: 'help' };
  switch (sub.toLowerCase()) {
    case 'help':
      return { kind: 'help' };
    case 'hosts':
      return { kind: 'hosts' };
    case 'status': {
      if (args.length === 0) {
        throw new BotError('input_invalid', `Which host? Usage: /workerman status <host|group|all>. Configured hosts: ${knownHosts(hosts)}.`);
      }
      if (args.length > 1) {
        throw new BotError('input_invalid', `status takes one host, got ${args.length} words: "${oneLine(args.join(' '), 80)}".`);
      }
      return resolveStatusTarget(args[0]!.toLowerCase(), source);
    }
    case 'connections': {
      if (args.length !== 1) {
        throw new BotError('input_invalid', `Usage: /workerman connections <host> (one host). Configured hosts: ${knownHosts(hosts)}.`);
      }
      return { kind: 'connections', host: findHost(args[0]!.toLowerCase(), hosts) };
    }
    case 'doctor': {
      if (args.length !== 1) {
        throw new BotError('input_invalid', `Usage: /workerman doctor <host> (one host). Configured hosts: ${knownHosts(hosts)}.`);
      }
      return { kind: 'doctor', host: findHost(args[0]!.toLowerCase(), hosts) };
    }
    case 'history': {
      if (args.length < 1 || args.length > 2) {
        throw new BotError('input_invalid', `Usage: /workerman history <host> [window], e.g. 1h, 30m or 6h (all that is kept when left out). Configured hosts: ${knownHosts(hosts)}.`);
      }
      const host = findHost(args[0]!.toLowerCase(), hosts);
      // The syntax now (a typo is answered at once); the bound (what the watcher keeps) when it is drawn.
      if (args[1] !== undefined) parseHistoryWindow(args[1], Number.MAX_SAFE_INTEGER);
      return { kind: 'history', host, ...(args[1] === undefined ? {} : { windowText: args[1] }) };
    }
    case 'trace': {
      if (args.length < 2 || args.length > 3) {
        throw new BotError('input_invalid', 'Usage: /workerman trace <host> <pid|worker> [seconds]. PIDs and worker names are in /workerman status <host>.');
      }
      const host = findHost(args[0]!.toLowerCase(), hosts);
      return { kind: 'trace', host, ...parseTraceTarget(host, unescapeSlackText(args[1]!), args[2]) };
    }
    default: {
      const suggestion = suggestClosest(sub.toLowerCase(), SUBCOMMAND_NAMES);
      return { kind: 'help', unknown: oneLine(sub, 40), ...(suggestion === undefined ? {} : { suggestion }) };
    }
  }
}

/**
 * Validates a trace target (a pid, or a worker name: the resolver's own check, so Slack accepts what
 * the CLI does) and an optional duration in seconds against the host's strace limits. Used for typed
 * text and for the confirmation button's value alike. Nothing is looked up on the host here: a worker
 * name becomes pids just before the trace. Example: `("HttpApi01", "10")` →
 * `{ target: { kind: 'worker', workerName: 'HttpApi01' }, durationS: 10 }`.
 */
export function parseTraceTarget(host: HostConfig, targetText: string, durationText?: string): { target: TraceTarget; durationS: number } {
  const target = parseTraceTargetText(targetText);
  let durationS = host.strace.defaultDurationS;
  if (durationText !== undefined) {
    const match = /^(\d{1,3}(?:\.\d)?)s?$/.exec(durationText);
    const value = match === null ? NaN : Number(match[1]);
    if (!(value >= 1 && value <= host.strace.maxDurationS)) {
      throw new BotError('input_invalid', `The duration must be 1 to ${host.strace.maxDurationS} seconds on ${host.name}, got "${oneLine(durationText, 20)}".`);
    }
    durationS = value;
  }
  return { target, durationS };
}

/**
 * Undoes the entities Slack always puts into command text (`&amp;`, `&lt;`, `&gt;`, even with
 * `should_escape: false`), so a worker named `a&b` is looked up as typed. Only for one typed word:
 * the result is validated like any input and escaped again wherever it is shown.
 */
function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}
