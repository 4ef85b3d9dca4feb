import type Database from 'better-sqlite3';
import type { CustomerKind } from '../../../../shared/domain/rows';
import { matchesAttrFilter, type AttrFilter } from '../../../../shared/templates/filter';
import { TEXT_FIELD_TYPES, type FieldDef } from '../../../../shared/templates/schema';
import { getMeta, setMeta } from './meta';
import { statement } from './statements';

/**
 * The attribute index of the customers table (docs/templates.md "Storage that searches → device"): one
 * entry per (indexed field, customers row, value), in a WITHOUT ROWID table keyed by
 * (field, kind, v, customer), so one field's values are one range of one b-tree, whatever their type and
 * whether the field holds one value or a list. The customer list's template filters are answered from
 * an in-memory mirror of it (db/attrColumns.ts), which reads a field's range once and then follows the
 * writes; the duplicate check at capture looks a value up here (db/duplicates.ts).
 *
 * Which fields: those of the org's catalog marked `searchable` (the designer's "offered as a filter and
 * a column") or `unique` (the duplicate check at capture looks values up), whether active or not. The
 * set is kept in `meta.attr_index_fields` (key → small integer id, the `field` column, and whether the
 * field is of a text type) and follows the catalog: a catalog write that changes it drops those fields'
 * entries or indexes every customer for the new ones, in the same transaction. A filter on a field the
 * index does not hold is still answered exactly, row by row (`tp_attrs_match`), only slower.
 *
 * The value column `v` has no affinity and holds an encoding whose SQLite order and equality are exactly
 * those of `matchesAttrFilter` (shared/templates/filter.ts), the reference every answer is checked
 * against (attrFilter.property.test.ts):
 * - a number: itself (REAL). Numbers sort below every BLOB, so a number range cannot meet another type;
 * - a boolean: the BLOB x'00' or x'01';
 * - a string: x'02' followed by its UTF-16 code units, big-endian. SQLite compares BLOBs with memcmp, which
 *   on these bytes is JavaScript's code-unit order (`<` on strings) — plain TEXT would compare UTF-8
 *   bytes, which disagrees with JavaScript between astral characters and U+E000–U+FFFF;
 * - "has a value the filters cannot compare" (an object, a list of non-scalars): the empty BLOB x''.
 *
 * `role` says what the entry stands for: the field's own value (0), one element of a list (1: `in`
 * matches it, a range or `contains` does not), a blank string (2: `in` may list it, yet the field counts
 * as empty), the marker above (3). `lc`, for text fields only, is the string lower-cased by JavaScript's
 * `toLowerCase` (what `contains` compared when filters were answered in SQL; nothing reads it since the
 * in-memory columns answer them — a migration may drop it). `kind` is the row's kind
 * (0 customer, 1 lead: an integer costs no byte in SQLite's record format).
 *
 * Entries are keyed by the customers row's rowid, which an upsert keeps (as the search index's are), and
 * written with the row by every write path (db/rows.ts): pull puts and deletes, mutation effects and
 * their replays, bulk loads, clears. An entry is found again from the row's stored attributes, so the
 * table needs no second index to forget a row (measured: that index was 40 % of the table's size).
 */

const ROLE_VALUE = 0;
const ROLE_ELEMENT = 1;
const ROLE_BLANK = 2;
const ROLE_PRESENT = 3;

const TAG_FALSE = 0x00;
const TAG_TRUE = 0x01;
const TAG_TEXT = 0x02;
const PRESENT = Buffer.alloc(0);
const FALSE = Buffer.from([TAG_FALSE]);
const TRUE = Buffer.from([TAG_TRUE]);

/** The index's key of a scalar: see the module comment. */
export type IndexedValue = number | Buffer;

export function encodeAttrText(text: string): Buffer {
  const out = Buffer.alloc(1 + text.length * 2);
  out[0] = TAG_TEXT;
  out.write(text, 1, 'utf16le');
  out.subarray(1).swap16();
  return out;
}

/** The index key of a filter's scalar, or of a stored one. */
export function encodeAttrScalar(value: string | number | boolean): IndexedValue {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? TRUE : FALSE;
  return encodeAttrText(value);
}

/**
 * The scalar an index key stands for (`encodeAttrScalar` reversed), or `ATTR_PRESENT` for the marker of a
 * value no filter compares (role 3).
 */
export function decodeAttrValue(v: unknown): string | number | boolean | typeof ATTR_PRESENT {
  if (typeof v === 'number') return v;
  if (!Buffer.isBuffer(v)) throw new Error(`not an attribute index key: ${typeof v}`);
  if (v.length === 0) return ATTR_PRESENT;
  if (v[0] === TAG_FALSE || v[0] === TAG_TRUE) return v[0] === TAG_TRUE;
  // swap16 works in place: decode a copy, not the driver's buffer.
  return Buffer.from(v.subarray(1)).swap16().toString('utf16le');
}

