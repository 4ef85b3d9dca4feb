import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../../shared/api/contract';
import { startTestServer, type TestServer } from '../../../../server/src/testing';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir } from '../testing';
import { newId } from '../../../../shared/ids';

/**
 * The client core against the REAL sync server (in-process Fastify over PGlite, or PostgreSQL with
 * TIDEPOOL_TEST_DB=postgres): the walking skeleton end to end, minus the renderer.
 */

async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

/** A fetch with a network switch, and a way to lose answers after the server has acted on the request. */
function controllableFetch() {
  const state = {
    offline: false,
    dropPushAnswers: 0,
    pushes: 0,
    /** Runs once just before the next pull request leaves. */
    beforePull: null as (() => Promise<void>) | null,
  };
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    if (state.offline) throw new TypeError('fetch failed: ECONNREFUSED');
    if (String(input).endsWith('/sync/pull') && state.beforePull) {
      const hook = state.beforePull;
      state.beforePull = null;
      await hook();
    }
    const res = await fetch(input, init);
    if (String(input).endsWith('/sync/push')) {
      state.pushes += 1;
      if (state.dropPushAnswers > 0) {
        state.dropPushAnswers -= 1;
        await res.arrayBuffer(); // the server has committed; the answer is lost on the way back
        throw new TypeError('fetch failed: socket hang up');
      }
    }
    return res;
  }) as typeof fetch;
  return { state, fetch: wrapped };
}

