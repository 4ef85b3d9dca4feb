import fc from 'fast-check';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CustomerRow, OpportunityRow, UserRow } from '../../../../shared/domain/rows';
import { defaultSettings } from '../../../../shared/domain/settings';
import { newId } from '../../../../shared/ids';
import { DAY_MS, type RecyclePolicy } from '../../../../shared/pools/rules';
import type { PoolRow } from '../../../../shared/pools/schema';
import {
  makeTempDir,
  openTestDatabase,
  seedRows,
  testCustomer,
  testPool,
  testUser,
  TEST_ORG_ID,
} from '../testing';
import type { ClientDatabase } from './open';
import {
  countdownOf,
  countdowns,
  readRecycleFacts,
  recycleContext,
  recyclingSoon,
  type RecyclingItem,
} from './recycle';

/**
 * The device's recycle countdown (db/recycle.ts) from local data: the facts each rule reads (claim, last
 * follow-up, opportunities opened and won after the claim, the highest open stage, lock, purchase,
 * deregistration), the pool that governs each customer, and Today's prefiltered "recycling soon"
 * against a check of every customer.
 */

const NOW = 1_750_000_000_000;
const TEAM = newId();
const me = testUser({ teamId: TEAM });
const other = testUser({ username: 'lina', displayName: '李娜', teamId: newId() });

function opportunity(customer: CustomerRow, o: Partial<OpportunityRow>): OpportunityRow {
  return {
    id: newId(),
    orgId: TEST_ORG_ID,
    customerId: customer.id,
    ownerId: customer.ownerId ?? me.id,
    name: '年度采购',
    amountMinor: 100_000,
    currency: 'CNY',
    stageKey: 'discovery',
    status: 'open',
    expectedCloseAt: null,
    lostReason: null,
    closedAt: null,
    attrs: {},
    templateVersionId: null,
    createdAt: NOW,
    updatedAt: NOW,
    version: 1,
    ...o,
  };
}

