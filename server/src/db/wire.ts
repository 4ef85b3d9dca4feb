import { sql, type SQL } from 'drizzle-orm';
import type { SyncedTable } from '../../../shared/domain/rows';
import { uniqueKey } from '../../../shared/domain/uniqueness';

/**
 * How each synced table's wire columns (shared/domain/rows.ts, camelCase) map to SQL (snake_case). Pull
 * selects them aliased to their wire names so a row goes to the device as the driver returns it; push
 * writes mutator effects through the same map, which is also the whitelist of writable columns.
 */
export type WireColumnKind = 'text' | 'uuid' | 'ms' | 'bigint' | 'int' | 'bool' | 'json';
/** `since`: the protocol version that added the column; older devices are not sent it (pull.ts). */
export type WireColumn = { key: string; column: string; kind: WireColumnKind; since: number };

/** The protocol every column of the tables protocol 2 already knew dates from. */
const BASE_PROTOCOL = 2;
/** Protocol 4: business profiles from templates (catalogs, template versions, `attrs` everywhere). */
const TEMPLATES_PROTOCOL = 4;
/** Protocol 5: the public sea (pools; the pool columns of customers and ownership history). */
const POOLS_PROTOCOL = 5;

const c = (key: string, kind: WireColumnKind = 'text', since = BASE_PROTOCOL): WireColumn => ({
  key,
  column: key.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`),
  kind,
  since,
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
  settings: [
    c('id', 'uuid', 3),
    c('orgId', 'uuid', 3),
    c('stages', 'json', 3),
    c('followUpTypes', 'json', 3),
    c('lostReasons', 'json', 3),
    c('followUpEditWindowHours', 'int', 3),
    c('updatedAt', 'ms', 3),
    c('version', 'ms', 3),
  ],
  catalogs: [
    c('id', 'uuid', TEMPLATES_PROTOCOL),
    c('orgId', 'uuid', TEMPLATES_PROTOCOL),
    c('optionLists', 'json', TEMPLATES_PROTOCOL),
    c('fields', 'json', TEMPLATES_PROTOCOL),
    c('updatedAt', 'ms', TEMPLATES_PROTOCOL),
    c('version', 'ms', TEMPLATES_PROTOCOL),
  ],
  templateVersions: [
    c('id', 'uuid', TEMPLATES_PROTOCOL),
    c('orgId', 'uuid', TEMPLATES_PROTOCOL),
    c('templateId', 'uuid', TEMPLATES_PROTOCOL),
    c('entity', 'text', TEMPLATES_PROTOCOL),
    c('category', 'text', TEMPLATES_PROTOCOL),
    c('number', 'int', TEMPLATES_PROTOCOL),
    c('nameZh', 'text', TEMPLATES_PROTOCOL),
    c('nameEn', 'text', TEMPLATES_PROTOCOL),
    c('sections', 'json', TEMPLATES_PROTOCOL),
    c('fields', 'json', TEMPLATES_PROTOCOL),
    c('publishedAt', 'ms', TEMPLATES_PROTOCOL),
    c('publishedBy', 'uuid', TEMPLATES_PROTOCOL),
    c('createdAt', 'ms', TEMPLATES_PROTOCOL),
    c('updatedAt', 'ms', TEMPLATES_PROTOCOL),
    c('version', 'ms', TEMPLATES_PROTOCOL),
  ],
  pools: [
    c('id', 'uuid', POOLS_PROTOCOL),
    c('orgId', 'uuid', POOLS_PROTOCOL),
    c('kind', 'text', POOLS_PROTOCOL),
    c('nameZh', 'text', POOLS_PROTOCOL),
    c('nameEn', 'text', POOLS_PROTOCOL),
    c('teamIds', 'json', POOLS_PROTOCOL),
    c('adminIds', 'json', POOLS_PROTOCOL),
    c('isDefault', 'bool', POOLS_PROTOCOL),
    c('active', 'bool', POOLS_PROTOCOL),
    c('recycle', 'json', POOLS_PROTOCOL),
    c('claim', 'json', POOLS_PROTOCOL),
    c('assign', 'text', POOLS_PROTOCOL),
    c('createdAt', 'ms', POOLS_PROTOCOL),
    c('updatedAt', 'ms', POOLS_PROTOCOL),
    c('version', 'ms', POOLS_PROTOCOL),
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
    c('kind', 'text', 3),
    c('leadStatus', 'text', 3),
    c('convertedAt', 'ms', 3),
    c('attrs', 'json'),
    c('templateVersionId', 'uuid', TEMPLATES_PROTOCOL),
    c('poolId', 'uuid', POOLS_PROTOCOL),
    c('locked', 'bool', POOLS_PROTOCOL),
    c('enteredPoolAt', 'ms', POOLS_PROTOCOL),
    c('previousOwnerId', 'uuid', POOLS_PROTOCOL),
    c('deregisteredAt', 'ms', POOLS_PROTOCOL),
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
    c('attrs', 'json', TEMPLATES_PROTOCOL),
    c('templateVersionId', 'uuid', TEMPLATES_PROTOCOL),
    c('createdAt', 'ms'),
    c('updatedAt', 'ms'),
    c('version', 'ms'),
  ],
  followUps: [
    c('id', 'uuid'),
    c('orgId', 'uuid'),
    c('customerId', 'uuid'),
    c('contactId', 'uuid'),
    c('opportunityId', 'uuid', 3),
    c('authorId', 'uuid'),
    c('type'),
    c('content'),
    c('outcome'),
    c('occurredAt', 'ms'),
    c('nextFollowUpAt', 'ms'),
    c('attrs', 'json', TEMPLATES_PROTOCOL),
    c('templateVersionId', 'uuid', TEMPLATES_PROTOCOL),
    c('createdAt', 'ms'),
    c('updatedAt', 'ms'),
    c('version', 'ms'),
  ],
  opportunities: [
    c('id', 'uuid', 3),
    c('orgId', 'uuid', 3),
    c('customerId', 'uuid', 3),
    c('ownerId', 'uuid', 3),
    c('name', 'text', 3),
    c('amountMinor', 'bigint', 3),
    c('currency', 'text', 3),
    c('stageKey', 'text', 3),
    c('status', 'text', 3),
    c('expectedCloseAt', 'ms', 3),
    c('lostReason', 'text', 3),
    c('closedAt', 'ms', 3),
    c('attrs', 'json', TEMPLATES_PROTOCOL),
    c('templateVersionId', 'uuid', TEMPLATES_PROTOCOL),
    c('createdAt', 'ms', 3),
    c('updatedAt', 'ms', 3),
    c('version', 'ms', 3),
  ],
  stageChanges: [
    c('id', 'uuid', 3),
    c('orgId', 'uuid', 3),
    c('customerId', 'uuid', 3),
    c('opportunityId', 'uuid', 3),
    c('fromStage', 'text', 3),
    c('toStage', 'text', 3),
    c('changedBy', 'uuid', 3),
    c('changedAt', 'ms', 3),
    c('createdAt', 'ms', 3),
    c('updatedAt', 'ms', 3),
    c('version', 'ms', 3),
  ],
  tasks: [
    c('id', 'uuid', 3),
    c('orgId', 'uuid', 3),
    c('customerId', 'uuid', 3),
    c('assigneeId', 'uuid', 3),
    c('title', 'text', 3),
    c('type', 'text', 3),
    c('dueAt', 'ms', 3),
    c('origin', 'text', 3),
    c('status', 'text', 3),
    c('sourceFollowUpId', 'uuid', 3),
    c('doneFollowUpId', 'uuid', 3),
    c('doneAt', 'ms', 3),
    c('createdBy', 'uuid', 3),
    c('createdAt', 'ms', 3),
    c('updatedAt', 'ms', 3),
    c('version', 'ms', 3),
  ],
  // The server's ownership_history, read-only on devices: written only by `move` effects and the seed.
  ownershipEvents: [
    c('id', 'uuid', 3),
    c('orgId', 'uuid', 3),
    c('customerId', 'uuid', 3),
    c('fromOwnerId', 'uuid', 3),
    c('toOwnerId', 'uuid', 3),
    c('fromPoolState', 'text', 3),
    c('toPoolState', 'text', 3),
    c('actorType', 'text', 3),
    c('actorId', 'uuid', 3),
    c('reason', 'text', 3),
    c('action', 'text', POOLS_PROTOCOL),
    c('poolId', 'uuid', POOLS_PROTOCOL),
    c('at', 'ms', 3),
    c('version', 'ms', 3),
  ],
};

/** SQL table of each wire table. */
export const SQL_TABLES: Record<SyncedTable, string> = {
  users: 'users',
  settings: 'settings',
  catalogs: 'catalogs',
  templateVersions: 'template_versions',
  pools: 'pools',
  customers: 'customers',
  contacts: 'contacts',
  followUps: 'follow_ups',
  opportunities: 'opportunities',
  stageChanges: 'stage_changes',
  tasks: 'tasks',
  ownershipEvents: 'ownership_history',
};

/**
 * Tables with tombstones (`deleted_at`). Users are deactivated, never deleted; an org's settings and
 * catalog rows live as long as the org; template versions are immutable and never deleted (records name
 * them); ownership history is an append-only audit trail.
 */
export const HAS_TOMBSTONES: Record<SyncedTable, boolean> = {
  users: false,
  settings: false,
  catalogs: false,
  templateVersions: false,
  pools: false,
  customers: true,
  contacts: true,
  followUps: true,
  opportunities: true,
  stageChanges: true,
  tasks: true,
  ownershipEvents: false,
};

/**
 * Configuration rows a push reads WITHOUT a row lock (docs/server.md "Config rows"): every mutation of an
 * org reads its settings row, and every templated write its catalog and a template version, so locking
 * them would serialise all the org's pushes on one row; users are read by transfers and task assignment.
 * Mutators never write users, catalogs or versions; a push that writes settings takes the slow path,
 * whose reads happen under the org lock that every writer of settings holds.
 */
export const CONFIG_TABLES: ReadonlySet<SyncedTable> = new Set([
  'users',
  'settings',
  'catalogs',
  'templateVersions',
  'pools',
]);

/**
 * Tables no mutator may write: the server writes them itself (history with a move; catalogs and template
 * versions through the admin API, server/src/admin/templates.ts).
 */
export const SERVER_WRITTEN_TABLES: ReadonlySet<SyncedTable> = new Set([
  'ownershipEvents',
  'catalogs',
  'templateVersions',
  'pools',
]);

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
 * With `protocolVersion`, only the columns that protocol knows (a protocol-2 device gets no `kind`).
 */
export function wireSelectList(table: SyncedTable, alias: string, protocolVersion?: number): SQL {
  return sql.raw(
    WIRE_COLUMNS[table]
      .filter((col) => protocolVersion === undefined || col.since <= protocolVersion)
      .map((col) =>
        col.kind === 'ms' || col.kind === 'bigint'
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
 * Server-only columns derived from wire values, as `column → value`: a customer's `name_norm` and
 * `phone_norm` (the keys its unique indexes hold, shared/domain/uniqueness.ts). Given a partial row (an
 * update's `set`), only the columns whose source is in it.
 */
export function derivedColumns(table: SyncedTable, values: Record<string, unknown>): Record<string, unknown> {
  if (table !== 'customers') return {};
  const out: Record<string, unknown> = {};
  if (typeof values.name === 'string') out.name_norm = uniqueKey('name', values.name) ?? '';
  if ('phone' in values && values.phone !== undefined) {
    out.phone_norm = uniqueKey('phone', typeof values.phone === 'string' ? values.phone : null);
  }
  return out;
}

/** Server-only columns a table carries besides its wire columns (what a full-row write must fill). */
export function serverOnlyColumns(table: SyncedTable): string[] {
  return [
    ...(HAS_TOMBSTONES[table] ? ['deleted_at'] : []),
    ...(table === 'customers' ? ['name_norm', 'phone_norm'] : []),
  ];
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

/**
 * A page row of the pull, kept as the JSON text PostgreSQL rendered (`json`): the server splices it into
 * the answer and never parses or re-serialises a row it only forwards (docs/server.md "Rows as text").
 * `id` and `customerId` (child tables) are what the cursor needs; `gone` is an incremental round's verdict
 * (null in a full round), and `json` is null when the row is gone (a `del` carries only its id).
 */
export type PatchRow = { id: string; customerId: string | null; gone: boolean | null; json: string | null };

/** What `selectMixed` returns for one selection: parsed rows, or patch rows as text. */
export type Selected = { rows: Record<string, unknown>[]; patch: PatchRow[] };

/**
 * One SELECT of `selectMixed`: `rows` come back parsed as `selectMany`'s do; `patch` rows as `PatchRow`s.
 * A patch query selects a table's wire list (aliases `id`, and `customerId` when `child`), plus a boolean
 * `"_gone"` when `gone`, which is left out of the row's JSON.
 */
export type Selection =
  { as: 'rows'; query: SQL } | { as: 'patch'; query: SQL; child: boolean; gone: boolean };

/**
 * `selectMany` for a mix of plain rows and pull rows, in one statement (one snapshot, one round trip).
 * A pull row's JSON is rendered by PostgreSQL as text (`to_json`, or `to_jsonb(…) - '_gone'` when the
 * query carries a verdict), so the driver hands back a string instead of parsing it into an object.
 */
export async function selectMixed(
  db: { rows<T extends Record<string, unknown>>(query: SQL): Promise<T[]> },
  selections: readonly Selection[],
): Promise<Selected[]> {
  const out: Selected[] = selections.map(() => ({ rows: [], patch: [] }));
  if (selections.length === 0) return out;
  const ctes = selections.map((s, i) => sql`${sql.raw(`q${i}`)} AS (${s.query})`);
  const selects = selections.map((s, i) => {
    const q = sql.raw(`q${i}`);
    if (s.as === 'rows') {
      return sql`SELECT ${i} AS "q", to_json(${q}) AS "row", NULL::text AS "id", NULL::text AS "c",
        NULL::boolean AS "g", NULL::text AS "j" FROM ${q}`;
    }
    const customer = s.child ? sql`${q}."customerId"::text` : sql`NULL::text`;
    const gone = s.gone ? sql`${q}."_gone"` : sql`NULL::boolean`;
    const json = s.gone
      ? sql`CASE WHEN ${q}."_gone" THEN NULL ELSE (to_jsonb(${q}) - '_gone')::text END`
      : sql`to_json(${q})::text`;
    return sql`SELECT ${i} AS "q", NULL::json AS "row", ${q}."id"::text AS "id", ${customer} AS "c",
      ${gone} AS "g", ${json} AS "j" FROM ${q}`;
  });
  const rows = await db.rows<{
    q: number;
    row: Record<string, unknown> | string | null;
    id: string | null;
    c: string | null;
    g: boolean | null;
    j: string | null;
  }>(sql`WITH ${sql.join(ctes, sql`, `)} ${sql.join(selects, sql` UNION ALL `)}`);
  for (const r of rows) {
    const into = out[r.q];
    if (!into) continue;
    if (selections[r.q]?.as === 'rows') {
      const row = r.row;
      into.rows.push(typeof row === 'string' ? (JSON.parse(row) as Record<string, unknown>) : (row ?? {}));
    } else {
      into.patch.push({ id: String(r.id), customerId: r.c, gone: r.g, json: r.j });
    }
  }
  return out;
}
