import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { DAY_MS } from '../../../shared/pools/rules';
import {
  poolRowSchema,
  publicSeaPage,
  publicSeaQuery,
  type PoolRow,
  type PublicSeaPage,
} from '../../../shared/pools/schema';
import type { SessionUser } from '../../../shared/sync/protocol';
import { loginAs, openEvents, sendJson, startTestServer, SyncDevice, type TestServer } from '../testing';
import { loadPools } from './claim';
import { pageQuery, scopeOf } from './sea';

/**
 * The pools' HTTP routes (docs/server.md "Pools and claims"): the admin's pools — only admins, every
 * reference checked and named, one active default per kind, devices poked and served the new rows — and
 * the public sea as reps browse it: their pools, masked phones, protection and cooldown for the caller,
 * keyset pages newest entry first, filters, their standing against the limits, and bad input refused.
 */
let server: TestServer;
let clock = Date.UTC(2026, 5, 1, 4, 0, 0);
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 300, now: () => clock });
  for (const name of ['admin', 'wangfang', 'zhangwei', 'lina']) tokens[name] = await loginAs(server, name);
});
afterAll(async () => {
  await server?.close();
});

type Answer<T = Record<string, unknown>> = { status: number; body: T & { error?: Record<string, unknown> } };
const api = <T = Record<string, unknown>>(
  method: 'GET' | 'POST',
  path: string,
  body?: unknown,
  user: string | null = 'admin',
): Promise<Answer<T>> =>
  sendJson(method, `${server.url}${path}`, body, user === null ? undefined : tokens[user]);

async function orgVersion(): Promise<number> {
  const [row] = await server.query('SELECT version::float8 AS v FROM orgs WHERE id = $1', [
    server.demo.orgId,
  ]);
  return Number(row?.v);
}

async function pools(): Promise<PoolRow[]> {
  const { status, body } = await api<{ pools: PoolRow[] }>('GET', '/admin/pools');
  expect(status).toBe(200);
  return body.pools.map((p) => poolRowSchema.strict().parse(p));
}

/** A stored pool as the body that saves it unchanged. */
function asRequest(pool: PoolRow): Record<string, unknown> {
  const { orgId: _o, createdAt: _c, updatedAt: _u, version: _v, ...request } = pool;
  return request;
}

const poolById = async (id: string) => (await pools()).find((p) => p.id === id) as PoolRow;

