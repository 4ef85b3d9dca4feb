import type Database from 'better-sqlite3';
import type { RecycleCountdown } from '../../../../shared/api/contract';
import type { CustomerKind, CustomerLevel } from '../../../../shared/domain/rows';
import type { SettingsRow } from '../../../../shared/domain/settings';
import { poolForCustomer } from '../../../../shared/pools/resolve';
import {
  DAY_MS,
  recycleDue,
  type RecycleFacts,
  type RecycleRule,
  type RecycleRuleKind,
} from '../../../../shared/pools/rules';
import type { PoolRow } from '../../../../shared/pools/schema';
import { listPools } from './pools';
import { getSettings } from './settings';
import { statement } from './statements';

/**
 * The recycle countdown on the device (SPEC §4 "Warnings", docs/pools.md): when a private customer goes
 * back to the public sea by its pool's rules, computed from local data with the shared definition
 * (`recycleDue`), so it works offline and a follow-up logged here resets it at once (the follow-up moves
 * `lastFollowUpAt` in the same transaction). The server's job decides; this only shows what it will do.
 */

/** What the countdown needs besides a customer's own facts: the pools, stage order and owners' teams. */
export type RecycleContext = {
  pools: PoolRow[];
  /** Stage key → its order in the org's stages (the exemption "at or past stage X" compares these). */
  stageOrder: Map<string, number>;
  /** The team of a user (the owner's team picks the pool serving it), from the org's users here. */
  teamOf: (userId: string) => string | null;
};

export function recycleContext(db: Database.Database, orgId: string): RecycleContext {
  return contextFrom(db, listPools(db), getSettings(db, orgId));
}

function contextFrom(db: Database.Database, pools: PoolRow[], settings: SettingsRow): RecycleContext {
  const teams = new Map<string, string | null>();
  const teamStatement = statement(db, 'SELECT "team_id" FROM "users" WHERE "id" = ?');
  return {
    pools,
    stageOrder: new Map(settings.stages.map((s, i) => [s.key, i])),
    teamOf(userId) {
      if (!teams.has(userId)) {
        const row = teamStatement.get(userId) as { team_id: string | null } | undefined;
        teams.set(userId, row?.team_id ?? null);
      }
      return teams.get(userId) ?? null;
    },
  };
}

/** A customer as the countdown reads it: the rules' facts plus what picks its pool. */
export type CustomerRecycleFacts = RecycleFacts & {
  id: string;
  name: string;
  kind: CustomerKind;
  ownerId: string | null;
  poolState: 'private' | 'public';
  poolId: string | null;
};

type RawFacts = Omit<CustomerRecycleFacts, 'locked'> & { locked: number };

/**
 * The facts of the customers `ids` (`rowids`: or by rowid), read in one statement: the row's own columns,
 * and from its opportunities the first one created at or after the claim, the first win closed at or
 * after it, and the highest stage (by the org's order) among the open ones.
 */
const FACTS_SQL = (by: 'id' | 'rowid') => `SELECT c."id" AS "id", c."name" AS "name", c."kind" AS "kind",
    c."owner_id" AS "ownerId", c."pool_state" AS "poolState", c."pool_id" AS "poolId", c."level" AS "level",
    c."status" AS "status", c."claimed_at" AS "claimedAt", c."last_follow_up_at" AS "lastFollowUpAt",
    c."last_deal_at" AS "lastDealAt", c."locked" AS "locked", c."deregistered_at" AS "deregisteredAt",
    (SELECT min(o."created_at") FROM "opportunities" o
      WHERE o."customer_id" = c."id" AND o."created_at" >= c."claimed_at") AS "firstOpportunityAfterClaimAt",
    (SELECT min(o."closed_at") FROM "opportunities" o
      WHERE o."customer_id" = c."id" AND o."status" = 'won' AND o."closed_at" >= c."claimed_at")
      AS "firstWinAfterClaimAt",
    (SELECT max(s."value") FROM "opportunities" o JOIN json_each(@stages) s ON s."key" = o."stage_key"
      WHERE o."customer_id" = c."id" AND o."status" = 'open') AS "maxOpenStageOrder"
  FROM "customers" c WHERE c."${by}" IN (SELECT "value" FROM json_each(@keys))`;

/** Reads the facts of many customers, by id, in batches (a statement's JSON stays small). */
export function readRecycleFacts(
  db: Database.Database,
  ids: readonly string[],
  ctx: Pick<RecycleContext, 'stageOrder'>,
): CustomerRecycleFacts[] {
  return readFacts(db, 'id', ids, ctx);
}

function readFacts(
  db: Database.Database,
  by: 'id' | 'rowid',
  keys: readonly (string | number)[],
  ctx: Pick<RecycleContext, 'stageOrder'>,
): CustomerRecycleFacts[] {
  const out: CustomerRecycleFacts[] = [];
  if (keys.length === 0) return out;
  const stages = JSON.stringify(Object.fromEntries(ctx.stageOrder));
  const read = statement(db, FACTS_SQL(by));
  for (let i = 0; i < keys.length; i += FACTS_BATCH) {
    const rows = read.all({ stages, keys: JSON.stringify(keys.slice(i, i + FACTS_BATCH)) }) as RawFacts[];
    for (const r of rows) out.push({ ...r, locked: r.locked === 1 });
  }
  return out;
}

