import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import { PROTOCOL_VERSION, type PushResponse, type PullResponse } from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, type TestServer } from '../testing';

let server: TestServer;
let zhangwei: string;
let lina: string;
let zhangweiCustomer: string;
let linaCustomer: string;
const now = Date.now();

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 30 });
  zhangwei = await loginAs(server, 'zhangwei');
  lina = await loginAs(server, 'lina');
  const owned = async (userId: string) =>
    String(
      (
        await server.query(
          `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' ORDER BY id LIMIT 1`,
          [userId],
        )
      )[0]?.id,
    );
  zhangweiCustomer = await owned(server.demo.users.zhangwei);
  linaCustomer = await owned(server.demo.users.lina);
});
afterAll(async () => {
  await server?.close();
});

type Mutation = { id: number; name: string; args: unknown; createdAt: number };

const push = (token: string, clientId: string, mutations: Mutation[], protocolVersion = PROTOCOL_VERSION) =>
  postJson<PushResponse>(`${server.url}/sync/push`, { protocolVersion, clientId, mutations }, token);

const followUp = (id: number, customerId: string, content = `第${id}次电话沟通报价`): Mutation => ({
  id,
  name: 'logFollowUp',
  args: { id: newId(), customerId, type: 'call', content, occurredAt: now - 60_000 * (100 - id) },
  createdAt: now,
});

const count = async (sqlText: string, params: unknown[] = []) =>
  Number((await server.query(`SELECT count(*)::int AS n FROM ${sqlText}`, params))[0]?.n);

