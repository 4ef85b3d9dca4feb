import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { newId } from '../../../../shared/ids';
import { makeTempDir, migrationsUpTo, testCustomer, testUser } from '../testing';
import { listCustomers } from './customers';
import { findLocalDuplicates } from './duplicates';
import { replayPendingMutations } from './effects';
import { getMeta } from './meta';
import { defaultMigrationsFolder, openClientDatabase } from './open';
import { allPendingMutations } from './outbox';
import { clearSyncedTables, getRow, listRowsBy, upsertRow } from './rows';

/**
 * Migration 0002_working_day (protocol 3) on a device that synced with protocol 2: new tables and
 * columns, the pull cursor forgotten (the next pull is a full one, which brings the new tables) while the
 * outbox and the inbox stay, and the local index (search, unique keys, counts) built from the rows it
 * already holds, so search and the duplicate check work offline before that pull.
 */
describe('migration 0002_working_day', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('keeps the outbox, forgets the cursor, and indexes the customers the device holds', () => {
    const file = join(temp.dir, 'protocol2.db');
    const old = openClientDatabase(file, {
      migrationsFolder: migrationsUpTo(temp.dir, '0001_inbox_conflicts'),
    });
    expect(old.prepare(`SELECT name FROM sqlite_master WHERE name = 'tasks'`).get()).toBeUndefined();
    const rep = testUser();
    old
      .prepare(
        `INSERT INTO users (id, org_id, team_id, username, display_name, role, active, version)
       VALUES (?, ?, NULL, ?, ?, 'rep', 1, 3)`,
      )
      .run(rep.id, rep.orgId, rep.username, rep.displayName);
    const held = testCustomer({
      name: '上海浦东恒瑞精密机械有限公司',
      phone: '13800138000',
      ownerId: rep.id,
    });
    const insertCustomer = old.prepare(
      `INSERT INTO customers (id, org_id, name, short_name, credit_code, industry, region, address, phone, website,
         source, status, level, owner_id, pool_state, claimed_at, last_follow_up_at, last_deal_at, attrs, created_at,
         updated_at, version)
       VALUES (@id, @orgId, @name, @shortName, NULL, NULL, NULL, NULL, @phone, NULL, NULL, 'active', NULL, @ownerId,
         'private', NULL, NULL, NULL, '{}', 1, 1, 7)`,
    );
    insertCustomer.run(held);
    // A customer created offline with protocol 2: its recorded insert has no kind (nor lead columns).
    const pendingId = newId();
    const {
      kind: _k,
      leadStatus: _l,
      convertedAt: _c,
      ...protocol2Row
    } = testCustomer({
      id: pendingId,
      name: '杭州新宇网络科技有限公司',
      shortName: '新宇',
      phone: null,
      ownerId: rep.id,
      version: 0,
    });
    insertCustomer.run(protocol2Row);
    const insertOutbox = old.prepare(
      'INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)',
    );
    insertOutbox.run(
      5,
      'createCustomer',
      JSON.stringify({ id: pendingId, name: protocol2Row.name }),
      JSON.stringify([{ kind: 'insert', table: 'customers', row: protocol2Row }]),
      1,
    );
    insertOutbox.run(
      6,
      'updateCustomer',
      JSON.stringify({ id: held.id, set: { level: 'A' }, base: { level: null } }),
      JSON.stringify([
        { kind: 'update', table: 'customers', id: held.id, set: { level: 'A', updatedAt: 2 } },
      ]),
      2,
    );
    old.prepare(`INSERT INTO meta (key, value) VALUES ('cursor', '{"v":42}'), ('pull_round', '{}')`).run();
    const clientId = getMeta(old, 'client_id');
    old.close();

    const db = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
    try {
      expect(getMeta(db, 'cursor')).toBeUndefined();
      expect(getMeta(db, 'pull_round')).toBeUndefined();
      expect(getMeta(db, 'client_id')).toBe(clientId);
      expect(allPendingMutations(db).map((m) => [m.seq, m.name])).toEqual([
        [5, 'createCustomer'],
        [6, 'updateCustomer'],
      ]);
      expect(getRow(db, 'customers', held.id)).toMatchObject({ kind: 'customer', leadStatus: null });
      const page = (query?: string) =>
        listCustomers(db, {
          offset: 0,
          limit: 10,
          sort: { column: 'name', desc: false },
          ...(query ? { query } : {}),
        });
      expect(page().total).toBe(2);
      expect(page('恒瑞').rows.map((r) => r.id)).toEqual([held.id]);
      expect(page('新宇').rows.map((r) => r.id)).toEqual([pendingId]);
      expect(findLocalDuplicates(db, { phone: '138 0013 8000' }, { userId: rep.id })).toMatchObject([
        { field: 'phone', holder: 'self', customerId: held.id },
      ]);

      // The full pull that follows starts with `clear` and replays the outbox over what it brings: the
      // protocol-2 insert gets the column defaults and is visible (and searchable) throughout.
      db.transaction(() => {
        clearSyncedTables(db);
        replayPendingMutations(db);
      })();
      expect(getRow(db, 'customers', pendingId)).toMatchObject({ kind: 'customer', version: 0 });
      expect(page().total).toBe(1);
      expect(page('新宇').rows.map((r) => r.id)).toEqual([pendingId]);
    } finally {
      db.close();
    }
  });
});

