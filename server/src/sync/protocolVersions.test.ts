import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  customerRowSchema,
  followUpRowSchema,
  PROTOCOL_2_TABLES,
  rowSchemas,
  SYNCED_TABLES,
  type SyncedTable,
} from '../../../shared/domain/rows';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { newId } from '../../../shared/ids';
import type { PatchOp } from '../../../shared/sync/protocol';
import { loginAs, postJson, startTestServer, SyncDevice, type TestServer } from '../testing';
import { decodeCursor, encodeCursor } from './pull';

/**
 * Protocol 3 next to protocol 2 (docs/sync-protocol.md "Versioning"): a protocol-2 device is sent only
 * the tables and columns it knows, may push only the mutations it knew, and a cursor issued for one
 * table list is never continued with another — the table index `t` of a mid-round cursor means a
 * different table in each list, and a device moving to protocol 3 has none of the new rows yet.
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

/** The rows as protocol 2 knew them: without the columns protocol 3 added. */
const v2Rows = {
  customers: customerRowSchema.omit({ kind: true, leadStatus: true, convertedAt: true }).strict(),
  followUps: followUpRowSchema.omit({ opportunityId: true }).strict(),
};

describe('a protocol-2 device', () => {
  it('is sent only the tables and the columns it knows, the same rows as a protocol-3 device', async () => {
    const [v2, v3] = [device('zhangwei', 2), device('zhangwei', 3)];
    const [old, current] = await Promise.all([v2.pull(), v3.pull()]);
    expect(tablesOf(old)).toEqual([...PROTOCOL_2_TABLES].sort());
    expect(tablesOf(current)).toEqual([...SYNCED_TABLES].sort());
    for (const table of PROTOCOL_2_TABLES) {
      expect(puts(old, table).map((r) => r.id)).toEqual(puts(current, table).map((r) => r.id));
    }
    for (const row of puts(old, 'customers')) v2Rows.customers.parse(row);
    for (const row of puts(old, 'followUps')) v2Rows.followUps.parse(row);
    for (const op of current) {
      if (op.op === 'put') expect(rowSchemas[op.table].strict().parse(op.row)).toEqual(op.row);
    }
    // Its progress counts what it is sent.
    const pages = await device('zhangwei', 2).pullPages(50);
    const sent = pages.flatMap((p) => p.patch).filter((op) => op.op === 'put').length;
    expect(pages.every((p) => p.progress?.total === sent)).toBe(true);
  });

  it('gets incremental changes of its tables only, and an org’s own follow-up type as `other`', async () => {
    const admin = device('admin', 3);
    const [v2, v3] = [device('zhangwei', 2), device('zhangwei', 3)];
    await Promise.all([v2.pull(), v3.pull()]);
    const followUpTypes = [
      ...DEFAULT_SETTINGS.followUpTypes,
      { key: 'trade_show', labelZh: '展会洽谈', labelEn: 'Trade show', active: true },
    ];
    expect((await admin.push('updateSettings', { set: { followUpTypes } })).rejections).toEqual([]);
    const [customer] = puts(await device('zhangwei', 3).pull(), 'customers').filter(
      (c) => c.kind === 'customer',
    );
    const opportunity = {
      id: newId(),
      customerId: String(customer?.id),
      stageChangeId: newId(),
      name: '展会样品单',
      amountMinor: 50_000_00,
      stageKey: 'discovery',
    };
    expect((await v3.push('createOpportunity', opportunity)).rejections).toEqual([]);
    const followUp = {
      id: newId(),
      customerId: String(customer?.id),
      opportunityId: opportunity.id,
      type: 'trade_show',
      content: '展会上洽谈样品单',
      occurredAt: Date.now() - 60_000,
    };
    expect((await v3.push('logFollowUp', followUp)).rejections).toEqual([]);

    const old = await v2.pull();
    expect(tablesOf(old)).toEqual(['customers', 'followUps']);
    expect(puts(old, 'followUps')).toEqual([expect.objectContaining({ id: followUp.id, type: 'other' })]);
    for (const row of puts(old, 'followUps')) v2Rows.followUps.parse(row);
    const current = await v3.pull();
    expect(tablesOf(current)).toEqual([
      'customers',
      'followUps',
      'opportunities',
      'settings',
      'stageChanges',
    ]);
    expect(puts(current, 'followUps')).toEqual([
      expect.objectContaining({ id: followUp.id, type: 'trade_show', opportunityId: opportunity.id }),
    ]);
  });

  it('may push the mutations protocol 2 had, and is told to update for the others', async () => {
    const v2 = device('zhangwei', 2);
    const [customer] = puts(await v2.pull(), 'customers');
    const customerId = String(customer?.id);
    // A protocol-2 follow-up: no opportunity, no task fields.
    expect(
      await v2.refusalOf('logFollowUp', {
        id: newId(),
        customerId,
        type: 'call',
        content: '老版本客户端的电话记录',
        occurredAt: Date.now() - 60_000,
      }),
    ).toBeUndefined();
    const task = {
      id: newId(),
      customerId,
      assigneeId: server.demo.users.zhangwei,
      title: '回访',
      type: 'call',
      dueAt: Date.now() + 86_400_000,
    };
    expect(await v2.refusalOf('createTask', task)).toEqual({
      code: 'upgrade_required',
      field: 'name',
      message: 'name: createTask needs protocol 3 (this device speaks 2); update Tidepool to sync it',
      params: { min: 3 },
    });
    const [stored] = await server.query('SELECT count(*)::int AS n FROM tasks WHERE id = $1', [task.id]);
    expect(stored?.n).toBe(0);
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
      const list = protocolVersion >= 3 ? SYNCED_TABLES : PROTOCOL_2_TABLES;
      if (p && list[p.t] === table) return { device: d, cursor: decodeCursor(body.cursor) };
      if (!body.hasMore) break;
    }
    throw new Error(`no page ended inside ${table}`);
  }

  it('continues a protocol-2 cursor of an older server (no table list) for a protocol-2 device', async () => {
    const { device: d, cursor } = await midRound(2, 'contacts');
    expect(cursor.l).toBe(2);
    const { l: _list, ...legacy } = cursor;
    d.cursor = encodeCursor(legacy);
    const [next] = await d.pullPages(7);
    expect(next?.patch[0]).not.toEqual({ op: 'clear' });
    expect(next?.progress?.sent).toBe((cursor.p?.s ?? 0) + 7);
  });

  it('restarts a full pull for a protocol-3 device holding a cursor of the old table list', async () => {
    // Mid-round: `t` = 2 is contacts in the old list but customers in the new one.
    const { cursor } = await midRound(2, 'contacts');
    const { l: _list, ...legacy } = cursor;
    const upgraded = device('zhangwei', 3);
    upgraded.cursor = encodeCursor(legacy);
    const [first] = await upgraded.pullPages(7);
    expect(first?.patch[0]).toEqual({ op: 'clear' });
    expect(first?.progress?.sent).toBe(7);

    // Settled: the device has every row of the old tables, none of the new ones.
    const old = device('zhangwei', 2);
    await old.pull();
    const settled = decodeCursor(old.cursor ?? '');
    expect(settled.p).toBeUndefined();
    upgraded.cursor = old.cursor;
    const ops = await upgraded.pull();
    expect(ops[0]).toEqual({ op: 'clear' });
    expect(tablesOf(ops)).toEqual([...SYNCED_TABLES].sort());
    expect(decodeCursor(upgraded.cursor ?? '').l).toBe(3);
  });

  it('restarts a full pull for a protocol-2 device holding a protocol-3 cursor', async () => {
    const { cursor } = await midRound(3, 'followUps');
    expect(cursor.l).toBe(3);
    const old = device('zhangwei', 2);
    old.cursor = encodeCursor(cursor);
    const [first] = await old.pullPages(7);
    expect(first?.patch[0]).toEqual({ op: 'clear' });
    const [settled] = await old.pullPages();
    expect(settled?.patch).toEqual([]);
  });
});
