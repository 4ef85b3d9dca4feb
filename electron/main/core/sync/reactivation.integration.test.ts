import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiHandlers } from '../../../../shared/api/contract';
import { newId } from '../../../../shared/ids';
import { DAY_MS } from '../../../../shared/pools/rules';
import { createApiKey } from '../../../../server/src/pools/apiKeys';
import { runRecycle } from '../../../../server/src/pools/recycle';
import { startTestServer, type TestServer } from '../../../../server/src/testing';
import { createClientCore, type ClientCore } from '../index';
import { makeTempDir } from '../testing';

/**
 * Reactivation end to end (issue 6, docs/pools.md "Reactivation"), against the REAL sync server (PGlite,
 * or PostgreSQL with TIDEPOOL_TEST_DB=postgres) and the real client core of the rep, its sync agent on
 * the poke stream: the recycle job (its clock moved on) takes a customer off the rep's laptop; an
 * activity event about that customer brings it back, with the event's task, within a second.
 */

async function call<C extends keyof ApiHandlers>(
  core: ClientCore,
  channel: C,
  input: Parameters<ApiHandlers[C]>[0],
) {
  return await (core.handlers[channel] as (i: typeof input) => ReturnType<ApiHandlers[C]>)(input);
}

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

describe('reactivation end to end', () => {
  let server: TestServer;
  let core: ClientCore | undefined;
  const temp = makeTempDir();

  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 30 });
  });
  afterAll(async () => {
    await core?.close();
    await server?.close();
    temp.remove();
  });

  it('recycles a customer off the rep device, and an event brings it back with its task within a second', async () => {
    const { orgId, users } = server.demo;
    const now = Date.now();
    // The rules of this story: one pool, 30 days without a follow-up. The rep's other customers are
    // locked by a manager (exempt), so the job moves exactly the one whose last follow-up is old.
    const [target] = await server.query(
      `SELECT id, name FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND kind = 'customer'
         AND deleted_at IS NULL ORDER BY id LIMIT 1`,
      [users.zhangwei],
    );
    const customerId = String(target?.id);
    await server.query(`DELETE FROM pools WHERE org_id = $1`, [orgId]);
    const poolId = newId();
    await server.query(
      `INSERT INTO pools (id, org_id, kind, name_zh, name_en, team_ids, admin_ids, is_default, active, recycle, claim,
         assign, created_at, updated_at, version)
       VALUES ($1, $2, 'customer', '华东公海', 'East China pool', '[]', '[]', true, true, $3, '{}',
         'previousOwnerThenLeastLoaded', $4, $4, 1)`,
      [
        poolId,
        orgId,
        JSON.stringify({ rules: [{ kind: 'noFollowUp', days: 30, daysByLevel: {} }], warnDays: 0 }),
        now - 400 * DAY_MS,
      ],
    );
    await server.query(
      `UPDATE customers SET locked = (id <> $2) WHERE org_id = $1 AND pool_state = 'private'`,
      [orgId, customerId],
    );
    await server.query(`UPDATE customers SET last_follow_up_at = $2, claimed_at = $2 WHERE id = $1`, [
      customerId,
      now - 10 * DAY_MS,
    ]);
    const { key } = await createApiKey(server.db, orgId, 'ERP');

    core = await createClientCore({
      dataDir: `${temp.dir}/${newId()}`,
      syncIntervalMs: 600_000,
      maxBackoffMs: 600_000,
    });
    await call(core, 'session.login', {
      serverUrl: server.url,
      username: 'zhangwei',
      password: 'tidepool123',
    });
    expect(await core.syncNow()).toMatchObject({ online: true, pending: 0 });
    const device = core;
    const holds = () =>
      call(device, 'customers.get', { id: customerId }).then(
        () => true,
        () => false,
      );
    expect(await holds()).toBe(true);

    // The job, 25 days later by its clock: 35 days without a follow-up. The poke takes it off the laptop.
    const run = await runRecycle(server.db, { orgId, now: now + 25 * DAY_MS, dryRun: false });
    expect(run).toMatchObject({ moved: 1, sample: [{ id: customerId, rule: 'noFollowUp', poolId }] });
    await until(async () => !(await holds()), 3000);

    // The customer shows signs of life in the ERP: the event assigns it back to its previous owner.
    const sentAt = Date.now();
    const response = await fetch(`${server.url}/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': key },
      body: JSON.stringify({
        eventId: `erp-order-${newId()}`,
        type: 'trade',
        match: { customerId },
        occurredAt: sentAt - 5000,
        summary: '下单：数控车床 CK6150 两台',
      }),
    });
    const answer = (await response.json()) as { outcome: string; ownerId: string; taskId: string };
    expect(response.status).toBe(200);
    expect(answer).toMatchObject({ outcome: 'assigned', ownerId: users.zhangwei });

    await until(holds, 3000);
    const back = await call(device, 'customers.get', { id: customerId });
    expect(Date.now() - sentAt).toBeLessThan(1000);
    expect(back.customer).toMatchObject({ ownerId: users.zhangwei, poolState: 'private' });
    expect(back.tasks).toContainEqual(
      expect.objectContaining({
        id: answer.taskId,
        title: '下单：数控车床 CK6150 两台',
        origin: 'reactivation',
        status: 'open',
        assigneeId: users.zhangwei,
      }),
    );
    expect(back.ownership.map((o) => [o.action, o.actorType])).toEqual(
      expect.arrayContaining([
        ['recycle', 'rule'],
        ['reactivate', 'event'],
      ]),
    );
  });
});
