import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ApiEvent, ApiHandlers } from '../../../../shared/api/contract';
import { newId } from '../../../../shared/ids';
import { LEGACY_MAX_PULL_LIMIT, MAX_PULL_LIMIT, type SessionUser } from '../../../../shared/sync/protocol';
import { getMeta } from '../db/meta';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir, openTestDatabase, testCustomer, testUser, TEST_ORG_ID } from '../testing';
import { createFakeSyncServer, type FakeSyncServer } from './fakeSyncServer';

/**
 * Issue 3 on the device, against the in-memory stand-in of the server: paged first syncs that resume,
 * progress, a stalled queue, pokes, and the conflicts-and-rejections inbox.
 */

const rep = testUser();
const sessionUser: SessionUser = {
  id: rep.id,
  orgId: TEST_ORG_ID,
  teamId: null,
  username: rep.username,
  displayName: rep.displayName,
  role: 'rep',
};

async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

const errorResponse = (status: number, code: string, message: string, field?: string) =>
  new Response(JSON.stringify({ error: { code, message, ...(field ? { field } : {}) } }), { status });

async function until(check: () => boolean, timeoutMs = 3000): Promise<number> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
  return Date.now() - start;
}

describe('device sync rounds, inbox and pokes (stand-in server)', () => {
  const temp = makeTempDir();
  const cores: ClientCore[] = [];
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  afterAll(() => temp.remove());

  async function open(
    server: FakeSyncServer,
    opts: { pokes?: boolean; login?: boolean; dataDir?: string; fetch?: typeof fetch } = {},
  ) {
    const dataDir = opts.dataDir ?? `${temp.dir}/${newId()}`;
    const events: ApiEvent[] = [];
    const core = await createClientCore({
      dataDir,
      fetch: opts.fetch ?? server.fetch,
      syncIntervalMs: 60_000,
      maxBackoffMs: 60_000,
      pokes: opts.pokes ?? false,
    });
    cores.push(core);
    core.onEvent((e) => events.push(e));
    if (opts.login ?? true) {
      await call(core, 'session.login', {
        serverUrl: 'http://sync.test',
        username: 'zhangwei',
        password: 'x',
      });
      await core.syncNow();
    }
    return { core, dataDir, events };
  }

  const count = (dataDir: string, sql: string) => {
    const db = openTestDatabase(dataDir, `users/${rep.id}.db`);
    try {
      return db.prepare(sql).pluck().get();
    } finally {
      db.close();
    }
  };

  it('resumes an interrupted first sync from its last applied page, never half a page, with progress', async () => {
    const own = Array.from({ length: 13 }, (_, i) => testCustomer({ name: `大客户${i}`, ownerId: rep.id }));
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    server.pageSize = 4; // clear + 1 user + 13 customers = 15 ops (14 rows): pages of 4, 4, 4, 3
    let pulls = 0;
    server.intercept = (path) => {
      if (path !== '/sync/pull') return undefined;
      pulls += 1;
      return pulls === 3 ? errorResponse(503, 'server_error', 'restarting') : undefined;
    };
    const { core, dataDir, events } = await open(server, { login: false });
    await call(core, 'session.login', { serverUrl: 'http://sync.test', username: 'zhangwei', password: 'x' });
    await until(() => events.some((e) => e.type === 'sync.status' && e.status.lastError !== null));
    // Two whole pages are in (3 + 4 rows: the first page also carried `clear`), the committed cursor is not.
    expect(count(dataDir, 'SELECT count(*) FROM customers')).toBe(6);
    expect(count(dataDir, `SELECT count(*) FROM meta WHERE key = 'cursor'`)).toBe(0);
    expect(count(dataDir, `SELECT count(*) FROM meta WHERE key = 'pull_round'`)).toBe(1);
    const progress = events.flatMap((e) =>
      e.type === 'sync.status' && e.status.initialProgress ? [e.status.initialProgress] : [],
    );
    expect(progress).toContainEqual({ received: 7, pages: 2, total: 14 });

    server.intercept = null;
    const before = server.requests.length;
    const done = await core.syncNow();
    expect(done).toMatchObject({ online: true, lastError: null, initialProgress: null });
    const resumed = server.requests.slice(before).filter((r) => r.path === '/sync/pull');
    // It went on from the third page: no request with cursor null after the failure, only the two pages left.
    expect(resumed.map((r) => (r.body as { cursor: string | null }).cursor === null)).toEqual([false, false]);
    expect(count(dataDir, 'SELECT count(*) FROM customers')).toBe(13);
    expect(count(dataDir, `SELECT count(*) FROM meta WHERE key = 'pull_round'`)).toBe(0);
    const db = openTestDatabase(dataDir, `users/${rep.id}.db`);
    expect(getMeta(db, 'cursor')).toBeDefined();
    // The secondary indexes the round deferred are all back (db/bulkLoad.ts).
    expect(getMeta(db, 'deferred_indexes')).toBeUndefined();
    const fresh = openTestDatabase(temp.dir, `${newId()}.db`);
    const indexNames = (d: typeof db) =>
      d.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`).pluck().all();
    expect(indexNames(db)).toEqual(indexNames(fresh));
    fresh.close();
    db.close();
  });

  it('builds the indexes a full round deferred with its last page', async () => {
    const own = Array.from({ length: 7 }, (_, i) => testCustomer({ name: `客户${i}`, ownerId: rep.id }));
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    server.pageSize = 3;
    const { dataDir, core } = await open(server);
    await core.close();
    const db = openTestDatabase(dataDir, `users/${rep.id}.db`);
    const fresh = openTestDatabase(temp.dir, `${newId()}.db`);
    const indexNames = (d: typeof db) =>
      d.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name`).pluck().all();
    expect(indexNames(db)).toEqual(indexNames(fresh));
    expect(getMeta(db, 'deferred_indexes')).toBeUndefined();
    fresh.close();
    db.close();
  });

  it('applies nothing of a page whose commit fails (a child without its customer)', async () => {
    const own = [testCustomer({ ownerId: rep.id })];
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    const { core, dataDir } = await open(server);
    const before = count(dataDir, 'SELECT count(*) FROM customers');
    const orphanContact = {
      id: newId(),
      orgId: TEST_ORG_ID,
      customerId: newId(),
      name: '孤儿联系人',
      title: null,
      phone: null,
      email: null,
      wechat: null,
      isPrimary: false,
      createdAt: 1,
      updatedAt: 1,
      version: 9,
    };
    server.intercept = (path) =>
      path === '/sync/pull'
        ? Response.json({
            cursor: 'next',
            hasMore: false,
            lastMutationId: 0,
            patch: [
              { op: 'put', table: 'customers', row: testCustomer({ ownerId: rep.id, version: 9 }) },
              { op: 'put', table: 'contacts', row: orphanContact },
            ],
            rejections: [],
            conflicts: [],
          })
        : undefined;
    const status = await core.syncNow();
    expect(status.lastError).not.toBeNull();
    expect(count(dataDir, 'SELECT count(*) FROM customers')).toBe(before);
    expect(count(dataDir, 'SELECT count(*) FROM contacts')).toBe(0);
  });

  it('asks for the next page while applying this one, never more than one page ahead', async () => {
    const own = Array.from({ length: 13 }, (_, i) => testCustomer({ name: `流水线${i}`, ownerId: rep.id }));
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    server.pageSize = 4; // pages of 4, 4, 4, 3 operations
    const dataDir = `${temp.dir}/${newId()}`;
    // Pages applied on the device when each pull request leaves it, and requests unanswered at that moment.
    const seen: { applied: number; inFlight: number }[] = [];
    let inFlight = 0;
    const watching: typeof fetch = async (input, init) => {
      if (!String(input).endsWith('/sync/pull')) return server.fetch(input, init);
      const db = openTestDatabase(dataDir, `users/${rep.id}.db`);
      const round = getMeta(db, 'pull_round');
      db.close();
      seen.push({ applied: round ? (JSON.parse(round) as { pages: number }).pages : 0, inFlight });
      inFlight += 1;
      try {
        await new Promise((r) => setTimeout(r, 20));
        return await server.fetch(input, init);
      } finally {
        inFlight -= 1;
      }
    };
    const { core } = await open(server, { dataDir, fetch: watching });
    expect(await core.syncNow()).toMatchObject({ lastError: null });
    expect(count(dataDir, 'SELECT count(*) FROM customers')).toBe(13);
    // The first sync's four pages: page N+1 was asked for before page N was applied (a sequential agent
    // would show 0, 1, 2, 3), and never while another request was still unanswered.
    expect(seen.slice(0, 4)).toEqual([
      { applied: 0, inFlight: 0 },
      { applied: 0, inFlight: 0 },
      { applied: 1, inFlight: 0 },
      { applied: 2, inFlight: 0 },
    ]);
  });

  it("asks an older server for pages of the size it knows when it refuses the protocol's largest", async () => {
    const own = Array.from({ length: 5 }, (_, i) => testCustomer({ name: `老服务器${i}`, ownerId: rep.id }));
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    const limits: number[] = [];
    server.intercept = (path, body) => {
      if (path !== '/sync/pull') return undefined;
      const limit = (body as { limit: number }).limit;
      limits.push(limit);
      // What a server from before pages of 20,000 rows answers (zod's max on the pull request).
      return limit > LEGACY_MAX_PULL_LIMIT
        ? errorResponse(400, 'bad_request', 'limit: Too big: expected number to be <=5000', 'limit')
        : undefined;
    };
    const { core, dataDir } = await open(server);
    expect(count(dataDir, 'SELECT count(*) FROM customers')).toBe(5);
    expect(limits.slice(0, 2)).toEqual([MAX_PULL_LIMIT, LEGACY_MAX_PULL_LIMIT]);
    // Remembered: later pulls ask for what the server knows straight away.
    expect((await core.syncNow()).lastError).toBeNull();
    expect(limits.slice(2).every((l) => l === LEGACY_MAX_PULL_LIMIT)).toBe(true);
  });

  it('refuses a page with one malformed row whole, naming the row and field', async () => {
    const own = [testCustomer({ ownerId: rep.id })];
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    const { core, dataDir } = await open(server);
    const good = testCustomer({ ownerId: rep.id, name: '新客户', version: 9 });
    const bad = testCustomer({ ownerId: rep.id, name: '名'.repeat(201), version: 9 });
    server.intercept = (path) =>
      path === '/sync/pull'
        ? Response.json({
            cursor: 'next',
            hasMore: false,
            lastMutationId: 0,
            patch: [
              { op: 'put', table: 'customers', row: good },
              { op: 'put', table: 'customers', row: bad },
            ],
            rejections: [],
            conflicts: [],
          })
        : undefined;
    const status = await core.syncNow();
    expect(status.lastError).toMatchObject({
      code: 'server_error',
      message: expect.stringMatching(/^pull patch\[1\] customers\.name: /),
    });
    expect(count(dataDir, `SELECT count(*) FROM customers WHERE id = '${good.id}'`)).toBe(0);
    expect(count(dataDir, `SELECT value FROM meta WHERE key = 'cursor'`)).not.toBe('next');
  });

  it('shows a stalled queue with the reason and retries with backoff until the server takes it', async () => {
    const own = [testCustomer({ ownerId: rep.id })];
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    const { core } = await open(server);
    server.intercept = (path) =>
      path === '/sync/push'
        ? errorResponse(409, 'conflict', 'mutation gap: expected 1, got 7', 'mutations')
        : undefined;
    await call(core, 'customers.update', { id: own[0]!.id, set: { level: 'A' } });
    const stalled = await core.syncNow();
    expect(stalled).toMatchObject({
      pending: 1,
      lastError: { code: 'conflict', message: 'mutation gap: expected 1, got 7' },
    });
    expect(stalled.nextRetryAt).toBeGreaterThan(Date.now());
    server.intercept = (path) =>
      path === '/sync/push' ? errorResponse(500, 'server_error', 'database is down') : undefined;
    expect(await core.syncNow()).toMatchObject({
      pending: 1,
      online: false,
      lastError: { code: 'server_error', message: 'database is down' },
    });
    server.intercept = null;
    expect(await core.syncNow()).toMatchObject({ pending: 0, lastError: null, nextRetryAt: null });
    expect(server.rows.customers.get(own[0]!.id)?.level).toBe('A');
  });

  it('pulls within a second of a poke, coalesces bursts, and reconnects a dropped stream', async () => {
    const own = [testCustomer({ ownerId: rep.id })];
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    const { core } = await open(server, { pokes: true });
    await core.syncNow();
    await until(() => server.openStreams() === 1);
    const pullsSoFar = () => server.requests.filter((r) => r.path === '/sync/pull').length;

    // Another device changed the customer; the server pokes this one.
    server.put('customers', { ...own[0]!, name: '被别人改名的客户' });
    const before = pullsSoFar();
    for (let i = 0; i < 5; i++) server.poke();
    const waited = await until(() => pullsSoFar() > before);
    expect(waited).toBeLessThan(1000);
    await until(
      () =>
        (core.handlers['customers.get']({ id: own[0]!.id }) as { customer: { name: string } }).customer
          .name === '被别人改名的客户',
    );
    await new Promise((r) => setTimeout(r, 200));
    expect(pullsSoFar() - before).toBeLessThanOrEqual(2);

    // The server restarts: the stream ends; the device reconnects (backoff from 1 s) and catches up.
    server.put('customers', { ...own[0]!, name: '重连后补上的改动' });
    server.dropStreams();
    await until(() => server.openStreams() === 1, 3000);
    await until(
      () =>
        (core.handlers['customers.get']({ id: own[0]!.id }) as { customer: { name: string } }).customer
          .name === '重连后补上的改动',
    );
  });

  it('records a lost same-field edit in the inbox, shows theirs, and "apply mine" wins it back', async () => {
    const own = [testCustomer({ ownerId: rep.id, phone: '13800138000' })];
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: own });
    const a = await open(server);
    const b = await open(server);
    const id = own[0]!.id;
    // Both devices saw 13800138000; A's edit reaches the server first; B also edits another field.
    await call(a.core, 'customers.update', { id, set: { phone: '13911112222' } });
    expect(await a.core.syncNow()).toMatchObject({ pending: 0 });
    await call(b.core, 'customers.update', { id, set: { phone: '13733334444', industry: '化工' } });
    const status = await b.core.syncNow();
    expect(status).toMatchObject({ pending: 0, conflicts: 1, rejected: 0 });
    expect(b.events.some((e) => e.type === 'data.changed' && e.tables.includes('inbox'))).toBe(true);
    expect(server.rows.customers.get(id)).toMatchObject({ phone: '13911112222', industry: '化工' });
    const shown = await call(b.core, 'customers.get', { id });
    expect(shown.customer).toMatchObject({ phone: '13911112222', industry: '化工' });

    const [item] = await call(b.core, 'inbox.list', {});
    expect(item).toMatchObject({
      kind: 'conflict',
      mutationName: 'updateCustomer',
      table: 'customers',
      rowId: id,
      rowLabel: own[0]!.name,
      field: 'phone',
      mine: '13733334444',
      theirs: '13911112222',
      reason: { code: 'conflict', field: 'phone' },
    });
    await call(b.core, 'inbox.resolve', { id: item!.id, action: 'applyMine' });
    expect((await call(b.core, 'customers.get', { id })).customer.phone).toBe('13733334444');
    expect(await b.core.syncNow()).toMatchObject({ pending: 0, conflicts: 0 });
    expect(server.rows.customers.get(id)?.phone).toBe('13733334444');
    expect(await call(b.core, 'inbox.list', {})).toEqual([]);

    // keepTheirs simply drops the entry and leaves the server's value.
    await call(a.core, 'customers.update', { id, set: { phone: '13955556666' } });
    expect(await a.core.syncNow()).toMatchObject({ conflicts: 1 });
    const [again] = await call(a.core, 'inbox.list', {});
    await call(a.core, 'inbox.resolve', { id: again!.id, action: 'keepTheirs' });
    expect(await a.core.syncNow()).toMatchObject({ pending: 0, conflicts: 0 });
    expect(server.rows.customers.get(id)?.phone).toBe('13733334444');
    expect((await call(a.core, 'customers.get', { id })).customer.phone).toBe('13733334444');
  });

  it('re-issues a refused create with a new id when its id is taken, and discards on request', async () => {
    const own = [testCustomer({ ownerId: rep.id })];
    const foreign = testCustomer({ name: '别人的客户', ownerId: newId() });
    const server = createFakeSyncServer(sessionUser, { users: [rep], customers: [...own, foreign] });
    const { core } = await open(server);
    server.intercept = () => {
      throw new TypeError('fetch failed');
    };
    const { id } = await call(core, 'customers.create', {
      name: '苏州新客户有限公司',
      industry: '纺织',
      shortName: null,
      creditCode: null,
      region: null,
      address: null,
      phone: null,
      website: null,
      source: null,
      level: null,
    });
    // Meanwhile the same id exists on the server (a restored backup, say): the create is refused.
    server.rows.customers.set(
      id,
      testCustomer({ id, name: '服务器上的同号客户', ownerId: rep.id, version: 40 }),
    );
    server.intercept = null;
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 1 });
    const [item] = await call(core, 'inbox.list', {});
    expect(item).toMatchObject({
      kind: 'rejection',
      mutationName: 'createCustomer',
      rowId: id,
      reason: { code: 'conflict', field: 'id' },
      mine: { name: '苏州新客户有限公司', industry: '纺织' },
    });
    await call(core, 'inbox.resolve', { id: item!.id, action: 'applyMine' });
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
    const created = [...server.rows.customers.values()].filter((c) => c.name === '苏州新客户有限公司');
    expect(created).toHaveLength(1);
    expect(created[0]!.id).not.toBe(id);

    // A refused follow-up (its customer is not the rep's) is discarded: the entry goes, nothing is sent.
    await call(core, 'followUps.log', {
      customerId: foreign.id,
      contactId: null,
      opportunityId: null,
      completesTaskId: null,
      type: 'call',
      content: '被拒绝的跟进',
      outcome: null,
      occurredAt: Date.now() - 1000,
      nextFollowUpAt: null,
    });
    expect(await core.syncNow()).toMatchObject({ rejected: 1 });
    const [refused] = await call(core, 'inbox.list', {});
    expect(refused).toMatchObject({
      kind: 'rejection',
      rowLabel: foreign.name,
      reason: { code: 'not_found' },
    });
    await call(core, 'inbox.resolve', { id: refused!.id, action: 'discard' });
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
    await expect(call(core, 'inbox.resolve', { id: refused!.id, action: 'discard' })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('lists the org users for pickers, and a manager transfer moves the customer at once', async () => {
    const other = testUser({ username: 'lina', displayName: '李娜' });
    const manager: SessionUser = { ...sessionUser, role: 'manager' };
    const own = [testCustomer({ ownerId: rep.id })];
    const server = createFakeSyncServer(manager, { users: [rep, other], customers: own });
    const { core } = await open(server);
    const users = await call(core, 'users.list', {});
    expect(users.map((u) => u.displayName).sort()).toEqual(['张伟', '李娜'].sort());
    expect(users[0]).toMatchObject({ active: true, role: 'rep' });
    await call(core, 'customers.transfer', {
      customerId: own[0]!.id,
      toUserId: other.id,
      reason: '区域调整',
    });
    expect((await call(core, 'customers.get', { id: own[0]!.id })).customer).toMatchObject({
      ownerId: other.id,
      ownerName: '李娜',
    });
    expect(await core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
    expect(server.rows.customers.get(own[0]!.id)?.ownerId).toBe(other.id);
  });
});
