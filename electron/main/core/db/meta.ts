import type Database from 'better-sqlite3';
import { statement } from './statements';

/** Keys of the device's bookkeeping table. */
export type MetaKey = 'client_id' | 'cursor' | 'last_sync_at' | 'user_id';

export function getMeta(db: Database.Database, key: MetaKey): string | undefined {
  const row = statement(db, 'SELECT "value" FROM "meta" WHERE "key" = ?').get(key) as
    { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Database.Database, key: MetaKey, value: string): void {
  statement(
    db,
    'INSERT INTO "meta" ("key", "value") VALUES (?, ?) ON CONFLICT ("key") DO UPDATE SET "value" = excluded."value"',
  ).run(key, value);
}

export function deleteMeta(db: Database.Database, key: MetaKey): void {
  statement(db, 'DELETE FROM "meta" WHERE "key" = ?').run(key);
}
