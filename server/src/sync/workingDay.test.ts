import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowSchemas, type SyncedTable } from '../../../shared/domain/rows';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { newId } from '../../../shared/ids';
import type { PatchOp } from '../../../shared/sync/protocol';
import { loginAs, startTestServer, SyncDevice, type TestServer } from '../testing';

/**
 * Issue 4 on the server, through the HTTP API on a real database: each mutation of the rep's working day
 * (leads, opportunities, tasks, follow-up edits, claims, settings) is applied by a push and reaches the
 * devices of exactly the users who may see it; bad input is refused with the field named and leaves no
 * trace; a transfer carries the customer's open work to the new owner's device.
 */
let server: TestServer;
type User = 'admin' | 'wangfang' | 'zhangwei' | 'lina';
const tokens = {} as Record<User, string>;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

beforeAll(async () => {
  server = await startTestServer({ demoCustomers: 40 });
  for (const name of ['admin', 'wangfang', 'zhangwei', 'lina'] as const) {
    tokens[name] = await loginAs(server, name);
  }
});
afterAll(async () => {
  await server?.close();
});

const device = (user: User, protocolVersion?: number) =>
  new SyncDevice(server, tokens[user], protocolVersion);

/** Devices of the two reps and their manager, each after a first full pull. */
async function team() {
  const devices = { zhangwei: device('zhangwei'), lina: device('lina'), wangfang: device('wangfang') };
  await Promise.all(Object.values(devices).map((d) => d.pull()));
  return devices;
}

const puts = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'put' && op.table === table ? [op.row] : []));
const putIds = (ops: PatchOp[], table: SyncedTable) => puts(ops, table).map((r) => String(r.id));
const delIds = (ops: PatchOp[], table: SyncedTable) =>
  ops.flatMap((op) => (op.op === 'del' && op.table === table ? [op.id] : []));

/** A private customer (kind customer) of `owner` that no earlier test of this file used. */
const used = new Set<string>();
async function freshCustomer(owner: User): Promise<{ id: string; name: string }> {
  const rows = await server.query(
    `SELECT id, name FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer'
       AND deleted_at IS NULL ORDER BY id`,
    [server.demo.users[owner]],
  );
  const row = rows.find((r) => !used.has(String(r.id)));
  if (!row) throw new Error(`no unused customer of ${owner}`);
  used.add(String(row.id));
  return { id: String(row.id), name: String(row.name) };
}

const one = async (sqlText: string, params: unknown[]) => (await server.query(sqlText, params))[0];
const count = async (sqlText: string, params: unknown[]) =>
  Number((await one(`SELECT count(*)::int AS n FROM ${sqlText}`, params))?.n);

const followUpArgs = (customerId: string, extra: Record<string, unknown> = {}) => ({
  id: newId(),
  customerId,
  type: 'visit',
  content: '上门拜访，演示了新产品',
  occurredAt: Date.now() - HOUR,
  ...extra,
});

const opportunityArgs = (customerId: string, extra: Record<string, unknown> = {}) => ({
  id: newId(),
  customerId,
  stageChangeId: newId(),
  name: '二期扩产项目',
  amountMinor: 1_280_000_00,
  stageKey: 'discovery',
  ...extra,
});

