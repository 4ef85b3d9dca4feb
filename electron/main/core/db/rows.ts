import type Database from 'better-sqlite3';
import { getTableColumns, getTableName } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { RowOf, SyncedTable } from '../../../../shared/domain/rows';
import { AppError } from '../../../../shared/errors';
import { contacts, customers, followUps, users } from './schema';
import { statement } from './statements';

/**
 * Repository of the synced tables: wire rows (camelCase, booleans, JSON objects) in and out of their
 * SQLite form (snake_case, 0/1, JSON text). The column list and conversions come from the drizzle schema,
 * so adding a column there is the only change needed here.
 */

type Column = {
  key: string;
  name: string;
  /** Converts a wire value to what better-sqlite3 binds (null stays null: drizzle's JSON mode would write "null"). */
  toDb: (value: unknown) => unknown;
  fromDb: ((value: unknown) => unknown) | null;
};

type TableInfo = {
  name: string;
  columns: Column[];
  byKey: Map<string, Column>;
  /** `SELECT "short_name" AS "shortName", …`: rows come out with wire keys. */
  selectList: string;
  /** Columns that need a conversion when read (booleans, JSON). */
  converted: Column[];
};

const syncedTables: Record<SyncedTable, SQLiteTable> = { users, customers, contacts, followUps };

function describe(table: SQLiteTable): TableInfo {
  const columns = Object.entries(getTableColumns(table)).map(([key, col]): Column => {
    const c = col as SQLiteColumn;
    const needsConversion = c.columnType === 'SQLiteBoolean' || c.columnType === 'SQLiteTextJson';
    return {
      key,
      name: c.name,
      toDb: needsConversion
        ? (v) => (v === null || v === undefined ? null : c.mapToDriverValue(v))
        : (v) => v ?? null,
      fromDb: needsConversion ? (v) => (v === null ? null : c.mapFromDriverValue(v)) : null,
    };
  });
  return {
    name: getTableName(table),
    columns,
    byKey: new Map(columns.map((c) => [c.key, c])),
    selectList: columns.map((c) => `"${c.name}" AS "${c.key}"`).join(', '),
    converted: columns.filter((c) => c.fromDb !== null),
  };
}

const infos = Object.fromEntries(
  Object.entries(syncedTables).map(([wire, table]) => [wire, describe(table)]),
) as Record<SyncedTable, TableInfo>;

/** The SQLite table name of a synced table (`followUps` → `follow_ups`). */
export function sqlTableName(table: SyncedTable): string {
  return infos[table].name;
}

/** The SQLite column of a wire key, or undefined when the table has no such column. */
export function sqlColumnName(table: SyncedTable, key: string): string | undefined {
  return infos[table].byKey.get(key)?.name;
}

/** Turns a row read with wire aliases into its wire form (booleans, JSON). */
export function fromDbRow<T extends SyncedTable>(table: T, raw: Record<string, unknown>): RowOf[T] {
  for (const c of infos[table].converted) raw[c.key] = c.fromDb?.(raw[c.key]) ?? null;
  return raw as RowOf[T];
}

function upsertSql(info: TableInfo, keepVersion: boolean): string {
  const names = info.columns.map((c) => `"${c.name}"`);
  const updates = info.columns
    .filter((c) => c.key !== 'id' && !(keepVersion && c.key === 'version'))
    .map((c) => `"${c.name}" = excluded."${c.name}"`);
  return `INSERT INTO "${info.name}" (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
    ON CONFLICT ("id") DO UPDATE SET ${updates.join(', ')}`;
}

/** The SQL of each table's writes, built once: the statement cache is keyed by it. */
const writeSql = Object.fromEntries(
  Object.entries(infos).map(([wire, info]) => {
    const names = info.columns.map((c) => `"${c.name}"`);
    return [
      wire,
      {
        upsert: upsertSql(info, false),
        upsertKeepVersion: upsertSql(info, true),
        insert: `INSERT INTO "${info.name}" (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`,
      },
    ];
  }),
) as Record<SyncedTable, { upsert: string; upsertKeepVersion: string; insert: string }>;

