import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../shared/api/contract';
import type { FollowUpRow, OwnershipEventRow } from '../../../shared/domain/rows';
import { defaultSettings } from '../../../shared/domain/settings';
import { creditCodeCheckChar } from '../../../shared/domain/validators';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { SessionUser } from '../../../shared/sync/protocol';
import { createClientCore, dispatch, type ClientCore } from './index';
import { createFakeSyncServer } from './sync/fakeSyncServer';
import { makeTempDir, openTestDatabase, testCustomer, testUser, TEST_ORG_ID } from './testing';

/**
 * The channels of issue 4 (the rep's working day) through the real client core over its SQLite
 * database, with the in-memory stand-in of the server for the first pull: Today, the pipeline, follow-up
 * edit windows, leads, tasks, the duplicate check at capture and claims.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** A Wednesday, 14:00 on the test machine's clock (the Today buckets are local days). */
const NOW = new Date(2025, 5, 11, 14, 0, 0).getTime();
const at = (dayOffset: number, hour: number) => new Date(2025, 5, 11 + dayOffset, hour, 0, 0).getTime();

const rep = testUser();
const lina = testUser({ username: 'lina', displayName: '李娜' });
const manager = testUser({ username: 'wang', displayName: '王经理', role: 'manager' });
const sessionUser: SessionUser = {
  id: rep.id,
  orgId: TEST_ORG_ID,
  teamId: null,
  username: rep.username,
  displayName: rep.displayName,
  role: 'rep',
};

const CREDIT_CODE = `91310115MA1H7GQX3${creditCodeCheckChar('91310115MA1H7GQX3') ?? ''}`;
const mine = testCustomer({
  name: '上海浦东恒瑞精密机械有限公司',
  creditCode: CREDIT_CODE,
  phone: '13800138000',
  ownerId: rep.id,
});
/** On the device because the stand-in server sends everything (as a manager's device would hold it). */
const linas = testCustomer({ name: '苏州华信电子科技有限公司', phone: '13912345678', ownerId: lina.id });

async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

