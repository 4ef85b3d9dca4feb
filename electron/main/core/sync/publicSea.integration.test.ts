import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../../shared/api/contract';
import { DAY_MS } from '../../../../shared/pools/rules';
import type { LoginResponse } from '../../../../shared/sync/protocol';
import { postJson, startTestServer, type TestServer } from '../../../../server/src/testing';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir } from '../testing';

/**
 * The public sea end to end with the REAL server (issue 6): a rep releases a customer, another browses
 * the public sea (phones masked) and claims it, while the previous owner's claim back is refused by the
 * pool's cooldown with the reason in the inbox; the recycle job takes a customer a rep was editing
 * offline: the device records the notice, the edit comes back refused with its values, and "claim it
 * back and re-apply" is refused while the cooldown lasts and applies once it is over. Server and
 * devices share one clock, which the test moves.
 */

describe('the public sea between devices and the real server', () => {
  let server: TestServer;
  let clock = Date.now();
  const temp = makeTempDir();
  const cores: ClientCore[] = [];
  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 30, now: () => clock });
  });
  afterAll(async () => {
    for (const core of cores) await core.close();
    await server?.close();
    temp.remove();
  });

  async function device(username: string, name = username) {
    let offline = false;
    const core = await createClientCore({
      dataDir: join(temp.dir, name),
      now: () => clock,
      fetch: ((input: string | URL | Request, init?: RequestInit) =>
        offline ? Promise.reject(new TypeError('fetch failed')) : fetch(input, init)) as typeof fetch,
      syncIntervalMs: 600_000,
      debounceMs: 600_000,
      pokes: false,
    });
    cores.push(core);
    const { user } = await core.handlers['session.login']({
      serverUrl: server.url,
      username,
      password: 'tidepool123',
    });
    await core.syncNow();
    return {
      core,
      user,
      h: core.handlers as ApiHandlers,
      setOffline: (value: boolean) => {
        offline = value;
      },
    };
  }

  /** A handler's answer as a promise, whether it throws or rejects. */
  const attempt = <T>(f: () => T) => Promise.resolve().then(f);

  const names = async (h: ApiHandlers) =>
    (await h['customers.list']({ offset: 0, limit: 500, sort: { column: 'name', desc: false } })).rows.map(
      (r) => r.id,
    );

  it('releases to the pool, masks phones in the browse, refuses the claim back by cooldown, lets another rep claim', async () => {
    const zhang = await device('zhangwei');
    const lina = await device('lina');
    const [pool] = await server.query(
      `SELECT id FROM pools WHERE org_id = $1 AND kind = 'customer' AND is_default`,
      [zhang.user.orgId],
    );
    const [released] = await server.query(
      `SELECT id, name, phone FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer'
         AND deleted_at IS NULL AND NOT locked AND phone IS NOT NULL ORDER BY id LIMIT 1`,
      [zhang.user.id],
    );
    const id = String(released?.id);
    expect(await names(zhang.h)).toContain(id);

    await zhang.h['customers.release']({
      customerId: id,
      poolId: String(pool?.id),
      reason: '客户暂无采购计划',
    });
    expect(await names(zhang.h)).not.toContain(id);
    expect(await zhang.core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
    expect(
      await server.query('SELECT owner_id, pool_state, previous_owner_id FROM customers WHERE id = $1', [id]),
    ).toEqual([{ owner_id: null, pool_state: 'public', previous_owner_id: zhang.user.id }]);
    await expect(attempt(() => zhang.h['customers.get']({ id }))).rejects.toMatchObject({
      code: 'not_found',
    });

    const sea = await lina.h['publicSea.list']({
      kind: 'customer',
      poolId: String(pool?.id),
      query: String(released?.name),
      limit: 50,
    });
    const item = sea.rows.find((r) => r.id === id);
    expect(item).toMatchObject({ name: released?.name, previousOwnerName: zhang.user.displayName });
    expect(item?.phoneMasked).toMatch(/\*/);
    expect(JSON.stringify(sea)).not.toContain(String(released?.phone).replace(/\D/g, ''));

    // The previous owner waits out the pool's cooldown: refused, with the reason.
    await zhang.h['customers.claim']({ customerId: id, reason: '客户又有需求' });
    expect(await zhang.core.syncNow()).toMatchObject({ pending: 0, rejected: 1 });
    expect(await zhang.h['inbox.list']({})).toMatchObject([
      {
        mutationName: 'claimCustomer',
        rowId: id,
        reason: { code: 'forbidden', params: { rule: 'reclaimCooldownDays' } },
      },
    ]);
    // Another rep claims it: it arrives on her device, and her own claim is no notice.
    await lina.h['customers.claim']({ customerId: id, reason: '客户来电' });
    expect(await lina.core.syncNow()).toMatchObject({ pending: 0, rejected: 0 });
    expect((await lina.h['customers.get']({ id })).customer).toMatchObject({
      ownerId: lina.user.id,
      poolState: 'private',
    });
    expect(await lina.h['notices.list']({})).toEqual([]);
  });

  it('takes back a customer the job recycled while the rep edited offline: notice, refusal, claim back and re-apply', async () => {
    // A customer of zhangwei's that no rule exempts, last followed up 200 days ago: due by any pool.
    const [owner] = await server.query(`SELECT id FROM users WHERE username = 'zhangwei'`);
    const [dormant] = await server.query(
      `SELECT c.id, c.name FROM customers c WHERE c.owner_id = $1 AND c.pool_state = 'private'
         AND c.kind = 'customer' AND c.deleted_at IS NULL AND NOT c.locked AND c.last_deal_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = c.id AND o.status <> 'lost')
       ORDER BY c.id LIMIT 1`,
      [owner?.id],
    );
    const id = String(dormant?.id);
    await server.query(
      `UPDATE customers SET last_follow_up_at = $2, claimed_at = $2, status = 'active' WHERE id = $1`,
      [id, clock - 200 * DAY_MS],
    );
    const rep = await device('zhangwei', 'zhangwei-laptop');
    const countdown = (await rep.h['customers.get']({ id })).recycle;
    expect(countdown?.rule).toBe('noFollowUp');
    expect(countdown!.dueAt).toBeLessThan(clock);

    // Offline, the rep writes down a new address …
    rep.setOffline(true);
    await rep.h['customers.update']({ id, set: { address: '杭州市滨江区网商路 599 号' } });
    // … while the admin runs the job.
    const adminLogin = await postJson<LoginResponse>(`${server.url}/auth/login`, {
      username: 'admin',
      password: 'tidepool123',
    });
    const run = await fetch(`${server.url}/admin/pools/run`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminLogin.body.token}` },
      body: JSON.stringify({ dryRun: false }),
    });
    expect(run.status).toBe(200);
    expect(await server.query('SELECT pool_state FROM customers WHERE id = $1', [id])).toEqual([
      { pool_state: 'public' },
    ]);

    rep.setOffline(false);
    expect(await rep.core.syncNow()).toMatchObject({ pending: 0, rejected: 1 });
    await expect(attempt(() => rep.h['customers.get']({ id }))).rejects.toMatchObject({ code: 'not_found' });
    const notices = await rep.h['notices.list']({});
    expect(notices.find((n) => n.customerId === id)).toMatchObject({
      kind: 'recycledAway',
      customerName: dormant?.name,
      actorType: 'rule',
      reason: expect.stringMatching(/^noFollowUp:\d+$/),
    });
    const [refused] = await rep.h['inbox.list']({});
    expect(refused).toMatchObject({
      mutationName: 'updateCustomer',
      rowId: id,
      rowLabel: dormant?.name,
      mine: { address: '杭州市滨江区网商路 599 号' },
    });

    // Claimed back at once: the pool's cooldown refuses the claim, and the edit comes back with it.
    await rep.h['inbox.resolve']({ id: refused!.id, action: 'claimAndReapply' });
    expect(await rep.core.syncNow()).toMatchObject({ pending: 0, rejected: 2 });
    const inbox = await rep.h['inbox.list']({});
    expect(inbox.map((i) => i.mutationName).sort()).toEqual(['claimCustomer', 'updateCustomer']);
    expect(inbox.find((i) => i.mutationName === 'claimCustomer')?.reason).toMatchObject({
      code: 'forbidden',
      params: { rule: 'reclaimCooldownDays' },
    });

    // A week later the cooldown is over: claim back and re-apply succeeds.
    clock += 8 * DAY_MS;
    const edit = inbox.find((i) => i.mutationName === 'updateCustomer')!;
    await rep.h['inbox.resolve']({ id: edit.id, action: 'claimAndReapply' });
    expect(await rep.core.syncNow()).toMatchObject({ pending: 0 });
    expect((await rep.h['customers.get']({ id })).customer).toMatchObject({
      ownerId: rep.user.id,
      poolState: 'private',
      address: '杭州市滨江区网商路 599 号',
    });
    expect(await server.query('SELECT owner_id, address FROM customers WHERE id = $1', [id])).toEqual([
      { owner_id: rep.user.id, address: '杭州市滨江区网商路 599 号' },
    ]);
  });
});
