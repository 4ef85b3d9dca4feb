import { sql, type SQL } from 'drizzle-orm';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { newId } from '../../../shared/ids';
import { DAY_MS, type RecycleRule, type RecycleRuleKind } from '../../../shared/pools/rules';
import { poolForCustomer } from '../../../shared/pools/resolve';
import { POOL_KINDS, type PoolRow, type RecycleRunResponse } from '../../../shared/pools/schema';
import type { ServerDb, SqlRunner } from '../db/database';
import { MAX_POKED_OWNERS } from '../sync/batch';
import { POKE_CHANNEL } from '../sync/pokes';
import { CLAIM_DAY_TIME_ZONE, loadPools } from './claim';

/**
 * The recycle job (docs/pools.md "The job"): applies `recycleDue` of shared/pools/rules.ts — the one
 * definition the devices' countdowns use too — to every private customer of an org in set-based SQL,
 * moves the due ones to the public sea, and warns the owners of those about to go.
 */

type OrgLists = { stageKeys: string[]; followUpTypes: { key: string; active: boolean }[] };

/** The org's stage order and follow-up types (the defaults when it has no settings row yet). */
export async function loadOrgLists(db: SqlRunner, orgId: string): Promise<OrgLists> {
  const [row] = await db.rows<{
    stages: { key: string }[];
    followUpTypes: { key: string; active: boolean }[];
  }>(sql`SELECT stages, follow_up_types AS "followUpTypes" FROM settings WHERE id = ${orgId}`);
  return {
    stageKeys: (row?.stages ?? DEFAULT_SETTINGS.stages).map((s) => s.key),
    followUpTypes: row?.followUpTypes ?? DEFAULT_SETTINGS.followUpTypes,
  };
}

/** The type of a task the server plans (a call, or the org's first active follow-up type). */
export function serverTaskType(types: OrgLists['followUpTypes']): string {
  const active = types.filter((t) => t.active);
  return (active.find((t) => t.key === 'call') ?? active[0] ?? types[0])?.key ?? 'call';
}

/** The order of a stage in the org's stage list, as `maxOpenStageOrder` and the exemption compare it. */
function stageOrder(stageKeys: readonly string[], key: string | null): number | null {
  if (key === null) return null;
  const at = stageKeys.indexOf(key);
  return at < 0 ? null : at;
}

/** The threshold of `rule` for a customer of `level`, as `recycleDue` applies it (days). */
function ruleDays(rule: RecycleRule, level: string | null): number {
  return (
    (level !== null ? rule.daysByLevel[level as keyof RecycleRule['daysByLevel']] : undefined) ?? rule.days
  );
}

/** Ownership history's reason for a recycle ("noFollowUp: 90 days without a follow-up"). */
function recycleReason(kind: RecycleRuleKind, days: number): string {
  switch (kind) {
    case 'noFollowUp':
      return `noFollowUp: ${days} days without a follow-up`;
    case 'noOpportunity':
      return `noOpportunity: no opportunity within ${days} days of claiming`;
    case 'notWon':
      return `notWon: not won within ${days} days of claiming`;
    case 'deregistered':
      return days === 0
        ? 'deregistered: the company was deregistered'
        : `deregistered: the company was deregistered ${days} days ago`;
  }
}

/** The warning task's title (Chinese, like the rest of the org's data; the renderer labels the origin). */
function warningTitle(kind: RecycleRuleKind, days: number, dueAt: number): string {
  const what = {
    noFollowUp: `${days} 天未跟进`,
    noOpportunity: `认领 ${days} 天内未建商机`,
    notWon: `认领 ${days} 天内未赢单`,
    deregistered: '企业已注销',
  }[kind];
  return `回收预警：${what}，将于 ${dueDate.format(dueAt)} 退回公海`;
}

/** The due date as the owner reads it: a calendar date in the org's time zone (claim.ts, one place). */
const dueDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: CLAIM_DAY_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** An integer inlined into SQL: only numbers computed here from validated policies. */
function lit(n: number): SQL {
  if (!Number.isSafeInteger(n)) throw new Error(`not an integer: ${n}`);
  return sql.raw(String(n));
}

