import type { Config } from '../config/schema.js';

export interface UserGroupResolver {
  /** Returns the groups among `groupIds` that `userId` belongs to. Never rejects: a failed lookup counts as "not a member". */
  groupsOf(userId: string, groupIds: readonly string[]): Promise<string[]>;
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
  members: ReadonlySet<string> | null;
  expiresAt: number;
  pending: Promise<ReadonlySet<string> | null> | null;
}

/**
 * Creates a cached view of Slack user group membership over `fetch(groupId)` (the caller's
 * `usergroups.users.list`). Lists are kept for `ttlMs`; concurrent lookups of one group share a call.
 * Fails closed: when the lookup fails, the user is treated as outside the group.
 */
export function createUserGroupResolver(
  fetch: (groupId: string) => Promise<readonly string[]>,
  ttlMs: number,
  opts: UserGroupResolverOptions = {},
): UserGroupResolver {
  const now = opts.now ?? Date.now;
  const failureTtlMs = opts.failureTtlMs ?? Math.min(ttlMs, 60_000);
  const cache = new Map<string, CacheEntry>();

  const membersOf = (groupId: string): Promise<ReadonlySet<string> | null> => {
    const entry = cache.get(groupId);
    if (entry?.pending) return entry.pending;
    if (entry !== undefined && entry.expiresAt > now()) return Promise.resolve(entry.members);
    const pending = (async (): Promise<ReadonlySet<string> | null> => {
      try {
        const users = await fetch(groupId);
        cache.set(groupId, { members: new Set(users), expiresAt: now() + ttlMs, pending: null });
        return cache.get(groupId)!.members;
      } catch (error) {
        opts.onError?.(groupId, error);
        cache.set(groupId, { members: null, expiresAt: now() + failureTtlMs, pending: null });
        return null;
      }
    })();
    cache.set(groupId, { members: entry?.members ?? null, expiresAt: entry?.expiresAt ?? 0, pending });
    return pending;
  };

  return {
    async groupsOf(userId, groupIds) {
      const unique = [...new Set(groupIds)];
      const lists = await Promise.all(unique.map((id) => membersOf(id)));
      return unique.filter((_, i) => lists[i]?.has(userId) ?? false);
    },
    clear() {
      cache.clear();
    },
  };
}

/** Returns the user group IDs named by any access rule: the only groups worth looking up. */
export function listRuleUserGroups(config: Pick<Config, 'access'>): string[] {
  return [...new Set(config.access?.rules.flatMap((rule) => rule.userGroups) ?? [])];
}
