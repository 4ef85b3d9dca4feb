import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiEvent, ApiHandlers, SyncStatus } from '../../../../shared/api/contract';
import type { SessionUser } from '../../../../shared/sync/protocol';
import { AppError } from '../../../../shared/errors';
import { newId } from '../../../../shared/ids';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir, testCustomer, testUser, TEST_ORG_ID } from '../testing';
import { openTestDatabase } from '../testing';
import { createSyncAgent } from './agent';
import { createFakeSyncServer } from './fakeSyncServer';
import { getMeta } from '../db/meta';
import { userDatabaseFile } from '../db/open';

const rep = testUser();
const other = testUser({ username: 'lina', displayName: '李娜' });
const sessionUser: SessionUser = {
  id: rep.id,
  orgId: TEST_ORG_ID,
  teamId: null,
  username: rep.username,
  displayName: rep.displayName,
  role: 'rep',
};

/** Resolves with the first status event matching `predicate` (polling the recorded events). */
async function waitForStatus(
  events: ApiEvent[],
  predicate: (s: SyncStatus) => boolean,
  timeoutMs = 5000,
): Promise<SyncStatus> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const e of events) if (e.type === 'sync.status' && predicate(e.status)) return e.status;
    if (Date.now() > until) throw new Error('no matching sync.status event');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Unwraps a handler's result for brevity. */
async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

