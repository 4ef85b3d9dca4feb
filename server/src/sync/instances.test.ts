import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { PROTOCOL_VERSION, type PushResponse } from '../../../shared/sync/protocol';
import { buildServer } from '../app';
import { openServerDatabase, type ServerDb } from '../db/database';
import { seedDemo, type DemoSummary } from '../seed/demo';
import {
  loginAs,
  openEvents,
  openTestDatabase,
  postJson,
  type EventStream,
  type TestDatabase,
} from '../testing';

/**
 * Two server processes' worth of app (each with its own connection pool and LISTEN connection) on one
 * PostgreSQL database, devices spread over both, racing duplicate pushes and a manager's transfers: no
 * mutation lost or applied twice, no lost update of a customer, and pokes crossing instances. PGlite is
 * one process by nature, so there is nothing to share there.
 */
const onPostgres = process.env.TIDEPOOL_TEST_DB === 'postgres';

describe.runIf(onPostgres)('two server instances on one PostgreSQL (TIDEPOOL_TEST_DB=postgres only)', () => {
  let test: TestDatabase;
  let second: ServerDb;
  let demo: DemoSummary;
  const apps: FastifyInstance[] = [];
  const urls: string[] = [];
  const streams: EventStream[] = [];

  beforeAll(async () => {
    test = await openTestDatabase();
    demo = await seedDemo(test.db, { customers: 30 });
    second = await openServerDatabase({ databaseUrl: test.url });
    for (const db of [test.db, second]) {
      const app = buildServer({ db });
      apps.push(app);
      urls.push((await app.listen({ host: '127.0.0.1', port: 0 })).replace(/\/$/, ''));
    }
  });
  afterAll(async () => {
    for (const s of streams) s.close();
    for (const app of apps) await app.close();
    await second?.close();
    await test?.close();
  });

  const url = (i: number) => urls[i % 2] ?? '';
  const query = (text: string, params?: unknown[]) => test.db.query(text, params);

  it('applies every mutation exactly once and loses no update under racing duplicates and transfers', async () => {
    const tokens = {
      zhangwei: await loginAs({ url: url(0) }, 'zhangwei'),
      lina: await loginAs({ url: url(1) }, 'lina'),
      wangfang: await loginAs({ url: url(0) }, 'wangfang'),
    };
    const customers = (await query(
      `SELECT id, owner_id AS owner FROM customers WHERE pool_state = 'private' AND owner_id = ANY($1::uuid[]) ORDER BY id`,
      [[demo.users.zhangwei, demo.users.lina]],
    )) as { id: string; owner: string }[];
    const before = new Map(
      (await query('SELECT id, last_follow_up_at::float8 AS last FROM customers')).map((r) => [
        String(r.id),
        r.last === null ? null : Number(r.last),
      ]),
    );
    const now = Date.now();
    const pushed: {
      clientId: string;
      id: number;
      followUpId: string;
      customerId: string;
      occurredAt: number;
    }[] = [];

    /** A rep's device: batches of follow-ups, each batch sent to both instances at once (a racing retry). */
    const rep = async (user: 'zhangwei' | 'lina', device: number) => {
      const clientId = newId();
      const mine = customers.filter((c) => c.owner === demo.users[user]);
      let next = 1;
      for (let round = 0; round < 6; round++) {
        const batch = Array.from({ length: 5 }, (_, k) => {
          const customerId = mine[(round * 5 + k + device) % mine.length]?.id ?? '';
          const occurredAt = now - 3_600_000 + pushed.length * 1000 + device;
          const m = {
            id: next++,
            name: 'logFollowUp',
            args: { id: newId(), customerId, type: 'call', content: `第${round}轮沟通`, occurredAt },
            createdAt: now,
          };
          pushed.push({ clientId, id: m.id, followUpId: m.args.id, customerId, occurredAt });
          return m;
        });
        const body = { protocolVersion: PROTOCOL_VERSION, clientId, mutations: batch };
        const answers = await Promise.all(
          [0, 1].map((i) => postJson<PushResponse>(`${url(i + device)}/sync/push`, body, tokens[user])),
        );
        for (const a of answers) expect(a.status, JSON.stringify(a.body)).toBe(200);
      }
    };

    /** The manager moves customers between the two reps meanwhile, through both instances. */
    const manager = async () => {
      const clientId = newId();
      for (let i = 0; i < 8; i++) {
        const c = customers[i * 3];
        if (!c) break;
        const to = c.owner === demo.users.zhangwei ? demo.users.lina : demo.users.zhangwei;
        const mutations = [
          {
            id: i + 1,
            name: 'transferCustomer',
            args: { customerId: c.id, toUserId: to, reason: '轮换' },
            createdAt: now,
          },
        ];
        const res = await postJson<PushResponse>(
          `${url(i)}/sync/push`,
          { protocolVersion: PROTOCOL_VERSION, clientId, mutations },
          tokens.wangfang,
        );
        expect(res.status).toBe(200);
      }
    };

    await Promise.all([rep('zhangwei', 0), rep('zhangwei', 1), rep('lina', 0), rep('lina', 1), manager()]);

    // Exactly once: each pushed follow-up is either stored once, or refused once (its customer was
    // transferred away first) — never both, never twice; every device's last id is its last mutation.
    const stored = new Set(
      (
        await query('SELECT id FROM follow_ups WHERE id = ANY($1::uuid[])', [pushed.map((p) => p.followUpId)])
      ).map((r) => String(r.id)),
    );
    const refused = new Set(
      (await query('SELECT client_id, mutation_id FROM mutation_rejections')).map(
        (r) => `${String(r.client_id)}:${String(r.mutation_id)}`,
      ),
    );
    for (const p of pushed) {
      expect(stored.has(p.followUpId) !== refused.has(`${p.clientId}:${p.id}`), JSON.stringify(p)).toBe(true);
    }
    const lastIds = await query('SELECT count(*)::int AS n FROM sync_clients WHERE last_mutation_id = 30');
    expect(lastIds[0]?.n).toBe(4);
    expect(
      await query('SELECT count(*)::int AS n FROM ownership_history WHERE reason = $1', ['轮换']),
    ).toEqual([{ n: 8 }]);

    // No lost update: each customer's lastFollowUpAt is the latest of its stored follow-ups.
    const latest = new Map<string, number>();
    for (const p of pushed) {
      if (stored.has(p.followUpId))
        latest.set(p.customerId, Math.max(latest.get(p.customerId) ?? 0, p.occurredAt));
    }
    expect(latest.size).toBeGreaterThan(5);
    const after = await query(
      'SELECT id, last_follow_up_at::float8 AS last FROM customers WHERE id = ANY($1::uuid[])',
      [[...latest.keys()]],
    );
    for (const row of after) {
      const id = String(row.id);
      expect(Number(row.last)).toBe(Math.max(before.get(id) ?? 0, latest.get(id) ?? 0));
    }
  });

  it('pokes a device on one instance within a second of a transfer pushed through the other', async () => {
    const lina = await loginAs({ url: url(0) }, 'lina');
    const manager = await loginAs({ url: url(1) }, 'wangfang');
    const stream = await openEvents(url(0), lina);
    streams.push(stream);
    await stream.nextPoke(2000, 0);
    const [c] = await query(
      `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' LIMIT 1`,
      [demo.users.zhangwei],
    );
    const sent = Date.now();
    const res = await postJson<PushResponse>(
      `${url(1)}/sync/push`,
      {
        protocolVersion: PROTOCOL_VERSION,
        clientId: newId(),
        mutations: [
          {
            id: 1,
            name: 'transferCustomer',
            args: { customerId: c?.id, toUserId: demo.users.lina, reason: '跨实例' },
            createdAt: sent,
          },
        ],
      },
      manager,
    );
    expect(res.body.rejections).toEqual([]);
    expect((await stream.nextPoke(1000, sent)) - sent).toBeLessThan(1000);
  });
});
