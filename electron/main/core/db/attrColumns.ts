import type Database from 'better-sqlite3';
import type { CustomerKind } from '../../../../shared/domain/rows';
import { matchesAttrFilter, type AttrFilter } from '../../../../shared/templates/filter';
import {
  ATTR_ROLE_ELEMENT,
  attrEntries,
  decodeAttrValue,
  indexedAttrFields,
  KIND_CODE,
  trackAttrIndexChanges,
  type AttrIndexChanges,
  type IndexedField,
  type IndexedFields,
  type IndexedValue,
} from './attrIndex';
import { searchCheckText, searchTextMatches } from './localIndex';
import { statement } from './statements';

/**
 * The attribute columns: an in-memory mirror of the attribute index (db/attrIndex.ts) that answers the
 * customer list's template filters without reading the index's ranges (docs/templates.md "Device").
 *
 * Per connection: the kind of every customers row, and for each indexed field a filter has asked about,
 * each row's value as a small integer code into a dictionary of the field's distinct values. A filter is
 * decided once per distinct value by the reference itself (`matchesAttrFilter`), then each row of the
 * kind is one typed-array lookup per filter: ≈ 1–1.5 ms for three filters over 100k rows, where reading
 * their index ranges cost 10–60 ms. Once a quick search among filtered rows needs it, each row's search
 * text too (`searchAmong`), so the filters and the search give SQLite one exact set of rows to sort.
 *
 * A value is what the index's entries of the row say, turned back into a JavaScript value the reference
 * answers exactly as it answers the stored one: a scalar is itself; a list its distinct scalar elements
 * (`in` asks whether any element is listed, every other operator refuses a list); an object or a list of
 * no scalar `ATTR_PRESENT` (present, equal to nothing, in no range, containing nothing).
 *
 * Never stale: the index logs the rows whose entries a write changes, committed or not
 * (`trackAttrIndexChanges`), and every use first reads those rows again from SQLite — right after a
 * commit and after a rollback alike, since the rows are the truth either way. Writes pay one `Set.add`.
 * Inside a transaction the rows are read but stay logged (a rollback may take them back); a build inside
 * a transaction is used there and built again after it. A whole-index change (a clear, a change of the
 * indexed fields, a rebuild), a commit by another connection (`PRAGMA data_version`) or more logged rows
 * than a build costs drop everything: the kinds are read again (one index range of the kind), a field's
 * column when a filter next asks for it (one range of the attribute index, 15–75 ms at 100k rows), the
 * search text when a search next does (a scan of `customers`, 0.2–0.3 s).
 *
 * Rowids index typed arrays: SQLite gives a new row the largest rowid plus one and the app never picks
 * one, so they stay dense.
 */

/** One field's values: the code of each row's value by rowid (0: none), and the distinct values. */
type FieldColumn = {
  codes: Int32Array;
  /** The value of each code; code 0 stands for "no value". */
  values: unknown[];
  codeByKey: Map<string, number>;
  /** Rows holding each code (not kept for 0): what orders a list's filters, most selective first. */
  counts: number[];
};

type Columns = {
  /** The indexed fields the columns were built for (`indexedAttrFields` keeps one object per set). */
  fields: IndexedFields;
  dataVersion: number;
  /** Built inside a transaction: may hold rows its rollback takes back, so used only until it ends. */
  provisional: boolean;
  changes: AttrIndexChanges;
  /** By rowid: 0 no customers row, else 1 + KIND_CODE of its kind. */
  kinds: Uint8Array;
  columns: Map<string, FieldColumn>;
  /** By rowid: `searchCheckText` of the row, once a search among filtered rows asked for it. */
  text: (string | undefined)[] | null;
};

const states = new WeakMap<Database.Database, Columns>();

/** Room for rows inserted after a build before the arrays grow. */
const SLACK_ROWS = 1024;

/** Dictionary key of a value: equal keys, equal answers to every filter. */
function valueKey(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return `n${value}`;
    case 'boolean':
      return value ? 't' : 'f';
    case 'string':
      return `s${value}`;
    default:
      return Array.isArray(value) ? `a${JSON.stringify(value.map(valueKey).sort())}` : 'o';
  }
}

function codeOf(column: FieldColumn, value: unknown): number {
  if (value === undefined) return 0;
  const key = valueKey(value);
  let code = column.codeByKey.get(key);
  if (code === undefined) {
    code = column.values.length;
    column.values.push(value);
    column.counts.push(0);
    column.codeByKey.set(key, code);
  }
  return code;
}

