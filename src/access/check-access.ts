import { listHostGroups, resolveTargets } from '../config/resolve-targets.js';
import type { AccessCommand, AccessRule } from '../config/access-config.js';
import { ALL_HOSTS_GROUP } from '../config/group-settings.js';
import type { HostConfig } from '../config/host-config.js';
import type { Config } from '../config/schema.js';
import { BotError } from '../errors.js';

/** What the Slack layer knows about a request. Every field is untrusted input except the IDs Slack signed. */
export interface AccessRequest {
  userId: string;
  channelId: string;
  /** The requesting user's workspace (`user.team_id`); checked only when `access.teams` is set. */
  teamId?: string | undefined;
  /** The Slack user groups (S…) the user belongs to, from createUserGroupResolver. */
  userGroupIds?: readonly string[] | undefined;
  command: AccessCommand;
  /** A host or group name as typed (also `all`); null for commands without a target (`hosts`). */
  host: string | null;
}

export type AccessDecision =
  | {
      allowed: true;
      /** The rule(s) that allowed it, for the audit trail. */
      rule: string;
      /** The hosts the request may run on (one for a host, the members for a group). */
      targets: HostConfig[];
    }
  | {
      allowed: false;
      /** The rule that applies (or the default that denied it). */
      rule: string;
      contact: string | null;
      /** For the requester: what was denied, which rule applies, who to ask. Plain text (escape it). */
      message: string;
    };

/** Commands allowed in `access.channels` to anyone; `trace` and `silence` are never allowed by default. */
const READ_ONLY_COMMANDS: ReadonlySet<AccessCommand> = new Set(['status', 'connections', 'hosts', 'summarise']);

/** Rules naming one of these allow `summarise` too: it is open wherever a host may be read or traced. */
const SUMMARISE_GRANTED_BY: ReadonlySet<AccessCommand> = new Set(['summarise', 'status', 'connections', 'trace']);

type AccessSource = Pick<Config, 'hosts' | 'groups' | 'access'>;

/**
 * Decides whether a request may run. Pure and synchronous; the only exception is the `host_unknown`
 * BotError of resolveTargets for a name that is neither a host nor a group, thrown only to a requester
 * screenRequester lets through (an outsider is denied before any name is looked up). A group is allowed only
 * when every one of its hosts is allowed (all or nothing), so `status all` never shows a host the
 * user could not query alone. The defaults are documented on AccessConfig in config/access-config.ts.
 */
export function checkAccess(config: AccessSource, request: AccessRequest): AccessDecision {
  const access = config.access;
  // Before the name is looked up: "unknown host" against "not allowed" would tell an outsider which
  // names exist.
  const screened = screenRequester(config, request);
  if (!screened.allowed) return screened;
  const targets = request.host === null ? [] : resolveTargets(config, request.host);
  const what = describeRequest(request);
  if (access === undefined) {
    if (request.command === 'trace') {
      return deny('default: trace needs an access rule', null, `${what} is not allowed: trace is denied unless a rule in \`access.rules\` allows it, and this bot has no \`access\` section. Ask whoever runs this bot to add one.`);
    }
    if (request.command === 'silence') {
      return deny('default: silence needs an access rule', null, `${what} is not allowed: silencing an alert needs a rule in \`access.rules\` that allows \`silence\` or \`trace\` on the host, and this bot has no \`access\` section. Ask whoever runs this bot to add one.`);
    }
    return { allowed: true, rule: 'default: no access section', targets };
  }
  const groups = listHostGroups(config);
  const allowedBy = new Set<string>();
  for (const target of targets.length === 0 ? [null] : targets) {
    const decision = decideOne(access, groups, request, target, what);
    if (!decision.allowed) return decision;
    allowedBy.add(decision.rule);
  }
  return { allowed: true, rule: [...allowedBy].join(', '), targets };
}

