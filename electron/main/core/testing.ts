import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomerRow, RowOf, SyncedTable, UserRow } from '../../../shared/domain/rows';
import { SYNCED_TABLES } from '../../../shared/domain/rows';
import { newId } from '../../../shared/ids';
import { defaultMigrationsFolder, openClientDatabase, type ClientDatabase } from './db/open';
import { upsertRow } from './db/rows';

/** Test helpers for the client core: a fresh data directory and a migrated database in it. */

export function makeTempDir(prefix = 'tidepool-client-'): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export function openTestDatabase(dir: string, name = 'test.db'): ClientDatabase {
  return openClientDatabase(join(dir, name), { migrationsFolder: defaultMigrationsFolder() });
}

export const TEST_ORG_ID = '01900000-0000-7000-8000-000000000001';

export function testUser(overrides: Partial<UserRow> = {}): UserRow {
  return {
    id: newId(),
    orgId: TEST_ORG_ID,
    teamId: null,
    username: 'zhangwei',
    displayName: '张伟',
    role: 'rep',
    active: true,
    version: 1,
    ...overrides,
  };
}

export function testCustomer(overrides: Partial<CustomerRow> = {}): CustomerRow {
  return {
    id: newId(),
    orgId: TEST_ORG_ID,
    name: '上海浦东恒瑞精密机械有限公司',
    shortName: '恒瑞精密',
    creditCode: null,
    industry: '机械制造',
    region: '上海',
    address: null,
    phone: '13800138000',
    website: null,
    source: null,
    status: 'active',
    level: 'B',
    ownerId: null,
    poolState: 'private',
    claimedAt: 1_700_000_000_000,
    lastFollowUpAt: null,
    lastDealAt: null,
    kind: 'customer',
    leadStatus: null,
    convertedAt: null,
    attrs: {},
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    version: 1,
    ...overrides,
  };
}

/** Writes rows as a pull would (parents first, in the order of SYNCED_TABLES). */
export function seedRows(db: ClientDatabase, rows: { [T in SyncedTable]?: RowOf[T][] }): void {
  db.transaction(() => {
    for (const table of SYNCED_TABLES) {
      for (const row of (rows[table] ?? []) as RowOf[SyncedTable][]) upsertRow(db, table, row);
    }
  })();
}

/**
 * A copy of `drizzle/client` that stops after the migration `lastTag`: what an older app shipped, for
 * upgrade tests (a device database made by that app, then opened by this one).
 */
export function migrationsUpTo(dir: string, lastTag: string): string {
  const src = defaultMigrationsFolder();
  const out = join(dir, `migrations-${lastTag}`);
  mkdirSync(join(out, 'meta'), { recursive: true });
  const journal = JSON.parse(readFileSync(join(src, 'meta', '_journal.json'), 'utf8')) as {
    entries: { tag: string }[];
  };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  if (last < 0) throw new Error(`no migration ${lastTag}`);
  const entries = journal.entries.slice(0, last + 1);
  writeFileSync(join(out, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries }));
  for (const { tag } of entries) {
    copyFileSync(join(src, `${tag}.sql`), join(out, `${tag}.sql`));
    const snapshot = `${tag.slice(0, 4)}_snapshot.json`;
    copyFileSync(join(src, 'meta', snapshot), join(out, 'meta', snapshot));
  }
  return out;
}
