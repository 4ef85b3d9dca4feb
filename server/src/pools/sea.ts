import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import { poolForCustomer } from '../../../shared/pools/resolve';
import {
  maskPhone,
  publicSeaQuery,
  type ClaimStanding,
  type PoolRow,
  type PublicSeaItem,
  type PublicSeaPage,
  type PublicSeaQuery,
} from '../../../shared/pools/schema';
import type { SessionUser } from '../../../shared/sync/protocol';
import type { ServerDb, ServerTx } from '../db/database';
import { parseBody } from '../admin/templates';
import { claimCounts, claimPoolOf, cooldownUntil, loadPools, protectedUntil } from './claim';

/**
 * The public sea as a rep browses it (`POST /sea/search`, docs/server.md "Pools and claims"). Devices
 * hold no public customers, so this is online: a page of the public customers of one kind, newest pool
 * entry first, with what the caller needs to decide on a claim — the phone masked, who had it, and
 * until when a claim would be refused by protection or the caller's cooldown — and the caller's standing
 * against the limits.
 */

/**
 * Keyset position: the last row's pool entry time and id. Rows without an entry time (none are written
 * since protocol 5; the migration backfills the older ones) come after all the others, by id.
 */
const seaCursorSchema = z.object({ e: z.int().nonnegative().nullable(), i: z.uuid() }).strict();
type SeaCursor = z.infer<typeof seaCursorSchema>;

