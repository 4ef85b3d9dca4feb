import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FOLLOW_UP_TYPES } from '../../../shared/domain/rows';
import { isValidCreditCode, isValidPhone, normalizeCompanyName } from '../../../shared/domain/validators';
import { openTestDatabase, type TestDatabase } from '../testing';
import { clearDatabase, isDatabaseEmpty, seedDemo, type DemoSummary } from './demo';

let test: TestDatabase;
let summary: DemoSummary;
let seedMs = 0;
const now = Date.UTC(2026, 5, 1, 4, 0, 0);

beforeAll(async () => {
  test = await openTestDatabase();
  expect(await isDatabaseEmpty(test.db)).toBe(true);
  const started = performance.now();
  summary = await seedDemo(test.db, { customers: 2000, now });
  seedMs = performance.now() - started;
});
afterAll(async () => {
  await test?.close();
});

const q = (text: string, params?: unknown[]) => test.db.query(text, params);

describe('demo seed', () => {
  it('seeds 2,000 customers with contacts and follow-ups in a few seconds', () => {
    expect(summary.customers).toBe(2000);
    expect(summary.contacts).toBeGreaterThanOrEqual(2000);
    expect(summary.contacts).toBeLessThanOrEqual(6000);
    expect(summary.followUps).toBeGreaterThan(3000);
    expect(seedMs).toBeLessThan(15_000);
    console.info(`seeded ${JSON.stringify(summary)} in ${Math.round(seedMs)} ms (${test.db.kind})`);
  });

  it('creates the demo org, teams and users of the brief', async () => {
    expect(await q('SELECT name, version::int AS version FROM orgs')).toEqual([
      { name: '潮汐贸易演示公司 / Tidepool Demo Co.', version: 1 },
    ]);
    const users = await q(`SELECT u.username, u.display_name, u.role, t.name AS team FROM users u
      LEFT JOIN teams t ON t.id = u.team_id ORDER BY u.username`);
    expect(users).toEqual([
      { username: 'admin', display_name: '系统管理员', role: 'admin', team: null },
      { username: 'lina', display_name: '李娜', role: 'rep', team: '华东一组' },
      { username: 'wangfang', display_name: '王芳', role: 'manager', team: '华东一组' },
      { username: 'zhangwei', display_name: '张伟', role: 'rep', team: '华东一组' },
    ]);
  });

  it('writes realistic, valid customers split between the two reps and the public sea', async () => {
    const customers =
      await q(`SELECT name, name_norm, credit_code, phone, level, region, owner_id, pool_state,
      last_follow_up_at::float8 AS last FROM customers`);
    const byOwner = new Map<unknown, number>();
    for (const c of customers) {
      expect(c.name).toMatch(/^(上海|苏州|昆山|无锡|南京|常州|杭州|宁波|嘉兴|绍兴|温州).+(股份)?有限公司$/);
      expect(c.name_norm).toBe(normalizeCompanyName(String(c.name)));
      expect(isValidCreditCode(String(c.credit_code)), String(c.credit_code)).toBe(true);
      expect(isValidPhone(String(c.phone)), String(c.phone)).toBe(true);
      expect(['A', 'B', 'C', 'D']).toContain(c.level);
      expect(c.region).toMatch(/^(上海市|江苏省|浙江省)/);
      byOwner.set(c.owner_id, (byOwner.get(c.owner_id) ?? 0) + 1);
    }
    expect(byOwner.get(summary.users.zhangwei)).toBeGreaterThan(800);
    expect(byOwner.get(summary.users.lina)).toBeGreaterThan(800);
    expect(byOwner.get(null)).toBeGreaterThan(50);
    expect(byOwner.get(null)).toBeLessThan(250);
  });

  it('keeps lastFollowUpAt equal to the latest follow-up, within the last 120 days', async () => {
    const mismatches = await q(`SELECT c.id FROM customers c
      LEFT JOIN (SELECT customer_id, max(occurred_at) AS m FROM follow_ups GROUP BY customer_id) f ON f.customer_id = c.id
      WHERE c.last_follow_up_at IS DISTINCT FROM f.m`);
    expect(mismatches).toEqual([]);
    const [range] = await q(`SELECT min(occurred_at)::float8 AS lo, max(occurred_at)::float8 AS hi,
      count(DISTINCT type)::int AS types FROM follow_ups`);
    expect(Number(range?.lo)).toBeGreaterThan(now - 121 * 24 * 3600 * 1000);
    expect(Number(range?.hi)).toBeLessThanOrEqual(now);
    expect(range?.types).toBe(FOLLOW_UP_TYPES.length - 1);
  });

  it('gives every customer 1–3 contacts with Chinese names and a valid mobile, one primary', async () => {
    const perCustomer = await q(`SELECT count(*)::int AS n, count(*) FILTER (WHERE is_primary)::int AS p
      FROM contacts GROUP BY customer_id`);
    expect(perCustomer).toHaveLength(2000);
    for (const row of perCustomer) {
      expect(Number(row.n)).toBeGreaterThanOrEqual(1);
      expect(Number(row.n)).toBeLessThanOrEqual(3);
      expect(row.p).toBe(1);
    }
    for (const c of await q('SELECT name, phone FROM contacts LIMIT 200')) {
      expect(c.name).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
      expect(isValidPhone(String(c.phone))).toBe(true);
    }
  });

  it('is deterministic and can be reset', async () => {
    const before = await q('SELECT name FROM customers ORDER BY name LIMIT 5');
    await clearDatabase(test.db);
    expect(await isDatabaseEmpty(test.db)).toBe(true);
    await seedDemo(test.db, { customers: 2000, now });
    expect(await q('SELECT name FROM customers ORDER BY name LIMIT 5')).toEqual(before);
  });
});
