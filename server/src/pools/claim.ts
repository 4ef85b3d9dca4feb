import { sql } from 'drizzle-orm';
import { AppError } from '../../../shared/errors';
import { DAY_MS, type ClaimPolicy } from '../../../shared/pools/rules';
import { poolForCustomer, sortPools } from '../../../shared/pools/resolve';
import { poolRowSchema, type PoolKind, type PoolRow } from '../../../shared/pools/schema';
import type { SqlRunner } from '../db/database';
import { wireSelectList } from '../db/wire';

/**
 * The claim rules of a public pool (SPEC §4, docs/pools.md "Claims"), applied by the server when a rep
 * takes a customer from the public sea: fresh-entry protection, the previous owner's re-claim cooldown,
 * the most customers one rep and one team may hold, the most claims per rep per day. Checked inside the
 * push transaction, after the customer's row is locked (sync/effects.ts applyMove), so of two claims of
 * one customer the second sees the first's result; a manager's assignment skips them.
 */

/**
 * The time zone whose calendar day `maxClaimsPerDay` counts in. Orgs have no time-zone setting yet; every
 * demo and customer org works in China, so the day is Beijing time's. Change it here (one place) when orgs
 * get a setting.
 */
export const CLAIM_DAY_TIME_ZONE = 'Asia/Shanghai';

const formats = new Map<string, Intl.DateTimeFormat>();

/** Offset of `timeZone` from UTC at `at` in ms (east positive), from the zone's wall clock. */
function zoneOffsetMs(at: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(at);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const wall = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return wall - (at - (at % 1000));
}

/** The first instant of the calendar day (in CLAIM_DAY_TIME_ZONE) that `now` falls in. */
export function startOfClaimDay(now: number, timeZone = CLAIM_DAY_TIME_ZONE): number {
  const offset = zoneOffsetMs(now, timeZone);
  const local = now + offset;
  const midnight = local - (((local % DAY_MS) + DAY_MS) % DAY_MS);
  // The offset at midnight may differ from now's in a zone with daylight saving time.
  return midnight - zoneOffsetMs(midnight - offset, timeZone);
}

/** The first instant of the next claim day (a day is not always 24 hours where clocks change). */
export function startOfNextClaimDay(now: number, timeZone = CLAIM_DAY_TIME_ZONE): number {
  return startOfClaimDay(startOfClaimDay(now, timeZone) + DAY_MS + 3 * 3_600_000, timeZone);
}

/** The org's pools (active or not), oldest first: the order poolForCustomer picks in. */
export async function loadPools(db: SqlRunner, orgId: string, kind?: PoolKind): Promise<PoolRow[]> {
  const rows = await db.rows(sql`
    SELECT ${wireSelectList('pools', 'p')} FROM pools p
    WHERE p.org_id = ${orgId} ${kind ? sql`AND p.kind = ${kind}` : sql``}
    ORDER BY p.created_at, p.id`);
  return sortPools(rows.map((r) => poolRowSchema.parse(r)));
}

/**
 * The pool whose claim rules govern a public customer: the pool it is in when that one is active, else
 * the org's default pool of its kind (poolForCustomer without an owner); undefined: no rules apply.
 */
export function claimPoolOf(
  pools: readonly PoolRow[],
  customer: { kind: PoolKind; poolId: string | null },
): PoolRow | undefined {
  return poolForCustomer(pools, customer, null);
}

/**
 * Serialises one user's claims: two pushes claiming different customers for the same rep must not both
 * count the rep's customers before the other's claim committed. Today every writer of an org already
 * queues on the org row before it counts (the version bump, held to commit), so this transaction-scoped
 * advisory lock on a hash of the user id is what keeps the counts exact for any writer that ever counts
 * without holding it. Taken after the org row: the lock order is org row → claimant.
 */
export async function lockClaimant(db: SqlRunner, userId: string): Promise<void> {
  await db.rows(
    sql`SELECT pg_advisory_xact_lock(hashtextextended(${`tidepool:claim:${userId}`}, 0)) IS NULL AS locked`,
  );
}

/** What the claim rules count for one user against one pool's policy (`counts` decides which customers). */
export type ClaimCounts = {
  /** The user's team (null: none, so no team limit applies). */
  teamId: string | null;
  /** Private customers of the pool's kind the user holds (only those not bought from, by `counts`). */
  owned: number;
  /** The same over every user of the user's team (0 without a team). */
  teamOwned: number;
  /** Claims by the user since the start of the claim day. */
  claimsToday: number;
  /** When the user last lost `customerId` to the public sea (null: never, or no customer asked). */
  lastLossAt: number | null;
};

/**
 * Counts what the claim rules look at, in one statement. The owned counts use the (org, owner) index,
 * one lookup per user of the team (a join would let the planner walk the whole org's customers), the
 * claims of the day the partial index of claims by (to_owner_id, at), the last loss the customer's
 * history.
 */