const FACTS_BATCH = 500;

/**
 * The countdown of one customer, or null when none applies: not in a private sea, no pool governs it,
 * exempt (locked, has bought, an open opportunity far enough), or no rule can fire.
 */
export function countdownOf(f: CustomerRecycleFacts, ctx: RecycleContext): RecycleCountdown | null {
  if (f.poolState !== 'private' || f.ownerId === null) return null;
  const pool = poolForCustomer(ctx.pools, f, ctx.teamOf(f.ownerId));
  if (!pool) return null;
  const verdict = recycleDue(pool.recycle, f, exemptStageOrder(pool, ctx));
  if (verdict.exempt || verdict.dueAt === null || verdict.rule === null) return null;
  return { dueAt: verdict.dueAt, warnAt: verdict.warnAt, rule: verdict.rule };
}

/** The threshold in days a rule of the customer's pool has for its level (for a recycle's reason). */
export function ruleDays(f: CustomerRecycleFacts, rule: RecycleRuleKind, ctx: RecycleContext): number | null {
  if (f.ownerId === null) return null;
  const found = poolForCustomer(ctx.pools, f, ctx.teamOf(f.ownerId))?.recycle.rules.find(
    (r) => r.kind === rule,
  );
  if (!found) return null;
  return (f.level !== null ? found.daysByLevel[f.level] : undefined) ?? found.days;
}

function exemptStageOrder(pool: PoolRow, ctx: Pick<RecycleContext, 'stageOrder'>): number | null {
  const stage = pool.recycle.exemptions.openOpportunityFromStage;
  return stage === null ? null : (ctx.stageOrder.get(stage) ?? null);
}

/** The countdowns of a page of customers (a list's rows, a detail), by id. */
export function countdowns(
  db: Database.Database,
  ids: readonly string[],
  ctx: RecycleContext,
): Map<string, RecycleCountdown | null> {
  const out = new Map<string, RecycleCountdown | null>();
  if (ctx.pools.length === 0) return out;
  for (const f of readRecycleFacts(db, ids, ctx)) out.set(f.id, countdownOf(f, ctx));
  return out;
}

/** One entry of Today's "recycling soon". */
export type RecyclingItem = {
  customerId: string;
  customerName: string;
  customerKind: CustomerKind;
  dueAt: number;
  rule: RecycleRuleKind;
};

/** A rule's smallest threshold over the levels, in ms: no customer of the pool is due sooner after its anchor. */
function minThresholdMs(rule: RecycleRule): number {
  const byLevel = Object.values(rule.daysByLevel as Partial<Record<CustomerLevel, number>>);
  return Math.min(rule.days, ...byLevel.filter((d): d is number => d !== undefined)) * DAY_MS;
}

/** Larger than any time: a rule that cannot give a bound. */
const NEVER = Number.MAX_SAFE_INTEGER;

/**
 * For one pool, SQL (over `c`) true for every customer whose countdown could be inside its warning
 * window at `now` (a superset: `recycleDue` decides after), and an SQL lower bound of its due time.
 * Each rule is cut at its smallest threshold over the levels; an opportunity or a win within that
 * smallest threshold stops a rule for every level. Opportunities can only stop rules, never make one
 * fire sooner, so each rule's anchor plus its smallest threshold bounds its due time from below, and
 * the smallest of those bounds the customer's. `noFollowUp` is the expression of
 * `customers_recycle_anchor_idx`, spelled as it is there.
 */