/** A channel called the way the renderer calls it: raw input, validated by the contract (`dispatch`). */
async function api(core: ClientCore, channel: string, input: unknown): Promise<unknown> {
  const result = await dispatch(core.handlers, channel, input);
  if (result.ok) return result.data;
  throw new AppError(result.error.code as ErrorCode, result.error.message, {
    ...(result.error.field !== undefined ? { field: result.error.field } : {}),
    ...(result.error.params !== undefined ? { params: result.error.params } : {}),
  });
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('the working day on the device (handlers over SQLite)', () => {
  const temp = makeTempDir();
  const cores: ClientCore[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  afterAll(() => temp.remove());

  async function open(seed: Parameters<typeof createFakeSyncServer>[1] = {}) {
    const server = createFakeSyncServer(sessionUser, {
      users: [rep, lina, manager],
      customers: [mine, linas],
      ...seed,
    });
    const dataDir = `${temp.dir}/${newId()}`;
    const core = await createClientCore({
      dataDir,
      fetch: server.fetch,
      now: () => NOW,
      syncIntervalMs: 600_000,
      maxBackoffMs: 600_000,
      debounceMs: 600_000,
      pokes: false,
    });
    cores.push(core);
    await call(core, 'session.login', { serverUrl: 'http://sync.test', username: 'zhangwei', password: 'x' });
    await core.syncNow();
    const count = (sql: string) => {
      const db = openTestDatabase(dataDir, `users/${rep.id}.db`);
      try {
        return db.prepare(sql).pluck().get() as number;
      } finally {
        db.close();
      }
    };
    return { core, server, count };
  }

  const log = (core: ClientCore, customerId: string, extra: Record<string, unknown> = {}) =>
    call(core, 'followUps.log', {
      customerId,
      contactId: null,
      opportunityId: null,
      completesTaskId: null,
      type: 'visit',
      content: '上门拜访，确认需求',
      outcome: null,
      occurredAt: NOW - HOUR,
      nextFollowUpAt: null,
      ...extra,
    });

  it('cuts my open tasks into overdue, today and the next 7 days, by local due date', async () => {
    const linasTask = {
      id: newId(),
      orgId: TEST_ORG_ID,
      customerId: mine.id,
      assigneeId: lina.id,
      title: '李娜的任务',
      type: 'call',
      dueAt: at(0, 9),
      origin: 'manual' as const,
      status: 'open' as const,
      sourceFollowUpId: null,
      doneFollowUpId: null,
      doneAt: null,
      createdBy: manager.id,
      createdAt: NOW - DAY,
      updatedAt: NOW - DAY,
      version: 1,
    };
    const { core } = await open({ tasks: [linasTask] });
    const task = async (title: string, dueAt: number) =>
      (
        await call(core, 'tasks.create', {
          customerId: mine.id,
          assigneeId: rep.id,
          title,
          type: 'visit',
          dueAt,
        })
      ).id;
    const overdue = await task('两天前', at(-2, 10));
    const lastNight = await task('昨晚', at(-1, 23));
    const morning = await task('今早', at(0, 9));
    const evening = await task('今晚', at(0, 20));
    const tomorrow = await task('明天', at(1, 0));
    const sixDays = await task('六天后', at(7, 23));
    await task('八天后', at(8, 0));
    const cancelled = await task('取消', at(0, 10));
    await call(core, 'tasks.cancel', { id: cancelled, customerId: mine.id });

    const today = await call(core, 'today.get', {});
    expect(today.now).toBe(NOW);
    expect(today.overdue.map((t) => t.id)).toEqual([overdue, lastNight]);
    expect(today.dueToday.map((t) => t.id)).toEqual([morning, evening]);
    expect(today.upcoming.map((t) => t.id)).toEqual([tomorrow, sixDays]);
    expect(today.dueToday[0]).toMatchObject({
      title: '今早',
      customerName: mine.name,
      customerKind: 'customer',
      assigneeName: '张伟',
      pending: true,
      status: 'open',
    });
    // The list's "due" marker: open tasks of the customer due before the end of today, anyone's.
    const list = await call(core, 'customers.list', {
      offset: 0,
      limit: 10,
      sort: { column: 'name', desc: false },
    });
    expect(list.rows.find((r) => r.id === mine.id)?.dueTasks).toBe(5);
    expect(list.rows.find((r) => r.id === linas.id)?.dueTasks).toBe(0);
  });

  it('weighs my open pipeline by stage probability per currency, and lists what came to me lately', async () => {
    const event = (overrides: Partial<OwnershipEventRow>): OwnershipEventRow => ({
      id: newId(),
      orgId: TEST_ORG_ID,
      customerId: mine.id,
      fromOwnerId: lina.id,
      toOwnerId: rep.id,
      fromPoolState: 'private',
      toPoolState: 'private',
      actorType: 'user',
      actorId: manager.id,
      reason: '区域调整',
      action: 'transfer',
      poolId: null,
      at: NOW - 2 * DAY,
      version: 1,
      ...overrides,
    });
    const transferred = event({});
    const { core } = await open({
      ownershipEvents: [
        transferred,
        event({ at: NOW - 15 * DAY, reason: '太早' }),
        event({
          fromOwnerId: null,
          fromPoolState: null,
          actorId: rep.id,
          reason: '新建客户',
          at: NOW - 10 * DAY,
        }),
        event({ customerId: linas.id, toOwnerId: lina.id, fromOwnerId: rep.id, reason: '给李娜' }),
      ],
    });
    const open_ = (name: string, amountMinor: number, currency: 'CNY' | 'USD', stageKey: string) =>
      call(core, 'opportunities.create', {
        customerId: mine.id,
        name,
        amountMinor,
        currency,
        stageKey,
        expectedCloseAt: null,
      });
    await open_('二期扩产项目', 1_000_000_00, 'CNY', 'proposal'); // 50 %
    await open_('备品备件', 200_000_00, 'CNY', 'discovery'); // 10 %
    await open_('出口设备', 50_000_00, 'USD', 'negotiation'); // 75 %
    const { id: won } = await open_('年度框架协议', 9_999_00, 'CNY', 'needs');
    await call(core, 'opportunities.moveStage', {
      id: won,
      customerId: mine.id,
      toStage: 'won',
      lostReason: null,
    });
    await log(core, mine.id);
    await log(core, linas.id);

    const { stats, recentlyAssigned } = await call(core, 'today.get', {});
    expect(stats).toEqual({
      openOpportunities: 3,
      weightedPipeline: [
        { currency: 'CNY', amountMinor: 500_000_00 + 20_000_00 },
        { currency: 'USD', amountMinor: 37_500_00 },
      ],
      followUpsThisWeek: 2,
    });
    expect(recentlyAssigned).toEqual([
      {
        customerId: mine.id,
        customerName: mine.name,
        at: transferred.at,
        reason: '区域调整',
        fromOwnerName: '李娜',
        actorType: 'user',
        // The manager who moved it, so Today can say who decided.
        actorName: '王经理',
      },
    ]);
    const detail = await call(core, 'customers.get', { id: mine.id });
    expect(detail.opportunities).toHaveLength(4);
    expect(detail.opportunities.find((o) => o.id === won)).toMatchObject({ status: 'won', pending: true });
    // Both moves happened at the same instant here (a fixed clock): compare without their order.
    expect(
      detail.stageChanges
        .filter((s) => s.opportunityId === won)
        .map((s) => s.toStage)
        .sort(),
    ).toEqual(['needs', 'won']);
    expect(detail.stageChanges.find((s) => s.toStage === 'won')).toMatchObject({
      changedByName: '张伟',
      fromStage: 'needs',
    });
    expect(detail.customer.lastDealAt).toBe(NOW);
    expect(detail.ownership.map((e) => e.reason)).toEqual(['区域调整', '新建客户', '太早']);
    expect(detail.ownership[0]).toMatchObject({
      fromOwnerName: '李娜',
      toOwnerName: '张伟',
      actorName: '王经理',
    });
    const pipeline = await call(core, 'opportunities.list', { status: 'open' });
    expect(pipeline.map((o) => o.name).sort()).toEqual(['二期扩产项目', '出口设备', '备品备件'].sort());
    expect(await call(core, 'opportunities.list', { status: 'all', query: '框架' })).toMatchObject([
      { id: won, customerName: mine.name, ownerName: '张伟' },
    ]);
  });

  it('lets the author edit a follow-up until the org edit window closes, and names its opportunity', async () => {
    const settings = { ...defaultSettings(TEST_ORG_ID), followUpEditWindowHours: 48, version: 1 };
    const linasFollowUp: FollowUpRow = {
      id: newId(),
      orgId: TEST_ORG_ID,
      customerId: mine.id,
      contactId: null,
      opportunityId: null,
      attrs: {},
      templateVersionId: null,
      authorId: lina.id,
      type: 'call',
      content: '李娜的电话',
      outcome: null,
      occurredAt: NOW - 3 * DAY,
      nextFollowUpAt: null,
      createdAt: NOW - 3 * DAY,
      updatedAt: NOW - 3 * DAY,
      version: 1,
    };
    const { core } = await open({ settings: [settings], followUps: [linasFollowUp] });
    expect(await call(core, 'settings.get', {})).toMatchObject({ followUpEditWindowHours: 48 });
    const { id: opportunityId } = await call(core, 'opportunities.create', {
      customerId: mine.id,
      name: '新产线配套',
      amountMinor: 100,
      currency: 'CNY',
      stageKey: 'discovery',
      expectedCloseAt: null,
    });
    const { id } = await log(core, mine.id, { opportunityId });
    let detail = await call(core, 'customers.get', { id: mine.id });
    expect(detail.followUps.map((f) => [f.id, f.editableUntil, f.opportunityName])).toEqual([
      [id, NOW + 48 * HOUR, '新产线配套'],
      [linasFollowUp.id, null, null],
    ]);
    await call(core, 'followUps.update', { id, customerId: mine.id, set: { content: '改过的内容' } });
    detail = await call(core, 'customers.get', { id: mine.id });
    expect(detail.followUps[0]).toMatchObject({ content: '改过的内容', pending: true });
    const locked = await refusal(
      call(core, 'followUps.update', { id: linasFollowUp.id, customerId: mine.id, set: { content: 'x' } }),
    );
    expect(locked).toMatchObject({ code: 'forbidden', field: 'id' });
    await call(core, 'followUps.delete', { id, customerId: mine.id });
    detail = await call(core, 'customers.get', { id: mine.id });
    expect(detail.followUps.map((f) => f.id)).toEqual([linasFollowUp.id]);
  });

  it('refuses a capture or edit that duplicates a customer on the device, naming the field, writing nothing', async () => {
    const { core, count } = await open();
    const customersBefore = count('SELECT count(*) FROM customers');
    const pendingBefore = count('SELECT count(*) FROM outbox');

    const byName = await refusal(api(core, 'customers.create', { name: '上海浦东 恒瑞精密机械(有限公司)' }));
    expect(byName).toMatchObject({
      code: 'duplicate',
      field: 'name',
      params: { holder: 'self', customerId: mine.id, customerName: mine.name },
    });
    const byPhone = await refusal(api(core, 'customers.create', { name: '新客户', phone: '139 1234 5678' }));
    expect(byPhone).toMatchObject({
      code: 'duplicate',
      field: 'phone',
      params: { holder: 'user', holderName: '李娜', customerId: linas.id },
    });
    const byCode = await refusal(
      api(core, 'customers.create', { name: '另一家公司', creditCode: ` ${CREDIT_CODE.toLowerCase()}` }),
    );
    expect(byCode).toMatchObject({ code: 'duplicate', field: 'creditCode' });
    const byEdit = await refusal(call(core, 'customers.update', { id: mine.id, set: { name: linas.name } }));
    expect(byEdit).toMatchObject({ code: 'duplicate', field: 'name', params: { holder: 'user' } });
    expect(count('SELECT count(*) FROM customers')).toBe(customersBefore);
    expect(count('SELECT count(*) FROM outbox')).toBe(pendingBefore);

    // Its own values never collide with itself; leads are exempt until they are converted.
    await call(core, 'customers.update', { id: mine.id, set: { name: '上海浦东恒瑞精密机械有限公司 ' } });
    const { id: leadId } = await call(core, 'leads.create', {
      name: mine.name,
      industry: null,
      region: null,
      address: null,
      phone: null,
      source: '展会',
      contact: null,
    });
    await call(core, 'customers.update', { id: leadId, set: { leadStatus: 'qualified' } });
    const converting = await refusal(call(core, 'leads.convert', { id: leadId, set: {}, opportunity: null }));
    expect(converting).toMatchObject({ code: 'duplicate', field: 'name', params: { holder: 'self' } });
    await call(core, 'leads.convert', {
      id: leadId,
      set: { name: '上海恒瑞销售有限公司' },
      opportunity: null,
    });
    expect(count(`SELECT count(*) FROM customers WHERE kind = 'customer'`)).toBe(customersBefore + 1);
  });

  it('checks duplicates locally always, and with the server when it believes it is online', async () => {
    const { core, server } = await open();
    const publicId = newId();
    const asked: unknown[] = [];
    let answer: () => Response | Promise<Response> = () =>
      new Response(
        JSON.stringify({
          matches: [
            { field: 'name', holder: 'public', customerId: publicId, customerName: '公海里的恒瑞' },
            { field: 'phone', holder: 'self', customerId: mine.id, customerName: mine.name },
          ],
        }),
      );
    server.intercept = (path, body) => {
      if (path !== '/customers/duplicates') return undefined;
      asked.push(body);
      return answer() as Response;
    };
    const check = { name: '公海里的恒瑞', phone: '13800138000' };
    expect(await call(core, 'customers.checkDuplicate', check)).toEqual({
      checkedOnline: true,
      matches: [
        { field: 'phone', holder: 'self', customerId: mine.id, customerName: mine.name },
        { field: 'name', holder: 'public', customerId: publicId, customerName: '公海里的恒瑞' },
      ],
    });
    expect(asked).toEqual([check]);

    answer = () => new Response('{"error":{"code":"server_error","message":"down"}}', { status: 503 });
    expect(await call(core, 'customers.checkDuplicate', check)).toEqual({
      checkedOnline: false,
      matches: [{ field: 'phone', holder: 'self', customerId: mine.id, customerName: mine.name }],
    });

    answer = () =>
      new Promise<Response>((resolve) => setTimeout(() => resolve(new Response('{"matches":[]}')), 5000));
    const started = Date.now();
    const slow = await call(core, 'customers.checkDuplicate', { name: linas.name, excludeId: linas.id });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(slow).toEqual({ checkedOnline: false, matches: [] });
    expect(asked.at(-1)).toEqual({ name: linas.name, excludeId: linas.id });
  });

  it('queues a claim with no local effect, and turns a capture refused as a public duplicate into a claim', async () => {
    const { core, server, count } = await open();
    const publicId = newId();
    await call(core, 'customers.claim', { customerId: publicId, reason: '客户重新活跃' });
    expect(count(`SELECT count(*) FROM outbox WHERE name = 'claimCustomer' AND effects = '[]'`)).toBe(1);
    expect(count(`SELECT count(*) FROM customers WHERE id = '${publicId}'`)).toBe(0);
    const claimArgs = count(`SELECT args FROM outbox WHERE name = 'claimCustomer'`) as unknown as string;
    expect(JSON.parse(claimArgs)).toEqual({ customerId: publicId, reason: '客户重新活跃' });

    // The server refuses a capture: the customer waits in the public sea.
    const { id: created } = (await api(core, 'customers.create', { name: '公海里的恒瑞' })) as { id: string };
    server.intercept = (path, body) => {
      if (path !== '/sync/push') return undefined;
      const mutations = (body as { mutations: { id: number; name: string }[] }).mutations;
      server.lastMutationIds.set((body as { clientId: string }).clientId, mutations.at(-1)!.id);
      return new Response(
        JSON.stringify({
          lastMutationId: mutations.at(-1)!.id,
          rejections: mutations.map((m) =>
            m.name === 'createCustomer'
              ? {
                  mutationId: m.id,
                  name: m.name,
                  error: {
                    code: 'duplicate',
                    message: 'name: in the public sea',
                    field: 'name',
                    params: { holder: 'public', customerId: publicId, customerName: '公海里的恒瑞' },
                  },
                }
              : { mutationId: m.id, name: m.name, error: { code: 'not_found', message: 'customerId: gone' } },
          ),
        }),
      );
    };
    await core.syncNow();
    server.intercept = null;
    expect(count(`SELECT count(*) FROM customers WHERE id = '${created}'`)).toBe(0);
    // The renderer shows the refusal; the detail of the refused row answers not_found, as for any gone row.
    expect(await refusal(call(core, 'customers.get', { id: created }))).toMatchObject({
      code: 'not_found',
      field: 'id',
    });
    const inbox = await call(core, 'inbox.list', {});
    const capture = inbox.find((i) => i.mutationName === 'createCustomer')!;
    const claim = inbox.find((i) => i.mutationName === 'claimCustomer')!;
    expect(capture.reason).toMatchObject({ code: 'duplicate', params: { holder: 'public' } });
    expect(await refusal(call(core, 'inbox.resolve', { id: claim.id, action: 'claim' }))).toMatchObject({
      code: 'validation',
      field: 'action',
    });
    await call(core, 'inbox.resolve', { id: capture.id, action: 'claim' });
    expect((await call(core, 'inbox.list', {})).map((i) => i.id)).toEqual([claim.id]);
    const queued = count(`SELECT args FROM outbox WHERE name = 'claimCustomer'`) as unknown as string;
    expect(JSON.parse(queued)).toEqual({ customerId: publicId, reason: 'duplicate at capture' });
  });

  it('converts a lead in place: follow-ups and contacts stay attached, and the opportunity opens', async () => {
    const { core } = await open();
    const { id } = await call(core, 'leads.create', {
      name: '杭州新宇网络科技有限公司',
      industry: '软件',
      region: '杭州',
      address: null,
      phone: '0571-8888 1234',
      source: '展会',
      contact: { name: '周杰', title: '总经理', phone: null, email: null, wechat: 'zhoujie' },
    });
    await log(core, id);
    expect((await call(core, 'leads.list', { offset: 0, limit: 10, status: 'open' })).rows).toMatchObject([
      { id, contactName: '周杰', leadStatus: 'new', ownerName: '张伟' },
    ]);
    const converted = await call(core, 'leads.convert', {
      id,
      set: { shortName: '新宇网络' },
      opportunity: {
        name: '首单',
        amountMinor: 300_000_00,
        currency: 'CNY',
        stageKey: 'needs',
        expectedCloseAt: null,
      },
    });
    expect(converted).toEqual({ id, opportunityId: expect.any(String) });
    const detail = await call(core, 'customers.get', { id });
    expect(detail.customer).toMatchObject({ kind: 'customer', leadStatus: 'converted', convertedAt: NOW });
    expect(detail.customer.shortName).toBe('新宇网络');
    expect(detail.followUps).toHaveLength(1);
    expect(detail.contacts).toMatchObject([{ name: '周杰', isPrimary: true }]);
    expect(detail.opportunities).toMatchObject([
      { id: converted.opportunityId, stageKey: 'needs', status: 'open', ownerId: rep.id },
    ]);
    expect(detail.stageChanges).toMatchObject([{ fromStage: null, toStage: 'needs' }]);
    expect((await call(core, 'leads.list', { offset: 0, limit: 10, status: 'open' })).total).toBe(0);
    expect(
      (await call(core, 'leads.list', { offset: 0, limit: 10, status: 'converted' })).rows,
    ).toMatchObject([{ id, leadStatus: 'converted', convertedAt: NOW }]);
    const list = await call(core, 'customers.list', {
      offset: 0,
      limit: 10,
      sort: { column: 'name', desc: false },
      query: '新宇',
    });
    expect(list.rows.map((r) => r.id)).toEqual([id]);
  });

  it('plans the next follow-up as a task, and logging on the task completes it', async () => {
    const { core } = await open();
    const first = await log(core, mine.id, { nextFollowUpAt: at(2, 10), content: '约好下周演示\n第二行' });
    let detail = await call(core, 'customers.get', { id: mine.id });
    expect(detail.tasks).toHaveLength(1);
    const [planned] = detail.tasks;
    expect(planned).toMatchObject({
      status: 'open',
      origin: 'followUp',
      dueAt: at(2, 10),
      title: '约好下周演示',
      sourceFollowUpId: first.id,
      assigneeId: rep.id,
      pending: true,
    });
    expect((await call(core, 'today.get', {})).upcoming.map((t) => t.id)).toEqual([planned!.id]);
    const second = await log(core, mine.id, { completesTaskId: planned!.id });
    detail = await call(core, 'customers.get', { id: mine.id });
    expect(detail.tasks).toMatchObject([{ id: planned!.id, status: 'done', doneFollowUpId: second.id }]);
    expect((await call(core, 'today.get', {})).upcoming).toEqual([]);
    // Without a next date, no task is planned.
    await log(core, mine.id);
    expect((await call(core, 'customers.get', { id: mine.id })).tasks).toHaveLength(1);
  });

  it('feeds follow-ups newest first with names, filtered by author', async () => {
    const linasFollowUp: FollowUpRow = {
      id: newId(),
      orgId: TEST_ORG_ID,
      customerId: linas.id,
      contactId: null,
      opportunityId: null,
      attrs: {},
      templateVersionId: null,
      authorId: lina.id,
      type: 'wechat',
      content: '微信发送资料',
      outcome: null,
      occurredAt: NOW - DAY,
      nextFollowUpAt: null,
      createdAt: NOW - DAY,
      updatedAt: NOW - DAY,
      version: 1,
    };
    const { core } = await open({ followUps: [linasFollowUp] });
    const { id: a } = await log(core, mine.id);
    const feed = await call(core, 'followUps.feed', { offset: 0, limit: 10 });
    expect(feed.total).toBe(2);
    expect(feed.rows.map((f) => [f.id, f.customerName, f.authorName, f.pending])).toEqual([
      [a, mine.name, '张伟', true],
      [linasFollowUp.id, linas.name, '李娜', false],
    ]);
    const byLina = await call(core, 'followUps.feed', { offset: 0, limit: 10, authorId: lina.id });
    expect(byLina).toMatchObject({ total: 1, rows: [{ id: linasFollowUp.id, editableUntil: null }] });
    expect((await call(core, 'followUps.feed', { offset: 1, limit: 10 })).rows.map((f) => f.id)).toEqual([
      linasFollowUp.id,
    ]);
  });

  it('answers the default settings before the org has any, and the synced row after', async () => {
    const { core, server } = await open();
    expect(await call(core, 'settings.get', {})).toEqual(defaultSettings(TEST_ORG_ID));
    server.put('settings', { ...defaultSettings(TEST_ORG_ID), followUpEditWindowHours: 0, updatedAt: NOW });
    await core.syncNow();
    expect(await call(core, 'settings.get', {})).toMatchObject({ followUpEditWindowHours: 0, version: 2 });
    // A rep cannot change them; the mutator refuses before anything is queued.
    expect(
      await refusal(call(core, 'settings.update', { set: { followUpEditWindowHours: 12 } })),
    ).toMatchObject({ code: 'forbidden' });
  });
});
