import type Database from 'better-sqlite3';
import { statement } from './statements';

/**
 * Keys of the device's bookkeeping table. `cursor` is the committed cursor (the device has everything up
 * to it); `pull_round` the JSON state of a paged pull under way (see sync/agent.ts), kept apart so an
 * interrupted round resumes from its last applied page without ever being mistaken for a finished one.
 * `local_index` is the version of the derived local data (db/localIndex.ts); `deferred_indexes` the
 * secondary indexes a full round dropped and will build again (db/bulkLoad.ts); `attr_index_fields` the
 * template fields the attribute index holds (db/attrIndex.ts).
 */
export type MetaKey =
  | 'client_id'
  | 'cursor'
  | 'last_sync_at'
  | 'user_id'
  | 'pull_round'
  | 'local_index'
  | 'deferred_indexes'
  | 'attr_index_fields';

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