/**
 * Returns the allowed decision, or throws BotError `access_denied` carrying the denial's message (for
 * the ephemeral reply) and `details: { rule, contact }` (for the audit line). Same rules as checkAccess.
 */
export function requireAccess(config: AccessSource, request: AccessRequest): Extract<AccessDecision, { allowed: true }> {
  const decision = checkAccess(config, request);
  if (decision.allowed) return decision;
  throw new BotError('access_denied', decision.message, { details: { rule: decision.rule, contact: decision.contact } });
}

/** Who is asking, before anything they typed is read: the IDs Slack signed. */
export type Requester = Pick<AccessRequest, 'userId' | 'channelId' | 'teamId' | 'userGroupIds'>;

/** The rule an outsider's denial is audited under (the message names no rule: rules name hosts). */
export const OUTSIDER_RULE = 'default: no rule covers this user or channel';

/**
 * Decides whether `requester` may use the bot at all, before their command text is read: without an
 * `access` section everyone may (README: status and hosts are open); with one, a request from a team
 * not in `access.teams` is denied, and so is a user no rule lists (by ID or user group) in a channel
 * neither in `access.channels` nor named by a rule without users. Denials name no host, group or rule,
 * so an outsider learns nothing about the configuration; whoever passes may be told host names.
 */
export function screenRequester(config: AccessSource, requester: Requester): { allowed: true; rule: string } | Extract<AccessDecision, { allowed: false }> {
  const access = config.access;
  if (access === undefined) return { allowed: true, rule: 'default: no access section' };
  const contact = access.contact ?? null;
  if (access.teams.length > 0 && (requester.teamId === undefined || !access.teams.includes(requester.teamId))) {
    return deny('access.teams', contact, `This bot does not take requests from your workspace (\`access.teams\`).${askLine(contact)}`);
  }
  if (access.channels.includes(requester.channelId)) return { allowed: true, rule: 'access.channels' };
  const groups = listHostGroups(config);
  for (const [index, rule] of access.rules.entries()) {
    const namesUsers = rule.users.length + rule.userGroups.length > 0;
    const applies = namesUsers ? matchesUser(rule, requester) : rule.channels.includes(requester.channelId);
    if (applies && config.hosts.some((host) => coversHost(rule, host, groups))) return { allowed: true, rule: `access.rules[${index}]` };
  }
  return deny(OUTSIDER_RULE, contact, `You are not allowed to use this bot here: no access rule covers you or this channel.${askLine(contact)}`);
}

type AccessSection = NonNullable<Config['access']>;
type Verdict = { allowed: true; rule: string } | Extract<AccessDecision, { allowed: false }>;

