import type Database from 'better-sqlite3';
import { SYNCED_TABLES } from '../../../../shared/domain/rows';
import { deleteMeta, getMeta, setMeta } from './meta';
import { sqlTableName } from './rows';

/**
 * Secondary indexes are built once, after a full round, instead of row by row during it.
 *
 * A first sync inserts 650k+ rows in the order the server pages them (by customer), so every secondary
 * index — the timeline, the feed's (created_at, id) and (author_id, created_at, id), the customers' sort
 * and key indexes — is written at random positions, and once the indexes outgrow SQLite's page cache each
 * page of 5,000 rows dirties and rewrites thousands of index pages. Measured on the bench book: 38 s to
 * apply the 141 pages with the indexes in place, 18 s dropping them at the round's start and building
 * them (a sort each) with its last page, 14 s with a larger page cache as well.
 *
 * Crash safety: the indexes are dropped in the transaction of the round's first page (the one that starts
 * with `clear`), their definitions saved in `meta.deferred_indexes` in the same transaction; they are
 * built again in the transaction of the round's last page, and at every open before migrations run (a
 * round cut short by a restart then continues with the indexes in place, slower but never without them
 * for long, and migrations always see the schema they expect). Queries are correct without them, only
 * slower; nothing but the device's own screens reads during a first sync.
 */

/** Tables whose secondary indexes a full round defers: the customers and their children. */
const DEFERRED_TABLES = SYNCED_TABLES.filter((t) => t !== 'users' && t !== 'settings').map(sqlTableName);

type SavedIndex = { name: string; sql: string };

/** Drops the secondary indexes of the synced customer tables, saving their definitions (idempotent). */
export function deferSecondaryIndexes(db: Database.Database): void {
  // Already deferred (a round that started over): the saved definitions are the real ones, keep them.
  if (getMeta(db, 'deferred_indexes') !== undefined) return;
  const indexes = db
    .prepare(
      `SELECT "name", "sql" FROM "sqlite_master"
        WHERE "type" = 'index' AND "sql" IS NOT NULL
          AND "tbl_name" IN (${DEFERRED_TABLES.map(() => '?').join(', ')})`,
    )
    .all(...DEFERRED_TABLES) as SavedIndex[];
  setMeta(db, 'deferred_indexes', JSON.stringify(indexes));
  for (const { name } of indexes) db.prepare(`DROP INDEX "${name.replace(/"/g, '""')}"`).run();
}

/** Builds the deferred indexes again (each by one sort of its table), if any. */
export function restoreSecondaryIndexes(db: Database.Database): void {
  const raw = getMeta(db, 'deferred_indexes');
  if (raw === undefined) return;
  const exists = db.prepare(`SELECT 1 FROM "sqlite_master" WHERE "type" = 'index' AND "name" = ?`);
  for (const { name, sql } of JSON.parse(raw) as SavedIndex[]) {
    if (!exists.get(name)) db.prepare(sql).run();
  }
  deleteMeta(db, 'deferred_indexes');
}
