import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SyncedTable } from '../../../shared/domain/rows';
import { newId } from '../../../shared/ids';
import type { PatchOp } from '../../../shared/sync/protocol';
import { loginAs, sendJson, startTestServer, SyncDevice, type TestServer } from '../testing';

/**
 * Releases, assignments, transfers and locks through the real push (docs/pools.md, docs/server.md "Push"):
 * where a released customer goes (the pool serving its owner's team, or the one chosen, never another
 * kind's or a deactivated one), what a move leaves in the customer row and in ownership history, and who
 * may do what.
 */
let server: TestServer;
type User = 'admin' | 'wangfang' | 'zhangwei' | 'lina';
const tokens = {} as Record<User, string>;
let clock = Date.UTC(2026, 5, 1, 4, 0, 0);

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 60, now: () => clock });
  for (const name of ['admin', 'wangfang', 'zhangwei', 'lina'] as const) {
    tokens[name] = await loginAs(server, name);
  }
});
afterAll(async () => {
  await server?.close();
});

const device = (user: User) => new SyncDevice(server, tokens[user]);
const delIds = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'del' && op.table === table ? [op.id] : []));
const putRows = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'put' && op.table === table ? [op.row] : []));

const used = new Set<string>();
/** A private customer of `owner` no earlier test used, with an open task and opportunity when asked. */
async function freshCustomer(owner: 'zhangwei' | 'lina'): Promise<string> {
  const rows = await server.query(
    `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer'
       AND deleted_at IS NULL ORDER BY id`,
    [server.demo.users[owner]],
  );
  const row = rows.find((r) => !used.has(String(r.id)));
  if (!row) throw new Error(`no unused customer of ${owner}`);
  used.add(String(row.id));
  return String(row.id);
}

const customerRow = async (id: string) =>
  (
    await server.query(
      `SELECT owner_id, pool_state, pool_id, claimed_at::float8 AS claimed_at, entered_pool_at::float8 AS entered_pool_at,
         previous_owner_id, locked, version::float8 AS version
       FROM customers WHERE id = $1`,
      [id],
    )
  )[0];
const lastMove = async (id: string) =>
  (
    await server.query(
      `SELECT from_owner_id, to_owner_id, from_pool_state, to_pool_state, actor_type, actor_id, reason, action, pool_id
       FROM ownership_history WHERE customer_id = $1 ORDER BY version DESC LIMIT 1`,
      [id],
    )
  )[0];

