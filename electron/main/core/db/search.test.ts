import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_SORT_COLUMNS, type CustomerSortColumn } from '../../../../shared/api/contract';
import type { CustomerRow } from '../../../../shared/domain/rows';
import { normalizePhone } from '../../../../shared/domain/validators';
import { newId } from '../../../../shared/ids';
import { attrFilterSchema, fieldDefSchema } from '../../../../shared/templates';
import { makeTempDir, openTestDatabase, seedRows, TEST_ORG_ID, testCustomer, testUser } from '../testing';
import { listCustomers, listLeads } from './customers';
import { rebuildLocalIndex } from './localIndex';
import type { ClientDatabase } from './open';
import { clearSyncedTables, deleteRow, updateRow } from './rows';

/**
 * Quick search (db/localIndex.ts): Chinese substrings of any length, phone fragments, ASCII case folded,
 * and never what is not there. The property test compares every answer (rows in order and total) with a
 * plain reference filter, over data made of few characters so that some terms match most rows (the plan
 * that walks the sort index) and others few (the plan that starts from the FTS matches) — alone, and
 * among the rows of a template filter (the search then checked in memory, db/attrColumns.ts).
 */

const RUNS = Number(process.env.TIDEPOOL_PROPERTY_RUNS ?? 200);
const rep = testUser();
const other = testUser({ username: 'lina', displayName: '李娜' });

const page = (query: string, extra: Partial<Parameters<typeof listCustomers>[1]> = {}) =>
  listCustomers(db, { offset: 0, limit: 500, sort: { column: 'name', desc: false }, query, ...extra });
const names = (query: string) => page(query).rows.map((r) => r.name);

let db: ClientDatabase;
const temp = makeTempDir();
afterAll(() => {
  db.close();
  temp.remove();
});

