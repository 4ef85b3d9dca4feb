import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { newId } from '../../../shared/ids';
import {
  DAY_MS,
  recycleDue,
  recyclePolicySchema,
  type RecycleFacts,
  type RecyclePolicy,
} from '../../../shared/pools/rules';
import { poolForCustomer } from '../../../shared/pools/resolve';
import { poolRowSchema, recycleRunResponse, type PoolRow } from '../../../shared/pools/schema';
import { buildServer } from '../app';
import type { ServerDb } from '../db/database';
import { seedDemo, type DemoSummary } from '../seed/demo';
import { loginAs, openTestDatabase, SyncDevice, type TestDatabase } from '../testing';
import { runRecycle, startRecycleSchedule } from './recycle';

/**
 * The recycle job (docs/pools.md "The job") with an injected clock, on PGlite and on PostgreSQL
 * (TIDEPOOL_TEST_DB=postgres): every rule kind, thresholds per level, each exemption, any vs all,
 * warnings, dry run, idempotence, the rep's device losing the customer, two runs at once, and a property
 * test against `recycleDue`, the definition the devices' countdowns use.
 */

const T0 = Date.UTC(2026, 0, 5, 2); // 10:00 in Shanghai
const days = (n: number) => n * DAY_MS;
const STAGES = DEFAULT_SETTINGS.stages.map((s) => s.key);

let test: TestDatabase;
let db: ServerDb;
let demo: DemoSummary;
let teams: { eastOne: string; eastTwo: string };

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  demo = await seedDemo(db, { customers: 0, now: T0 - days(400) });
  const [row] = await db.query(`SELECT team_id FROM users WHERE id = $1`, [demo.users.zhangwei]);
  const [other] = await db.query(
    `SELECT id FROM teams WHERE org_id = $1 AND id <> $2 AND parent_id IS NOT NULL`,
    [demo.orgId, row?.team_id],
  );
  teams = { eastOne: String(row?.team_id), eastTwo: String(other?.id) };
});
afterAll(async () => {
  await test?.close();
});

/** Empties the org's customer data and pools (the demo seed's own pools included). */
async function reset(): Promise<void> {
  for (const table of [
    'tasks',
    'ownership_history',
    'stage_changes',
    'follow_ups',
    'opportunities',
    'contacts',
    'activity_events',
    'customers',
    'pools',
  ]) {
    await db.query(`DELETE FROM ${table} WHERE org_id = $1`, [demo.orgId]);
  }
}

type PoolInput = {
  id?: string;
  kind?: 'customer' | 'lead';
  teamIds?: string[];
  isDefault?: boolean;
  active?: boolean;
  recycle: unknown;
  createdAt?: number;
};

