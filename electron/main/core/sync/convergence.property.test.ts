import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../../shared/api/contract';
import { CUSTOMER_LEVELS } from '../../../../shared/domain/rows';
import { newId } from '../../../../shared/ids';
import { startTestServer, type TestServer } from '../../../../server/src/testing';
import { userDatabaseFile } from '../db/open';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir } from '../testing';

/**
 * SPEC §5 properties 1–3 as a property test: two devices of the same rep work on the same customers
 * through random sequences of writes, syncs, network cuts and lost push answers. Once the network is back
 * and both have synced, nothing typed is lost, nothing is applied twice, and each device's tables equal the
 * server's view of the rep's private sea.
 */

type Op =
  | { kind: 'log'; device: number; customer: number; content: string }
  | { kind: 'edit'; device: number; customer: number; level: (typeof CUSTOMER_LEVELS)[number] }
  | { kind: 'sync'; device: number }
  | { kind: 'network'; device: number; offline: boolean }
  | { kind: 'losePushAnswer'; device: number };

const device = fc.integer({ min: 0, max: 1 });
const customer = fc.integer({ min: 0, max: 3 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({
    kind: fc.constant('log' as const),
    device,
    customer,
    content: fc.string({ minLength: 1, maxLength: 20 }).filter((s) => s.trim().length > 0),
  }),
  fc.record({
    kind: fc.constant('edit' as const),
    device,
    customer,
    level: fc.constantFrom(...CUSTOMER_LEVELS),
  }),
  fc.record({ kind: fc.constant('sync' as const), device }),
  fc.record({ kind: fc.constant('network' as const), device, offline: fc.boolean() }),
  fc.record({ kind: fc.constant('losePushAnswer' as const), device }),
);

async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

type Device = { core: ClientCore; dataDir: string; net: { offline: boolean; losePushAnswers: number } };

describe('convergence (property)', () => {
  let server: TestServer;
  const temp = makeTempDir();
  let customerIds: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 24 });
    const rows = await server.query(
      "SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL ORDER BY id LIMIT 4",
      [server.demo.users.zhangwei],
    );
    customerIds = rows.map((r) => String(r.id));
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  async function openDevice(): Promise<Device> {
    const net = { offline: false, losePushAnswers: 0 };
    const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
      if (net.offline) throw new TypeError('fetch failed');
      const res = await fetch(input, init);
      if (String(input).endsWith('/sync/push') && net.losePushAnswers > 0) {
        net.losePushAnswers -= 1;
        await res.arrayBuffer();
        throw new TypeError('fetch failed: answer lost');
      }
      return res;
    }) as typeof fetch;
    const dataDir = `${temp.dir}/${newId()}`;
    const core = await createClientCore({
      dataDir,
      fetch: fetchFn,
      syncIntervalMs: 3_600_000,
      maxBackoffMs: 3_600_000,
    });
    await call(core, 'session.login', {
      serverUrl: server.url,
      username: 'zhangwei',
      password: 'tidepool123',
    });
    await core.syncNow();
    return { core, dataDir, net };
  }

  /** The server's view of the rep's scope, in the columns both sides store. */
  async function serverView() {
    const customers = await server.query(
      `SELECT id, name, level, industry, last_follow_up_at, updated_at, version FROM customers
        WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL ORDER BY id`,
      [server.demo.users.zhangwei],
    );
    const followUps = await server.query(
      `SELECT f.id, f.content, f.occurred_at, f.version FROM follow_ups f JOIN customers c ON c.id = f.customer_id
        WHERE c.owner_id = $1 AND c.pool_state = 'private' AND c.deleted_at IS NULL AND f.deleted_at IS NULL ORDER BY f.id`,
      [server.demo.users.zhangwei],
    );
    const num = (v: unknown) => (v === null ? null : Number(v));
    return {
      customers: customers.map((c) => ({
        ...c,
        last_follow_up_at: num(c.last_follow_up_at),
        updated_at: num(c.updated_at),
        version: num(c.version),
      })),
      followUps: followUps.map((f) => ({ ...f, occurred_at: num(f.occurred_at), version: num(f.version) })),
    };
  }

  function deviceView(d: Device) {
    const db = new Database(userDatabaseFile(d.dataDir, server.demo.users.zhangwei), { readonly: true });
    try {
      return {
        customers: db
          .prepare(
            'SELECT id, name, level, industry, last_follow_up_at, updated_at, version FROM customers ORDER BY id',
          )
          .all(),
        followUps: db.prepare('SELECT id, content, occurred_at, version FROM follow_ups ORDER BY id').all(),
        outbox: (db.prepare('SELECT count(*) AS n FROM outbox').get() as { n: number }).n,
        rejections: (db.prepare('SELECT count(*) AS n FROM rejections').get() as { n: number }).n,
      };
    } finally {
      db.close();
    }
  }

  it('every device converges to the server, every write applied exactly once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        const devices = [await openDevice(), await openDevice()];
        const logged: string[] = [];
        try {
          for (const o of ops) {
            const d = devices[o.device]!;
            switch (o.kind) {
              case 'log': {
                const { id } = await call(d.core, 'followUps.log', {
                  customerId: customerIds[o.customer]!,
                  contactId: null,
                  type: 'call',
                  content: o.content,
                  outcome: null,
                  occurredAt: Date.now() - 1000,
                  nextFollowUpAt: null,
                });
                logged.push(id);
                break;
              }
              case 'edit':
                await call(d.core, 'customers.update', {
                  id: customerIds[o.customer]!,
                  set: { level: o.level },
                });
                break;
              case 'sync':
                await d.core.syncNow();
                break;
              case 'network':
                d.net.offline = o.offline;
                break;
              case 'losePushAnswer':
                d.net.losePushAnswers += 1;
                break;
            }
          }
          for (const d of devices) {
            d.net.offline = false;
            d.net.losePushAnswers = 0;
          }
          // Push everything, then let each device hear the other.
          for (const d of [...devices, devices[0]!])
            expect(await d.core.syncNow()).toMatchObject({ online: true, pending: 0 });

          const counts = await server.query('SELECT id FROM follow_ups WHERE id = ANY($1::uuid[])', [logged]);
          expect(counts.map((r) => String(r.id)).sort()).toEqual([...logged].sort());
          const expected = await serverView();
          for (const d of devices) {
            const view = deviceView(d);
            expect(view.outbox).toBe(0);
            expect(view.rejections).toBe(0);
            expect(view.customers).toEqual(expected.customers);
            expect(view.followUps).toEqual(expected.followUps);
          }
        } finally {
          for (const d of devices) await d.core.close();
        }
      }),
      { numRuns: 12 },
    );
  });
});
