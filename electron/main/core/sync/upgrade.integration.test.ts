import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../shared/ids';
import type { LoginResponse } from '../../../../shared/sync/protocol';
import { postJson, startTestServer, type TestServer } from '../../../../server/src/testing';
import { defaultMigrationsFolder, openClientDatabase, userDatabaseFile } from '../db/open';
import { createClientCore } from '../index';
import { writeSession } from '../session';
import { getRow } from '../db/rows';
import { makeTempDir, migrationsUpTo } from '../testing';
import { getMeta } from '../db/meta';

/** The device's client id, read from its database file (the server keys its progress by it). */
function readClientId(file: string): string {
  const db = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
  try {
    return String(getMeta(db, 'client_id'));
  } finally {
    db.close();
  }
}

/**
 * SPEC §5.7 with REAL migrations: a device database made by an older app holding pending work is opened
 * by the current app; its migrations apply, and the pending entries still push, apply once, and the old
 * inbox entries show. Round 1 (migration 0000 only, protocol 1: updates without `base`), protocol 2
 * (0000–0001, a synced device with a cursor) upgraded to protocol 3 (0002: new tables, a full pull),
 * protocol 3 (0000–0002) upgraded to protocol 4 (0003: business profiles, a full pull), and protocol 4
 * (0000–0003) upgraded to protocol 5 (0004: the public sea's pools and pool columns, a full pull).
 */