async function insertPool(p: PoolInput): Promise<PoolRow> {
  const row = poolRowSchema.parse({
    id: p.id ?? newId(),
    orgId: demo.orgId,
    kind: p.kind ?? 'customer',
    nameZh: '华东公海',
    nameEn: 'East China pool',
    teamIds: p.teamIds ?? [],
    adminIds: [],
    isDefault: p.isDefault ?? true,
    active: p.active ?? true,
    recycle: recyclePolicySchema.parse(p.recycle),
    claim: {},
    assign: 'previousOwnerThenLeastLoaded',
    createdAt: p.createdAt ?? T0 - days(500),
    updatedAt: T0 - days(500),
    version: 1,
  });
  await db.query(
    `INSERT INTO pools (id, org_id, kind, name_zh, name_en, team_ids, admin_ids, is_default, active, recycle, claim,
       assign, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
    [
      row.id,
      row.orgId,
      row.kind,
      row.nameZh,
      row.nameEn,
      JSON.stringify(row.teamIds),
      JSON.stringify(row.adminIds),
      row.isDefault,
      row.active,
      JSON.stringify(row.recycle),
      JSON.stringify(row.claim),
      row.assign,
      row.createdAt,
      row.updatedAt,
      row.version,
    ],
  );
  return row;
}

type CustomerInput = {
  ownerId?: string;
  kind?: 'customer' | 'lead';
  level?: 'A' | 'B' | 'C' | 'D' | null;
  status?: 'active' | 'dormant' | 'deregistered';
  claimedAt?: number | null;
  lastFollowUpAt?: number | null;
  lastDealAt?: number | null;
  locked?: boolean;
  deregisteredAt?: number | null;
  poolId?: string | null;
};

let serial = 0;
async function insertCustomer(c: CustomerInput = {}): Promise<string> {
  const id = newId(T0 - days(300));
  serial += 1;
  await db.query(
    `INSERT INTO customers (id, org_id, name, name_norm, status, level, owner_id, pool_state, claimed_at,
       last_follow_up_at, last_deal_at, kind, lead_status, locked, deregistered_at, pool_id, created_at, updated_at,
       version)
     VALUES ($1, $2, $3, $3, $4, $5, $6, 'private', $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, 1)`,
    [
      id,
      demo.orgId,
      `测试客户${serial}有限公司`,
      c.status ?? 'active',
      c.level === undefined ? 'B' : c.level,
      c.ownerId ?? demo.users.zhangwei,
      c.claimedAt === undefined ? T0 : c.claimedAt,
      c.lastFollowUpAt ?? null,
      c.lastDealAt ?? null,
      c.kind ?? 'customer',
      c.kind === 'lead' ? 'new' : null,
      c.locked ?? false,
      c.deregisteredAt ?? null,
      c.poolId ?? null,
      T0 - days(300),
    ],
  );
  return id;
}

type OpportunityInput = {
  customerId: string;
  createdAt: number;
  status?: 'open' | 'won' | 'lost';
  stageKey?: string;
  closedAt?: number | null;
  ownerId?: string;
};

async function insertOpportunity(o: OpportunityInput): Promise<string> {
  const id = newId(o.createdAt);
  const status = o.status ?? 'open';
  await db.query(
    `INSERT INTO opportunities (id, org_id, customer_id, owner_id, name, amount_minor, currency, stage_key, status,
       closed_at, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, '数控机床采购', 1000000, 'CNY', $5, $6, $7, $8, $8, 1)`,
    [
      id,
      demo.orgId,
      o.customerId,
      o.ownerId ?? demo.users.zhangwei,
      o.stageKey ?? (status === 'open' ? 'discovery' : status),
      status,
      o.closedAt ?? (status === 'open' ? null : o.createdAt),
      o.createdAt,
    ],
  );
  return id;
}

const run = (now: number, opts: { dryRun?: boolean; poolId?: string } = {}) =>
  runRecycle(db, { orgId: demo.orgId, now, dryRun: opts.dryRun ?? false, poolId: opts.poolId });

/** The customers of the org now in the public sea. */
async function publicIds(): Promise<string[]> {
  const rows = await db.query(
    `SELECT id FROM customers WHERE org_id = $1 AND pool_state = 'public' ORDER BY id`,
    [demo.orgId],
  );
  return rows.map((r) => String(r.id));
}

async function orgVersion(): Promise<number> {
  const [row] = await db.query(`SELECT version::float8 AS v FROM orgs WHERE id = $1`, [demo.orgId]);
  return Number(row?.v);
}

const sorted = (ids: string[]) => [...ids].sort();

describe('the recycle job', () => {
  beforeEach(reset);

  it('recycles after N days without a follow-up, counted from the later of follow-up and claim, per level', async () => {
    const pool = await insertPool({
      recycle: { rules: [{ kind: 'noFollowUp', days: 30, daysByLevel: { A: 60 } }], warnDays: 0 },
    });
    const silentB = await insertCustomer({ level: 'B' });
    const silentA = await insertCustomer({ level: 'A' });
    const followedB = await insertCustomer({ level: 'B', lastFollowUpAt: T0 + days(20) });
    // Claimed after its last follow-up: the claim is the anchor.
    const reclaimed = await insertCustomer({
      level: 'C',
      lastFollowUpAt: T0 - days(100),
      claimedAt: T0 + days(5),
    });

    expect((await run(T0 + days(30) - 1)).moved).toBe(0);
    const before = await orgVersion();
    const first = await run(T0 + days(30));
    expect(first).toMatchObject({ dryRun: false, moved: 1, warned: 0 });
    expect(first.byPool).toEqual([{ poolId: pool.id, moved: 1, warned: 0, byRule: { noFollowUp: 1 } }]);
    expect(first.sample).toEqual([
      {
        id: silentB,
        name: expect.stringContaining('测试客户') as string,
        ownerId: demo.users.zhangwei,
        rule: 'noFollowUp',
        poolId: pool.id,
      },
    ]);
    expect(() => recycleRunResponse.parse(first)).not.toThrow();
    expect(await publicIds()).toEqual([silentB]);

    // The move: public, in the pool, who had it, when it entered; one version for the whole run.
    const version = await orgVersion();
    expect(version).toBe(before + 1);
    const [row] = await db.query(
      `SELECT owner_id, pool_state, pool_id, previous_owner_id, entered_pool_at::float8 AS entered, claimed_at,
         version::float8 AS version FROM customers WHERE id = $1`,
      [silentB],
    );
    expect(row).toEqual({
      owner_id: null,
      pool_state: 'public',
      pool_id: pool.id,
      previous_owner_id: demo.users.zhangwei,
      entered: T0 + days(30),
      claimed_at: null,
      version,
    });
    const history = await db.query(
      `SELECT from_owner_id, to_owner_id, from_pool_state, to_pool_state, actor_type, actor_id, action, pool_id,
         reason, at::float8 AS at, version::float8 AS version FROM ownership_history WHERE customer_id = $1`,
      [silentB],
    );
    expect(history).toEqual([
      {
        from_owner_id: demo.users.zhangwei,
        to_owner_id: null,
        from_pool_state: 'private',
        to_pool_state: 'public',
        actor_type: 'rule',
        actor_id: null,
        action: 'recycle',
        pool_id: pool.id,
        reason: 'noFollowUp: 30 days without a follow-up',
        at: T0 + days(30),
        version,
      },
    ]);

    // The claim anchored the C customer at day 5; the follow-up the other B at day 20; A waits 60 days.
    expect(sorted((await run(T0 + days(35))).sample.map((s) => s.id))).toEqual([reclaimed]);
    expect((await run(T0 + days(50))).sample.map((s) => s.id)).toEqual([followedB]);
    expect((await run(T0 + days(60) - 1)).moved).toBe(0);
    const last = await run(T0 + days(60));
    expect(last.sample.map((s) => s.id)).toEqual([silentA]);
    const [reasonA] = await db.query(`SELECT reason FROM ownership_history WHERE customer_id = $1`, [
      silentA,
    ]);
    expect(reasonA?.reason).toBe('noFollowUp: 60 days without a follow-up');
  });

  it('recycles without an opportunity within N days of claiming, unless one was opened in time', async () => {
    await insertPool({ recycle: { rules: [{ kind: 'noOpportunity', days: 30 }], warnDays: 0 } });
    const none = await insertCustomer();
    const inTime = await insertCustomer();
    await insertOpportunity({ customerId: inTime, createdAt: T0 + days(29), status: 'lost' });
    const late = await insertCustomer();
    await insertOpportunity({ customerId: late, createdAt: T0 + days(31) });
    // The boundaries count: created at the claim itself, or on the last moment of the N days.
    const atClaim = await insertCustomer();
    await insertOpportunity({ customerId: atClaim, createdAt: T0 });
    const lastMoment = await insertCustomer();
    await insertOpportunity({ customerId: lastMoment, createdAt: T0 + days(30) });
    // An opportunity from before the claim (a previous owner's) does not count for this claim.
    const old = await insertCustomer();
    await insertOpportunity({ customerId: old, createdAt: T0 - days(10) });
    const result = await run(T0 + days(30));
    expect(sorted(result.sample.map((s) => s.id))).toEqual(sorted([none, late, old]));
    expect(result.byPool[0]?.byRule).toEqual({ noOpportunity: 3 });
    expect(await publicIds()).not.toContain(atClaim);
    expect(await publicIds()).not.toContain(lastMoment);
  });

  it('recycles what was not won within N days of claiming', async () => {
    await insertPool({
      recycle: { rules: [{ kind: 'notWon', days: 90, daysByLevel: { A: 180 } }], warnDays: 0 },
    });
    const open = await insertCustomer();
    await insertOpportunity({ customerId: open, createdAt: T0 + days(10) });
    const won = await insertCustomer();
    await insertOpportunity({
      customerId: won,
      createdAt: T0 + days(10),
      status: 'won',
      closedAt: T0 + days(80),
    });
    const wonLate = await insertCustomer();
    await insertOpportunity({
      customerId: wonLate,
      createdAt: T0 + days(10),
      status: 'won',
      closedAt: T0 + days(95),
    });
    const wonLastMoment = await insertCustomer();
    await insertOpportunity({
      customerId: wonLastMoment,
      createdAt: T0,
      status: 'won',
      closedAt: T0 + days(90),
    });
    const wonAtClaim = await insertCustomer();
    await insertOpportunity({ customerId: wonAtClaim, createdAt: T0 - days(5), status: 'won', closedAt: T0 });
    const levelA = await insertCustomer({ level: 'A' });
    expect(sorted((await run(T0 + days(90))).sample.map((s) => s.id))).toEqual(sorted([open, wonLate]));
    expect(await publicIds()).not.toContain(wonLastMoment);
    expect(await publicIds()).not.toContain(wonAtClaim);
    expect((await run(T0 + days(180))).sample.map((s) => s.id)).toEqual([levelA]);
    expect(await publicIds()).not.toContain(won);
  });

  it('recycles a deregistered company at once or N days after', async () => {
    await insertPool({
      recycle: { rules: [{ kind: 'deregistered', days: 0, daysByLevel: { A: 10 } }], warnDays: 0 },
    });
    const gone = await insertCustomer({ status: 'deregistered', deregisteredAt: T0 + days(3) });
    const goneA = await insertCustomer({ level: 'A', status: 'deregistered', deregisteredAt: T0 + days(3) });
    const alive = await insertCustomer({ status: 'dormant' });
    expect((await run(T0 + days(3) - 1)).moved).toBe(0);
    expect((await run(T0 + days(3))).sample.map((s) => s.id)).toEqual([gone]);
    const [h] = await db.query(`SELECT reason FROM ownership_history WHERE customer_id = $1`, [gone]);
    expect(h?.reason).toBe('deregistered: the company was deregistered');
    expect((await run(T0 + days(13))).sample.map((s) => s.id)).toEqual([goneA]);
    expect(await publicIds()).not.toContain(alive);
  });

  it('keeps locked customers, those who bought, and those with an open opportunity at or past the stage', async () => {
    const exemptions = { locked: true, hasBought: true, openOpportunityFromStage: 'proposal' };
    await insertPool({ recycle: { rules: [{ kind: 'noFollowUp', days: 30 }], exemptions, warnDays: 0 } });
    const locked = await insertCustomer({ locked: true });
    const bought = await insertCustomer({ lastDealAt: T0 - days(200) });
    const atStage = await insertCustomer();
    await insertOpportunity({ customerId: atStage, createdAt: T0, stageKey: 'proposal' });
    const pastStage = await insertCustomer();
    await insertOpportunity({ customerId: pastStage, createdAt: T0, stageKey: 'negotiation' });
    await insertOpportunity({ customerId: pastStage, createdAt: T0, stageKey: 'discovery' });
    const before = await insertCustomer();
    await insertOpportunity({ customerId: before, createdAt: T0, stageKey: 'needs' });
    // Won or lost opportunities are not open: they do not keep the customer.
    const closed = await insertCustomer();
    await insertOpportunity({ customerId: closed, createdAt: T0, status: 'lost', stageKey: 'lost' });
    const plain = await insertCustomer();
    expect(sorted((await run(T0 + days(31))).sample.map((s) => s.id))).toEqual(
      sorted([before, closed, plain]),
    );
    const kept = await publicIds();
    for (const exempt of [locked, bought, atStage, pastStage]) expect(kept).not.toContain(exempt);
    expect(kept).toEqual(sorted([before, closed, plain]));
  });

  it('recycles locked and buying customers when the pool turns those exemptions off', async () => {
    const exemptions = { locked: false, hasBought: false, openOpportunityFromStage: null };
    await insertPool({ recycle: { rules: [{ kind: 'noFollowUp', days: 30 }], exemptions, warnDays: 0 } });
    const locked = await insertCustomer({ locked: true });
    const bought = await insertCustomer({ lastDealAt: T0 - days(200) });
    const withDeal = await insertCustomer();
    await insertOpportunity({ customerId: withDeal, createdAt: T0, stageKey: 'negotiation' });
    expect((await run(T0 + days(31))).moved).toBe(3);
    expect(await publicIds()).toEqual(sorted([locked, bought, withDeal]));
  });

  it('combines rules: any recycles at the first rule due, all only when every rule is due', async () => {
    const rules = [
      { kind: 'noFollowUp', days: 30 },
      { kind: 'noOpportunity', days: 45 },
    ];
    const anyPool = await insertPool({
      teamIds: [teams.eastOne],
      isDefault: false,
      recycle: { rules, warnDays: 0 },
    });
    const allPool = await insertPool({ recycle: { rules, combine: 'all', warnDays: 0 } });
    // zhangwei's team is served by the "any" pool; the admin (no team) falls to the default "all" pool.
    const anyCustomer = await insertCustomer();
    const allCustomer = await insertCustomer({ ownerId: demo.users.admin });
    const allWithOpportunity = await insertCustomer({ ownerId: demo.users.admin });
    await insertOpportunity({
      customerId: allWithOpportunity,
      createdAt: T0 + days(10),
      ownerId: demo.users.admin,
    });
    const day30 = await run(T0 + days(30));
    expect(day30.sample).toMatchObject([{ id: anyCustomer, rule: 'noFollowUp', poolId: anyPool.id }]);
    expect((await run(T0 + days(44))).moved).toBe(0);
    const day45 = await run(T0 + days(45));
    expect(day45.sample).toMatchObject([{ id: allCustomer, rule: 'noOpportunity', poolId: allPool.id }]);
    expect((await run(T0 + days(400))).moved).toBe(0);
    expect(await publicIds()).not.toContain(allWithOpportunity);
  });

  it('follows the governing pool: its own pool when active, else the pool of the owner team, else the default', async () => {
    const noRules = { rules: [], warnDays: 0 };
    const fast = { rules: [{ kind: 'noFollowUp', days: 10 }], warnDays: 0 };
    const defaultPool = await insertPool({ recycle: noRules });
    const teamPool = await insertPool({ teamIds: [teams.eastOne], isDefault: false, recycle: fast });
    const inactive = await insertPool({ isDefault: false, active: false, recycle: fast });
    const leadPool = await insertPool({ kind: 'lead', recycle: fast });
    const ownNoRules = await insertCustomer({ poolId: defaultPool.id });
    const byTeam = await insertCustomer();
    const ownInactive = await insertCustomer({ poolId: inactive.id });
    const wrongKind = await insertCustomer({ poolId: leadPool.id });
    const adminsCustomer = await insertCustomer({ ownerId: demo.users.admin });
    const lead = await insertCustomer({ kind: 'lead' });
    const result = await run(T0 + days(10));
    expect(sorted(result.sample.map((s) => s.id))).toEqual(sorted([byTeam, ownInactive, wrongKind, lead]));
    const poolOf = Object.fromEntries(result.sample.map((s) => [s.id, s.poolId]));
    expect(poolOf).toEqual({
      [byTeam]: teamPool.id,
      [ownInactive]: teamPool.id,
      [wrongKind]: teamPool.id,
      [lead]: leadPool.id,
    });
    expect(await publicIds()).not.toContain(ownNoRules);
    expect(await publicIds()).not.toContain(adminsCustomer);
    // One pool only: the others wait.
    await reset();
    const a = await insertPool({ recycle: fast });
    const b = await insertPool({ kind: 'lead', recycle: fast });
    await insertCustomer();
    const leadB = await insertCustomer({ kind: 'lead' });
    const onlyLeads = await run(T0 + days(10), { poolId: b.id });
    expect(onlyLeads.sample.map((s) => s.id)).toEqual([leadB]);
    expect(onlyLeads.byPool.map((p) => p.poolId)).toEqual([b.id]);
    expect((await run(T0 + days(10), { poolId: a.id })).moved).toBe(1);
  });

  it('warns the owner once, K days before, and a new follow-up withdraws the warning', async () => {
    await insertPool({ recycle: { rules: [{ kind: 'noFollowUp', days: 30 }], warnDays: 3 } });
    const customer = await insertCustomer();
    const quiet = await insertCustomer({ lastFollowUpAt: T0 + days(10) });
    expect((await run(T0 + days(27) - 1)).warned).toBe(0);
    const warned = await run(T0 + days(27));
    expect(warned).toMatchObject({ moved: 0, warned: 1 });
    expect(warned.byPool[0]).toMatchObject({ moved: 0, warned: 1 });
    const tasks = await db.query(
      `SELECT customer_id, assignee_id, created_by, origin, status, type, title, due_at::float8 AS due
       FROM tasks WHERE org_id = $1`,
      [demo.orgId],
    );
    expect(tasks).toEqual([
      {
        customer_id: customer,
        assignee_id: demo.users.zhangwei,
        created_by: demo.users.zhangwei,
        origin: 'recycleWarning',
        status: 'open',
        type: 'call',
        title: '回收预警：30 天未跟进，将于 2026-02-04 退回公海',
        due: T0 + days(30),
      },
    ]);
    // The same clock, and a day later: still one warning for this due time.
    const version = await orgVersion();
    expect(await run(T0 + days(27))).toMatchObject({ moved: 0, warned: 0 });
    expect(await run(T0 + days(28))).toMatchObject({ moved: 0, warned: 0 });
    expect(await orgVersion()).toBe(version);
    expect(await db.query(`SELECT id FROM tasks WHERE org_id = $1`, [demo.orgId])).toHaveLength(1);

    // A follow-up on day 28 resets the countdown: the warning is withdrawn, nothing new until day 55.
    await db.query(`UPDATE customers SET last_follow_up_at = $2 WHERE id = $1`, [customer, T0 + days(28)]);
    expect(await run(T0 + days(28) + 1)).toMatchObject({ moved: 0, warned: 0 });
    expect(await db.query(`SELECT status FROM tasks WHERE customer_id = $1`, [customer])).toEqual([
      { status: 'cancelled' },
    ]);
    expect(await run(T0 + days(37))).toMatchObject({ moved: 0, warned: 1 }); // quiet's warning (due day 40)
    expect(await db.query(`SELECT status FROM tasks WHERE customer_id = $1`, [quiet])).toEqual([
      { status: 'open' },
    ]);
    // Recycled: its warning is cancelled with it (it would follow the customer to the next claimer).
    expect(await run(T0 + days(40))).toMatchObject({ moved: 1, warned: 0 });
    expect(await db.query(`SELECT status FROM tasks WHERE customer_id = $1`, [quiet])).toEqual([
      { status: 'cancelled' },
    ]);
    expect(await run(T0 + days(55))).toMatchObject({ moved: 0, warned: 1 });
    const warnings = await db.query(
      `SELECT status, due_at::float8 AS due FROM tasks WHERE customer_id = $1 ORDER BY due_at`,
      [customer],
    );
    expect(warnings).toEqual([
      { status: 'cancelled', due: T0 + days(30) },
      { status: 'open', due: T0 + days(58) },
    ]);
  });

  it('a dry run says what a run would do and writes nothing; a second run at the same clock does nothing', async () => {
    await insertPool({
      recycle: {
        rules: [
          { kind: 'noFollowUp', days: 30 },
          { kind: 'noOpportunity', days: 20 },
        ],
        warnDays: 5,
      },
    });
    await insertCustomer(); // due day 20 (noOpportunity)
    const c2 = await insertCustomer();
    await insertOpportunity({ customerId: c2, createdAt: T0 + days(1) }); // due day 30: warned from day 25
    const c3 = await insertCustomer({ claimedAt: T0 + days(10) }); // due day 30 by noOpportunity: warned too
    await insertOpportunity({ customerId: c3, createdAt: T0 + days(40) });
    const now = T0 + days(26);
    const version = await orgVersion();
    const preview = await run(now, { dryRun: true });
    expect(preview).toMatchObject({ dryRun: true, now, moved: 1, warned: 2 });
    expect(preview.byPool[0]?.byRule).toEqual({ noOpportunity: 1 });
    expect(await orgVersion()).toBe(version);
    expect(await publicIds()).toEqual([]);
    expect(await db.query(`SELECT id FROM tasks WHERE org_id = $1`, [demo.orgId])).toEqual([]);
    expect(await db.query(`SELECT id FROM ownership_history WHERE org_id = $1`, [demo.orgId])).toEqual([]);

    const real = await run(now);
    expect({ ...real, dryRun: true }).toEqual(preview);
    expect(await orgVersion()).toBe(version + 1);
    const again = await run(now);
    expect(again).toMatchObject({ moved: 0, warned: 0, sample: [] });
    expect(await orgVersion()).toBe(version + 1);
    expect(await run(now, { dryRun: true })).toMatchObject({ moved: 0, warned: 0 });
  });

  it('takes the customer off the rep device at the next pull, with its children', async () => {
    await insertPool({ recycle: { rules: [{ kind: 'noFollowUp', days: 30 }], warnDays: 0 } });
    const doomed = await insertCustomer();
    const kept = await insertCustomer({ lastFollowUpAt: T0 + days(20) });
    const opportunity = await insertOpportunity({ customerId: doomed, createdAt: T0 + days(1) });
    const app: FastifyInstance = buildServer({ db, now: () => T0 + days(30) });
    const url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
    try {
      const device = new SyncDevice({ url }, await loginAs({ url }, 'zhangwei'));
      const full = await device.pull();
      const customersSeen = full.filter((op) => op.op === 'put' && op.table === 'customers');
      expect(customersSeen.map((op) => (op.op === 'put' ? op.row.id : null)).sort()).toEqual(
        sorted([doomed, kept]),
      );

      expect((await run(T0 + days(30))).moved).toBe(1);
      const ops = await device.pull();
      expect(ops).toContainEqual({ op: 'del', table: 'customers', id: doomed });
      expect(ops).toContainEqual({ op: 'del', table: 'opportunities', id: opportunity });
      expect(ops.some((op) => op.op === 'put' && op.table === 'customers')).toBe(false);
      // The opportunity stays with the customer, for whoever claims it next.
      const [opp] = await db.query(`SELECT owner_id, status FROM opportunities WHERE id = $1`, [opportunity]);
      expect(opp).toEqual({ owner_id: demo.users.zhangwei, status: 'open' });
    } finally {
      await app.close();
    }
  });

  it('two runs at once move each customer once; a run that finds the org locked is skipped', async () => {
    await insertPool({ recycle: { rules: [{ kind: 'noFollowUp', days: 30 }], warnDays: 3 } });
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await insertCustomer({ lastFollowUpAt: T0 + days(i % 3) }));
    const now = T0 + days(31);
    const results = await Promise.all([run(now), run(now)]);
    expect(results[0].moved + results[1].moved).toBe(8);
    const history = await db.query(
      `SELECT customer_id, count(*)::int AS n FROM ownership_history WHERE org_id = $1 GROUP BY customer_id`,
      [demo.orgId],
    );
    expect(history.every((h) => h.n === 1)).toBe(true);
    expect(history).toHaveLength(8);
    expect(await db.query(`SELECT id FROM tasks WHERE org_id = $1`, [demo.orgId])).toHaveLength(4);

    if (test.url) {
      // Another instance holds the org's job lock: this run does nothing and says so.
      const other = new pg.Client({ connectionString: test.url });
      await other.connect();
      try {
        await other.query('BEGIN');
        await other.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, [
          `tidepool:recycle:${demo.orgId}`,
        ]);
        const skipped = await run(T0 + days(40));
        expect(skipped).toMatchObject({ skipped: true, moved: 0, warned: 0 });
        expect(await publicIds()).toHaveLength(8);
      } finally {
        await other.query('ROLLBACK');
        await other.end();
      }
      expect((await run(T0 + days(40))).moved).toBe(4);
    }
  });

  it('runs on a schedule for every org with pools, and stops cleanly', async () => {
    await insertPool({ recycle: { rules: [{ kind: 'noFollowUp', days: 30 }], warnDays: 0 } });
    const customer = await insertCustomer();
    const logged: string[] = [];
    const log = {
      info: (_: object, msg: string) => logged.push(msg),
      error: (_: object, msg: string) => logged.push(msg),
    };
    const stop = startRecycleSchedule(db, { now: () => T0 + days(31), everyMs: 20, log });
    const until = Date.now() + 10_000;
    while ((await publicIds()).length === 0 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await stop();
    expect(await publicIds()).toEqual([customer]);
    expect(logged).toContain('recycle');
    expect(logged).not.toContain('recycle failed');
  });
});

/**
 * The property: on random customers, opportunities and pools, the job at a random clock moves exactly the
 * customers whose `recycleDue(...).dueAt <= now` (with the pool poolForCustomer names), and nothing else.
 */
describe('the recycle job agrees with recycleDue', () => {
  const RUNS = Number(process.env.TIDEPOOL_PROPERTY_RUNS ?? 12);
  const level = fc.constantFrom('A' as const, 'B' as const, 'C' as const, 'D' as const, null);
  const dayOffset = (max: number) =>
    fc.integer({ min: -max, max }).map((d) => T0 + days(d) + 3_600_000 * (d % 5));
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null, freq: 2 });
  const rule = fc.record({
    kind: fc.constantFrom(
      'noFollowUp' as const,
      'noOpportunity' as const,
      'notWon' as const,
      'deregistered' as const,
    ),
    days: fc.integer({ min: 0, max: 60 }),
    daysByLevel: fc.dictionary(fc.constantFrom('A', 'B', 'C', 'D'), fc.integer({ min: 0, max: 90 }), {
      maxKeys: 2,
    }),
  });
  const policy = fc
    .record({
      rules: fc.array(rule, { minLength: 0, maxLength: 3 }),
      combine: fc.constantFrom('any' as const, 'all' as const),
      exemptions: fc.record({
        openOpportunityFromStage: fc.constantFrom(null, ...STAGES, 'gone'),
        hasBought: fc.boolean(),
        locked: fc.boolean(),
      }),
      warnDays: fc.integer({ min: 0, max: 5 }),
    })
    .map((p) => recyclePolicySchema.parse(p));
  const opportunity = fc.record({
    created: dayOffset(60),
    status: fc.constantFrom('open' as const, 'open' as const, 'won' as const, 'lost' as const),
    stage: fc.constantFrom(...STAGES.slice(0, 4), 'retired'),
    closedAfter: fc.integer({ min: 0, max: 40 }),
    deleted: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
  });
  const customer = fc.record({
    owner: fc.constantFrom('zhangwei' as const, 'admin' as const),
    kind: fc.constantFrom('customer' as const, 'customer' as const, 'lead' as const),
    level,
    status: fc.constantFrom('active' as const, 'dormant' as const, 'deregistered' as const),
    claimedAt: maybe(dayOffset(60)),
    lastFollowUpAt: maybe(dayOffset(60)),
    lastDealAt: fc.option(dayOffset(60), { nil: null, freq: 4 }),
    locked: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
    deregisteredAt: maybe(dayOffset(30)),
    ownPool: fc.constantFrom(null, null, 'team', 'default', 'inactive', 'lead'),
    opportunities: fc.array(opportunity, { maxLength: 3 }),
  });
  const world = fc.record({
    teamPolicy: policy,
    defaultPolicy: policy,
    leadPolicy: policy,
    customers: fc.array(customer, { minLength: 1, maxLength: 14 }),
    now: fc.integer({ min: -10, max: 120 }).map((d) => T0 + days(d) + 7_200_000 * (d % 7)),
  });

  beforeEach(reset);

  it('moves exactly the customers due at the clock, into the pool that governs them', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (w) => {
        await reset();
        const pools = {
          team: await insertPool({
            teamIds: [teams.eastOne],
            isDefault: false,
            recycle: w.teamPolicy,
            createdAt: T0 - days(900),
          }),
          default: await insertPool({ recycle: w.defaultPolicy }),
          inactive: await insertPool({ isDefault: false, active: false, recycle: w.teamPolicy }),
          lead: await insertPool({ kind: 'lead', recycle: w.leadPolicy }),
        };
        const allPools = Object.values(pools);
        const expected = new Map<string, string>();
        const warned = new Map<string, number>();
        for (const c of w.customers) {
          const ownerId = demo.users[c.owner];
          const poolId = c.ownPool === null ? null : pools[c.ownPool].id;
          const id = await insertCustomer({
            ownerId,
            kind: c.kind,
            level: c.level,
            status: c.status,
            claimedAt: c.claimedAt,
            lastFollowUpAt: c.lastFollowUpAt,
            lastDealAt: c.lastDealAt,
            locked: c.locked,
            deregisteredAt: c.deregisteredAt,
            poolId,
          });
          const live = [];
          for (const o of c.opportunities) {
            const closedAt = o.status === 'open' ? null : o.created + days(o.closedAfter);
            const oid = await insertOpportunity({
              customerId: id,
              createdAt: o.created,
              status: o.status,
              stageKey: o.status === 'open' ? o.stage : o.status,
              closedAt,
              ownerId,
            });
            if (o.deleted)
              await db.query(`UPDATE opportunities SET deleted_at = $2 WHERE id = $1`, [oid, T0]);
            else live.push({ ...o, closedAt });
          }
          const ownerTeam = c.owner === 'zhangwei' ? teams.eastOne : null;
          const pool = poolForCustomer(allPools, { kind: c.kind, poolId }, ownerTeam);
          if (!pool) continue;
          const claimedAt = c.claimedAt;
          const after = (t: number | null) => claimedAt !== null && t !== null && t >= claimedAt;
          const min = (xs: number[]) => (xs.length === 0 ? null : Math.min(...xs));
          const openOrders = live
            .filter((o) => o.status === 'open')
            .map((o) => STAGES.indexOf(o.stage))
            .filter((i) => i >= 0);
          const facts: RecycleFacts = {
            level: c.level,
            status: c.status,
            claimedAt,
            lastFollowUpAt: c.lastFollowUpAt,
            lastDealAt: c.lastDealAt,
            locked: c.locked,
            deregisteredAt: c.deregisteredAt,
            firstOpportunityAfterClaimAt: min(live.filter((o) => after(o.created)).map((o) => o.created)),
            firstWinAfterClaimAt: min(
              live.filter((o) => o.status === 'won' && after(o.closedAt)).map((o) => o.closedAt as number),
            ),
            maxOpenStageOrder: openOrders.length === 0 ? null : Math.max(...openOrders),
          };
          const stage = pool.recycle.exemptions.openOpportunityFromStage;
          const exemptOrder = stage === null || !STAGES.includes(stage) ? null : STAGES.indexOf(stage);
          const verdict = recycleDue(pool.recycle as RecyclePolicy, facts, exemptOrder);
          if (verdict.exempt || verdict.dueAt === null) continue;
          if (verdict.dueAt <= w.now) expected.set(id, pool.id);
          else if (verdict.warnAt !== null && verdict.warnAt <= w.now) warned.set(id, verdict.dueAt);
        }
        const preview = await run(w.now, { dryRun: true });
        const result = await run(w.now);
        expect(preview.moved).toBe(expected.size);
        expect(result.moved).toBe(expected.size);
        const moved = await db.query(
          `SELECT id, pool_id FROM customers WHERE org_id = $1 AND pool_state = 'public'`,
          [demo.orgId],
        );
        expect(new Map(moved.map((r) => [String(r.id), String(r.pool_id)]))).toEqual(expected);
        const warnings = await db.query(
          `SELECT customer_id, due_at::float8 AS due FROM tasks WHERE org_id = $1 AND origin = 'recycleWarning'`,
          [demo.orgId],
        );
        expect(new Map(warnings.map((t) => [String(t.customer_id), Number(t.due)]))).toEqual(warned);
        expect(result.warned).toBe(warned.size);
        expect((await run(w.now)).moved).toBe(0);
      }),
      { numRuns: RUNS },
    );
  });
});
