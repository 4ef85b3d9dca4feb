import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { uniqueKey } from '../../../shared/domain/uniqueness';
import { isValidPhone } from '../../../shared/domain/validators';
import { newId } from '../../../shared/ids';
import { claimPolicySchema, poolRowSchema, recyclePolicySchema } from '../../../shared/pools';
import { encodeCursor, handlePull } from '../sync/pull';
import { openTestDatabase, type TestDatabase } from '../testing';
import { openServerDatabase, SERVER_MIGRATIONS_FOLDER, type ServerDb } from './database';
import { wireSelectList } from './wire';

/**
 * Migrations that transform data, each tested from the schema just before it (STYLE §5): the database is
 * migrated up to the previous migration, filled with rows of that shape, then migrated to the end as a
 * server starting on it would.
 */
const temp: string[] = [];
afterAll(() => {
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

/** A migrations folder holding the migrations before `tag` only (the journal cut there). */
function migrationsBefore(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'tidepool-migrations-'));
  temp.push(dir);
  cpSync(SERVER_MIGRATIONS_FOLDER, dir, { recursive: true });
  const journalPath = join(dir, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] };
  const index = journal.entries.findIndex((e) => e.tag === tag);
  if (index < 0) throw new Error(`no migration ${tag}`);
  journal.entries = journal.entries.slice(0, index);
  writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

/** Opens a database at the schema before `tag`, lets `fill` write to it, then migrates it to the end. */
async function migrateAcross(tag: string, fill: (db: ServerDb) => Promise<void>) {
  const before = migrationsBefore(tag);
  if (process.env.TIDEPOOL_TEST_DB === 'postgres') {
    const test = await openTestDatabase({ migrationsFolder: before });
    await fill(test.db);
    const db = await openServerDatabase({ databaseUrl: test.url });
    return {
      db,
      close: async () => {
        await db.close();
        await test.close();
      },
    };
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'tidepool-pglite-'));
  temp.push(dataDir);
  const old: TestDatabase = await openTestDatabase({ migrationsFolder: before, dataDir });
  await fill(old.db);
  await old.close();
  const db = await openServerDatabase({ dataDir });
  return { db, close: () => db.close() };
}

