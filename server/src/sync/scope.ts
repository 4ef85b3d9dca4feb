import { sql, type SQL } from 'drizzle-orm';
import type { SessionUser } from '../../../shared/sync/protocol';
import type { SqlRunner } from '../db/database';

/**
 * A user's data scope (SPEC §6): the owners whose private-sea customers they see and work on.
 * `ownerIds: null` means every owner of the org (admin).
 */
export type UserScope = { userId: string; orgId: string; ownerIds: readonly string[] | null };

/**
 * Computes the scope: a rep sees their own private sea; a manager the private seas of every user in their
 * team and the teams below it (and their own); an admin every private customer of the org.
 */
export async function loadScope(db: SqlRunner, user: SessionUser): Promise<UserScope> {
  const base = { userId: user.id, orgId: user.orgId };
  if (user.role === 'admin') return { ...base, ownerIds: null };
  if (user.role === 'rep' || user.teamId === null) return { ...base, ownerIds: [user.id] };
  const rows = await db.rows<{ id: string }>(sql`
    WITH RECURSIVE subtree(id) AS (
      SELECT id FROM teams WHERE id = ${user.teamId} AND org_id = ${user.orgId}
      UNION
      SELECT t.id FROM teams t JOIN subtree s ON t.parent_id = s.id
    )
    SELECT u.id FROM users u WHERE u.org_id = ${user.orgId} AND u.team_id IN (SELECT id FROM subtree)`);
  const ids = new Set(rows.map((r) => r.id));
  ids.add(user.id);
  return { ...base, ownerIds: [...ids].sort() };
}

/** The mutator's `canSeeOwner` for a scope. Public customers (owner null) are never in a private scope. */
export function ownerPredicate(scope: UserScope): (ownerId: string | null) => boolean {
  if (scope.ownerIds === null) return (ownerId) => ownerId !== null;
  const ids = new Set(scope.ownerIds);
  return (ownerId) => ownerId !== null && ids.has(ownerId);
}

/** `column IN (…)` for the scope's owners (TRUE for an admin). */
export function ownerInScope(scope: UserScope, column: SQL): SQL {
  if (scope.ownerIds === null) return sql`TRUE`;
  if (scope.ownerIds.length === 0) return sql`FALSE`;
  return sql`${column} IN (${sql.join(
    scope.ownerIds.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;
}
