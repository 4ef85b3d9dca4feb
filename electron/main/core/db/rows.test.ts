import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, openTestDatabase, testCustomer } from '../testing';
import { getRow, insertRow, upsertRow } from './rows';

describe('synced rows repository', () => {
  const temp = makeTempDir();
  afterAll(() => temp.remove());

  it('a full pull insert of a row that exists already overwrites it like an upsert, children kept', () => {
    const db = openTestDatabase(temp.dir);
    const mine = testCustomer({ name: '本地待同步的客户', version: 0 });
    upsertRow(db, 'customers', mine);
    db.prepare(
      `INSERT INTO contacts (id, org_id, customer_id, name, is_primary, created_at, updated_at, version)
       VALUES ('01900000-0000-7000-8000-0000000000c1', ?, ?, '李四', 0, 1, 1, 0)`,
    ).run(mine.orgId, mine.id);
    const fromServer = { ...mine, name: '服务器上的客户', attrs: { 规模: '大' }, version: 7 };
    insertRow(db, 'customers', fromServer);
    expect(getRow(db, 'customers', mine.id)).toEqual(fromServer);
    // Not a delete-and-insert: the customer's contact is still there.
    expect(db.prepare('SELECT count(*) FROM contacts').pluck().get()).toBe(1);
    const fresh = testCustomer();
    insertRow(db, 'customers', fresh);
    expect(getRow(db, 'customers', fresh.id)).toEqual(fresh);
    db.close();
  });
});