function bindValues(info: TableInfo, row: Record<string, unknown>): unknown[] {
  const { columns } = info;
  const values = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i]!;
    values[i] = c.toDb(row[c.key]);
  }
  return values;
}

/**
 * Writes a whole row, inserting or overwriting it. Never `INSERT OR REPLACE`: a replace deletes first,
 * which would cascade to the customer's contacts and follow-ups.
 * `keepVersion`: an optimistic write (a mutation's insert, replayed) must not lower a version the
 * server already gave the row.
 */
export function upsertRow<T extends SyncedTable>(
  db: Database.Database,
  table: T,
  row: RowOf[T],
  opts: { keepVersion?: boolean } = {},
): void {
  const sql = writeSql[table];
  statement(db, opts.keepVersion ? sql.upsertKeepVersion : sql.upsert).run(
    bindValues(infos[table], row as Record<string, unknown>),
  );
}

/**
 * Writes a row expected to be new (a full pull after its `clear`): a plain INSERT, cheaper than the
 * upsert's conflict clause. A row that exists after all — pending work replayed between two pages, or
 * acknowledged since — is overwritten as `upsertRow` would, so the result is the same either way.
 */
export function insertRow<T extends SyncedTable>(db: Database.Database, table: T, row: RowOf[T]): void {
  const values = bindValues(infos[table], row as Record<string, unknown>);
  try {
    statement(db, writeSql[table].insert).run(values);
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
    statement(db, writeSql[table].upsert).run(values);
  }
}

/** Applies a partial change to one row; unknown keys are refused rather than silently dropped. */
export function updateRow(
  db: Database.Database,
  table: SyncedTable,
  id: string,
  set: Record<string, unknown>,
): void {
  const info = infos[table];
  const cols: Column[] = [];
  for (const key of Object.keys(set)) {
    const col = info.byKey.get(key);
    if (!col || key === 'id')
      throw new AppError('bad_request', `${table}.${key}: not a column that can be set`);
    cols.push(col);
  }
  if (cols.length === 0) return;
  const sql = `UPDATE "${info.name}" SET ${cols.map((c) => `"${c.name}" = ?`).join(', ')} WHERE "id" = ?`;
  statement(db, sql).run([...cols.map((c) => c.toDb(set[c.key])), id]);
}

/** Deletes one row (a customer's contacts and follow-ups go with it through the foreign keys). */
export function deleteRow(db: Database.Database, table: SyncedTable, id: string): void {
  statement(db, `DELETE FROM "${infos[table].name}" WHERE "id" = ?`).run(id);
}

/** One row in wire form, or undefined. */
export function getRow<T extends SyncedTable>(
  db: Database.Database,
  table: T,
  id: string,
): RowOf[T] | undefined {
  const info = infos[table];
  const raw = statement(db, `SELECT ${info.selectList} FROM "${info.name}" WHERE "id" = ?`).get(id) as
    Record<string, unknown> | undefined;
  return raw ? fromDbRow(table, raw) : undefined;
}

/** Rows of `table` whose `column` equals `value`, in wire form, ordered by `orderBy` (trusted SQL). */
export function listRowsBy<T extends SyncedTable>(
  db: Database.Database,
  table: T,
  key: keyof RowOf[T] & string,
  value: string,
  orderBy: string,
): RowOf[T][] {
  const info = infos[table];
  const col = info.byKey.get(key);
  if (!col) throw new AppError('bad_request', `${table}.${key}: no such column`);
  const raw = statement(
    db,
    `SELECT ${info.selectList} FROM "${info.name}" WHERE "${col.name}" = ? ORDER BY ${orderBy}`,
  ).all(value) as Record<string, unknown>[];
  return raw.map((r) => fromDbRow(table, r));
}

/** Empties every synced table, children first (a pull's `clear`: the server is about to send everything). */
export function clearSyncedTables(db: Database.Database): void {
  for (const table of ['followUps', 'contacts', 'customers', 'users'] as const) {
    statement(db, `DELETE FROM "${infos[table].name}"`).run();
  }
}
