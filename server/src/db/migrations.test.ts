import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../../shared/domain/settings';
import { uniqueKey } from '../../../shared/domain/uniqueness';
import { isValidPhone } from '../../../shared/domain/validators';
import { newId } from '../../../shared/ids';
import { openTestDatabase, type TestDatabase } from '../testing';
import { openServerDatabase, SERVER_MIGRATIONS_FOLDER, type ServerDb } from './database';

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