/** The rule's threshold in ms for the row `f` (per level when the rule says so). */
function thresholdSql(rule: RecycleRule): SQL {
  const byLevel = Object.entries(rule.daysByLevel).filter(([, d]) => d !== undefined && d !== rule.days);
  if (byLevel.length === 0) return lit(rule.days * DAY_MS);
  // Levels are the enum's letters (A–D), validated by the pool's schema: safe to inline.
  const whens = byLevel.map(
    ([level, d]) => sql`WHEN ${sql.raw(`'${level}'`)} THEN ${lit((d ?? 0) * DAY_MS)}`,
  );
  return sql`(CASE f.level ${sql.join(whens, sql` `)} ELSE ${lit(rule.days * DAY_MS)} END)`;
}

/** `ruleDueAt` of shared/pools/rules.ts, as SQL over the facts row `f`. */
function ruleDueSql(rule: RecycleRule): SQL {
  const n = thresholdSql(rule);
  switch (rule.kind) {
    case 'noFollowUp':
      return sql`(NULLIF(GREATEST(COALESCE(f.last_follow_up_at, 0), COALESCE(f.claimed_at, 0)), 0) + ${n})`;
    case 'noOpportunity':
      return sql`(CASE WHEN f.claimed_at IS NULL THEN NULL
        WHEN f.first_opp IS NOT NULL AND f.first_opp <= f.claimed_at + ${n} THEN NULL
        ELSE f.claimed_at + ${n} END)`;
    case 'notWon':
      return sql`(CASE WHEN f.claimed_at IS NULL THEN NULL
        WHEN f.first_win IS NOT NULL AND f.first_win <= f.claimed_at + ${n} THEN NULL
        ELSE f.claimed_at + ${n} END)`;
    case 'deregistered':
      return sql`(CASE WHEN f.status = 'deregistered' AND f.deregistered_at IS NOT NULL
        THEN f.deregistered_at + ${n} END)`;
  }
}

/** The exemptions of `recycleDue`, as a boolean over `f`. */
function exemptSql(pool: PoolRow, exemptStage: number | null): SQL {
  const { exemptions } = pool.recycle;
  const parts: SQL[] = [];
  if (exemptions.locked) parts.push(sql`f.locked`);
  if (exemptions.hasBought) parts.push(sql`f.last_deal_at IS NOT NULL`);
  if (exemptStage !== null) parts.push(sql`COALESCE(f.max_open_stage >= ${lit(exemptStage)}, false)`);
  return parts.length === 0 ? sql`false` : sql`(${sql.join(parts, sql` OR `)})`;
}

/**
 * A test on the customer row alone that every customer `rule` could make due by `horizon` passes: the
 * rule's smallest threshold (of any level) from the row's anchor. It only narrows what the full
 * evaluation reads (a job over a million customers judges the few thousand near their time), so it may
 * let through rows that are not due, never hold back one that is.
 */
function mayFireSql(rule: RecycleRule, horizon: number): SQL {
  const thresholds = [rule.days, ...Object.values(rule.daysByLevel)].filter((d) => d !== undefined);
  const bound = lit(horizon - Math.min(...thresholds) * DAY_MS);
  switch (rule.kind) {
    case 'noFollowUp':
      return sql`NULLIF(GREATEST(COALESCE(c.last_follow_up_at, 0), COALESCE(c.claimed_at, 0)), 0) <= ${bound}`;
    case 'noOpportunity':
    case 'notWon':
      return sql`c.claimed_at <= ${bound}`;
    case 'deregistered':
      return sql`(c.status = 'deregistered' AND c.deregistered_at <= ${bound})`;
  }
}

/** mayFireSql for a pool's combination of rules, up to its warning horizon (due or warned by `now`). */
function mayFirePoolSql(pool: PoolRow, now: number): SQL {
  const horizon = now + pool.recycle.warnDays * DAY_MS;
  const tests = pool.recycle.rules.map((rule) => mayFireSql(rule, horizon));
  return sql`(${sql.join(tests, pool.recycle.combine === 'any' ? sql` OR ` : sql` AND `)})`;
}

