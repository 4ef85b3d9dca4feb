import type Database from 'better-sqlite3';
import type { CustomerKind } from '../../../../shared/domain/rows';
import { uniqueKey } from '../../../../shared/domain/uniqueness';
import { rebuildAttrIndex } from './attrIndex';
import { getMeta, setMeta } from './meta';
import { statement } from './statements';

/**
 * Local derived data of the customers table, never on the wire, rebuilt from the rows whenever its
 * version changes (`ensureLocalIndex`, at every open):
 *
 * - **Unique keys** (`name_key`, `credit_key`, `phone_key` columns): `uniqueKey()` of name, credit code
 *   and phone, so the duplicate check at capture is an index lookup (partial indexes, customers only).
 * - **Quick search** (`customer_search`, a contentless FTS5 table, rowid = the customers row's rowid): the
 *   list and the Ctrl/⌘+K picker find Chinese substrings of ANY length in name and short name, and digit
 *   fragments of the phone, in a few milliseconds over 100k customers. FTS5's `trigram` tokenizer cannot
 *   match the 1–2 character queries most Chinese company searches are ("恒瑞"), so the core makes the
 *   tokens itself: for every run of letters/digits, its bigrams in order plus its last character alone
 *   ("恒瑞精密" → 恒瑞 瑞精 精密 密). A term of n ≥ 2 characters is then the phrase of its n − 1 bigrams
 *   (adjacent positions = a substring, exactly), and a 1-character term is the prefix query `"恒"*`
 *   (every character starts one token). Runs and fields are separated by a filler token no query can
 *   produce, so a phrase never spans two of them. Column `c` holds customers, `l` leads, so a count by
 *   kind is one FTS query. Measured against the alternatives in docs/bench.md (`local.quick_search`).
 *
 * Case: only ASCII letters are folded (in the tokens, the query, and SQLite's `lower()` that the
 * row-by-row check uses), so both ways of matching agree exactly.
 *
 * The FTS rowid is the customers row's implicit rowid, which an upsert (`ON CONFLICT DO UPDATE`) keeps. A
 * `VACUUM` may renumber the rowids of a table without an INTEGER PRIMARY KEY: the app never runs one; if
 * it ever does, it must bump LOCAL_INDEX_VERSION or call `rebuildLocalIndex` after it.
 */

/** Bump when the tokens or the keys change: every device rebuilds its local index at the next open. */
export const LOCAL_INDEX_VERSION = '1';

/** Token between runs and between fields: non-ASCII (a token character for FTS5's `ascii` tokenizer) and
 * never a letter or digit, so no query term contains it. */
const FILLER = '\u2063';

const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** ASCII-only lower case: what SQLite's built-in `lower()` does. */
function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** The runs of letters and digits of a text, ASCII-lowercased: the units search terms match inside. */
function runs(text: string | null | undefined): string[] {
  if (!text) return [];
  return asciiLower(text)
    .split(SEPARATORS)
    .filter((r) => r.length > 0);
}

function pushRunTokens(out: string[], run: string): void {
  const chars = [...run];
  if (out.length > 0) out.push(FILLER);
  for (let i = 0; i < chars.length - 1; i++) out.push(chars[i]! + chars[i + 1]!);
  out.push(chars[chars.length - 1]!);
}

/** What a customers row contributes to quick search. */
export type SearchFields = {
  name: string;
  shortName: string | null;
  phone: string | null;
};

/** The FTS document of a customer: tokens of its name, short name and (normalised) phone. */
export function searchDocument(row: SearchFields): string {
  const out: string[] = [];
  for (const r of runs(row.name)) pushRunTokens(out, r);
  for (const r of runs(row.shortName)) pushRunTokens(out, r);
  for (const r of runs(uniqueKey('phone', row.phone))) pushRunTokens(out, r);
  return out.join(' ');
}

/** Phone-like input ("138 0013-8000", "+86 138…"): searched as one digit string, like the stored key. */
const PHONE_LIKE = /^[\d\s()+\-.]+$/;

/**
 * The terms of a search: runs of letters/digits, each of which must appear in the name, the short name
 * or the phone (AND across terms). Phone-like input becomes one term of its digits. Empty when the text
 * has no letter or digit.
 */
