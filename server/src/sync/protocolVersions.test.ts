import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contactRowSchema,
  customerRowSchema,
  followUpRowSchema,
  opportunityRowSchema,
  ownershipEventRowSchema,
  PROTOCOL_3_TABLES,
  PROTOCOL_4_TABLES,
  rowSchemas,
  SYNCED_TABLES,
  type SyncedTable,
} from '../../../shared/domain/rows';
import { newId } from '../../../shared/ids';
import type { PatchOp } from '../../../shared/sync/protocol';
import { loginAs, postJson, sendJson, startTestServer, SyncDevice, type TestServer } from '../testing';
import { decodeCursor, encodeCursor } from './pull';

/**
 * Protocol 5 next to protocols 4 and 3 (docs/sync-protocol.md "Versioning"): an older device is sent
 * only the tables and columns it knows, may push only the mutations it knew, and a cursor issued for one
 * table list is never continued with another — the table index `t` of a mid-round cursor means a
 * different table in each list, and a device moving to a newer protocol has none of the new rows and
 * columns yet. Protocol 2 is refused as a whole.
 */
let server: TestServer;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 40 });
  for (const name of ['admin', 'zhangwei']) tokens[name] = await loginAs(server, name);
});
afterAll(async () => {
  await server?.close();
});

const device = (user: string, protocolVersion: number) =>
  new SyncDevice(server, tokens[user] ?? '', protocolVersion);
const tablesOf = (ops: PatchOp[]) =>
  [...new Set(ops.flatMap((op) => (op.op === 'clear' ? [] : [op.table])))].sort();
const puts = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'put' && op.table === table ? [op.row] : []));

/** The columns protocol 5 added (the public sea). */
const POOL_COLUMNS = {
  poolId: true,
  locked: true,
  enteredPoolAt: true,
  previousOwnerId: true,
  deregisteredAt: true,
} as const;
/** The rows as protocol 4 knew them: without the columns protocol 5 added. */
const v4Rows: Partial<Record<SyncedTable, { parse(v: unknown): unknown }>> = {
  customers: customerRowSchema.omit(POOL_COLUMNS).strict(),
  ownershipEvents: ownershipEventRowSchema.omit({ action: true, poolId: true }).strict(),
};
/** The rows as protocol 3 knew them: without the columns protocols 4 and 5 added. */
const v3Rows: Partial<Record<SyncedTable, { parse(v: unknown): unknown }>> = {
  ...v4Rows,
  customers: customerRowSchema.omit({ ...POOL_COLUMNS, templateVersionId: true }).strict(),
  contacts: contactRowSchema.omit({ attrs: true, templateVersionId: true }).strict(),
  followUps: followUpRowSchema.omit({ attrs: true, templateVersionId: true }).strict(),
  opportunities: opportunityRowSchema.omit({ attrs: true, templateVersionId: true }).strict(),
};
const checkRows = (schemas: typeof v3Rows) => (ops: PatchOp[]) => {
  for (const op of ops) {
    if (op.op !== 'put') continue;
    const schema = schemas[op.table] ?? rowSchemas[op.table].strict();
    schema.parse(op.row);
  }
};
const checkV3Rows = checkRows(v3Rows);
const checkV4Rows = checkRows(v4Rows);

