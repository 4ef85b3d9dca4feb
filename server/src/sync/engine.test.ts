import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/ids';
import {
  MIN_SUPPORTED_PROTOCOL_VERSION,
  PROTOCOL_VERSION,
  pullResponseSchema,
  type PatchOp,
  type PullResponse,
  type PushResponse,
} from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, type TestServer } from '../testing';
import { encodeCursor } from './pull';

/**
 * Issue 3 on the server: transfers move customers between devices whole, same-field edits become
 * conflicts delivered to their author, refused mutations re-fetch what they touched, full pulls report
 * progress, both protocol versions are served and a cursor the database cannot honour resets safely.
 */
let server: TestServer;
const tokens: Record<string, string> = {};
const now = Date.now();

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 40 });
  for (const name of ['admin', 'wangfang', 'zhangwei', 'lina']) tokens[name] = await loginAs(server, name);
});
afterAll(async () => {
  await server?.close();
});

type User = 'admin' | 'wangfang' | 'zhangwei' | 'lina';
type Mutation = { id: number; name: string; args: unknown; createdAt: number };

/** A device: its clientId, its next mutation id and its cursor. */
class Device {
  readonly clientId = newId();
  next = 1;
  cursor: string | null = null;
  constructor(
    readonly user: User,
    readonly protocolVersion = PROTOCOL_VERSION,
  ) {}

  async push(name: string, args: unknown): Promise<PushResponse> {
    const m: Mutation = { id: this.next++, name, args, createdAt: now };
    const res = await postJson<PushResponse>(
      `${server.url}/sync/push`,
      { protocolVersion: this.protocolVersion, clientId: this.clientId, mutations: [m] },
      tokens[this.user],
    );
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  }

  /** Pulls a whole round; returns every page. */
  async pull(limit?: number): Promise<PullResponse[]> {
    const pages: PullResponse[] = [];
    for (;;) {
      const res = await postJson<PullResponse>(
        `${server.url}/sync/pull`,
        {
          protocolVersion: this.protocolVersion,
          clientId: this.clientId,
          cursor: this.cursor,
          ...(limit ? { limit } : {}),
        },
        tokens[this.user],
      );
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
      const page = pullResponseSchema.parse(res.body);
      pages.push(page);
      this.cursor = page.cursor;
      if (!page.hasMore) return pages;
    }
  }
}

const ops = (pages: PullResponse[]) => pages.flatMap((p) => p.patch);
const putIds = (list: PatchOp[], table: string) =>
  list.flatMap((op) => (op.op === 'put' && op.table === table ? [String(op.row.id)] : [])).sort();
const delIds = (list: PatchOp[], table: string) =>
  list.flatMap((op) => (op.op === 'del' && op.table === table ? [op.id] : [])).sort();

async function ids(sqlText: string, params: unknown[]): Promise<string[]> {
  return (await server.query(sqlText, params)).map((r) => String(r.id)).sort();
}

/** A customer of `owner` with at least one contact and one follow-up. */
async function customerWithChildren(owner: User): Promise<string> {
  const [row] = await server.query(
    `SELECT c.id FROM customers c WHERE c.owner_id = $1 AND c.pool_state = 'private' AND c.deleted_at IS NULL
       AND EXISTS (SELECT 1 FROM contacts x WHERE x.customer_id = c.id)
       AND EXISTS (SELECT 1 FROM follow_ups f WHERE f.customer_id = c.id)
     ORDER BY c.id LIMIT 1`,
    [server.demo.users[owner]],
  );
  return String(row?.id);
}