function setCode(column: FieldColumn, rowid: number, code: number): void {
  column.counts[column.codes[rowid]!]! -= 1;
  column.counts[code]! += 1;
  column.codes[rowid] = code;
}

/** A row's value of one field from its index entries (see the module comment). */
function valueOf(entries: readonly { v: IndexedValue; role: number }[]): unknown {
  const first = entries[0];
  if (!first) return undefined;
  if (first.role === ATTR_ROLE_ELEMENT) return entries.map((e) => decodeAttrValue(e.v));
  return decodeAttrValue(first.v);
}

function grow(columns: Columns, rowid: number): void {
  if (rowid < columns.kinds.length) return;
  const size = Math.max(rowid + 1, Math.ceil(columns.kinds.length * 1.5));
  const kinds = new Uint8Array(size);
  kinds.set(columns.kinds);
  columns.kinds = kinds;
  for (const column of columns.columns.values()) {
    const codes = new Int32Array(size);
    codes.set(column.codes);
    column.codes = codes;
  }
}

const KINDS = Object.keys(KIND_CODE) as CustomerKind[];

/** The kinds of every row; field columns come later, one at a time. */
function build(db: Database.Database, fields: IndexedFields, dataVersion: number): Columns {
  // Logged from here on: whatever is written after this read is read again.
  const changes = trackAttrIndexChanges(db);
  const maxRowid =
    (statement(db, 'SELECT max("rowid") FROM "customers"').pluck().get() as number | null) ?? 0;
  const kinds = new Uint8Array(maxRowid + 1 + SLACK_ROWS);
  for (const kind of KINDS) {
    // One range of a (kind, …) index, as one JSON array: far cheaper than a row at a time.
    const json = statement(db, 'SELECT json_group_array("rowid") FROM "customers" WHERE "kind" = ?')
      .pluck()
      .get(kind) as string;
    const code = KIND_CODE[kind] + 1;
    for (const rowid of JSON.parse(json) as number[]) kinds[rowid] = code;
  }
  return {
    fields,
    dataVersion,
    provisional: db.inTransaction,
    changes,
    kinds,
    columns: new Map(),
    text: null,
  };
}

/** A field's column from the attribute index: one range, grouped by value, rowids and roles as JSON. */
function buildColumn(db: Database.Database, columns: Columns, field: IndexedField): FieldColumn {
  const column: FieldColumn = {
    codes: new Int32Array(columns.kinds.length),
    values: [undefined],
    codeByKey: new Map(),
    counts: [0],
  };
  const lists = new Map<number, unknown[]>();
  const groups = statement(
    db,
    `SELECT "v", json_group_array("customer" * 4 + "role") FROM "customer_attr_index"
      WHERE "field" = ? GROUP BY "kind", "v"`,
  )
    .raw()
    .all(field.id) as [IndexedValue, string][];
  for (const [v, packed] of groups) {
    const value = decodeAttrValue(v);
    let code = -1;
    for (const p of JSON.parse(packed) as number[]) {
      const rowid = Math.floor(p / 4);
      if (rowid >= column.codes.length) {
        // Every logged row was read before (`current`), so the index holds no row the kinds do not; but
        // should it, the arrays grow together.
        grow(columns, rowid);
        const codes = new Int32Array(columns.kinds.length);
        codes.set(column.codes);
        column.codes = codes;
      }
      if (p % 4 === ATTR_ROLE_ELEMENT) {
        const list = lists.get(rowid);
        if (list) list.push(value);
        else lists.set(rowid, [value]);
        continue;
      }
      if (code < 0) code = codeOf(column, value);
      setCode(column, rowid, code);
    }
  }
  for (const [rowid, elements] of lists) setCode(column, rowid, codeOf(column, elements));
  return column;
}

type StoredRow = {
  rowid: number;
  kind: CustomerKind;
  attrs: string;
  name: string;
  shortName: string | null;
  phoneKey: string | null;
};