describe('0003_working_day', () => {
  const orgs = [newId(), newId()];
  const user = newId();
  // Phones as users typed them before phone uniqueness; the first two are the same number.
  const phones = [
    '021-68888888',
    '(021) 6888 8888',
    '+86 138 0013 8000',
    '8613900139000',
    '0512-6666 7777',
    '400-820-8820',
    '138\u30000013 8001',
  ];

  it('gives every org the default settings and keys phones, grandfathering shared ones', async () => {
    let customerIds: string[] = [];
    const { db, close } = await migrateAcross('0003_working_day', async (old) => {
      for (const [i, org] of orgs.entries()) {
        await old.query(`INSERT INTO orgs (id, name, version, created_at) VALUES ($1, $2, $3, 0)`, [
          org,
          `org ${i}`,
          40 + i,
        ]);
      }
      await old.query(
        `INSERT INTO users (id, org_id, username, display_name, role, password_hash, created_at, updated_at, version)
         VALUES ($1, $2, 'rep', '代表', 'rep', 'x', 0, 0, 1)`,
        [user, orgs[0]],
      );
      const insert = async (
        org: string,
        phone: string,
        createdAt: number,
        deletedAt: number | null = null,
      ) => {
        const id = newId(createdAt);
        await old.query(
          `INSERT INTO customers (id, org_id, name, name_norm, phone, status, owner_id, pool_state, attrs,
             created_at, updated_at, version, deleted_at)
           VALUES ($1, $2, $3, $3, $4, 'active', $5, $6, '{}', $7, $7, 1, $8)`,
          [
            id,
            org,
            `客户${createdAt}`,
            phone,
            org === orgs[0] ? user : null,
            org === orgs[0] ? 'private' : 'public',
            createdAt,
            deletedAt,
          ],
        );
        return id;
      };
      customerIds = [];
      for (const [i, phone] of phones.entries())
        customerIds.push(await insert(orgs[0] ?? '', phone, 1000 + i));
      customerIds.push(await insert(orgs[0] ?? '', '021 68888888', 5000, 6000)); // deleted
      customerIds.push(await insert(orgs[1] ?? '', '021-68888888', 7000)); // another org
      customerIds.push(await insert(orgs[0] ?? '', '', 8000)); // blank (never written by the app)
    });
    try {
      const settings = await db.query(
        `SELECT id, org_id, stages, follow_up_types, lost_reasons, follow_up_edit_window_hours AS hours,
           version::int AS version FROM settings ORDER BY version`,
      );
      expect(settings).toEqual(
        orgs.map((org, i) => ({
          id: org,
          org_id: org,
          stages: DEFAULT_SETTINGS.stages,
          follow_up_types: DEFAULT_SETTINGS.followUpTypes,
          lost_reasons: DEFAULT_SETTINGS.lostReasons,
          hours: DEFAULT_SETTINGS.followUpEditWindowHours,
          version: 40 + i,
        })),
      );

      const rows = new Map(
        (await db.query('SELECT id, phone, phone_norm, kind, lead_status, converted_at FROM customers')).map(
          (r) => [String(r.id), r],
        ),
      );
      // The SQL normalisation agrees with normalizePhone on every valid phone…
      for (const [i, phone] of phones.entries()) {
        expect(isValidPhone(phone)).toBe(true);
        const row = rows.get(customerIds[i] ?? '');
        expect(row?.kind).toBe('customer');
        expect(row?.lead_status).toBeNull();
        expect(row?.converted_at).toBeNull();
        // …except that the later holder of a shared phone keeps it without a key.
        expect(row?.phone_norm, phone).toBe(i === 1 ? null : uniqueKey('phone', phone));
      }
      expect(rows.get(customerIds[phones.length] ?? '')?.phone_norm).toBe('02168888888');
      expect(rows.get(customerIds[phones.length + 1] ?? '')?.phone_norm).toBe('02168888888');
      expect(rows.get(customerIds[phones.length + 2] ?? '')?.phone_norm).toBeNull();

      // The phone index now holds: a new customer with that number is refused; a lead is not.
      const add = (kind: string, phone: string) =>
        db.query(
          `INSERT INTO customers (id, org_id, name, name_norm, phone, phone_norm, status, owner_id, pool_state,
             attrs, created_at, updated_at, version, kind)
           VALUES ($1, $2, $3, $3, $4, $5, 'active', $6, 'private', '{}', 9000, 9000, 2, $7)`,
          [newId(), orgs[0], `新客户${kind}`, phone, uniqueKey('phone', phone), user, kind],
        );
      await expect(add('customer', '02168888888')).rejects.toThrow();
      await expect(add('lead', '02168888888')).resolves.toBeDefined();
      // Follow-up types are the org's list now: no database check on them.
      await db.query(
        `INSERT INTO follow_ups (id, org_id, customer_id, author_id, type, content, occurred_at, created_at,
           updated_at, version)
         VALUES ($1, $2, $3, $4, 'site_survey', '现场勘测', 1, 1, 1, 2)`,
        [newId(), orgs[0], customerIds[0], user],
      );
    } finally {
      await close();
    }
  });
});

