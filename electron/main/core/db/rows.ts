import type Database from 'better-sqlite3';
import { getTableColumns, getTableName, is, SQL } from 'drizzle-orm';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import {
  SYNCED_TABLES,
  type CustomerKind,
  type RowOf,
  type SyncedTable,
} from '../../../../shared/domain/rows';
import { uniqueKey } from '../../../../shared/domain/uniqueness';
import { AppError } from '../../../../shared/errors';
import {
  clearAttrIndex,
  customerRowChanged,
  indexedAttrFields,
  replaceCustomerAttrs,
  storedRowAttrs,
  syncAttrIndexFields,
  type RowAttrs,
} from './attrIndex';
import { clearCustomerSearch, indexCustomer, reindexCustomer, unindexCustomer } from './localIndex';
import {
  catalogs,
  contacts,
  customers,
  followUps,
  opportunities,
  ownershipEvents,
  pools,
  settings,
  stageChanges,
  tasks,
  templateVersions,
  users,
} from './schema';
import { statement } from './statements';

/**
 * Repository of the synced tables: wire rows (camelCase, booleans, JSON objects) in and out of their
 * SQLite form (snake_case, 0/1, JSON text). The column list and conversions come from the drizzle schema,
 * so adding a column there is the only change needed here. A table may also have local columns derived
 * from its wire columns (the customers' unique keys): written with every row, never read out as wire.
 */

type Column = {
  key: string;
  name: string;
  /** Converts a wire value to what better-sqlite3 binds (null stays null: drizzle's JSON mode would write "null"). */
  toDb: (value: unknown) => unknown;
  fromDb: ((value: unknown) => unknown) | null;
  /** A local column: its value is derived from the wire column `source` (never sent, never read as wire). */
  derived: { source: string; derive: (value: unknown) => unknown } | null;
};

type TableInfo = {
  name: string;
  columns: Column[];
  byKey: Map<string, Column>;
  /** Local columns, by the wire key they derive from. */
  derivedBySource: Map<string, Column[]>;
  /** `SELECT "short_name" AS "shortName", …`: rows come out with wire keys (local columns left out). */
  selectList: string;
  /** Columns that need a conversion when read (booleans, JSON). */
  converted: Column[];
};

const syncedTables: Record<SyncedTable, SQLiteTable> = {
  users,
  settings,
  catalogs,
  templateVersions,
  pools,
  customers,
  contacts,
  followUps,
  opportunities,
  stageChanges,
  tasks,
  ownershipEvents,
};

/** Local columns: table → column key → the wire key it derives from and how (db/localIndex.ts). */
const DERIVED: Partial<Record<SyncedTable, Record<string, Column['derived']>>> = {
  customers: {
    nameKey: { source: 'name', derive: (v) => uniqueKey('name', v as string | null) },
    creditKey: { source: 'creditCode', derive: (v) => uniqueKey('creditCode', v as string | null) },
    phoneKey: { source: 'phone', derive: (v) => uniqueKey('phone', v as string | null) },
  },
};

/** A literal column default (not SQL), bound for a key the row lacks. */
function literalDefault(c: SQLiteColumn): unknown {
  const d: unknown = c.default;
  return c.hasDefault && (typeof d === 'string' || typeof d === 'number') ? d : undefined;
}

/** A boolean column's default (`locked`: false), as 0/1, bound for a key the row lacks. */
function booleanDefault(c: SQLiteColumn): unknown {
  const d: unknown = c.default;
  return c.hasDefault && typeof d === 'boolean' ? c.mapToDriverValue(d) : null;
}

/** A JSON column's default value (`attrs`: `{}`), as text, bound for a key the row lacks. */
function jsonDefault(c: SQLiteColumn): unknown {
  const d: unknown = c.default;
  return c.hasDefault && d !== undefined && d !== null && !is(d, SQL) ? c.mapToDriverValue(d) : null;
}

