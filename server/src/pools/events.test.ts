import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { uniqueKey } from '../../../shared/domain/uniqueness';
import { newId } from '../../../shared/ids';
import { DAY_MS } from '../../../shared/pools/rules';
import { poolRowSchema, recycleRunResponse, type ActivityEventResponse } from '../../../shared/pools/schema';
import { buildServer } from '../app';
import type { ServerDb } from '../db/database';
import { seedDemo, type DemoSummary } from '../seed/demo';
import { loginAs, openEvents, openTestDatabase, sendJson, type TestDatabase } from '../testing';
import {
  API_KEY_HEADER,
  createApiKey,
  DEMO_EVENTS_API_KEY,
  hashApiKey,
  revokeApiKey,
  seedDemoApiKey,
} from './apiKeys';

/**
 * Reactivation over HTTP (docs/pools.md "Reactivation"), on PGlite and PostgreSQL: each outcome, replays,
 * bad events and keys (no trace left), the assignment strategies, and the admin's recycle run.
 */

const T0 = Date.UTC(2026, 2, 2, 1);
let clock = T0;
let test: TestDatabase;
let db: ServerDb;
let demo: DemoSummary;
let app: FastifyInstance;
let url: string;
let key: string;
let teams: { eastOne: string; eastTwo: string };
/** Extra reps: `wu` in team 2, `zhao` inactive in team 1. */
let wu: string;
let zhao: string;

async function insertUser(username: string, teamId: string, active: boolean): Promise<string> {
  const id = newId(T0);
  await db.query(
    `INSERT INTO users (id, org_id, team_id, username, display_name, role, password_hash, active, created_at,
       updated_at, version)
     VALUES ($1, $2, $3, $4, $4, 'rep', 'scrypt$x', $5, $6, $6, 1)`,
    [id, demo.orgId, teamId, username, active, T0],
  );
  return id;
}

beforeAll(async () => {
  test = await openTestDatabase();
  db = test.db;
  demo = await seedDemo(db, { customers: 0, now: T0 - 30 * DAY_MS });
  const [me] = await db.query(`SELECT team_id FROM users WHERE id = $1`, [demo.users.zhangwei]);
  const [other] = await db.query(
    `SELECT id FROM teams WHERE org_id = $1 AND id <> $2 AND parent_id IS NOT NULL`,
    [demo.orgId, me?.team_id],
  );
  teams = { eastOne: String(me?.team_id), eastTwo: String(other?.id) };
  wu = await insertUser('wu_events', teams.eastTwo, true);
  zhao = await insertUser('zhao_events', teams.eastOne, false);
  key = (await createApiKey(db, demo.orgId, 'ERP')).key;
  app = buildServer({ db, now: () => clock });
  url = (await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, '');
});
afterAll(async () => {
  await app?.close();
  await test?.close();
});

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
  clock = T0;
}

type PoolInput = {
  kind?: 'customer' | 'lead';
  teamIds?: string[];
  isDefault?: boolean;
  assign?: string;
  claim?: Record<string, unknown>;
  recycle?: unknown;
};

async function insertPool(p: PoolInput = {}): Promise<string> {
  const row = poolRowSchema.parse({
    id: newId(T0),
    orgId: demo.orgId,
    kind: p.kind ?? 'customer',
    nameZh: '公海',
    nameEn: 'Pool',
    teamIds: p.teamIds ?? [teams.eastOne],
    adminIds: [],
    isDefault: p.isDefault ?? true,
    active: true,
    recycle: p.recycle ?? {},
    claim: p.claim ?? {},
    assign: p.assign ?? 'previousOwnerThenLeastLoaded',
    createdAt: T0,
    updatedAt: T0,
    version: 1,
  });
  await db.query(
    `INSERT INTO pools (id, org_id, kind, name_zh, name_en, team_ids, admin_ids, is_default, active, recycle, claim,
       assign, created_at, updated_at, version)
     VALUES ($1, $2, $3, $4, $5, $6, '[]', $7, true, $8, $9, $10, $11, $11, 1)`,
    [
      row.id,
      row.orgId,
      row.kind,
      row.nameZh,
      row.nameEn,
      JSON.stringify(row.teamIds),
      row.isDefault,
      JSON.stringify(row.recycle),
      JSON.stringify(row.claim),
      row.assign,
      T0,
    ],
  );
  return row.id;
}

