import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_SORT_COLUMNS, type CustomerSortColumn } from '../../../../shared/api/contract';
import type { CustomerRow } from '../../../../shared/domain/rows';
import { newId } from '../../../../shared/ids';
import {
  attrFilterSchema,
  fieldDefSchema,
  matchesAttrFilter,
  type AttrFilter,
  type CatalogRow,
} from '../../../../shared/templates';
import { makeTempDir, openTestDatabase, seedRows, TEST_ORG_ID, testCustomer, testUser } from '../testing';
import { attrColumnsContent, forgetAttrColumns } from './attrColumns';
import { indexedAttrFields, rebuildAttrIndex } from './attrIndex';
import { listCustomers } from './customers';
import type { ClientDatabase } from './open';
import { clearSyncedTables, deleteRow, getRow, updateRow, upsertRow } from './rows';

/**
 * Template-field filters of the customer list (db/attrIndex.ts, answered from the in-memory columns of
 * db/attrColumns.ts) against the reference meaning, `matchesAttrFilter` (shared/templates/filter.ts)
 * applied to the stored attributes: every answer — rows in order and total — must be the reference's, for
 * random values of every JSON shape (strings blank, astral or with lone surrogates, numbers, booleans,
 * lists, objects), random filters of every operator, fields the index holds and fields it does not, with
 * and without a quick search and an owner, through writes of every kind after the columns were built
 * (committed, or rolled back after lists were read inside the transaction), renames, clears and changes
 * of the catalog's indexed fields.
 */

const RUNS = Number(process.env.TIDEPOOL_PROPERTY_RUNS ?? 200);
const rep = testUser();
const other = testUser({ username: 'lina', displayName: '李娜' });
const FIELDS = ['a', 'b', 'c', 'd', 'e', 'f'] as const;

const STRINGS = [
  '',
  '  ',
  'x',
  'X',
  'xy',
  'Xylo',
  'ab',
  'abc',
  'b',
  '2023-12-31',
  '2024-01-05',
  '2024-06-30',
  '恒瑞',
  '瑞',
  'İstanbul',
  'straße',
  'Äpfel',
  'ÉCOLE',
  '😀',
  'a😀b',
  '\uE000',
  '\uFFFF',
  // Lone surrogates: JSON keeps them (escaped), and so must every copy of a value.
  '\uD83D',
  'a\uDE00',
];
const scalarArb = fc.oneof(
  fc.constantFrom(...STRINGS),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(0.5, -1.5, 1e21, 7),
  fc.boolean(),
);
const valueArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 5, arbitrary: scalarArb },
  { weight: 1, arbitrary: fc.constant(null) },
  { weight: 2, arbitrary: fc.array(scalarArb, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom([{}], [['x']], {}, { k: 1 }, [null, 'x'], [1, 1, -0]) },
);
const attrsArb = fc.dictionary(fc.constantFrom(...FIELDS), valueArb, { maxKeys: 5 });

const filterArb: fc.Arbitrary<AttrFilter> = fc
  .oneof(
    fc.record({
      field: fc.constantFrom(...FIELDS),
      op: fc.constant('in'),
      values: fc.array(scalarArb, { minLength: 1, maxLength: 4 }),
    }),
    fc.record({
      field: fc.constantFrom(...FIELDS),
      op: fc.constant('range'),
      min: fc.option(fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(...STRINGS)), { nil: null }),
      max: fc.option(fc.oneof(fc.integer({ min: -3, max: 12 }), fc.constantFrom(...STRINGS)), { nil: null }),
    }),
    fc.record({
      field: fc.constantFrom(...FIELDS),
      op: fc.constant('contains'),
      text: fc.constantFrom(
        'x',
        'X',
        'y',
        'AB',
        '瑞',
        'i̇',
        'İ',
        'ß',
        'ä',
        'école',
        '😀',
        '\uE000',
        '\uD83D',
        '2024',
        '-0',
      ),
    }),
    fc.record({ field: fc.constantFrom(...FIELDS), op: fc.constantFrom('empty', 'notEmpty') }),
  )
  .filter((raw) => attrFilterSchema.safeParse(raw).success)
  .map((raw) => attrFilterSchema.parse(raw));

/**
 * A catalog that indexes `indexed` (searchable or unique) and holds the other fields unindexed. The
 * values stored are random whatever the type: the type only decides whether the index keeps `lc`.
 */
