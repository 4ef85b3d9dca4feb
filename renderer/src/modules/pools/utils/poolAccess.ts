import type { PoolRow } from '../../../../../shared/pools/schema';
import type { SessionUser } from '../../../../../shared/sync/protocol';

/**
 * Who administers which pool on the device (SPEC §4 "each pool with its admins"), mirroring the
 * server's `/admin/pools` checks: the org's admins every pool; a manager named in a pool's `adminIds`
 * that pool's names and rules only; reps none. Read from the synced `pools.list`, so the nav entry and
 * the screen follow an admin's change with the next pull.
 */

type Who = Pick<SessionUser, 'id' | 'role'>;

/** What a user may do on the Pools screen: everything, their own pools' rules, or nothing. */
export type PoolScope = 'org' | 'own' | 'none';

/**
 * The fields only an org admin may change: which pools exist and whom they serve. The server refuses a
 * pool admin's save that changes one (403 naming the field).
 */
export const ORG_ADMIN_POOL_FIELDS = ['kind', 'teamIds', 'adminIds', 'isDefault', 'active'] as const;
export type OrgAdminPoolField = (typeof ORG_ADMIN_POOL_FIELDS)[number];

/** Whether the user is among the pool's own admins (an org admin need not be listed). */
export function isPoolAdmin(user: Who, pool: Pick<PoolRow, 'adminIds'>): boolean {
  return user.role === 'manager' && pool.adminIds.includes(user.id);
}

/** The user's scope, given the pools as synced (null while they load: a manager's scope is not known yet). */
export function poolScope(user: Who | null | undefined, pools: readonly PoolRow[] | null): PoolScope | null {
  if (!user) return 'none';
  if (user.role === 'admin') return 'org';
  if (user.role !== 'manager') return 'none';
  if (pools === null) return null;
  return pools.some((p) => isPoolAdmin(user, p)) ? 'own' : 'none';
}

/** The pools the user administers: all for an org admin, those naming them for a manager, none else. */
export function administeredPools<P extends PoolRow>(user: Who | null | undefined, pools: readonly P[]): P[] {
  if (!user) return [];
  if (user.role === 'admin') return [...pools];
  return pools.filter((p) => isPoolAdmin(user, p));
}

/**
 * A pool admin's save: the org admin's fields as the stored pool has them, whatever the draft says, so
 * the server sees them unchanged (their controls are read-only; this keeps a stray edit from a 403).
 */
export function keepOrgAdminFields<R extends Pick<PoolRow, OrgAdminPoolField>>(
  request: R,
  stored: Pick<PoolRow, OrgAdminPoolField>,
): R {
  return {
    ...request,
    kind: stored.kind,
    teamIds: [...stored.teamIds],
    adminIds: [...stored.adminIds],
    isDefault: stored.isDefault,
    active: stored.active,
  };
}