/** `CASE <alias>.pool_id WHEN p1 THEN … END`, one branch per pool (NULL for the others). */
function perPool(alias: string, pools: readonly PoolRow[], branch: (p: PoolRow) => SQL | null): SQL {
  const whens = pools.flatMap((p) => {
    const value = branch(p);
    return value === null ? [] : [sql`WHEN ${p.id}::uuid THEN ${value}`];
  });
  if (whens.length === 0) return sql`NULL::bigint`;
  return sql`(CASE ${sql.raw(alias)}.pool_id ${sql.join(whens, sql` `)} END)`;
}

/** What the job reads once per run: pools, which pool governs whose customers, stage order, task type. */
type RunConfig = {
  pools: PoolRow[];
  /** Active pools with at least one rule, within the run's `poolId`: the only ones that can recycle. */
  ruled: PoolRow[];
  liveJson: string;
  ownerJson: string;
  stageKeys: string[];
  taskType: string;
};

async function loadConfig(db: SqlRunner, orgId: string, poolId: string | undefined): Promise<RunConfig> {
  const pools = await loadPools(db, orgId);
  const lists = await loadOrgLists(db, orgId);
  const users = await db.rows<{ id: string; teamId: string | null }>(
    sql`SELECT id, team_id AS "teamId" FROM users WHERE org_id = ${orgId}`,
  );
  // Which pool governs a customer is poolForCustomer's decision (shared/pools/resolve.ts), computed here
  // once per (owner, kind) and once per own pool id, so SQL only looks it up.
  const live = pools.filter((p) => p.active).map((p) => ({ id: p.id, kind: p.kind }));
  const byOwner = users.flatMap((u) =>
    POOL_KINDS.flatMap((kind) => {
      const pool = poolForCustomer(pools, { kind, poolId: null }, u.teamId);
      return pool ? [{ owner_id: u.id, kind, pool_id: pool.id }] : [];
    }),
  );
  const ruled = pools.filter(
    (p) => p.active && p.recycle.rules.length > 0 && (poolId === undefined || p.id === poolId),
  );
  return {
    pools,
    ruled,
    liveJson: JSON.stringify(live),
    ownerJson: JSON.stringify(byOwner),
    stageKeys: lists.stageKeys,
    taskType: serverTaskType(lists.followUpTypes),
  };
}

/** One customer the job acts on: to move, to warn, and/or with warning tasks to cancel. */
type Verdict = {
  id: string;
  name: string;
  ownerId: string | null;
  level: string | null;
  poolId: string | null;
  dueAt: number | null;
  ruleIndex: number | null;
  action: 'move' | 'warn' | null;
  /** Open warning tasks that no longer match the customer's due time (or it leaves now). */
  stale: boolean;
};

/**
 * The job's selection, one statement over the org's private customers (or `ids` only): each one's
 * governing pool, its facts (first opportunity and first win since the claim, highest open stage), every
 * rule's due time, the exemptions and the combination — `recycleDue`, row by row, in SQL — and what to
 * do about it at `now`. Also the open warnings of customers no longer private (released, deleted).
 */