/**
 * Migration 0003_templates (protocol 4) on a device that synced with protocol 3: the template tables and
 * columns, the attribute index, the pull cursor forgotten (the next pull is a full one, which brings the
 * catalog and the published versions) while the outbox stays; a protocol-3 entry's recorded insert
 * (without `attrs` / `templateVersionId`) still replays after the round's `clear`.
 */
describe('migration 0003_templates', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('keeps the outbox, forgets the cursor, and replays a protocol-3 insert with the new defaults', () => {
    const file = join(temp.dir, 'protocol3.db');
    const old = openClientDatabase(file, { migrationsFolder: migrationsUpTo(temp.dir, '0002_working_day') });
    expect(old.prepare(`SELECT name FROM sqlite_master WHERE name = 'catalogs'`).get()).toBeUndefined();
    const rep = testUser();
    const held = testCustomer({ ownerId: rep.id, attrs: { size: 'large' } });
    const {
      templateVersionId: _t,
      poolId: _p,
      locked: _l,
      enteredPoolAt: _e,
      previousOwnerId: _o,
      deregisteredAt: _d,
      ...protocol3Customer
    } = held;
    old.transaction(() => {
      old
        .prepare(
          `INSERT INTO users (id, org_id, team_id, username, display_name, role, active, version)
           VALUES (?, ?, NULL, ?, ?, 'rep', 1, 3)`,
        )
        .run(rep.id, rep.orgId, rep.username, rep.displayName);
      const columns = Object.keys(protocol3Customer);
      const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
      old
        .prepare(
          `INSERT INTO customers (${columns.map(snake).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
        )
        .run({ ...protocol3Customer, attrs: JSON.stringify(held.attrs) });
    })();
    // A contact added offline with protocol 3: its recorded insert has neither attrs nor a version.
    const contactRow = {
      id: newId(),
      orgId: rep.orgId,
      customerId: held.id,
      name: '王强',
      title: null,
      phone: null,
      email: null,
      wechat: null,
      isPrimary: true,
      createdAt: 5,
      updatedAt: 5,
    };
    old
      .prepare('INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(
        8,
        'addContact',
        JSON.stringify({ id: contactRow.id, customerId: held.id, name: contactRow.name, isPrimary: true }),
        JSON.stringify([{ kind: 'insert', table: 'contacts', row: contactRow }]),
        5,
      );
    old
      .prepare(
        `INSERT INTO contacts (id, org_id, customer_id, name, is_primary, created_at, updated_at, version)
         VALUES (?, ?, ?, ?, 1, 5, 5, 0)`,
      )
      .run(contactRow.id, rep.orgId, held.id, contactRow.name);
    old.prepare(`INSERT INTO meta (key, value) VALUES ('cursor', '{"v":7}'), ('pull_round', '{}')`).run();
    old.close();

    const db = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
    try {
      expect(getMeta(db, 'cursor')).toBeUndefined();
      expect(getMeta(db, 'pull_round')).toBeUndefined();
      expect(allPendingMutations(db).map((m) => [m.seq, m.name])).toEqual([[8, 'addContact']]);
      expect(getRow(db, 'customers', held.id)).toMatchObject({
        attrs: { size: 'large' },
        templateVersionId: null,
      });
      expect(getRow(db, 'contacts', contactRow.id)).toMatchObject({ attrs: {}, templateVersionId: null });
      for (const table of ['catalogs', 'template_versions', 'customer_attr_index']) {
        expect(db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get()).toBe(0);
      }
      // The full pull that follows starts with `clear` and replays the outbox over what it brings.
      db.transaction(() => {
        clearSyncedTables(db);
        upsertRow(db, 'users', rep);
        upsertRow(db, 'customers', held);
        replayPendingMutations(db);
      })();
      expect(getRow(db, 'contacts', contactRow.id)).toMatchObject({
        name: '王强',
        attrs: {},
        templateVersionId: null,
        version: 0,
      });
    } finally {
      db.close();
    }
  });
});

/**
 * Migration 0004_pools (protocol 5) on a device that synced with protocol 4: the pools and notices tables,
 * the pool columns of customers and ownership history (defaults on the rows it holds), the pull cursor
 * forgotten (the next pull is a full one, which brings the pools and the new columns) while the outbox
 * stays; a protocol-4 entry's recorded insert (without `locked` and the other pool columns) still replays
 * after the round's `clear`.
 */
describe('migration 0004_pools', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('keeps the outbox, forgets the cursor, and replays a protocol-4 insert with the new defaults', () => {
    const file = join(temp.dir, 'protocol4.db');
    const old = openClientDatabase(file, { migrationsFolder: migrationsUpTo(temp.dir, '0003_templates') });
    expect(old.prepare(`SELECT name FROM sqlite_master WHERE name = 'pools'`).get()).toBeUndefined();
    const rep = testUser();
    const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const insert = (table: string, row: Record<string, unknown>) => {
      const columns = Object.keys(row);
      old
        .prepare(
          `INSERT INTO ${table} (${columns.map(snake).join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
        )
        .run(row);
    };
    const {
      poolId: _p,
      locked: _l,
      enteredPoolAt: _e,
      previousOwnerId: _o,
      deregisteredAt: _d,
      ...protocol4Customer
    } = testCustomer({ ownerId: rep.id });
    const held = { ...protocol4Customer, attrs: '{}' };
    // A customer captured offline with protocol 4: its recorded insert has none of the pool columns.
    const pending = { ...protocol4Customer, id: newId(), name: '苏州新锐光电有限公司', version: 0 };
    old.transaction(() => {
      old
        .prepare(
          `INSERT INTO users (id, org_id, team_id, username, display_name, role, active, version)
           VALUES (?, ?, NULL, ?, ?, 'rep', 1, 3)`,
        )
        .run(rep.id, rep.orgId, rep.username, rep.displayName);
      insert('customers', held);
      insert('customers', { ...pending, attrs: '{}' });
      insert('ownership_events', {
        id: newId(),
        orgId: rep.orgId,
        customerId: held.id,
        fromOwnerId: null,
        toOwnerId: rep.id,
        fromPoolState: null,
        toPoolState: 'private',
        actorType: 'user',
        actorId: rep.id,
        reason: null,
        at: 5,
        version: 2,
      });
      old
        .prepare('INSERT INTO outbox (seq, name, args, effects, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(
          4,
          'createCustomer',
          JSON.stringify({ id: pending.id, name: pending.name }),
          JSON.stringify([{ kind: 'insert', table: 'customers', row: pending }]),
          5,
        );
      old.prepare(`INSERT INTO meta (key, value) VALUES ('cursor', '{"l":4}'), ('pull_round', '{}')`).run();
    })();
    old.close();

    const db = openClientDatabase(file, { migrationsFolder: defaultMigrationsFolder() });
    try {
      expect(getMeta(db, 'cursor')).toBeUndefined();
      expect(getMeta(db, 'pull_round')).toBeUndefined();
      expect(allPendingMutations(db).map((m) => [m.seq, m.name])).toEqual([[4, 'createCustomer']]);
      expect(getRow(db, 'customers', held.id)).toMatchObject({
        poolId: null,
        locked: false,
        enteredPoolAt: null,
        previousOwnerId: null,
        deregisteredAt: null,
      });
      expect(listRowsBy(db, 'ownershipEvents', 'customerId', held.id, '"at"')).toMatchObject([
        { action: null, poolId: null, toOwnerId: rep.id },
      ]);
      for (const table of ['pools', 'notices']) {
        expect(db.prepare(`SELECT count(*) FROM "${table}"`).pluck().get()).toBe(0);
      }
      // The countdown's prefilter reads the anchor index, not the whole private sea.
      const plan = db
        .prepare(
          `EXPLAIN QUERY PLAN SELECT c."rowid" FROM "customers" c WHERE c."owner_id" = ?
             AND max(ifnull(c."claimed_at", 0), ifnull(c."last_follow_up_at", 0)) BETWEEN 1 AND ?`,
        )
        .all(rep.id, 10) as { detail: string }[];
      expect(plan.map((p) => p.detail).join(' ')).toContain('customers_recycle_anchor_idx');

      // The full pull that follows starts with `clear` and replays the outbox over what it brings.
      db.transaction(() => {
        clearSyncedTables(db);
        upsertRow(db, 'users', rep);
        replayPendingMutations(db);
      })();
      expect(getRow(db, 'customers', pending.id)).toMatchObject({
        name: '苏州新锐光电有限公司',
        locked: false,
        poolId: null,
        version: 0,
      });
    } finally {
      db.close();
    }
  });
});