function describe(wire: SyncedTable, table: SQLiteTable): TableInfo {
  const columns = Object.entries(getTableColumns(table)).map(([key, col]): Column => {
    const c = col as SQLiteColumn;
    const needsConversion = c.columnType === 'SQLiteBoolean' || c.columnType === 'SQLiteTextJson';
    // A row recorded before a column existed (a protocol-2 outbox entry's insert, replayed after the
    // upgrade; a protocol-3 contact without `attrs`; a protocol-4 customer without `locked`) gets the
    // column's default rather than a NULL its NOT NULL constraint would refuse.
    const fallback = literalDefault(c) ?? null;
    const convertedFallback =
      c.columnType === 'SQLiteTextJson'
        ? jsonDefault(c)
        : c.columnType === 'SQLiteBoolean'
          ? booleanDefault(c)
          : null;
    return {
      key,
      name: c.name,
      toDb: needsConversion
        ? (v) => (v === undefined ? convertedFallback : v === null ? null : c.mapToDriverValue(v))
        : (v) => (v === undefined ? fallback : v),
      fromDb: needsConversion ? (v) => (v === null ? null : c.mapFromDriverValue(v)) : null,
      derived: DERIVED[wire]?.[key] ?? null,
    };
  });
  const wireColumns = columns.filter((c) => c.derived === null);
  const derivedBySource = new Map<string, Column[]>();
  for (const c of columns) {
    if (!c.derived) continue;
    derivedBySource.set(c.derived.source, [...(derivedBySource.get(c.derived.source) ?? []), c]);
  }
  return {
    name: getTableName(table),
    columns,
    byKey: new Map(wireColumns.map((c) => [c.key, c])),
    derivedBySource,
    selectList: wireColumns.map((c) => `"${c.name}" AS "${c.key}"`).join(', '),
    converted: wireColumns.filter((c) => c.fromDb !== null),
  };
}

const infos = Object.fromEntries(
  SYNCED_TABLES.map((wire) => [wire, describe(wire, syncedTables[wire])]),
) as Record<SyncedTable, TableInfo>;

/** The SQLite table name of a synced table (`followUps` → `follow_ups`). */
export function sqlTableName(table: SyncedTable): string {
  return infos[table].name;
}

/** The SQLite column of a wire key, or undefined when the table has no such column. */
export function sqlColumnName(table: SyncedTable, key: string): string | undefined {
  return infos[table].byKey.get(key)?.name;
}

/**
 * `a."short_name" AS "shortName", …` for every wire column of `table` read through the alias `a`: a
 * joined query's rows then come out with wire keys for `fromDbRow`.
 */
export function selectListOf(table: SyncedTable, alias: string): string {
  return [...infos[table].byKey.values()].map((c) => `${alias}."${c.name}" AS "${c.key}"`).join(', ');
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
  // The rowid (kept by DO UPDATE) keys the customers' search document.
  return `INSERT INTO "${info.name}" (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})
    ON CONFLICT ("id") DO UPDATE SET ${updates.join(', ')} RETURNING "rowid" AS "rowid"`;
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
    values[i] = c.derived ? c.derived.derive(row[c.derived.source] ?? null) : c.toDb(row[c.key]);
  }
  return values;
}

/**
 * Keeps the local derived data of a written row in step: a customers row's search document and attribute
 * index entries (the other local data is in its columns), and the log the in-memory attribute columns
 * catch up from (db/attrColumns.ts); a catalog decides which attributes are indexed.
 * `fresh`: the row was inserted under a new rowid (see indexCustomer); `before`: the attribute index's
 * view of the row before the write (storedRowAttrs), whose entries go.
 */
function afterWrite(
  db: Database.Database,
  table: SyncedTable,
  rowid: number | bigint,
  row: unknown,
  fresh: boolean,
  before: RowAttrs | undefined,
): void {
  if (table === 'catalogs') {
    syncAttrIndexFields(db);
    return;
  }
  if (table !== 'customers') return;
  const r = row as RowOf['customers'];
  // A protocol-2 row replayed from the outbox has no kind: the column default applies, and so here.
  const kind = r.kind ?? 'customer';
  indexCustomer(db, rowid, { name: r.name, shortName: r.shortName, phone: r.phone, kind }, { fresh });
  replaceCustomerAttrs(db, before, { rowid, kind, attrs: r.attrs });
  customerRowChanged(db, rowid);
}

/** The attribute index's view of a customers row about to be overwritten (nothing for other tables). */
function beforeWrite(db: Database.Database, table: SyncedTable, id: string): RowAttrs | undefined {
  return table === 'customers' ? storedRowAttrs(db, id) : undefined;
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
  const before = beforeWrite(db, table, row.id);
  const { rowid } = statement(db, opts.keepVersion ? sql.upsertKeepVersion : sql.upsert).get(
    bindValues(infos[table], row as Record<string, unknown>),
  ) as { rowid: number };
  afterWrite(db, table, rowid, row, false, before);
}