describe('sync agent (against an in-memory stand-in of the server)', () => {
  const temp = makeTempDir();
  const cores: ClientCore[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  afterAll(() => temp.remove());

  async function setup(customers = 7) {
    const own = Array.from({ length: customers }, (_, i) =>
      testCustomer({ name: `测试客户${i}`, ownerId: rep.id }),
    );
    const foreign = testCustomer({ name: '别人的客户', ownerId: other.id });
    const server = createFakeSyncServer(sessionUser, { users: [rep, other], customers: [...own, foreign] });
    const dataDir = `${temp.dir}/${newId()}`;
    const events: ApiEvent[] = [];
    const core = await createClientCore({
      dataDir,
      fetch: server.fetch,
      syncIntervalMs: 60_000,
      maxBackoffMs: 60_000,
    });
    core.onEvent((e) => events.push(e));
    cores.push(core);
    await call(core, 'session.login', {
      serverUrl: 'http://sync.test/',
      username: 'zhangwei',
      password: 'tidepool123',
    });
    await core.syncNow();
    return { server, core, dataDir, own, foreign, events };
  }

  const logInput = (customerId: string, content = '电话回访，客户确认下周到厂参观') => ({
    customerId,
    contactId: null,
    opportunityId: null,
    completesTaskId: null,
    type: 'call' as const,
    content,
    outcome: null,
    occurredAt: Date.now() - 1000,
    nextFollowUpAt: null,
  });

  it('pulls every page, committing the cursor only after the last one', async () => {
    const own = Array.from({ length: 9 }, (_, i) => testCustomer({ name: `分页客户${i}`, ownerId: rep.id }));
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    server.pageSize = 4;
    let pulls = 0;
    server.intercept = (path) => {
      if (path !== '/sync/pull') return undefined;
      pulls += 1;
      return pulls === 2
        ? new Response('{"error":{"code":"server_error","message":"boom"}}', { status: 503 })
        : undefined;
    };
    const dataDir = `${temp.dir}/${newId()}`;
    const core = await createClientCore({ dataDir, fetch: server.fetch, syncIntervalMs: 60_000 });
    cores.push(core);
    const events: ApiEvent[] = [];
    core.onEvent((e) => events.push(e));
    await call(core, 'session.login', { serverUrl: 'http://sync.test', username: 'zhangwei', password: 'x' });
    // The login starts the first sync; its second page fails.
    const failed = await waitForStatus(events, (s) => s.lastError !== null);
    expect(failed).toMatchObject({ online: false, lastError: { code: 'server_error' } });
    expect(failed.nextRetryAt).toBeGreaterThan(Date.now());
    const db = openTestDatabase(dataDir, `users/${rep.id}.db`);
    expect(getMeta(db, 'cursor')).toBeUndefined();
    const ok = await core.syncNow();
    expect(ok).toMatchObject({ online: true, lastError: null, nextRetryAt: null, pending: 0 });
    expect(getMeta(db, 'cursor')).toBeDefined();
    db.close();
    const list = await call(core, 'customers.list', {
      offset: 0,
      limit: 100,
      sort: { column: 'name', desc: false },
    });
    expect(list.total).toBe(9);
    expect(events.some((e) => e.type === 'sync.status' && e.status.initialProgress !== null)).toBe(true);
  });

  it('keeps an offline follow-up pending and visible, then pushes it once the server is back', async () => {
    const { server, core, own, events } = await setup();
    const customer = own[0]!;
    server.intercept = () => {
      throw new TypeError('fetch failed');
    };
    const { id } = await call(core, 'followUps.log', logInput(customer.id));
    const offline = await core.syncNow();
    expect(offline).toMatchObject({ online: false, pending: 1, lastError: { code: 'offline' } });
    const detail = await call(core, 'customers.get', { id: customer.id });
    expect(detail.followUps[0]).toMatchObject({ id, pending: true, authorName: '张伟' });
    expect(events.some((e) => e.type === 'data.changed' && e.tables.includes('followUps'))).toBe(true);

    server.intercept = null;
    const back = await core.syncNow();
    expect(back).toMatchObject({ online: true, pending: 0, lastError: null });
    expect(server.rows.followUps.get(id)).toMatchObject({
      content: logInput(customer.id).content,
      authorId: rep.id,
    });
    const after = await call(core, 'customers.get', { id: customer.id });
    expect(after.followUps[0]).toMatchObject({ id, pending: false });
    expect(after.followUps[0]!.version).toBeGreaterThan(0);
  });

  it('moves a refused mutation to rejections with its values and removes the rows it inserted', async () => {
    const { server, core, foreign } = await setup();
    // The foreign customer reached this device (the stand-in ignores scope), but the server refuses work on it.
    const { id } = await call(core, 'followUps.log', logInput(foreign.id, '这条会被服务器拒绝'));
    const status = await core.syncNow();
    expect(status).toMatchObject({ pending: 0, rejected: 1, online: true });
    expect(server.rows.followUps.has(id)).toBe(false);
    const detail = await call(core, 'customers.get', { id: foreign.id });
    expect(detail.followUps.find((f) => f.id === id)).toBeUndefined();
  });

  it('rebases a pending edit over a pull so the screen never flips back', async () => {
    const { server, core, own } = await setup();
    const customer = own[1]!;
    const seen: { name: string; level: string | null }[] = [];
    let pulls = 0;
    server.intercept = (path) => {
      if (path === '/sync/pull' && ++pulls === 1) {
        // The user edits again while the pull is on the wire: that edit is pending when the page lands,
        // and the page carries the customer as the server has it (new name, old level).
        void call(core, 'customers.update', { id: customer.id, set: { level: 'A' } });
      } else if (path === '/sync/push' && pulls === 1) {
        // The next push starts after that pull was applied: what does the device show now?
        const detail = core.handlers['customers.get']({ id: customer.id }) as {
          customer: { name: string; level: string | null };
        };
        seen.push({ name: detail.customer.name, level: detail.customer.level });
      }
      return undefined;
    };
    await call(core, 'customers.update', { id: customer.id, set: { name: '改名后的客户' } });
    await core.syncNow();
    await core.syncNow();
    expect(pulls).toBeGreaterThanOrEqual(2);
    expect(seen[0]).toEqual({ name: '改名后的客户', level: 'A' });
    const detail = await call(core, 'customers.get', { id: customer.id });
    expect(detail.customer).toMatchObject({ name: '改名后的客户', level: 'A' });
    expect(server.rows.customers.get(customer.id)).toMatchObject({ name: '改名后的客户', level: 'A' });
  });

  it('splits a batch the server finds too large', async () => {
    const { server, core, own } = await setup();
    server.intercept = (path, body) => {
      const n = (body as { mutations?: unknown[] } | null)?.mutations?.length ?? 0;
      return path === '/sync/push' && n > 2
        ? new Response('{"error":{"code":"bad_request","message":"too large"}}', { status: 413 })
        : undefined;
    };
    for (let i = 0; i < 5; i++)
      await call(core, 'followUps.log', logInput(own[i % own.length]!.id, `第${i}次跟进`));
    const status = await core.syncNow();
    expect(status).toMatchObject({ pending: 0, online: true });
    expect(server.rows.followUps.size).toBe(5);
  });

  it('stops retrying on 401 and says the session expired', async () => {
    const { server, core, own } = await setup();
    server.intercept = () =>
      new Response('{"error":{"code":"unauthorized","message":"Session expired"}}', { status: 401 });
    await call(core, 'followUps.log', logInput(own[0]!.id));
    const status = await core.syncNow();
    expect(status).toMatchObject({ lastError: { code: 'unauthorized' }, nextRetryAt: null, pending: 1 });
    server.requests.length = 0;
    await new Promise((r) => setTimeout(r, 300));
    expect(server.requests).toHaveLength(0);
    // The data stays readable offline.
    expect(
      (await call(core, 'customers.list', { offset: 0, limit: 5, sort: { column: 'name', desc: false } }))
        .total,
    ).toBe(8);
  });

  it('reports upgrade_required on 426 and validates answers against the protocol', async () => {
    const { server, core } = await setup();
    server.intercept = (path) =>
      path === '/sync/pull' ? new Response('{"cursor": 5, "patch": "nope"}', { status: 200 }) : undefined;
    expect(await core.syncNow()).toMatchObject({ lastError: { code: 'server_error' }, online: false });
    server.intercept = () =>
      new Response('{"error":{"code":"upgrade_required","message":"Update Tidepool"}}', { status: 426 });
    expect(await core.syncNow()).toMatchObject({
      lastError: { code: 'upgrade_required' },
      nextRetryAt: null,
    });
  });

  it('starts a full sync when the server no longer knows the cursor', async () => {
    const { server, core, own } = await setup();
    let refused = 0;
    server.intercept = (path, body) => {
      if (path === '/sync/pull' && (body as { cursor: string | null }).cursor !== null && refused === 0) {
        refused += 1;
        return new Response(
          JSON.stringify({
            error: {
              code: 'bad_request',
              message: 'cursor: not a cursor this server issued',
              field: 'cursor',
            },
          }),
          { status: 400 },
        );
      }
      return undefined;
    };
    const status = await core.syncNow();
    expect(refused).toBe(1);
    expect(status).toMatchObject({ online: true, lastError: null });
    const fullPulls = server.requests.filter(
      (r) => r.path === '/sync/pull' && (r.body as { cursor: unknown }).cursor === null,
    );
    expect(fullPulls.length).toBeGreaterThanOrEqual(2);
    expect(
      (await call(core, 'customers.list', { offset: 0, limit: 50, sort: { column: 'name', desc: false } }))
        .total,
    ).toBe(own.length + 1);
  });

  it('reopens the saved session offline, and logout keeps the database for the next login', async () => {
    const { server, dataDir, own } = await setup();
    await cores.pop()!.close();
    const offlineFetch = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    const reopened = await createClientCore({ dataDir, fetch: offlineFetch, syncIntervalMs: 60_000 });
    cores.push(reopened);
    expect(await call(reopened, 'session.get', {})).toMatchObject({
      user: { id: rep.id },
      serverUrl: 'http://sync.test',
    });
    expect(
      (await call(reopened, 'customers.list', { offset: 0, limit: 5, sort: { column: 'name', desc: false } }))
        .total,
    ).toBe(own.length + 1);
    await call(reopened, 'followUps.log', logInput(own[0]!.id));
    await call(reopened, 'session.logout', {});
    expect(await call(reopened, 'session.get', {})).toBeNull();
    await expect(
      call(reopened, 'customers.list', { offset: 0, limit: 5, sort: { column: 'name', desc: false } }),
    ).rejects.toMatchObject({
      code: 'unauthorized',
    });
    const db = openTestDatabase(dataDir, `users/${rep.id}.db`);
    expect(db.prepare('SELECT count(*) AS n FROM outbox').get()).toEqual({ n: 1 });
    db.close();
    expect(userDatabaseFile(dataDir, rep.id)).toContain(rep.id);
    void server;
  });
});

describe('backoff', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('doubles from 1 s with jitter up to the cap, and resets after a success', async () => {
    const db = openTestDatabase(temp.dir);
    let fail = true;
    const transport = {
      push: vi.fn(),
      pull: vi.fn(async () => {
        if (fail) throw new AppError('offline', 'no network');
        return { cursor: 'c1', hasMore: false, lastMutationId: 0, patch: [], rejections: [], conflicts: [] };
      }),
    };
    const now = 1_000_000;
    const delays: number[] = [];
    const running = createSyncAgent({
      db,
      clientId: newId(),
      transport,
      emit: () => undefined,
      now: () => now,
      maxBackoffMs: 5000,
      random: () => 0,
      syncIntervalMs: 60_000,
    });
    running.start();
    for (let i = 0; i < 5; i++) {
      const s = await running.syncNow();
      delays.push((s.nextRetryAt ?? 0) - now);
    }
    // start() ran the first failing cycle (1 s); random() = 0 takes the lower half of each window.
    expect(delays).toEqual([2000, 4000, 5000, 5000, 5000].map((d) => d / 2));
    fail = false;
    expect(await running.syncNow()).toMatchObject({ online: true, nextRetryAt: null, lastError: null });
    fail = true;
    expect((await running.syncNow()).nextRetryAt).toBe(now + 500);
    await running.stop();
    db.close();
  });
});
