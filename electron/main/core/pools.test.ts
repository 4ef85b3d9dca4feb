import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiHandlers } from '../../../shared/api/contract';
import type { CustomerRow, UserRow } from '../../../shared/domain/rows';
import { AppError, type ErrorCode } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { DAY_MS } from '../../../shared/pools/rules';
import type { SessionUser } from '../../../shared/sync/protocol';
import { PUBLIC_SEA_OFFLINE } from './handlers';
import { createClientCore, dispatch, type ClientCore } from './index';
import { createFakeSyncServer, type FakeSyncServer } from './sync/fakeSyncServer';
import { makeTempDir, testCustomer, testPool, testUser, TEST_ORG_ID } from './testing';

/**
 * The public sea on the device (issue 6) through the real client core, against the stand-in server in
 * its scoped mode (a customer that leaves the user's private sea is removed, one that enters arrives
 * whole): recycle countdowns in the list, the detail and Today, reset by a follow-up logged offline;
 * release, lock and assignment; the public-sea browse forwarded to the server; notices of customers
 * recycled or moved away and assigned in; "claim it back and re-apply" from the inbox; pools and the
 * admin's pool operations.
 */

const HOUR = 3_600_000;
const NOW = new Date(2025, 5, 11, 14, 0, 0).getTime();
const TEAM = newId();
const rep = testUser({ teamId: TEAM });
const lina = testUser({ username: 'lina', displayName: '李娜', teamId: TEAM });
const manager = testUser({ username: 'wang', displayName: '王经理', role: 'manager', teamId: TEAM });
const admin = testUser({ username: 'admin', displayName: '管理员', role: 'admin', teamId: null });
const session = (u: UserRow): SessionUser => ({
  id: u.id,
  orgId: TEST_ORG_ID,
  teamId: u.teamId,
  username: u.username,
  displayName: u.displayName,
  role: u.role,
});
/** The team's pool: no follow-up for 30 days (A-level customers 60), warned 3 days ahead. */
const pool = testPool({
  teamIds: [TEAM],
  recycle: { rules: [{ kind: 'noFollowUp', days: 30, daysByLevel: { A: 60 } }], warnDays: 3 },
});
const leadPool = testPool({
  kind: 'lead',
  nameZh: '线索池',
  nameEn: 'Leads',
  recycle: { rules: [{ kind: 'noFollowUp', days: 14 }], warnDays: 2 },
});

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

const mineAt = (name: string, lastFollowUpAt: number, o: Partial<CustomerRow> = {}) =>
  testCustomer({
    name,
    shortName: null,
    phone: null,
    ownerId: rep.id,
    level: 'B',
    claimedAt: NOW - 200 * DAY_MS,
    lastFollowUpAt,
    ...o,
  });