function selectionSql(
  orgId: string,
  cfg: RunConfig,
  now: number,
  opts: { poolId: string | undefined; ids: string[] | undefined },
): SQL {
  // The rows to judge: the ones asked for, or those the cheap test on their own columns (mayFire) lets
  // through, and those with an open warning (it may have to be cancelled).
  const warnedCustomers = sql`SELECT t.customer_id FROM tasks t WHERE t.org_id = ${orgId}
    AND t.origin = 'recycleWarning' AND t.status = 'open' AND t.deleted_at IS NULL`;
  const rowFilter = opts.ids
    ? sql`AND c.id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(opts.ids)}::json))`
    : sql`AND (${sql.join(
        [...cfg.ruled.map((p) => mayFirePoolSql(p, now)), sql`c.id IN (${warnedCustomers})`],
        sql` OR `,
      )})`;
  const poolFilter = opts.poolId ? sql`AND COALESCE(lp.id, op.pool_id) = ${opts.poolId}::uuid` : sql``;
  const stageCase =
    cfg.stageKeys.length === 0
      ? sql`NULL::int`
      : sql`(CASE o.stage_key ${sql.join(
          cfg.stageKeys.map((k, i) => sql`WHEN ${k} THEN ${lit(i)}`),
          sql` `,
        )} END)`;
  const ruled = cfg.ruled;
  const maxRules = Math.max(0, ...ruled.map((p) => p.recycle.rules.length));
  const ruleCols = Array.from({ length: maxRules }, (_, i) =>
    perPool('f', ruled, (p) => {
      const rule = p.recycle.rules[i];
      return rule ? ruleDueSql(rule) : null;
    }),
  );
  const r = (i: number) => sql.raw(`r.r${i}`);
  const due = perPool('r', ruled, (p) => {
    const cols = p.recycle.rules.map((_, i) => r(i));
    const combined =
      p.recycle.combine === 'any'
        ? sql`LEAST(${sql.join(cols, sql`, `)})`
        : sql`(CASE WHEN ${sql.join(
            cols.map((c) => sql`${c} IS NULL`),
            sql` OR `,
          )} THEN NULL ELSE GREATEST(${sql.join(cols, sql`, `)}) END)`;
    return sql`(CASE WHEN r.exempt THEN NULL ELSE ${combined} END)`;
  });
  // The deciding rule: the first one whose due time is the customer's (as recycleDue keeps the first).
  const ruleIndex = perPool('d', ruled, (p) => {
    const whens = p.recycle.rules.map((_, i) => sql`WHEN ${sql.raw(`d.r${i}`)} = d.due THEN ${lit(i)}`);
    return sql`(CASE ${sql.join(whens, sql` `)} END)`;
  });
  const warnMs = perPool('d', ruled, (p) =>
    p.recycle.warnDays > 0 ? lit(p.recycle.warnDays * DAY_MS) : null,
  );
  const exempt = perPool('f', ruled, (p) =>
    exemptSql(p, stageOrder(cfg.stageKeys, p.recycle.exemptions.openOpportunityFromStage)),
  );
  const ruleSelect = ruleCols.map((col, i) => sql`, ${col} AS ${sql.raw(`r${i}`)}`);
  const taskIds = opts.ids
    ? sql`AND t.customer_id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(opts.ids)}::json))`
    : sql``;
  // `OFFSET 0` keeps r and d subqueries of their own: flattened into the levels above, every use of a
  // rule's due time there would evaluate its whole expression again (seven times per row, in the plan).
  const isMove = sql`v.due <= ${now}`;
  const isWarn = sql`(v.warn_at <= ${now} AND NOT (v.due = ANY(COALESCE(v.dues, '{}'::bigint[]))))`;
  const isStale = sql`(v.open_dues IS NOT NULL AND (v.due IS NULL OR v.due <= ${now}
    OR EXISTS (SELECT 1 FROM unnest(v.open_dues) AS x(due_at) WHERE x.due_at <> v.due)))`;
  return sql`
    WITH live_pools AS (
      SELECT * FROM json_to_recordset(${cfg.liveJson}::json) AS x(id uuid, kind text)
    ), owner_pools AS (
      SELECT * FROM json_to_recordset(${cfg.ownerJson}::json) AS x(owner_id uuid, kind text, pool_id uuid)
    ), cand AS (
      SELECT c.id, c.name, c.owner_id, c.level, c.status, c.claimed_at, c.last_follow_up_at, c.last_deal_at,
        c.locked, c.deregistered_at, COALESCE(lp.id, op.pool_id) AS pool_id
      FROM customers c
      LEFT JOIN live_pools lp ON lp.id = c.pool_id AND lp.kind = c.kind
      LEFT JOIN owner_pools op ON op.owner_id = c.owner_id AND op.kind = c.kind
      WHERE c.org_id = ${orgId} AND c.pool_state = 'private' AND c.deleted_at IS NULL ${rowFilter} ${poolFilter}
    ), opp AS (
      SELECT o.customer_id,
        min(o.created_at) FILTER (WHERE o.created_at >= cand.claimed_at) AS first_opp,
        min(o.closed_at) FILTER (WHERE o.status = 'won' AND o.closed_at >= cand.claimed_at) AS first_win,
        max(${stageCase}) FILTER (WHERE o.status = 'open') AS max_open_stage
      FROM opportunities o JOIN cand ON cand.id = o.customer_id
      WHERE o.org_id = ${orgId} AND o.deleted_at IS NULL
      GROUP BY o.customer_id
    ), f AS (
      SELECT cand.*, opp.first_opp, opp.first_win, opp.max_open_stage
      FROM cand LEFT JOIN opp ON opp.customer_id = cand.id
    ), r AS (
      SELECT f.id, f.name, f.owner_id, f.level, f.pool_id, ${exempt} AS exempt ${sql.join(ruleSelect, sql``)}
      FROM f OFFSET 0
    ), d AS (
      SELECT r.*, ${due} AS due FROM r OFFSET 0
    ), w AS (
      SELECT t.customer_id, array_agg(t.due_at) AS dues,
        array_agg(t.due_at) FILTER (WHERE t.status = 'open') AS open_dues
      FROM tasks t
      WHERE t.org_id = ${orgId} AND t.origin = 'recycleWarning' AND t.deleted_at IS NULL ${taskIds}
      GROUP BY t.customer_id
    ), v AS (
      SELECT d.id, d.name, d.owner_id, d.level, d.pool_id, d.due, ${ruleIndex} AS rule_index,
        d.due - ${warnMs} AS warn_at, w.dues, w.open_dues
      FROM d LEFT JOIN w ON w.customer_id = d.id
    )
    SELECT v.id, v.name, v.owner_id AS "ownerId", v.level, v.pool_id AS "poolId", v.due::float8 AS "dueAt",
      v.rule_index AS "ruleIndex",
      CASE WHEN ${isMove} THEN 'move' WHEN ${isWarn} THEN 'warn' END AS action, ${isStale} AS stale
    FROM v WHERE ${isMove} OR ${isWarn} OR ${isStale}
    UNION ALL
    SELECT DISTINCT c.id, c.name, NULL::uuid, c.level, NULL::uuid, NULL::float8, NULL::int, NULL::text, true
    FROM tasks t JOIN customers c ON c.id = t.customer_id
    WHERE t.org_id = ${orgId} AND t.origin = 'recycleWarning' AND t.status = 'open' AND t.deleted_at IS NULL
      AND (c.pool_state <> 'private' OR c.deleted_at IS NOT NULL) ${taskIds}
    ORDER BY 1`;
}