describe('leads', () => {
  it('createLead puts a lead with its primary contact on its owner’s and the manager’s devices only', async () => {
    const { zhangwei, lina, wangfang } = await team();
    const args = {
      id: newId(),
      name: '苏州启航精密模具有限公司',
      phone: '13912345678',
      source: '展会',
      contact: { id: newId(), name: '周敏', title: '采购经理', phone: '139 1234 5679' },
    };
    expect((await zhangwei.push('createLead', args)).rejections).toEqual([]);
    const mine = await zhangwei.pull();
    const [lead] = puts(mine, 'customers');
    expect(lead).toMatchObject({ id: args.id, kind: 'lead', leadStatus: 'new', convertedAt: null });
    expect(puts(mine, 'contacts')).toEqual([
      expect.objectContaining({ id: args.contact.id, customerId: args.id, isPrimary: true }),
    ]);
    expect(putIds(await wangfang.pull(), 'customers')).toEqual([args.id]);
    expect(await lina.pull()).toEqual([]);
  });

  it('leads may share a name, and convertLead keeps the follow-ups and opens the opportunity', async () => {
    const { zhangwei, wangfang } = await team();
    const name = '无锡新航线智能装备有限公司';
    const leadId = newId();
    expect((await zhangwei.push('createLead', { id: newId(), name })).rejections).toEqual([]);
    expect((await zhangwei.push('createLead', { id: leadId, name: `${name} ` })).rejections).toEqual([]);
    // Only one of them may become a customer under that name.
    await zhangwei.pull();
    const visit = followUpArgs(leadId);
    expect((await zhangwei.push('logFollowUp', visit)).rejections).toEqual([]);
    const opportunity = {
      id: newId(),
      stageChangeId: newId(),
      name: '产线改造',
      amountMinor: 560_000_00,
      stageKey: 'needs',
    };
    const converted = await zhangwei.push('convertLead', {
      id: leadId,
      set: { name, creditCode: 'NOT-A-CREDIT-CODE', level: 'B' },
      opportunity,
    });
    // A malformed credit code: the conversion is refused with the field named…
    expect(converted.rejections[0]?.error).toMatchObject({ code: 'validation', field: 'set.creditCode' });
    expect(await one('SELECT kind, lead_status FROM customers WHERE id = $1', [leadId])).toEqual({
      kind: 'lead',
      lead_status: 'new',
    });
    // …and without it the lead converts in place.
    const ok = await zhangwei.push('convertLead', { id: leadId, set: { name, level: 'B' }, opportunity });
    expect(ok.rejections).toEqual([]);
    expect(
      await one(
        'SELECT kind, lead_status, converted_at IS NOT NULL AS converted, level FROM customers WHERE id = $1',
        [leadId],
      ),
    ).toEqual({ kind: 'customer', lead_status: 'converted', converted: true, level: 'B' });
    expect(await count('follow_ups WHERE id = $1 AND customer_id = $2', [visit.id, leadId])).toBe(1);

    const ops = await zhangwei.pull();
    expect(puts(ops, 'customers')).toEqual([
      expect.objectContaining({ id: leadId, kind: 'customer', leadStatus: 'converted' }),
    ]);
    expect(puts(ops, 'opportunities')).toEqual([
      expect.objectContaining({
        id: opportunity.id,
        customerId: leadId,
        ownerId: server.demo.users.zhangwei,
        stageKey: 'needs',
        status: 'open',
        currency: 'CNY',
      }),
    ]);
    expect(puts(ops, 'stageChanges')).toEqual([
      expect.objectContaining({ id: opportunity.stageChangeId, fromStage: null, toStage: 'needs' }),
    ]);
    expect(putIds(await wangfang.pull(), 'opportunities')).toEqual([opportunity.id]);
  });

  it('refuses to convert a lead into a duplicate, naming the rep who holds it and not their customer', async () => {
    const zhangwei = device('zhangwei');
    const theirs = await freshCustomer('lina');
    const leadId = newId();
    await zhangwei.push('createLead', { id: leadId, name: theirs.name });
    const error = await zhangwei.refusalOf('convertLead', { id: leadId });
    expect(error).toMatchObject({
      code: 'duplicate',
      field: 'name',
      params: { holder: 'user', holderName: '李娜' },
    });
    expect(error?.message).toBe('name: a customer with this name already exists (owned by 李娜)');
    expect(error?.params).not.toHaveProperty('customerId');
    expect(await one('SELECT kind FROM customers WHERE id = $1', [leadId])).toEqual({ kind: 'lead' });
  });
});