/**
 * What a role-3 entry stands for: an object, or a list with no scalar element. `matchesAttrFilter` treats
 * every such value alike (present, equal to no scalar, in no range, containing no text), and so this one.
 */
export const ATTR_PRESENT: Readonly<Record<string, never>> = Object.freeze({});

/** `role` of an entry that is one element of a list value (see the module comment). */
export const ATTR_ROLE_ELEMENT = ROLE_ELEMENT;

/** The `kind` column's value of a customers row's kind. */
export const KIND_CODE: Record<CustomerKind, number> = { customer: 0, lead: 1 };

/** An indexed field: its id in the `field` column, and whether it is of a text type (`lc` is kept). */
export type IndexedField = { id: number; text: boolean };
export type IndexedFields = ReadonlyMap<string, IndexedField>;

type Entry = { field: number; v: IndexedValue; role: number; lc: string | null };

/** A value JSON keeps as a scalar: what the stored text parses back to (NaN/±Infinity become null). */
function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * The entries of one record's attributes for the indexed fields. Only own properties count: a field
 * named like an Object.prototype member ("constructor") has no value unless the record sets it.
 */
export function attrEntries(attrs: unknown, fields: IndexedFields): Entry[] {
  if (fields.size === 0 || typeof attrs !== 'object' || attrs === null || Array.isArray(attrs)) return [];
  const record = attrs as Record<string, unknown>;
  const out: Entry[] = [];
  for (const [key, { id: field, text }] of fields) {
    if (!Object.hasOwn(record, key)) continue;
    const value = record[key];
    if (value === null || value === undefined) continue;
    if (typeof value === 'string') {
      const blank = value.trim() === '';
      out.push({
        field,
        v: encodeAttrText(value),
        role: blank ? ROLE_BLANK : ROLE_VALUE,
        lc: text && !blank ? value.toLowerCase() : null,
      });
    } else if (typeof value === 'number') {
      if (Number.isFinite(value)) out.push({ field, v: value, role: ROLE_VALUE, lc: null });
    } else if (typeof value === 'boolean') {
      out.push({ field, v: encodeAttrScalar(value), role: ROLE_VALUE, lc: null });
    } else if (Array.isArray(value)) {
      if (value.length === 0) continue;
      const seen = new Set<string>();
      for (const element of value) {
        if (!isScalar(element)) continue;
        // -0 and 0 are one key to SQLite and one value to `includes`.
        const k = typeof element === 'string' ? `s${element}` : `${typeof element}${String(element)}`;
        if (seen.has(k)) continue;
        seen.add(k);
        out.push({ field, v: encodeAttrScalar(element), role: ROLE_ELEMENT, lc: null });
      }
      if (seen.size === 0) out.push({ field, v: PRESENT, role: ROLE_PRESENT, lc: null });
    } else {
      out.push({ field, v: PRESENT, role: ROLE_PRESENT, lc: null });
    }
  }
  return out;
}

// ---- which fields ----

const FIELDS_KEY = 'attr_index_fields';
const fieldsMemo = new WeakMap<Database.Database, { raw: string | undefined; fields: IndexedFields }>();

/** The fields the index holds now (read on every write; parsed once per change). */
export function indexedAttrFields(db: Database.Database): IndexedFields {
  const raw = getMeta(db, FIELDS_KEY);
  const memo = fieldsMemo.get(db);
  if (memo && memo.raw === raw) return memo.fields;
  const fields: IndexedFields = new Map(
    Object.entries(raw ? (JSON.parse(raw) as Record<string, IndexedField>) : {}),
  );
  fieldsMemo.set(db, { raw, fields });
  return fields;
}

function saveFields(db: Database.Database, fields: IndexedFields): void {
  setMeta(
    db,
    FIELDS_KEY,
    JSON.stringify(Object.fromEntries([...fields].sort(([a], [b]) => (a < b ? -1 : 1)))),
  );
}

/**
 * The fields the catalog(s) on the device ask to index: searchable or unique, active or not, with
 * whether each is of a text type.
 */
export function wantedAttrFields(db: Database.Database): Map<string, { text: boolean }> {
  const wanted = new Map<string, { text: boolean }>();
  for (const { fields } of statement(db, 'SELECT "fields" FROM "catalogs"').all() as { fields: string }[]) {
    for (const f of JSON.parse(fields) as Partial<FieldDef>[]) {
      if (typeof f.key === 'string' && (f.searchable === true || f.validation?.unique === true)) {
        wanted.set(f.key, { text: f.type !== undefined && TEXT_FIELD_TYPES.includes(f.type) });
      }
    }
  }
  return wanted;
}

