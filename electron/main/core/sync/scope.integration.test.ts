import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../../shared/api/contract';
import { newId } from '../../../../shared/ids';
import { startTestServer, type TestServer } from '../../../../server/src/testing';
import { getMeta, setMeta } from '../db/meta';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir } from '../testing';

/**
 * Issue 3 end to end, client cores against the REAL sync server (PGlite, or PostgreSQL with
 * TIDEPOOL_TEST_DB=postgres): scope changes by a manager's transfer (with pokes), no resurrection of
 * deleted rows, field-level merge with conflicts, and the safe reset of a device the server forgot.
 */

async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

function switchableFetch() {
  const net = { offline: false };
  const wrapped = (async (input: string | URL | Request, init?: RequestInit) => {
    if (net.offline && !String(input).endsWith('/sync/events')) throw new TypeError('fetch failed');
    return fetch(input, init);
  }) as typeof fetch;
  return { net, fetch: wrapped };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

describe('scope, merge and reset against the real server', () => {
  let server: TestServer;
  const temp = makeTempDir();
  const cores: ClientCore[] = [];

  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 40 });
  });
  afterEach(async () => {
    for (const core of cores.splice(0)) await core.close();
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  async function signIn(username: string, opts: { pokes?: boolean } = {}) {
    const { net, fetch: f } = switchableFetch();
    const dataDir = `${temp.dir}/${newId()}`;
    const core = await createClientCore({
      dataDir,
      fetch: f,
      syncIntervalMs: 600_000,
      maxBackoffMs: 600_000,
      pokes: opts.pokes ?? false,
    });
    cores.push(core);
    const session = await call(core, 'session.login', {
      serverUrl: server.url,
      username,
      password: 'tidepool123',
    });
    expect(await core.syncNow()).toMatchObject({ online: true, pending: 0 });
    return { core, net, dataDir, userId: session.user.id };
  }

  const detail = (core: ClientCore, id: string) => call(core, 'customers.get', { id });
  const has = (core: ClientCore, id: string) =>
    detail(core, id).then(
      () => true,
      () => false,
    );
  const logInput = (customerId: string, content: string) => ({
    customerId,
    contactId: null,
    opportunityId: null,
    completesTaskId: null,
    type: 'visit' as const,
    content,
    outcome: null,
    occurredAt: Date.now() - 60_000,
    nextFollowUpAt: null,
  });

  /** A customer of `ownerId` that has contacts and follow-ups on the server. */
  async function customerWithChildren(ownerId: string) {
    const [row] = await server.query(
      `SELECT c.id, c.name FROM customers c
        WHERE c.owner_id = $1 AND c.pool_state = 'private' AND c.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM contacts k WHERE k.customer_id = c.id AND k.deleted_at IS NULL)
          AND EXISTS (SELECT 1 FROM follow_ups f WHERE f.customer_id = c.id AND f.deleted_at IS NULL)
        ORDER BY c.id LIMIT 1`,
      [ownerId],
    );
    if (!row) throw new Error('the demo seed has no customer with children');
    return { id: String(row.id), name: String(row.name) };
  }

  it('a transfer takes the customer off the old owner whole, pokes the new owner, and refuses stale work', async () => {
    const { zhangwei, lina } = server.demo.users;
    const a = await signIn('zhangwei');
    const b = await signIn('lina', { pokes: true });
    const boss = await signIn('wangfang');
    const moved = await customerWithChildren(zhangwei);
    const [children] = await server.query(
      `SELECT (SELECT count(*)::int FROM contacts WHERE customer_id = $1 AND deleted_at IS NULL) AS contacts,
              (SELECT count(*)::int FROM follow_ups WHERE customer_id = $1 AND deleted_at IS NULL) AS follow_ups`,
      [moved.id],
    );
    expect(await has(b.core, moved.id)).toBe(false);

    // zhangwei works offline on the customer while his manager moves it to lina.
    a.net.offline = true;
    const { id: followUpId } = await call(a.core, 'followUps.log', logInput(moved.id, '离线记下的拜访'));
    await call(a.core, 'customers.update', { id: moved.id, set: { phone: '13912345678' } });
    const transferredAt = Date.now();
    await call(boss.core, 'customers.transfer', { customerId: moved.id, toUserId: lina, reason: '区域调整' });
    expect(await boss.core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });

    // lina's device hears the poke and pulls the customer whole, within a second.
    const waited = await until(() => has(b.core, moved.id), 3000);
    expect(Date.now() - transferredAt).toBeLessThan(1000 + 500);
    expect(waited).toBeLessThan(1000);
    const arrived = await detail(b.core, moved.id);
    expect(arrived.customer.ownerId).toBe(lina);
    expect(arrived.contacts).toHaveLength(Number(children?.contacts));
    expect(arrived.followUps).toHaveLength(Number(children?.follow_ups));

    // zhangwei comes back: the customer and its children vanish; his offline work returns as rejections.
    a.net.offline = false;
    expect(await a.core.syncNow()).toMatchObject({ pending: 0, rejected: 2, online: true });
    expect(await has(a.core, moved.id)).toBe(false);
    const inbox = await call(a.core, 'inbox.list', {});
    expect(inbox.map((i) => i.mutationName).sort()).toEqual(['logFollowUp', 'updateCustomer']);
    for (const item of inbox) {
      expect(item).toMatchObject({ kind: 'rejection', rowId: moved.id, rowLabel: moved.name });
      expect(item.reason.code).toBe('not_found');
    }
    expect(inbox.find((i) => i.mutationName === 'logFollowUp')?.args).toMatchObject({
      id: followUpId,
      content: '离线记下的拜访',
    });
    expect(inbox.find((i) => i.mutationName === 'updateCustomer')?.mine).toEqual({ phone: '13912345678' });
    expect(await server.query('SELECT id FROM follow_ups WHERE id = $1', [followUpId])).toEqual([]);
    const [onServer] = await server.query('SELECT phone, owner_id FROM customers WHERE id = $1', [moved.id]);
    expect(onServer?.phone).not.toBe('13912345678');
    expect(onServer?.owner_id).toBe(lina);
    // The manager still sees it (same team), now lina's.
    expect((await detail(boss.core, moved.id)).customer.ownerId).toBe(lina);
  });

  it('never resurrects a deleted customer from a stale edit', async () => {
    const a = await signIn('zhangwei');
    const doomed = await customerWithChildren(server.demo.users.zhangwei);
    a.net.offline = true;
    await call(a.core, 'customers.update', { id: doomed.id, set: { industry: '过期的修改' } });
    // Deleted on the server meanwhile (a tombstone with a new version).
    await server.query(
      `WITH v AS (UPDATE orgs SET version = version + 1 WHERE id = $1 RETURNING version)
       UPDATE customers SET deleted_at = $2, version = (SELECT version FROM v) WHERE id = $3`,
      [server.demo.orgId, Date.now(), doomed.id],
    );
    a.net.offline = false;
    expect(await a.core.syncNow()).toMatchObject({ pending: 0, rejected: 1 });
    expect(await has(a.core, doomed.id)).toBe(false);
    const [row] = await server.query('SELECT industry, deleted_at FROM customers WHERE id = $1', [doomed.id]);
    expect(row?.industry).not.toBe('过期的修改');
    expect(row?.deleted_at).not.toBeNull();
    // Retrying it from the inbox is refused on the device itself: the customer is not there any more.
    const [item] = await call(a.core, 'inbox.list', {});
    await expect(call(a.core, 'inbox.resolve', { id: item!.id, action: 'applyMine' })).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await call(a.core, 'inbox.list', {})).toHaveLength(1);
  });

  it('merges concurrent edits field by field; the later same-field edit becomes a conflict', async () => {
    const rep = await signIn('zhangwei');
    const boss = await signIn('wangfang');
    const [c] = await server.query(
      `SELECT id, name, phone FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL
        ORDER BY id DESC LIMIT 1`,
      [server.demo.users.zhangwei],
    );
    const id = String(c?.id);
    rep.net.offline = true;
    boss.net.offline = true;
    await call(rep.core, 'customers.update', { id, set: { phone: '13811110000', region: '苏州' } });
    await call(boss.core, 'customers.update', { id, set: { phone: '13822220000', level: 'A' } });
    rep.net.offline = false;
    boss.net.offline = false;
    expect(await rep.core.syncNow()).toMatchObject({ pending: 0, conflicts: 0 });
    expect(await boss.core.syncNow()).toMatchObject({ pending: 0, conflicts: 1, rejected: 0 });
    await rep.core.syncNow();
    const [merged] = await server.query('SELECT phone, region, level FROM customers WHERE id = $1', [id]);
    expect(merged).toEqual({ phone: '13811110000', region: '苏州', level: 'A' });
    for (const d of [rep, boss])
      expect((await detail(d.core, id)).customer).toMatchObject({
        phone: '13811110000',
        region: '苏州',
        level: 'A',
      });
    const [conflict] = await call(boss.core, 'inbox.list', {});
    expect(conflict).toMatchObject({
      kind: 'conflict',
      field: 'phone',
      mine: '13822220000',
      theirs: '13811110000',
      rowLabel: String(c?.name),
    });
    await call(boss.core, 'inbox.resolve', { id: conflict!.id, action: 'applyMine' });
    expect(await boss.core.syncNow()).toMatchObject({ pending: 0, conflicts: 0 });
    expect((await server.query('SELECT phone FROM customers WHERE id = $1', [id]))[0]?.phone).toBe(
      '13822220000',
    );
  });

  it('recovers when the server forgot the device: pending work applies once, the cursor resets', async () => {
    const a = await signIn('zhangwei');
    const [c] = await server.query(
      `SELECT id FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL ORDER BY id LIMIT 1`,
      [server.demo.users.zhangwei],
    );
    const customerId = String(c?.id);
    await call(a.core, 'followUps.log', logInput(customerId, '第一条'));
    expect(await a.core.syncNow()).toMatchObject({ pending: 0 });
    a.net.offline = true;
    const second = await call(a.core, 'followUps.log', logInput(customerId, '服务器重置后仍要送达'));
    const third = await call(a.core, 'followUps.log', logInput(customerId, '第三条'));
    // The server's database is restored from before this device existed; its cursor means nothing now.
    await a.core.close();
    cores.splice(cores.indexOf(a.core), 1);
    const Database = (await import('better-sqlite3')).default;
    const raw = new Database(`${a.dataDir}/users/${server.demo.users.zhangwei}.db`);
    const clientId = getMeta(raw, 'client_id');
    setMeta(raw, 'cursor', 'not-a-cursor-of-this-server');
    raw.close();
    await server.query('DELETE FROM mutation_rejections WHERE client_id = $1', [clientId]);
    await server.query('DELETE FROM sync_clients WHERE client_id = $1', [clientId]);

    const reopened = await createClientCore({
      dataDir: a.dataDir,
      syncIntervalMs: 600_000,
      maxBackoffMs: 600_000,
      pokes: false,
    });
    cores.push(reopened);
    const status = await reopened.syncNow();
    expect(status).toMatchObject({ online: true, pending: 0, rejected: 0, lastError: null });
    const rows = await server.query('SELECT id FROM follow_ups WHERE id = ANY($1::uuid[])', [
      [second.id, third.id],
    ]);
    expect(rows).toHaveLength(2);
    const local = await detail(reopened, customerId);
    expect(local.followUps.filter((f) => [second.id, third.id].includes(f.id) && !f.pending)).toHaveLength(2);
  });
});
