import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AppErrorData } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { DAY_MS, type ClaimPolicy } from '../../../shared/pools/rules';
import type { PoolRow } from '../../../shared/pools/schema';
import { PROTOCOL_VERSION, type PushResponse } from '../../../shared/sync/protocol';
import { buildServer } from '../app';
import { openServerDatabase, type ServerDb } from '../db/database';
import { seedDemo, type DemoSummary } from '../seed/demo';
import {
  loginAs,
  openTestDatabase,
  postJson,
  sendJson,
  startTestServer,
  SyncDevice,
  type TestDatabase,
  type TestServer,
} from '../testing';
import { startOfClaimDay, startOfNextClaimDay } from './claim';

/**
 * The claim rules (SPEC §4, docs/pools.md "Claims") through the real push: each rule refuses at its
 * boundary and allows right after it, with the server's clock moved; limits count what the pool says;
 * a manager's assignment is held to none of them; of two reps claiming one customer exactly one wins.
 */

const HOUR = 3_600_000;
/** Noon in Shanghai, 1 June 2026: the claim day runs from 16:00 UTC the day before. */
const START = Date.UTC(2026, 5, 1, 4, 0, 0);

describe('startOfClaimDay', () => {
  it('is midnight in Shanghai (UTC+8), whatever the UTC date', () => {
    expect(startOfClaimDay(START)).toBe(Date.UTC(2026, 4, 31, 16, 0, 0));
    expect(startOfClaimDay(Date.UTC(2026, 5, 1, 15, 59, 59, 999))).toBe(Date.UTC(2026, 4, 31, 16, 0, 0));
    expect(startOfClaimDay(Date.UTC(2026, 5, 1, 16, 0, 0))).toBe(Date.UTC(2026, 5, 1, 16, 0, 0));
    expect(startOfClaimDay(Date.UTC(2026, 0, 1, 0, 0, 0))).toBe(Date.UTC(2025, 11, 31, 16, 0, 0));
  });

  it('follows daylight saving time in a zone that has it', () => {
    // New York on the day clocks go forward (8 March 2026): the day began at 05:00 UTC (EST).
    expect(startOfClaimDay(Date.UTC(2026, 2, 8, 20, 0), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5, 0));
    expect(startOfClaimDay(Date.UTC(2026, 2, 9, 3, 59), 'America/New_York')).toBe(Date.UTC(2026, 2, 8, 5, 0));
    // That day had 23 hours: the next began at 04:00 UTC (EDT).
    expect(startOfNextClaimDay(Date.UTC(2026, 2, 8, 20, 0), 'America/New_York')).toBe(
      Date.UTC(2026, 2, 9, 4, 0),
    );
    expect(startOfNextClaimDay(START)).toBe(Date.UTC(2026, 5, 1, 16, 0, 0));
  });
});

