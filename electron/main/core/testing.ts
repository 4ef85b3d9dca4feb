import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CustomerRow, UserRow } from '../../../shared/domain/rows';
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
    attrs: {},
    createdAt: 1_700_000_000_000,
    updatedAt: 1_700_000_000_000,
    version: 1,
    ...overrides,
  };
}

/** Writes rows as a pull would. */
export function seedRows(db: ClientDatabase, rows: { users?: UserRow[]; customers?: CustomerRow[] }): void {
  db.transaction(() => {
    for (const u of rows.users ?? []) upsertRow(db, 'users', u);
    for (const c of rows.customers ?? []) upsertRow(db, 'customers', c);
  })();
}