function catalog(indexed: readonly string[], version: number): CatalogRow {
  return {
    id: TEST_ORG_ID,
    orgId: TEST_ORG_ID,
    optionLists: [],
    fields: FIELDS.map((key, i) =>
      fieldDefSchema.parse({
        key,
        labelZh: `字段${key}`,
        labelEn: `Field ${key}`,
        // Text fields keep lower-cased strings for `contains`; on the others it is checked row by row.
        type: i % 3 === 1 ? 'date' : 'text',
        searchable: indexed.includes(key) && i % 2 === 0,
        validation: { unique: indexed.includes(key) && i % 2 === 1 },
      }),
    ),
    updatedAt: version,
    version,
  };
}

/** SQLite's order: NULL first ascending, numbers by value, text by its UTF-8 bytes; ties by id. */
function sqliteCompare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

function reference(
  db: ClientDatabase,
  filters: readonly AttrFilter[],
  opts: { query?: string; ownerId?: string; sort: CustomerSortColumn; desc: boolean },
): string[] {
  const rows = (db.prepare('SELECT "id" FROM "customers"').pluck().all() as string[]).map((id) =>
    getRow(db, 'customers', id)!,
  );
  const hits = rows
    .filter((r) => r.kind === 'customer' && (!opts.ownerId || r.ownerId === opts.ownerId))
    .filter((r) => !opts.query || r.name.includes(opts.query))
    .filter((r) => filters.every((f) => matchesAttrFilter(r.attrs, f)))
    .sort((a, b) => sqliteCompare(a[opts.sort], b[opts.sort]) || sqliteCompare(a.id, b.id));
  if (opts.desc) hits.reverse();
  return hits.map((r) => r.id);
}

const NAMES = ['恒瑞精密', '华信电子', '瑞丰新材', '恒通物流', '新宇网络'];
let seed = 11;
const rnd = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};

function randomCustomer(attrs: Record<string, unknown>): CustomerRow {
  return testCustomer({
    id: newId(),
    name: `${NAMES[Math.floor(rnd() * NAMES.length)]}${Math.floor(rnd() * 100)}`,
    shortName: null,
    phone: null,
    kind: rnd() < 0.1 ? 'lead' : 'customer',
    ownerId: rnd() < 0.5 ? rep.id : other.id,
    lastFollowUpAt: rnd() < 0.2 ? null : Math.floor(rnd() * 50) * 1000,
    level: rnd() < 0.5 ? 'A' : 'B',
    attrs,
  });
}

const temp = makeTempDir();
let db: ClientDatabase;
beforeAll(() => {
  db = openTestDatabase(temp.dir, 'attrs.db');
  const customers = fc
    .sample(attrsArb, { numRuns: 400, seed: 5 })
    .map((attrs) => randomCustomer(attrs as Record<string, unknown>));
  seedRows(db, { users: [rep, other], catalogs: [catalog(['a', 'b', 'c', 'd'], 1)], customers });
});
afterAll(() => {
  db.close();
  temp.remove();
});

const queryArb = fc.record({
  filters: fc.array(filterArb, { minLength: 1, maxLength: 3 }),
  query: fc.option(fc.constantFrom('恒', '瑞', '华信', '恒瑞精密1'), { nil: undefined, freq: 3 }),
  ownerId: fc.constantFrom(undefined, rep.id),
  sort: fc.constantFrom(...CUSTOMER_SORT_COLUMNS),
  desc: fc.boolean(),
  offset: fc.constantFrom(0, 0, 3, 40),
  limit: fc.constantFrom(1, 7, 50, 500),
});

type ListQuery = typeof queryArb extends fc.Arbitrary<infer T> ? T : never;

function check(q: ListQuery): void {
  const expected = reference(db, q.filters, q);
  const got = listCustomers(db, {
    offset: q.offset,
    limit: q.limit,
    sort: { column: q.sort, desc: q.desc },
    attrFilters: q.filters,
    ...(q.query !== undefined ? { query: q.query } : {}),
    ...(q.ownerId !== undefined ? { ownerId: q.ownerId } : {}),
  });
  expect(got.total).toBe(expected.length);
  expect(got.rows.map((r) => r.id)).toEqual(expected.slice(q.offset, q.offset + q.limit));
}

const opArb = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('update' as const), pick: fc.nat(), attrs: attrsArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('upsert' as const), pick: fc.nat(), attrs: attrsArb }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('convert' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('rename' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('insert' as const), attrs: attrsArb }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('catalog' as const), indexed: fc.subarray([...FIELDS]) }),
  },
);
type Op = typeof opArb extends fc.Arbitrary<infer T> ? T : never;
let catalogVersion = 2;