let serial = 0;
type CustomerInput = {
  ownerId?: string | null;
  previousOwnerId?: string | null;
  poolId?: string | null;
  kind?: 'customer' | 'lead';
  phone?: string | null;
  creditCode?: string | null;
  lastDealAt?: number | null;
  orgId?: string;
};

async function insertCustomer(c: CustomerInput = {}): Promise<string> {
  const id = newId(T0);
  serial += 1;
  const ownerId = c.ownerId === undefined ? null : c.ownerId;
  const phoneNorm = uniqueKey('phone', c.phone);
  await db.query(
    `INSERT INTO customers (id, org_id, name, name_norm, phone, phone_norm, credit_code, status, owner_id, pool_state,
       claimed_at, kind, lead_status, pool_id, previous_owner_id, entered_pool_at, last_deal_at, created_at,
       updated_at, version)
     VALUES ($1, $2, $3, $3, $4, $5, $6, 'active', $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, 1)`,
    [
      id,
      c.orgId ?? demo.orgId,
      `事件测试客户${serial}有限公司`,
      c.phone ?? null,
      phoneNorm,
      c.creditCode ?? null,
      ownerId,
      ownerId === null ? 'public' : 'private',
      ownerId === null ? null : T0 - 10 * DAY_MS,
      c.kind ?? 'customer',
      c.kind === 'lead' ? 'new' : null,
      c.poolId ?? null,
      c.previousOwnerId ?? null,
      ownerId === null ? T0 - 5 * DAY_MS : null,
      c.lastDealAt ?? null,
      T0 - 100 * DAY_MS,
    ],
  );
  return id;
}

/** Gives `ownerId` `n` private customers (their load). */
async function giveLoad(ownerId: string, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await insertCustomer({ ownerId });
}

type Answer = {
  status: number;
  body: ActivityEventResponse & { error?: { code: string; field?: string; message: string } };
};