async function select(
  db: SqlRunner,
  orgId: string,
  cfg: RunConfig,
  now: number,
  opts: { poolId: string | undefined; ids: string[] | undefined },
): Promise<Verdict[]> {
  const rows = await db.rows<Verdict>(selectionSql(orgId, cfg, now, opts));
  return rows.map((row) => ({
    ...row,
    dueAt: row.dueAt === null ? null : Number(row.dueAt),
    ruleIndex: row.ruleIndex === null ? null : Number(row.ruleIndex),
  }));
}

/** The rule that decided a verdict, and its threshold for the customer's level. */
function decidingRule(cfg: RunConfig, v: Verdict): { kind: RecycleRuleKind; days: number } | null {
  const pool = cfg.pools.find((p) => p.id === v.poolId);
  const rule = v.ruleIndex === null ? undefined : pool?.recycle.rules[v.ruleIndex];
  return rule ? { kind: rule.kind, days: ruleDays(rule, v.level) } : null;
}

const SAMPLE_SIZE = 50;

/** The answer of a run: counts per pool and rule, and a sample of the customers moved. */
function summarise(
  cfg: RunConfig,
  poolId: string | undefined,
  now: number,
  dryRun: boolean,
  moves: readonly Verdict[],
  warnedIds: readonly string[],
  verdicts: ReadonlyMap<string, Verdict>,
): RecycleRunResponse {
  const shown = cfg.pools.filter((p) => p.active && (poolId === undefined || p.id === poolId));
  const byPool = new Map<string, RecycleRunResponse['byPool'][number]>(
    shown.map((p) => [p.id, { poolId: p.id, moved: 0, warned: 0, byRule: {} }]),
  );
  const entry = (id: string) => {
    let e = byPool.get(id);
    if (!e) {
      e = { poolId: id, moved: 0, warned: 0, byRule: {} };
      byPool.set(id, e);
    }
    return e;
  };
  for (const m of moves) {
    if (m.poolId === null) continue;
    const e = entry(m.poolId);
    e.moved += 1;
    const kind = decidingRule(cfg, m)?.kind ?? 'unknown';
    e.byRule[kind] = (e.byRule[kind] ?? 0) + 1;
  }
  for (const id of warnedIds) {
    const pool = verdicts.get(id)?.poolId;
    if (pool) entry(pool).warned += 1;
  }
  return {
    dryRun,
    now,
    moved: moves.length,
    warned: warnedIds.length,
    byPool: [...byPool.values()],
    sample: moves.slice(0, SAMPLE_SIZE).map((m) => ({
      id: m.id,
      name: m.name,
      ownerId: m.ownerId,
      rule: decidingRule(cfg, m)?.kind ?? null,
      poolId: m.poolId ?? '',
    })),
  };
}