export async function claimCounts(
  db: SqlRunner,
  opts: {
    orgId: string;
    userId: string;
    kind: PoolKind;
    counts: ClaimPolicy['counts'];
    now: number;
    customerId?: string;
  },
): Promise<ClaimCounts> {
  const { orgId, userId, kind, now } = opts;
  const counted = sql`c.org_id = ${orgId} AND c.pool_state = 'private' AND c.kind = ${kind}
    AND c.deleted_at IS NULL ${opts.counts === 'notBought' ? sql`AND c.last_deal_at IS NULL` : sql``}`;
  const [row] = await db.rows<ClaimCounts>(sql`
    SELECT me.team_id AS "teamId",
      (SELECT count(*)::int FROM customers c WHERE c.owner_id = me.id AND ${counted}) AS owned,
      CASE WHEN me.team_id IS NULL THEN 0 ELSE (
        SELECT coalesce(sum(mine.n), 0)::int FROM users u CROSS JOIN LATERAL (
          SELECT count(*) AS n FROM customers c WHERE c.owner_id = u.id AND ${counted}) mine
        WHERE u.org_id = ${orgId} AND u.team_id = me.team_id) END AS "teamOwned",
      (SELECT count(*)::int FROM ownership_history h
        WHERE h.to_owner_id = me.id AND h.action = 'claim' AND h.at >= ${startOfClaimDay(now)}
          AND h.org_id = ${orgId}) AS "claimsToday",
      ${
        opts.customerId === undefined
          ? sql`NULL::float8`
          : sql`(SELECT max(h.at)::float8 FROM ownership_history h
        WHERE h.customer_id = ${opts.customerId} AND h.from_owner_id = me.id AND h.to_pool_state = 'public')`
      } AS "lastLossAt"
    FROM users me WHERE me.id = ${userId} AND me.org_id = ${orgId}`);
  return row ?? { teamId: null, owned: 0, teamOwned: 0, claimsToday: 0, lastLossAt: null };
}

/** Until when a fresh pool entry is protected from claims (null: claimable now as far as this rule goes). */
export function protectedUntil(
  policy: ClaimPolicy,
  enteredPoolAt: number | null,
  now: number,
): number | null {
  if (enteredPoolAt === null || policy.protectNewDays === 0) return null;
  const until = enteredPoolAt + policy.protectNewDays * DAY_MS;
  return until > now ? until : null;
}

/** Until when the user may not claim back a customer they lost at `lastLossAt` (null: no cooldown). */
export function cooldownUntil(policy: ClaimPolicy, lastLossAt: number | null, now: number): number | null {
  if (lastLossAt === null || policy.reclaimCooldownDays === 0) return null;
  const until = lastLossAt + policy.reclaimCooldownDays * DAY_MS;
  return until > now ? until : null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Applies the claim rules of the customer's pool to a claim by `userId`, or throws the refusal: an
 * AppError `forbidden` naming `customerId` and the rule (`params.rule`, with `limit`, `count` and
 * `until` as they apply, so the device can say it in the user's language). Call it with the customer's
 * row locked and the org row held; it takes the claimant's lock itself. Returns the pool the customer is
 * claimed from (undefined: the org has no pool of its kind, so no rules apply).
 */
export async function checkClaim(
  db: SqlRunner,
  opts: {
    orgId: string;
    userId: string;
    customer: { id: string; kind: PoolKind; poolId: string | null; enteredPoolAt: number | null };
    now: number;
  },
): Promise<PoolRow | undefined> {
  const { orgId, userId, customer, now } = opts;
  const pool = claimPoolOf(await loadPools(db, orgId, customer.kind), customer);
  if (!pool) return undefined;
  const policy = pool.claim;
  const refuse = (rule: keyof ClaimPolicy, message: string, params: Record<string, number>): never => {
    throw new AppError('forbidden', `customerId: ${message}`, {
      field: 'customerId',
      params: { rule, ...params },
    });
  };

  const guarded = protectedUntil(policy, customer.enteredPoolAt, now);
  if (guarded !== null) {
    refuse(
      'protectNewDays',
      `this customer entered the pool lately and cannot be claimed before ${iso(guarded)}`,
      { limit: policy.protectNewDays, until: guarded },
    );
  }
  await lockClaimant(db, userId);
  const counts = await claimCounts(db, {
    orgId,
    userId,
    kind: customer.kind,
    counts: policy.counts,
    now,
    customerId: customer.id,
  });
  const cooling = cooldownUntil(policy, counts.lastLossAt, now);
  if (cooling !== null) {
    refuse(
      'reclaimCooldownDays',
      `you lost this customer lately; you may claim it back from ${iso(cooling)}`,
      {
        limit: policy.reclaimCooldownDays,
        until: cooling,
      },
    );
  }
  const which = customer.kind === 'lead' ? 'leads' : 'customers';
  const counted = policy.counts === 'notBought' ? ` ${which} not yet bought from` : ` ${which}`;
  if (policy.maxPerUser !== null && counts.owned >= policy.maxPerUser) {
    refuse('maxPerUser', `you already hold ${counts.owned}${counted}, the most this pool allows`, {
      limit: policy.maxPerUser,
      count: counts.owned,
    });
  }
  if (policy.maxPerTeam !== null && counts.teamId !== null && counts.teamOwned >= policy.maxPerTeam) {
    refuse('maxPerTeam', `your team already holds ${counts.teamOwned}${counted}, the most this pool allows`, {
      limit: policy.maxPerTeam,
      count: counts.teamOwned,
    });
  }
  if (policy.maxClaimsPerDay !== null && counts.claimsToday >= policy.maxClaimsPerDay) {
    const until = startOfNextClaimDay(now);
    refuse(
      'maxClaimsPerDay',
      `you already claimed ${counts.claimsToday} ${which} today, the most this pool allows per day`,
      { limit: policy.maxClaimsPerDay, count: counts.claimsToday, until },
    );
  }
  return pool;
}