async function send(body: unknown, apiKey: string | null = key): Promise<Answer> {
  const response = await fetch(`${url}/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(apiKey === null ? {} : { [API_KEY_HEADER]: apiKey }) },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const event = (match: Record<string, string>, over: Record<string, unknown> = {}) => ({
  eventId: newId(),
  type: 'inquiry',
  match,
  occurredAt: clock - 60_000,
  summary: '询价：数控机床 20 台',
  ...over,
});

async function orgVersion(): Promise<number> {
  const [row] = await db.query(`SELECT version::float8 AS v FROM orgs WHERE id = $1`, [demo.orgId]);
  return Number(row?.v);
}

async function customer(id: string) {
  const [row] = await db.query(
    `SELECT owner_id, pool_state, claimed_at::float8 AS claimed_at, kind, lead_status, name, phone, credit_code,
       pool_id, version::float8 AS version FROM customers WHERE id = $1`,
    [id],
  );
  return row;
}

async function eventCount(): Promise<number> {
  const [row] = await db.query(`SELECT count(*)::int AS n FROM activity_events WHERE org_id = $1`, [
    demo.orgId,
  ]);
  return Number(row?.n);
}

describe('POST /events', () => {
  beforeEach(reset);

  it('assigns a public customer to its previous owner, with its open work, a task and a poke', async () => {
    const pool = await insertPool();
    const id = await insertCustomer({ previousOwnerId: demo.users.zhangwei, poolId: pool });
    // Open work left from before it was recycled (it waited in the pool with the customer).
    const opportunity = newId(T0);
    await db.query(
      `INSERT INTO opportunities (id, org_id, customer_id, owner_id, name, amount_minor, currency, stage_key, status,
         created_at, updated_at, version)
       VALUES ($1, $2, $3, $4, '机床', 100, 'CNY', 'needs', 'open', $5, $5, 1)`,
      [opportunity, demo.orgId, id, demo.users.lina, T0 - 50 * DAY_MS],
    );
    const token = await loginAs({ url }, 'zhangwei');
    const stream = await openEvents(url, token);
    await stream.nextPoke(); // the catch-up poke at connect
    const before = await orgVersion();
    clock = T0 + 1000;
    const sent = event({ customerId: id });
    const sentAt = Date.now();
    const answer = await send(sent);
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      outcome: 'assigned',
      customerId: id,
      ownerId: demo.users.zhangwei,
      taskId: expect.any(String) as string,
    });
    await stream.nextPoke(2000, sentAt);
    stream.close();

    const version = before + 1;
    expect(await orgVersion()).toBe(version);
    expect(await customer(id)).toMatchObject({
      owner_id: demo.users.zhangwei,
      pool_state: 'private',
      claimed_at: clock,
      pool_id: pool,
      version,
    });
    const [task] = await db.query(
      `SELECT id, assignee_id, created_by, origin, status, title, type, due_at::float8 AS due, version::float8 AS v
       FROM tasks WHERE customer_id = $1 AND origin = 'reactivation'`,
      [id],
    );
    expect(task).toEqual({
      id: answer.body.taskId,
      assignee_id: demo.users.zhangwei,
      created_by: demo.users.zhangwei,
      origin: 'reactivation',
      status: 'open',
      title: '询价：数控机床 20 台',
      type: 'call',
      due: clock,
      v: version,
    });
    const [opp] = await db.query(`SELECT owner_id, version::float8 AS v FROM opportunities WHERE id = $1`, [
      opportunity,
    ]);
    expect(opp).toEqual({ owner_id: demo.users.zhangwei, v: version });
    const history = await db.query(
      `SELECT from_owner_id, to_owner_id, from_pool_state, to_pool_state, actor_type, actor_id, action, pool_id, reason
       FROM ownership_history WHERE customer_id = $1`,
      [id],
    );
    expect(history).toEqual([
      {
        from_owner_id: null,
        to_owner_id: demo.users.zhangwei,
        from_pool_state: 'public',
        to_pool_state: 'private',
        actor_type: 'event',
        actor_id: null,
        action: 'reactivate',
        pool_id: pool,
        reason: 'inquiry: 询价：数控机床 20 台',
      },
    ]);

    // A replay (the sender retried after a timeout) changes nothing and repeats the first outcome's ids.
    const replay = await send(sent);
    expect(replay).toEqual({
      status: 200,
      body: { ...answer.body, outcome: 'duplicate' },
    });
    expect(await orgVersion()).toBe(version);
    expect(await db.query(`SELECT id FROM tasks WHERE customer_id = $1`, [id])).toHaveLength(1);
  });

  it('applies two copies of one event sent at once only once', async () => {
    const pool = await insertPool();
    const id = await insertCustomer({ previousOwnerId: demo.users.lina, poolId: pool });
    const sent = event({ customerId: id });
    const answers = await Promise.all([send(sent), send(sent), send(sent)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body.outcome).sort()).toEqual(['assigned', 'duplicate', 'duplicate']);
    expect(new Set(answers.map((a) => a.body.taskId)).size).toBe(1);
    expect(await db.query(`SELECT id FROM ownership_history WHERE customer_id = $1`, [id])).toHaveLength(1);
  });

  it('makes a task for the owner of a private customer, matched by credit code', async () => {
    await insertPool();
    const id = await insertCustomer({ ownerId: demo.users.lina, creditCode: '91310115MA1K4ABC2X' });
    const before = await orgVersion();
    const answer = await send(
      event(
        { creditCode: ' 91310115ma1k4abc2x ', phone: '13900000000' },
        { type: 'trade', summary: '下单：主轴 2 件' },
      ),
    );
    expect(answer).toMatchObject({
      status: 200,
      body: { outcome: 'taskForOwner', customerId: id, ownerId: demo.users.lina },
    });
    expect(await customer(id)).toMatchObject({
      owner_id: demo.users.lina,
      pool_state: 'private',
      version: 1,
    });
    const tasks = await db.query(`SELECT assignee_id, title, origin FROM tasks WHERE customer_id = $1`, [id]);
    expect(tasks).toEqual([
      { assignee_id: demo.users.lina, title: '下单：主轴 2 件', origin: 'reactivation' },
    ]);
    expect(await orgVersion()).toBe(before + 1);
    expect(await db.query(`SELECT id FROM ownership_history WHERE customer_id = $1`, [id])).toEqual([]);
  });

  it('matches a phone as its uniqueness key does, a customer before a lead', async () => {
    await insertPool();
    const lead = await insertCustomer({ kind: 'lead', ownerId: demo.users.lina, phone: '13800138000' });
    const owned = await insertCustomer({ ownerId: demo.users.zhangwei, phone: '138 0013 8000' });
    const answer = await send(event({ phone: '+86 138-0013-8000' }));
    expect(answer.body).toMatchObject({ outcome: 'taskForOwner', customerId: owned });
    await db.query(`UPDATE customers SET deleted_at = $2 WHERE id = $1`, [owned, T0]);
    expect((await send(event({ phone: '13800138000' }))).body).toMatchObject({
      outcome: 'taskForOwner',
      customerId: lead,
    });
  });

  it('records an unknown customer as a new lead in the lead pool, assigned by its strategy', async () => {
    await insertPool();
    const leadPool = await insertPool({ kind: 'lead', assign: 'leastLoaded' });
    await giveLoad(demo.users.zhangwei, 2);
    await insertCustomer({ kind: 'lead', ownerId: demo.users.lina });
    const answer = await send(
      event(
        { phone: '13611112222' },
        { company: '苏州新芯半导体有限公司', contactName: '周经理', type: 'browse' },
      ),
    );
    expect(answer.status).toBe(200);
    // Leads are counted among leads: zhangwei holds none.
    expect(answer.body).toMatchObject({ outcome: 'leadCreated', ownerId: demo.users.zhangwei });
    const id = answer.body.customerId;
    expect(await customer(id)).toMatchObject({
      kind: 'lead',
      lead_status: 'new',
      name: '苏州新芯半导体有限公司',
      phone: '13611112222',
      owner_id: demo.users.zhangwei,
      pool_state: 'private',
      pool_id: leadPool,
    });
    expect(
      await db.query(`SELECT name, phone, is_primary FROM contacts WHERE customer_id = $1`, [id]),
    ).toEqual([{ name: '周经理', phone: '13611112222', is_primary: true }]);
    expect(
      await db.query(`SELECT action, actor_type, to_owner_id FROM ownership_history WHERE customer_id = $1`, [
        id,
      ]),
    ).toEqual([{ action: 'create', actor_type: 'event', to_owner_id: demo.users.zhangwei }]);
    expect(
      await db.query(`SELECT assignee_id, origin FROM tasks WHERE id = $1`, [answer.body.taskId]),
    ).toEqual([{ assignee_id: demo.users.zhangwei, origin: 'reactivation' }]);
    // The event's phone now finds the lead.
    expect((await send(event({ phone: '136 1111 2222' }))).body).toMatchObject({
      outcome: 'taskForOwner',
      customerId: id,
    });
  });

  it('leaves a new lead in the pool when no rep can take it; names it by credit code without a company', async () => {
    const leadPool = await insertPool({ kind: 'lead', teamIds: [teams.eastOne], claim: { maxPerUser: 1 } });
    await insertCustomer({ kind: 'lead', ownerId: demo.users.zhangwei });
    await insertCustomer({ kind: 'lead', ownerId: demo.users.lina });
    const answer = await send(event({ creditCode: '91320594MA1XYZ1234' }));
    expect(answer).toMatchObject({
      status: 200,
      body: { outcome: 'leadCreated', ownerId: null, taskId: null },
    });
    expect(await customer(answer.body.customerId)).toMatchObject({
      kind: 'lead',
      name: '91320594MA1XYZ1234',
      credit_code: '91320594MA1XYZ1234',
      owner_id: null,
      pool_state: 'public',
      pool_id: leadPool,
    });
  });

  it('refuses bad keys with 401 naming the header, and records nothing', async () => {
    await insertPool();
    const id = await insertCustomer({ previousOwnerId: demo.users.zhangwei });
    const body = event({ customerId: id });
    const missing = await send(body, null);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ code: 'unauthorized', field: 'x-api-key' });
    expect(missing.body.error?.message).toContain('x-api-key');
    expect((await send(body, 'tp_not_a_key')).body.error).toMatchObject({
      code: 'unauthorized',
      field: 'x-api-key',
    });
    const revoked = await createApiKey(db, demo.orgId, 'old ERP');
    expect((await send(event({ customerId: id }), revoked.key)).status).toBe(200);
    expect(await revokeApiKey(db, demo.orgId, revoked.id)).toBe(true);
    const refused = await send(body, revoked.key);
    expect(refused.status).toBe(401);
    expect(await eventCount()).toBe(1);
    // Only the hash is stored.
    const stored = await db.query(`SELECT key_hash FROM org_api_keys WHERE id = $1`, [revoked.id]);
    expect(stored).toEqual([{ key_hash: hashApiKey(revoked.key) }]);
    expect(JSON.stringify(stored)).not.toContain(revoked.key);
  });

  it('refuses bad events with 400 or 404 naming the field, and changes nothing', async () => {
    const pool = await insertPool();
    const id = await insertCustomer({ previousOwnerId: demo.users.zhangwei, poolId: pool });
    const otherOrg = newId(T0);
    await db.query(`INSERT INTO orgs (id, name, version, created_at) VALUES ($1, '别的公司', 1, $2)`, [
      otherOrg,
      T0,
    ]);
    const foreign = await insertCustomer({ orgId: otherOrg });
    const before = await orgVersion();
    const cases: [unknown, number, string][] = [
      [event({ customerId: id }, { type: 'refund' }), 400, 'type'],
      [event({ customerId: 'not-a-uuid' }), 400, 'match.customerId'],
      [event({ creditCode: '9'.repeat(19) }), 400, 'match.creditCode'],
      [event({ phone: '1' }), 400, 'match.phone'],
      [event({}), 400, 'match'],
      [event({ customerId: id, email: 'a@b.cn' }), 400, 'match'],
      [event({ customerId: id }, { eventId: '' }), 400, 'eventId'],
      [event({ customerId: id }, { summary: undefined }), 400, 'summary'],
      [event({ customerId: foreign }), 404, 'match.customerId'],
      [event({ customerId: newId() }), 404, 'match.customerId'],
    ];
    for (const [body, status, field] of cases) {
      const answer = await send(body);
      expect({ status: answer.status, field: answer.body.error?.field }).toEqual({ status, field });
      expect(answer.body.error?.message).toContain(field);
    }
    expect((await send('not json at all')).status).toBe(400);
    expect(await orgVersion()).toBe(before);
    expect(await eventCount()).toBe(0);
    expect(await customer(id)).toMatchObject({ owner_id: null, pool_state: 'public' });
    expect(await customer(foreign)).toMatchObject({ owner_id: null, pool_state: 'public' });
    expect(await db.query(`SELECT id FROM tasks WHERE org_id = $1`, [demo.orgId])).toEqual([]);
  });

  describe('the assignment strategies', () => {
    it('skips a previous owner at the limit, inactive or not a rep: the least loaded rep of the pool instead', async () => {
      const pool = await insertPool({ claim: { maxPerUser: 3 } });
      await giveLoad(demo.users.zhangwei, 3);
      await giveLoad(demo.users.lina, 1);
      const atLimit = await insertCustomer({ previousOwnerId: demo.users.zhangwei, poolId: pool });
      expect((await send(event({ customerId: atLimit }))).body.ownerId).toBe(demo.users.lina);
      const inactive = await insertCustomer({ previousOwnerId: zhao, poolId: pool });
      expect((await send(event({ customerId: inactive }))).body.ownerId).toBe(demo.users.lina);
      const manager = await insertCustomer({ previousOwnerId: demo.users.wangfang, poolId: pool });
      // lina now holds 3 too: both are at the limit.
      const refused = await send(event({ customerId: manager }));
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'conflict' });
      expect(refused.body.error?.message).toContain('No active rep');
    });

    it('prefers a previous owner under the limit even outside the pool teams', async () => {
      const pool = await insertPool({ claim: { maxPerUser: 5 } });
      await giveLoad(wu, 4);
      const id = await insertCustomer({ previousOwnerId: wu, poolId: pool });
      expect((await send(event({ customerId: id }))).body).toMatchObject({
        outcome: 'assigned',
        ownerId: wu,
      });
    });

    it('counts only customers not bought from when the pool says so', async () => {
      const pool = await insertPool({ claim: { maxPerUser: 2, counts: 'notBought' } });
      for (let i = 0; i < 3; i++)
        await insertCustomer({ ownerId: demo.users.zhangwei, lastDealAt: T0 - DAY_MS });
      const id = await insertCustomer({ previousOwnerId: demo.users.zhangwei, poolId: pool });
      expect((await send(event({ customerId: id }))).body.ownerId).toBe(demo.users.zhangwei);
    });

    it('holds the team limit', async () => {
      const pool = await insertPool({ teamIds: [teams.eastOne, teams.eastTwo], claim: { maxPerTeam: 3 } });
      await giveLoad(demo.users.zhangwei, 2);
      await giveLoad(demo.users.lina, 1);
      await giveLoad(wu, 2);
      const id = await insertCustomer({ previousOwnerId: demo.users.zhangwei, poolId: pool });
      // Team 1 holds 3: its reps are full; wu's team has room.
      expect((await send(event({ customerId: id }))).body.ownerId).toBe(wu);
    });

    it('rotates round robin over the reps of the pool teams', async () => {
      const pool = await insertPool({ teamIds: [teams.eastOne, teams.eastTwo], assign: 'roundRobin' });
      await giveLoad(demo.users.zhangwei, 5);
      const owners: (string | null)[] = [];
      for (let i = 0; i < 7; i++) {
        clock = T0 + i * 60_000;
        // The previous owner does not count for plain round robin.
        const id = await insertCustomer({ previousOwnerId: demo.users.lina, poolId: pool });
        owners.push((await send(event({ customerId: id }))).body.ownerId);
      }
      const reps = [demo.users.zhangwei, demo.users.lina, wu].sort();
      expect(owners.slice(0, 3).sort()).toEqual(reps);
      expect(owners.slice(3, 6)).toEqual(owners.slice(0, 3));
      expect(owners[6]).toBe(owners[0]);
    });

    it('picks the least loaded when the previous owner strategy has none', async () => {
      const pool = await insertPool({
        teamIds: [teams.eastOne, teams.eastTwo],
        assign: 'previousOwnerThenLeastLoaded',
      });
      await giveLoad(demo.users.zhangwei, 2);
      await giveLoad(demo.users.lina, 2);
      await giveLoad(wu, 1);
      const id = await insertCustomer({ poolId: pool });
      expect((await send(event({ customerId: id }))).body.ownerId).toBe(wu);
    });

    it('answers 409 when no rep can take the customer, records nothing, and a retry later assigns it', async () => {
      const pool = await insertPool({ teamIds: [teams.eastTwo], claim: { maxPerUser: 1 } });
      await giveLoad(wu, 1);
      const id = await insertCustomer({ previousOwnerId: zhao, poolId: pool });
      const sent = event({ customerId: id });
      const before = await orgVersion();
      const refused = await send(sent);
      expect(refused.status).toBe(409);
      expect(refused.body.error?.message).toContain('No active rep to assign to');
      expect(await orgVersion()).toBe(before);
      expect(await eventCount()).toBe(0);
      expect(await customer(id)).toMatchObject({ owner_id: null, pool_state: 'public' });
      await db.query(`UPDATE pools SET claim = $2 WHERE id = $1`, [pool, JSON.stringify({ maxPerUser: 2 })]);
      expect((await send(sent)).body).toMatchObject({ outcome: 'assigned', ownerId: wu });
    });
  });
});

describe('the demo key', () => {
  beforeEach(reset);

  it('is written once for the demo org and accepted', async () => {
    const first = await seedDemoApiKey(db, demo.orgId);
    expect(await seedDemoApiKey(db, demo.orgId)).toEqual(first);
    expect(first.key).toBe(DEMO_EVENTS_API_KEY);
    await insertPool();
    const answer = await send(event({ phone: '13700001111' }), DEMO_EVENTS_API_KEY);
    expect(answer.body.outcome).toBe('leadCreated');
  });
});

describe('POST /admin/pools/run', () => {
  beforeEach(reset);

  it('previews for an admin what the job would move today, runs it on demand, and refuses others', async () => {
    const pool = await insertPool({ recycle: { rules: [{ kind: 'noFollowUp', days: 7 }], warnDays: 0 } });
    const a = await insertCustomer({ ownerId: demo.users.zhangwei }); // claimed 10 days ago
    const admin = await loginAs({ url }, 'admin');
    const rep = await loginAs({ url }, 'zhangwei');
    expect((await sendJson('POST', `${url}/admin/pools/run`, {}, rep)).status).toBe(403);
    const preview = await sendJson('POST', `${url}/admin/pools/run`, undefined, admin);
    expect(preview.status).toBe(200);
    const parsed = recycleRunResponse.parse(preview.body);
    expect(parsed).toMatchObject({ dryRun: true, now: clock, moved: 1 });
    expect(parsed.byPool).toEqual([{ poolId: pool, moved: 1, warned: 0, byRule: { noFollowUp: 1 } }]);
    expect(await customer(a)).toMatchObject({ pool_state: 'private' });
    const unknown = await sendJson('POST', `${url}/admin/pools/run`, { poolId: newId() }, admin);
    expect(unknown).toMatchObject({ status: 404, body: { error: { field: 'poolId' } } });
    const bad = await sendJson('POST', `${url}/admin/pools/run`, { dryRun: 'yes' }, admin);
    expect(bad).toMatchObject({ status: 400, body: { error: { field: 'dryRun' } } });
    const real = await sendJson('POST', `${url}/admin/pools/run`, { dryRun: false, poolId: pool }, admin);
    expect(real).toMatchObject({ status: 200, body: { dryRun: false, moved: 1 } });
    expect(await customer(a)).toMatchObject({ pool_state: 'public', pool_id: pool });
  });
});