describe('opportunities', () => {
  it('creates, edits and moves an opportunity through its stages, with history', async () => {
    const { zhangwei, lina, wangfang } = await team();
    const customer = await freshCustomer('zhangwei');
    const args = opportunityArgs(customer.id);
    expect((await zhangwei.push('createOpportunity', args)).rejections).toEqual([]);
    expect(
      (
        await zhangwei.push('updateOpportunity', {
          id: args.id,
          customerId: customer.id,
          set: { amountMinor: 1_500_000_00 },
          base: { amountMinor: args.amountMinor },
        })
      ).rejections,
    ).toEqual([]);
    const move = (toStage: string, extra: Record<string, unknown> = {}) =>
      zhangwei.push('moveOpportunityStage', {
        id: args.id,
        customerId: customer.id,
        toStage,
        stageChangeId: newId(),
        ...extra,
      });
    expect((await move('proposal')).rejections).toEqual([]);

    const ops = await zhangwei.pull();
    expect(puts(ops, 'opportunities')).toEqual([
      expect.objectContaining({
        id: args.id,
        amountMinor: 1_500_000_00,
        stageKey: 'proposal',
        status: 'open',
      }),
    ]);
    expect(puts(ops, 'stageChanges').map((c) => [c.fromStage, c.toStage])).toEqual([
      [null, 'discovery'],
      ['discovery', 'proposal'],
    ]);
    expect(putIds(await wangfang.pull(), 'opportunities')).toEqual([args.id]);
    expect(await lina.pull()).toEqual([]);

    // Won: closed, and the customer's last deal moves.
    expect((await move('won')).rejections).toEqual([]);
    const won = await one(
      `SELECT o.status, o.closed_at::float8 AS closed, c.last_deal_at::float8 AS deal
       FROM opportunities o JOIN customers c ON c.id = o.customer_id WHERE o.id = $1`,
      [args.id],
    );
    expect(won?.status).toBe('won');
    expect(won?.deal).toBe(won?.closed);
  });

  it('refuses a stage that does not exist, a lost without reason, and a customer out of scope', async () => {
    const zhangwei = device('zhangwei');
    const customer = await freshCustomer('zhangwei');
    const args = opportunityArgs(customer.id);
    await zhangwei.push('createOpportunity', args);
    const move = (extra: Record<string, unknown>) =>
      zhangwei.refusalOf('moveOpportunityStage', {
        id: args.id,
        customerId: customer.id,
        stageChangeId: newId(),
        ...extra,
      });
    expect(await move({ toStage: 'contract_signed' })).toMatchObject({
      code: 'validation',
      field: 'toStage',
    });
    expect(await move({ toStage: 'lost' })).toMatchObject({ code: 'validation', field: 'lostReason' });
    expect(await move({ toStage: 'lost', lostReason: 'weather' })).toMatchObject({ field: 'lostReason' });
    expect(await count('stage_changes WHERE opportunity_id = $1', [args.id])).toBe(1);
    expect(await one('SELECT stage_key, status FROM opportunities WHERE id = $1', [args.id])).toEqual({
      stage_key: 'discovery',
      status: 'open',
    });
    // Lost with a reason of the org's list closes it.
    expect(await move({ toStage: 'lost', lostReason: 'competitor' })).toBeUndefined();
    expect(await one('SELECT status, lost_reason FROM opportunities WHERE id = $1', [args.id])).toEqual({
      status: 'lost',
      lost_reason: 'competitor',
    });

    const theirs = await freshCustomer('lina');
    const stray = opportunityArgs(theirs.id);
    expect(await zhangwei.refusalOf('createOpportunity', stray)).toMatchObject({
      code: 'not_found',
      field: 'customerId',
    });
    expect(
      await zhangwei.refusalOf('createOpportunity', opportunityArgs(customer.id, { stageKey: 'won' })),
    ).toMatchObject({ code: 'validation', field: 'stageKey' });
    expect(
      await zhangwei.refusalOf('createOpportunity', opportunityArgs(customer.id, { amountMinor: 12.5 })),
    ).toMatchObject({ code: 'validation', field: 'amountMinor' });
    expect(await count('opportunities WHERE id = $1', [stray.id])).toBe(0);
  });
});

