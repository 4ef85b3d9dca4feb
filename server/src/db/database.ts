import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { PgDialect, type PgTransactionConfig } from 'drizzle-orm/pg-core';
import pg from 'pg';

/** Where drizzle-kit writes the server's migrations (`drizzle.server.config.ts`). */
export const SERVER_MIGRATIONS_FOLDER = fileURLToPath(new URL('../../../drizzle/server', import.meta.url));

/** A row as the driver returns it: keys are the column aliases of the query. */
export type DbRow = Record<string, unknown>;

/** Runs parameterised SQL (drizzle's `sql` template). Every repository function takes one of these. */
export type SqlRunner = {
  rows<T extends DbRow = DbRow>(query: SQL): Promise<T[]>;
};

/** A transaction: SQL plus nested savepoints (a failing savepoint rolls back only its own work). */
export type ServerTx = SqlRunner & {
  savepoint<T>(work: (tx: ServerTx) => Promise<T>): Promise<T>;
};

export type TxOptions = {
  isolation?: 'read committed' | 'repeatable read' | 'serializable';
  readOnly?: boolean;
};

/**
 * The one small interface both drivers share (PGlite embedded, node-postgres for a real PostgreSQL), so
 * every query of the server is written once. Hot paths use raw SQL through `rows()`.
 */
export type ServerDb = SqlRunner & {
  kind: 'pglite' | 'postgres';
  /**
   * On PostgreSQL, read-write transactions (pushes, seeding) run on the **write pool**; `readOnly` ones
   * (pulls) and plain `rows()` / `query()` (authentication, login) on the **read pool**, so a burst of
   * pushes queued on an org's version lock cannot take the connections pulls need (docs/server.md "Pools").
   */
  transaction<T>(work: (tx: ServerTx) => Promise<T>, options?: TxOptions): Promise<T>;
  /**
   * A hot read-only statement outside any transaction, on the read pool: on PostgreSQL a named prepared
   * statement per distinct SQL text, parsed once per connection, whose plan PostgreSQL may cache (a
   * generic plan after five custom ones, when it costs no more): write it so that one plan is good for
   * every parameter value. Planning a pull's one big statement cost more than running it. For queries
   * of a few stable shapes only.
   */
  statement<T extends DbRow = DbRow>(query: SQL): Promise<T[]>;
  /** `SELECT 1` on a connection of its own (GET /health): never queues behind pulls or pushes. */
  ping(): Promise<void>;
  /** Plain text SQL with `$1` parameters, for tests and tools. */
  query(text: string, params?: unknown[]): Promise<DbRow[]>;
  /**
   * LISTENs on a NOTIFY channel (pokes between server instances). node-postgres holds one dedicated
   * connection and reconnects when it drops, calling `onResume` because notifications sent meanwhile
   * are lost; PGlite uses its own listen API (one process by nature). Resolves to the unlisten function.
   */
  listen(
    channel: string,
    onNotify: (payload: string) => void,
    onResume?: () => void,
  ): Promise<() => Promise<void>>;
  close(): Promise<void>;
};

export type OpenServerDatabaseOptions = {
  /** A PostgreSQL URL (the `DATABASE_URL` env); when set, PGlite is not used. */
  databaseUrl?: string | undefined;
  /** PGlite data folder; in memory when absent. */
  dataDir?: string | undefined;
  migrationsFolder?: string;
  /** PostgreSQL pool sizes; defaults from the environment, see `poolSizesFromEnv`. */
  pools?: Partial<PoolSizes>;
};

/** Connections per pool of one server process on PostgreSQL (docs/server.md "Pools"). */
export type PoolSizes = { read: number; write: number };

/**
 * Defaults sized for a 2-core box running PostgreSQL next to the server: pushes of one org serialise on
 * its version lock, so more write connections than a few only park more requests inside PostgreSQL;
 * pulls are short read-only snapshots and CPU bound, so a few more than the cores keeps both busy.
 * `TIDEPOOL_DB_READ_POOL` / `TIDEPOOL_DB_WRITE_POOL` override them.
 */
export const DEFAULT_POOL_SIZES: PoolSizes = { read: 6, write: 4 };

function positiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}: expected a whole number ≥ 1, got ${value}`);
  return n;
}

/** Pool sizes from `TIDEPOOL_DB_READ_POOL` and `TIDEPOOL_DB_WRITE_POOL`, else the defaults. */
export function poolSizesFromEnv(env: NodeJS.ProcessEnv = process.env): PoolSizes {
  return {
    read: positiveInt('TIDEPOOL_DB_READ_POOL', env.TIDEPOOL_DB_READ_POOL, DEFAULT_POOL_SIZES.read),
    write: positiveInt('TIDEPOOL_DB_WRITE_POOL', env.TIDEPOOL_DB_WRITE_POOL, DEFAULT_POOL_SIZES.write),
  };
}

/** Structural view of a drizzle database or transaction, common to both drivers. */
type DrizzleRunner = {
  execute(query: SQL): PromiseLike<{ rows: unknown[] }>;
};
type DrizzleTx = DrizzleRunner & {
  transaction<T>(work: (tx: DrizzleTx) => Promise<T>): Promise<T>;
};
type DrizzleDb = DrizzleRunner & {
  transaction<T>(work: (tx: DrizzleTx) => Promise<T>, config?: PgTransactionConfig): Promise<T>;
};

function runner(d: DrizzleRunner): SqlRunner {
  return {
    async rows<T extends DbRow>(query: SQL) {
      const result = await d.execute(query);
      return result.rows as T[];
    },
  };
}

function wrapTx(tx: DrizzleTx): ServerTx {
  return {
    ...runner(tx),
    savepoint: (work) => tx.transaction((inner) => work(wrapTx(inner))),
  };
}

function txConfig(options: TxOptions | undefined): PgTransactionConfig | undefined {
  if (!options) return undefined;
  const config: PgTransactionConfig = {};
  if (options.isolation) config.isolationLevel = options.isolation;
  if (options.readOnly) config.accessMode = 'read only';
  return config;
}

function wrap(
  kind: ServerDb['kind'],
  reads: DrizzleDb,
  writes: DrizzleDb,
  rest: Pick<ServerDb, 'query' | 'statement' | 'listen' | 'ping' | 'close'>,
): ServerDb {
  return {
    kind,
    ...runner(reads),
    transaction: (work, options) =>
      (options?.readOnly ? reads : writes).transaction((tx) => work(wrapTx(tx)), txConfig(options)),
    ...rest,
  };
}

/**
 * Statement names by SQL text. Each connection keeps every statement it prepared until it closes, so
 * the number of names is capped: past it, a new text runs unnamed (planned each time) as before.
 */
const MAX_PREPARED_TEXTS = 256;

function preparedStatements(pool: pg.Pool): ServerDb['statement'] {
  const dialect = new PgDialect();
  const names = new Map<string, string>();
  return async <T extends DbRow>(query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    let name = names.get(text);
    if (name === undefined && names.size < MAX_PREPARED_TEXTS) {
      name = `tp_${createHash('sha1').update(text).digest('hex')}`;
      names.set(text, name);
    }
    const result = await pool.query<T>(
      name === undefined ? { text, values: params } : { name, text, values: params },
    );
    return result.rows;
  };
}

/** Channel names are fixed identifiers of ours; LISTEN takes no parameters, so refuse anything else. */
function checkChannel(channel: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`Bad channel name ${channel}`);
  return channel;
}

/** Delay before a dropped LISTEN connection is opened again. */
const RELISTEN_DELAY_MS = 1000;

/** LISTEN on a dedicated node-postgres connection (a pooled one would be handed to other queries). */
function listenPostgres(connectionString: string): ServerDb['listen'] {
  return async (channel, onNotify, onResume) => {
    const name = checkChannel(channel);
    let stopped = false;
    let current: pg.Client | undefined;
    let timer: NodeJS.Timeout | undefined;
    const schedule = () => {
      if (stopped || timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        open().then(
          () => onResume?.(),
          () => schedule(),
        );
      }, RELISTEN_DELAY_MS);
      timer.unref();
    };
    const open = async (): Promise<void> => {
      const client = new pg.Client({ connectionString });
      client.on('notification', (n) => {
        if (n.channel === name) onNotify(n.payload ?? '');
      });
      const lost = () => {
        if (current !== client) return;
        current = undefined;
        void client.end().catch(() => {});
        schedule();
      };
      client.on('error', lost);
      client.on('end', lost);
      try {
        await client.connect();
        await client.query(`LISTEN ${name}`);
      } catch (err) {
        void client.end().catch(() => {});
        throw err;
      }
      if (stopped) {
        await client.end().catch(() => {});
        return;
      }
      current = client;
    };
    await open();
    return async () => {
      stopped = true;
      if (timer) clearTimeout(timer);
      const client = current;
      current = undefined;
      await client?.end().catch(() => {});
    };
  };
}

/**
 * The connection settings with PostgreSQL's JIT compiler off, keeping any `options` the URL carries (pg
 * lets the URL's `options` override the config's, so they move out of the URL and ours are appended).
 * The server's statements are short and run often; JIT only pays for long analytic queries, and it is
 * triggered by estimated cost, not by real work: a device's first pull page (one statement over a dozen
 * tables, each cut short by a one-time filter) spent 2.6 s of its 2.7 s compiling code it never ran, and
 * each 5,000-row follow-up page a third of its time (docs/server.md, "JIT off").
 */
export function connectionWithJitOff(databaseUrl: string): { connectionString: string; options: string } {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    // Not a URL (a socket path, a libpq key=value string): pg reads it as it is.
    return { connectionString: databaseUrl, options: '-c jit=off' };
  }
  const own = url.searchParams.get('options');
  if (own === null) return { connectionString: databaseUrl, options: '-c jit=off' };
  url.searchParams.delete('options');
  return { connectionString: url.toString(), options: `${own} -c jit=off` };
}

/**
 * Opens the server database and applies pending migrations: node-postgres when `databaseUrl` is given,
 * else PGlite in `dataDir` (created if missing) or in memory.
 */
export async function openServerDatabase(options: OpenServerDatabaseOptions = {}): Promise<ServerDb> {
  const migrationsFolder = options.migrationsFolder ?? SERVER_MIGRATIONS_FOLDER;
  if (options.databaseUrl) {
    const sizes = { ...poolSizesFromEnv(), ...options.pools };
    const connection = connectionWithJitOff(options.databaseUrl);
    const open = (max: number) => {
      const pool = new pg.Pool({ ...connection, max });
      // An idle client losing its connection must not crash the process; the next query reconnects.
      pool.on('error', () => {});
      return pool;
    };
    const readPool = open(sizes.read);
    const writePool = open(sizes.write);
    // One connection for the health probe, so /health answers whatever the other pools are doing.
    const probe = open(1);
    const reads = drizzleNodePg({ client: readPool });
    const writes = drizzleNodePg({ client: writePool });
    await migrateNodePg(writes, { migrationsFolder });
    return wrap('postgres', reads as unknown as DrizzleDb, writes as unknown as DrizzleDb, {
      query: async (text, params) => (await readPool.query(text, params)).rows as DbRow[],
      statement: preparedStatements(readPool),
      listen: listenPostgres(options.databaseUrl),
      ping: async () => void (await probe.query('SELECT 1')),
      close: async () => {
        await Promise.all([readPool.end(), writePool.end(), probe.end()]);
      },
    });
  }
  if (options.dataDir) mkdirSync(options.dataDir, { recursive: true });
  const client = options.dataDir ? new PGlite(options.dataDir) : new PGlite();
  const d = drizzlePglite({ client });
  await migratePglite(d, { migrationsFolder });
  // PGlite is one connection: reads, writes and the probe share it (an embedded, single-user server).
  const one = d as unknown as DrizzleDb;
  return wrap('pglite', one, one, {
    query: async (text, params) => (await client.query<DbRow>(text, params)).rows,
    statement: <T extends DbRow>(query: SQL) => runner(one).rows<T>(query),
    listen: async (channel, onNotify) => {
      const unlisten = await client.listen(checkChannel(channel), onNotify);
      return () => unlisten();
    },
    ping: async () => void (await client.query('SELECT 1')),
    close: () => client.close(),
  });
}

/** The driver's own error: drizzle wraps it in a DrizzleQueryError whose `cause` it is. */
function driverError(err: unknown): Record<string, unknown> | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 3 && typeof current === 'object' && current !== null; depth++) {
    const record = current as Record<string, unknown>;
    if (typeof record.code === 'string' && /^[0-9A-Z]{5}$/.test(record.code)) return record;
    current = record.cause;
  }
  return undefined;
}

/** PostgreSQL error code of a driver error (`23505` unique violation, …), if it is one. */
export function pgErrorCode(err: unknown): string | undefined {
  const code = driverError(err)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The constraint a driver error names (`customers_org_name_uq`), if any. */
export function pgConstraint(err: unknown): string | undefined {
  const constraint = driverError(err)?.constraint;
  return typeof constraint === 'string' ? constraint : undefined;
}