describe('upgrading a device with pending work', () => {
  let server: TestServer;
  const temp = makeTempDir();
  beforeAll(async () => {
    server = await startTestServer({ demoCustomers: 20 });
  });
  afterAll(async () => {
    await server?.close();
    temp.remove();
  });

  it('migrates a round-1 database and still syncs its outbox exactly once', async () => {
    const login = await postJson<LoginResponse>(`${server.url}/auth/login`, {
      username: 'zhangwei',
      password: 'tidepool123',
    });
    expect(login.status).toBe(200);
    const { user } = login.body;
    const dataDir = join(temp.dir, 'device');
    writeSession(dataDir, {
      serverUrl: server.url,
      token: login.body.token,
      expiresAt: login.body.expiresAt,
      user,
    });
    const [customer] = await server.query(
      `SELECT id, name, level FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL
        ORDER BY id LIMIT 1`,
      [user.id],
    );
    const customerId = String(customer?.id);
    const newLevel = customer?.level === 'D' ? 'C' : 'D';

    // The round-1 app: schema 0000, two pending mutations (protocol 1: the update has no base), and a
    // rejection it had received.
    const file = userDatabaseFile(dataDir, user.id);
    const old = openClientDatabase(file, { migrationsFolder: migrationsUpTo(temp.dir, '0000_init') });
    expect(old.prepare(`SELECT name FROM sqlite_master WHERE name = 'conflicts'`).get()).toBeUndefined();
    const followUpId = newId();
    const now = Date.now();
    const followUp = {
      id: followUpId,
      customerId,
      contactId: null,
      type: 'visit',
      content: '升级前离线记下的拜访',
      outcome: null,
      occurredAt: now - 3_600_000,
      nextFollowUpAt: null,
    };
    // Mutation 1 was refused long ago (its rejection is below); 2 and 3 wait in the outbox.
    const insertOutbox = old.prepare(
      'INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    insertOutbox.run(
      2,
      'logFollowUp',
      JSON.stringify(followUp),
      JSON.stringify([
        {
          kind: 'insert',
          table: 'followUps',
          row: { ...followUp, orgId: user.orgId, authorId: user.id, createdAt: now, updatedAt: now },
        },
      ]),
      now,
    );
    insertOutbox.run(
      3,
      'updateCustomer',
      JSON.stringify({ id: customerId, set: { level: newLevel } }),
      JSON.stringify([{ kind: 'update', table: 'customers', id: customerId, set: { level: newLevel } }]),
      now,
    );
    old
      .prepare(
        'INSERT INTO rejections (mutation_id, name, args, error, created_at, rejected_at) VALUES (?, ?, ?, ?, ?, ?)',
      )
      .run(
        1,
        'createCustomer',
        JSON.stringify({ id: newId(), name: '旧版本被拒绝的客户' }),
        JSON.stringify({ code: 'conflict', message: 'name: 已有同名客户' }),
        now,
        now,
      );
    old.close();

    // The current app opens it: migrations apply, the session restores, the agent syncs.
    const core = await createClientCore({ dataDir, syncIntervalMs: 600_000, pokes: false });
    try {
      const status = await core.syncNow();
      expect(status).toMatchObject({ online: true, pending: 0, rejected: 1, conflicts: 0, lastError: null });
      const migrated = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
      const applied = migrated.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get();
      migrated.close();
      const journal = JSON.parse(
        readFileSync(join(defaultMigrationsFolder(), 'meta', '_journal.json'), 'utf8'),
      ) as { entries: unknown[] };
      expect(applied).toBe(journal.entries.length);
      expect(journal.entries.length).toBeGreaterThan(1);

      await core.syncNow();
      expect(await server.query('SELECT content FROM follow_ups WHERE id = $1', [followUpId])).toEqual([
        { content: '升级前离线记下的拜访' },
      ]);
      const [after] = await server.query('SELECT level FROM customers WHERE id = $1', [customerId]);
      expect(after?.level).toBe(newLevel);
      const [client] = await server.query(
        'SELECT last_mutation_id::int AS n FROM sync_clients WHERE user_id = $1',
        [user.id],
      );
      expect(client?.n).toBe(3);
      const inbox = await core.handlers['inbox.list']({});
      expect(inbox).toMatchObject([{ kind: 'rejection', rowLabel: '旧版本被拒绝的客户' }]);
      const detail = await core.handlers['customers.get']({ id: customerId });
      expect(detail.followUps.find((f) => f.id === followUpId)).toMatchObject({ pending: false });
    } finally {
      await core.close();
    }
  });

  it('upgrades a synced protocol-2 device: a full pull brings the new tables, its outbox applies once', async () => {
    const login = await postJson<LoginResponse>(`${server.url}/auth/login`, {
      username: 'lina',
      password: 'tidepool123',
    });
    expect(login.status).toBe(200);
    const { user } = login.body;
    const dataDir = join(temp.dir, 'device-p2');
    writeSession(dataDir, {
      serverUrl: server.url,
      token: login.body.token,
      expiresAt: login.body.expiresAt,
      user,
    });
    const [customer] = await server.query(
      `SELECT id, address FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL
         AND kind = 'customer' ORDER BY id LIMIT 1`,
      [user.id],
    );
    const customerId = String(customer?.id);

    // The protocol-2 app: schema 0000–0001, a committed cursor, and three pending mutations as it wrote
    // them (a created customer whose recorded row has no kind, a follow-up without the protocol-3 ids, an
    // edit with its base).
    const file = userDatabaseFile(dataDir, user.id);
    const old = openClientDatabase(file, {
      migrationsFolder: migrationsUpTo(temp.dir, '0001_inbox_conflicts'),
    });
    const now = Date.now();
    const created = {
      id: newId(),
      name: '升级前离线新建的客户有限公司',
      shortName: null,
      creditCode: null,
      industry: null,
      region: null,
      address: null,
      phone: null,
      website: null,
      source: null,
      level: null,
    };
    const createdRow = {
      ...created,
      orgId: user.orgId,
      status: 'active',
      ownerId: user.id,
      poolState: 'private',
      claimedAt: now,
      lastFollowUpAt: null,
      lastDealAt: null,
      attrs: {},
      createdAt: now,
      updatedAt: now,
    };
    const followUp = {
      id: newId(),
      customerId,
      contactId: null,
      type: 'call',
      content: '协议2时离线记下的电话',
      outcome: null,
      occurredAt: now - 3_600_000,
      nextFollowUpAt: null,
    };
    const address = `升级测试路${now % 1000}号`;
    const insertOutbox = old.prepare(
      'INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    insertOutbox.run(
      1,
      'createCustomer',
      JSON.stringify(created),
      JSON.stringify([{ kind: 'insert', table: 'customers', row: createdRow }]),
      now,
    );
    insertOutbox.run(
      2,
      'logFollowUp',
      JSON.stringify(followUp),
      JSON.stringify([
        {
          kind: 'insert',
          table: 'followUps',
          row: { ...followUp, orgId: user.orgId, authorId: user.id, createdAt: now, updatedAt: now },
        },
      ]),
      now,
    );
    insertOutbox.run(
      3,
      'updateCustomer',
      JSON.stringify({ id: customerId, set: { address }, base: { address: customer?.address ?? null } }),
      JSON.stringify([
        { kind: 'update', table: 'customers', id: customerId, set: { address, updatedAt: now } },
      ]),
      now,
    );
    old.prepare(`INSERT INTO meta (key, value) VALUES ('cursor', ?)`).run('{"protocol2":"cursor"}');
    old.close();

    const core = await createClientCore({ dataDir, syncIntervalMs: 600_000, pokes: false });
    try {
      const status = await core.syncNow();
      expect(status).toMatchObject({ online: true, pending: 0, rejected: 0, conflicts: 0, lastError: null });
      expect(await server.query('SELECT kind FROM customers WHERE id = $1', [created.id])).toEqual([
        { kind: 'customer' },
      ]);
      expect(await server.query('SELECT content FROM follow_ups WHERE id = $1', [followUp.id])).toEqual([
        { content: followUp.content },
      ]);
      expect(await server.query('SELECT address FROM customers WHERE id = $1', [customerId])).toEqual([
        { address },
      ]);
      const [client] = await server.query(
        'SELECT last_mutation_id::int AS n FROM sync_clients WHERE user_id = $1',
        [user.id],
      );
      expect(client?.n).toBe(3);

      const detail = await core.handlers['customers.get']({ id: created.id });
      expect(detail.customer).toMatchObject({ kind: 'customer', name: created.name });
      expect(detail.customer.version).toBeGreaterThan(0);
      // The full pull brought what protocol 3 adds: the org's settings and the ownership history.
      const db = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
      try {
        expect(getRow(db, 'settings', user.orgId)).toMatchObject({ orgId: user.orgId });
        const [{ n: history } = { n: 0 }] = db
          .prepare('SELECT count(*) AS n FROM ownership_events')
          .all() as {
          n: number;
        }[];
        expect(history).toBeGreaterThan(0);
      } finally {
        db.close();
      }
      const found = await core.handlers['customers.list']({
        offset: 0,
        limit: 5,
        sort: { column: 'name', desc: false },
        query: '升级前离线',
      });
      expect(found.rows.map((r) => r.id)).toEqual([created.id]);
    } finally {
      await core.close();
    }
  });

  it('upgrades a synced protocol-3 device: a full pull brings the templates, its outbox applies once', async () => {
    const login = await postJson<LoginResponse>(`${server.url}/auth/login`, {
      username: 'zhangwei',
      password: 'tidepool123',
    });
    expect(login.status).toBe(200);
    const { user } = login.body;
    const dataDir = join(temp.dir, 'device-p3');
    writeSession(dataDir, {
      serverUrl: server.url,
      token: login.body.token,
      expiresAt: login.body.expiresAt,
      user,
    });
    const [customer] = await server.query(
      `SELECT id, website FROM customers WHERE owner_id = $1 AND pool_state = 'private' AND deleted_at IS NULL
         AND kind = 'customer' ORDER BY id DESC LIMIT 1`,
      [user.id],
    );
    const customerId = String(customer?.id);

    // The protocol-3 app: schema 0000–0002, a committed cursor, and two pending mutations as it wrote
    // them: a contact whose recorded row has neither `attrs` nor `templateVersionId`, and an edit.
    const file = userDatabaseFile(dataDir, user.id);
    const old = openClientDatabase(file, { migrationsFolder: migrationsUpTo(temp.dir, '0002_working_day') });
    const now = Date.now();
    const contact = {
      id: newId(),
      customerId,
      name: '升级前离线添加的联系人',
      title: null,
      phone: null,
      email: null,
      wechat: null,
      isPrimary: false,
    };
    const website = `https://p3-${now % 1000}.example.cn`;
    const insertOutbox = old.prepare(
      'INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    insertOutbox.run(
      1,
      'addContact',
      JSON.stringify(contact),
      JSON.stringify([
        {
          kind: 'insert',
          table: 'contacts',
          row: { ...contact, orgId: user.orgId, createdAt: now, updatedAt: now },
        },
      ]),
      now,
    );
    insertOutbox.run(
      2,
      'updateCustomer',
      JSON.stringify({ id: customerId, set: { website }, base: { website: customer?.website ?? null } }),
      JSON.stringify([
        { kind: 'update', table: 'customers', id: customerId, set: { website, updatedAt: now } },
      ]),
      now,
    );
    old.prepare(`INSERT INTO meta (key, value) VALUES ('cursor', ?)`).run('{"protocol3":"cursor"}');
    old.close();

    const core = await createClientCore({ dataDir, syncIntervalMs: 600_000, pokes: false });
    try {
      const status = await core.syncNow();
      expect(status).toMatchObject({ online: true, pending: 0, rejected: 0, conflicts: 0, lastError: null });
      expect(await server.query('SELECT name, attrs FROM contacts WHERE id = $1', [contact.id])).toEqual([
        { name: contact.name, attrs: {} },
      ]);
      expect(await server.query('SELECT website FROM customers WHERE id = $1', [customerId])).toEqual([
        { website },
      ]);
      const [client] = await server.query(
        'SELECT last_mutation_id::int AS n FROM sync_clients WHERE client_id = $1',
        [readClientId(file)],
      );
      expect(client?.n).toBe(2);

      // The full pull brought what protocol 4 adds: the catalog, the published versions, the values.
      const defs = await core.handlers['templates.definitions']({});
      expect(defs.catalog?.orgId).toBe(user.orgId);
      expect(defs.versions.length).toBeGreaterThan(0);
      const [held] = await server.query('SELECT attrs FROM customers WHERE id = $1', [customerId]);
      const detail = await core.handlers['customers.get']({ id: customerId });
      expect(detail.customer.attrs).toEqual(held?.attrs);
      // …and the attribute index follows the catalog's searchable fields: a filter answers at once.
      const size = (held?.attrs as { company_size?: string } | undefined)?.company_size;
      if (size) {
        const found = await core.handlers['customers.list']({
          offset: 0,
          limit: 500,
          sort: { column: 'name', desc: false },
          attrFilters: [{ field: 'company_size', op: 'in', values: [size] }],
        });
        expect(found.rows.map((r) => r.id)).toContain(customerId);
      }
    } finally {
      await core.close();
    }
  });
  it('upgrades a synced protocol-4 device: a full pull brings the pools and the pool columns, its outbox applies once', async () => {
    const login = await postJson<LoginResponse>(`${server.url}/auth/login`, {
      username: 'lina',
      password: 'tidepool123',
    });
    expect(login.status).toBe(200);
    const { user } = login.body;
    const dataDir = join(temp.dir, 'device-p4');
    writeSession(dataDir, {
      serverUrl: server.url,
      token: login.body.token,
      expiresAt: login.body.expiresAt,
      user,
    });
    const [held] = await server.query(
      `SELECT id, name, website FROM customers WHERE owner_id = $1 AND pool_state = 'private'
         AND deleted_at IS NULL AND kind = 'customer' ORDER BY id LIMIT 1`,
      [user.id],
    );
    const heldId = String(held?.id);
    // What protocol 5 added, as the server holds it for this customer: a manager's lock, a pool.
    const [somePool] = await server.query(
      `SELECT id FROM pools WHERE org_id = $1 AND kind = 'customer' ORDER BY id LIMIT 1`,
      [user.orgId],
    );
    await server.query(`UPDATE customers SET locked = true, pool_id = $2 WHERE id = $1`, [
      heldId,
      somePool?.id ?? null,
    ]);

    // The protocol-4 app: schema 0000–0003, a committed cursor, the customer as it held it (without the
    // pool columns), and two pending mutations as it wrote them: a capture whose recorded row has none of
    // the pool columns, and an edit.
    const file = userDatabaseFile(dataDir, user.id);
    const old = openClientDatabase(file, { migrationsFolder: migrationsUpTo(temp.dir, '0003_templates') });
    const now = Date.now();
    old
      .prepare(
        `INSERT INTO customers (id, org_id, name, status, owner_id, pool_state, kind, attrs, created_at, updated_at,
           version) VALUES (?, ?, ?, 'active', ?, 'private', 'customer', '{}', ?, ?, 1)`,
      )
      .run(heldId, user.orgId, String(held?.name), user.id, now, now);
    const created = {
      id: newId(),
      name: '协议4时离线新建的客户有限公司',
      shortName: null,
      creditCode: null,
      industry: null,
      region: null,
      address: null,
      phone: null,
      website: null,
      source: null,
      level: null,
    };
    const createdRow = {
      ...created,
      attrs: {},
      templateVersionId: null,
      orgId: user.orgId,
      status: 'active',
      ownerId: user.id,
      poolState: 'private',
      claimedAt: now,
      lastFollowUpAt: null,
      lastDealAt: null,
      kind: 'customer',
      leadStatus: null,
      convertedAt: null,
      createdAt: now,
      updatedAt: now,
    };
    const website = `https://p4-${now % 1000}.example.cn`;
    const insertOutbox = old.prepare(
      'INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    insertOutbox.run(
      1,
      'createCustomer',
      JSON.stringify(created),
      JSON.stringify([{ kind: 'insert', table: 'customers', row: createdRow }]),
      now,
    );
    insertOutbox.run(
      2,
      'updateCustomer',
      JSON.stringify({ id: heldId, set: { website }, base: { website: held?.website ?? null } }),
      JSON.stringify([{ kind: 'update', table: 'customers', id: heldId, set: { website, updatedAt: now } }]),
      now,
    );
    old.prepare(`INSERT INTO meta (key, value) VALUES ('cursor', '{"protocol4":"cursor"}')`).run();
    old.close();

    const core = await createClientCore({ dataDir, syncIntervalMs: 600_000, pokes: false });
    try {
      const status = await core.syncNow();
      expect(status).toMatchObject({ online: true, pending: 0, rejected: 0, conflicts: 0, lastError: null });
      expect(await server.query('SELECT kind, locked FROM customers WHERE id = $1', [created.id])).toEqual([
        { kind: 'customer', locked: false },
      ]);
      expect(await server.query('SELECT website FROM customers WHERE id = $1', [heldId])).toEqual([
        { website },
      ]);
      const [client] = await server.query(
        'SELECT last_mutation_id::int AS n FROM sync_clients WHERE client_id = $1',
        [readClientId(file)],
      );
      expect(client?.n).toBe(2);

      // The full pull brought what protocol 5 adds: the org's pools, and the pool columns of the
      // customers the device already held.
      const serverPools = await server.query('SELECT id FROM pools WHERE org_id = $1 ORDER BY id', [
        user.orgId,
      ]);
      expect(serverPools.length).toBeGreaterThan(0);
      const pools = await core.handlers['pools.list']({});
      expect(pools.map((p) => p.id).sort()).toEqual(serverPools.map((p) => String(p.id)).sort());
      const detail = await core.handlers['customers.get']({ id: heldId });
      expect(detail.customer).toMatchObject({ website, locked: true, poolId: somePool?.id ?? null });
      // Locked by a manager: no countdown.
      expect(detail.recycle).toBeNull();
      expect((await core.handlers['customers.get']({ id: created.id })).customer).toMatchObject({
        locked: false,
        poolId: null,
      });
      // A full round is no news: nothing arrived "into" the private sea.
      expect(await core.handlers['notices.list']({})).toEqual([]);
    } finally {
      await core.close();
    }
  });
});