describe('transferCustomer: a scope change moves the customer whole', () => {
  it('takes it off the old owner’s device with its children and puts it whole on the new owner’s', async () => {
    const zhangwei = new Device('zhangwei');
    const lina = new Device('lina');
    const manager = new Device('wangfang');
    await Promise.all([zhangwei.pull(), lina.pull(), manager.pull()]);
    const customerId = await customerWithChildren('zhangwei');
    const contacts = await ids('SELECT id FROM contacts WHERE customer_id = $1', [customerId]);
    const followUps = await ids('SELECT id FROM follow_ups WHERE customer_id = $1', [customerId]);

    const res = await manager.push('transferCustomer', {
      customerId,
      toUserId: server.demo.users.lina,
      reason: '区域调整',
    });
    expect(res.rejections).toEqual([]);
    const [history] = await server.query(
      `SELECT from_owner_id, to_owner_id, to_pool_state, actor_type, actor_id, reason,
              h.version::float8 AS hv, c.version::float8 AS cv, c.owner_id, c.claimed_at::float8 AS claimed
       FROM ownership_history h JOIN customers c ON c.id = h.customer_id WHERE h.customer_id = $1
       ORDER BY h.version DESC LIMIT 1`,
      [customerId],
    );
    expect(history).toMatchObject({
      from_owner_id: server.demo.users.zhangwei,
      to_owner_id: server.demo.users.lina,
      to_pool_state: 'private',
      actor_type: 'user',
      actor_id: server.demo.users.wangfang,
      reason: '区域调整',
      owner_id: server.demo.users.lina,
    });
    expect(history?.hv).toBe(history?.cv);
    expect(Number(history?.claimed)).toBeGreaterThan(0);

    const gone = ops(await zhangwei.pull());
    expect(delIds(gone, 'customers')).toEqual([customerId]);
    expect(delIds(gone, 'contacts')).toEqual(contacts);
    expect(delIds(gone, 'followUps')).toEqual(followUps);

    const arrived = ops(await lina.pull());
    expect(putIds(arrived, 'customers')).toEqual([customerId]);
    expect(putIds(arrived, 'contacts')).toEqual(contacts);
    expect(putIds(arrived, 'followUps')).toEqual(followUps);

    // The manager sees both reps: the customer stays, with its new owner.
    const managerOps = ops(await manager.pull());
    expect(delIds(managerOps, 'customers')).toEqual([]);
    const put = managerOps.find((op) => op.op === 'put' && op.table === 'customers');
    expect(put).toMatchObject({ row: { id: customerId, ownerId: server.demo.users.lina } });
  });

  it('refuses a rep’s transfer as a rejection, and a stale edit of the customer that left comes back too', async () => {
    const zhangwei = new Device('zhangwei');
    await zhangwei.pull();
    const customerId = await customerWithChildren('zhangwei');
    const refused = await zhangwei.push('transferCustomer', {
      customerId,
      toUserId: server.demo.users.lina,
      reason: '想转给李娜',
    });
    expect(refused.rejections).toEqual([
      { mutationId: 1, name: 'transferCustomer', error: expect.objectContaining({ code: 'forbidden' }) },
    ]);
    // The manager moves it away while zhangwei's device, offline, edits it.
    const manager = new Device('wangfang');
    await manager.push('transferCustomer', { customerId, toUserId: server.demo.users.lina, reason: '调整' });
    const stale = await zhangwei.push('updateCustomer', { id: customerId, set: { level: 'A' } });
    expect(stale.rejections).toMatchObject([{ mutationId: 2, error: { code: 'not_found', field: 'id' } }]);
    const [page] = await zhangwei.pull();
    expect(page?.rejections.map((r) => [r.mutationId, r.args])).toEqual([
      [1, { customerId, toUserId: server.demo.users.lina, reason: '想转给李娜' }],
      [2, { id: customerId, set: { level: 'A' } }],
    ]);
    expect(delIds(page?.patch ?? [], 'customers')).toContain(customerId);
    expect(await server.query('SELECT level FROM customers WHERE id = $1', [customerId])).not.toEqual([
      { level: 'A' },
    ]);
  });
});

describe('field-level merge on the server', () => {
  it('keeps edits to different fields, and turns the later same-field edit into a conflict for its author', async () => {
    const a = new Device('zhangwei');
    const b = new Device('wangfang');
    await Promise.all([a.pull(), b.pull()]);
    const customerId = await customerWithChildren('zhangwei');
    const [before] = await server.query('SELECT phone, industry, region FROM customers WHERE id = $1', [
      customerId,
    ]);
    // Both devices saw `before`. a edits phone and industry; b edits phone and region, reaching the server later.
    await a.push('updateCustomer', {
      id: customerId,
      set: { phone: '021-68881111', industry: '新能源设备' },
      base: { phone: before?.phone ?? null, industry: before?.industry ?? null },
    });
    const late = await b.push('updateCustomer', {
      id: customerId,
      set: { phone: '021-68882222', region: '江苏省苏州市' },
      base: { phone: before?.phone ?? null, region: before?.region ?? null },
    });
    expect(late.rejections).toEqual([]);
    expect(
      await server.query('SELECT phone, industry, region FROM customers WHERE id = $1', [customerId]),
    ).toEqual([{ phone: '021-68881111', industry: '新能源设备', region: '江苏省苏州市' }]);
    const [conflict] = await server.query('SELECT client_id, field, mine, theirs FROM sync_conflicts');
    expect(conflict).toEqual({
      client_id: b.clientId,
      field: 'phone',
      mine: '021-68882222',
      theirs: '021-68881111',
    });

    // Delivered once to b, with the server's row re-sent; never to a.
    const [first] = await b.pull();
    expect(first?.conflicts).toEqual([
      {
        mutationId: 1,
        name: 'updateCustomer',
        table: 'customers',
        id: customerId,
        field: 'phone',
        base: before?.phone ?? null,
        mine: '021-68882222',
        theirs: '021-68881111',
      },
    ]);
    const put = first?.patch.find(
      (op) => op.op === 'put' && op.table === 'customers' && op.row.id === customerId,
    );
    expect(put).toMatchObject({ row: { phone: '021-68881111', region: '江苏省苏州市' } });
    expect((await b.pull())[0]?.conflicts).toEqual([]);
    expect((await a.pull())[0]?.conflicts).toEqual([]);
  });

  it('re-fetches the rows of a rejected mutation so the device drops its optimistic values', async () => {
    const device = new Device('zhangwei');
    await device.pull();
    const [two] = await server.query(
      `SELECT id, name FROM customers WHERE owner_id = $1 AND pool_state = 'private' ORDER BY id LIMIT 2 OFFSET 3`,
      [server.demo.users.zhangwei],
    );
    const [other] = await server.query(
      `SELECT name FROM customers WHERE owner_id = $1 AND pool_state = 'private' ORDER BY id LIMIT 1 OFFSET 6`,
      [server.demo.users.zhangwei],
    );
    // Renaming to another customer's name is refused as a duplicate; the device showed the new name.
    const res = await device.push('updateCustomer', { id: two?.id, set: { name: other?.name } });
    expect(res.rejections).toMatchObject([{ error: { code: 'duplicate', field: 'name' } }]);
    const [page] = await device.pull();
    expect(page?.rejections).toHaveLength(1);
    const put = page?.patch.find(
      (op) => op.op === 'put' && op.table === 'customers' && op.row.id === two?.id,
    );
    expect(put).toMatchObject({ row: { name: two?.name } });
  });
});