/** Reads logged rows again: their kind, search text if kept, and value of every field built. */
function refresh(db: Database.Database, columns: Columns, rowids: Iterable<number>): void {
  const built = new Map<string, IndexedField>();
  for (const key of columns.columns.keys()) {
    const field = columns.fields.get(key);
    if (field) built.set(key, field);
  }
  const read = statement(
    db,
    `SELECT "rowid" AS "rowid", "kind", "attrs", "name", "short_name" AS "shortName", "phone_key" AS "phoneKey"
       FROM "customers" WHERE "rowid" = ?`,
  );
  for (const rowid of rowids) {
    grow(columns, rowid);
    const row = read.get(rowid) as StoredRow | undefined;
    columns.kinds[rowid] = row ? KIND_CODE[row.kind] + 1 : 0;
    if (columns.text) {
      columns.text[rowid] = row ? searchCheckText(row.name, row.shortName, row.phoneKey) : undefined;
    }
    if (built.size === 0) continue;
    const entries = row ? attrEntries(JSON.parse(row.attrs) as unknown, built) : [];
    for (const [key, field] of built) {
      const column = columns.columns.get(key)!;
      setCode(column, rowid, codeOf(column, valueOf(entries.filter((e) => e.field === field.id))));
    }
  }
}

/** The columns as SQLite holds the rows now (see the module comment). */
function current(db: Database.Database): Columns {
  const fields = indexedAttrFields(db);
  const dataVersion = statement(db, 'PRAGMA data_version').pluck().get() as number;
  let columns = states.get(db);
  if (
    !columns ||
    columns.fields !== fields ||
    columns.dataVersion !== dataVersion ||
    columns.changes.reset ||
    (columns.provisional && !db.inTransaction)
  ) {
    columns = build(db, fields, dataVersion);
    states.set(db, columns);
  } else if (columns.changes.rows.size > 0) {
    refresh(db, columns, columns.changes.rows);
    // Inside a transaction a rollback may still take these rows back: read them again next time.
    if (!db.inTransaction) columns.changes.rows.clear();
  }
  return columns;
}

/** A field's column, built now if no filter asked for it since the last build. */
function columnOf(db: Database.Database, columns: Columns, key: string, field: IndexedField): FieldColumn {
  let column = columns.columns.get(key);
  // Values no row holds any more stay in the dictionary: start afresh once they could outnumber the rows.
  if (column && column.values.length > columns.kinds.length + SLACK_ROWS) column = undefined;
  if (!column) {
    column = buildColumn(db, columns, field);
    columns.columns.set(key, column);
  }
  return column;
}

/** Every row's search text, read now if no search among filtered rows asked for it since the build. */
function textOf(db: Database.Database, columns: Columns): (string | undefined)[] {
  if (columns.text) return columns.text;
  const text: (string | undefined)[] = [];
  const rows = statement(db, 'SELECT "rowid", "name", "short_name", "phone_key" FROM "customers"')
    .raw()
    .all() as [number, string, string | null, string | null][];
  for (const [rowid, name, shortName, phoneKey] of rows)
    text[rowid] = searchCheckText(name, shortName, phoneKey);
  columns.text = text;
  return text;
}

/**
 * The answer of a filter for each code of its field's column (1: the value matches), and how many rows
 * it lets through (rows with no value are counted as whatever the rest of the array is: an estimate).
 */
function verdicts(column: FieldColumn, f: AttrFilter): { pass: Uint8Array; passing: number } {
  const { values, counts } = column;
  const pass = new Uint8Array(values.length);
  pass[0] = matchesAttrFilter(Object.create(null) as Record<string, unknown>, f) ? 1 : 0;
  // One object with the field as its only own property (a literal: V8 keeps it fast to write and read).
  const attrs: Record<string, unknown> = { [f.field]: undefined };
  let passing = 0;
  let valued = 0;
  for (let code = 1; code < values.length; code++) {
    attrs[f.field] = values[code];
    const ok = matchesAttrFilter(attrs, f);
    pass[code] = ok ? 1 : 0;
    valued += counts[code]!;
    if (ok) passing += counts[code]!;
  }
  if (pass[0] === 1) passing += column.codes.length - valued;
  return { pass, passing };
}

/** Rows of a list, ascending, with their membership by rowid. */
export type RowSet = { rowids: number[]; has: (rowid: number) => boolean };

/** What the attribute columns say about a list's template filters. */
export type AttrMatch = {
  /** The `kind` rows that match every filter on an indexed field; null when no filter is on one. */
  hits: RowSet | null;
  /** Filters on fields the index does not hold: checked row by row on the stored JSON (`tp_attrs_match`). */
  rest: AttrFilter[];
};

/**
 * Answers the filters on indexed fields from the attribute columns, whatever their operator, exactly as
 * `matchesAttrFilter` on the stored attributes would. A list whose filters are all `empty` gets every row
 * of the kind without a value.
 */
