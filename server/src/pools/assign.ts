import { sql } from 'drizzle-orm';
import type { ASSIGN_STRATEGIES } from '../../../shared/pools/rules';
import type { PoolKind, PoolRow } from '../../../shared/pools/schema';
import type { SqlRunner } from '../db/database';

/**
 * Who gets a customer that shows signs of life (docs/pools.md "Reactivation"): the pool's `assign`
 * strategy. `previousOwnerThen…`: the previous owner when they are an active rep under the pool's
 * limits; else, among the active reps of the teams the pool serves (every rep of the org when it serves
 * none) who are under the limits, the least loaded (fewest private customers of the kind) or the next in
 * turn (round robin: the one whose last assignment by an event is the oldest, never first).
 */

export type AssignStrategy = (typeof ASSIGN_STRATEGIES)[number];

/** The chosen rep and which rule of the strategy chose them. */
export type Assignment = { ownerId: string; by: 'previousOwner' | 'leastLoaded' | 'roundRobin' };

/** Without a pool (the org has none of the kind): no limits, every rep, the previous owner first. */
const DEFAULT_STRATEGY: AssignStrategy = 'previousOwnerThenLeastLoaded';

type Candidate = {
  id: string;
  teamId: string | null;
  /** Serves the pool (in one of its teams, or the pool serves no team). */
  inPool: boolean;
  /** Private customers of the kind. */
  load: number;
  /** … of which not bought from (what the limits count when the pool says `notBought`). */
  notBought: number;
  /** The same two counts over the rep's whole team (the team limit). */
  teamLoad: number;
  teamNotBought: number;
  /** The last assignment of a customer or lead to the rep by an event, and how many there were. */
  lastAt: number | null;
  assigned: number;
};

/**
 * The candidates with everything the choice needs, in one statement: the pool's reps (or only the user
 * `only`: the previous owner), their loads (the (org, owner) index), their teams' loads (only when the pool limits teams), and
 * their last assignments by events.
 */
async function candidates(
  db: SqlRunner,
  opts: { orgId: string; pool: PoolRow | undefined; kind: PoolKind; only: string | null },
): Promise<Candidate[]> {
  const { orgId, kind } = opts;
  const teams = opts.pool?.teamIds ?? [];
  const teamsJson = JSON.stringify(teams);
  const inPool =
    teams.length === 0
      ? sql`true`
      : sql`COALESCE(u.team_id IN (SELECT value::uuid FROM json_array_elements_text(${teamsJson}::json)), false)`;
  const counted = sql`c.org_id = ${orgId} AND c.pool_state = 'private' AND c.kind = ${kind} AND c.deleted_at IS NULL`;
  const teamLoad = opts.pool?.claim.maxPerTeam
    ? sql`SELECT u.team_id, count(*)::int AS n, count(*) FILTER (WHERE c.last_deal_at IS NULL)::int AS not_bought
        FROM users u JOIN customers c ON c.owner_id = u.id
        WHERE u.org_id = ${orgId} AND u.team_id IN (SELECT team_id FROM cand) AND ${counted}
        GROUP BY u.team_id`
    : sql`SELECT NULL::uuid AS team_id, 0 AS n, 0 AS not_bought WHERE false`;
  const rows = await db.rows<Candidate>(sql`
    WITH cand AS (
      SELECT u.id, u.team_id, ${inPool} AS in_pool FROM users u
      WHERE u.org_id = ${orgId} AND u.active AND u.role = 'rep'
        AND ${opts.only === null ? inPool : sql`u.id = ${opts.only}::uuid`}
    ), load AS (
      SELECT c.owner_id, count(*)::int AS n, count(*) FILTER (WHERE c.last_deal_at IS NULL)::int AS not_bought
      FROM customers c WHERE c.owner_id IN (SELECT id FROM cand) AND ${counted}
      GROUP BY c.owner_id
    ), team_load AS (${teamLoad}
    ), last AS (
      SELECT e.owner_id, max(e.received_at)::float8 AS at, count(*)::int AS n FROM activity_events e
      WHERE e.org_id = ${orgId} AND e.owner_id IN (SELECT id FROM cand) AND e.outcome IN ('assigned', 'leadCreated')
      GROUP BY e.owner_id
    )
    SELECT cand.id, cand.team_id AS "teamId", cand.in_pool AS "inPool",
      COALESCE(load.n, 0) AS load, COALESCE(load.not_bought, 0) AS "notBought",
      COALESCE(team_load.n, 0) AS "teamLoad", COALESCE(team_load.not_bought, 0) AS "teamNotBought",
      last.at AS "lastAt", COALESCE(last.n, 0) AS assigned
    FROM cand
    LEFT JOIN load ON load.owner_id = cand.id
    LEFT JOIN team_load ON team_load.team_id = cand.team_id
    LEFT JOIN last ON last.owner_id = cand.id`);
  return rows.map((r) => ({ ...r, lastAt: r.lastAt === null ? null : Number(r.lastAt) }));
}

