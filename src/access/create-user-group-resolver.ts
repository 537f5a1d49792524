import type { Config } from '../config/schema.js';

export interface UserGroupResolver {
  /**
   * Returns the groups among `groupIds` that `userId` belongs to. Never rejects: a failed lookup counts
   * as "not a member". `maxAgeMs` asks for member lists no older than that (a `trace` asks for fresher
   * ones than the cache keeps); a lookup already under way counts as fresh.
   */
  groupsOf(userId: string, groupIds: readonly string[], opts?: { maxAgeMs?: number }): Promise<string[]>;
  /** Forgets one group's member list (Slack said it changed): the next check looks it up again. */
  forget(groupId: string): void;
  /** Forgets every cached member list. */
  clear(): void;
}

export interface UserGroupResolverOptions {
  /** Milliseconds since some epoch; injectable so tests control expiry. Default `Date.now`. */
  now?: () => number;
  /** How long a failed lookup is remembered (fail closed without hammering a Tier 2 API). Default min(ttlMs, 60 s). */
  failureTtlMs?: number;
  /** Told about failed lookups (e.g. `plan_upgrade_required`, `no_such_subteam`) so they can be logged. */
  onError?: (groupId: string, error: unknown) => void;
}

interface CacheEntry {
  /** null: the lookup failed (fail closed). */
  members: ReadonlySet<string> | null;
  /** When the lookup that produced it started: the list is at least this fresh. */
  fetchedAt: number;
  ttlMs: number;
}

/**
 * Creates a cached view of Slack user group membership over `fetch(groupId)` (the caller's
 * `usergroups.users.list`). Lists are kept for `ttlMs` (or until `forget`); concurrent lookups of one
 * group share a call. Fails closed: when the lookup fails, the user is treated as outside the group.
 */
export function createUserGroupResolver(
  fetch: (groupId: string) => Promise<readonly string[]>,
  ttlMs: number,
  opts: UserGroupResolverOptions = {},
): UserGroupResolver {
  const now = opts.now ?? Date.now;
  const failureTtlMs = opts.failureTtlMs ?? Math.min(ttlMs, 60_000);
  const cache = new Map<string, CacheEntry>();
  // A lookup under way per group. `forget` removes it, so a list fetched before a change is not stored.
  const inFlight = new Map<string, Promise<ReadonlySet<string> | null>>();

  const membersOf = (groupId: string, maxAgeMs: number): Promise<ReadonlySet<string> | null> => {
    const entry = cache.get(groupId);
    if (entry !== undefined && now() - entry.fetchedAt < Math.min(entry.ttlMs, maxAgeMs)) return Promise.resolve(entry.members);
    const running = inFlight.get(groupId);
    if (running !== undefined) return running;
    const fetchedAt = now();
    // Through a resolved promise: a fetch that throws synchronously is a failed lookup like any other.
    const lookup: Promise<ReadonlySet<string> | null> = Promise.resolve()
      .then(() => fetch(groupId))
      .then(
        (users): CacheEntry => ({ members: new Set(users), fetchedAt, ttlMs }),
        (error: unknown): CacheEntry => {
          opts.onError?.(groupId, error);
          return { members: null, fetchedAt, ttlMs: failureTtlMs };
        },
      )
      .then((result) => {
        if (inFlight.get(groupId) === lookup) {
          inFlight.delete(groupId);
          cache.set(groupId, result);
        }
        return result.members;
      });
    inFlight.set(groupId, lookup);
    return lookup;
  };

  return {
    async groupsOf(userId, groupIds, lookupOpts = {}) {
      const unique = [...new Set(groupIds)];
      const maxAgeMs = lookupOpts.maxAgeMs ?? Number.POSITIVE_INFINITY;
      const lists = await Promise.all(unique.map((id) => membersOf(id, maxAgeMs)));
      return unique.filter((_, i) => lists[i]?.has(userId) ?? false);
    },
    forget(groupId) {
      cache.delete(groupId);
      inFlight.delete(groupId);
    },
    clear() {
      cache.clear();
      inFlight.clear();
    },
  };
}

/** Returns the user group IDs named by any access rule: the only groups worth looking up. */
export function listRuleUserGroups(config: Pick<Config, 'access'>): string[] {
  return [...new Set(config.access?.rules.flatMap((rule) => rule.userGroups) ?? [])];
}