export function matchAttrFilters(
  db: Database.Database,
  kind: CustomerKind,
  filters: readonly AttrFilter[],
): AttrMatch {
  const fields = indexedAttrFields(db);
  const answered = filters.filter((f) => fields.has(f.field));
  const rest = filters.filter((f) => !fields.has(f.field));
  if (answered.length === 0) return { hits: null, rest };
  const columns = current(db);
  const tests = answered
    .map((f) => {
      const column = columnOf(db, columns, f.field, fields.get(f.field)!);
      return { codes: column.codes, ...verdicts(column, f) };
    })
    .sort((a, b) => a.passing - b.passing);
  const { kinds } = columns;
  const want = KIND_CODE[kind] + 1;
  // The most selective filter over every row, each other one over the rows kept so far; branch-free (a
  // row is written, then kept or overwritten), the verdicts being a coin toss to the CPU.
  const kept = new Int32Array(kinds.length);
  let n = 0;
  const [{ codes: firstCodes, pass: firstPass }, ...others] = tests as [
    (typeof tests)[number],
    ...typeof tests,
  ];
  for (let rowid = 1; rowid < kinds.length; rowid++) {
    kept[n] = rowid;
    n += (kinds[rowid] === want ? 1 : 0) & firstPass[firstCodes[rowid]!]!;
  }
  for (const { codes, pass } of others) {
    let m = 0;
    for (let i = 0; i < n; i++) {
      const rowid = kept[i]!;
      kept[m] = rowid;
      m += pass[codes[rowid]!]!;
    }
    n = m;
  }
  return { hits: rowSet(Array.from(kept.subarray(0, n))), rest };
}

function rowSet(rowids: number[]): RowSet {
  const marks = new Uint8Array((rowids[rowids.length - 1] ?? 0) + 1);
  for (const rowid of rowids) marks[rowid] = 1;
  return { rowids, has: (rowid) => marks[rowid] === 1 };
}

/**
 * Reading a match from FTS costs ≈ 0.15 µs, checking a row's search text in memory ≈ 0.1 µs: the matches
 * are read only while they are few beside the rows (one in this many at most).
 */
const ROWS_PER_MATCH_READ = 8;

/**
 * The rows of `rows` (one kind's, of the scope `match` searches) that match the quick search `terms`
 * (its FTS query `match`), in the same order: its FTS matches kept when they are members, when there are
 * few; else the search checked on each row's text in memory (`searchTextMatches`, which agrees with the
 * FTS match exactly, as `searchCheckSql` does).
 */
export function searchAmong(
  db: Database.Database,
  match: string,
  terms: readonly string[],
  rows: RowSet,
): RowSet {
  const limit = Math.ceil(rows.rowids.length / ROWS_PER_MATCH_READ);
  const matches = JSON.parse(
    statement(
      db,
      `SELECT json_group_array("rowid") FROM
        (SELECT "rowid" FROM "customer_search" WHERE "customer_search" MATCH ? ORDER BY "rowid" LIMIT ?)`,
    )
      .pluck()
      .get(match, limit + 1) as string,
  ) as number[];
  if (matches.length <= limit) return rowSet(matches.filter(rows.has));
  const text = textOf(db, current(db));
  return rowSet(rows.rowids.filter((rowid) => searchTextMatches(text[rowid] ?? '', terms)));
}

/**
 * For tests: what the columns hold for each row, caught up with SQLite first — its kind, its value of
 * every indexed field (all built now) and its search text — one string per row, ascending. After any
 * writes, commits and rollbacks it must equal what a fresh build holds (`forgetAttrColumns`).
 */
export function attrColumnsContent(db: Database.Database): string[] {
  const columns = current(db);
  const text = textOf(db, columns);
  const fields = [...columns.fields].sort(([a], [b]) => (a < b ? -1 : 1));
  const built = fields.map(([key, field]) => [key, columnOf(db, columns, key, field)] as const);
  const out: string[] = [];
  for (let rowid = 1; rowid < Math.max(columns.kinds.length, text.length); rowid++) {
    const values = built.map(([key, column]) => {
      const value = column.values[column.codes[rowid] ?? 0];
      return value === undefined ? '' : `${key}=${valueKey(value)}`;
    });
    const row = [columns.kinds[rowid] ?? 0, ...values, text[rowid] ?? ''];
    if (row.some((x) => x !== 0 && x !== '')) out.push(`${rowid}: ${JSON.stringify(row)}`);
  }
  return out;
}

/** For tests: drops the columns of a connection, so the next use builds them afresh. */
export function forgetAttrColumns(db: Database.Database): void {
  states.delete(db);
}