describe('quick search on realistic names', () => {
  const customers = [
    testCustomer({ name: '上海浦东恒瑞精密机械有限公司', shortName: '恒瑞精密', phone: '13800138000' }),
    testCustomer({ name: '苏州华信电子科技有限公司', shortName: '华信电子', phone: '021-6888 8888' }),
    testCustomer({ name: '杭州恒通物流有限公司', shortName: null, phone: '+86 139 1234 5678' }),
    testCustomer({ name: 'ABB（中国）有限公司', shortName: 'ABB', phone: null }),
    testCustomer({ name: '宁波瑞丰新材料股份有限公司', shortName: '瑞丰', phone: '0574-8765 4321' }),
  ];
  const lead = testCustomer({ name: '恒瑞线索展会', kind: 'lead', leadStatus: 'new', phone: '13700000000' });

  beforeAll(() => {
    db = openTestDatabase(temp.dir, 'realistic.db');
    seedRows(db, {
      users: [rep, other],
      customers: [...customers, lead].map((c, i) => ({ ...c, ownerId: i % 2 ? other.id : rep.id })),
    });
  });

  it('finds 1-, 2-, 3- and longer Chinese substrings of the name and short name', () => {
    expect(names('恒')).toEqual(['上海浦东恒瑞精密机械有限公司', '杭州恒通物流有限公司']);
    expect(names('恒瑞')).toEqual(['上海浦东恒瑞精密机械有限公司']);
    expect(names('瑞精密')).toEqual(['上海浦东恒瑞精密机械有限公司']);
    expect(names('精密机械有限')).toEqual(['上海浦东恒瑞精密机械有限公司']);
    expect(names('瑞')).toEqual(['上海浦东恒瑞精密机械有限公司', '宁波瑞丰新材料股份有限公司']);
    expect(names('有限公司')).toHaveLength(5);
    expect(names('华信电子')).toEqual(['苏州华信电子科技有限公司']);
    expect(page('司').total).toBe(5);
  });

  it('finds phone fragments whatever the stored formatting', () => {
    expect(names('8000')).toEqual(['上海浦东恒瑞精密机械有限公司']);
    expect(names('68888888')).toEqual(['苏州华信电子科技有限公司']);
    expect(names('6888 8888')).toEqual(['苏州华信电子科技有限公司']);
    expect(names('0574-8765')).toEqual(['宁波瑞丰新材料股份有限公司']);
    expect(names('12345678')).toEqual(['杭州恒通物流有限公司']);
    expect(names('+86 139 1234')).toEqual(['杭州恒通物流有限公司']);
    expect(names('9')).toEqual(['杭州恒通物流有限公司']);
  });

  it('folds ASCII case, ANDs separate terms, and takes wildcards literally', () => {
    expect(names('abb')).toEqual(['ABB（中国）有限公司']);
    expect(names('Ab')).toEqual(['ABB（中国）有限公司']);
    expect(names('恒 机械')).toEqual(['上海浦东恒瑞精密机械有限公司']);
    expect(names('恒 电子')).toEqual([]);
    expect(page('%').total).toBe(0);
    expect(page('（').total).toBe(1);
  });

  it('does not find what is not there', () => {
    expect(names('瑞恒')).toEqual([]); // reversed
    expect(names('司恒')).toEqual([]); // end of the name + start of the short name: two fields
    expect(names('B中')).toEqual([]); // across "（": two runs
    expect(names('上海浦东恒瑞精密机械有限公司X')).toEqual([]);
    expect(names('13800138001')).toEqual([]);
    expect(names('线索')).toEqual([]); // a lead is not in the customer list
    expect(names('恒瑞线')).toEqual([]);
  });

  it('searches leads in the leads list only, and narrows to an owner', () => {
    expect(
      listLeads(db, { offset: 0, limit: 50, status: 'open', query: '恒瑞' }).rows.map((r) => r.name),
    ).toEqual(['恒瑞线索展会']);
    expect(listLeads(db, { offset: 0, limit: 50, status: 'open', query: '恒通' }).total).toBe(0);
    expect(page('有限', { ownerId: other.id }).rows.map((r) => r.name)).toEqual([
      'ABB（中国）有限公司',
      '苏州华信电子科技有限公司',
    ]);
    expect(page('有限', { ownerId: other.id }).total).toBe(2);
  });

  it('follows renames, deletions, conversions and a clear', () => {
    const [first] = customers;
    db.transaction(() => updateRow(db, 'customers', first!.id, { name: '上海浦东鼎盛精密机械有限公司' }))();
    expect(names('恒瑞精密机械')).toEqual([]);
    expect(names('鼎盛')).toEqual(['上海浦东鼎盛精密机械有限公司']);
    db.transaction(() =>
      updateRow(db, 'customers', lead.id, { kind: 'customer', leadStatus: 'converted' }),
    )();
    expect(names('线索')).toEqual(['恒瑞线索展会']);
    expect(listLeads(db, { offset: 0, limit: 50, status: 'open', query: '线索' }).total).toBe(0);
    expect(listLeads(db, { offset: 0, limit: 50, status: 'converted', query: '线索' }).total).toBe(1);
    db.transaction(() => deleteRow(db, 'customers', lead.id))();
    expect(names('线索')).toEqual([]);
    expect(page('').total).toBe(5);
    db.transaction(() => rebuildLocalIndex(db))();
    expect(names('鼎盛')).toEqual(['上海浦东鼎盛精密机械有限公司']);
    db.transaction(() => clearSyncedTables(db))();
    expect(page('').total).toBe(0);
    expect(page('有限').total).toBe(0);
  });
});