/**
 * Settings of the job's transaction. The selection's estimated cost is large (a long expression per row
 * over the whole org), so PostgreSQL would JIT-compile it: measured, 1.4 s of compiling for a 0.25 s
 * query over 100k customers. Its joins and aggregates over the picked rows fit in 64 MB, not in 4.
 */
async function tuneForSelection(tx: SqlRunner): Promise<void> {
  await tx.rows(
    sql`SELECT set_config('jit', 'off', true) AS jit, set_config('work_mem', '64MB', true) AS mem`,
  );
}

/** What the verdicts ask for: customers to move, owners to warn, warnings to cancel. */
function plan(verdicts: readonly Verdict[]) {
  return {
    moves: verdicts.filter((v) => v.action === 'move' && v.ownerId !== null && v.poolId !== null),
    warns: verdicts.filter((v) => v.action === 'warn' && v.ownerId !== null && v.dueAt !== null),
    stale: verdicts.filter((v) => v.stale),
  };
}

/** The advisory lock of one org's job: two server instances never run it for one org at once. */
function recycleLockKey(orgId: string): SQL {
  return sql`hashtextextended(${'tidepool:recycle:' + orgId}, 0)`;
}

export type RecycleRunOptions = {
  orgId: string;
  /** One pool only (its governed customers); absent: every pool of the org. */
  poolId?: string | undefined;
  /** The clock of the run (epoch ms): the server's, or a test's. */
  now: number;
  /** Only say what would happen; write nothing. */
  dryRun: boolean;
};

/**
 * Runs the recycle job for one org (docs/pools.md "The job"). In one transaction: the org's advisory
 * lock (another instance running it: `skipped`, nothing done); the selection over the whole org; the
 * rows it picked locked and judged again (a follow-up pushed meanwhile wins); then — only when there is
 * something to write — one org version bump, the moves to the public sea with their ownership history
 * (actor `rule`), the warning tasks (once per customer and due time: tasks_recycle_warning_uq), the
 * cancellation of warnings that no longer hold, and one poke to the owners concerned, delivered at
 * commit. A second run at the same clock finds nothing to do. `dryRun`: the selection only.
 */