describe('full pull progress', () => {
  it('announces the total on the first page and the running count on every page', async () => {
    const device = new Device('wangfang');
    const pages = await device.pull(25);
    expect(pages.length).toBeGreaterThan(3);
    const puts = ops(pages).filter((op) => op.op === 'put').length;
    const sent = pages.map((p) => p.progress?.sent);
    expect(pages.every((p) => p.progress?.total === puts)).toBe(true);
    expect(sent[0]).toBe(25);
    expect(sent.at(-1)).toBe(puts);
    expect([...sent].sort((x, y) => Number(x) - Number(y))).toEqual(sent);
    // An incremental pull does not claim to be a first sync.
    expect((await device.pull())[0]?.progress).toBeUndefined();
  });
});

describe('protocol versions', () => {
  it('serves protocol 3 (the edit applies with its merge) and protocol 4 side by side', async () => {
    const v3 = new Device('zhangwei', 3);
    const v4 = new Device('zhangwei', 4);
    const [p3, p4] = await Promise.all([v3.pull(), v4.pull()]);
    expect(putIds(ops(p3), 'customers')).toEqual(putIds(ops(p4), 'customers'));
    const customerId = await customerWithChildren('zhangwei');
    await v4.push('updateCustomer', { id: customerId, set: { website: 'https://v4.example.com' }, base: {} });
    expect(
      (
        await v3.push('updateCustomer', {
          id: customerId,
          set: { website: 'https://v3.example.com' },
          base: { website: 'https://v4.example.com' },
        })
      ).rejections,
    ).toEqual([]);
    expect(await server.query('SELECT website FROM customers WHERE id = $1', [customerId])).toEqual([
      { website: 'https://v3.example.com' },
    ]);
  });

  it('asks an older client to update (426) and names the field for a newer one (400)', async () => {
    for (const path of ['push', 'pull']) {
      const body = { clientId: newId(), cursor: null, mutations: [] };
      const old = await postJson<{ error: { code: string; message: string } }>(
        `${server.url}/sync/${path}`,
        { ...body, protocolVersion: MIN_SUPPORTED_PROTOCOL_VERSION - 1 },
        tokens.zhangwei,
      );
      expect(old.status).toBe(426);
      expect(old.body.error).toMatchObject({
        code: 'upgrade_required',
        message: expect.stringMatching(/update/i),
      });
      const newer = await postJson<{ error: { field: string } }>(
        `${server.url}/sync/${path}`,
        { ...body, protocolVersion: PROTOCOL_VERSION + 1 },
        tokens.zhangwei,
      );
      expect(newer.status).toBe(400);
      expect(newer.body.error.field).toBe('protocolVersion');
    }
  });
});

describe('reset', () => {
  it('answers a cursor acknowledging mutations this database never processed with a full pull', async () => {
    const device = new Device('lina');
    await device.pull();
    // As if the server's database had been restored from before this device's mutations 1–5.
    const [org] = await server.query('SELECT version::float8 AS v FROM orgs');
    device.cursor = encodeCursor({ u: server.demo.users.lina, v: Number(org?.v), m: 5, l: 4 });
    const [page] = await device.pull();
    expect(page?.patch[0]).toEqual({ op: 'clear' });
    expect(page?.lastMutationId).toBe(0);
  });
});
