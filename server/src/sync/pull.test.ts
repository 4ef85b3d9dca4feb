import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { rowSchemas, SYNCED_TABLES, TABLE_SCOPE, type SyncedTable } from '../../../shared/domain/rows';
import {
  PROTOCOL_VERSION,
  MAX_PULL_LIMIT,
  pullResponseSchema,
  type PatchOp,
  type PullResponse,
} from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, type TestServer } from '../testing';
import { HAS_TOMBSTONES, SQL_TABLES } from '../db/wire';
import { encodeCursor } from './pull';

let server: TestServer;
const tokens: Record<string, string> = {};
const now = Date.now();

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 60 });
  for (const name of ['admin', 'wangfang', 'zhangwei', 'lina']) tokens[name] = await loginAs(server, name);
});
afterAll(async () => {
  await server?.close();
});

const token = (name: string) => tokens[name] ?? '';

async function pull(user: string, clientId: string, cursor: string | null, limit?: number) {
  const res = await postJson<PullResponse>(
    `${server.url}/sync/pull`,
    { protocolVersion: PROTOCOL_VERSION, clientId, cursor, ...(limit ? { limit } : {}) },
    token(user),
  );
  expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
  return pullResponseSchema.parse(res.body);
}

/** Pulls every page of a round; returns the ops of all pages and the final cursor. */
async function pullAll(user: string, clientId: string, cursor: string | null, limit?: number) {
  const ops: PatchOp[] = [];
  let pages = 0;
  for (;;) {
    const page = await pull(user, clientId, cursor, limit);
    pages++;
    ops.push(...page.patch);
    cursor = page.cursor;
    if (!page.hasMore) return { ops, cursor, pages };
  }
}

const puts = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'put' && op.table === table ? [op.row] : []));
const ids = (ops: PatchOp[], table: SyncedTable) => puts(ops, table).map((row) => String(row.id));

async function column(sqlText: string, params: unknown[] = []): Promise<string[]> {
  return (await server.query(sqlText, params)).map((r) => String(Object.values(r)[0])).sort();
}

/** `table:id` of every row of every child table (TABLE_SCOPE 'child') of a customer, live ones only. */
async function childKeys(customerId: string): Promise<string[]> {
  const keys: string[] = [];
  for (const table of SYNCED_TABLES.filter((t) => TABLE_SCOPE[t] === 'child')) {
    const live = HAS_TOMBSTONES[table] ? 'AND deleted_at IS NULL' : '';
    for (const id of await column(`SELECT id FROM ${SQL_TABLES[table]} WHERE customer_id = $1 ${live}`, [
      customerId,
    ])) {
      keys.push(`${table}:${id}`);
    }
  }
  return keys.sort();
}

async function bumpVersion(): Promise<number> {
  const [org] = await server.query('UPDATE orgs SET version = version + 1 RETURNING version::float8 AS v');
  return Number(org?.v);
}

describe('POST /sync/pull: full pull and scope', () => {
  it('gives a rep exactly their private sea: no other rep’s customer, contact or follow-up', async () => {
    const { ops } = await pullAll('zhangwei', newId(), null);
    expect(ops[0]).toEqual({ op: 'clear' });
    const me = server.demo.users.zhangwei;
    for (const row of puts(ops, 'customers'))
      expect(row).toMatchObject({ ownerId: me, poolState: 'private' });
    const mine = await column(`SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private'`, [
      me,
    ]);
    expect(ids(ops, 'customers').sort()).toEqual(mine);
    expect(ids(ops, 'contacts').sort()).toEqual(
      await column(`SELECT id FROM contacts WHERE customer_id = ANY($1::uuid[])`, [mine]),
    );
    expect(ids(ops, 'followUps').sort()).toEqual(
      await column(`SELECT id FROM follow_ups WHERE customer_id = ANY($1::uuid[])`, [mine]),
    );
    expect(ids(ops, 'users')).toHaveLength(4);
    // Every put is a valid wire row, exactly the shape of shared/domain/rows.ts.
    for (const op of ops) {
      if (op.op === 'put') expect(rowSchemas[op.table].strict().parse(op.row)).toEqual(op.row);
    }
  });

  it('gives a manager the private seas of their team, and an admin every private customer', async () => {
    const team = await column(
      `SELECT id FROM customers WHERE owner_id = ANY($1::uuid[]) AND pool_state = 'private'`,
      [[server.demo.users.zhangwei, server.demo.users.lina]],
    );
    const manager = await pullAll('wangfang', newId(), null);
    expect(ids(manager.ops, 'customers').sort()).toEqual(team);
    const admin = await pullAll('admin', newId(), null);
    expect(ids(admin.ops, 'customers').sort()).toEqual(
      await column(`SELECT id FROM customers WHERE pool_state = 'private'`),
    );
    expect(puts(admin.ops, 'customers').some((row) => row.poolState === 'public')).toBe(false);
  });

  it('pages a full pull: every row exactly once across pages, clear only on the first', async () => {
    const whole = await pullAll('wangfang', newId(), null);
    const paged = await pullAll('wangfang', newId(), null, 7);
    expect(paged.pages).toBeGreaterThan(10);
    expect(paged.ops.filter((op) => op.op === 'clear')).toHaveLength(1);
    const keys = paged.ops.flatMap((op) => (op.op === 'put' ? [`${op.table}:${String(op.row.id)}`] : []));
    expect(new Set(keys).size).toBe(keys.length);
    expect(paged.ops).toEqual(whole.ops);
  });
});