function prefilter(
  pool: PoolRow,
  now: number,
  p: (value: unknown) => string,
): { where: string; dueFrom: string } | null {
  const policy = pool.recycle;
  const warnMs = policy.warnDays * DAY_MS;
  const terms: string[] = [];
  const bounds: string[] = [];
  for (const rule of policy.rules) {
    const n = minThresholdMs(rule);
    const cut = p(now - n + warnMs);
    switch (rule.kind) {
      case 'noFollowUp': {
        const anchor = `max(ifnull(c."claimed_at", 0), ifnull(c."last_follow_up_at", 0))`;
        terms.push(`(${anchor} BETWEEN 1 AND ${cut})`);
        bounds.push(`${anchor} + ${p(n)}`);
        break;
      }
      case 'noOpportunity':
        terms.push(`(c."claimed_at" <= ${cut} AND NOT EXISTS (SELECT 1 FROM "opportunities" o
          WHERE o."customer_id" = c."id" AND o."created_at" >= c."claimed_at"
            AND o."created_at" <= c."claimed_at" + ${p(n)}))`);
        bounds.push(`ifnull(c."claimed_at" + ${p(n)}, ${NEVER})`);
        break;
      case 'notWon':
        terms.push(`(c."claimed_at" <= ${cut} AND NOT EXISTS (SELECT 1 FROM "opportunities" o
          WHERE o."customer_id" = c."id" AND o."status" = 'won' AND o."closed_at" >= c."claimed_at"
            AND o."closed_at" <= c."claimed_at" + ${p(n)}))`);
        bounds.push(`ifnull(c."claimed_at" + ${p(n)}, ${NEVER})`);
        break;
      case 'deregistered':
        terms.push(`(c."status" = 'deregistered' AND c."deregistered_at" <= ${cut})`);
        bounds.push(`ifnull(c."deregistered_at" + ${p(n)}, ${NEVER})`);
        break;
    }
  }
  if (terms.length === 0) return null;
  const exemptions: string[] = [];
  if (policy.exemptions.locked) exemptions.push(`c."locked" = 0`);
  if (policy.exemptions.hasBought) exemptions.push(`c."last_deal_at" IS NULL`);
  const rules = terms.join(policy.combine === 'all' ? ' AND ' : ' OR ');
  return {
    where: [`(${rules})`, ...exemptions].join(' AND '),
    // SQLite's min() of one argument is the aggregate: a lone bound goes as it is.
    dueFrom: bounds.length === 1 ? bounds[0]! : `min(${bounds.join(', ')})`,
  };
}

/** Customers whose facts one step of Today's list reads. */
const TODAY_BATCH = 500;

/**
 * Today's "recycling soon" (SPEC §4 "Warnings"): `userId`'s private customers and leads whose countdown
 * is inside its pool's warning window at `now` (or past due, the job not having run yet; a pool without
 * warnings shows them once due), soonest first, at most `limit`. Cheap over a large private sea: for each
 * pool that may govern the user's customers, SQL keeps only those near their due time (`prefilter`,
 * through the anchor index for `noFollowUp`) with a lower bound of their due time; `recycleDue` then
 * decides on them in the order of that bound, and stops once no customer left could be among the
 * `limit` soonest (a device whose rep let thousands lapse reads the facts of a few batches, not all).
 */
export function recyclingSoon(
  db: Database.Database,
  ctx: RecycleContext & {
    userId: string;
    now: number;
    limit: number;
    /** Customers whose facts one step reads (tests make it small to exercise the early stop). */
    batch?: number;
  },
): RecyclingItem[] {
  const { userId, now, limit } = ctx;
  const step = ctx.batch ?? TODAY_BATCH;
  const myTeam = ctx.teamOf(userId);
  const bounds = new Map<number, number>();
  for (const kind of ['customer', 'lead'] as const) {
    const live = ctx.pools.filter((pool) => pool.active && pool.kind === kind);
    if (live.length === 0) continue;
    // The pool of a customer with no pool of its own (or one no longer live): the same for all of mine.
    const fallback = poolForCustomer(ctx.pools, { kind, poolId: null }, myTeam);
    for (const pool of live) {
      const params: Record<string, unknown> = { userId, kind, pool: pool.id };
      const p = (value: unknown) => {
        const name = `p${Object.keys(params).length}`;
        params[name] = value;
        return `@${name}`;
      };
      const near = prefilter(pool, now, p);
      if (near === null) continue;
      let governed = `c."pool_id" = @pool`;
      if (fallback?.id === pool.id) {
        const liveIds = p(JSON.stringify(live.map((l) => l.id)));
        governed = `(${governed} OR c."pool_id" IS NULL OR c."pool_id" NOT IN (SELECT "value" FROM json_each(${liveIds})))`;
      }
      const rows = statement(
        db,
        `SELECT c."rowid" AS "r", ${near.dueFrom} AS "b" FROM "customers" c
          WHERE c."owner_id" = @userId AND c."pool_state" = 'private' AND c."kind" = @kind
            AND ${governed} AND ${near.where}`,
      ).all(params) as { r: number; b: number }[];
      for (const { r, b } of rows) bounds.set(r, Math.min(b, bounds.get(r) ?? NEVER));
    }
  }
  const order = [...bounds].sort((a, b) => a[1] - b[1]);
  const items: RecyclingItem[] = [];
  for (let i = 0; i < order.length; i += step) {
    // Every customer from here on is due at its bound or later: none can beat the `limit` soonest found.
    if (items.length >= limit && order[i]![1] > items[limit - 1]!.dueAt) break;
    const batch = order.slice(i, i + step).map(([r]) => r);
    for (const f of readFacts(db, 'rowid', batch, ctx)) {
      const c = countdownOf(f, ctx);
      if (c === null || (c.warnAt ?? c.dueAt) > now) continue;
      items.push({
        customerId: f.id,
        customerName: f.name,
        customerKind: f.kind,
        dueAt: c.dueAt,
        rule: c.rule,
      });
    }
    items.sort(soonestFirst);
  }
  return items.slice(0, limit);
}

function soonestFirst(a: RecyclingItem, b: RecyclingItem): number {
  return a.dueAt - b.dueAt || (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0);
}