/** Writes of every kind through the repository (db/rows.ts), as pulls and mutations make them. */
function applyOps(ops: readonly Op[]): void {
  const ids = db.prepare('SELECT "id" FROM "customers" ORDER BY "id"').pluck().all() as string[];
  for (const o of ops) {
    const id = 'pick' in o ? ids[o.pick % Math.max(ids.length, 1)] : undefined;
    const row = id ? getRow(db, 'customers', id) : undefined;
    if (o.kind === 'update' && row) updateRow(db, 'customers', row.id, { attrs: o.attrs });
    else if (o.kind === 'upsert' && row)
      upsertRow(db, 'customers', { ...row, attrs: o.attrs, version: row.version + 1 });
    else if (o.kind === 'convert' && row) {
      updateRow(db, 'customers', row.id, { kind: row.kind === 'lead' ? 'customer' : 'lead' });
    } else if (o.kind === 'rename' && row) {
      updateRow(db, 'customers', row.id, { name: randomCustomer({}).name });
    } else if (o.kind === 'delete' && row) deleteRow(db, 'customers', row.id);
    else if (o.kind === 'insert') upsertRow(db, 'customers', randomCustomer(o.attrs));
    else if (o.kind === 'catalog') upsertRow(db, 'catalogs', catalog(o.indexed, catalogVersion++));
  }
}

/** The in-memory columns, caught up after the writes, hold exactly what a fresh build reads. */
function expectColumnsFresh(): void {
  const incremental = attrColumnsContent(db);
  forgetAttrColumns(db);
  expect(attrColumnsContent(db)).toEqual(incremental);
}

/** The index's content, fields by key (ids differ after a rebuild), in a canonical order. */
function indexContent(): string[] {
  const keyOf = new Map([...indexedAttrFields(db)].map(([key, f]) => [f.id, key]));
  return (
    db
      .prepare('SELECT "field", "kind", hex("v") AS "v", "customer", "role", "lc" FROM "customer_attr_index"')
      .all() as { field: number }[]
  )
    .map((e) => JSON.stringify({ ...e, field: keyOf.get(e.field) ?? `unknown ${e.field}` }))
    .sort();
}

