import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, openTestDatabase, seedRows, testCustomer, testUser } from '../testing';
import { deferSecondaryIndexes, restoreSecondaryIndexes } from './bulkLoad';
import { listCustomers } from './customers';
import { getMeta } from './meta';
import type { ClientDatabase } from './open';

const indexes = (db: ClientDatabase) =>
  db
    .prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL ORDER BY name`)
    .all() as { name: string; sql: string }[];

describe('secondary indexes deferred during a full round (bulkLoad.ts)', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('drops them with their definitions saved, keeps the first definitions, and builds them again', () => {
    const db = openTestDatabase(temp.dir, 'a.db');
    try {
      const before = indexes(db);
      expect(before.map((i) => i.name)).toContain('follow_ups_author_idx');
      db.transaction(() => deferSecondaryIndexes(db))();
      const during = indexes(db).map((i) => i.name);
      expect(during).not.toContain('follow_ups_timeline_idx');
      expect(during).not.toContain('customers_name_key_idx');
      // The org-wide tables and the device's own bookkeeping keep theirs.
      expect(during).toContain('conflicts_mutation_field_idx');
      // A round that starts over defers again: the saved definitions stay the real ones.
      db.transaction(() => deferSecondaryIndexes(db))();
      // Queries still answer, only without the indexes.
      const rep = testUser();
      seedRows(db, { users: [rep], customers: [testCustomer({ ownerId: rep.id, name: '恒瑞精密' })] });
      expect(
        listCustomers(db, { offset: 0, limit: 5, sort: { column: 'name', desc: false }, query: '恒瑞' })
          .total,
      ).toBe(1);
      db.transaction(() => restoreSecondaryIndexes(db))();
      expect(indexes(db)).toEqual(before);
      expect(getMeta(db, 'deferred_indexes')).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('builds them at the next open when the app stopped mid-round', () => {
    const first = openTestDatabase(temp.dir, 'b.db');
    const before = indexes(first);
    first.transaction(() => deferSecondaryIndexes(first))();
    first.close();
    const again = openTestDatabase(temp.dir, 'b.db');
    try {
      expect(indexes(again)).toEqual(before);
      expect(getMeta(again, 'deferred_indexes')).toBeUndefined();
    } finally {
      again.close();
    }
  });
});