export async function runRecycle(db: ServerDb, opts: RecycleRunOptions): Promise<RecycleRunResponse> {
  const { orgId, poolId, now } = opts;
  if (opts.dryRun) {
    return db.transaction(
      async (tx) => {
        await tuneForSelection(tx);
        const cfg = await loadConfig(tx, orgId, poolId);
        const verdicts = await select(tx, orgId, cfg, now, { poolId, ids: undefined });
        const { moves, warns } = plan(verdicts);
        const byId = new Map(verdicts.map((v) => [v.id, v]));
        return summarise(
          cfg,
          poolId,
          now,
          true,
          moves,
          warns.map((w) => w.id),
          byId,
        );
      },
      { readOnly: true },
    );
  }
  return db.transaction(async (tx) => {
    const [lock] = await tx.rows<{ ok: boolean }>(
      sql`SELECT pg_try_advisory_xact_lock(${recycleLockKey(orgId)}) AS ok`,
    );
    await tuneForSelection(tx);
    const cfg = await loadConfig(tx, orgId, poolId);
    if (!lock?.ok) return { ...summarise(cfg, poolId, now, false, [], [], new Map()), skipped: true };
    const first = await select(tx, orgId, cfg, now, { poolId, ids: undefined });
    if (first.length === 0) return summarise(cfg, poolId, now, false, [], [], new Map());

    // Lock what the selection picked (in id order, as pushes lock rows), then judge those rows again in a
    // new statement: a push that logged a follow-up or opened an opportunity after the selection's
    // snapshot has committed by now (it held the customer), and its facts count.
    const ids = first.map((v) => v.id);
    await tx.rows(sql`
      SELECT id FROM customers
      WHERE id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(ids)}::json))
      ORDER BY id FOR NO KEY UPDATE`);
    const verdicts = await select(tx, orgId, cfg, now, { poolId, ids });
    if (verdicts.length === 0) return summarise(cfg, poolId, now, false, [], [], new Map());
    const byId = new Map(verdicts.map((v) => [v.id, v]));
    const { moves, warns, stale } = plan(verdicts);

    // The org row's lock last, held only for the writes and the commit (docs/server.md "Lock order").
    const [bumped] = await tx.rows<{ version: number }>(sql`
      UPDATE orgs SET version = version + 1 WHERE id = ${orgId} RETURNING version::float8 AS version`);
    if (!bumped) throw new Error(`recycle: no org ${orgId}`);
    const version = bumped.version;
    const poked = new Set<string>();

    if (moves.length > 0) {
      const moved = moves.map((m) => {
        const rule = decidingRule(cfg, m);
        return {
          id: m.id,
          pool_id: m.poolId,
          reason: rule ? recycleReason(rule.kind, rule.days) : 'recycled',
          history_id: newId(now),
        };
      });
      const rows = await tx.rows<{ owner: string | null }>(sql`
        WITH m AS (
          SELECT * FROM json_to_recordset(${JSON.stringify(moved)}::json)
            AS x(id uuid, pool_id uuid, reason text, history_id uuid)
        ), upd AS (
          UPDATE customers c SET previous_owner_id = c.owner_id, owner_id = NULL, pool_state = 'public',
            pool_id = m.pool_id, entered_pool_at = ${now}, claimed_at = NULL, updated_at = ${now},
            version = ${version}
          FROM m WHERE c.id = m.id AND c.org_id = ${orgId} AND c.pool_state = 'private' AND c.deleted_at IS NULL
          RETURNING c.id, c.previous_owner_id AS old_owner, m.pool_id, m.reason, m.history_id
        )
        INSERT INTO ownership_history (id, org_id, customer_id, from_owner_id, to_owner_id, from_pool_state,
          to_pool_state, actor_type, actor_id, reason, action, pool_id, at, version)
        SELECT history_id, ${orgId}::uuid, id, old_owner, NULL, 'private', 'public', 'rule', NULL, reason,
          'recycle', pool_id, ${now}::bigint, ${version}::bigint
        FROM upd
        RETURNING from_owner_id AS owner`);
      for (const r of rows) if (r.owner) poked.add(r.owner);
    }

    let warnedIds: string[] = [];
    if (warns.length > 0) {
      const tasks = warns.map((w) => {
        const rule = decidingRule(cfg, w);
        return {
          id: newId(now),
          customer_id: w.id,
          owner_id: w.ownerId,
          title: rule ? warningTitle(rule.kind, rule.days, w.dueAt ?? now) : '回收预警',
          due_at: w.dueAt,
        };
      });
      const rows = await tx.rows<{ customerId: string; assigneeId: string }>(sql`
        INSERT INTO tasks (id, org_id, customer_id, assignee_id, title, type, due_at, origin, status,
          created_by, created_at, updated_at, version)
        SELECT x.id, ${orgId}::uuid, x.customer_id, x.owner_id, x.title, ${cfg.taskType}::text, x.due_at,
          'recycleWarning', 'open', x.owner_id, ${now}::bigint, ${now}::bigint, ${version}::bigint
        FROM json_to_recordset(${JSON.stringify(tasks)}::json)
          AS x(id uuid, customer_id uuid, owner_id uuid, title text, due_at bigint)
        ON CONFLICT (customer_id, due_at) WHERE origin = 'recycleWarning' DO NOTHING
        RETURNING customer_id AS "customerId", assignee_id AS "assigneeId"`);
      warnedIds = rows.map((r) => r.customerId);
      for (const r of rows) poked.add(r.assigneeId);
    }

    if (stale.length > 0) {
      // A customer that leaves keeps none of its warnings; one that stays keeps the one of its due time.
      const keep = stale.map((s) => ({ customer_id: s.id, keep_due: s.action === 'move' ? null : s.dueAt }));
      const rows = await tx.rows<{ assigneeId: string }>(sql`
        WITH s AS (
          SELECT * FROM json_to_recordset(${JSON.stringify(keep)}::json) AS x(customer_id uuid, keep_due bigint)
        )
        UPDATE tasks t SET status = 'cancelled', updated_at = ${now}, version = ${version}
        FROM s
        WHERE t.customer_id = s.customer_id AND t.org_id = ${orgId} AND t.origin = 'recycleWarning'
          AND t.status = 'open' AND t.deleted_at IS NULL AND t.due_at IS DISTINCT FROM s.keep_due
        RETURNING t.assignee_id AS "assigneeId"`);
      for (const r of rows) poked.add(r.assigneeId);
    }

    if (poked.size > 0) {
      // NOTIFY payloads are limited to 8000 bytes: past a few dozen owners the whole org pulls.
      const owners = poked.size > MAX_POKED_OWNERS ? '*' : [...poked].sort().join(',');
      await tx.rows(sql`SELECT pg_notify(${POKE_CHANNEL}, ${`${orgId}:${owners}:`}) IS NULL AS notified`);
    }
    return summarise(cfg, poolId, now, false, moves, warnedIds, byId);
  });
}