describe('follow-ups and tasks', () => {
  it('a follow-up completes the task it answers, plans the next one and names its opportunity', async () => {
    const { zhangwei, lina, wangfang } = await team();
    const customer = await freshCustomer('zhangwei');
    const opportunity = opportunityArgs(customer.id);
    await zhangwei.push('createOpportunity', opportunity);
    const task = {
      id: newId(),
      customerId: customer.id,
      assigneeId: server.demo.users.zhangwei,
      title: '上门演示样机',
      type: 'visit',
      dueAt: Date.now() + DAY,
    };
    expect((await zhangwei.push('createTask', task)).rejections).toEqual([]);
    const nextTaskId = newId();
    const nextFollowUpAt = Date.now() + 7 * DAY;
    const visit = followUpArgs(customer.id, {
      opportunityId: opportunity.id,
      completesTaskId: task.id,
      nextFollowUpAt,
      nextTaskId,
      content: '演示样机\n客户很满意',
    });
    expect((await zhangwei.push('logFollowUp', visit)).rejections).toEqual([]);

    const ops = await zhangwei.pull();
    expect(puts(ops, 'followUps')).toEqual([
      expect.objectContaining({ id: visit.id, opportunityId: opportunity.id }),
    ]);
    const tasks = new Map(puts(ops, 'tasks').map((t) => [t.id, t]));
    expect(tasks.get(task.id)).toMatchObject({ status: 'done', doneFollowUpId: visit.id, origin: 'manual' });
    expect(tasks.get(nextTaskId)).toMatchObject({
      status: 'open',
      origin: 'followUp',
      sourceFollowUpId: visit.id,
      assigneeId: server.demo.users.zhangwei,
      title: '演示样机',
      dueAt: nextFollowUpAt,
    });
    expect(putIds(await wangfang.pull(), 'tasks').sort()).toEqual([task.id, nextTaskId].sort());
    expect(await lina.pull()).toEqual([]);
  });

  it('refuses a follow-up on a customer the rep cannot see, and bad input, storing nothing', async () => {
    const zhangwei = device('zhangwei');
    const theirs = await freshCustomer('lina');
    const mine = await freshCustomer('zhangwei');
    const before = await count('follow_ups', []);
    expect(await zhangwei.refusalOf('logFollowUp', followUpArgs(theirs.id))).toMatchObject({
      code: 'not_found',
      field: 'customerId',
    });
    expect(await zhangwei.refusalOf('logFollowUp', followUpArgs(mine.id, { content: '   ' }))).toMatchObject({
      code: 'validation',
      field: 'content',
    });
    expect(
      await zhangwei.refusalOf('logFollowUp', followUpArgs(mine.id, { type: 'carrier_pigeon' })),
    ).toMatchObject({ code: 'validation', field: 'type' });
    expect(
      await zhangwei.refusalOf('logFollowUp', followUpArgs(mine.id, { opportunityId: newId() })),
    ).toMatchObject({ code: 'not_found', field: 'opportunityId' });
    expect(await count('follow_ups', [])).toBe(before);
  });

  it('lets the author edit within the window, and refuses someone else’s and a locked follow-up', async () => {
    const { zhangwei, wangfang } = await team();
    const customer = await freshCustomer('zhangwei');
    const visit = followUpArgs(customer.id);
    await zhangwei.push('logFollowUp', visit);
    const edit = (set: Record<string, unknown>) => ({ id: visit.id, customerId: customer.id, set });
    expect((await zhangwei.push('updateFollowUp', edit({ outcome: '约定下周报价' }))).rejections).toEqual([]);
    expect(puts(await wangfang.pull(), 'followUps')).toEqual([
      expect.objectContaining({ id: visit.id, outcome: '约定下周报价' }),
    ]);
    // The manager sees it but is not its author.
    expect(await wangfang.refusalOf('updateFollowUp', edit({ outcome: '改了' }))).toMatchObject({
      code: 'forbidden',
      field: 'id',
    });
    // Past the org's edit window (24 h) it is locked, for its author too; deleting it as well.
    await server.query('UPDATE follow_ups SET created_at = created_at - $1 WHERE id = $2', [
      (DEFAULT_SETTINGS.followUpEditWindowHours + 1) * HOUR,
      visit.id,
    ]);
    expect(await zhangwei.refusalOf('updateFollowUp', edit({ outcome: '再改' }))).toMatchObject({
      code: 'forbidden',
      field: 'id',
      message: expect.stringMatching(/locked/),
    });
    expect(
      await zhangwei.refusalOf('deleteFollowUp', { id: visit.id, customerId: customer.id }),
    ).toMatchObject({ code: 'forbidden', field: 'id' });
    expect(await one('SELECT outcome, deleted_at FROM follow_ups WHERE id = $1', [visit.id])).toEqual({
      outcome: '约定下周报价',
      deleted_at: null,
    });
  });

  it('deleteFollowUp keeps the row on the server as a tombstone and pulls as del', async () => {
    const { zhangwei, wangfang } = await team();
    const customer = await freshCustomer('zhangwei');
    const visit = followUpArgs(customer.id);
    await zhangwei.push('logFollowUp', visit);
    await Promise.all([zhangwei.pull(), wangfang.pull()]);
    expect(
      (await zhangwei.push('deleteFollowUp', { id: visit.id, customerId: customer.id })).rejections,
    ).toEqual([]);
    const row = await one('SELECT content, deleted_at::float8 AS deleted FROM follow_ups WHERE id = $1', [
      visit.id,
    ]);
    expect(row?.content).toBe(visit.content);
    expect(Number(row?.deleted)).toBeGreaterThan(0);
    expect(await zhangwei.pull()).toEqual([{ op: 'del', table: 'followUps', id: visit.id }]);
    expect(await wangfang.pull()).toEqual([{ op: 'del', table: 'followUps', id: visit.id }]);
    // A new device never gets it.
    expect(putIds(await device('zhangwei').pull(), 'followUps')).not.toContain(visit.id);
  });

  it('plans tasks for oneself as a rep and for the team as a manager; cancels them', async () => {
    const { zhangwei, lina } = await team();
    const linas = await freshCustomer('lina');
    const mine = await freshCustomer('zhangwei');
    const task = (customerId: string, assignee: User) => ({
      id: newId(),
      customerId,
      assigneeId: server.demo.users[assignee],
      title: '电话确认交期',
      type: 'call',
      dueAt: Date.now() + 2 * DAY,
    });
    expect(await zhangwei.refusalOf('createTask', task(mine.id, 'lina'))).toMatchObject({
      code: 'forbidden',
      field: 'assigneeId',
    });
    expect(await zhangwei.refusalOf('createTask', { ...task(mine.id, 'zhangwei'), title: '' })).toMatchObject(
      {
        code: 'validation',
        field: 'title',
      },
    );
    const planned = task(linas.id, 'lina');
    expect((await device('wangfang').push('createTask', planned)).rejections).toEqual([]);
    expect(puts(await lina.pull(), 'tasks')).toEqual([
      expect.objectContaining({ id: planned.id, createdBy: server.demo.users.wangfang, status: 'open' }),
    ]);
    // Zhangwei's device only re-fetches what his refused plans read; the task is not among it.
    expect(putIds(await zhangwei.pull(), 'tasks')).toEqual([]);
    expect((await lina.push('cancelTask', { id: planned.id, customerId: linas.id })).rejections).toEqual([]);
    expect(puts(await lina.pull(), 'tasks')).toEqual([expect.objectContaining({ status: 'cancelled' })]);
  });
});

