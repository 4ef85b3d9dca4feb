import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../../shared/errors';
import type { MutationContext, ReadSpec, UniqueEffect } from '../../../shared/mutations';
import type { SqlRunner } from '../db/database';
import { SQL_TABLES } from '../db/wire';

/**
 * What a push needs around templated writes (docs/templates.md, docs/server.md "Templated writes"): the
 * org's users for `user` fields, the catalog's reader–writer lock, and the org-wide check of `unique`
 * template fields (`assertUnique` effects). Both push paths use it; the fast path adds what its in-memory
 * overlay holds (batch.ts).
 */

/**
 * Advisory lock keys. Namespaced text hashed to the 64-bit key space: a collision only makes two unrelated
 * values wait for each other, never lets two equal ones pass together.
 */
function lockKey(text: SQL): SQL {
  return sql`hashtextextended(${text}, 0)`;
}

/**
 * The catalog's reader–writer lock. A push that validates values against the catalog holds it shared
 * from before it reads the catalog until it commits; an admin change of the catalog holds it exclusively
 * (server/src/admin/templates.ts). So an option value an admin removes ("no record uses it") cannot be
 * taken at the same moment by a push that read the catalog before the removal and commits after the
 * count. Pushes do not wait for each other (shared), and the catalog row itself is never locked by them
 * (docs/server.md "Config rows").
 */
export function catalogLockKey(orgId: string): SQL {
  return lockKey(sql`${'tidepool:catalog:' + orgId}`);
}

/**
 * Before a push reads its rows: when a mutation judges attributes (it reads the catalog), take the
 * catalog's shared lock and load the org's user ids for `user` fields, in one statement. The lock is a
 * statement of its own on purpose: a READ COMMITTED statement reads the snapshot it started with, so the
 * catalog must be read by a later statement than the one that waited for the lock. Returns the context
 * with `userExists` (the org's users, active or not, as the device holds them); unchanged when no
 * mutation carries attributes.
 */
export async function prepareTemplatedReads(
  tx: SqlRunner,
  specs: readonly ReadSpec[],
  ctx: MutationContext,
): Promise<MutationContext> {
  if (!specs.some((s) => s.table === 'catalogs')) return ctx;
  const [row] = await tx.rows<{ users: string[] | null }>(sql`
    SELECT pg_advisory_xact_lock_shared(${catalogLockKey(ctx.orgId)}) IS NULL AS locked,
      (SELECT json_agg(id) FROM users WHERE org_id = ${ctx.orgId}) AS users`);
  const users = new Set(row?.users ?? []);
  return { ...ctx, userExists: (id) => users.has(id) };
}

/** The `customers` rows an entity lives in (leads and customers share the table). */
function kindFilter(effect: UniqueEffect, alias: string): SQL {
  if (effect.table !== 'customers') return sql``;
  const kind = effect.entity === 'lead' ? 'lead' : 'customer';
  return sql`AND ${sql.raw(alias)}.kind = ${kind}`;
}

/** `attrs.<field>: "<value>" is already used by another record`, as the rejection the author sees. */
export function duplicateAttr(effect: UniqueEffect): AppError {
  return new AppError(
    'duplicate',
    `attrs.${effect.field}: ${JSON.stringify(effect.value)} is already used by another record`,
    { field: `attrs.${effect.field}` },
  );
}

/**
 * Takes the transaction-scoped advisory lock of (org, entity, field, value): two transactions writing the
 * same value of the same unique field queue here, so the second checks only after the first committed
 * (or rolled back) and sees its row. Held until commit. A statement of its own, before the check, for the
 * snapshot reason above.
 */
export async function lockUniqueValue(tx: SqlRunner, orgId: string, effect: UniqueEffect): Promise<void> {
  const text = `tidepool:unique:${orgId}:${effect.entity}:${effect.field}:${JSON.stringify(effect.value)}`;
  await tx.rows(sql`SELECT pg_advisory_xact_lock(${lockKey(sql`${text}`)}) IS NULL AS locked`);
}

/**
 * Ids of the org's other live records of the entity whose `attrs.<field>` equals the value (jsonb
 * equality), at most `limit`. Containment first, so customers use their GIN index (jsonb_path_ops), then
 * equality, which containment alone would not be for arrays (`["a","b"] @> ["a"]`).
 */
export async function findAttrHolders(
  tx: SqlRunner,
  orgId: string,
  effect: UniqueEffect,
  limit: number,
): Promise<string[]> {
  const value = JSON.stringify(effect.value);
  const rows = await tx.rows<{ id: string }>(sql`
    SELECT x.id FROM ${sql.raw(SQL_TABLES[effect.table])} x
    WHERE x.org_id = ${orgId} AND x.deleted_at IS NULL AND x.id <> ${effect.id} ${kindFilter(effect, 'x')}
      AND x.attrs @> jsonb_build_object(${effect.field}::text, ${value}::jsonb)
      AND x.attrs -> ${effect.field}::text = ${value}::jsonb
    LIMIT ${limit}`);
  return rows.map((r) => r.id);
}

/**
 * The slow path's `assertUnique`: lock the value, then refuse the mutation if another record holds it. The
 * records this transaction wrote before are visible to the check (same transaction).
 */
export async function assertUniqueAttr(tx: SqlRunner, orgId: string, effect: UniqueEffect): Promise<void> {
  await lockUniqueValue(tx, orgId, effect);
  if ((await findAttrHolders(tx, orgId, effect, 1)).length > 0) throw duplicateAttr(effect);
}
