import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SyncStatus } from '../../shared/api/contract';
import { callCore, countDeviceRows, startCore } from '../lib/core';
import { figure } from '../lib/figures';
import { createScratchDatabase, startServerProcess, type ScratchDatabase } from '../lib/postgres';
import { openRawClientSchema, tableColumns, toSqliteValue } from '../lib/rawSqlite';
import { BENCH_PASSWORD, seedBenchOrg } from '../lib/seed';
import { secondsSince, type Suite } from '../lib/suite';

/**
 * The device's SQLite tables a rep's first sync fills, parents first, with the PostgreSQL table that
 * holds their rows (the same name but for ownership history). Tables the server does not have (an
 * older server schema) are skipped.
 */
const TABLES = [
  { device: 'users', server: 'users' },
  { device: 'settings', server: 'settings' },
  { device: 'customers', server: 'customers' },
  { device: 'contacts', server: 'contacts' },
  { device: 'follow_ups', server: 'follow_ups' },
  { device: 'ownership_events', server: 'ownership_history' },
] as const;

type RawRows = { table: string; columns: string[]; rows: unknown[][] }[];

/**
 * The rows the rep's device must end up with, fetched from PostgreSQL before anything is timed, in the
 * device's columns: the reference inserts exactly the rows the sync delivers.
 */
async function fetchScopeRows(
  scratch: ScratchDatabase,
  orgId: string,
  repId: string,
  columnsOf: (t: string) => string[],
): Promise<RawRows> {
  const out: RawRows = [];
  for (const { device, server } of TABLES) {
    const serverColumns = new Set(
      (
        await scratch.pool.query<{ column_name: string }>(
          `SELECT column_name FROM information_schema.columns WHERE table_name = $1`,
          [server],
        )
      ).rows.map((r) => r.column_name),
    );
    if (serverColumns.size === 0) continue;
    // The device's local columns (the customers' unique keys) are derived on the device, not sent.
    const columns = columnsOf(device).filter((c) => serverColumns.has(c));
    const select = columns.map((c) => `x.${c}`).join(', ');
    const live = serverColumns.has('deleted_at') ? ' AND x.deleted_at IS NULL' : '';
    const where =
      device === 'users' || device === 'settings'
        ? `x.org_id = $1`
        : device === 'customers'
          ? `x.org_id = $1 AND x.owner_id = $2${live}`
          : `x.org_id = $1${live} AND x.customer_id IN (SELECT id FROM customers WHERE owner_id = $2)`;
    const params = device === 'users' || device === 'settings' ? [orgId] : [orgId, repId];
    const { rows } = await scratch.pool.query({
      text: `SELECT ${select} FROM ${server} x WHERE ${where} ORDER BY x.id`,
      values: params,
      rowMode: 'array',
    });
    out.push({ table: device, columns, rows: (rows as unknown[][]).map((r) => r.map(toSqliteValue)) });
  }
  return out;
}

/** The raw reference: prepared INSERTs of the same rows into the device schema, one transaction, WAL. */
function rawInsert(dir: string, data: RawRows): number {
  const file = join(dir, `raw-${Math.random().toString(36).slice(2)}.db`);
  const db = openRawClientSchema(file);
  try {
    const started = performance.now();
    db.transaction(() => {
      for (const { table, columns, rows } of data) {
        const insert = db.prepare(
          `INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
        );
        for (const row of rows) insert.run(row);
      }
    })();
    return secondsSince(started);
  } finally {
    db.close();
    rmSync(file, { force: true });
    rmSync(`${file}-wal`, { force: true });
    rmSync(`${file}-shm`, { force: true });
  }
}

/**
 * Figure 1 (issue 3): the first sync of a big book into an EMPTY client core, end to end over HTTP from a
 * real server process on PostgreSQL: login, every pull page validated and applied, the cursor committed.
 * Reference: a raw better-sqlite3 prepared-statement insert of the same rows (same columns, the device's
 * schema and indexes) in one transaction, WAL, timed twice around the sync; the faster one counts.
 */
export const initialSync: Suite = {
  figures: ['sync.initial.rows_per_s', 'sync.initial.ratio_to_raw_sqlite'],
  async run(ctx) {
    const customers = ctx.quick ? 5_000 : 50_000;
    const scratch = await createScratchDatabase();
    const dir = mkdtempSync(join(tmpdir(), 'tidepool-bench-'));
    let stopServer: (() => Promise<void>) | null = null;
    try {
      const seedStarted = performance.now();
      const org = await seedBenchOrg(scratch.pool, {
        reps: 1,
        customersPerRep: customers,
        contactsPerCustomer: 2,
        followUpsPerCustomer: 10,
      });
      const rep = org.reps[0]!;
      ctx.log(
        `seeded ${org.customers} customers, ${org.contacts} contacts, ${org.followUps} follow-ups in ${secondsSince(seedStarted).toFixed(1)} s`,
      );
      const server = await startServerProcess(scratch.url);
      stopServer = server.stop;

      const schemaProbe = openRawClientSchema(join(dir, 'probe.db'));
      const columns = Object.fromEntries(TABLES.map((t) => [t.device, tableColumns(schemaProbe, t.device)]));
      schemaProbe.close();
      const data = await fetchScopeRows(scratch, org.orgId, rep.id, (t) => columns[t] ?? []);
      const totalRows = data.reduce((n, t) => n + t.rows.length, 0);

      const rawBefore = rawInsert(dir, data);
      ctx.log(`raw insert: ${totalRows} rows in ${rawBefore.toFixed(2)} s`);

      const dataDir = join(dir, 'device');
      const core = await startCore(dataDir);
      let status: SyncStatus;
      const started = performance.now();
      try {
        await callCore(core, 'session.login', {
          serverUrl: server.url,
          username: rep.username,
          password: BENCH_PASSWORD,
        });
        // Login starts the first sync; syncNow() waits for it (and one more, empty, incremental cycle).
        status = await core.syncNow();
      } finally {
        await core.close();
      }
      const syncSeconds = secondsSince(started);
      if (status.lastError)
        throw new Error(`first sync failed: ${status.lastError.code} ${status.lastError.message}`);
      // Every row of the reference (the rep's scope, read from PostgreSQL) is on the device.
      const counts = countDeviceRows(dataDir, rep.id);
      for (const { table, rows } of data) {
        if (counts[table] !== rows.length)
          throw new Error(`first sync delivered ${counts[table]} ${table}, expected ${rows.length}`);
      }
      ctx.log(`end-to-end first sync: ${totalRows} rows in ${syncSeconds.toFixed(2)} s`);

      const rawAfter = rawInsert(dir, data);
      ctx.log(`raw insert again: ${rawAfter.toFixed(2)} s`);
      const rawRate = totalRows / Math.min(rawBefore, rawAfter);
      const syncRate = totalRows / syncSeconds;
      const ratio = syncRate / rawRate;
      return [
        figure('sync.initial.rows_per_s', syncRate, 'rows/s', rawRate, {
          referenceLabel: 'raw SQLite insert rows/s',
          target: 'ratio ≥ 0.4',
          meets: () => ratio >= 0.4,
        }),
        figure('sync.initial.ratio_to_raw_sqlite', ratio, '×raw', 1, {
          referenceLabel: 'raw SQLite = 1',
          target: '≥ 0.4',
          meets: (v) => v >= 0.4,
        }),
      ];
    } finally {
      await stopServer?.();
      await scratch.drop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