describe('GET/POST /admin/pools', () => {
  it('answers 401 without a token and 403 to reps, changing nothing', async () => {
    const version = await orgVersion();
    const east = await poolById(server.demo.pools.eastChina);
    for (const user of [null, 'zhangwei', 'lina']) {
      const status = user === null ? 401 : 403;
      expect((await api('GET', '/admin/pools', undefined, user)).status).toBe(status);
      expect((await api('POST', '/admin/pools', { ...asRequest(east), nameZh: '改名' }, user)).status).toBe(
        status,
      );
    }
    expect(await orgVersion()).toBe(version);
    expect((await poolById(east.id)).nameZh).toBe('华东公海');
  });

  it('lets a manager named among a pool’s admins change its rules, and nothing else', async () => {
    const east = await poolById(server.demo.pools.eastChina);
    const south = await poolById(server.demo.pools.southChina);
    expect(east.adminIds).toContain(server.demo.users.wangfang);
    expect(south.adminIds).not.toContain(server.demo.users.wangfang);
    const seen = await api<{ pools: PoolRow[] }>('GET', '/admin/pools', undefined, 'wangfang');
    expect(seen.body.pools.map((p) => p.id)).toEqual(
      (await pools()).filter((p) => p.adminIds.includes(server.demo.users.wangfang)).map((p) => p.id),
    );
    expect(seen.body.pools.map((p) => p.id)).not.toContain(south.id);

    const version = await orgVersion();
    const refused = async (body: Record<string, unknown>, field: string) => {
      const answer = await api('POST', '/admin/pools', body, 'wangfang');
      expect(answer.status, JSON.stringify(answer.body)).toBe(403);
      expect(answer.body.error).toMatchObject({ code: 'forbidden', field });
    };
    await refused({ ...asRequest(east), teamIds: [] }, 'teamIds');
    await refused({ ...asRequest(east), adminIds: [] }, 'adminIds');
    await refused({ ...asRequest(east), isDefault: false }, 'isDefault');
    await refused({ ...asRequest(south), nameZh: '改名' }, 'id');
    const { id: _id, ...fresh } = asRequest(east);
    await refused({ ...fresh, nameZh: '新公海', isDefault: false }, 'id');
    expect(await orgVersion()).toBe(version);

    const tightened = {
      ...asRequest(east),
      recycle: { ...east.recycle, warnDays: 10 },
      claim: { ...east.claim, maxClaimsPerDay: 15 },
    };
    const saved = await api('POST', '/admin/pools', tightened, 'wangfang');
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(await poolById(east.id)).toMatchObject({
      recycle: { warnDays: 10 },
      claim: { maxClaimsPerDay: 15 },
      teamIds: east.teamIds,
    });
    // Previews and runs: their pool only.
    const run = (body: unknown) => api('POST', '/admin/pools/run', body, 'wangfang');
    expect((await run({ poolId: east.id, dryRun: true })).status).toBe(200);
    expect((await run({ poolId: south.id, dryRun: true })).body.error).toMatchObject({ field: 'poolId' });
    expect((await run({ dryRun: true })).status).toBe(403);
    expect((await api('POST', '/admin/pools/run', { dryRun: true }, 'lina')).status).toBe(403);
    expect((await api('POST', '/admin/pools', asRequest(east))).status).toBe(200);
  });

  it('creates and updates a pool, stamped with a new org version, poking devices, which receive it', async () => {
    const rep = new SyncDevice(server, tokens.zhangwei ?? '');
    await rep.pull();
    const events = await openEvents(server.url, tokens.zhangwei ?? '');
    try {
      await events.nextPoke(10_000, 0);
      const teams = await server.query(`SELECT id FROM teams WHERE name = '华东二组'`);
      // Taken before the save: the poke may arrive before the answer does.
      const sentAt = Date.now();
      const created = await api<{ id: string }>('POST', '/admin/pools', {
        kind: 'customer',
        nameZh: '华东二组公海',
        nameEn: 'East team two sea',
        teamIds: [teams[0]?.id, teams[0]?.id],
        adminIds: [server.demo.users.wangfang],
        isDefault: false,
        active: true,
        recycle: { rules: [{ kind: 'notWon', days: 180, daysByLevel: { A: 365 } }] },
        claim: { maxPerUser: 500, counts: 'notBought' },
        assign: 'roundRobin',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      await events.nextPoke(10_000, sentAt);
      const stored = await poolById(created.body.id);
      expect(stored).toMatchObject({
        orgId: server.demo.orgId,
        teamIds: [teams[0]?.id],
        isDefault: false,
        createdAt: clock,
        version: await orgVersion(),
        claim: { maxPerUser: 500, counts: 'notBought', maxClaimsPerDay: null, protectNewDays: 0 },
        recycle: {
          combine: 'any',
          warnDays: 3,
          rules: [{ kind: 'notWon', days: 180, daysByLevel: { A: 365 } }],
        },
      });
      clock += 1000;
      const updated = await api('POST', '/admin/pools', {
        ...asRequest(stored),
        nameEn: 'Team two sea',
        active: false,
      });
      expect(updated.body).toEqual({ id: stored.id });
      const ops = await rep.pull();
      expect(ops).toEqual([
        {
          op: 'put',
          table: 'pools',
          row: {
            ...stored,
            nameEn: 'Team two sea',
            active: false,
            updatedAt: clock,
            version: await orgVersion(),
          },
        },
      ]);
    } finally {
      events.close();
    }
  });

  it('refuses bad pools naming the field, writing nothing', async () => {
    const east = await poolById(server.demo.pools.eastChina);
    const version = await orgVersion();
    const other = newId();
    const cases: [Record<string, unknown>, number, string, RegExp][] = [
      [{ ...asRequest(east), nameZh: '' }, 400, 'nameZh', /nameZh/],
      [
        { ...asRequest(east), teamIds: [other] },
        400,
        'teamIds.0',
        /teamIds\.0: no team .* in your organisation/,
      ],
      [
        { ...asRequest(east), adminIds: [server.demo.users.lina, other] },
        400,
        'adminIds.1',
        /adminIds\.1: no user/,
      ],
      [
        {
          ...asRequest(east),
          recycle: {
            ...east.recycle,
            exemptions: { ...east.recycle.exemptions, openOpportunityFromStage: 'won' },
          },
        },
        400,
        'recycle.exemptions.openOpportunityFromStage',
        /"won" is not an open stage/,
      ],
      [
        { ...asRequest(east), recycle: { rules: [{ kind: 'noFollowUp', days: -1 }] } },
        400,
        'recycle.rules.0.days',
        /days/,
      ],
      [
        { ...asRequest(east), recycle: { rules: [{ kind: 'asleep', days: 3 }] } },
        400,
        'recycle.rules.0.kind',
        /kind/,
      ],
      [{ ...asRequest(east), claim: { maxPerUser: 0 } }, 400, 'claim.maxPerUser', /maxPerUser/],
      [{ ...asRequest(east), assign: 'random' }, 400, 'assign', /assign/],
      [{ ...asRequest(east), secret: true }, 400, '', /secret/],
      [{ ...asRequest(east), id: other }, 404, 'id', /id: no pool/],
      [{ ...asRequest(east), kind: 'lead' }, 400, 'kind', /kind: a customer pool cannot become a lead pool/],
      // The default must stay an active default: make another pool the default instead.
      [{ ...asRequest(east), isDefault: false }, 409, 'isDefault', /make another pool the default/],
      [{ ...asRequest(east), active: false }, 400, 'active', /the default pool must stay active/],
    ];
    for (const [body, status, field, message] of cases) {
      const answer = await api('POST', '/admin/pools', body);
      expect(answer.status, JSON.stringify(answer.body)).toBe(status);
      if (field) expect(answer.body.error?.field).toBe(field);
      expect(String(answer.body.error?.message)).toMatch(message);
    }
    expect((await api('POST', '/admin/pools', 'not json{')).status).toBe(400);
    expect(await orgVersion()).toBe(version);
    expect(await poolById(east.id)).toEqual(east);
  });

  it('keeps one default per kind: a new default takes over, the old one can then be deactivated', async () => {
    const [east, south] = [
      await poolById(server.demo.pools.eastChina),
      await poolById(server.demo.pools.southChina),
    ];
    expect((await api('POST', '/admin/pools', { ...asRequest(south), isDefault: true })).status).toBe(200);
    expect((await poolById(east.id)).isDefault).toBe(false);
    expect((await poolById(south.id)).isDefault).toBe(true);
    expect((await poolById(server.demo.pools.leads)).isDefault).toBe(true);
    // The old default is an ordinary pool now: it may be deactivated; the new default may not.
    expect(
      (await api('POST', '/admin/pools', { ...asRequest(east), isDefault: false, active: false })).status,
    ).toBe(200);
    const deactivate = await api('POST', '/admin/pools', {
      ...asRequest(await poolById(south.id)),
      active: false,
    });
    expect(deactivate.status).toBe(400);
    expect(deactivate.body.error).toMatchObject({ code: 'validation', field: 'active' });
    // Back as it was: East China the default.
    expect((await api('POST', '/admin/pools', { ...asRequest(east) })).status).toBe(200);
    expect(
      (await pools())
        .filter((p) => p.isDefault)
        .map((p) => p.id)
        .sort(),
    ).toEqual([east.id, server.demo.pools.leads].sort());
  });
});

describe('POST /sea/search', () => {
  const search = (body: Record<string, unknown>, user = 'zhangwei') =>
    api<PublicSeaPage>('POST', '/sea/search', body, user);

  /** Every page of a search, following nextCursor. */
  async function everything(
    body: Record<string, unknown>,
    user = 'zhangwei',
  ): Promise<PublicSeaPage['rows']> {
    const rows: PublicSeaPage['rows'] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 100; i++) {
      const { status, body: page } = await search({ ...body, ...(cursor ? { cursor } : {}) }, user);
      expect(status, JSON.stringify(page)).toBe(200);
      publicSeaPage.parse(page);
      rows.push(...page.rows);
      if (page.nextCursor === null) return rows;
      cursor = page.nextCursor;
    }
    throw new Error('no end of pages');
  }

  it('shows a rep the public customers of their pools, newest entry first, masked, with who had them', async () => {
    const first = await search({});
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    const page = publicSeaPage.parse(first.body);
    const stored = await server.query(
      `SELECT c.id, c.phone, c.entered_pool_at::float8 AS entered, u.display_name AS previous FROM customers c
       LEFT JOIN users u ON u.id = c.previous_owner_id
       WHERE c.pool_state = 'public' AND c.kind = 'customer' AND c.pool_id = $1
       ORDER BY c.entered_pool_at DESC, c.id DESC`,
      [server.demo.pools.eastChina],
    );
    expect(stored.length).toBeGreaterThan(5);
    expect(page.rows.map((r) => r.id)).toEqual(stored.slice(0, 50).map((r) => r.id));
    for (const [i, row] of page.rows.entries()) {
      const s = stored[i];
      expect(row.phoneMasked).not.toBe(s?.phone);
      expect(row.phoneMasked).toMatch(/^\d{3}\*+\d{4}$/);
      expect(String(s?.phone).replace(/\D/g, '').slice(-4)).toBe(row.phoneMasked?.slice(-4));
      expect(row.previousOwnerName).toBe(s?.previous);
      expect(row.enteredPoolAt).toBe(s?.entered);
      expect(row.protectedUntil).toBeNull();
      expect(row).not.toHaveProperty('phone');
    }
    // Its standing against the East China limits (counting customers not bought from).
    const [held] = await server.query(
      `SELECT count(*)::int AS n FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer'
         AND last_deal_at IS NULL AND deleted_at IS NULL`,
      [server.demo.users.zhangwei],
    );
    const east = await poolById(server.demo.pools.eastChina);
    expect(page.standing).toEqual({
      owned: held?.n,
      maxPerUser: east.claim.maxPerUser,
      claimsToday: 0,
      maxClaimsPerDay: 20,
    });
  });

  it('pages by keyset: every row once, in order, whatever the page size', async () => {
    const all = await everything({ limit: 200 });
    const paged = await everything({ limit: 3 });
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(new Set(paged.map((r) => r.id)).size).toBe(paged.length);
    const entered = all.map((r) => r.enteredPoolAt ?? -1);
    expect([...entered].sort((a, b) => b - a)).toEqual(entered);
  });

  it('puts the caller’s cooldown and the pool’s protection on the rows, and keeps other pools apart', async () => {
    clock += DAY_MS;
    const south = await poolById(server.demo.pools.southChina);
    const rep = new SyncDevice(server, tokens.zhangwei ?? '');
    const [mine, toSouth] = await server.query(
      `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer' ORDER BY id LIMIT 2`,
      [server.demo.users.zhangwei],
    );
    expect(
      await rep.refusalOf('releaseCustomer', { customerId: mine?.id, reason: '暂无需求' }),
    ).toBeUndefined();
    expect(
      await rep.refusalOf('releaseCustomer', { customerId: toSouth?.id, poolId: south.id, reason: '转华南' }),
    ).toBeUndefined();
    const [top] = (await search({ limit: 1 })).body.rows;
    expect(top).toMatchObject({
      id: mine?.id,
      enteredPoolAt: clock,
      previousOwnerName: '张伟',
      cooldownUntil: clock + 7 * DAY_MS,
      protectedUntil: null,
    });
    // Lina lost nothing: no cooldown for her.
    expect((await search({ limit: 1 }, 'lina')).body.rows[0]).toMatchObject({
      id: mine?.id,
      cooldownUntil: null,
    });
    // South China serves no team and is not the default: a rep sees it only when asking for it.
    expect((await everything({})).map((r) => r.id)).not.toContain(toSouth?.id);
    const southRows = await everything({ poolId: south.id });
    expect(southRows).toEqual([
      expect.objectContaining({
        id: toSouth?.id,
        poolId: south.id,
        protectedUntil: clock + 3 * DAY_MS,
        cooldownUntil: clock + 14 * DAY_MS,
      }),
    ]);
    const southPage = (await search({ poolId: south.id })).body;
    expect(southPage.standing).toMatchObject({ maxPerUser: south.claim.maxPerUser, maxClaimsPerDay: 10 });
    // A manager sees the whole public sea of the kind.
    const managers = (await everything({}, 'wangfang')).map((r) => r.id);
    expect(managers).toContain(toSouth?.id);
    expect(managers).toContain(mine?.id);
  });

  it('filters by name or credit code, industry, region and level; user wildcards match literally', async () => {
    const all = await everything({ limit: 200 });
    const sample = all[0] as PublicSeaPage['rows'][number];
    const [row] = await server.query(`SELECT short_name, credit_code FROM customers WHERE id = $1`, [
      sample.id,
    ]);
    expect((await everything({ query: String(row?.short_name) })).map((r) => r.id)).toContain(sample.id);
    expect((await everything({ query: String(row?.credit_code).slice(2, 10) })).map((r) => r.id)).toEqual([
      sample.id,
    ]);
    expect(await everything({ query: '%' })).toEqual([]);
    const level = sample.level ?? 'C';
    const byLevel = await everything({ level });
    expect(byLevel.length).toBeGreaterThan(0);
    expect(byLevel.every((r) => r.level === level)).toBe(true);
    expect(byLevel.length).toBe(all.filter((r) => r.level === level).length);
    const byIndustry = await everything({ industry: sample.industry });
    expect(byIndustry.every((r) => r.industry === sample.industry)).toBe(true);
    const byRegion = await everything({ region: String(sample.region).slice(0, 2) });
    expect(byRegion.length).toBe(
      all.filter((r) => String(r.region).startsWith(String(sample.region).slice(0, 2))).length,
    );
  });

  it('lists leads in the lead pool, and a row without an entry time after all the others', async () => {
    const [lead] = await server.query(
      `SELECT id FROM customers WHERE owner_id = $1 AND kind = 'lead' AND pool_state = 'private' ORDER BY id LIMIT 1`,
      [server.demo.users.lina],
    );
    const linas = new SyncDevice(server, tokens.lina ?? '');
    expect(
      await linas.refusalOf('releaseCustomer', { customerId: lead?.id, reason: '线索无效' }),
    ).toBeUndefined();
    const leads = await everything({ kind: 'lead' });
    expect(leads).toEqual([
      expect.objectContaining({ id: lead?.id, kind: 'lead', poolId: server.demo.pools.leads }),
    ]);
    expect((await everything({})).map((r) => r.id)).not.toContain(lead?.id);

    // A row of before protocol 5 that no migration dated (its pool unknown: it is the default's).
    const [legacy] = await server.query(
      `UPDATE customers SET entered_pool_at = NULL, pool_id = NULL
       WHERE id = (SELECT id FROM customers WHERE pool_state = 'public' AND kind = 'customer' ORDER BY id LIMIT 1)
       RETURNING id`,
    );
    const rows = await everything({ limit: 4 });
    expect(rows.at(-1)).toMatchObject({ id: legacy?.id, enteredPoolAt: null });
    expect(rows.filter((r) => r.id === legacy?.id)).toHaveLength(1);
  });

  it('refuses bad queries naming the field, and strangers', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ limit: 0 }, 400, 'limit'],
      [{ limit: 201 }, 400, 'limit'],
      [{ kind: 'partner' }, 400, 'kind'],
      [{ level: 'E' }, 400, 'level'],
      [{ poolId: 'not-a-uuid' }, 400, 'poolId'],
      [{ poolId: newId() }, 404, 'poolId'],
      [{ poolId: server.demo.pools.leads }, 404, 'poolId'],
      [{ cursor: 'garbage' }, 400, 'cursor'],
      [{ cursor: Buffer.from('{"e":1}').toString('base64url') }, 400, 'cursor'],
      [{ query: 'x'.repeat(101) }, 400, 'query'],
      [{ sort: 'name' }, 400, ''],
    ];
    for (const [body, status, field] of cases) {
      const answer = await search(body);
      expect(answer.status, JSON.stringify(body)).toBe(status);
      if (field) expect(answer.body.error?.field, JSON.stringify(body)).toBe(field);
    }
    expect((await search({}, 'nobody')).status).toBe(401);
  });
});

