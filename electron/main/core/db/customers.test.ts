import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_SORT_COLUMNS, type CustomerListItem } from '../../../../shared/api/contract';
import { CUSTOMER_LEVELS, type CustomerRow } from '../../../../shared/domain/rows';
import { newId } from '../../../../shared/ids';
import { defaultSettings } from '../../../../shared/domain/settings';
import { mutate } from '../mutate';
import { makeTempDir, openTestDatabase, seedRows, testCustomer, testUser, TEST_ORG_ID } from '../testing';
import { getCustomerDetail, listCustomers } from './customers';
import type { ClientDatabase } from './open';

const INDUSTRIES = ['机械制造', '软件', '化工', null] as const;
const REGIONS = ['上海', '苏州', '杭州', '宁波', null] as const;

/** SQLite's order for these columns: NULL first ascending, then binary (code point) order for text. */
function compare(a: unknown, b: unknown): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return Buffer.compare(Buffer.from(String(a)), Buffer.from(String(b)));
}

describe('customers repository', () => {
  const temp = makeTempDir();
  let db: ClientDatabase;
  const rep = testUser();
  const other = testUser({ username: 'lina', displayName: '李娜' });
  const rows: CustomerRow[] = [];

  beforeAll(() => {
    db = openTestDatabase(temp.dir);
    for (let i = 0; i < 230; i++) {
      rows.push(
        testCustomer({
          name: `${REGIONS[i % 4]}客户${String((i * 37) % 101).padStart(3, '0')}有限公司`,
          shortName: i % 3 === 0 ? `简称${i}` : null,
          phone: `1380013${String(i).padStart(4, '0')}`,
          industry: INDUSTRIES[i % INDUSTRIES.length] ?? null,
          region: REGIONS[i % REGIONS.length] ?? null,
          level: i % 5 === 0 ? null : (CUSTOMER_LEVELS[i % 4] ?? null),
          status: i % 7 === 0 ? 'dormant' : 'active',
          ownerId: i % 2 === 0 ? rep.id : other.id,
          lastFollowUpAt: i % 6 === 0 ? null : 1_700_000_000_000 + ((i * 7919) % 50) * 1000,
          updatedAt: 1_700_000_000_000 + (i % 17),
          createdAt: 1_690_000_000_000 + (i % 13),
        }),
      );
    }
    seedRows(db, { users: [rep, other], customers: rows });
  });
  afterAll(() => {
    db.close();
    temp.remove();
  });

  it.each(
    CUSTOMER_SORT_COLUMNS.flatMap((column) => [
      { column, desc: false },
      { column, desc: true },
    ]),
  )('sorts by $column (desc: $desc) with a stable id tiebreak, paged by SQLite', (sort) => {
    const expected = [...rows]
      .sort((a, b) => compare(a[sort.column], b[sort.column]) || compare(a.id, b.id))
      .map((r) => r.id);
    if (sort.desc) expected.reverse();
    const seen: string[] = [];
    for (let offset = 0; offset < rows.length; offset += 50) {
      const page = listCustomers(db, { offset, limit: 50, sort });
      expect(page.total).toBe(rows.length);
      seen.push(...page.rows.map((r) => r.id));
    }
    expect(seen).toEqual(expected);
  });

  it('answers list items with the owner name joined from users', () => {
    const { rows: page } = listCustomers(db, { offset: 0, limit: 2, sort: { column: 'name', desc: false } });
    const first = page[0] as CustomerListItem;
    const source = rows.find((r) => r.id === first.id);
    expect(first.ownerName).toBe(source?.ownerId === rep.id ? '张伟' : '李娜');
    expect(Object.keys(first).sort()).toEqual(
      [
        'id',
        'name',
        'shortName',
        'industry',
        'region',
        'phone',
        'level',
        'status',
        'ownerId',
        'ownerName',
        'lastFollowUpAt',
        'updatedAt',
        'dueTasks',
        'attrs',
        'locked',
        'recycle',
      ].sort(),
    );
    expect(first.attrs).toEqual({});
    expect(first).toMatchObject({ locked: false, recycle: null });
  });

  it('searches a substring of name, short name or phone, with LIKE wildcards taken literally', () => {
    const byName = listCustomers(db, {
      offset: 0,
      limit: 500,
      sort: { column: 'name', desc: false },
      query: '苏州客户',
    });
    expect(byName.total).toBe(rows.filter((r) => r.name.includes('苏州客户')).length);
    expect(byName.total).toBeGreaterThan(0);
    const byShort = listCustomers(db, {
      offset: 0,
      limit: 500,
      sort: { column: 'name', desc: false },
      query: '简称12',
    });
    expect(byShort.rows.map((r) => r.shortName).every((s) => s?.includes('简称12'))).toBe(true);
    const byPhone = listCustomers(db, {
      offset: 0,
      limit: 10,
      sort: { column: 'name', desc: false },
      query: '13800130042',
    });
    expect(byPhone.total).toBe(1);
    expect(
      listCustomers(db, { offset: 0, limit: 10, sort: { column: 'name', desc: false }, query: '%' }).total,
    ).toBe(0);
    expect(
      listCustomers(db, {
        offset: 0,
        limit: 10,
        sort: { column: 'name', desc: false },
        query: "'; DROP TABLE customers; --",
      }).total,
    ).toBe(0);
  });

  it('gives the detail with contacts, a newest-first timeline and pending marks', () => {
    const customer = rows[0] as CustomerRow;
    const ids = [newId(), newId()];
    mutate(
      db,
      rep,
      'logFollowUp',
      {
        id: ids[0],
        customerId: customer.id,
        type: 'call',
        content: '电话沟通',
        occurredAt: 1_700_000_100_000,
      },
      1_750_000_000_000,
    );
    mutate(
      db,
      rep,
      'logFollowUp',
      {
        id: ids[1],
        customerId: customer.id,
        type: 'visit',
        content: '上门拜访',
        occurredAt: 1_700_000_200_000,
      },
      1_750_000_000_000,
    );
    const ctx = { userId: rep.id, settings: defaultSettings(TEST_ORG_ID) };
    const detail = getCustomerDetail(db, customer.id, ctx);
    expect(detail?.customer.ownerName).toBe('张伟');
    expect(detail?.followUps.map((f) => f.id)).toEqual([ids[1], ids[0]]);
    expect(detail?.followUps.every((f) => f.pending && f.authorName === '张伟')).toBe(true);
    expect(detail?.followUps[0]?.editableUntil).toBe(1_750_000_000_000 + 24 * 3_600_000);
    expect(
      getCustomerDetail(db, customer.id, { ...ctx, userId: other.id })?.followUps[0]?.editableUntil,
    ).toBe(null);
    expect(getCustomerDetail(db, newId(), ctx)).toBeUndefined();
  });
});