describe('recycle countdowns on the device', () => {
  const temp = makeTempDir();
  let db: ClientDatabase;
  beforeEach(() => {
    db = openTestDatabase(temp.dir, `${newId()}.db`);
  });
  afterEach(() => db.close());
  afterAll(() => temp.remove());

  const seed = (rows: Parameters<typeof seedRows>[1]) =>
    seedRows(db, {
      users: [me, other],
      settings: [{ ...defaultSettings(TEST_ORG_ID, NOW), version: 1 }],
      ...rows,
    });
  const countdownOfId = (id: string) => countdowns(db, [id], recycleContext(db, TEST_ORG_ID)).get(id) ?? null;

  it('reads each rule its facts: opportunities opened and won after the claim, open stages, deregistration', () => {
    const claimedAt = NOW - 18 * DAY_MS;
    const pool = testPool({
      recycle: {
        rules: [
          { kind: 'noOpportunity', days: 20 },
          { kind: 'notWon', days: 90 },
          { kind: 'deregistered', days: 0 },
        ],
        exemptions: { openOpportunityFromStage: 'proposal' },
        warnDays: 3,
      },
    });
    const c = (name: string, o: Partial<CustomerRow> = {}) =>
      testCustomer({ name, ownerId: me.id, claimedAt, lastFollowUpAt: NOW - DAY_MS, ...o });
    const none = c('无商机');
    const early = c('商机尚早');
    const far = c('商机已到方案');
    const before = c('商机在认领之前');
    const won = c('已赢单');
    const gone = c('已注销', { status: 'deregistered', deregisteredAt: NOW - 3_600_000 });
    const locked = c('已锁定', { locked: true });
    const bought = c('已成交', { lastDealAt: NOW - 5 * DAY_MS });
    seed({
      pools: [pool],
      customers: [none, early, far, before, won, gone, locked, bought],
      opportunities: [
        opportunity(early, { createdAt: claimedAt + DAY_MS, stageKey: 'needs' }),
        // An earlier stage too: the highest open stage is what counts.
        opportunity(far, { createdAt: claimedAt + DAY_MS, stageKey: 'discovery' }),
        opportunity(far, { createdAt: claimedAt + 2 * DAY_MS, stageKey: 'proposal' }),
        opportunity(before, { createdAt: claimedAt - DAY_MS }),
        opportunity(won, {
          createdAt: claimedAt + DAY_MS,
          stageKey: 'won',
          status: 'won',
          closedAt: claimedAt + 5 * DAY_MS,
        }),
      ],
    });
    expect(countdownOfId(none.id)).toEqual({
      dueAt: claimedAt + 20 * DAY_MS,
      warnAt: claimedAt + 17 * DAY_MS,
      rule: 'noOpportunity',
    });
    // Opened in time: `noOpportunity` can no longer fire, `notWon` decides.
    expect(countdownOfId(early.id)).toMatchObject({ dueAt: claimedAt + 90 * DAY_MS, rule: 'notWon' });
    expect(countdownOfId(far.id)).toBeNull();
    // Opened before the claim: it does not count for this claim.
    expect(countdownOfId(before.id)).toMatchObject({ dueAt: claimedAt + 20 * DAY_MS, rule: 'noOpportunity' });
    // Won in time: neither opportunity rule fires (it has not "bought" by lastDealAt here).
    expect(countdownOfId(won.id)).toBeNull();
    expect(countdownOfId(gone.id)).toEqual({
      dueAt: NOW - 3_600_000,
      warnAt: NOW - 3_600_000 - 3 * DAY_MS,
      rule: 'deregistered',
    });
    expect(countdownOfId(locked.id)).toBeNull();
    expect(countdownOfId(bought.id)).toBeNull();

    const ctx = recycleContext(db, TEST_ORG_ID);
    const soon = recyclingSoon(db, { ...ctx, userId: me.id, now: NOW, limit: 50 });
    // Soonest first (the two due together by id).
    expect(soon.map((s) => [s.customerName, s.rule])).toEqual([
      ['已注销', 'deregistered'],
      ...[none, before].sort((a, b) => (a.id < b.id ? -1 : 1)).map((x) => [x.name, 'noOpportunity']),
    ]);
  });

  it("picks the pool that governs each customer: its own, else its owner's team's, else the default", () => {
    const anchor = NOW - 25 * DAY_MS;
    const fallback = testPool({ nameEn: 'default', recycle: { rules: [{ kind: 'noFollowUp', days: 30 }] } });
    const teams = testPool({
      nameEn: 'my team',
      isDefault: false,
      teamIds: [TEAM],
      createdAt: NOW - DAY_MS,
      recycle: { rules: [{ kind: 'noFollowUp', days: 10, daysByLevel: { A: 40 } }], warnDays: 0 },
    });
    const retired = testPool({
      nameEn: 'retired',
      isDefault: false,
      active: false,
      recycle: { rules: [{ kind: 'noFollowUp', days: 1 }] },
    });
    const leads = testPool({ kind: 'lead', recycle: { rules: [{ kind: 'noFollowUp', days: 7 }] } });
    const c = (name: string, o: Partial<CustomerRow>) =>
      testCustomer({ name, ownerId: me.id, claimedAt: anchor, lastFollowUpAt: null, level: 'B', ...o });
    const team = c('团队公海', {});
    const levelA = c('A级客户', { level: 'A' });
    const own = c('自带公海', { poolId: fallback.id });
    const inactive = c('公海已停用', { poolId: retired.id });
    const others = c('别人的客户', { ownerId: other.id });
    const lead = c('线索', { kind: 'lead', leadStatus: 'new' });
    const released = c('已释放', { ownerId: null, poolState: 'public' });
    seed({
      pools: [fallback, teams, retired, leads],
      customers: [team, levelA, own, inactive, others, lead, released],
    });
    expect(countdownOfId(team.id)).toEqual({ dueAt: anchor + 10 * DAY_MS, warnAt: null, rule: 'noFollowUp' });
    expect(countdownOfId(levelA.id)).toMatchObject({ dueAt: anchor + 40 * DAY_MS });
    expect(countdownOfId(own.id)).toMatchObject({
      dueAt: anchor + 30 * DAY_MS,
      warnAt: anchor + 27 * DAY_MS,
    });
    // A pool no longer active governs nothing: the team's pool does.
    expect(countdownOfId(inactive.id)).toMatchObject({ dueAt: anchor + 10 * DAY_MS });
    // Lina's team has no pool of its own: the default.
    expect(countdownOfId(others.id)).toMatchObject({ dueAt: anchor + 30 * DAY_MS });
    expect(countdownOfId(lead.id)).toMatchObject({ dueAt: anchor + 7 * DAY_MS });
    expect(countdownOfId(released.id)).toBeNull();

    const ctx = recycleContext(db, TEST_ORG_ID);
    const soon = recyclingSoon(db, { ...ctx, userId: me.id, now: NOW, limit: 50 });
    // Mine only, due (no warning in the team's pool) or warned, soonest first.
    expect(soon).toEqual(
      [
        {
          customerId: lead.id,
          customerName: '线索',
          customerKind: 'lead',
          dueAt: anchor + 7 * DAY_MS,
          rule: 'noFollowUp',
        },
        {
          customerId: team.id,
          customerName: '团队公海',
          customerKind: 'customer',
          dueAt: anchor + 10 * DAY_MS,
          rule: 'noFollowUp',
        },
        {
          customerId: inactive.id,
          customerName: '公海已停用',
          customerKind: 'customer',
          dueAt: anchor + 10 * DAY_MS,
          rule: 'noFollowUp',
        },
      ].sort((a, b) => a.dueAt - b.dueAt || (a.customerId < b.customerId ? -1 : 1)),
    );
  });

  it('has no countdown without pools', () => {
    const c = testCustomer({ ownerId: me.id, lastFollowUpAt: NOW - 400 * DAY_MS });
    seed({ customers: [c] });
    expect(countdownOfId(c.id)).toBeNull();
    expect(
      recyclingSoon(db, { ...recycleContext(db, TEST_ORG_ID), userId: me.id, now: NOW, limit: 50 }),
    ).toEqual([]);
  });

  /**
   * The prefilter may only ever narrow what SQL reads, never the answer: Today's list equals the one
   * made by computing every customer's countdown, over random books and random pools (rules, levels,
   * combination, exemptions, warning days, which pool serves whom).
   */
  it("answers Today's list exactly as checking every customer would (property)", () => {
    const runs = Number(process.env.TIDEPOOL_PROPERTY_RUNS ?? 40);
    const level = fc.constantFrom('A', 'B', 'C', 'D', null);
    const time = fc.option(fc.integer({ min: NOW - 200 * DAY_MS, max: NOW + DAY_MS }), { nil: null });
    const rule = fc.record({
      kind: fc.constantFrom('noFollowUp', 'noOpportunity', 'notWon', 'deregistered'),
      days: fc.integer({ min: 0, max: 120 }),
      daysByLevel: fc.dictionary(fc.constantFrom('A', 'B', 'C', 'D'), fc.integer({ min: 0, max: 120 })),
    });
    const policy = fc.record({
      rules: fc.array(rule, { minLength: 1, maxLength: 3 }),
      combine: fc.constantFrom('any', 'any', 'all'),
      exemptions: fc.record({
        openOpportunityFromStage: fc.constantFrom(null, null, 'needs', 'negotiation', 'unknown_stage'),
        hasBought: fc.boolean(),
        locked: fc.boolean(),
      }),
      warnDays: fc.integer({ min: 0, max: 10 }),
    });
    const poolArb = fc.record({
      kind: fc.constantFrom('customer', 'lead'),
      serves: fc.constantFrom('mine', 'other', 'none'),
      isDefault: fc.boolean(),
      active: fc.constantFrom(true, true, true, false),
      recycle: policy,
    });
    const customerArb = fc.record({
      mine: fc.constantFrom(true, true, true, false),
      kind: fc.constantFrom('customer', 'customer', 'lead'),
      poolState: fc.constantFrom('private', 'private', 'private', 'public'),
      poolIndex: fc.option(fc.nat(3), { nil: null }),
      level,
      status: fc.constantFrom('active', 'dormant', 'deregistered'),
      claimedAt: time,
      lastFollowUpAt: time,
      lastDealAt: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: time }),
      locked: fc.constantFrom(false, false, false, true),
      deregisteredAt: time,
      opportunities: fc.array(
        fc.record({
          createdAt: fc.integer({ min: NOW - 200 * DAY_MS, max: NOW }),
          stageKey: fc.constantFrom('discovery', 'needs', 'proposal', 'negotiation', 'won', 'lost'),
          closedAfter: fc.integer({ min: 0, max: 60 * DAY_MS }),
        }),
        { maxLength: 3 },
      ),
    });
    let listed = 0;
    fc.assert(
      fc.property(
        fc.array(poolArb, { minLength: 1, maxLength: 4 }),
        fc.array(customerArb, { minLength: 10, maxLength: 40 }),
        (poolSpecs, customerSpecs) => {
          const local = openTestDatabase(temp.dir, `${newId()}.db`);
          try {
            const pools: PoolRow[] = poolSpecs.map((p, i) =>
              testPool({
                // The oldest pool is the default for customers, so most customers have a pool.
                kind: i === 0 ? 'customer' : p.kind,
                teamIds: p.serves === 'mine' ? [TEAM] : p.serves === 'other' ? [other.teamId!] : [],
                isDefault: i === 0 || p.isDefault,
                active: i === 0 || p.active,
                createdAt: NOW - i * DAY_MS,
                recycle: p.recycle as RecyclePolicy,
              }),
            );
            const customers: CustomerRow[] = [];
            const opportunities: OpportunityRow[] = [];
            for (const s of customerSpecs) {
              const c = testCustomer({
                ownerId: s.poolState === 'public' ? null : s.mine ? me.id : other.id,
                kind: s.kind,
                leadStatus: s.kind === 'lead' ? 'new' : null,
                poolState: s.poolState,
                poolId: s.poolIndex === null ? null : (pools[s.poolIndex % pools.length]?.id ?? null),
                level: s.level,
                status: s.status,
                claimedAt: s.claimedAt,
                lastFollowUpAt: s.lastFollowUpAt,
                lastDealAt: s.lastDealAt,
                locked: s.locked,
                deregisteredAt: s.status === 'deregistered' ? s.deregisteredAt : null,
              });
              customers.push(c);
              for (const o of s.opportunities) {
                const closed = o.stageKey === 'won' || o.stageKey === 'lost';
                opportunities.push(
                  opportunity(c, {
                    createdAt: o.createdAt,
                    stageKey: o.stageKey,
                    status: o.stageKey === 'won' ? 'won' : o.stageKey === 'lost' ? 'lost' : 'open',
                    closedAt: closed ? o.createdAt + o.closedAfter : null,
                  }),
                );
              }
            }
            seedRows(local, {
              users: [me, other] as UserRow[],
              settings: [{ ...defaultSettings(TEST_ORG_ID, NOW), version: 1 }],
              pools,
              customers,
              opportunities,
            });
            const ctx = recycleContext(local, TEST_ORG_ID);
            const expected: RecyclingItem[] = [];
            for (const f of readRecycleFacts(
              local,
              customers.map((c) => c.id),
              ctx,
            )) {
              const c = countdownOf(f, ctx);
              if (f.ownerId !== me.id || c === null || (c.warnAt ?? c.dueAt) > NOW) continue;
              expected.push({
                customerId: f.id,
                customerName: f.name,
                customerKind: f.kind,
                dueAt: c.dueAt,
                rule: c.rule,
              });
            }
            expected.sort((a, b) => a.dueAt - b.dueAt || (a.customerId < b.customerId ? -1 : 1));
            expect(recyclingSoon(local, { ...ctx, userId: me.id, now: NOW, limit: 1000 })).toEqual(expected);
            // Read a few at a time in the order of their bound, stopping early: still the soonest ones.
            expect(recyclingSoon(local, { ...ctx, userId: me.id, now: NOW, limit: 3, batch: 2 })).toEqual(
              expected.slice(0, 3),
            );
            listed += expected.length;
          } finally {
            local.close();
          }
        },
      ),
      { numRuns: runs },
    );
    // The generator must put customers on the list, or the property proves little.
    expect(listed).toBeGreaterThan(runs);
  });
});