describe('0004_templates', () => {
  const orgs = [newId(), newId()];
  const user = newId();
  const ids = { customer: newId(), contact: newId(), followUp: newId(), opportunity: newId() };

  it('gives every org an empty catalog and every record empty attributes; versions are immutable', async () => {
    const { db, close } = await migrateAcross('0004_templates', async (old) => {
      for (const [i, org] of orgs.entries()) {
        await old.query(`INSERT INTO orgs (id, name, version, created_at) VALUES ($1, $2, $3, 0)`, [
          org,
          `org ${i}`,
          70 + i,
        ]);
      }
      await old.query(
        `INSERT INTO users (id, org_id, username, display_name, role, password_hash, created_at, updated_at, version)
         VALUES ($1, $2, 'admin', '管理员', 'admin', 'x', 0, 0, 1)`,
        [user, orgs[0]],
      );
      await old.query(
        `INSERT INTO customers (id, org_id, name, name_norm, status, owner_id, pool_state, attrs, created_at,
           updated_at, version)
         VALUES ($1, $2, '旧客户有限公司', '旧客户', 'active', $3, 'private', '{"legacy": "kept"}', 1, 1, 1)`,
        [ids.customer, orgs[0], user],
      );
      await old.query(
        `INSERT INTO contacts (id, org_id, customer_id, name, created_at, updated_at, version)
         VALUES ($1, $2, $3, '王经理', 1, 1, 1)`,
        [ids.contact, orgs[0], ids.customer],
      );
      await old.query(
        `INSERT INTO follow_ups (id, org_id, customer_id, author_id, type, content, occurred_at, created_at,
           updated_at, version)
         VALUES ($1, $2, $3, $4, 'call', '电话回访', 1, 1, 1, 1)`,
        [ids.followUp, orgs[0], ids.customer, user],
      );
      await old.query(
        `INSERT INTO opportunities (id, org_id, customer_id, owner_id, name, amount_minor, currency, stage_key,
           status, created_at, updated_at, version)
         VALUES ($1, $2, $3, $4, '年度框架', 100, 'CNY', 'discovery', 'open', 1, 1, 1)`,
        [ids.opportunity, orgs[0], ids.customer, user],
      );
    });
    try {
      expect(
        await db.query(
          `SELECT id, org_id, option_lists, fields, version::int AS version FROM catalogs ORDER BY version`,
        ),
      ).toEqual(
        orgs.map((org, i) => ({ id: org, org_id: org, option_lists: [], fields: [], version: 70 + i })),
      );
      const records = await db.query(`
        SELECT 'customers' AS t, attrs, template_version_id FROM customers
        UNION ALL SELECT 'contacts', attrs, template_version_id FROM contacts
        UNION ALL SELECT 'follow_ups', attrs, template_version_id FROM follow_ups
        UNION ALL SELECT 'opportunities', attrs, template_version_id FROM opportunities ORDER BY t`);
      expect(records).toEqual([
        { t: 'contacts', attrs: {}, template_version_id: null },
        { t: 'customers', attrs: { legacy: 'kept' }, template_version_id: null },
        { t: 'follow_ups', attrs: {}, template_version_id: null },
        { t: 'opportunities', attrs: {}, template_version_id: null },
      ]);
      const [gin] = await db.query(
        `SELECT indexdef FROM pg_indexes WHERE indexname = 'customers_attrs_gin_idx'`,
      );
      expect(gin?.indexdef).toMatch(/USING gin \(attrs jsonb_path_ops\)/);

      // One default template per entity (a null category is one value), and versions never change.
      const template = newId();
      const addTemplate = (id: string) =>
        db.query(
          `INSERT INTO templates (id, org_id, entity, name_zh, name_en, layout, created_at, updated_at)
           VALUES ($1, $2, 'contact', '联系人', 'Contact', '{"sections":[]}', 1, 1)`,
          [id, orgs[0]],
        );
      await addTemplate(template);
      await expect(addTemplate(newId())).rejects.toThrow();
      const version = newId();
      await db.query(
        `INSERT INTO template_versions (id, org_id, template_id, entity, number, name_zh, name_en, sections,
           fields, published_at, published_by, created_at, updated_at, version)
         VALUES ($1, $2, $3, 'contact', 1, '联系人', 'Contact', '[]', '[]', 1, $4, 1, 1, 71)`,
        [version, orgs[0], template, user],
      );
      await expect(
        db.query(`UPDATE template_versions SET name_zh = '改' WHERE id = $1`, [version]),
      ).rejects.toThrow(/immutable/);
      await expect(db.query(`DELETE FROM template_versions WHERE id = $1`, [version])).rejects.toThrow(
        /immutable/,
      );
    } finally {
      await close();
    }
  });
});