/** What the index derives a customers row's entries from. */
export type RowAttrs = { rowid: number | bigint; kind: CustomerKind; attrs: unknown };

function insertEntries(db: Database.Database, row: RowAttrs, entries: Entry[]): void {
  const insert = statement(
    db,
    `INSERT OR IGNORE INTO "customer_attr_index" ("field", "kind", "v", "customer", "role", "lc")
     VALUES (?, ?, ?, ?, ?, ?)`,
  );
  const kind = KIND_CODE[row.kind] ?? 0;
  for (const e of entries) insert.run(e.field, kind, e.v, row.rowid, e.role, e.lc);
}

function deleteEntries(db: Database.Database, row: RowAttrs, entries: Entry[]): void {
  const remove = statement(
    db,
    'DELETE FROM "customer_attr_index" WHERE "field" = ? AND "kind" = ? AND "v" = ? AND "customer" = ?',
  );
  const kind = KIND_CODE[row.kind] ?? 0;
  for (const e of entries) remove.run(e.field, kind, e.v, row.rowid);
}

type StoredRow = { rowid: number; kind: CustomerKind; attrs: string };

/** Indexes `fields` of every customers row (after the catalog added them). */
function indexAllCustomers(db: Database.Database, fields: IndexedFields): void {
  if (fields.size === 0) return;
  const rows = statement(
    db,
    'SELECT "rowid" AS "rowid", "kind", "attrs" FROM "customers"',
  ).all() as StoredRow[];
  for (const r of rows) {
    const row = { rowid: r.rowid, kind: r.kind, attrs: JSON.parse(r.attrs) as unknown };
    insertEntries(db, row, attrEntries(row.attrs, fields));
  }
}

/**
 * Brings the index's fields in line with the catalog: drops the entries of fields no longer wanted and
 * indexes every customer for the new ones. Called by db/rows.ts whenever a catalog row is written or
 * deleted; a no-op when the set did not change (the usual case). Call inside the writing transaction.
 */
export function syncAttrIndexFields(db: Database.Database): void {
  const wanted = wantedAttrFields(db);
  const current = indexedAttrFields(db);
  const kept = new Map([...current].filter(([key, f]) => wanted.get(key)?.text === f.text));
  if (kept.size === current.size && kept.size === wanted.size) return;
  indexReset(db);
  const drop = statement(db, 'DELETE FROM "customer_attr_index" WHERE "field" = ?');
  for (const [key, f] of current) if (!kept.has(key)) drop.run(f.id);
  // Ids are never reused while the index lives: a dropped field's entries are gone with its id.
  let next = Math.max(0, ...[...current.values()].map((f) => f.id)) + 1;
  const added = new Map<string, IndexedField>();
  for (const [key, { text }] of wanted) if (!kept.has(key)) added.set(key, { id: next++, text });
  indexAllCustomers(db, added);
  saveFields(db, new Map([...kept, ...added]));
}

/** Re-derives the whole index from the catalog and the rows (at open after an upgrade; tests). */
export function rebuildAttrIndex(db: Database.Database): void {
  indexReset(db);
  statement(db, 'DELETE FROM "customer_attr_index"').run();
  const fields = new Map([...wantedAttrFields(db)].map(([key, { text }], i) => [key, { id: i + 1, text }]));
  saveFields(db, fields);
  indexAllCustomers(db, fields);
}

// ---- per-row maintenance (db/rows.ts) ----

/**
 * A customers row as the index knows it (rowid, kind, stored attributes), read before a write changes
 * it; undefined when the row does not exist or no field is indexed (nothing to forget then).
 */
export function storedRowAttrs(db: Database.Database, id: string): RowAttrs | undefined {
  if (indexedAttrFields(db).size === 0) return undefined;
  const r = statement(db, 'SELECT "rowid" AS "rowid", "kind", "attrs" FROM "customers" WHERE "id" = ?').get(
    id,
  ) as StoredRow | undefined;
  return r ? { rowid: r.rowid, kind: r.kind, attrs: JSON.parse(r.attrs) as unknown } : undefined;
}

/**
 * Replaces a customers row's entries: those of its values `before` the write (as `storedRowAttrs` read
 * them, or the row's deletion RETURNING) by those `after` it. Either may be absent (an insert, a delete).
 * `after.attrs` must be what was stored: JSON values (db/rows.ts writes the row's own object as JSON).
 */
export function replaceCustomerAttrs(
  db: Database.Database,
  before: RowAttrs | undefined,
  after: RowAttrs | undefined,
): void {
  const fields = indexedAttrFields(db);
  if (fields.size === 0) return;
  if (before) deleteEntries(db, before, attrEntries(before.attrs, fields));
  if (after) insertEntries(db, after, attrEntries(after.attrs, fields));
}