describe('template-field filters of the customer list (property)', () => {
  it('answer exactly the reference rows, in order, with the reference total', () => {
    fc.assert(fc.property(queryArb, check), { numRuns: RUNS });
  });

  it('stay exact through writes of every kind, clears and changes of the indexed fields', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 6 }),
        fc.array(queryArb, { minLength: 1, maxLength: 3 }),
        (ops, queries) => {
          db.transaction(() => applyOps(ops))();
          for (const q of queries) check(q);
          expectColumnsFresh();
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
    // What the writes left is exactly what a rebuild derives from the rows.
    const incremental = indexContent();
    db.transaction(() => rebuildAttrIndex(db))();
    expect(indexContent()).toEqual(incremental);
  });

  it('stay exact inside a transaction and after its rollback', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { minLength: 1, maxLength: 6 }),
        fc.array(queryArb, { minLength: 1, maxLength: 2 }),
        fc.array(queryArb, { minLength: 1, maxLength: 2 }),
        fc.boolean(),
        (ops, inside, after, commit) => {
          // Lists read inside see the transaction's rows; a rollback takes them back from the lists too.
          const run = db.transaction(() => {
            applyOps(ops);
            for (const q of inside) check(q);
            if (!commit) throw new Error('rolled back');
          });
          if (commit) run();
          else expect(run).toThrow('rolled back');
          for (const q of after) check(q);
          expectColumnsFresh();
        },
      ),
      { numRuns: Math.max(20, Math.floor(RUNS / 4)) },
    );
  });

  it('compares strings in the order of JavaScript (UTF-16 code units), not by their UTF-8 bytes', () => {
    // U+E000 sorts above 😀 (U+1F600, the surrogates D83D DE00) in JavaScript, below it in UTF-8.
    const rows = [
      randomCustomer({ a: '😀' }),
      randomCustomer({ a: '\uE000' }),
      randomCustomer({ a: 'z' }),
    ].map((r) => ({ ...r, kind: 'customer' as const }));
    seedRows(db, { catalogs: [catalog(['a'], 1000)], customers: rows });
    const ids = (filter: unknown) =>
      listCustomers(db, {
        offset: 0,
        limit: 500,
        sort: { column: 'name', desc: false },
        attrFilters: [attrFilterSchema.parse(filter)],
      })
        .rows.map((r) => r.id)
        .filter((id) => rows.some((r) => r.id === id))
        .sort();
    const [emoji, privateUse, z] = rows.map((r) => r.id);
    expect(ids({ field: 'a', op: 'range', min: '\uE000' })).toEqual([privateUse].sort());
    expect(ids({ field: 'a', op: 'range', min: 'y', max: '\uDFFF' })).toEqual([emoji, z].sort());
    expect(ids({ field: 'a', op: 'in', values: ['😀', 'z'] })).toEqual([emoji, z].sort());
    db.transaction(() => rows.forEach((r) => deleteRow(db, 'customers', r.id)))();
  });

  it('answers as the rows are after a rollback, and after another connection commits', () => {
    seedRows(db, { catalogs: [catalog(['a', 'b'], 2000)] });
    const filters = [attrFilterSchema.parse({ field: 'a', op: 'in', values: ['memo-probe'] })];
    const ids = () =>
      listCustomers(db, {
        offset: 0,
        limit: 500,
        sort: { column: 'name', desc: false },
        attrFilters: filters,
      }).rows.map((r) => r.id);
    const row = { ...randomCustomer({ a: 'other' }), kind: 'customer' as const };
    seedRows(db, { customers: [row] });
    expect(ids()).toEqual([]);
    // A write that is rolled back changes nothing, whatever was remembered meanwhile.
    expect(() =>
      db.transaction(() => {
        updateRow(db, 'customers', row.id, { attrs: { a: 'memo-probe' } });
        expect(ids()).toEqual([row.id]);
        throw new Error('rolled back');
      })(),
    ).toThrow('rolled back');
    expect(ids()).toEqual([]);
    db.transaction(() => updateRow(db, 'customers', row.id, { attrs: { a: 'memo-probe' } }))();
    expect(ids()).toEqual([row.id]);
    // Another connection's commit (another process on the same file).
    const other = openTestDatabase(temp.dir, 'attrs.db');
    try {
      other.transaction(() => updateRow(other, 'customers', row.id, { attrs: { a: 'changed elsewhere' } }))();
    } finally {
      other.close();
    }
    expect(ids()).toEqual([]);
    db.transaction(() => deleteRow(db, 'customers', row.id))();
  });

  it('are built again after a rollback of the transaction that built them', () => {
    const q: ListQuery = {
      filters: [attrFilterSchema.parse({ field: 'a', op: 'notEmpty' })],
      query: undefined,
      ownerId: undefined,
      sort: 'name',
      desc: false,
      offset: 0,
      limit: 50,
    };
    check(q);
    // The clear drops the columns; a list inside the transaction builds them from the empty table.
    const run = db.transaction(() => {
      clearSyncedTables(db);
      check(q);
      throw new Error('rolled back');
    });
    expect(run).toThrow('rolled back');
    check(q);
    expectColumnsFresh();
  });

  it('empties with a clear and fills again as rows arrive, keeping its fields', () => {
    // The same indexed fields before and after: only the clear itself tells the columns.
    seedRows(db, { catalogs: [catalog(['a', 'b', 'c', 'd'], 98)] });
    check({
      filters: [attrFilterSchema.parse({ field: 'a', op: 'notEmpty' })],
      query: undefined,
      ownerId: undefined,
      sort: 'name',
      desc: false,
      offset: 0,
      limit: 50,
    });
    db.transaction(() => clearSyncedTables(db))();
    expect(indexContent()).toEqual([]);
    const row = randomCustomer({ a: 'abc', b: 5 });
    seedRows(db, {
      users: [rep, other],
      catalogs: [catalog(['a', 'b', 'c', 'd'], 99)],
      customers: [{ ...row, kind: 'customer' }],
    });
    expect(
      listCustomers(db, {
        offset: 0,
        limit: 5,
        sort: { column: 'name', desc: false },
        attrFilters: [attrFilterSchema.parse({ field: 'b', op: 'range', min: 5 })],
      }).rows.map((r) => r.id),
    ).toEqual([row.id]);
    // The new rows take the rowids of the cleared ones: their answers are theirs, not the old rows'.
    seedRows(db, {
      customers: fc
        .sample(attrsArb, { numRuns: 150, seed: 9 })
        .map((attrs) => randomCustomer(attrs as Record<string, unknown>)),
    });
    fc.assert(fc.property(queryArb, check), { numRuns: Math.max(20, Math.floor(RUNS / 4)) });
  });
});