describe('0005_pools', () => {
  const orgs = [newId(), newId()];
  const rep = newId();
  const ids = {
    released: newId(),
    recycledTwice: newId(),
    noHistory: newId(),
    privateOne: newId(),
    publicLead: newId(),
    otherOrg: newId(),
  };
  const DAY = 86_400_000;

  it('gives every org a default customer pool and lead pool that upgrading devices receive, and puts public customers in them', async () => {
    const { db, close } = await migrateAcross('0005_pools', async (old) => {
      for (const [i, org] of orgs.entries()) {
        await old.query(`INSERT INTO orgs (id, name, version, created_at) VALUES ($1, $2, $3, 0)`, [
          org,
          `org ${i}`,
          90 + i,
        ]);
      }
      await old.query(
        `INSERT INTO users (id, org_id, username, display_name, role, password_hash, created_at, updated_at, version)
         VALUES ($1, $2, 'rep', '代表', 'rep', 'x', 0, 0, 1)`,
        [rep, orgs[0]],
      );
      const customer = async (id: string, org: string, pool: string, kind = 'customer') =>
        old.query(
          `INSERT INTO customers (id, org_id, name, name_norm, status, owner_id, pool_state, kind, attrs,
             created_at, updated_at, version)
           VALUES ($1, $2, $3, $3, 'active', $4, $5, $6, '{}', 1, $7, 1)`,
          [id, org, `客户${id}`, pool === 'private' ? rep : null, pool, kind, 50 * DAY],
        );
      const move = async (customerId: string, from: string | null, toPool: string, at: number) =>
        old.query(
          `INSERT INTO ownership_history (id, org_id, customer_id, from_owner_id, to_owner_id, from_pool_state,
             to_pool_state, actor_type, actor_id, reason, at, version)
           VALUES ($1, $2, $3, $4, $5, $6, $7, 'user', $8, '搬迁', $9, 1)`,
          [
            newId(),
            orgs[0],
            customerId,
            from,
            toPool === 'private' ? rep : null,
            from === null ? 'public' : 'private',
            toPool,
            rep,
            at,
          ],
        );
      await customer(ids.released, orgs[0] ?? '', 'public');
      await move(ids.released, null, 'private', 10 * DAY);
      await move(ids.released, rep, 'public', 20 * DAY);
      // Released, claimed back, released again: the latest move into the public sea counts.
      await customer(ids.recycledTwice, orgs[0] ?? '', 'public');
      await move(ids.recycledTwice, rep, 'public', 5 * DAY);
      await move(ids.recycledTwice, null, 'private', 6 * DAY);
      await move(ids.recycledTwice, rep, 'public', 30 * DAY);
      await customer(ids.noHistory, orgs[0] ?? '', 'public');
      await customer(ids.privateOne, orgs[0] ?? '', 'private');
      await move(ids.privateOne, null, 'private', 10 * DAY);
      await customer(ids.publicLead, orgs[0] ?? '', 'public', 'lead');
      await customer(ids.otherOrg, orgs[1] ?? '', 'public');
    });
    try {
      const rows = await db.rows(
        sql`SELECT ${wireSelectList('pools', 'p')} FROM pools p ORDER BY p.version, p.kind`,
      );
      const pools = rows.map((r) => poolRowSchema.strict().parse(r));
      expect(
        pools.map((p) => [p.orgId, p.kind, p.nameZh, p.nameEn, p.isDefault, p.active, p.version]),
      ).toEqual(
        orgs.flatMap((org, i) => [
          [org, 'customer', '公海', 'Public sea', true, true, 90 + i],
          [org, 'lead', '线索池', 'Lead pool', true, true, 90 + i],
        ]),
      );
      for (const pool of pools) {
        // Nothing moves by itself, nobody is limited: the admin decides the rules.
        expect(pool.recycle).toEqual(recyclePolicySchema.parse({}));
        expect(pool.claim).toEqual(claimPolicySchema.parse({}));
        expect(pool).toMatchObject({ teamIds: [], adminIds: [], assign: 'previousOwnerThenLeastLoaded' });
      }
      const poolOf = (org: string | undefined, kind: string) =>
        pools.find((p) => p.orgId === org && p.kind === kind)?.id;

      const customers = new Map(
        (
          await db.query(`SELECT id, pool_id, entered_pool_at::float8 AS entered, previous_owner_id AS previous,
            locked, deregistered_at, version::int AS version FROM customers`)
        ).map((r) => [String(r.id), r]),
      );
      const backfilled = (id: string) => {
        const { pool_id, entered, previous } = customers.get(id) ?? {};
        return { pool_id, entered, previous };
      };
      expect(backfilled(ids.released)).toEqual({
        pool_id: poolOf(orgs[0], 'customer'),
        entered: 20 * DAY,
        previous: rep,
      });
      expect(backfilled(ids.recycledTwice)).toEqual({
        pool_id: poolOf(orgs[0], 'customer'),
        entered: 30 * DAY,
        previous: rep,
      });
      expect(backfilled(ids.noHistory)).toEqual({
        pool_id: poolOf(orgs[0], 'customer'),
        entered: 50 * DAY,
        previous: null,
      });
      expect(backfilled(ids.publicLead)).toEqual({
        pool_id: poolOf(orgs[0], 'lead'),
        entered: 50 * DAY,
        previous: null,
      });
      expect(backfilled(ids.otherOrg)).toEqual({
        pool_id: poolOf(orgs[1], 'customer'),
        entered: 50 * DAY,
        previous: null,
      });
      // A private customer returns to the pool of its owner's team (resolved when it moves).
      expect(backfilled(ids.privateOne)).toEqual({ pool_id: null, entered: null, previous: null });
      for (const c of customers.values()) {
        expect(c).toMatchObject({ locked: false, deregistered_at: null, version: 1 });
      }

      // A device synced to the org's version on protocol 4 upgrades to 5: its cursor is of another table
      // list, so it pulls everything again, pools included; a protocol-4 device hears of nothing new.
      const user = {
        id: rep,
        orgId: orgs[0] ?? '',
        teamId: null,
        username: 'rep',
        displayName: '代表',
        role: 'rep' as const,
      };
      const cursor = encodeCursor({ u: rep, v: 90, m: 0, l: 4 });
      const pull = (protocolVersion: number) =>
        handlePull(db, user, { protocolVersion, clientId: newId(), cursor });
      const upgraded = await pull(5);
      expect(upgraded.patch[0]).toEqual({ op: 'clear' });
      expect(
        upgraded.patch.flatMap((op) => (op.op === 'put' && op.table === 'pools' ? [op.row.id] : [])).sort(),
      ).toEqual([poolOf(orgs[0], 'customer'), poolOf(orgs[0], 'lead')].sort());
      expect((await pull(4)).patch).toEqual([]);
    } finally {
      await close();
    }
  });
});