export function searchTerms(text: string): string[] {
  const trimmed = text.trim();
  if (/\d/.test(trimmed) && PHONE_LIKE.test(trimmed)) {
    // The stored key drops a mobile's country code; so does a fragment typed with it ("+86 139 1234").
    const digits = (uniqueKey('phone', trimmed) ?? '').replace(/^(\+|00)86/, '').replace(/\D/g, '');
    return digits ? [digits] : [];
  }
  return [...new Set(runs(trimmed))];
}

/** The FTS5 query of one term (see the module comment). */
function termQuery(term: string): string {
  const chars = [...term];
  if (chars.length === 1) return `"${term}"*`;
  const bigrams: string[] = [];
  for (let i = 0; i < chars.length - 1; i++) bigrams.push(chars[i]! + chars[i + 1]!);
  return `"${bigrams.join(' ')}"`;
}

/** Which FTS column(s) to search: customers, leads, or both. */
export type SearchScope = CustomerKind | 'any';

/** The FTS5 MATCH expression for terms (non-empty) over one kind or both. */
export function searchMatch(terms: readonly string[], scope: SearchScope): string {
  const columns = scope === 'customer' ? 'c' : scope === 'lead' ? 'l' : '{c l}';
  return `${columns} : (${terms.map(termQuery).join(' AND ')})`;
}

/**
 * The same condition, row by row, for a query plan that walks a sort index instead of the FTS matches
 * (a term most customers contain). `alias` is the customers table's alias; the terms are bound as named
 * parameters `@term0`, `@term1`, … (`searchCheckParams`).
 */
export function searchCheckSql(terms: readonly string[], alias: string): string {
  return terms
    .map(
      (_, i) =>
        `(instr(lower(${alias}."name"), @term${i}) > 0 OR instr(lower(ifnull(${alias}."short_name", '')), @term${i}) > 0 OR instr(ifnull(${alias}."phone_key", ''), @term${i}) > 0)`,
    )
    .join(' AND ');
}

export function searchCheckParams(terms: readonly string[]): Record<string, string> {
  return Object.fromEntries(terms.map((t, i) => [`term${i}`, t]));
}

/**
 * The same condition in JavaScript, on what `searchCheckText` made of a row's three columns as SQLite
 * holds them: each term a substring. Strings read from SQLite are well-formed, where a JavaScript
 * substring is a UTF-8 one (`instr`); a term is letters and digits, so it never spans the separator.
 */
export function searchTextMatches(text: string, terms: readonly string[]): boolean {
  for (const term of terms) if (!text.includes(term)) return false;
  return true;
}

/**
 * Name, short name and phone key as `searchCheckSql` compares them (`lower()`: ASCII), as one string for
 * `searchTextMatches`. A short name inside the name adds no match and is left out (most are: "恒瑞精密" in
 * "上海恒瑞精密机械有限公司"); `join` makes one flat string, not a rope of the parts (half the memory).
 */
export function searchCheckText(name: string, shortName: string | null, phoneKey: string | null): string {
  const lowerName = asciiLower(name);
  const lowerShort = asciiLower(shortName ?? '');
  return [lowerName, lowerName.includes(lowerShort) ? '' : lowerShort, phoneKey ?? ''].join('\n');
}

/** Documents matching, counted by FTS5 (no customers row is read). */
export function countSearchMatches(db: Database.Database, match: string): number {
  return (
    statement(db, 'SELECT count(*) AS "n" FROM "customer_search" WHERE "customer_search" MATCH ?').get(
      match,
    ) as { n: number }
  ).n;
}

/**
 * (Re)indexes one customers row for quick search. Call in the transaction that wrote the row. `fresh`:
 * the row was just inserted under a new rowid, so no document can exist for it (every deletion of a
 * customers row removes its document) and a plain INSERT does; otherwise REPLACE, which in a
 * contentless-delete table must look for the old document first (≈ 3× the cost, measured).
 */
export function indexCustomer(
  db: Database.Database,
  rowid: number | bigint,
  row: SearchFields & { kind: CustomerKind | null | undefined },
  opts: { fresh?: boolean } = {},
): void {
  const doc = searchDocument(row);
  const lead = row.kind === 'lead';
  statement(
    db,
    `INSERT ${opts.fresh ? '' : 'OR REPLACE '}INTO "customer_search" ("rowid", "c", "l") VALUES (?, ?, ?)`,
  ).run(rowid, lead ? null : doc, lead ? doc : null);
}