describe('settings', () => {
  it('only an admin changes them; every device of the org receives them; removing a key is refused', async () => {
    const { zhangwei, lina } = await team();
    const admin = device('admin');
    await admin.pull();
    const followUpTypes = [
      ...DEFAULT_SETTINGS.followUpTypes,
      { key: 'site_survey', labelZh: '现场勘测', labelEn: 'Site survey', active: true },
    ];
    expect(await zhangwei.refusalOf('updateSettings', { set: { followUpTypes } })).toMatchObject({
      code: 'forbidden',
    });
    expect(
      await admin.refusalOf('updateSettings', { set: { followUpTypes: followUpTypes.slice(1) } }),
    ).toMatchObject({ code: 'validation', field: 'followUpTypes', params: { key: 'visit' } });
    expect((await admin.push('updateSettings', { set: { followUpTypes } })).rejections).toEqual([]);
    for (const d of [zhangwei, lina, admin]) {
      const [settings] = puts(await d.pull(), 'settings');
      expect(settings).toMatchObject({ id: server.demo.orgId, followUpTypes });
      expect(rowSchemas.settings.strict().parse(settings)).toEqual(settings);
    }
    // The new type is usable at once; an unknown one is not.
    const customer = await freshCustomer('zhangwei');
    expect(
      await zhangwei.refusalOf('logFollowUp', followUpArgs(customer.id, { type: 'site_survey' })),
    ).toBeUndefined();
  });

  it('creates the settings row of an org that has none yet (a fresh org) from the defaults', async () => {
    const [before] = await server.query('SELECT * FROM settings');
    await server.query('DELETE FROM settings');
    try {
      const admin = device('admin');
      expect(
        (await admin.push('updateSettings', { set: { followUpEditWindowHours: 2 } })).rejections,
      ).toEqual([]);
      const [row] = await server.query(
        `SELECT s.follow_up_edit_window_hours AS hours, s.stages, s.version = o.version AS stamped
         FROM settings s JOIN orgs o ON o.id = s.org_id`,
      );
      expect(row).toEqual({ hours: 2, stages: DEFAULT_SETTINGS.stages, stamped: true });
    } finally {
      await server.query('DELETE FROM settings');
      await server.query(
        `INSERT INTO settings SELECT * FROM json_populate_record(NULL::settings, $1::json)`,
        [JSON.stringify(before)],
      );
    }
  });
});