/** Empties the index (a pull's `clear`); the choice of fields stays (see syncAttrIndexFields). */
export function clearAttrIndex(db: Database.Database): void {
  indexReset(db);
  statement(db, 'DELETE FROM "customer_attr_index"').run();
}

// ---- changes, for the attribute columns ----

/**
 * What changed since the attribute columns (db/attrColumns.ts), the in-memory mirror of this index and
 * of the rows' search text, last caught up: the customers rows a write may have changed (db/rows.ts logs
 * every write of a row's kind, attributes, name, short name or phone: inserts, upserts, partial updates,
 * deletes), or `reset` when the whole index changed (a clear, a change of the indexed fields, a rebuild)
 * or too many rows did to be worth naming. Rows are logged as they are written, committed or not: the
 * reader reads them again from SQLite, which holds the truth after a commit and after a rollback alike.
 * Nothing is logged before a reader asks (`trackAttrIndexChanges`).
 */
export type AttrIndexChanges = { reset: boolean; rows: Set<number> };

const changeLogs = new WeakMap<Database.Database, AttrIndexChanges>();

/** Past this many rows, reading them one by one costs more than the reader's full build. */
const MAX_LOGGED_ROWS = 10_000;

/** Starts a new log of the index's changes on this connection (the reader's, from its build on). */
export function trackAttrIndexChanges(db: Database.Database): AttrIndexChanges {
  const log: AttrIndexChanges = { reset: false, rows: new Set() };
  changeLogs.set(db, log);
  return log;
}

/** Logs a write of a customers row's attributes, kind or search text (see AttrIndexChanges). */
export function customerRowChanged(db: Database.Database, rowid: number | bigint): void {
  const log = changeLogs.get(db);
  if (!log || log.reset) return;
  log.rows.add(Number(rowid));
  if (log.rows.size > MAX_LOGGED_ROWS) indexReset(db);
}

function indexReset(db: Database.Database): void {
  const log = changeLogs.get(db);
  if (!log) return;
  log.reset = true;
  log.rows.clear();
}

// ---- SQL functions ----

type FunctionState = { isHit: ((rowid: number) => boolean) | null };
const functionStates = new WeakMap<Database.Database, FunctionState>();
const filterMemo = new Map<string, AttrFilter[]>();
const NO_ATTRS: Record<string, unknown> = Object.freeze(Object.create(null) as Record<string, unknown>);

/**
 * Does a stored `attrs` JSON text match every filter? The reference itself (`matchesAttrFilter`) on the
 * stored value, own properties only: what a filter the index does not hold is checked with.
 */
export function attrsMatch(attrsJson: string, filters: readonly AttrFilter[]): boolean {
  const parsed: unknown = JSON.parse(attrsJson);
  const attrs =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : NO_ATTRS;
  return filters.every((f) => matchesAttrFilter(Object.hasOwn(attrs, f.field) ? attrs : NO_ATTRS, f));
}

/**
 * Registers the SQL functions list queries use on a connection (at open):
 * - `tp_attrs_match(attrs, filtersJson)`: `attrsMatch` (1/0);
 * - `tp_attr_hit(rowid)`: membership of the hits of the `withAttrHits` call running on this connection.
 * Both are connection-local and never in a stored schema object.
 */
export function registerAttrFunctions(db: Database.Database): void {
  const state: FunctionState = { isHit: null };
  functionStates.set(db, state);
  db.function('tp_attrs_match', { deterministic: true, directOnly: true }, (attrs, filters) => {
    let list = filterMemo.get(filters as string);
    if (!list) {
      list = JSON.parse(filters as string) as AttrFilter[];
      if (filterMemo.size > 100) filterMemo.clear();
      filterMemo.set(filters as string, list);
    }
    return typeof attrs === 'string' && attrsMatch(attrs, list) ? 1 : 0;
  });
  db.function('tp_attr_hit', { deterministic: false, directOnly: true }, (rowid) =>
    state.isHit?.(Number(rowid)) ? 1 : 0,
  );
}

/**
 * Runs `fn` (synchronous SQL) with `tp_attr_hit` answering from `isHit`. better-sqlite3 runs one statement
 * at a time per connection, so no other query can see these hits.
 */
export function withAttrHits<T>(
  db: Database.Database,
  isHit: ((rowid: number) => boolean) | null,
  fn: () => T,
): T {
  const state = functionStates.get(db);
  if (!state)
    throw new Error('tp_attr_hit is not registered on this connection (openClientDatabase does it)');
  const before = state.isHit;
  state.isHit = isHit;
  try {
    return fn();
  } finally {
    state.isHit = before;
  }
}