/** Re-reads a customers row after a partial update and reindexes it. */
export function reindexCustomer(db: Database.Database, id: string): void {
  const row = statement(
    db,
    'SELECT "rowid" AS "rowid", "name", "short_name" AS "shortName", "phone", "kind" FROM "customers" WHERE "id" = ?',
  ).get(id) as (SearchFields & { rowid: number; kind: CustomerKind }) | undefined;
  if (row) indexCustomer(db, row.rowid, row);
}

export function unindexCustomer(db: Database.Database, rowid: number | bigint): void {
  statement(db, 'DELETE FROM "customer_search" WHERE "rowid" = ?').run(rowid);
}

/** Empties the search index (a pull's `clear`). */
export function clearCustomerSearch(db: Database.Database): void {
  statement(db, `INSERT INTO "customer_search" ("customer_search") VALUES ('delete-all')`).run();
}

/**
 * Re-derives everything local from the customers rows: unique keys, the search index and the attribute
 * index (db/attrIndex.ts). Runs
 * once after an upgrade (migration 0002 adds empty columns and an empty index to a device that may be
 * offline for days: search and the duplicate check must work before the next pull) and whenever
 * LOCAL_INDEX_VERSION changes. Call inside a transaction.
 */
export function rebuildLocalIndex(db: Database.Database): void {
  clearCustomerSearch(db);
  const update = db.prepare(
    'UPDATE "customers" SET "name_key" = ?, "credit_key" = ?, "phone_key" = ? WHERE "rowid" = ?',
  );
  const rows = db
    .prepare(
      'SELECT "rowid" AS "rowid", "name", "short_name" AS "shortName", "credit_code" AS "creditCode", "phone", "kind" FROM "customers"',
    )
    .all() as (SearchFields & { rowid: number; creditCode: string | null; kind: CustomerKind })[];
  for (const r of rows) {
    update.run(
      uniqueKey('name', r.name),
      uniqueKey('creditCode', r.creditCode),
      uniqueKey('phone', r.phone),
      r.rowid,
    );
    indexCustomer(db, r.rowid, r, { fresh: true });
  }
  // A database opened with migrations before 0003 (upgrade tests) has no attribute index yet; 0003 starts
  // it empty with no field chosen, which is complete until a catalog arrives.
  if (db.prepare(`SELECT 1 FROM "sqlite_master" WHERE "name" = 'customer_attr_index'`).get()) {
    rebuildAttrIndex(db);
  }
  setMeta(db, 'local_index', LOCAL_INDEX_VERSION);
}

/** Rebuilds the local index when it is missing or from another version (at open, after migrations). */
export function ensureLocalIndex(db: Database.Database): void {
  if (getMeta(db, 'local_index') === LOCAL_INDEX_VERSION) return;
  // A database opened with older migrations only (the upgrade tests build one) has nothing to index.
  if (!db.prepare(`SELECT 1 FROM "sqlite_master" WHERE "name" = 'customer_search'`).get()) return;
  db.transaction(() => rebuildLocalIndex(db))();
}

/**
 * Rows of one kind on the device, cheaply: leads by their index range (a book holds few), customers as
 * all rows minus the leads. A plain `count(*)` of a whole table is SQLite's b-tree count (≈ 0.1 ms at
 * 100k rows), while `count(*) … WHERE kind = 'customer'` walks 50k index entries (5–30 ms measured):
 * the list's total must not cost more than its page. No counter table: triggers on `customers` made
 * every insert of a first sync ≈ 2× slower (statement journals), and counters kept in code drift the
 * day one write path forgets them.
 */
export function countKind(db: Database.Database, kind: CustomerKind): number {
  const count = (sql: string) => (statement(db, sql).get() as { n: number }).n;
  const leads = count(`SELECT count(*) AS "n" FROM "customers" WHERE "kind" = 'lead'`);
  return kind === 'lead' ? leads : count('SELECT count(*) AS "n" FROM "customers"') - leads;
}