describe('releaseCustomer', () => {
  it('puts the customer in the pool serving its owner’s team, off the rep’s devices, with its history', async () => {
    clock += 60_000;
    const rep = device('zhangwei');
    await rep.pull();
    const customerId = await freshCustomer('zhangwei');
    const before = await customerRow(customerId);
    expect(
      await rep.refusalOf('releaseCustomer', { customerId, reason: '客户暂无采购计划' }),
    ).toBeUndefined();
    expect(await customerRow(customerId)).toMatchObject({
      owner_id: null,
      pool_state: 'public',
      pool_id: server.demo.pools.eastChina,
      claimed_at: null,
      entered_pool_at: clock,
      previous_owner_id: server.demo.users.zhangwei,
    });
    expect(Number((await customerRow(customerId))?.version)).toBeGreaterThan(Number(before?.version));
    expect(await lastMove(customerId)).toEqual({
      from_owner_id: server.demo.users.zhangwei,
      to_owner_id: null,
      from_pool_state: 'private',
      to_pool_state: 'public',
      actor_type: 'user',
      actor_id: server.demo.users.zhangwei,
      reason: '客户暂无采购计划',
      action: 'release',
      pool_id: server.demo.pools.eastChina,
    });
    const ops = await rep.pull();
    expect(delIds(ops, 'customers')).toEqual([customerId]);
    expect(putRows(ops, 'customers')).toEqual([]);
  });

  it('goes to the pool the rep picks, when it is an active pool of the customer’s kind', async () => {
    clock += 60_000;
    const rep = device('lina');
    const customerId = await freshCustomer('lina');
    expect(
      await rep.refusalOf('releaseCustomer', {
        customerId,
        poolId: server.demo.pools.southChina,
        reason: '客户迁往华南',
      }),
    ).toBeUndefined();
    expect(await customerRow(customerId)).toMatchObject({
      pool_id: server.demo.pools.southChina,
      previous_owner_id: server.demo.users.lina,
    });
    expect((await lastMove(customerId))?.pool_id).toBe(server.demo.pools.southChina);
  });

  it('refuses a pool of another kind, an unknown one and a deactivated one, naming poolId; nothing moves', async () => {
    const rep = device('zhangwei');
    const customerId = await freshCustomer('zhangwei');
    const before = await customerRow(customerId);
    const unknown = newId();
    await server.query(`UPDATE pools SET active = false WHERE id = $1`, [server.demo.pools.southChina]);
    try {
      for (const [poolId, message] of [
        [
          server.demo.pools.leads,
          `poolId: no active customer pool ${server.demo.pools.leads} in your organisation`,
        ],
        [unknown, `poolId: no active customer pool ${unknown} in your organisation`],
        [
          server.demo.pools.southChina,
          `poolId: no active customer pool ${server.demo.pools.southChina} in your organisation`,
        ],
      ]) {
        expect(await rep.refusalOf('releaseCustomer', { customerId, poolId, reason: '换个公海' })).toEqual({
          code: 'validation',
          field: 'poolId',
          message,
        });
      }
    } finally {
      await server.query(`UPDATE pools SET active = true WHERE id = $1`, [server.demo.pools.southChina]);
    }
    expect(await customerRow(customerId)).toEqual(before);
  });

  it('falls back to the default pool when none serves the team, and is refused when there is no pool at all', async () => {
    clock += 60_000;
    const rep = device('zhangwei');
    const east = server.demo.pools.eastChina;
    const south = server.demo.pools.southChina;
    const release = async (reason: string) => {
      const customerId = await freshCustomer('zhangwei');
      return { customerId, refusal: await rep.refusalOf('releaseCustomer', { customerId, reason }) };
    };
    try {
      // No pool serves the reps' team: the default (East China) takes the release.
      await server.query(`UPDATE pools SET team_ids = '[]'::jsonb WHERE id = $1`, [east]);
      const toDefault = await release('无人负责的区域');
      expect(toDefault.refusal).toBeUndefined();
      expect((await customerRow(toDefault.customerId))?.pool_id).toBe(east);
      // South China serves it now: it takes a release without a choice.
      await server.query(
        `UPDATE pools SET team_ids = (SELECT to_jsonb(array_agg(id)) FROM teams) WHERE id = $1`,
        [south],
      );
      const toServing = await release('转华南');
      expect(toServing.refusal).toBeUndefined();
      expect((await customerRow(toServing.customerId))?.pool_id).toBe(south);
      // No active customer pool at all.
      await server.query(`UPDATE pools SET active = false WHERE kind = 'customer'`);
      const nowhere = await release('无处可放');
      expect(nowhere.refusal).toEqual({
        code: 'validation',
        field: 'poolId',
        message: 'poolId: no public pool to release into',
      });
      expect((await customerRow(nowhere.customerId))?.pool_state).toBe('private');
    } finally {
      await server.query(
        `UPDATE pools SET active = true, team_ids = (SELECT to_jsonb(array_agg(id)) FROM teams
          WHERE name LIKE '华东%') WHERE id = $1`,
        [east],
      );
      await server.query(`UPDATE pools SET active = true, team_ids = '[]'::jsonb WHERE id = $1`, [south]);
    }
  });

  it('lets a manager release a rep’s customer, and refuses another rep', async () => {
    clock += 60_000;
    const customerId = await freshCustomer('lina');
    // Another rep's customer is not even visible to them.
    expect(await device('zhangwei').refusalOf('releaseCustomer', { customerId, reason: 'x' })).toMatchObject({
      code: 'not_found',
      field: 'customerId',
    });
    expect(
      await device('wangfang').refusalOf('releaseCustomer', { customerId, reason: '重新分配' }),
    ).toBeUndefined();
    expect(await lastMove(customerId)).toMatchObject({
      from_owner_id: server.demo.users.lina,
      actor_id: server.demo.users.wangfang,
      action: 'release',
    });
    expect((await customerRow(customerId))?.previous_owner_id).toBe(server.demo.users.lina);
  });
});

describe('lockCustomer', () => {
  it('lets a manager lock a customer in its rep’s private sea: the rep sees it locked and cannot release it', async () => {
    clock += 60_000;
    const rep = device('zhangwei');
    await rep.pull();
    const customerId = await freshCustomer('zhangwei');
    expect(await device('zhangwei').refusalOf('lockCustomer', { customerId, locked: true })).toMatchObject({
      code: 'forbidden',
      field: 'locked',
    });
    expect(await device('wangfang').refusalOf('lockCustomer', { customerId, locked: true })).toBeUndefined();
    expect(putRows(await rep.pull(), 'customers')).toEqual([
      expect.objectContaining({ id: customerId, locked: true, ownerId: server.demo.users.zhangwei }),
    ]);
    expect(await rep.refusalOf('releaseCustomer', { customerId, reason: '不想跟了' })).toMatchObject({
      code: 'forbidden',
      message: 'customerId: a manager locked this customer in your private sea',
    });
    expect(await device('wangfang').refusalOf('lockCustomer', { customerId, locked: false })).toBeUndefined();
    expect(await rep.refusalOf('releaseCustomer', { customerId, reason: '不想跟了' })).toBeUndefined();
  });

  it('never lets an update write the pool columns, which only moves write', async () => {
    const customerId = await freshCustomer('zhangwei');
    for (const set of [
      { poolId: server.demo.pools.southChina },
      { enteredPoolAt: 1 },
      { previousOwnerId: server.demo.users.lina },
      { locked: true },
    ]) {
      expect(
        await device('zhangwei').refusalOf('updateCustomer', { id: customerId, set, base: {} }),
      ).toMatchObject({ code: 'validation' });
    }
    expect(await customerRow(customerId)).toMatchObject({
      pool_id: null,
      locked: false,
      previous_owner_id: null,
    });
  });
});