/**
 * Writes a row expected to be new (a full pull after its `clear`): a plain INSERT, cheaper than the
 * upsert's conflict clause. A row that exists after all — pending work replayed between two pages, or
 * acknowledged since — is overwritten as `upsertRow` would, so the result is the same either way.
 */
export function insertRow<T extends SyncedTable>(db: Database.Database, table: T, row: RowOf[T]): void {
  const values = bindValues(infos[table], row as Record<string, unknown>);
  let rowid: number | bigint;
  let fresh = true;
  let before: RowAttrs | undefined;
  try {
    rowid = statement(db, writeSql[table].insert).run(values).lastInsertRowid;
  } catch (err) {
    if ((err as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_PRIMARYKEY') throw err;
    before = beforeWrite(db, table, row.id);
    rowid = (statement(db, writeSql[table].upsert).get(values) as { rowid: number }).rowid;
    fresh = false;
  }
  afterWrite(db, table, rowid, row, fresh, before);
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
  const values: unknown[] = [];
  for (const key of Object.keys(set)) {
    const col = info.byKey.get(key);
    if (!col || key === 'id')
      throw new AppError('bad_request', `${table}.${key}: not a column that can be set`);
    cols.push(col);
    values.push(col.toDb(set[key]));
    for (const d of info.derivedBySource.get(key) ?? []) {
      cols.push(d);
      values.push(d.derived?.derive(set[key] ?? null) ?? null);
    }
  }
  if (cols.length === 0) return;
  const attrsChange = table === 'customers' && (Object.hasOwn(set, 'attrs') || Object.hasOwn(set, 'kind'));
  const searched = table === 'customers' && SEARCHED.some((k) => Object.hasOwn(set, k));
  const before = attrsChange ? storedRowAttrs(db, id) : undefined;
  const sql = `UPDATE "${info.name}" SET ${cols.map((c) => `"${c.name}" = ?`).join(', ')} WHERE "id" = ?`;
  if (attrsChange || searched) {
    // The attribute columns (db/attrColumns.ts) mirror a customer's kind, attributes and search text.
    const updated = statement(db, `${sql} RETURNING "rowid" AS "rowid"`).get([...values, id]) as
      { rowid: number } | undefined;
    if (updated) customerRowChanged(db, updated.rowid);
  } else {
    statement(db, sql).run([...values, id]);
  }
  if (searched) reindexCustomer(db, id);
  if (before) replaceCustomerAttrs(db, before, storedRowAttrs(db, id));
  if (table === 'catalogs') syncAttrIndexFields(db);
}

/** Customer fields the search document is made of. */
const SEARCHED = ['name', 'shortName', 'phone', 'kind'];

/** Deletes one row (a customer's contacts, follow-ups, … go with it through the foreign keys). */
export function deleteRow(db: Database.Database, table: SyncedTable, id: string): void {
  if (table !== 'customers') {
    statement(db, `DELETE FROM "${infos[table].name}" WHERE "id" = ?`).run(id);
    if (table === 'catalogs') syncAttrIndexFields(db);
    return;
  }
  const gone = statement(
    db,
    'DELETE FROM "customers" WHERE "id" = ? RETURNING "rowid" AS "rowid", "kind", "attrs"',
  ).get(id) as { rowid: number; kind: CustomerKind; attrs: string } | undefined;
  if (gone) {
    customerRowChanged(db, gone.rowid);
    unindexCustomer(db, gone.rowid);
    if (indexedAttrFields(db).size > 0) {
      replaceCustomerAttrs(db, { ...gone, attrs: JSON.parse(gone.attrs) as unknown }, undefined);
    }
  }
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

/**
 * Empties every synced table, children first (a pull's `clear`: the server is about to send everything).
 * The attribute index keeps its choice of fields (the catalog about to arrive usually has the same), so
 * the customers of the round are indexed as they come.
 */
export function clearSyncedTables(db: Database.Database): void {
  for (const table of [...SYNCED_TABLES].reverse()) {
    statement(db, `DELETE FROM "${infos[table].name}"`).run();
  }
  clearCustomerSearch(db);
  clearAttrIndex(db);
}