describe('POST /sync/push', () => {
  it('applies a logFollowUp and moves the customer’s lastFollowUpAt, stamped with a new org version', async () => {
    const clientId = newId();
    const [before] = await server.query('SELECT version::float8 AS v FROM orgs');
    const m = followUp(1, zhangweiCustomer);
    const { status, body } = await push(zhangwei, clientId, [m]);
    expect(status).toBe(200);
    expect(body).toEqual({ lastMutationId: 1, rejections: [] });
    const args = m.args as { id: string; occurredAt: number };
    const [row] = await server.query(
      `SELECT f.author_id, f.version::float8 AS fv, c.last_follow_up_at::float8 AS last, c.version::float8 AS cv
       FROM follow_ups f JOIN customers c ON c.id = f.customer_id WHERE f.id = $1`,
      [args.id],
    );
    expect(row).toMatchObject({ author_id: server.demo.users.zhangwei, last: args.occurredAt });
    expect(row?.fv).toBe(Number(before?.v) + 1);
    expect(row?.cv).toBe(row?.fv);
  });

  it('applies a push retried after the server committed exactly once', async () => {
    const clientId = newId();
    const batch = [followUp(1, zhangweiCustomer), followUp(2, zhangweiCustomer)];
    const ids = batch.map((m) => (m.args as { id: string }).id);
    const first = await push(zhangwei, clientId, batch);
    const again = await push(zhangwei, clientId, batch);
    expect(first.body).toEqual({ lastMutationId: 2, rejections: [] });
    expect(again.body).toEqual({ lastMutationId: 2, rejections: [] });
    expect(await count('follow_ups WHERE id = ANY($1::uuid[])', [ids])).toBe(2);
  });

  it('applies duplicated and out-of-order batches in id order, each once', async () => {
    const clientId = newId();
    const customerId = newId();
    const create: Mutation = {
      id: 1,
      name: 'createCustomer',
      args: { id: customerId, name: `上海乱序测试机械有限公司${clientId.slice(-6)}` },
      createdAt: now,
    };
    // The follow-up needs the customer: it only works if 1 runs before 2.
    const log = followUp(2, customerId);
    const res = await push(zhangwei, clientId, [log, create, log, create]);
    expect(res.body).toEqual({ lastMutationId: 2, rejections: [] });
    expect(await count('follow_ups WHERE customer_id = $1', [customerId])).toBe(1);
    // A batch overlapping what was applied applies only the new tail.
    const next = followUp(3, customerId);
    expect((await push(zhangwei, clientId, [create, log, next])).body).toEqual({
      lastMutationId: 3,
      rejections: [],
    });
    expect(await count('follow_ups WHERE customer_id = $1', [customerId])).toBe(2);
  });

  it('refuses a gap with 409 and applies nothing of that push', async () => {
    const clientId = newId();
    expect((await push(zhangwei, clientId, [followUp(1, zhangweiCustomer)])).status).toBe(200);
    const before = await count('follow_ups');
    const gap = await push(zhangwei, clientId, [
      followUp(2, zhangweiCustomer),
      followUp(4, zhangweiCustomer),
    ]);
    expect(gap.status).toBe(409);
    expect(gap.body).toMatchObject({ error: { code: 'conflict', params: { expected: 3, got: 4 } } });
    expect(await count('follow_ups')).toBe(before);
    const [client] = await server.query('SELECT last_mutation_id FROM sync_clients WHERE client_id = $1', [
      clientId,
    ]);
    expect(client?.last_mutation_id).toBe(1);
  });

  it('accepts a client it has never seen whose outbox starts above 1 (server reset), from that id on', async () => {
    // The device kept mutations 7 and 8 while the server's database was restored without its client row:
    // a 409 would block it forever; its first pushed id becomes the baseline instead.
    const clientId = newId();
    const batch = [followUp(8, zhangweiCustomer), followUp(7, zhangweiCustomer)];
    const first = await push(zhangwei, clientId, batch);
    expect(first.body).toEqual({ lastMutationId: 8, rejections: [] });
    const ids = batch.map((m) => (m.args as { id: string }).id);
    expect(await count('follow_ups WHERE id = ANY($1::uuid[])', [ids])).toBe(2);
    // From then on the usual rules hold: a retry is skipped, a gap is refused.
    expect((await push(zhangwei, clientId, batch)).body).toEqual({ lastMutationId: 8, rejections: [] });
    expect((await push(zhangwei, clientId, [followUp(10, zhangweiCustomer)])).status).toBe(409);
    expect(await count('follow_ups WHERE id = ANY($1::uuid[])', [ids])).toBe(2);
  });

  it('answers a malformed push with 400 naming the problem, and changes nothing', async () => {
    const clientsBefore = await count('sync_clients');
    const followUpsBefore = await count('follow_ups');
    const url = `${server.url}/sync/push`;
    const good = {
      protocolVersion: PROTOCOL_VERSION,
      clientId: newId(),
      mutations: [followUp(1, zhangweiCustomer)],
    };
    const cases: [unknown, RegExp][] = [
      [{ ...good, clientId: 'not-a-uuid' }, /clientId/],
      [{ ...good, mutations: 'all of them' }, /mutations/],
      [{ ...good, mutations: [] }, /mutations/],
      [{ ...good, mutations: [{ ...good.mutations[0], id: '1' }] }, /mutations\.0\.id/],
      [
        { ...good, mutations: Array.from({ length: 501 }, (_, i) => followUp(i + 1, zhangweiCustomer)) },
        /mutations/,
      ],
      [{ ...good, protocolVersion: 'one' }, /protocolVersion/],
      ['[1,2', /JSON/i],
    ];
    for (const [body, message] of cases) {
      const res = await postJson<{ error: { code: string; message: string } }>(url, body, zhangwei);
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(res.body.error.message).toMatch(message);
    }
    const huge = await postJson(url, { ...good, padding: 'x'.repeat(6 * 1024 * 1024) }, zhangwei);
    expect(huge.status).toBe(413);
    expect(huge.body).toMatchObject({ error: { message: expect.stringMatching(/too large/i) } });
    expect(await count('sync_clients')).toBe(clientsBefore);
    expect(await count('follow_ups')).toBe(followUpsBefore);
  });

  it('answers an old protocol version with 426, even when the rest no longer parses', async () => {
    const res = await postJson(`${server.url}/sync/push`, { protocolVersion: 0, clientId: 42 }, zhangwei);
    expect(res.status).toBe(426);
    expect(res.body).toMatchObject({ error: { code: 'upgrade_required', field: 'protocolVersion' } });
  });

  it('records a refused mutation as a rejection, acknowledges it and goes on with the queue', async () => {
    const clientId = newId();
    const refused = followUp(1, linaCustomer, '越权跟进：这是李娜的客户');
    const badArgs: Mutation = {
      id: 2,
      name: 'logFollowUp',
      args: { customerId: zhangweiCustomer },
      createdAt: now,
    };
    const unknown: Mutation = { id: 3, name: 'launchRocket', args: {}, createdAt: now };
    const strictArgs: Mutation = {
      id: 4,
      name: 'updateCustomer',
      args: { id: zhangweiCustomer, set: { ownerId: server.demo.users.zhangwei } },
      createdAt: now,
    };
    const fine = followUp(5, zhangweiCustomer);
    const { status, body } = await push(zhangwei, clientId, [refused, badArgs, unknown, strictArgs, fine]);
    expect(status).toBe(200);
    expect(body.lastMutationId).toBe(5);
    expect(body.rejections.map((r) => [r.mutationId, r.error.code, r.error.field])).toEqual([
      [1, 'not_found', 'customerId'],
      [2, 'validation', 'id'],
      [3, 'bad_request', 'name'],
      [4, 'validation', 'set'],
    ]);
    expect(body.rejections[1]?.error.message).toMatch(/^args\.id: /);
    expect(
      await count('follow_ups WHERE customer_id = $1 AND author_id = $2', [
        linaCustomer,
        server.demo.users.zhangwei,
      ]),
    ).toBe(0);
    expect(await count('follow_ups WHERE id = $1', [(fine.args as { id: string }).id])).toBe(1);

    // The next pull delivers the rejections with the user's values.
    const pulled = await postJson<PullResponse>(
      `${server.url}/sync/pull`,
      { protocolVersion: PROTOCOL_VERSION, clientId, cursor: null },
      zhangwei,
    );
    expect(pulled.body.lastMutationId).toBe(5);
    expect(pulled.body.rejections.map((r) => r.mutationId)).toEqual([1, 2, 3, 4]);
    expect(pulled.body.rejections[0]).toMatchObject({
      name: 'logFollowUp',
      args: refused.args,
      error: { code: 'not_found' },
    });
    // …once: the pull after it (cursor carries the acknowledged id) has none.
    const after = await postJson<PullResponse>(
      `${server.url}/sync/pull`,
      { protocolVersion: PROTOCOL_VERSION, clientId, cursor: pulled.body.cursor },
      zhangwei,
    );
    expect(after.body.rejections).toEqual([]);
  });

  it('refuses a duplicate customer name per org as a rejection of code duplicate', async () => {
    const [existing] = await server.query(`SELECT name FROM customers WHERE owner_id = $1 LIMIT 1`, [
      server.demo.users.lina,
    ]);
    const res = await push(zhangwei, newId(), [
      {
        id: 1,
        name: 'createCustomer',
        args: { id: newId(), name: ` ${String(existing?.name)} ` },
        createdAt: now,
      },
    ]);
    expect(res.body.rejections[0]?.error).toMatchObject({ code: 'duplicate', field: 'name' });
  });

  it('refuses a client id that belongs to another user with 403', async () => {
    const clientId = newId();
    expect((await push(zhangwei, clientId, [followUp(1, zhangweiCustomer)])).status).toBe(200);
    const res = await push(lina, clientId, [followUp(2, linaCustomer)]);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error: { code: 'forbidden', field: 'clientId' } });
  });

  it('serialises concurrent pushes of one org without losing or doubling a mutation', async () => {
    const clients = [newId(), newId(), newId()];
    const results = await Promise.all(
      clients.flatMap((clientId) => [
        push(zhangwei, clientId, [followUp(1, zhangweiCustomer), followUp(2, zhangweiCustomer)]),
        push(zhangwei, clientId, [
          followUp(1, zhangweiCustomer),
          followUp(2, zhangweiCustomer),
          followUp(3, zhangweiCustomer),
        ]),
      ]),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const rows = await server.query(
      `SELECT client_id, last_mutation_id FROM sync_clients WHERE client_id = ANY($1::uuid[])`,
      [clients],
    );
    expect(rows.map((r) => r.last_mutation_id)).toEqual([3, 3, 3]);
  });
});