const encodeSeaCursor = (c: SeaCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeSeaCursor(text: string): SeaCursor {
  try {
    return seaCursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new AppError('bad_request', 'cursor: not a cursor of this list; search again without one', {
      field: 'cursor',
    });
  }
}

/** `%text%` for ILIKE, the user's own `%`, `_` and `\` matched literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

const ids = (list: readonly string[]) =>
  sql.join(
    list.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

/**
 * Which public customers the caller browses, as a condition on `c.pool_id`. A customer belongs to the
 * pool claimPoolOf gives it: its own when that is active, else the default of its kind — so the default
 * also holds customers of no pool or of a deactivated one.
 */
function poolCondition(pools: readonly PoolRow[], shown: readonly PoolRow[]): SQL {
  const active = pools.filter((p) => p.active);
  const parts: SQL[] = [];
  if (shown.length > 0) parts.push(sql`c.pool_id IN (${ids(shown.map((p) => p.id))})`);
  if (shown.some((p) => p.isDefault && p.active)) {
    parts.push(
      active.length > 0
        ? sql`c.pool_id IS NULL OR c.pool_id NOT IN (${ids(active.map((p) => p.id))})`
        : sql`TRUE`,
    );
  }
  return parts.length === 0 ? sql`FALSE` : sql`(${sql.join(parts, sql` OR `)})`;
}

/**
 * The pools the caller browses: the one asked for (any pool of the kind in the org); without one, a
 * manager or an admin the whole public sea of the kind, a rep the active pools serving their team and
 * the default. Returns the condition (null: no condition) and the pool whose limits `standing` shows.
 */
export function scopeOf(
  pools: readonly PoolRow[],
  user: SessionUser,
  query: PublicSeaQuery,
): { condition: SQL | null; first: PoolRow | undefined } {
  if (query.poolId !== undefined) {
    const pool = pools.find((p) => p.id === query.poolId);
    if (!pool) {
      throw new AppError('not_found', `poolId: no ${query.kind} pool ${query.poolId} in your organisation`, {
        field: 'poolId',
      });
    }
    return { condition: poolCondition(pools, [pool]), first: pool };
  }
  const first = poolForCustomer(pools, { kind: query.kind, poolId: null }, user.teamId);
  if (user.role !== 'rep') return { condition: null, first };
  const shown = pools.filter(
    (p) => p.active && (p.isDefault || (user.teamId !== null && p.teamIds.includes(user.teamId))),
  );
  return { condition: poolCondition(pools, shown), first };
}

type SeaRow = Omit<PublicSeaItem, 'phoneMasked' | 'protectedUntil' | 'cooldownUntil'> & {
  phone: string | null;
  lastLossAt: number | null;
};

/**
 * One page of public customers; `nulls` reads the rows without an entry time (after all the others).
 * Exported for the test that checks its plan on a large public sea.
 */
export function pageQuery(
  user: SessionUser,
  query: PublicSeaQuery,
  condition: SQL | null,
  position: { after: SeaCursor | null; nulls: boolean },
  limit: number,
): SQL {
  const filters: SQL[] = [];
  if (condition) filters.push(condition);
  if (query.query) {
    const text = containing(query.query);
    filters.push(sql`(c.name ILIKE ${text} OR c.short_name ILIKE ${text} OR c.credit_code ILIKE ${text})`);
  }
  if (query.industry) filters.push(sql`c.industry = ${query.industry}`);
  if (query.region) filters.push(sql`c.region ILIKE ${containing(query.region)}`);
  if (query.level) filters.push(sql`c.level = ${query.level}`);
  const { after, nulls } = position;
  // Newest entry first: a backward scan of customers_public_sea_idx (org, kind, entered_pool_at, id),
  // which stops after `limit` matching rows.
  let order: SQL;
  if (nulls) {
    filters.push(sql`c.entered_pool_at IS NULL`);
    if (after) filters.push(sql`c.id < ${after.i}`);
    order = sql`ORDER BY c.id DESC`;
  } else {
    filters.push(sql`c.entered_pool_at IS NOT NULL`);
    if (after && after.e !== null)
      filters.push(sql`(c.entered_pool_at, c.id) < (${after.e}, ${after.i}::uuid)`);
    order = sql`ORDER BY c.entered_pool_at DESC, c.id DESC`;
  }
  return sql`
    SELECT c.id, c.kind, c.name, c.industry, c.region, c.level, c.status, c.phone, c.pool_id AS "poolId",
      c.entered_pool_at::float8 AS "enteredPoolAt", c.last_follow_up_at::float8 AS "lastFollowUpAt",
      prev.display_name AS "previousOwnerName",
      (SELECT max(h.at)::float8 FROM ownership_history h
        WHERE h.customer_id = c.id AND h.from_owner_id = ${user.id} AND h.to_pool_state = 'public') AS "lastLossAt"
    FROM customers c LEFT JOIN users prev ON prev.id = c.previous_owner_id
    WHERE c.org_id = ${user.orgId} AND c.kind = ${query.kind} AND c.pool_state = 'public'
      AND c.deleted_at IS NULL AND ${sql.join(filters, sql` AND `)}
    ${order} LIMIT ${limit}`;
}

/**
 * Rows of the page, and whether more follow: keyset pages over the rows with an entry time, then over
 * those without one (normally none, so that second statement runs only at the very end of the list).
 */
async function readRows(
  tx: ServerTx,
  user: SessionUser,
  query: PublicSeaQuery,
  condition: SQL | null,
  after: SeaCursor | null,
): Promise<{ rows: SeaRow[]; more: boolean }> {
  const limit = query.limit;
  const rows: SeaRow[] = [];
  if (after === null || after.e !== null) {
    rows.push(
      ...(await tx.rows<SeaRow>(pageQuery(user, query, condition, { after, nulls: false }, limit + 1))),
    );
    if (rows.length > limit) return { rows: rows.slice(0, limit), more: true };
  }
  const nullsAfter = after !== null && after.e === null ? after : null;
  const remaining = limit - rows.length;
  const tail = await tx.rows<SeaRow>(
    pageQuery(user, query, condition, { after: nullsAfter, nulls: true }, remaining + 1),
  );
  rows.push(...tail.slice(0, remaining));
  return { rows, more: tail.length > remaining };
}

/**
 * `POST /sea/search` (body `publicSeaQuery`) → `publicSeaPage`: one read-only snapshot. Bad filters or
 * a cursor not made here are refused naming the field; a pool of another org or kind is `not_found`.
 */
export async function searchPublicSea(
  db: ServerDb,
  user: SessionUser,
  body: unknown,
  now: number,
): Promise<PublicSeaPage> {
  const query = parseBody(publicSeaQuery, body);
  const after = query.cursor === undefined ? null : decodeSeaCursor(query.cursor);
  return db.transaction(
    async (tx) => {
      const pools = await loadPools(tx, user.orgId, query.kind);
      const { condition, first } = scopeOf(pools, user, query);
      const { rows, more } = await readRows(tx, user, query, condition, after);
      const items = rows.map(({ phone, lastLossAt, ...row }): PublicSeaItem => {
        const policy = claimPoolOf(pools, { kind: query.kind, poolId: row.poolId })?.claim;
        return {
          ...row,
          phoneMasked: maskPhone(phone),
          protectedUntil: policy ? protectedUntil(policy, row.enteredPoolAt, now) : null,
          cooldownUntil: policy ? cooldownUntil(policy, lastLossAt, now) : null,
        };
      });
      const last = items[items.length - 1];
      let standing: ClaimStanding | null = null;
      if (first) {
        const counts = await claimCounts(tx, {
          orgId: user.orgId,
          userId: user.id,
          kind: query.kind,
          counts: first.claim.counts,
          now,
        });
        standing = {
          owned: counts.owned,
          maxPerUser: first.claim.maxPerUser,
          claimsToday: counts.claimsToday,
          maxClaimsPerDay: first.claim.maxClaimsPerDay,
        };
      }
      return {
        rows: items,
        nextCursor: more && last ? encodeSeaCursor({ e: last.enteredPoolAt, i: last.id }) : null,
        standing,
      };
    },
    { isolation: 'repeatable read', readOnly: true },
  );
}