describe('POST /sync/pull: incremental', () => {
  it('returns just the change after a push, then nothing', async () => {
    const clientId = newId();
    const first = await pullAll('zhangwei', clientId, null);
    const customerId = ids(first.ops, 'customers')[0] ?? '';
    const followUpId = newId();
    const pushed = await postJson(
      `${server.url}/sync/push`,
      {
        protocolVersion: PROTOCOL_VERSION,
        clientId,
        mutations: [
          {
            id: 1,
            name: 'logFollowUp',
            args: {
              id: followUpId,
              customerId,
              type: 'visit',
              content: '上门拜访，确认二期需求',
              occurredAt: now,
            },
            createdAt: now,
          },
        ],
      },
      token('zhangwei'),
    );
    expect(pushed.status).toBe(200);
    const next = await pull('zhangwei', clientId, first.cursor);
    expect(next.hasMore).toBe(false);
    expect(next.lastMutationId).toBe(1);
    expect(next.patch.map((op) => (op.op === 'put' ? `${op.table}:${String(op.row.id)}` : op.op))).toEqual([
      `customers:${customerId}`,
      `followUps:${followUpId}`,
    ]);
    expect(puts(next.patch, 'customers')[0]).toMatchObject({ lastFollowUpAt: now });
    const idle = await pull('zhangwei', clientId, next.cursor);
    expect(idle.patch).toEqual([]);
    expect(idle.lastMutationId).toBe(1);
    // Another rep sees none of it.
    const lina = await pullAll('lina', newId(), null);
    expect(ids(lina.ops, 'followUps')).not.toContain(followUpId);
  });

  it('sends a deleted row as del', async () => {
    const clientId = newId();
    const first = await pullAll('lina', clientId, null);
    const followUpId = ids(first.ops, 'followUps')[0] ?? '';
    const v = await bumpVersion();
    await server.query('UPDATE follow_ups SET deleted_at = $1, version = $2 WHERE id = $3', [
      now,
      v,
      followUpId,
    ]);
    const next = await pull('lina', clientId, first.cursor);
    expect(next.patch).toEqual([{ op: 'del', table: 'followUps', id: followUpId }]);
  });

  it('moves a transferred customer with its children: del for the old owner, whole put for the new', async () => {
    const zClient = newId();
    const lClient = newId();
    const z0 = await pullAll('zhangwei', zClient, null);
    const l0 = await pullAll('lina', lClient, null);
    const m0 = await pullAll('wangfang', newId(), null);
    const customerId = ids(z0.ops, 'customers').at(-1) ?? '';
    const contacts = await column('SELECT id FROM contacts WHERE customer_id = $1', [customerId]);
    const followUps = await column('SELECT id FROM follow_ups WHERE customer_id = $1', [customerId]);
    expect(contacts.length).toBeGreaterThan(0);

    // A manager's transfer as the issue-3 operation will write it: new owner, history row, same version.
    const v = await bumpVersion();
    await server.query('UPDATE customers SET owner_id = $1, version = $2 WHERE id = $3', [
      server.demo.users.lina,
      v,
      customerId,
    ]);
    await server.query(
      `INSERT INTO ownership_history (id, org_id, customer_id, from_owner_id, to_owner_id, from_pool_state, to_pool_state,
         actor_type, actor_id, reason, at, version)
       VALUES ($1, $2, $3, $4, $5, 'private', 'private', 'user', $6, '团队调整', $7, $8)`,
      [
        newId(),
        server.demo.orgId,
        customerId,
        server.demo.users.zhangwei,
        server.demo.users.lina,
        server.demo.users.wangfang,
        now,
        v,
      ],
    );

    // Every child table follows the customer: contacts, follow-ups, opportunities, stage history, tasks and
    // its ownership history (the new entry included).
    const children = await childKeys(customerId);
    expect(children.some((k) => k.startsWith('ownershipEvents:'))).toBe(true);
    const z1 = await pullAll('zhangwei', zClient, z0.cursor);
    expect(z1.ops.filter((op) => op.op !== 'del')).toEqual([]);
    expect(z1.ops.map((op) => (op.op === 'del' ? `${op.table}:${op.id}` : '')).sort()).toEqual(
      [`customers:${customerId}`, ...children].sort(),
    );

    const l1 = await pullAll('lina', lClient, l0.cursor);
    expect(l1.ops.filter((op) => op.op !== 'put')).toEqual([]);
    expect(ids(l1.ops, 'customers')).toEqual([customerId]);
    expect(ids(l1.ops, 'contacts').sort()).toEqual(contacts);
    expect(ids(l1.ops, 'followUps').sort()).toEqual(followUps);
    expect(
      l1.ops
        .flatMap((op) =>
          op.op === 'put' && op.table !== 'customers' ? [`${op.table}:${String(op.row.id)}`] : [],
        )
        .sort(),
    ).toEqual(children);

    // For the manager the customer stays in scope: a put (its children are resent as for any move), no del.
    const m1 = await pullAll('wangfang', newId(), m0.cursor);
    expect(ids(m1.ops, 'customers')).toEqual([customerId]);
    expect(m1.ops.some((op) => op.op === 'del')).toBe(false);
  });

  it('pages an incremental round too, every change once', async () => {
    const clientId = newId();
    const first = await pullAll('wangfang', clientId, null);
    const v = await bumpVersion();
    await server.query(
      `UPDATE follow_ups SET content = content || '（已复核）', version = $1 WHERE id IN (
      SELECT id FROM follow_ups ORDER BY id LIMIT 25)`,
      [v],
    );
    const changed = await column(
      `SELECT f.id FROM follow_ups f JOIN customers c ON c.id = f.customer_id
      WHERE f.version = $1 AND c.pool_state = 'private' AND f.deleted_at IS NULL`,
      [v],
    );
    const paged = await pullAll('wangfang', clientId, first.cursor, 4);
    expect(paged.pages).toBeGreaterThan(3);
    expect(ids(paged.ops, 'followUps').sort()).toEqual(changed);
    // A tombstone among the changed rows (deleted by an earlier test) travels as del.
    const dels = paged.ops.flatMap((op) => (op.op === 'del' ? [op.id] : []));
    expect(dels).toEqual(
      await column(
        `SELECT f.id FROM follow_ups f JOIN customers c ON c.id = f.customer_id
        WHERE f.version = $1 AND c.pool_state = 'private' AND f.deleted_at IS NOT NULL`,
        [v],
      ),
    );
  });
});