function decideOne(
  access: AccessSection,
  groups: Map<string, HostConfig[]>,
  request: AccessRequest,
  host: HostConfig | null,
  what: string,
): Verdict {
  if (READ_ONLY_COMMANDS.has(request.command) && access.channels.includes(request.channelId)) {
    return { allowed: true, rule: 'access.channels' };
  }
  // For a group (`trace web`) say which member was refused; for a single host it is already in `what`.
  const onHost = host === null || host.name === request.host ? '' : ` (on ${host.name})`;
  let found: { rule: AccessRule; label: string; userMatches: boolean } | null = null;
  for (const [index, rule] of access.rules.entries()) {
    // A shared log comes from no host: a rule's hosts do not narrow `summarise`.
    if (!ruleNamesCommand(rule, request.command) || (request.command !== 'summarise' && !coversHost(rule, host, groups))) continue;
    const label = rule.name === undefined ? `access.rules[${index}]` : `"${rule.name}" (access.rules[${index}])`;
    const userMatches = matchesUser(rule, request);
    const channelMatches = rule.channels.length === 0 || rule.channels.includes(request.channelId);
    if (userMatches && channelMatches) return { allowed: true, rule: label };
    // The first rule that covers the command and host is the one a denial names.
    found ??= { rule, label, userMatches };
  }
  // A summarise denial names no rule: no single rule is "the" one (any read rule would do), the default says which.
  if (found !== null && request.command !== 'summarise') {
    const contact = found.rule.contact ?? access.contact ?? null;
    const why = found.userMatches
      ? `rule ${found.label} allows it only in its own channels, not this one`
      : `rule ${found.label} does not list you or a user group of yours`;
    return deny(found.label, contact, `${what}${onHost} is not allowed: ${why}.${askLine(contact)}`);
  }
  const contact = access.contact ?? null;
  if (request.command === 'trace') {
    return deny('default: trace needs an access rule', contact, `${what}${onHost} is not allowed: trace is denied unless a rule in \`access.rules\` allows it, and none does for ${host === null ? 'this request' : host.name}.${askLine(contact)}`);
  }
  if (request.command === 'silence') {
    return deny('default: silence needs an access rule', contact, `${what}${onHost} is not allowed: silencing an alert needs a rule in \`access.rules\` that allows \`silence\` or \`trace\` on the host, and none does for ${host === null ? 'this request' : host.name}.${askLine(contact)}`);
  }
  if (request.command === 'summarise') {
    return deny('default: access.channels', contact, `${what} is not allowed here: summarising a strace log is allowed in the channels listed in \`access.channels\` and to whoever a rule in \`access.rules\` allows \`status\`, \`connections\`, \`trace\` or \`summarise\`, and none of them covers you in this channel.${askLine(contact)}`);
  }
  return deny('default: access.channels', contact, `${what}${onHost} is not allowed here: ${request.command} is allowed in the channels listed in \`access.channels\` and by rules in \`access.rules\`, and none of them covers this channel.${askLine(contact)}`);
}

/**
 * Whether `rule` speaks of `command`. Whoever may trace a host may also silence its alerts (a trace is
 * the stronger act, and the one the alert asks for); `silence` alone grants only the button. Whoever
 * may read or trace a host may have a shared strace log summarised (SUMMARISE_GRANTED_BY).
 */
function ruleNamesCommand(rule: AccessRule, command: AccessCommand): boolean {
  if (command === 'summarise') return rule.commands.some((c) => SUMMARISE_GRANTED_BY.has(c));
  return rule.commands.includes(command) || (command === 'silence' && rule.commands.includes('trace'));
}

function coversHost(rule: AccessRule, host: HostConfig | null, groups: Map<string, HostConfig[]>): boolean {
  return rule.hosts.some((entry) => {
    if (entry === '*' || entry === ALL_HOSTS_GROUP) return true;
    if (host === null) return false;
    return entry === host.name || (groups.get(entry)?.some((member) => member.name === host.name) ?? false);
  });
}

function matchesUser(rule: AccessRule, request: Requester): boolean {
  if (rule.users.length === 0 && rule.userGroups.length === 0) return true;
  if (rule.users.includes(request.userId)) return true;
  const mine = request.userGroupIds ?? [];
  return rule.userGroups.some((group) => mine.includes(group));
}

function deny(rule: string, contact: string | null, message: string): Extract<AccessDecision, { allowed: false }> {
  return { allowed: false, rule, contact, message };
}

function askLine(contact: string | null): string {
  if (contact === null) return ' Ask an admin of this bot to add a rule to `access.rules`.';
  // Contacts are written either as "@ops-oncall" or as "ask @ops-oncall in #ops": read well both ways.
  const text = contact.trim().replace(/[.\s]+$/, '');
  return /^ask\b/i.test(text) ? ` ${text.charAt(0).toUpperCase()}${text.slice(1)}.` : ` Ask ${text}.`;
}

function describeRequest(request: AccessRequest): string {
  if (request.command === 'hosts' || request.host === null) return `\`${request.command}\``;
  // The host is quoted only after resolveTargets accepted it, so it is a configured name, not raw input.
  return `\`${request.command} ${request.host}\``;
}