describe('claim rules', () => {
  let server: TestServer;
  let clock = START;
  const tokens: Record<string, string> = {};
  const devices: Record<string, SyncDevice> = {};

  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 60, now: () => clock });
    for (const name of ['admin', 'wangfang', 'zhangwei', 'lina']) {
      tokens[name] = await loginAs(server, name);
      devices[name] = new SyncDevice(server, tokens[name] ?? '');
    }
  });
  afterAll(async () => {
    await server?.close();
  });

  const device = (name: 'wangfang' | 'zhangwei' | 'lina') => devices[name] as SyncDevice;
  const userId = (name: 'zhangwei' | 'lina') => server.demo.users[name];

  /** Sets the East China pool's claim rules (everything else unlimited), through the admin API. */
  async function setClaim(claim: Partial<ClaimPolicy>): Promise<void> {
    const { body } = await sendJson<{ pools: PoolRow[] }>(
      'GET',
      `${server.url}/admin/pools`,
      undefined,
      tokens.admin,
    );
    const east = body.pools.find((p) => p.id === server.demo.pools.eastChina);
    const { orgId: _o, createdAt: _c, updatedAt: _u, version: _v, ...pool } = east as PoolRow;
    const unlimited: ClaimPolicy = {
      maxPerUser: null,
      maxPerTeam: null,
      counts: 'all',
      maxClaimsPerDay: null,
      reclaimCooldownDays: 0,
      protectNewDays: 0,
    };
    const saved = await sendJson(
      'POST',
      `${server.url}/admin/pools`,
      { ...pool, claim: { ...unlimited, ...claim } },
      tokens.admin,
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  }

  beforeEach(async () => {
    clock += DAY_MS;
    await setClaim({});
  });

  /** Customers `name` holds, privately, oldest first (not bought from when `notBought`). */
  async function heldBy(name: 'zhangwei' | 'lina', notBought = false): Promise<string[]> {
    const rows = await server.query(
      `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer'
         AND deleted_at IS NULL ${notBought ? 'AND last_deal_at IS NULL' : ''} ORDER BY id`,
      [userId(name)],
    );
    return rows.map((r) => String(r.id));
  }

  /** `name` releases `count` of their customers into the public sea now; returns their ids. */
  async function release(name: 'zhangwei' | 'lina', count: number): Promise<string[]> {
    const ids = (await heldBy(name)).slice(0, count);
    for (const customerId of ids) {
      expect(
        await device(name).refusalOf('releaseCustomer', { customerId, reason: '暂无需求' }),
      ).toBeUndefined();
    }
    return ids;
  }

  const claim = (name: 'zhangwei' | 'lina', customerId: string) =>
    device(name).refusalOf('claimCustomer', { customerId, reason: '重新跟进' });

  const ownerOf = async (customerId: string) =>
    (await server.query('SELECT owner_id FROM customers WHERE id = $1', [customerId]))[0]?.owner_id;

  it('protects a fresh pool entry for protectNewDays, then lets it be claimed', async () => {
    await setClaim({ protectNewDays: 2 });
    const [customerId] = await release('zhangwei', 1);
    const until = clock + 2 * DAY_MS;
    clock = until - 1;
    expect(await claim('lina', customerId as string)).toEqual({
      code: 'forbidden',
      field: 'customerId',
      message: `customerId: this customer entered the pool lately and cannot be claimed before ${new Date(until).toISOString()}`,
      params: { rule: 'protectNewDays', limit: 2, until },
    });
    expect(await ownerOf(customerId as string)).toBeNull();
    clock = until;
    expect(await claim('lina', customerId as string)).toBeUndefined();
    expect(await ownerOf(customerId as string)).toBe(userId('lina'));
  });

  it('keeps the previous owner from claiming back for reclaimCooldownDays; others may', async () => {
    await setClaim({ reclaimCooldownDays: 7 });
    const [mine, other] = await release('zhangwei', 2);
    const until = clock + 7 * DAY_MS;
    expect(await claim('lina', other as string)).toBeUndefined();
    clock = until - 1;
    expect(await claim('zhangwei', mine as string)).toMatchObject({
      code: 'forbidden',
      field: 'customerId',
      message: expect.stringMatching(
        /^customerId: you lost this customer lately; you may claim it back from /,
      ),
      params: { rule: 'reclaimCooldownDays', limit: 7, until },
    });
    clock = until;
    expect(await claim('zhangwei', mine as string)).toBeUndefined();
  });

  it('stops a rep at maxPerUser, counting all customers or only those not bought from', async () => {
    const [customerId] = await release('zhangwei', 1);
    const all = (await heldBy('lina')).length;
    const notBought = (await heldBy('lina', true)).length;
    expect(notBought).toBeLessThan(all);

    await setClaim({ maxPerUser: all });
    expect(await claim('lina', customerId as string)).toEqual({
      code: 'forbidden',
      field: 'customerId',
      message: `customerId: you already hold ${all} customers, the most this pool allows`,
      params: { rule: 'maxPerUser', limit: all, count: all },
    });
    // Bought-from customers do not count: the same limit leaves room.
    await setClaim({ maxPerUser: notBought + 1, counts: 'notBought' });
    expect(await claim('lina', customerId as string)).toBeUndefined();
    // Now at the limit of what counts.
    const [next] = await release('zhangwei', 1);
    expect(await claim('lina', next as string)).toMatchObject({
      params: { rule: 'maxPerUser', limit: notBought + 1, count: notBought + 1 },
      message: `customerId: you already hold ${notBought + 1} customers not yet bought from, the most this pool allows`,
    });
    await setClaim({ maxPerUser: all + 2 });
    expect(await claim('lina', next as string)).toBeUndefined();
  });

  it('stops a team at maxPerTeam: what its reps hold together', async () => {
    const [customerId] = await release('zhangwei', 1);
    const team = (await heldBy('zhangwei')).length + (await heldBy('lina')).length;
    await setClaim({ maxPerTeam: team });
    expect(await claim('lina', customerId as string)).toMatchObject({
      code: 'forbidden',
      message: `customerId: your team already holds ${team} customers, the most this pool allows`,
      params: { rule: 'maxPerTeam', limit: team, count: team },
    });
    await setClaim({ maxPerTeam: team + 1 });
    expect(await claim('lina', customerId as string)).toBeUndefined();
  });

  it('counts claims per Shanghai day: the one past maxClaimsPerDay waits for midnight there', async () => {
    // Late in the evening in Shanghai (21:00): two claims today, the third refused until midnight.
    clock = startOfClaimDay(clock) + 21 * HOUR;
    await setClaim({ maxClaimsPerDay: 2 });
    const ids = await release('zhangwei', 3);
    expect(await claim('lina', ids[0] as string)).toBeUndefined();
    expect(await claim('lina', ids[1] as string)).toBeUndefined();
    const midnight = startOfClaimDay(clock) + DAY_MS;
    clock = midnight - 1;
    expect(await claim('lina', ids[2] as string)).toEqual({
      code: 'forbidden',
      field: 'customerId',
      message: 'customerId: you already claimed 2 customers today, the most this pool allows per day',
      params: { rule: 'maxClaimsPerDay', limit: 2, count: 2, until: midnight },
    });
    // Another rep's claims are theirs.
    const [forZhang] = await release('lina', 1);
    expect(await claim('zhangwei', forZhang as string)).toBeUndefined();
    clock = midnight;
    expect(await claim('lina', ids[2] as string)).toBeUndefined();
  });

  it('lets a manager assign whatever the limits, protection and cooldown say, and records the move', async () => {
    await setClaim({ maxPerUser: 1, maxClaimsPerDay: 1, protectNewDays: 5, reclaimCooldownDays: 5 });
    const [customerId] = await release('zhangwei', 1);
    expect(
      await device('wangfang').refusalOf('assignCustomer', {
        customerId,
        toUserId: userId('zhangwei'),
        reason: '老客户回流，交还原负责人',
      }),
    ).toBeUndefined();
    expect(await ownerOf(customerId as string)).toBe(userId('zhangwei'));
    const [moved] = await server.query(
      `SELECT action, pool_id, actor_id, reason FROM ownership_history WHERE customer_id = $1 ORDER BY version DESC LIMIT 1`,
      [customerId],
    );
    expect(moved).toEqual({
      action: 'assign',
      pool_id: server.demo.pools.eastChina,
      actor_id: server.demo.users.wangfang,
      reason: '老客户回流，交还原负责人',
    });
    // A rep may not assign.
    const [another] = await release('zhangwei', 1);
    expect(
      await device('lina').refusalOf('assignCustomer', {
        customerId: another,
        toUserId: userId('lina'),
        reason: 'x',
      }),
    ).toMatchObject({ code: 'forbidden', field: 'customerId' });
  });

  it('gives a customer two reps claim at once to exactly one of them; the other is told why', async () => {
    const ids = await release('zhangwei', 4);
    for (const customerId of ids) {
      const answers = await Promise.all(
        (['lina', 'zhangwei'] as const).map((name) => claim(name, customerId)),
      );
      const refused = answers.filter((a): a is AppErrorData => a !== undefined);
      expect(refused).toHaveLength(1);
      expect(refused[0]).toMatchObject({
        code: 'conflict',
        field: 'customerId',
        message: expect.stringMatching(/claimed this customer first/),
      });
      const winner = answers[0] === undefined ? 'lina' : 'zhangwei';
      expect(await ownerOf(customerId)).toBe(userId(winner));
      const claims = await server.query(
        `SELECT to_owner_id FROM ownership_history WHERE customer_id = $1 AND action = 'claim' AND at = $2`,
        [customerId, clock],
      );
      expect(claims).toEqual([{ to_owner_id: userId(winner) }]);
    }
  });

  it('holds one rep’s concurrent claims of different customers to the limit', async () => {
    const ids = await release('zhangwei', 3);
    const held = (await heldBy('lina')).length;
    await setClaim({ maxPerUser: held + 1 });
    // Three devices of lina's, each claiming another customer at the same moment.
    const laptops = ids.map(() => new SyncDevice(server, tokens.lina ?? ''));
    const answers = await Promise.all(
      ids.map((customerId, i) => laptops[i]?.refusalOf('claimCustomer', { customerId, reason: '批量认领' })),
    );
    expect(answers.filter((a) => a === undefined)).toHaveLength(1);
    expect(answers.filter((a) => a?.params?.rule === 'maxPerUser')).toHaveLength(2);
    expect(await heldBy('lina')).toHaveLength(held + 1);
  });
});

