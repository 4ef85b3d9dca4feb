import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { poolRowSchema, type PoolRow } from '../../../shared/pools/schema';
import type { ServerDb } from '../db/database';
import { seedDemo, type DemoSummary } from '../seed/demo';
import { openTestDatabase, type TestDatabase } from '../testing';
import { canTake, chooseAroundLock, chooseAssignee } from './assign';

/**
 * The assignment of a customer that comes back to life (docs/pools.md "Reactivation"), below the HTTP
 * route: the choice made before the org lock is checked after it, and made again when a claim filled
 * the chosen rep meanwhile or the pool changed.
 */

const T0 = Date.UTC(2026, 3, 1);
let test: TestDatabase;
let db: ServerDb;
let demo: DemoSummary;
let team: string;

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  demo = await seedDemo(db, { customers: 0, now: T0 });
  const [row] = await db.query(`SELECT team_id FROM users WHERE id = $1`, [demo.users.zhangwei]);
  team = String(row?.team_id);
});
afterAll(async () => {
  await test?.close();
});
beforeEach(async () => {
  for (const table of ['tasks', 'ownership_history', 'opportunities', 'contacts', 'customers']) {
    await db.query(`DELETE FROM ${table} WHERE org_id = $1`, [demo.orgId]);
  }
});

const pool = (over: Partial<PoolRow> = {}): PoolRow =>
  poolRowSchema.parse({
    id: newId(T0),
    orgId: demo.orgId,
    kind: 'customer',
    nameZh: '公海',
    nameEn: 'Pool',
    teamIds: [team],
    adminIds: [],
    isDefault: true,
    active: true,
    recycle: {},
    claim: { maxPerUser: 2 },
    assign: 'previousOwnerThenLeastLoaded',
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...over,
  });

let serial = 0;
async function own(ownerId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    serial += 1;
    await db.query(
      `INSERT INTO customers (id, org_id, name, name_norm, status, owner_id, pool_state, claimed_at, created_at,
         updated_at, version)
       VALUES ($1, $2, $3, $3, 'active', $4, 'private', $5, $5, $5, 1)`,
      [newId(T0), demo.orgId, `分配测试${serial}有限公司`, ownerId, T0],
    );
  }
}

describe('chooseAroundLock', () => {
  it('keeps the early choice when the rep can still take the customer', async () => {
    const p = pool();
    let locked = false;
    const result = await chooseAroundLock(
      db,
      { orgId: demo.orgId, pool: p, kind: 'customer', previousOwnerId: demo.users.lina },
      async () => {
        locked = true;
        return 7;
      },
      async () => p,
    );
    expect(locked).toBe(true);
    expect(result).toEqual({ choice: { ownerId: demo.users.lina, by: 'previousOwner' }, locked: 7, pool: p });
  });

  it('chooses again under the lock when a claim filled the chosen rep meanwhile', async () => {
    const p = pool();
    await own(demo.users.zhangwei, 1);
    const opts = { orgId: demo.orgId, pool: p, kind: 'customer' as const, previousOwnerId: null };
    // Before the lock, lina (no customers) is the least loaded.
    expect(await chooseAssignee(db, opts)).toEqual({ ownerId: demo.users.lina, by: 'leastLoaded' });
    const result = await chooseAroundLock(
      db,
      opts,
      // A claim of two customers by lina commits just before this transaction gets the org row.
      () => own(demo.users.lina, 2),
      async () => p,
    );
    expect(result.choice).toEqual({ ownerId: demo.users.zhangwei, by: 'leastLoaded' });
  });

  it('chooses again when the pool changed before the lock, and answers null when nobody can take it', async () => {
    const before = pool({ claim: poolRowSchema.shape.claim.parse({}) });
    const after = { ...before, teamIds: [], claim: poolRowSchema.shape.claim.parse({ maxPerUser: 1 }) };
    await own(demo.users.zhangwei, 1);
    await own(demo.users.lina, 1);
    const result = await chooseAroundLock(
      db,
      { orgId: demo.orgId, pool: before, kind: 'customer', previousOwnerId: demo.users.lina },
      async () => 1,
      async () => after,
    );
    expect(result).toMatchObject({ choice: null, pool: after });
  });
});

describe('canTake', () => {
  it('refuses an inactive user, a manager, and a rep at the limit', async () => {
    const p = pool();
    const opts = { orgId: demo.orgId, pool: p, kind: 'customer' as const };
    expect(await canTake(db, { ...opts, ownerId: demo.users.zhangwei })).toBe(true);
    expect(await canTake(db, { ...opts, ownerId: demo.users.wangfang })).toBe(false);
    await own(demo.users.zhangwei, 2);
    expect(await canTake(db, { ...opts, ownerId: demo.users.zhangwei })).toBe(false);
    // Leads are counted apart from customers.
    expect(await canTake(db, { ...opts, kind: 'lead', ownerId: demo.users.zhangwei })).toBe(true);
    await db.query(`UPDATE users SET active = false WHERE id = $1`, [demo.users.lina]);
    try {
      expect(await canTake(db, { ...opts, ownerId: demo.users.lina })).toBe(false);
    } finally {
      await db.query(`UPDATE users SET active = true WHERE id = $1`, [demo.users.lina]);
    }
  });
});