describe('claims and transfers move the customer with its open work', () => {
  it('claimCustomer takes a public-sea customer into the rep’s pull, whole; a second claim is told why', async () => {
    const { zhangwei, lina } = await team();
    const [pub] = await server.query(
      `SELECT id FROM customers WHERE pool_state = 'public' AND kind = 'customer' ORDER BY id LIMIT 1`,
    );
    const customerId = String(pub?.id);
    const contacts = await server.query('SELECT id FROM contacts WHERE customer_id = $1', [customerId]);
    expect((await zhangwei.push('claimCustomer', { customerId, reason: '客户重新询价' })).rejections).toEqual(
      [],
    );
    const ops = await zhangwei.pull();
    expect(puts(ops, 'customers')).toEqual([
      expect.objectContaining({ id: customerId, ownerId: server.demo.users.zhangwei, poolState: 'private' }),
    ]);
    expect(putIds(ops, 'contacts').sort()).toEqual(contacts.map((c) => String(c.id)).sort());
    // Its history comes along: initial assignment, release, and this claim by the rep.
    expect(puts(ops, 'ownershipEvents').map((e) => [e.toPoolState, e.actorType, e.reason])).toEqual(
      expect.arrayContaining([['private', 'user', '客户重新询价']]),
    );
    // A rep who never held it hears nothing of the claim (no `del` of a row it never had).
    const quiet = await lina.pull();
    expect(delIds(quiet, 'customers')).not.toContain(customerId);
    expect(quiet.some((op) => op.op !== 'clear' && 'row' in op && op.row.customerId === customerId)).toBe(
      false,
    );
    expect(await lina.refusalOf('claimCustomer', { customerId, reason: '我也想要' })).toMatchObject({
      code: 'conflict',
      field: 'customerId',
      message: expect.stringMatching(/claimed this customer first/),
    });
    // Lina's device drops what its refused claim touched (it never had it: a del is harmless).
    const refused = await lina.pull();
    expect(refused.filter((op) => op.op !== 'del')).toEqual([]);
    expect(delIds(refused, 'customers')).toContain(customerId);
    expect(await device('admin').refusalOf('claimCustomer', { customerId, reason: 'x' })).toMatchObject({
      code: 'forbidden',
    });
  });

  it('a transfer carries open opportunities and tasks to the new owner, closed ones stay with the old', async () => {
    const { zhangwei, lina, wangfang } = await team();
    const customer = await freshCustomer('zhangwei');
    const open = opportunityArgs(customer.id, { name: '开放商机' });
    const closed = opportunityArgs(customer.id, { name: '已赢商机' });
    await zhangwei.push('createOpportunity', open);
    await zhangwei.push('createOpportunity', closed);
    await zhangwei.push('moveOpportunityStage', {
      id: closed.id,
      customerId: customer.id,
      toStage: 'won',
      stageChangeId: newId(),
    });
    const task = {
      id: newId(),
      customerId: customer.id,
      assigneeId: server.demo.users.zhangwei,
      title: '送样',
      type: 'visit',
      dueAt: Date.now() + DAY,
    };
    await zhangwei.push('createTask', task);
    await Promise.all([zhangwei.pull(), lina.pull(), wangfang.pull()]);

    expect(
      (
        await wangfang.push('transferCustomer', {
          customerId: customer.id,
          toUserId: server.demo.users.lina,
          reason: '区域调整',
        })
      ).rejections,
    ).toEqual([]);
    const rows = await server.query(
      `SELECT 'customer' AS kind, id, owner_id AS who, version::float8 AS v FROM customers WHERE id = $1
       UNION ALL SELECT 'opportunity', id, owner_id, version::float8 FROM opportunities WHERE customer_id = $1
       UNION ALL SELECT 'task', id, assignee_id, version::float8 FROM tasks WHERE customer_id = $1`,
      [customer.id],
    );
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    const moved = byId.get(customer.id);
    expect(moved?.who).toBe(server.demo.users.lina);
    expect(byId.get(open.id)).toMatchObject({ who: server.demo.users.lina, v: moved?.v });
    expect(byId.get(task.id)).toMatchObject({ who: server.demo.users.lina, v: moved?.v });
    expect(byId.get(closed.id)?.who).toBe(server.demo.users.zhangwei);
    expect(Number(byId.get(closed.id)?.v)).toBeLessThan(Number(moved?.v));

    // Every open piece of work of the customer moved, the seeded ones included.
    expect(
      await count(`opportunities WHERE customer_id = $1 AND status = 'open' AND owner_id <> $2`, [
        customer.id,
        server.demo.users.lina,
      ]),
    ).toBe(0);
    expect(
      await count(`tasks WHERE customer_id = $1 AND status = 'open' AND assignee_id <> $2`, [
        customer.id,
        server.demo.users.lina,
      ]),
    ).toBe(0);

    const ofCustomer = async (table: string) =>
      (await server.query(`SELECT id FROM ${table} WHERE customer_id = $1`, [customer.id]))
        .map((r) => String(r.id))
        .sort();
    const gone = await zhangwei.pull();
    expect(gone.every((op) => op.op === 'del')).toBe(true);
    expect(delIds(gone, 'opportunities').sort()).toEqual(await ofCustomer('opportunities'));
    expect(delIds(gone, 'tasks').sort()).toEqual(await ofCustomer('tasks'));

    const arrived = await lina.pull();
    const arrivedById = new Map(
      [...puts(arrived, 'opportunities'), ...puts(arrived, 'tasks')].map((r) => [r.id, r]),
    );
    expect(arrivedById.get(open.id)).toMatchObject({ ownerId: server.demo.users.lina });
    expect(arrivedById.get(closed.id)).toMatchObject({ ownerId: server.demo.users.zhangwei, status: 'won' });
    expect(arrivedById.get(task.id)).toMatchObject({ assigneeId: server.demo.users.lina, status: 'open' });
    expect(putIds(arrived, 'tasks').sort()).toEqual(await ofCustomer('tasks'));
    // The manager keeps the customer and sees the new owners.
    const managerOps = await wangfang.pull();
    expect(managerOps.some((op) => op.op === 'del')).toBe(false);
    expect(puts(managerOps, 'tasks').find((t) => t.id === task.id)).toMatchObject({
      assigneeId: server.demo.users.lina,
    });
  });
});

describe('bad input is refused with the field named, and nothing is stored', () => {
  it.each([
    ['createCustomer without a name', 'createCustomer', { id: newId() }, 'name'],
    ['createCustomer with a blank name', 'createCustomer', { id: newId(), name: '  ' }, 'name'],
    [
      'a malformed phone',
      'createCustomer',
      { id: newId(), name: '宁波测试一号有限公司', phone: '12345' },
      'phone',
    ],
    [
      'a malformed credit code',
      'createCustomer',
      { id: newId(), name: '宁波测试二号有限公司', creditCode: '91330212MA2AB1234X' },
      'creditCode',
    ],
    ['createLead without a name', 'createLead', { id: newId(), phone: '13800138000' }, 'name'],
    [
      'a lead contact without a name',
      'createLead',
      { id: newId(), name: '宁波测试三号有限公司', contact: { id: newId(), name: '' } },
      'contact.name',
    ],
  ])('%s', async (_what, name, args, field) => {
    const error = await device('zhangwei').refusalOf(name, args);
    expect(error).toMatchObject({ code: 'validation', field });
    expect(error?.message).toContain(`args.${field}:`);
    expect(await count('customers WHERE id = $1', [args.id])).toBe(0);
  });
});