describe('client core ⇄ real sync server', () => {
  let server: TestServer;
  const temp = makeTempDir();
  const cores: ClientCore[] = [];

  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 60 });
  });
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  async function signIn(username = 'zhangwei') {
    const net = controllableFetch();
    const core = await createClientCore({
      dataDir: `${temp.dir}/${newId()}`,
      fetch: net.fetch,
      syncIntervalMs: 60_000,
      maxBackoffMs: 60_000,
      // These tests control every sync; a poke stream opening mid-test would start an extra one.
      pokes: false,
    });
    cores.push(core);
    const session = await call(core, 'session.login', {
      serverUrl: server.url,
      username,
      password: 'tidepool123',
    });
    const status = await core.syncNow();
    expect(status).toMatchObject({ online: true, lastError: null, pending: 0 });
    return { core, net, session };
  }

  const list = (core: ClientCore, limit = 500) =>
    call(core, 'customers.list', { offset: 0, limit, sort: { column: 'name', desc: false } });

  const logInput = (customerId: string, content: string) => ({
    customerId,
    contactId: null,
    opportunityId: null,
    completesTaskId: null,
    type: 'visit' as const,
    content,
    outcome: '客户有意向',
    occurredAt: Date.now() - 60_000,
    nextFollowUpAt: Date.now() + 7 * 86_400_000,
  });

  it('logs in and fully pulls the rep private sea only', async () => {
    const { core, session } = await signIn('zhangwei');
    expect(session.user).toMatchObject({ username: 'zhangwei', displayName: '张伟', role: 'rep' });
    // The customer list shows customers; the rep's leads (customers rows of kind lead) have their own.
    const expected = await server.query(
      "SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL AND kind = 'customer'",
      [server.demo.users.zhangwei],
    );
    const leads = await server.query(
      "SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL AND kind = 'lead'",
      [server.demo.users.zhangwei],
    );
    const localLeads = await call(core, 'leads.list', { offset: 0, limit: 500, status: 'all' });
    expect(
      localLeads.rows
        .filter((l) => l.leadStatus !== 'converted')
        .map((l) => l.id)
        .sort(),
    ).toEqual(leads.map((r) => String(r.id)).sort());
    const local = await list(core);
    expect(local.total).toBe(expected.length);
    expect(local.total).toBeGreaterThan(0);
    expect(new Set(local.rows.map((r) => r.id))).toEqual(new Set(expected.map((r) => String(r.id))));
    expect(local.rows.every((r) => r.ownerName === '张伟')).toBe(true);
    const [foreign] = await server.query('SELECT id FROM customers WHERE owner_id = $1 LIMIT 1', [
      server.demo.users.lina,
    ]);
    await expect(call(core, 'customers.get', { id: String(foreign?.id) })).rejects.toMatchObject({
      code: 'not_found',
    });
    const first = local.rows[0]!;
    const detail = await call(core, 'customers.get', { id: first.id });
    const serverFollowUps = await server.query(
      'SELECT id FROM follow_ups WHERE customer_id = $1 AND deleted_at IS NULL',
      [first.id],
    );
    expect(detail.followUps).toHaveLength(serverFollowUps.length);
  });

  it('keeps an offline follow-up pending and visible, and pushes it when the server is back', async () => {
    const { core, net } = await signIn();
    const customer = (await list(core, 1)).rows[0]!;
    net.state.offline = true;
    const { id } = await call(
      core,
      'followUps.log',
      logInput(customer.id, '停车场里记下的拜访：客户要报价单'),
    );
    const offline = await core.syncNow();
    expect(offline).toMatchObject({ online: false, pending: 1, lastError: { code: 'offline' } });
    expect(offline.nextRetryAt).not.toBeNull();
    const detail = await call(core, 'customers.get', { id: customer.id });
    expect(detail.followUps[0]).toMatchObject({
      id,
      pending: true,
      content: '停车场里记下的拜访：客户要报价单',
    });

    net.state.offline = false;
    const back = await core.syncNow();
    expect(back).toMatchObject({ online: true, pending: 0, lastError: null, nextRetryAt: null });
    const rows = await server.query('SELECT content, author_id FROM follow_ups WHERE id = $1', [id]);
    expect(rows).toEqual([
      { content: '停车场里记下的拜访：客户要报价单', author_id: server.demo.users.zhangwei },
    ]);
    const after = await call(core, 'customers.get', { id: customer.id });
    expect(after.followUps.find((f) => f.id === id)).toMatchObject({ pending: false });
  });

  it('retries a push whose answer was lost and the server applies it once', async () => {
    const { core, net } = await signIn();
    const customer = (await list(core, 2)).rows[1]!;
    net.state.dropPushAnswers = 1;
    const { id } = await call(core, 'followUps.log', logInput(customer.id, '答复丢失的那次推送'));
    const lost = await core.syncNow();
    expect(lost).toMatchObject({ pending: 1, online: false });
    // The server committed it already.
    expect(await server.query('SELECT count(*)::int AS n FROM follow_ups WHERE id = $1', [id])).toEqual([
      { n: 1 },
    ]);
    const retried = await core.syncNow();
    expect(retried).toMatchObject({ pending: 0, online: true, rejected: 0 });
    expect(net.state.pushes).toBeGreaterThanOrEqual(2);
    expect(await server.query('SELECT count(*)::int AS n FROM follow_ups WHERE id = $1', [id])).toEqual([
      { n: 1 },
    ]);
    expect(await server.query('SELECT count(*)::int AS n FROM mutation_rejections')).toEqual([{ n: 0 }]);
  });

  it('rebases a pending edit over a pull so it stays visible', async () => {
    const { core, net: thisNet } = await signIn();
    const customer = (await list(core, 3)).rows[2]!;
    // Another device of the org changes the same customer on the server meanwhile (another field).
    const other = await signIn('zhangwei');
    await call(other.core, 'customers.update', { id: customer.id, set: { industry: '新能源设备' } });
    expect(await other.core.syncNow()).toMatchObject({ pending: 0 });

    // This device edits the customer while its pull is on the wire: the edit is pending when the page
    // carrying the server's newer row lands, and must survive it.
    const seen: { level: string | null; industry: string | null }[] = [];
    let editSeq = 0;
    core.onEvent((e) => {
      if (e.type === 'data.changed' && e.tables.includes('customers') && editSeq === 1) {
        const { customer: c } = core.handlers['customers.get']({ id: customer.id }) as {
          customer: { level: string | null; industry: string | null };
        };
        seen.push({ level: c.level, industry: c.industry });
      }
    });
    thisNet.state.beforePull = async () => {
      await call(core, 'customers.update', { id: customer.id, set: { level: 'A' } });
      editSeq = 1;
    };
    await core.syncNow();
    // The pull brought the other device's industry while the level edit was pending.
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[0]).toEqual({ level: 'A', industry: '新能源设备' });
    const status = await core.syncNow();
    expect(status).toMatchObject({ pending: 0, online: true });
    const detail = await call(core, 'customers.get', { id: customer.id });
    expect(detail.customer).toMatchObject({ level: 'A', industry: '新能源设备' });
    const [row] = await server.query('SELECT level, industry FROM customers WHERE id = $1', [customer.id]);
    expect(row).toEqual({ level: 'A', industry: '新能源设备' });
  });

  it('moves a mutation the server refuses to the rejections, removes its row and the out-of-scope customer', async () => {
    const { core } = await signIn();
    const customer = (await list(core, 4)).rows[3]!;
    // The customer is given to lina on the server; this device has not heard yet.
    await server.query('UPDATE customers SET owner_id = $1 WHERE id = $2', [
      server.demo.users.lina,
      customer.id,
    ]);
    const { id } = await call(core, 'followUps.log', logInput(customer.id, '服务器会拒绝这条'));
    const status = await core.syncNow();
    expect(status).toMatchObject({ pending: 0, rejected: 1 });
    expect(await server.query('SELECT count(*)::int AS n FROM follow_ups WHERE id = $1', [id])).toEqual([
      { n: 0 },
    ]);
    // With the refusal the server re-sent what the mutation touched: the customer is no longer ours.
    await expect(call(core, 'customers.get', { id: customer.id })).rejects.toMatchObject({
      code: 'not_found',
    });
    const [item] = await call(core, 'inbox.list', {});
    expect(item).toMatchObject({
      kind: 'rejection',
      rowLabel: customer.name,
      args: { id, content: '服务器会拒绝这条' },
    });
    await server.query('UPDATE customers SET owner_id = $1 WHERE id = $2', [
      server.demo.users.zhangwei,
      customer.id,
    ]);
  });
});