/** What the schedule logs through (the server's pino logger). */
export type RecycleLog = {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
};

/**
 * Runs the job for every org with pools every `everyMs`, the first time `everyMs` after the start (a
 * server that just started serves its devices first; a demo started for a test is not recycled under
 * it). A run never overlaps the previous one of this process; other instances are kept out per org by
 * the advisory lock. Errors are logged and the next run tries again. Returns the stop function, which
 * waits for a run in progress.
 */
export function startRecycleSchedule(
  db: ServerDb,
  opts: { now: () => number; everyMs: number; log?: RecycleLog },
): () => Promise<void> {
  let stopped = false;
  let running: Promise<void> | undefined;
  let timer: NodeJS.Timeout | undefined;
  const runAll = async () => {
    const orgs = await db.rows<{ id: string }>(sql`SELECT DISTINCT org_id AS id FROM pools ORDER BY 1`);
    for (const { id } of orgs) {
      if (stopped) return;
      try {
        const started = Date.now();
        const result = await runRecycle(db, { orgId: id, now: opts.now(), dryRun: false });
        if (result.moved > 0 || result.warned > 0 || result.skipped) {
          opts.log?.info(
            {
              orgId: id,
              moved: result.moved,
              warned: result.warned,
              skipped: result.skipped ?? false,
              ms: Date.now() - started,
            },
            'recycle',
          );
        }
      } catch (err) {
        opts.log?.error({ err, orgId: id }, 'recycle failed');
      }
    }
  };
  const tick = () => {
    timer = undefined;
    if (stopped) return;
    running = runAll()
      .catch((err: unknown) => opts.log?.error({ err }, 'recycle failed'))
      .finally(() => {
        running = undefined;
        if (!stopped) {
          timer = setTimeout(tick, opts.everyMs);
          timer.unref();
        }
      });
  };
  timer = setTimeout(tick, opts.everyMs);
  timer.unref();
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
  };
}