describe('transfers and claims in ownership history', () => {
  it('records a transfer’s action without a pool, and a claim’s with the pool it came from', async () => {
    clock += 60_000;
    const customerId = await freshCustomer('zhangwei');
    expect(
      await device('wangfang').refusalOf('transferCustomer', {
        customerId,
        toUserId: server.demo.users.lina,
        reason: '区域调整',
      }),
    ).toBeUndefined();
    expect(await lastMove(customerId)).toMatchObject({
      action: 'transfer',
      pool_id: null,
      actor_type: 'user',
    });
    expect(await customerRow(customerId)).toMatchObject({ owner_id: server.demo.users.lina, pool_id: null });

    expect(
      await device('lina').refusalOf('releaseCustomer', { customerId, reason: '暂无需求' }),
    ).toBeUndefined();
    clock += 60_000;
    expect(
      await device('zhangwei').refusalOf('claimCustomer', { customerId, reason: '客户回来了' }),
    ).toBeUndefined();
    expect(await lastMove(customerId)).toMatchObject({
      action: 'claim',
      pool_id: server.demo.pools.eastChina,
      from_owner_id: null,
      to_owner_id: server.demo.users.zhangwei,
    });
    // Private again: claimed now, and it keeps the pool it returns to; who had it before stays known.
    expect(await customerRow(customerId)).toMatchObject({
      owner_id: server.demo.users.zhangwei,
      pool_state: 'private',
      claimed_at: clock,
      pool_id: server.demo.pools.eastChina,
      previous_owner_id: server.demo.users.lina,
    });
  });

  it('assigns only what is in the public sea, to an active rep the manager may see', async () => {
    const wangfang = device('wangfang');
    const privateOne = await freshCustomer('lina');
    expect(
      await wangfang.refusalOf('assignCustomer', {
        customerId: privateOne,
        toUserId: server.demo.users.zhangwei,
        reason: 'x',
      }),
    ).toMatchObject({ code: 'conflict', field: 'customerId' });
    const publicOne = await freshCustomer('lina');
    expect(
      await device('lina').refusalOf('releaseCustomer', { customerId: publicOne, reason: '暂无需求' }),
    ).toBeUndefined();
    expect(
      await wangfang.refusalOf('assignCustomer', {
        customerId: publicOne,
        toUserId: server.demo.users.admin,
        reason: 'x',
      }),
    ).toMatchObject({ code: 'not_found', field: 'toUserId' });
    expect((await customerRow(publicOne))?.pool_state).toBe('public');
  });
});

describe('the admin pools route feeds releases', () => {
  it('sends a release to a pool an admin just made the one serving the team', async () => {
    clock += 60_000;
    const teams = await server.query(`SELECT id FROM teams WHERE name = '华东一组'`);
    const { body: saved, status } = await sendJson<{ id: string }>(
      'POST',
      `${server.url}/admin/pools`,
      {
        kind: 'customer',
        nameZh: '华东一组专属公海',
        nameEn: 'East team one sea',
        teamIds: [teams[0]?.id],
        adminIds: [],
        isDefault: false,
        active: true,
        recycle: {},
        claim: {},
        assign: 'roundRobin',
      },
      tokens.admin,
    );
    expect(status, JSON.stringify(saved)).toBe(200);
    // Two pools serve the team: the older (East China) wins, as poolForCustomer orders them.
    const customerId = await freshCustomer('zhangwei');
    expect(
      await device('zhangwei').refusalOf('releaseCustomer', { customerId, reason: '暂无需求' }),
    ).toBeUndefined();
    expect((await customerRow(customerId))?.pool_id).toBe(server.demo.pools.eastChina);
    // Once East China no longer serves it, the new pool does.
    await server.query(`UPDATE pools SET team_ids = '[]'::jsonb WHERE id = $1`, [
      server.demo.pools.eastChina,
    ]);
    const next = await freshCustomer('zhangwei');
    expect(
      await device('zhangwei').refusalOf('releaseCustomer', { customerId: next, reason: '暂无需求' }),
    ).toBeUndefined();
    expect((await customerRow(next))?.pool_id).toBe(saved.id);
  });
});