async function adminPut(path: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('a protocol-3 device', () => {
  it('is sent only the tables and the columns it knows, the same rows as a protocol-5 device', async () => {
    const [v3, v5] = [device('zhangwei', 3), device('zhangwei', 5)];
    const [old, current] = await Promise.all([v3.pull(), v5.pull()]);
    expect(tablesOf(old)).toEqual([...PROTOCOL_3_TABLES].sort());
    expect(tablesOf(current)).toEqual([...SYNCED_TABLES].sort());
    for (const table of PROTOCOL_3_TABLES) {
      expect(puts(old, table).map((r) => r.id)).toEqual(puts(current, table).map((r) => r.id));
    }
    checkV3Rows(old);
    for (const op of current) {
      if (op.op === 'put') expect(rowSchemas[op.table].strict().parse(op.row)).toEqual(op.row);
    }
    // The demo's values reach the protocol-4 device with their records.
    expect(puts(current, 'customers').every((c) => Object.keys(c.attrs as object).length > 0)).toBe(true);
    // Its progress counts what it is sent.
    const pages = await device('zhangwei', 3).pullPages(50);
    const sent = pages.flatMap((p) => p.patch).filter((op) => op.op === 'put').length;
    expect(pages.every((p) => p.progress?.total === sent)).toBe(true);
  });

  it('gets incremental changes of its tables only: no catalog, no template version, no attributes', async () => {
    const [v3, v4] = [device('zhangwei', 3), device('zhangwei', 5)];
    const [, first] = await Promise.all([v3.pull(), v4.pull()]);
    const versions = puts(first, 'templateVersions');
    const followUpVersion = versions.find((v) => v.entity === 'followUp');
    // An admin adds a value to a list (devices must receive the catalog) …
    const [catalog] = puts(first, 'catalogs') as { optionLists: { key: string; values: unknown[] }[] }[];
    const intent = catalog?.optionLists.find((l) => l.key === 'intent_level');
    await adminPut('/admin/option-lists/intent_level', {
      ...intent,
      values: [...(intent?.values ?? []), { key: 'urgent', labelZh: '紧急', labelEn: 'Urgent' }],
    });
    // … and a protocol-4 device logs a follow-up with attributes.
    const [customer] = puts(first, 'customers').filter((c) => c.kind === 'customer');
    const followUp = {
      id: newId(),
      customerId: String(customer?.id),
      type: 'visit',
      content: '上门拜访，确认二期需求',
      occurredAt: Date.now() - 60_000,
      attrs: { intent: 'urgent', satisfaction: 4 },
      templateVersionId: String(followUpVersion?.id),
    };
    expect((await v4.push('logFollowUp', followUp)).rejections).toEqual([]);

    const old = await v3.pull();
    expect(tablesOf(old)).toEqual(['customers', 'followUps']);
    checkV3Rows(old);
    expect(puts(old, 'followUps')).toEqual([expect.objectContaining({ id: followUp.id })]);
    expect(puts(old, 'followUps')[0]).not.toHaveProperty('attrs');
    const current = await v4.pull();
    expect(tablesOf(current)).toEqual(['catalogs', 'customers', 'followUps']);
    expect(puts(current, 'followUps')).toEqual([
      expect.objectContaining({
        id: followUp.id,
        attrs: followUp.attrs,
        templateVersionId: followUpVersion?.id,
      }),
    ]);
  });

  it('may push the mutations protocol 3 had, and is told to update for the others', async () => {
    const v3 = device('zhangwei', 3);
    const ops = await v3.pull();
    const [customer] = puts(ops, 'customers').filter((c) => c.kind === 'customer');
    const customerId = String(customer?.id);
    const [contact] = puts(ops, 'contacts').filter((c) => c.customerId === customerId);
    // A protocol-3 follow-up: no attributes.
    expect(
      await v3.refusalOf('logFollowUp', {
        id: newId(),
        customerId,
        type: 'call',
        content: '老版本客户端的电话记录',
        occurredAt: Date.now() - 60_000,
      }),
    ).toBeUndefined();
    const edit = { id: String(contact?.id), customerId, set: { title: '采购总监' } };
    expect(await v3.refusalOf('updateContact', edit)).toEqual({
      code: 'upgrade_required',
      field: 'name',
      message: 'name: updateContact needs protocol 4 (this device speaks 3); update Tidepool to sync it',
      params: { min: 4 },
    });
    const [stored] = await server.query('SELECT title FROM contacts WHERE id = $1', [contact?.id]);
    expect(stored?.title).not.toBe('采购总监');
    expect(await v3.refusalOf('releaseCustomer', { customerId, reason: '暂无需求' })).toMatchObject({
      code: 'upgrade_required',
      params: { min: 5 },
    });
  });
});

describe('a protocol-4 device', () => {
  it('is sent every table but pools, without the public-sea columns, the same rows as a protocol-5 device', async () => {
    const [v4, v5] = [device('zhangwei', 4), device('zhangwei', 5)];
    const [old, current] = await Promise.all([v4.pull(), v5.pull()]);
    expect(tablesOf(old)).toEqual([...PROTOCOL_4_TABLES].sort());
    expect(tablesOf(current)).toEqual([...SYNCED_TABLES].sort());
    for (const table of PROTOCOL_4_TABLES) {
      expect(puts(old, table).map((r) => r.id)).toEqual(puts(current, table).map((r) => r.id));
    }
    checkV4Rows(old);
    // Its business attributes are still there.
    expect(puts(old, 'customers').every((c) => Object.keys(c.attrs as object).length > 0)).toBe(true);
    for (const op of current) {
      if (op.op === 'put') expect(rowSchemas[op.table].strict().parse(op.row)).toEqual(op.row);
    }
    expect(puts(current, 'pools').map((p) => p.nameZh)).toEqual(['华东公海', '华南公海', '线索池']);
    const pages = await device('zhangwei', 4).pullPages(50);
    const sent = pages.flatMap((p) => p.patch).filter((op) => op.op === 'put').length;
    expect(pages.every((p) => p.progress?.total === sent)).toBe(true);
  });

  it('hears nothing of a pool an admin saves, which a protocol-5 device receives', async () => {
    const [v4, v5] = [device('zhangwei', 4), device('zhangwei', 5)];
    const [, first] = await Promise.all([v4.pull(), v5.pull()]);
    const [south] = puts(first, 'pools').filter((p) => p.nameZh === '华南公海');
    const { id: _id, orgId: _org, createdAt: _c, updatedAt: _u, version: _v, ...body } = south ?? {};
    const saved = await sendJson(
      'POST',
      `${server.url}/admin/pools`,
      { ...body, id: south?.id, nameEn: 'South China' },
      tokens.admin,
    );
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    expect(await v4.pull()).toEqual([]);
    expect(await v5.pull()).toEqual([
      { op: 'put', table: 'pools', row: expect.objectContaining({ id: south?.id, nameEn: 'South China' }) },
    ]);
  });

  it('may push what protocol 4 had, and is told to update for the pool operations', async () => {
    const v4 = device('zhangwei', 4);
    const [customer] = puts(await v4.pull(), 'customers').filter((c) => c.kind === 'customer');
    const customerId = String(customer?.id);
    for (const [name, args] of [
      ['releaseCustomer', { customerId, reason: '暂无需求' }],
      ['lockCustomer', { customerId, locked: true }],
      ['assignCustomer', { customerId, toUserId: customer?.ownerId, reason: 'x' }],
    ] as const) {
      expect(await v4.refusalOf(name, args)).toEqual({
        code: 'upgrade_required',
        field: 'name',
        message: `name: ${name} needs protocol 5 (this device speaks 4); update Tidepool to sync it`,
        params: { min: 5 },
      });
    }
    const [stored] = await server.query('SELECT pool_state, locked FROM customers WHERE id = $1', [
      customerId,
    ]);
    expect(stored).toEqual({ pool_state: 'private', locked: false });
    expect(
      await v4.refusalOf('updateCustomer', {
        id: customerId,
        set: { level: 'A' },
        base: { level: customer?.level },
      }),
    ).toBeUndefined();
  });
});

describe('a protocol-2 device', () => {
  it('is asked to update (426), for pull and push alike', async () => {
    for (const path of ['pull', 'push']) {
      const res = await postJson<{ error: Record<string, unknown> }>(
        `${server.url}/sync/${path}`,
        { protocolVersion: 2, clientId: newId(), cursor: null, mutations: [] },
        tokens.zhangwei,
      );
      expect(res.status).toBe(426);
      expect(res.body.error).toMatchObject({
        code: 'upgrade_required',
        field: 'protocolVersion',
        params: { min: 3, max: 5 },
      });
    }
  });
});

describe('cursors across table lists', () => {
  /** A device pulling one page at a time: its cursor after the first page that ends inside `table`. */
  async function midRound(protocolVersion: number, table: SyncedTable) {
    const d = device('zhangwei', protocolVersion);
    for (let i = 0; i < 500; i++) {
      const { status, body } = await postJson<{ cursor: string; hasMore: boolean }>(
        `${server.url}/sync/pull`,
        { protocolVersion, clientId: d.clientId, cursor: d.cursor, limit: 7 },
        tokens.zhangwei,
      );
      expect(status).toBe(200);
      d.cursor = body.cursor;
      const p = decodeCursor(body.cursor).p;
      const list =
        protocolVersion >= 5 ? SYNCED_TABLES : protocolVersion === 4 ? PROTOCOL_4_TABLES : PROTOCOL_3_TABLES;
      if (p && list[p.t] === table) return { device: d, cursor: decodeCursor(body.cursor) };
      if (!body.hasMore) break;
    }
    throw new Error(`no page ended inside ${table}`);
  }

  it('continues a protocol-3 cursor for a protocol-3 device (a server upgrade does not restart it)', async () => {
    const { device: d, cursor } = await midRound(3, 'contacts');
    expect(cursor.l).toBe(3);
    const [next] = await d.pullPages(7);
    expect(next?.patch[0]).not.toEqual({ op: 'clear' });
    expect(next?.progress?.sent).toBe((cursor.p?.s ?? 0) + 7);
  });

  it('continues a protocol-4 cursor for a protocol-4 device', async () => {
    const { device: d, cursor } = await midRound(4, 'contacts');
    expect(cursor.l).toBe(4);
    const [next] = await d.pullPages(7);
    expect(next?.patch[0]).not.toEqual({ op: 'clear' });
    expect(next?.progress?.sent).toBe((cursor.p?.s ?? 0) + 7);
  });

  it('restarts a full pull for a protocol-5 device holding a cursor of the protocol-3 list', async () => {
    // Mid-round: `t` = 2 is customers in the protocol-3 list but catalogs in the protocol-5 one.
    const { cursor } = await midRound(3, 'customers');
    expect(cursor.p?.t).toBe(2);
    const upgraded = device('zhangwei', 5);
    upgraded.cursor = encodeCursor(cursor);
    const [first] = await upgraded.pullPages(7);
    expect(first?.patch[0]).toEqual({ op: 'clear' });
    expect(first?.progress?.sent).toBe(7);

    // Settled: the device has every row of the old tables, none of the new ones nor the new columns.
    const old = device('zhangwei', 3);
    await old.pull();
    const settled = decodeCursor(old.cursor ?? '');
    expect(settled.p).toBeUndefined();
    upgraded.cursor = old.cursor;
    const ops = await upgraded.pull();
    expect(ops[0]).toEqual({ op: 'clear' });
    expect(tablesOf(ops)).toEqual([...SYNCED_TABLES].sort());
    expect(decodeCursor(upgraded.cursor ?? '').l).toBe(5);
  });

  it('restarts a full pull for a device upgraded from protocol 4 to 5: pools and the new columns arrive', async () => {
    // Mid-round: `t` = 4 is customers in the protocol-4 list but pools in the protocol-5 one.
    const { cursor } = await midRound(4, 'customers');
    expect(cursor.p?.t).toBe(4);
    const upgraded = device('zhangwei', 5);
    upgraded.cursor = encodeCursor(cursor);
    const [first] = await upgraded.pullPages(7);
    expect(first?.patch[0]).toEqual({ op: 'clear' });

    // Settled on protocol 4: the device holds every customer, but without its pool columns.
    const old = device('zhangwei', 4);
    const before = await old.pull();
    upgraded.cursor = old.cursor;
    const ops = await upgraded.pull();
    expect(ops[0]).toEqual({ op: 'clear' });
    expect(tablesOf(ops)).toEqual([...SYNCED_TABLES].sort());
    expect(puts(ops, 'customers').map((c) => c.id)).toEqual(puts(before, 'customers').map((c) => c.id));
    expect(puts(ops, 'customers').every((c) => c.locked === false && 'poolId' in c)).toBe(true);
    expect(decodeCursor(upgraded.cursor ?? '').l).toBe(5);
  });

  it('restarts a full pull for an older device holding a newer cursor, or one of the protocol-2 era', async () => {
    const { cursor: newer } = await midRound(5, 'followUps');
    expect(newer.l).toBe(5);
    const downgraded = device('zhangwei', 4);
    downgraded.cursor = encodeCursor(newer);
    const [restarted] = await downgraded.pullPages(7);
    expect(restarted?.patch[0]).toEqual({ op: 'clear' });

    const { cursor } = await midRound(4, 'followUps');
    expect(cursor.l).toBe(4);
    const old = device('zhangwei', 3);
    old.cursor = encodeCursor(cursor);
    const [first] = await old.pullPages(7);
    expect(first?.patch[0]).toEqual({ op: 'clear' });
    const [settled] = await old.pullPages();
    expect(settled?.patch).toEqual([]);

    // A cursor without a table list was issued for protocol 2's list.
    const { l: _list, ...legacy } = decodeCursor(old.cursor ?? '');
    old.cursor = encodeCursor(legacy);
    const [again] = await old.pullPages(7);
    expect(again?.patch[0]).toEqual({ op: 'clear' });
  });
});
