import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../testing';
import { connectionWithJitOff, openServerDatabase } from './database';

describe('connection settings', () => {
  it('turns the JIT compiler off and keeps the options a URL carries', () => {
    expect(connectionWithJitOff('postgres://u@db:5432/crm')).toEqual({
      connectionString: 'postgres://u@db:5432/crm',
      options: '-c jit=off',
    });
    // pg lets a URL's `options` override the config's: they move into ours instead of replacing them.
    const withOwn = connectionWithJitOff(
      'postgres://u@db/crm?options=-c%20statement_timeout%3D5000&sslmode=disable',
    );
    expect(withOwn.options).toBe('-c statement_timeout=5000 -c jit=off');
    expect(new URL(withOwn.connectionString).searchParams.get('options')).toBeNull();
    expect(new URL(withOwn.connectionString).searchParams.get('sslmode')).toBe('disable');
    expect(connectionWithJitOff('host=/run/postgresql dbname=crm').options).toBe('-c jit=off');
  });

  describe.runIf(process.env.TIDEPOOL_TEST_DB === 'postgres')('on PostgreSQL', () => {
    let test: TestDatabase;
    beforeAll(async () => {
      test = await openTestDatabase();
    });
    afterAll(() => test.close());

    it('every pooled connection runs without JIT, prepared statements included', async () => {
      const db = await openServerDatabase({ databaseUrl: test.url! });
      try {
        // Read pool (plain and prepared) and write pool.
        expect(await db.query('SHOW jit')).toEqual([{ jit: 'off' }]);
        expect(await db.statement(sql`SELECT current_setting('jit') AS jit`)).toEqual([{ jit: 'off' }]);
        await db.transaction(async (tx) => {
          expect(await tx.rows(sql`SELECT current_setting('jit') AS jit`)).toEqual([{ jit: 'off' }]);
        });
      } finally {
        await db.close();
      }
    });
  });
});
