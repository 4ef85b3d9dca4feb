import { sql, type SQL } from 'drizzle-orm';
import type { SyncedTable } from '../../../shared/domain/rows';

/**
 * How each synced table's wire columns (shared/domain/rows.ts, camelCase) map to SQL (snake_case). Pull
 * selects them aliased to their wire names so a row goes to the device as the driver returns it; push
 * writes mutator effects through the same map, which is also the whitelist of writable columns.
 */
export type WireColumnKind = 'text' | 'uuid' | 'ms' | 'bool' | 'json';
export type WireColumn = { key: string; column: string; kind: WireColumnKind };

const c = (key: string, kind: WireColumnKind = 'text'): WireColumn => ({
  key,
  column: key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`),
  kind,
});

export const WIRE_COLUMNS: Record<SyncedTable, readonly WireColumn[]> = {
  users: [
    c('id', 'uuid'),
    c('orgId', 'uuid'),
    c('teamId', 'uuid'),
    c('username'),
    c('displayName'),
    c('role'),
    c('active', 'bool'),
    c('version', 'ms'),
  ],
  customers: [
    c('id', 'uuid'),
    c('orgId', 'uuid'),
    c('name'),
    c('shortName'),
    c('creditCode'),
    c('industry'),
    c('region'),
    c('address'),
    c('phone'),
    c('website'),
    c('source'),
    c('status'),
    c('level'),
    c('ownerId', 'uuid'),
    c('poolState'),
    c('claimedAt', 'ms'),
    c('lastFollowUpAt', 'ms'),
    c('lastDealAt', 'ms'),
    c('attrs', 'json'),
    c('createdAt', 'ms'),
    c('updatedAt', 'ms'),
    c('version', 'ms'),
  ],
  contacts: [
    c('id', 'uuid'),
    c('orgId', 'uuid'),
    c('customerId', 'uuid'),
    c('name'),
    c('title'),
    c('phone'),
    c('email'),
    c('wechat'),
    c('isPrimary', 'bool'),
    c('createdAt', 'ms'),
    c('updatedAt', 'ms'),
    c('version', 'ms'),
  ],
  followUps: [
    c('id', 'uuid'),
    c('orgId', 'uuid'),
    c('customerId', 'uuid'),
    c('contactId', 'uuid'),
    c('authorId', 'uuid'),
    c('type'),
    c('content'),
    c('outcome'),
    c('occurredAt', 'ms'),
    c('nextFollowUpAt', 'ms'),
    c('createdAt', 'ms'),
    c('updatedAt', 'ms'),
    c('version', 'ms'),
  ],
};

/** SQL table of each wire table. */
export const SQL_TABLES: Record<SyncedTable, string> = {
  users: 'users',
  customers: 'customers',
  contacts: 'contacts',
  followUps: 'follow_ups',
};

/** Tables with tombstones (`deleted_at`); users are deactivated, never deleted. */
export const HAS_TOMBSTONES: Record<SyncedTable, boolean> = {
  users: false,
  customers: true,
  contacts: true,
  followUps: true,
};

const columnsByKey = Object.fromEntries(
  Object.entries(WIRE_COLUMNS).map(([table, cols]) => [table, new Map(cols.map((col) => [col.key, col]))]),
) as Record<SyncedTable, Map<string, WireColumn>>;

/** The column behind a wire key, or undefined when the key is not a wire column of the table. */
export function wireColumn(table: SyncedTable, key: string): WireColumn | undefined {
  return columnsByKey[table].get(key);
}

/**
 * `a.owner_id AS "ownerId", a.version::float8 AS "version", …` for `table` under alias `alias`. bigint
 * columns are cast to float8 so both drivers return JS numbers (exact below 2^53) instead of strings.
 */
export function wireSelectList(table: SyncedTable, alias: string): SQL {
  return sql.raw(
    WIRE_COLUMNS[table]
      .map((col) =>
        col.kind === 'ms'
          ? `${alias}.${col.column}::float8 AS "${col.key}"`
          : `${alias}.${col.column} AS "${col.key}"`,
      )
      .join(', '),
  );
}

/** A value bound for writing into a column of the given kind. */
export function wireValue(col: WireColumn, value: unknown): SQL {
  if (col.kind === 'json') return sql`${JSON.stringify(value ?? {})}::jsonb`;
  return sql`${value ?? null}`;
}

/**
 * Runs several SELECTs as ONE statement and returns each one's rows: every query becomes a CTE and the
 * rows come back as JSON (`to_json` of the CTE's row, so keys are the column aliases and values what the
 * driver would return for the wire select lists: float8 numbers, booleans, jsonb objects). One round trip
 * instead of one per query — under load, round trips (and the context switches behind each) are what a
 * sync request costs most (docs/server.md "Round trips"). The queries may end in ORDER BY … LIMIT and
 * FOR … locks; they run in the order given (UNION ALL), and each keeps its own row order.
 */
export async function selectMany(
  db: { rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]> },
  queries: readonly SQL[],
): Promise<Record<string, unknown>[][]> {
  const out: Record<string, unknown>[][] = queries.map(() => []);
  if (queries.length === 0) return out;
  const ctes = queries.map((q, i) => sql`${sql.raw(`q${i}`)} AS (${q})`);
  const selects = queries.map(
    (_, i) => sql`SELECT ${i} AS "q", to_json(${sql.raw(`q${i}`)}) AS "row" FROM ${sql.raw(`q${i}`)}`,
  );
  const rows = await db.rows<{ q: number; row: Record<string, unknown> | string }>(
    sql`WITH ${sql.join(ctes, sql`, `)} ${sql.join(selects, sql` UNION ALL `)}`,
  );
  for (const { q, row } of rows) {
    // node-postgres and PGlite both parse json columns; a driver that does not hands back the text.
    out[q]?.push(typeof row === 'string' ? (JSON.parse(row) as Record<string, unknown>) : row);
  }
  return out;
}