/** Oldest last assignment first (never assigned before all), then fewer assignments, then id: a rotation. */
function byTurn(a: Candidate, b: Candidate): number {
  if (a.lastAt !== b.lastAt) {
    if (a.lastAt === null) return -1;
    if (b.lastAt === null) return 1;
    return a.lastAt - b.lastAt;
  }
  return a.assigned - b.assigned || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Whether `c` is under `pool`'s claim limits (none: always), counting what its `counts` says. */
function underLimits(pool: PoolRow | undefined, c: Candidate): boolean {
  const claim = pool?.claim;
  if (!claim) return true;
  const notBought = claim.counts === 'notBought';
  return (
    (claim.maxPerUser === null || (notBought ? c.notBought : c.load) < claim.maxPerUser) &&
    (claim.maxPerTeam === null ||
      c.teamId === null ||
      (notBought ? c.teamNotBought : c.teamLoad) < claim.maxPerTeam)
  );
}

type ChooseOptions = {
  orgId: string;
  pool: PoolRow | undefined;
  kind: PoolKind;
  previousOwnerId: string | null;
};

/**
 * Chooses the rep for a customer (or a new lead) of `kind` by `pool`'s strategy, or null when no active
 * rep can take it (none serves the pool, or all are at the pool's limits). The limits are the pool's
 * claim limits (`maxPerUser`, `maxPerTeam`, counting what `counts` says), as if the rep claimed it.
 * Read-only; the caller writes the move.
 */
export async function chooseAssignee(db: SqlRunner, opts: ChooseOptions): Promise<Assignment | null> {
  const strategy = opts.pool?.assign ?? DEFAULT_STRATEGY;
  // The previous owner alone first: counting every rep's book is only needed when they cannot take it.
  if (strategy.startsWith('previousOwner') && opts.previousOwnerId !== null) {
    const [previous] = await candidates(db, { ...opts, only: opts.previousOwnerId });
    if (previous && underLimits(opts.pool, previous)) return { ownerId: previous.id, by: 'previousOwner' };
  }
  const all = await candidates(db, { ...opts, only: null });
  const open = all.filter((c) => c.inPool && underLimits(opts.pool, c));
  if (open.length === 0) return null;
  if (strategy === 'leastLoaded' || strategy === 'previousOwnerThenLeastLoaded') {
    const [first] = [...open].sort((a, b) => a.load - b.load || byTurn(a, b));
    return first ? { ownerId: first.id, by: 'leastLoaded' } : null;
  }
  const [next] = [...open].sort(byTurn);
  return next ? { ownerId: next.id, by: 'roundRobin' } : null;
}

/**
 * Whether `ownerId` is (still) an active rep under `pool`'s limits: one rep's count, cheap where
 * chooseAssignee may count every rep's book. The event's transaction chooses before it holds the org
 * row and checks the choice with this after taking it, so the org is blocked only for this check.
 */
export async function canTake(
  db: SqlRunner,
  opts: { orgId: string; pool: PoolRow | undefined; kind: PoolKind; ownerId: string },
): Promise<boolean> {
  const [rep] = await candidates(db, { ...opts, only: opts.ownerId });
  return rep !== undefined && underLimits(opts.pool, rep);
}

/**
 * chooseAssignee in two steps around the org row's lock (`lock`, which the caller's transaction takes
 * and returns from): the choice before it, on counts a moment old (a ranking); the chosen rep's limits
 * checked after it, exactly, since every claim of the org has committed or waits; a choice again, under
 * the lock, in the rare case a claim filled the rep meanwhile or the pool changed. `pool` is re-read
 * under the lock by `poolAfter`.
 */
export async function chooseAroundLock<T>(
  db: SqlRunner,
  opts: ChooseOptions,
  lock: () => Promise<T>,
  poolAfter: () => Promise<PoolRow | undefined>,
): Promise<{ choice: Assignment | null; locked: T; pool: PoolRow | undefined }> {
  const early = await chooseAssignee(db, opts);
  const locked = await lock();
  const pool = await poolAfter();
  const samePool = JSON.stringify(pool) === JSON.stringify(opts.pool);
  if (early && samePool && (await canTake(db, { ...opts, pool, ownerId: early.ownerId }))) {
    return { choice: early, locked, pool };
  }
  return { choice: await chooseAssignee(db, { ...opts, pool }), locked, pool };
}
