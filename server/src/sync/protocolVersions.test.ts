import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  contactRowSchema,
  customerRowSchema,
  followUpRowSchema,
  opportunityRowSchema,
  PROTOCOL_3_TABLES,
  rowSchemas,
  SYNCED_TABLES,
  type SyncedTable,
} from '../../../shared/domain/rows';
import { newId } from '../../../shared/ids';
import type { PatchOp } from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, SyncDevice, type TestServer } from '../testing';
import { decodeCursor, encodeCursor } from './pull';

/**
 * Protocol 4 next to protocol 3 (docs/sync-protocol.md "Versioning"): a protocol-3 device is sent only
 * the tables and columns it knows, may push only the mutations it knew, and a cursor issued for one table
 * list is never continued with another — the table index `t` of a mid-round cursor means a different
 * table in each list, and a device moving to protocol 4 has none of the new rows yet. Protocol 2 is
 * refused as a whole.
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

/** The rows as protocol 3 knew them: without the columns protocol 4 added. */
const v3Rows: Partial<Record<SyncedTable, { parse(v: unknown): unknown }>> = {
  customers: customerRowSchema.omit({ templateVersionId: true }).strict(),
  contacts: contactRowSchema.omit({ attrs: true, templateVersionId: true }).strict(),
  followUps: followUpRowSchema.omit({ attrs: true, templateVersionId: true }).strict(),
  opportunities: opportunityRowSchema.omit({ attrs: true, templateVersionId: true }).strict(),
};
const checkV3Rows = (ops: PatchOp[]) => {
  for (const op of ops) {
    if (op.op !== 'put') continue;
    const schema = v3Rows[op.table] ?? rowSchemas[op.table].strict();
    schema.parse(op.row);
  }
};

async function adminPut(path: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.admin}` },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
}

describe('a protocol-3 device', () => {
  it('is sent only the tables and the columns it knows, the same rows as a protocol-4 device', async () => {
    const [v3, v4] = [device('zhangwei', 3), device('zhangwei', 4)];
    const [old, current] = await Promise.all([v3.pull(), v4.pull()]);
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
    const [v3, v4] = [device('zhangwei', 3), device('zhangwei', 4)];
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
        params: { min: 3, max: 4 },
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
      const list = protocolVersion >= 4 ? SYNCED_TABLES : PROTOCOL_3_TABLES;
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

  it('restarts a full pull for a protocol-4 device holding a cursor of the protocol-3 list', async () => {
    // Mid-round: `t` = 2 is customers in the protocol-3 list but catalogs in the protocol-4 one.
    const { cursor } = await midRound(3, 'customers');
    expect(cursor.p?.t).toBe(2);
    const upgraded = device('zhangwei', 4);
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
    expect(decodeCursor(upgraded.cursor ?? '').l).toBe(4);
  });

  it('restarts a full pull for a protocol-3 device holding a protocol-4 cursor, or one of the protocol-2 era', async () => {
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