const onPostgres = process.env.TIDEPOOL_TEST_DB === 'postgres';

describe.runIf(onPostgres)('claims through two server instances on one PostgreSQL', () => {
  let test: TestDatabase;
  let second: ServerDb;
  let demo: DemoSummary;
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];

  beforeAll(async () => {
    test = await openTestDatabase();
    demo = await seedDemo(test.db, { customers: 60 });
    second = await openServerDatabase({ databaseUrl: test.url });
    for (const db of [test.db, second]) {
      const app = buildServer({ db });
      apps.push(app);
      urls.push((await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, ''));
    }
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await second?.close();
    await test?.close();
  });

  async function push(url: string, token: string, name: string, args: unknown): Promise<PushResponse> {
    const mutation = { id: 1, name, args, createdAt: Date.now() };
    const { status, body } = await postJson<PushResponse>(
      `${url}/sync/push`,
      { protocolVersion: PROTOCOL_VERSION, clientId: newId(), mutations: [mutation] },
      token,
    );
    expect(status, JSON.stringify(body)).toBe(200);
    return body;
  }

  it('gives each customer to exactly one of two reps claiming it on different instances', async () => {
    const [zhangwei, lina] = await Promise.all([
      loginAs({ url: urls[0] ?? '' }, 'zhangwei'),
      loginAs({ url: urls[1] ?? '' }, 'lina'),
    ]);
    const wangfang = await loginAs({ url: urls[0] ?? '' }, 'wangfang');
    const customers = await test.db.query(
      `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer' ORDER BY id LIMIT 6`,
      [demo.users.zhangwei],
    );
    // The manager releases them, then both reps race for each (zhangwei, who lost them, without a cooldown).
    await test.db.query(
      `UPDATE pools SET claim = claim || '{"reclaimCooldownDays": 0}'::jsonb WHERE id = $1`,
      [demo.pools.eastChina],
    );
    for (const { id } of customers) {
      expect(
        (await push(urls[0] ?? '', wangfang, 'releaseCustomer', { customerId: id, reason: '重新分配' }))
          .rejections,
      ).toEqual([]);
    }
    for (const { id } of customers) {
      const [a, b] = await Promise.all([
        push(urls[0] ?? '', zhangwei, 'claimCustomer', { customerId: id, reason: '抢' }),
        push(urls[1] ?? '', lina, 'claimCustomer', { customerId: id, reason: '抢' }),
      ]);
      const refusals = [...a.rejections, ...b.rejections].map((r) => r.error);
      expect(refusals).toHaveLength(1);
      expect(refusals[0]).toMatchObject({ code: 'conflict', field: 'customerId' });
      const [row] = await test.db.query(
        `SELECT c.owner_id, (SELECT count(*)::int FROM ownership_history h WHERE h.customer_id = c.id AND h.action = 'claim') AS claims
         FROM customers c WHERE c.id = $1`,
        [id],
      );
      expect(row?.claims).toBe(1);
      expect(row?.owner_id).toBe(a.rejections.length === 0 ? demo.users.zhangwei : demo.users.lina);
    }
  });

  it('holds one rep to maxClaimsPerDay across instances', async () => {
    const [lina0, lina1] = await Promise.all([
      loginAs({ url: urls[0] ?? '' }, 'lina'),
      loginAs({ url: urls[1] ?? '' }, 'lina'),
    ]);
    const wangfang = await loginAs({ url: urls[0] ?? '' }, 'wangfang');
    const customers = await test.db.query(
      `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer' ORDER BY id DESC LIMIT 4`,
      [demo.users.zhangwei],
    );
    for (const { id } of customers) {
      await push(urls[1] ?? '', wangfang, 'releaseCustomer', { customerId: id, reason: '重新分配' });
    }
    const [claimedToday] = await test.db.query(
      `SELECT count(*)::int AS n FROM ownership_history WHERE to_owner_id = $1 AND action = 'claim' AND at >= $2`,
      [demo.users.lina, startOfClaimDay(Date.now())],
    );
    // Room for two more claims today (the race above gave lina some already).
    await test.db.query(
      `UPDATE pools SET claim = jsonb_set(claim, '{maxClaimsPerDay}', $2::jsonb) WHERE id = $1`,
      [demo.pools.eastChina, JSON.stringify(Number(claimedToday?.n) + 2)],
    );
    const room = 2;
    const answers = await Promise.all(
      customers.map(({ id }, i) =>
        push(urls[i % 2] ?? '', i % 2 ? lina1 : lina0, 'claimCustomer', { customerId: id, reason: '认领' }),
      ),
    );
    const accepted = answers.filter((a) => a.rejections.length === 0);
    expect(accepted).toHaveLength(room);
    for (const a of answers.filter((x) => x.rejections.length > 0)) {
      expect(a.rejections[0]?.error.params?.rule).toBe('maxClaimsPerDay');
    }
  });
});