describe('the public sea at 100,000 customers', () => {
  let big: TestServer;
  beforeAll(async () => {
    big = await startTestServer({ demoCustomers: 40 });
    const { orgId, pools: ids, users } = big.demo;
    // Nine in ten in East China, the rest in South China; entered a second apart.
    await big.query(
      `INSERT INTO customers (id, org_id, name, name_norm, short_name, credit_code, status, owner_id, pool_state,
         kind, level, industry, region, phone, attrs, created_at, updated_at, version, pool_id, entered_pool_at,
         previous_owner_id)
       SELECT gen_random_uuid(), $1, '公海客户' || g, '公海客户' || g, '简' || g, '91310000' || lpad(g::text, 10, '0'),
         'active', NULL, 'public', 'customer', (ARRAY['A','B','C','D'])[1 + g % 4], '化工', '上海市浦东新区',
         '1380000' || lpad(g::text, 4, '0'), '{}', 1, 1, 1,
         CASE WHEN g % 10 = 0 THEN $3::uuid ELSE $2::uuid END, 1700000000000 + g * 1000, $4::uuid
       FROM generate_series(1, 100000) g`,
      [orgId, ids.eastChina, ids.southChina, users.lina],
    );
    await big.query('ANALYZE');
  }, 120_000);
  afterAll(async () => {
    await big?.close();
  });

  it('reads a page by a backward scan of the public-sea index, never sorting the pool', async () => {
    const [user] = await big.query(
      `SELECT id, org_id AS "orgId", team_id AS "teamId", username, display_name AS "displayName", role
       FROM users WHERE username = 'zhangwei'`,
    );
    const rep = user as unknown as SessionUser;
    const pools = await loadPools(big.db, big.demo.orgId, 'customer');
    for (const body of [{}, { level: 'B' as const }, { poolId: big.demo.pools.southChina }]) {
      const query = publicSeaQuery.parse(body);
      const { condition } = scopeOf(pools, rep, query);
      const plan = (
        await big.db.rows(sql`EXPLAIN ${pageQuery(rep, query, condition, { after: null, nulls: false }, 51)}`)
      )
        .map((r) => String(Object.values(r)[0]))
        .join('\n');
      expect(plan, plan).toMatch(/Index Scan Backward using customers_public_sea_idx/);
      expect(plan, plan).not.toMatch(/Sort/);
    }
    const token = await loginAs(big, 'zhangwei');
    let cursor: string | undefined;
    const started = performance.now();
    for (let page = 0; page < 5; page++) {
      const { status, body } = await sendJson<PublicSeaPage>(
        'POST',
        `${big.url}/sea/search`,
        { limit: 50, ...(cursor ? { cursor } : {}) },
        token,
      );
      expect(status).toBe(200);
      expect(body.rows).toHaveLength(50);
      cursor = body.nextCursor ?? undefined;
    }
    const perPage = (performance.now() - started) / 5;
    console.info(`public sea of 100,000: ${perPage.toFixed(1)} ms per page (${big.db.kind})`);
    expect(perPage).toBeLessThan(250);
  });
});