describe('the public sea on the device (handlers over SQLite, scoped stand-in server)', () => {
  const temp = makeTempDir();
  const cores: ClientCore[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  afterAll(() => temp.remove());

  /** The device and the server share one clock, which a test moves. */
  let clock = NOW;

  async function open(
    seed: Parameters<typeof createFakeSyncServer>[1] = {},
    as: UserRow = rep,
  ): Promise<{ core: ClientCore; server: FakeSyncServer; events: ApiEvent[] }> {
    clock = NOW;
    const server = createFakeSyncServer(
      session(as),
      { users: [rep, lina, manager, admin], pools: [pool, leadPool], ...seed },
      { scoped: true, now: () => clock },
    );
    const core = await createClientCore({
      dataDir: `${temp.dir}/${newId()}`,
      fetch: server.fetch,
      now: () => clock,
      syncIntervalMs: 600_000,
      maxBackoffMs: 600_000,
      debounceMs: 600_000,
      pokes: false,
    });
    cores.push(core);
    const events: ApiEvent[] = [];
    core.onEvent((e) => events.push(e));
    await call(core, 'session.login', {
      serverUrl: 'http://sync.test',
      username: as.username,
      password: 'x',
    });
    await core.syncNow();
    return { core, server, events };
  }

  const offline = (server: FakeSyncServer) => {
    server.intercept = () => {
      throw new TypeError('fetch failed');
    };
  };

  const list = async (core: ClientCore, query?: string) =>
    call(core, 'customers.list', {
      offset: 0,
      limit: 50,
      sort: { column: 'name', desc: false },
      ...(query ? { query } : {}),
    });

  it('shows the countdown in the list, the detail and Today, and a follow-up logged offline resets it at once', async () => {
    const lastFollowUpAt = NOW - 28 * DAY_MS;
    const warned = mineAt('上海恒瑞精密机械有限公司', lastFollowUpAt);
    const calm = mineAt('苏州华信电子科技有限公司', lastFollowUpAt, { level: 'A' });
    const locked = mineAt('杭州新宇网络科技有限公司', NOW - 40 * DAY_MS, { locked: true });
    const lead = mineAt('宁波海天线索', NOW - 13 * DAY_MS, { kind: 'lead', leadStatus: 'new' });
    const { core, server } = await open({ customers: [warned, calm, locked, lead] });

    const rows = new Map((await list(core)).rows.map((r) => [r.id, r]));
    expect(rows.get(warned.id)).toMatchObject({
      locked: false,
      recycle: {
        dueAt: lastFollowUpAt + 30 * DAY_MS,
        warnAt: lastFollowUpAt + 27 * DAY_MS,
        rule: 'noFollowUp',
      },
    });
    expect(rows.get(calm.id)?.recycle).toMatchObject({ dueAt: lastFollowUpAt + 60 * DAY_MS });
    expect(rows.get(locked.id)).toMatchObject({ locked: true, recycle: null });
    // The leads list counts by the lead pool's rules.
    const leads = await call(core, 'leads.list', { offset: 0, limit: 50, status: 'open' });
    expect(leads.rows.find((r) => r.id === lead.id)).toMatchObject({
      locked: false,
      recycle: { dueAt: NOW - 13 * DAY_MS + 14 * DAY_MS, warnAt: NOW - 13 * DAY_MS + 12 * DAY_MS },
    });
    expect((await call(core, 'customers.get', { id: warned.id })).recycle).toEqual(
      rows.get(warned.id)?.recycle,
    );
    // Today: mine inside the warning window, soonest first (the lead's pool warns 2 days ahead).
    expect((await call(core, 'today.get', {})).recycling).toEqual([
      {
        customerId: lead.id,
        customerName: lead.name,
        customerKind: 'lead',
        dueAt: NOW - 13 * DAY_MS + 14 * DAY_MS,
        rule: 'noFollowUp',
      },
      {
        customerId: warned.id,
        customerName: warned.name,
        customerKind: 'customer',
        dueAt: lastFollowUpAt + 30 * DAY_MS,
        rule: 'noFollowUp',
      },
    ]);

    // Offline, a follow-up moves the countdown in the same local transaction.
    offline(server);
    await call(core, 'followUps.log', {
      customerId: warned.id,
      contactId: null,
      opportunityId: null,
      completesTaskId: null,
      type: 'visit',
      content: '上门拜访，客户确认下季度采购',
      outcome: null,
      occurredAt: NOW - HOUR,
      nextFollowUpAt: null,
    });
    const after = (await list(core)).rows.find((r) => r.id === warned.id);
    expect(after?.recycle).toEqual({
      dueAt: NOW - HOUR + 30 * DAY_MS,
      warnAt: NOW - HOUR + 27 * DAY_MS,
      rule: 'noFollowUp',
    });
    expect((await call(core, 'customers.get', { id: warned.id })).recycle?.dueAt).toBe(
      NOW - HOUR + 30 * DAY_MS,
    );
    expect((await call(core, 'today.get', {})).recycling.map((r) => r.customerId)).toEqual([lead.id]);
    expect(await call(core, 'sync.status', {})).toMatchObject({ pending: 1 });
  });

  it('releases a customer: it leaves my lists, search and Today at once, waits in the public sea, and is claimed back', async () => {
    const released = mineAt('上海恒瑞精密机械有限公司', NOW - DAY_MS, { phone: '13800138000' });
    const kept = mineAt('苏州华信电子科技有限公司', NOW - DAY_MS);
    const { core, server } = await open({ customers: [released, kept] });
    await call(core, 'tasks.create', {
      customerId: released.id,
      assigneeId: rep.id,
      title: '电话回访',
      type: 'call',
      dueAt: NOW + HOUR,
    });
    expect((await call(core, 'today.get', {})).dueToday).toHaveLength(1);
    offline(server);

    await call(core, 'customers.release', { customerId: released.id, reason: '客户暂无需求' });
    expect(await list(core)).toMatchObject({ total: 1, rows: [{ id: kept.id }] });
    expect(await list(core, '恒瑞')).toEqual({ rows: [], total: 0 });
    expect((await call(core, 'today.get', {})).dueToday).toEqual([]);

    server.intercept = null;
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
    expect(server.rows.customers.get(released.id)).toMatchObject({
      ownerId: null,
      poolState: 'public',
      previousOwnerId: rep.id,
      poolId: pool.id,
    });
    expect((await refusal(call(core, 'customers.get', { id: released.id }))).code).toBe('not_found');
    // My own release is not news.
    expect(await call(core, 'notices.list', {})).toEqual([]);

    // The public sea is browsed online, through the server, with the session's token; phones masked.
    let auth: string | null = null;
    server.intercept = (path, _body, init) => {
      if (path === '/sea/search') auth = new Headers(init?.headers).get('authorization');
      return undefined;
    };
    const sea = (await api(core, 'publicSea.list', { query: '恒瑞' })) as ApiOutputOf<'publicSea.list'>;
    expect(auth).toBe('Bearer fake-token');
    expect(sea.rows).toMatchObject([
      {
        id: released.id,
        name: released.name,
        phoneMasked: '138****8000',
        previousOwnerName: rep.displayName,
      },
    ]);
    expect(JSON.stringify(sea)).not.toContain('13800138000');
    expect(server.requests.at(-1)).toMatchObject({
      path: '/sea/search',
      method: 'POST',
      body: { kind: 'customer', query: '恒瑞', limit: 50 },
    });

    // Claimed back: it arrives whole (its task too), and my own claim is no notice either.
    await call(core, 'customers.claim', { customerId: released.id, reason: '客户又有需求' });
    await core.syncNow();
    expect((await call(core, 'customers.get', { id: released.id })).customer).toMatchObject({
      ownerId: rep.id,
      poolState: 'private',
      claimedAt: NOW,
    });
    expect((await call(core, 'today.get', {})).dueToday).toHaveLength(1);
    expect(await call(core, 'notices.list', {})).toEqual([]);
  });

  it('puts a release the server refuses back in my lists, with the reason in the inbox', async () => {
    const c = mineAt('上海恒瑞精密机械有限公司', NOW - DAY_MS);
    const { core, server } = await open({ customers: [c] });
    server.beforeMove = (move) => {
      if (move.action === 'release') {
        throw new AppError('forbidden', 'customerId: a manager locked this customer in your private sea', {
          field: 'customerId',
        });
      }
    };
    await call(core, 'customers.release', { customerId: c.id, reason: '不想跟了' });
    expect((await list(core)).total).toBe(0);
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 1 });
    expect((await list(core)).rows.map((r) => r.id)).toEqual([c.id]);
    expect(await call(core, 'inbox.list', {})).toMatchObject([
      { mutationName: 'releaseCustomer', rowLabel: c.name, reason: { code: 'forbidden' } },
    ]);
  });

  it('forwards the public-sea browse: offline is a clear `offline`, a malformed answer is never trusted', async () => {
    const { core, server } = await open({ customers: [] });
    offline(server);
    const away = await refusal(api(core, 'publicSea.list', {}));
    expect(away).toMatchObject({ code: 'offline', message: PUBLIC_SEA_OFFLINE });
    server.intercept = (path) =>
      path === '/sea/search'
        ? new Response(JSON.stringify({ rows: [{ id: 'x' }] }), { status: 200 })
        : undefined;
    expect((await refusal(api(core, 'publicSea.list', {}))).code).toBe('server_error');
    server.intercept = (path) =>
      path === '/sea/search'
        ? new Response(
            JSON.stringify({ error: { code: 'forbidden', message: 'poolId: not a pool you may browse' } }),
            { status: 403 },
          )
        : undefined;
    expect(await refusal(api(core, 'publicSea.list', { poolId: pool.id }))).toMatchObject({
      code: 'forbidden',
      message: 'poolId: not a pool you may browse',
    });
    server.intercept = null;
    expect(await refusal(api(core, 'publicSea.list', { limit: 500 }))).toMatchObject({
      code: 'validation',
      field: 'limit',
    });
  });

  it('records notices as pulls move my private sea: recycled, moved away, assigned in; dismissed once', async () => {
    const dormant = mineAt('上海恒瑞精密机械有限公司', NOW - 40 * DAY_MS);
    const active = mineAt('苏州华信电子科技有限公司', NOW - DAY_MS);
    const inPool = testCustomer({ name: '无锡远景能源有限公司', ownerId: null, poolState: 'public' });
    const hot = testCustomer({ name: '宁波海天塑机集团', ownerId: null, poolState: 'public', phone: null });
    const { core, server, events } = await open({
      customers: [dormant, active, inPool, hot],
      contacts: [
        {
          id: newId(),
          orgId: TEST_ORG_ID,
          customerId: inPool.id,
          name: '赵总',
          title: '总经理',
          phone: null,
          email: null,
          wechat: null,
          isPrimary: true,
          attrs: {},
          templateVersionId: null,
          createdAt: NOW - DAY_MS,
          updatedAt: NOW - DAY_MS,
          version: 1,
        },
      ],
    });
    // The first sync brings everything: nothing of it is news.
    expect(await call(core, 'notices.list', {})).toEqual([]);

    // The job recycles the dormant one (the removal comes alone: the device's countdown had run out).
    clock = NOW + HOUR;
    server.move(dormant.id, { ownerId: null, poolState: 'public', actorType: 'rule', action: 'recycle' });
    // A manager moves the active one to Lina.
    clock = NOW + 2 * HOUR;
    server.move(active.id, {
      ownerId: lina.id,
      poolState: 'private',
      actorType: 'user',
      actorId: manager.id,
      action: 'transfer',
      reason: '区域调整',
    });
    // A manager assigns me one from the pool; an inquiry reactivates another to me.
    clock = NOW + 3 * HOUR;
    server.move(inPool.id, {
      ownerId: rep.id,
      poolState: 'private',
      actorType: 'user',
      actorId: manager.id,
      action: 'assign',
      reason: '客户来电',
    });
    clock = NOW + 4 * HOUR;
    server.move(hot.id, {
      ownerId: rep.id,
      poolState: 'private',
      actorType: 'event',
      action: 'reactivate',
      reason: '询价：数控机床 20 台',
    });
    events.length = 0;
    clock = NOW + 5 * HOUR;
    await core.syncNow();

    const notices = await call(core, 'notices.list', {});
    const seen = notices.map(({ id: _id, ...n }) => n);
    // Newest first: the two removals as the pull saw them (on the device's clock), with the names they
    // had here …
    expect(seen.slice(0, 2)).toHaveLength(2);
    expect(seen.slice(0, 2)).toEqual(
      expect.arrayContaining([
        {
          kind: 'recycledAway',
          customerId: dormant.id,
          customerName: dormant.name,
          customerKind: 'customer',
          at: NOW + 5 * HOUR,
          reason: 'noFollowUp:30',
          actorType: 'rule',
        },
        {
          kind: 'movedAway',
          customerId: active.id,
          customerName: active.name,
          customerKind: 'customer',
          at: NOW + 5 * HOUR,
          reason: null,
          actorType: null,
        },
      ]),
    );
    // … then the two assignments by the time of their move.
    expect(seen.slice(2)).toEqual([
      {
        kind: 'assignedIn',
        customerId: hot.id,
        customerName: hot.name,
        customerKind: 'customer',
        at: NOW + 4 * HOUR,
        reason: '询价：数控机床 20 台',
        actorType: 'event',
      },
      {
        kind: 'assignedIn',
        customerId: inPool.id,
        customerName: inPool.name,
        customerKind: 'customer',
        at: NOW + 3 * HOUR,
        reason: '客户来电',
        actorType: 'user',
      },
    ]);
    expect(events).toContainEqual({ type: 'data.changed', tables: expect.arrayContaining(['notices']) });
    // The customer assigned in arrived whole.
    expect((await call(core, 'customers.get', { id: inPool.id })).contacts.map((c) => c.name)).toEqual([
      '赵总',
    ]);
    expect((await list(core)).rows.map((r) => r.name).sort()).toEqual([hot.name, inPool.name].sort());

    // Dismissed: gone from the list, and the same moves pulled again are not noticed twice.
    events.length = 0;
    await call(core, 'notices.dismiss', { ids: notices.slice(2).map((n) => n.id) });
    expect(events).toEqual([{ type: 'data.changed', tables: ['notices'] }]);
    expect((await call(core, 'notices.list', {})).map((n) => n.customerId).sort()).toEqual(
      [dormant.id, active.id].sort(),
    );
    await core.syncNow();
    expect(await call(core, 'notices.list', {})).toHaveLength(2);
  });

  it('claims a recycled customer back and re-applies the edits refused meanwhile, or brings back the refusal', async () => {
    const back = mineAt('上海恒瑞精密机械有限公司', NOW - 40 * DAY_MS, { address: null });
    const limited = mineAt('苏州华信电子科技有限公司', NOW - 40 * DAY_MS, { address: null });
    const { core, server } = await open({ customers: [back, limited] });
    offline(server);
    // Offline, the rep keeps working on both …
    for (const c of [back, limited]) {
      await call(core, 'customers.update', { id: c.id, set: { address: '浦东新区张江路 88 号' } });
    }
    await call(core, 'followUps.log', {
      customerId: back.id,
      contactId: null,
      opportunityId: null,
      completesTaskId: null,
      type: 'call',
      content: '电话沟通，客户愿意续约',
      outcome: null,
      occurredAt: NOW - HOUR,
      nextFollowUpAt: null,
    });
    // … while the job recycles them on the server.
    server.move(back.id, { ownerId: null, poolState: 'public', actorType: 'rule', action: 'recycle' });
    server.move(limited.id, { ownerId: null, poolState: 'public', actorType: 'rule', action: 'recycle' });
    server.intercept = null;
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 3 });
    expect((await list(core)).total).toBe(0);
    const inbox = await call(core, 'inbox.list', {});
    const entry = (name: string, customerId: string) =>
      inbox.find((i) => i.mutationName === name && i.rowId === customerId)!;
    expect(entry('updateCustomer', back.id)).toMatchObject({
      rowLabel: back.name,
      mine: { address: '浦东新区张江路 88 号' },
      reason: { code: 'not_found' },
    });

    // Claim it back and re-apply: the claim, then the edit, reach the server in that order.
    await call(core, 'inbox.resolve', { id: entry('updateCustomer', back.id).id, action: 'claimAndReapply' });
    expect(await call(core, 'sync.status', {})).toMatchObject({ pending: 2, rejected: 2 });
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 2 });
    expect(server.rows.customers.get(back.id)).toMatchObject({
      ownerId: rep.id,
      poolState: 'private',
      address: '浦东新区张江路 88 号',
    });
    expect((await call(core, 'customers.get', { id: back.id })).customer).toMatchObject({
      address: '浦东新区张江路 88 号',
      ownerId: rep.id,
    });
    // The follow-up's customer is back here now: re-applying it needs no claim ("apply mine" does it).
    const followUp = entry('logFollowUp', back.id).id;
    expect(
      await refusal(call(core, 'inbox.resolve', { id: followUp, action: 'claimAndReapply' })),
    ).toMatchObject({
      code: 'validation',
      field: 'action',
    });
    await call(core, 'inbox.resolve', { id: followUp, action: 'applyMine' });
    await core.syncNow();
    expect([...server.rows.followUps.values()].map((f) => f.content)).toEqual(['电话沟通，客户愿意续约']);

    // A claim the rules refuse: the claim and the re-applied edit both come back, with the reasons.
    server.beforeMove = (move) => {
      if (move.action === 'claim') {
        throw new AppError('forbidden', 'customerId: you have reached your limit of 200 customers', {
          field: 'customerId',
          params: { limit: 200 },
        });
      }
    };
    await call(core, 'inbox.resolve', {
      id: entry('updateCustomer', limited.id).id,
      action: 'claimAndReapply',
    });
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 2 });
    const again = await call(core, 'inbox.list', {});
    expect(again.map((i) => [i.mutationName, i.rowId, i.reason.code])).toEqual(
      expect.arrayContaining([
        ['claimCustomer', limited.id, 'forbidden'],
        ['updateCustomer', limited.id, 'not_found'],
      ]),
    );
    expect(again.find((i) => i.mutationName === 'claimCustomer')?.reason.message).toContain('limit of 200');
    expect(again.find((i) => i.mutationName === 'updateCustomer')?.mine).toEqual({
      address: '浦东新区张江路 88 号',
    });
    expect(server.rows.customers.get(limited.id)).toMatchObject({ ownerId: null, address: null });
  });

  it('lets a manager lock a customer (no countdown) and assign one from the pool; a rep may not lock', async () => {
    const theirs = mineAt('上海恒瑞精密机械有限公司', NOW - 29 * DAY_MS);
    const waiting = testCustomer({ name: '无锡远景能源有限公司', ownerId: null, poolState: 'public' });
    const { core, server } = await open({ customers: [theirs, waiting] }, manager);
    expect((await list(core)).rows[0]?.recycle).not.toBeNull();
    await call(core, 'customers.lock', { customerId: theirs.id, locked: true });
    expect((await list(core)).rows[0]).toMatchObject({ id: theirs.id, locked: true, recycle: null });
    await call(core, 'customers.assign', {
      customerId: waiting.id,
      toUserId: lina.id,
      reason: '客户在李娜片区',
    });
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
    expect(server.rows.customers.get(theirs.id)).toMatchObject({ locked: true });
    expect(server.rows.customers.get(waiting.id)).toMatchObject({ ownerId: lina.id, poolState: 'private' });
    // The manager sees the team's private seas: the assigned customer is on this device now.
    expect((await list(core)).rows.map((r) => r.id).sort()).toEqual([theirs.id, waiting.id].sort());

    const { core: repCore } = await open({ customers: [theirs] });
    expect(
      await refusal(call(repCore, 'customers.lock', { customerId: theirs.id, locked: true })),
    ).toMatchObject({
      code: 'forbidden',
      field: 'locked',
    });
  });

  it('lists the pools held here, and forwards the admin pool operations (a real run syncs, a dry run does not)', async () => {
    const due = mineAt('上海恒瑞精密机械有限公司', NOW - 40 * DAY_MS);
    const { core, server } = await open({ customers: [due] }, admin);
    expect((await call(core, 'pools.list', {})).map((p) => p.id)).toEqual([pool.id, leadPool.id]);

    const draft = {
      kind: 'customer' as const,
      nameZh: '华南公海',
      nameEn: 'South China pool',
      teamIds: [],
      adminIds: [manager.id],
      isDefault: false,
      active: true,
      recycle: { rules: [{ kind: 'noFollowUp' as const, days: 45, daysByLevel: {} }] },
      claim: { maxPerUser: 150 },
      assign: 'leastLoaded' as const,
    };
    const { id } = (await api(core, 'admin.pools.save', draft)) as { id: string };
    expect(server.requests.find((r) => r.path === '/admin/pools')).toMatchObject({
      method: 'POST',
      body: { nameZh: '华南公海', recycle: { rules: [{ kind: 'noFollowUp', days: 45 }] } },
    });
    // Saved, then synced: the device holds the pool before the call answers.
    expect((await call(core, 'pools.list', {})).find((p) => p.id === id)).toMatchObject({
      nameEn: 'South China pool',
      claim: { maxPerUser: 150 },
      recycle: { warnDays: 3 },
    });
    expect(await refusal(api(core, 'admin.pools.save', { ...draft, nameZh: '' }))).toMatchObject({
      code: 'validation',
      field: 'nameZh',
    });

    const pulls = () => server.requests.filter((r) => r.path === '/sync/pull').length;
    const before = pulls();
    const preview = await api(core, 'admin.pools.run', {});
    expect(preview).toMatchObject({ dryRun: true, moved: 1, sample: [{ id: due.id, rule: 'noFollowUp' }] });
    expect(pulls()).toBe(before);
    expect(server.rows.customers.get(due.id)?.poolState).toBe('private');
    await api(core, 'admin.pools.run', { dryRun: false });
    expect(pulls()).toBeGreaterThan(before);
    expect(server.rows.customers.get(due.id)).toMatchObject({ poolState: 'public', ownerId: null });
    expect((await list(core)).total).toBe(0);

    const { core: repCore } = await open({});
    expect((await refusal(api(repCore, 'admin.pools.save', draft))).code).toBe('forbidden');
  });
});

type ApiOutputOf<C extends keyof ApiHandlers> = Awaited<ReturnType<ApiHandlers[C]>>;