describe('quick search against a reference filter (property)', () => {
  const CHARS = ['恒', '瑞', '精', '密', '上', '海', '有', '限', 'A', 'b', 'C', '1', '2'];
  const rows: CustomerRow[] = [];
  let dbFile: ClientDatabase;

  beforeAll(() => {
    let seed = 7;
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
      return seed / 2_147_483_648;
    };
    const word = (min: number, max: number) =>
      Array.from({ length: min + Math.floor(rnd() * (max - min + 1)) }, () =>
        rnd() < 0.08 ? ' ' : CHARS[Math.floor(rnd() * CHARS.length)],
      ).join('');
    for (let i = 0; i < 400; i++) {
      const name = word(2, 9).trim() || '恒';
      rows.push(
        testCustomer({
          name,
          shortName: rnd() < 0.5 ? word(1, 4).trim() || null : null,
          phone: rnd() < 0.7 ? `13${Math.floor(rnd() * 1e9)}`.slice(0, 11) : null,
          kind: rnd() < 0.1 ? 'lead' : 'customer',
          ownerId: rnd() < 0.5 ? rep.id : other.id,
          lastFollowUpAt: rnd() < 0.2 ? null : Math.floor(rnd() * 50) * 1000,
          level: rnd() < 0.5 ? 'A' : 'B',
        }),
      );
    }
    dbFile = openTestDatabase(temp.dir, 'property.db');
    seedRows(dbFile, { users: [rep, other], customers: rows });
  });
  afterAll(() => dbFile.close());

  const lower = (s: string | null) => (s ?? '').replace(/[A-Z]/g, (c) => c.toLowerCase());
  function reference(query: string, ownerId: string | undefined, sort: CustomerSortColumn, desc: boolean) {
    const trimmed = query.trim();
    const phoneLike = /\d/.test(trimmed) && /^[\d\s()+\-.]+$/.test(trimmed);
    const terms = phoneLike
      ? [
          normalizePhone(trimmed)
            .replace(/^(\+|00)86/, '')
            .replace(/\D/g, ''),
        ]
      : lower(trimmed)
          .split(/[^\p{L}\p{N}]+/u)
          .filter(Boolean);
    // SQLite's order: NULL first ascending, numbers by value, text by its UTF-8 bytes.
    const cmp = (a: unknown, b: unknown): number =>
      a === b
        ? 0
        : a === null
          ? -1
          : b === null
            ? 1
            : typeof a === 'number' && typeof b === 'number'
              ? a - b
              : Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
    const hits = rows
      .filter((r) => r.kind === 'customer' && (!ownerId || r.ownerId === ownerId))
      .filter((r) =>
        terms.every(
          (t) =>
            lower(r.name).includes(t) ||
            lower(r.shortName).includes(t) ||
            (r.phone ? normalizePhone(r.phone) : '').includes(t),
        ),
      )
      .sort((a, b) => cmp(a[sort], b[sort]) || cmp(a.id, b.id));
    if (desc) hits.reverse();
    return hits.map((r) => r.id);
  }

  const queryArb = fc.oneof(
    fc.constantFrom(...CHARS),
    fc.array(fc.constantFrom(...CHARS), { minLength: 2, maxLength: 4 }).map((a) => a.join('')),
    fc.array(fc.constantFrom(...CHARS, ' '), { minLength: 1, maxLength: 6 }).map((a) => a.join('')),
    fc.stringMatching(/^[0-9]{1,5}$/),
  );

  function checkAll(attrFilters: Parameters<typeof listCustomers>[1]['attrFilters']): void {
    fc.assert(
      fc.property(
        queryArb,
        fc.constantFrom(...CUSTOMER_SORT_COLUMNS),
        fc.boolean(),
        fc.nat({ max: 300 }),
        fc.constantFrom(1, 7, 50),
        fc.constantFrom(undefined, rep.id),
        (q, column, desc, offset, limit, ownerId) => {
          if (q.trim() === '') return;
          const expected = reference(q, ownerId, column, desc);
          const got = listCustomers(dbFile, {
            offset,
            limit,
            sort: { column, desc },
            query: q,
            ownerId,
            ...(attrFilters ? { attrFilters } : {}),
          });
          expect(got.total).toBe(expected.length);
          expect(got.rows.map((r) => r.id)).toEqual(expected.slice(offset, offset + limit));
        },
      ),
      { numRuns: RUNS },
    );
  }

  it('answers exactly the reference rows, in order, with the reference total', () => {
    checkAll(undefined);
  });

  it('answers the same among the rows of a template filter every row passes', () => {
    // An indexed field no row has a value of: `empty` keeps every row, and the search is then decided
    // among the filter's rows, from the FTS matches or from each row's search text held in memory.
    seedRows(dbFile, {
      catalogs: [
        {
          id: TEST_ORG_ID,
          orgId: TEST_ORG_ID,
          optionLists: [],
          fields: [
            fieldDefSchema.parse({
              key: 'segment',
              labelZh: '细分',
              labelEn: 'Segment',
              type: 'text',
              searchable: true,
            }),
          ],
          updatedAt: 1,
          version: 1,
        },
      ],
    });
    checkAll([attrFilterSchema.parse({ field: 'segment', op: 'empty' })]);
  });

  it('keeps a lead out and finds a new row at once', () => {
    const row = testCustomer({ id: newId(), name: '独一无二', ownerId: rep.id });
    seedRows(dbFile, { customers: [row] });
    expect(
      listCustomers(dbFile, { offset: 0, limit: 5, sort: { column: 'name', desc: false }, query: '一无' })
        .rows,
    ).toMatchObject([{ id: row.id }]);
  });
});