describe('POST /sync/pull: bad requests', () => {
  it('answers a malformed pull with 400 naming the field', async () => {
    const url = `${server.url}/sync/pull`;
    const base = { protocolVersion: PROTOCOL_VERSION, clientId: newId(), cursor: null };
    const cases: [unknown, string][] = [
      [{ ...base, cursor: 'garbage!' }, 'cursor'],
      [{ ...base, cursor: encodeCursor({ u: newId(), v: 1, m: 0 }).slice(0, -3) }, 'cursor'],
      [{ ...base, cursor: Buffer.from('{"v":"1"}').toString('base64url') }, 'cursor'],
      [{ ...base, limit: MAX_PULL_LIMIT + 1 }, 'limit'],
      [{ ...base, limit: 0 }, 'limit'],
      [{ ...base, clientId: 7 }, 'clientId'],
      [{ ...base, cursor: 'x'.repeat(1001) }, 'cursor'],
    ];
    for (const [body, field] of cases) {
      const res = await postJson(url, body, token('zhangwei'));
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body).toMatchObject({ error: { field } });
    }
  });

  it('answers an old protocol version with 426', async () => {
    const res = await postJson(
      `${server.url}/sync/pull`,
      { protocolVersion: 0, clientId: newId(), cursor: null },
      token('zhangwei'),
    );
    expect(res.status).toBe(426);
    expect(res.body).toMatchObject({ error: { code: 'upgrade_required' } });
  });

  it('restarts with a full pull when a cursor is from another user or a reset database', async () => {
    const foreign = encodeCursor({ u: server.demo.users.lina, v: 1, m: 0, l: 3 });
    const future = encodeCursor({ u: server.demo.users.zhangwei, v: 1_000_000, m: 0, l: 3 });
    for (const cursor of [foreign, future]) {
      const page = await pull('zhangwei', newId(), cursor);
      expect(page.patch[0]).toEqual({ op: 'clear' });
    }
  });
});
