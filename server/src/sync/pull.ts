import { sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { AppError, parseOrThrow, type AppErrorData } from '../../../shared/errors';
import {
  PROTOCOL_3_TABLES,
  PROTOCOL_4_TABLES,
  SYNCED_TABLES,
  TABLE_SCOPE,
  type SyncedTable,
} from '../../../shared/domain/rows';
import { getMutation, isMutationName } from '../../../shared/mutations';
import {
  pullRequestSchema,
  type Conflict,
  type PatchOp,
  type PullResponse,
  type SessionUser,
} from '../../../shared/sync/protocol';
import type { DbRow, ServerTx, ServerDb } from '../db/database';
import {
  HAS_TOMBSTONES,
  selectMany,
  selectMixed,
  SQL_TABLES,
  wireSelectList,
  type PatchRow,
  type Selection,
} from '../db/wire';
import { definedReads } from './mutators';
import { checkProtocolVersion } from './protocolGate';
import { loadScope, ownerInScope, type UserScope } from './scope';

/** Rows per page when the device does not ask for a limit. */
export const DEFAULT_PULL_LIMIT = 5000;

/**
 * The tables a device of each protocol is sent, in pull order (parents first), and the id of that list
 * carried in the cursor (`l`). Each list is exactly what servers sent before the next protocol existed,
 * in the same order, so a device continues its cursors across the server's upgrade: protocol 3's list
 * has no catalogs and template versions, protocol 4's no pools. (List 2, and a cursor without `l`, come
 * from protocol-2 servers and devices: no device served today holds one that could continue, so such a
 * cursor restarts a full pull.)
 */
type TableListId = 3 | 4 | 5;
type TableList = { id: TableListId; tables: readonly SyncedTable[] };
const TABLE_LISTS: Record<TableListId, TableList> = {
  3: { id: 3, tables: PROTOCOL_3_TABLES },
  4: { id: 4, tables: PROTOCOL_4_TABLES },
  5: { id: 5, tables: SYNCED_TABLES },
};

/** The table list a device speaking `protocolVersion` is served. */
export function tableListFor(protocolVersion: number): TableList {
  if (protocolVersion >= 5) return TABLE_LISTS[5];
  return protocolVersion === 4 ? TABLE_LISTS[4] : TABLE_LISTS[3];
}

/**
 * What the opaque cursor holds. Settled (`p` absent): the device has every change up to org version `v`
 * of the tables of list `l`, and the rejections up to mutation `m`. Mid-round (`p` present): a round
 * towards version `v` is being paged; `p.b` is its base version (null for a full pull), `p.t` the index
 * of the table in list `l` and `p.a` the last id sent in that table (keyset paging). A full round pages
 * the children of customers by (customer id, id), so its cursor also holds `p.c`, the customer id of the
 * last child sent. `l` absent: a cursor from before protocol 3, i.e. list 2 (never continued now).
 */
const cursorSchema = z
  .object({
    u: z.uuid(),
    v: z.int().nonnegative(),
    m: z.int().nonnegative(),
    l: z.union([z.literal(2), z.literal(3), z.literal(4), z.literal(5)]).optional(),
    p: z
      .object({
        b: z.int().nonnegative().nullable(),
        t: z
          .int()
          .min(0)
          .max(SYNCED_TABLES.length - 1),
        a: z.uuid().nullable(),
        /** Full rounds in a child table: the customer id of the last row sent (keyset with `a`). */
        c: z.uuid().optional(),
        /** Full rounds: rows sent so far and the round's total, for the progress bar. */
        s: z.int().nonnegative().optional(),
        n: z.int().nonnegative().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type PullCursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: PullCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

/** Decodes a cursor made by encodeCursor; anything else is a 400 naming the cursor. */
export function decodeCursor(text: string): PullCursor {
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw new AppError(
      'bad_request',
      'cursor: not a cursor this server issued; pull again with cursor null',
      {
        field: 'cursor',
      },
    );
  }
  const parsed = cursorSchema.safeParse(json);
  if (!parsed.success) {
    throw new AppError(
      'bad_request',
      'cursor: not a cursor this server issued; pull again with cursor null',
      {
        field: 'cursor',
      },
    );
  }
  return parsed.data;
}

/**
 * A version or mutation id: known (from the cursor, or read by an earlier statement of the page), or read
 * by the page's own statement (a scalar subquery), when the whole page is one statement.
 */
type Bound = number | SQL;

/** The mutation ids a round's first page delivers refusals for: (ackedBefore, lastMutationId]. */
type Acks = { ackedBefore: number; lastMutationId: Bound };

/** One page's plan: which round, where in it, and what the device already acknowledged. */
type Round = {
  /** The tables of the device's protocol (the cursor's `t` indexes them). */
  list: TableList;
  /** The device's protocol: columns it does not know are not sent. */
  protocol: number;
  /** Base version of an incremental round; null for a full pull (starts with `clear`). */
  base: number | null;
  /** The org version this round brings the device to (the snapshot of its first page). */
  target: number;
  table: number;
  after: string | null;
  /** Full rounds in a child table: the customer id of the row `after` names. */
  afterCustomer: string | null;
  firstPage: boolean;
  /** Mutation id delivered before this round (rejections after it are sent on the round's first page). */
  ackedBefore: number;
  /** lastMutationId reported on every page of the round. */
  lastMutationId: number;
  /** Full rounds after the first page: rows sent so far and the total announced on the first page. */
  progress: { sent: number; total: number } | null;
};

function visible(alias: string, scope: UserScope): SQL {
  const a = sql.raw(alias);
  return sql`(${a}.deleted_at IS NULL AND ${a}.pool_state = 'private' AND ${ownerInScope(scope, sql.raw(`${alias}.owner_id`))})`;
}

/**
 * A customer that left the scope since `base`: its ownership changed (ownership_history) and it is no
 * longer visible, or it was deleted while owned within the scope. Its row and its children become `del`.
 */
function gone(alias: string, scope: UserScope, base: number): SQL {
  const a = sql.raw(alias);
  // Only a device that held the customer hears that it left: the owner it had then is the `from` of the
  // first move after `base`. Anyone else would get a `del` for a row it never had — noise on every
  // claim and recycle, and a leak of other reps' customer ids.
  return sql`(NOT ${visible(alias, scope)} AND (
    EXISTS (SELECT 1 FROM ownership_history h WHERE h.customer_id = ${a}.id AND h.version > ${base}
      AND h.from_pool_state = 'private' AND ${ownerInScope(scope, sql.raw('h.from_owner_id'))})
    OR (${a}.deleted_at IS NOT NULL AND ${a}.version > ${base} AND ${ownerInScope(scope, sql.raw(`${alias}.owner_id`))})))`;
}

/**
 * Children of a customer whose ownership changed after the round's target wait for the next round,
 * which sends that customer whole (entering) or removes it (leaving); this keeps a page from sending a
 * contact whose customer the device does not have.
 */
function notMovedAfter(alias: string, target: number): SQL {
  return sql`NOT EXISTS (SELECT 1 FROM ownership_history h WHERE h.customer_id = ${sql.raw(alias)}.id AND h.version > ${target})`;
}

/** `alias` is a live row: always for tables without tombstones (ownership history is never deleted). */
function live(table: SyncedTable, alias: string): SQL {
  return HAS_TOMBSTONES[table] ? sql`${sql.raw(alias)}.deleted_at IS NULL` : sql`TRUE`;
}

/**
 * The page query of one table, by its TABLE_SCOPE. Full pulls send the live rows of the scope;
 * incremental pulls the rows changed since `base`, with `"_gone"` true for those to delete. Ordered by
 * id for keyset paging, except a full round's child tables (by customer id, id).
 */
function pageQuery(table: SyncedTable, round: Round, scope: UserScope, limit: number): SQL {
  const from = sql.raw(SQL_TABLES[table]);
  const cols = wireSelectList(table, 'x', round.protocol);
  const after = round.after === null ? sql`` : sql`AND x.id > ${round.after}`;
  const org = scope.orgId;
  const { base, target } = round;
  const tail = sql`${after} ORDER BY x.id LIMIT ${limit}`;

  // Org-wide rows (users, settings): every device of the org has them all; never deleted.
  if (TABLE_SCOPE[table] === 'org') {
    const changed = base === null ? sql`` : sql`AND x.version > ${base}`;
    return sql`SELECT ${cols} FROM ${from} x WHERE x.org_id = ${org} ${changed} ${tail}`;
  }
  if (TABLE_SCOPE[table] === 'customer') {
    if (base === null) {
      return sql`SELECT ${cols} FROM customers x
        WHERE x.org_id = ${org} AND ${visible('x', scope)} ${tail}`;
    }
    return sql`SELECT ${cols}, NOT ${visible('x', scope)} AS "_gone" FROM customers x
      WHERE x.org_id = ${org} AND x.version > ${base}
        AND (${visible('x', scope)} OR ${gone('x', scope, base)}) ${tail}`;
  }
  // A customer's children (contacts, follow-ups, opportunities, …): scoped through their customer.
  const isLive = live(table, 'x');
  if (base === null) {
    // Paged by (customer_id, id) through the live (customer_id, id) index: a page reads the children of
    // consecutive customers, so each customer's scope check is made once per customer (Memoize) instead
    // of once per row in random id order (docs/bench.md).
    const afterKey =
      round.after === null || round.afterCustomer === null
        ? sql``
        : // The bound on c.id is implied by the row comparison; it lets a merge join start both sides
          // at the cursor instead of walking customers from the first one on every page.
          sql`AND (x.customer_id, x.id) > (${round.afterCustomer}::uuid, ${round.after}::uuid)
            AND c.id >= ${round.afterCustomer}::uuid`;
    return sql`SELECT ${cols} FROM ${from} x JOIN customers c ON c.id = x.customer_id
      WHERE x.org_id = ${org} AND ${isLive} AND x.version <= ${target}
        AND ${visible('c', scope)} AND ${notMovedAfter('c', target)} ${afterKey}
      ORDER BY x.customer_id, x.id LIMIT ${limit}`;
  }
  const entered = sql`EXISTS (SELECT 1 FROM ownership_history h WHERE h.customer_id = c.id AND h.version > ${base})`;
  const put = sql`(${visible('c', scope)} AND ${notMovedAfter('c', target)}
    AND ((x.version > ${base} AND x.version <= ${target}) OR (${isLive} AND ${entered})))`;
  const select = sql`SELECT ${cols}, (NOT ${isLive} OR NOT ${visible('c', scope)}) AS "_gone"
    FROM ${from} x JOIN customers c ON c.id = x.customer_id`;
  // Two index-friendly halves instead of one OR over the whole table: rows changed since base (by
  // org_id + version), and the unchanged rows of customers that moved or were deleted since base (by
  // customer_id). They are disjoint (version > base vs ≤ base).
  const movedOrDeleted = sql`SELECT customer_id FROM ownership_history WHERE org_id = ${org} AND version > ${base}
    UNION SELECT id FROM customers WHERE org_id = ${org} AND version > ${base} AND deleted_at IS NOT NULL`;
  return sql`SELECT * FROM (
      ${select} WHERE x.org_id = ${org} AND x.version > ${base} AND (${put} OR ${gone('c', scope, base)}) ${after}
      UNION ALL
      ${select} WHERE x.customer_id IN (${movedOrDeleted}) AND x.version <= ${base}
        AND (${put} OR ${gone('c', scope, base)}) ${after}
    ) x ORDER BY x.id LIMIT ${limit}`;
}

/** Tables whose rows follow their customer, paged by (customer id, id) in a full round. */
function isChildTable(table: SyncedTable): boolean {
  return TABLE_SCOPE[table] === 'child';
}

/** The page query of a table as a `selectMixed` selection: its rows come back as JSON text. */
function patchSelection(table: SyncedTable, round: Round, query: SQL): Selection {
  return {
    as: 'patch',
    query,
    child: isChildTable(table),
    gone: round.base !== null && TABLE_SCOPE[table] !== 'org',
  };
}

/** One patch op as JSON text: the row PostgreSQL rendered, spliced in untouched (ids are uuids). */
function opText(table: SyncedTable, row: PatchRow): string {
  return row.gone === true || row.json === null
    ? `{"op":"del","table":"${table}","id":"${row.id}"}`
    : `{"op":"put","table":"${table}","row":${row.json}}`;
}

type RejectionRow = { mutationId: number; name: string; args: unknown; error: AppErrorData };

/**
 * Rows in the user's scope at the snapshot, over the round's tables (org rows, visible customers, their
 * live children): the total of a full round's progress bar. Counted once, on the round's first page.
 */
function countScopeQuery(scope: UserScope, tables: readonly SyncedTable[]): SQL {
  const org = scope.orgId;
  const counts = tables.map((table) => {
    const from = sql.raw(SQL_TABLES[table]);
    if (TABLE_SCOPE[table] === 'org') return sql`(SELECT count(*) FROM ${from} WHERE org_id = ${org})`;
    if (TABLE_SCOPE[table] === 'customer') {
      return sql`(SELECT count(*) FROM customers x WHERE x.org_id = ${org} AND ${visible('x', scope)})`;
    }
    return sql`(SELECT count(*) FROM ${from} x JOIN customers c ON c.id = x.customer_id
      WHERE x.org_id = ${org} AND ${live(table, 'x')} AND ${visible('c', scope)})`;
  });
  return sql`SELECT (${sql.join(counts, sql` + `)})::float8 AS total`;
}

/**
 * Re-fetch after a refusal: the current server state of every row a refused (or partly conflicting)
 * mutation read or targeted — `put` when it is in the user's scope, else `del` — so the device drops the
 * optimistic values it applied for it (a rejected edit, a follow-up on a customer that left the scope).
 * A child put in scope comes after its customer's put, which the device may not have yet in this round.
 * Only the round's tables: a protocol-3 device is never sent a catalog its mutation read.
 */
async function refetchRows(
  tx: ServerTx,
  scope: UserScope,
  round: Round,
  refused: readonly { name: string; args: unknown }[],
  conflicts: readonly Conflict[],
): Promise<PatchOp[]> {
  const tables = round.list.tables;
  const wanted = new Map<SyncedTable, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  const want = (table: SyncedTable, id: string) => wanted.get(table)?.add(id);
  for (const r of refused) {
    if (!isMutationName(r.name)) continue;
    const def = getMutation(r.name);
    const parsed = def.args.safeParse(r.args);
    // Arguments that never parsed were never applied on a device either (the same schema refuses them).
    if (!parsed.success) continue;
    for (const [, spec] of definedReads(def.reads(parsed.data, { orgId: scope.orgId }))) {
      want(spec.table, spec.id);
    }
  }
  for (const c of conflicts) want(c.table, c.id);

  const org = scope.orgId;
  const inList = (ids: Iterable<string>) =>
    sql.join(
      [...ids].map((id) => sql`${id}::uuid`),
      sql`, `,
    );
  const found = new Map<SyncedTable, DbRow[]>();
  const fetch = async (table: SyncedTable, select: (ids: SQL) => SQL) => {
    const ids = wanted.get(table) ?? new Set<string>();
    if (ids.size > 0) found.set(table, await tx.rows(select(inList(ids))));
  };
  // Children first, so that their customers can be added to the customers' fetch.
  for (const table of tables.filter(isChildTable)) {
    await fetch(
      table,
      (ids) => sql`SELECT ${wireSelectList(table, 'x', round.protocol)},
          (${live(table, 'x')} AND ${visible('c', scope)}) AS "_in"
        FROM ${sql.raw(SQL_TABLES[table])} x JOIN customers c ON c.id = x.customer_id
        WHERE x.org_id = ${org} AND x.id IN (${ids})`,
    );
    for (const row of found.get(table) ?? []) if (row._in === true) want('customers', String(row.customerId));
  }
  for (const table of tables.filter((t) => !isChildTable(t))) {
    // Org-wide rows are in every user's scope; a customer when visible.
    const inScope = TABLE_SCOPE[table] === 'org' ? sql`TRUE` : visible('x', scope);
    await fetch(
      table,
      (ids) => sql`SELECT ${wireSelectList(table, 'x', round.protocol)}, ${inScope} AS "_in"
        FROM ${sql.raw(SQL_TABLES[table])} x WHERE x.org_id = ${org} AND x.id IN (${ids})`,
    );
  }
  const ops: PatchOp[] = [];
  for (const table of tables) {
    const seen = new Set<string>();
    for (const row of found.get(table) ?? []) {
      const id = String(row.id);
      seen.add(id);
      const inScope = row._in === true;
      delete row._in;
      ops.push(inScope ? { op: 'put', table, row } : { op: 'del', table, id });
    }
    // Rows that do not exist (or belong to another org) are removed from the device all the same.
    for (const id of wanted.get(table) ?? []) if (!seen.has(id)) ops.push({ op: 'del', table, id });
  }
  return ops;
}

/**
 * Whether each table of `tables` may have something for an incremental round from `base`: a row of the
 * org changed since (index probes on (org_id, version)), or, for a customer's children, a customer of
 * the org moved or was deleted since (its unchanged children enter or leave with it).
 */
function changedTablesQuery(orgId: string, tables: readonly SyncedTable[], base: number): SQL {
  const changedIn = (from: string) =>
    sql`EXISTS (SELECT 1 FROM ${sql.raw(from)} x WHERE x.org_id = ${orgId} AND x.version > ${base})`;
  const flags = tables.map((table) => changedIn(SQL_TABLES[table]));
  return sql`SELECT ARRAY[${sql.join(flags, sql`, `)}] AS changed, (${changedIn('ownership_history')}
    OR EXISTS (SELECT 1 FROM customers x WHERE x.org_id = ${orgId} AND x.version > ${base}
      AND x.deleted_at IS NOT NULL)) AS moved`;
}

/** This client's rejections delivered by a round's first page: ids in (acked before, last processed]. */
function rejectionsQuery(clientId: string, round: Acks): SQL {
  return sql`SELECT mutation_id AS "mutationId", name, args, error FROM mutation_rejections
    WHERE client_id = ${clientId} AND mutation_id > ${round.ackedBefore} AND mutation_id <= ${round.lastMutationId}
    ORDER BY mutation_id`;
}

/** This client's conflicts delivered by a round's first page, like its rejections. */
function conflictsQuery(clientId: string, round: Acks): SQL {
  return sql`SELECT mutation_id AS "mutationId", name, table_name AS "table", row_id AS "id", field, base, mine, theirs
    FROM sync_conflicts
    WHERE client_id = ${clientId} AND mutation_id > ${round.ackedBefore} AND mutation_id <= ${round.lastMutationId}
    ORDER BY mutation_id, field`;
}

/** A page before it is rendered: everything but the patch, and the patch ops as JSON texts. */
type PageAnswer = { head: Omit<PullResponse, 'patch'>; patch: string[]; ops: number };

/** The page as the JSON text of a PullResponse (the rows inside it are PostgreSQL's text, unparsed). */
function renderPage(page: PageAnswer): string {
  const head = JSON.stringify(page.head);
  return `${head.slice(0, -1)},"patch":[${page.patch.join(',')}]}`;
}

/**
 * Fills a page from the rows each of the round's remaining tables answered (`rowsOf(i)` for table
 * `round.table + i`, at most `remaining` rows wanted) until the page is full: the patch, the next
 * cursor and the progress. `target` and `lastMutationId` are the round's, resolved.
 */
async function fillPage(
  round: Round,
  resolved: { target: number; lastMutationId: number; userId: string },
  tableCount: number,
  rowsOf: (i: number, remaining: number) => PatchRow[] | Promise<PatchRow[]>,
  limit: number,
  progressIn: { sent: number; total: number } | null,
): Promise<{ patch: string[]; next: PullCursor; hasMore: boolean; progress: typeof progressIn }> {
  const full = round.base === null;
  const list = round.list;
  const patch: string[] = round.firstPage && full ? ['{"op":"clear"}'] : [];
  let remaining = limit;
  let next: PullCursor = {
    u: resolved.userId,
    v: resolved.target,
    m: resolved.lastMutationId,
    l: list.id,
  };
  let hasMore = false;
  for (let i = 0; i < tableCount; i++) {
    const t = round.table + i;
    const table = list.tables[t] as SyncedTable;
    const rows = (await rowsOf(i, remaining)).slice(0, remaining);
    for (const row of rows) patch.push(opText(table, row));
    remaining -= rows.length;
    if (remaining === 0) {
      const last = rows[rows.length - 1];
      next = { ...next, p: { b: round.base, t, a: last ? last.id : round.after } };
      if (full && isChildTable(table) && next.p) {
        const c = last ? last.customerId : round.afterCustomer;
        if (c !== null) next.p.c = c;
      }
      hasMore = true;
      break;
    }
  }
  const progress = progressIn ? { ...progressIn } : null;
  if (progress) {
    progress.sent += limit - remaining;
    // The total was counted in the first page's snapshot; keep the bar honest if rows were added since.
    progress.total = Math.max(progress.total, progress.sent);
    if (next.p) next.p = { ...next.p, s: progress.sent, n: progress.total };
  }
  return { patch, next, hasMore, progress };
}

function answer(
  filled: Awaited<ReturnType<typeof fillPage>>,
  lastMutationId: number,
  rejections: readonly RejectionRow[],
  conflicts: readonly Conflict[],
  extra: readonly PatchOp[] = [],
): PageAnswer {
  return {
    head: {
      cursor: encodeCursor(filled.next),
      hasMore: filled.hasMore,
      lastMutationId,
      rejections: rejections.map((r) => ({
        mutationId: r.mutationId,
        name: r.name,
        error: r.error,
        args: r.args,
      })),
      conflicts: [...conflicts],
      ...(filled.progress ? { progress: filled.progress } : {}),
    },
    patch: extra.length > 0 ? [...filled.patch, ...extra.map((op) => JSON.stringify(op))] : filled.patch,
    ops: filled.patch.length + extra.length,
  };
}

type Head = { version: number; userId: string | null; lastMutationId: number | null };

function headQuery(clientId: string, orgId: string): SQL {
  return sql`SELECT o.version AS version, c.user_id AS "userId", c.last_mutation_id AS "lastMutationId"
    FROM orgs o LEFT JOIN sync_clients c ON c.client_id = ${clientId} WHERE o.id = ${orgId}`;
}

/**
 * A device's first full page when its whole scope fits in it (what a rep's first sync, or a reset, is)
 * as ONE statement outside any transaction (a statement is one snapshot): the org version and client,
 * the progress total, the rejections and conflicts, and the whole patch, which PostgreSQL renders as one
 * text (each table's ops in list order, parents first), so the server never holds a row as an object.
 * The tables are read only when the count fits the page (a one-time filter); otherwise, or when the
 * client belongs to another user, it answers null and the page is read by the transaction instead.
 * Incremental rounds stay there: one statement would plan every table's query even when nothing changed.
 */
async function readFirstPageAtOnce(
  db: ServerDb,
  user: SessionUser,
  scope: UserScope,
  request: { clientId: string; protocolVersion: number },
  list: TableList,
  limit: number,
): Promise<PageAnswer | null> {
  const org = user.orgId;
  const { clientId, protocolVersion } = request;
  const acks = {
    ackedBefore: 0,
    lastMutationId: sql`(SELECT coalesce(max(s.last_mutation_id), 0) FROM sync_clients s
      WHERE s.client_id = ${clientId})`,
  };
  // Every query below has one good plan whatever the owner (the scope's customers first, then each one's
  // children through their customer index, kept a nested loop by OFFSET 0), so PostgreSQL may keep a
  // generic plan of this prepared statement instead of planning a dozen joins on every pull. In one
  // snapshot no row is newer than the org version read, and no customer moved after it: a full round's
  // `version <= target` and "not moved since" filters hold trivially and are left out here.
  const child = (table: SyncedTable, select: SQL) =>
    sql`in_scope s CROSS JOIN LATERAL (SELECT ${select} FROM ${sql.raw(SQL_TABLES[table])} x
      WHERE x.customer_id = s.id AND x.org_id = ${org} AND ${live(table, 'x')} OFFSET 0) t`;
  const source = (table: SyncedTable): SQL => {
    const cols = wireSelectList(table, 'x', protocolVersion);
    if (TABLE_SCOPE[table] === 'org') {
      return sql`(SELECT ${cols} FROM ${sql.raw(SQL_TABLES[table])} x WHERE x.org_id = ${org}) t`;
    }
    if (TABLE_SCOPE[table] === 'customer') {
      return sql`(SELECT ${cols} FROM customers x WHERE x.org_id = ${org} AND ${visible('x', scope)}) t`;
    }
    return child(table, cols);
  };
  const counts = list.tables.map((table) =>
    TABLE_SCOPE[table] === 'child'
      ? sql`(SELECT count(*) FROM ${child(table, sql`1`)})`
      : TABLE_SCOPE[table] === 'customer'
        ? sql`(SELECT count(*) FROM in_scope)`
        : sql`(SELECT count(*) FROM ${sql.raw(SQL_TABLES[table])} x WHERE x.org_id = ${org})`,
  );
  const ctes = [
    sql`head AS (${headQuery(clientId, org)})`,
    sql`in_scope AS MATERIALIZED (SELECT c.id FROM customers c WHERE c.org_id = ${org} AND ${visible('c', scope)})`,
    // A scope with more customers than the page holds cannot fit: its children are not counted (a
    // manager's or admin's first page goes to the transaction, which counts the scope once, at once).
    sql`counted AS (SELECT (CASE WHEN (SELECT count(*) FROM in_scope) > ${limit} THEN ${limit} + 1
      ELSE ${sql.join(counts, sql` + `)} END)::float8 AS total)`,
    sql`rejected AS (${rejectionsQuery(clientId, acks)})`,
    sql`conflicted AS (${conflictsQuery(clientId, acks)})`,
  ];
  // Each table's ops as one text, read only when the scope fits the page (a one-time filter).
  const tables = list.tables.map((table) => {
    const open = `{"op":"put","table":"${table}","row":`;
    // The order of the paged rounds (by id; children by customer, id): the same text whichever way.
    const order = isChildTable(table) ? sql`t."customerId", t.id` : sql`t.id`;
    return sql`(SELECT string_agg(${open} || to_json(t)::text || '}', ',' ORDER BY ${order}) FROM ${source(table)}
      WHERE (SELECT total FROM counted) <= ${limit})`;
  });
  const [row] = await db.statement<{
    head: Head | null;
    total: number;
    rejections: RejectionRow[];
    conflicts: Conflict[];
    patch: string | null;
  }>(sql`WITH ${sql.join(ctes, sql`, `)}
    SELECT (SELECT to_json(head) FROM head) AS head, (SELECT total FROM counted) AS total,
      (SELECT coalesce(json_agg(rejected), '[]'::json) FROM rejected) AS rejections,
      (SELECT coalesce(json_agg(conflicted), '[]'::json) FROM conflicted) AS conflicts,
      concat_ws(',', ${sql.join(tables, sql`, `)}) AS patch`);
  const head = row?.head;
  if (!row || !head || (head.userId !== null && head.userId !== user.id) || row.total > limit) return null;
  const acked = head.lastMutationId ?? 0;
  const filled = {
    patch: row.patch ? ['{"op":"clear"}', row.patch] : ['{"op":"clear"}'],
    next: { u: user.id, v: head.version, m: acked, l: list.id },
    hasMore: false,
    progress: { sent: row.total, total: row.total },
  };
  // The patch is one text: its ops are the clear and the rows counted.
  return { ...answer(filled, acked, row.rejections, row.conflicts), ops: row.total + 1 };
}

async function readPageInTransaction(
  tx: ServerTx,
  user: SessionUser,
  scope: UserScope,
  request: { clientId: string; protocolVersion: number },
  list: TableList,
  cursor: PullCursor | null,
  limit: number,
): Promise<PageAnswer> {
  const { clientId, protocolVersion } = request;
  // Round trips are what a pull costs most under load: the org version, the client and (when the device
  // starts a full pull) the scope's row count come in one statement, the page's rows in a second.
  // A settled cursor (the common incremental pull) also asks which tables changed since its version,
  // so the page statement plans only those tables' queries (planning a dozen of them cost more than
  // running them when a push touched two or three tables).
  const settled = cursor !== null && cursor.p === undefined ? cursor : null;
  const [headRows, probed] = await selectMany(tx, [
    headQuery(clientId, user.orgId),
    cursor === null
      ? countScopeQuery(scope, list.tables)
      : settled
        ? changedTablesQuery(user.orgId, list.tables, settled.v)
        : sql`SELECT NULL AS total`,
  ]);
  const counted = cursor === null ? probed : undefined;
  const org = headRows?.[0] as Head | undefined;
  if (!org) throw new AppError('unauthorized', 'Your organisation no longer exists');
  if (org.userId !== null && org.userId !== user.id) {
    throw new AppError('forbidden', 'clientId: this client belongs to another user; start a new client', {
      field: 'clientId',
    });
  }
  const acked = org.lastMutationId ?? 0;

  // A cursor of another user, or from before the database was reset (newer than the org, or acknowledging
  // mutations this database never processed), restarts with a full pull rather than looping on an error
  // (electric-sql #1552). The device keeps its outbox across the `clear` (docs/sync-protocol.md "Reset").
  // A cursor issued for another table list restarts too: `p.t` indexes that list, and a device that
  // moves from protocol 3 to 4 (or 4 to 5) has none of the rows of the new tables and none of the new
  // columns of the rows it holds, whatever its version (docs/server.md "Protocol 5 next to 4 and 3"). A
  // full round's cursor inside a child table without `p.c` (issued before children were paged by
  // customer) cannot be continued in that order: it restarts as well.
  const sameList = (cursor?.l ?? 2) === list.id;
  const cursorTable = cursor?.p === undefined ? undefined : list.tables[cursor.p.t];
  const keysetOk =
    cursor?.p === undefined ||
    (cursorTable !== undefined &&
      (cursor.p.b !== null || cursor.p.a === null || cursor.p.c !== undefined || !isChildTable(cursorTable)));
  const usable =
    cursor !== null &&
    cursor.u === user.id &&
    cursor.v <= org.version &&
    cursor.m <= acked &&
    sameList &&
    keysetOk
      ? cursor
      : null;
  const round: Round =
    usable?.p !== undefined
      ? {
          list,
          protocol: protocolVersion,
          base: usable.p.b,
          target: usable.v,
          table: usable.p.t,
          after: usable.p.a,
          afterCustomer: usable.p.c ?? null,
          firstPage: false,
          ackedBefore: usable.m,
          lastMutationId: usable.m,
          progress:
            usable.p.s !== undefined && usable.p.n !== undefined
              ? { sent: usable.p.s, total: usable.p.n }
              : null,
        }
      : {
          list,
          protocol: protocolVersion,
          base: usable?.v ?? null,
          target: org.version,
          table: 0,
          after: null,
          afterCustomer: null,
          firstPage: true,
          ackedBefore: usable?.m ?? 0,
          lastMutationId: acked,
          progress: null,
        };
  const { target, lastMutationId } = round;

  const full = round.base === null;
  let progress: { sent: number; total: number } | null = round.progress;
  if (full && round.firstPage) {
    const total = counted?.[0]?.total;
    progress = {
      sent: 0,
      total:
        typeof total === 'number'
          ? total
          : ((await tx.rows<{ total: number }>(countScopeQuery(scope, list.tables)))[0]?.total ?? 0),
    };
  }
  // An incremental round with nothing newer than its base has nothing to send; on its first page, a
  // table without a change since the base (nor a customer moved or deleted, for a child) is skipped.
  const nothingChanged = round.base !== null && round.base >= org.version && round.firstPage;
  const tableCount = nothingChanged ? 0 : list.tables.length - round.table;
  const probe =
    settled && round.firstPage && round.base === settled.v
      ? (probed?.[0] as { changed: boolean[]; moved: boolean } | undefined)
      : undefined;
  const skipped = (t: number) =>
    probe !== undefined &&
    probe.changed[t] === false &&
    !(probe.moved && isChildTable(list.tables[t] as SyncedTable));
  const pageOf = (t: number, rowLimit: number): Selection => {
    const table = list.tables[t] as SyncedTable;
    const query = pageQuery(
      table,
      {
        ...round,
        after: t === round.table ? round.after : null,
        afterCustomer: t === round.table ? round.afterCustomer : null,
      },
      scope,
      rowLimit,
    );
    return patchSelection(table, round, query);
  };
  const notices: Selection[] = round.firstPage
    ? [
        { as: 'rows', query: rejectionsQuery(clientId, round) },
        { as: 'rows', query: conflictsQuery(clientId, round) },
      ]
    : [];
  // Every remaining table in the same statement (each limited to the whole page; what exceeds the page
  // is dropped) when the page cannot be large: an incremental round (the changes since the device's
  // last pull), or a full round's first page whose scope fits in it. A large full round pages table by
  // table, so no table is read beyond the page.
  const together = !full || (round.firstPage && progress !== null && progress.total <= limit);
  const read = Array.from({ length: tableCount }, (_, i) => round.table + i).filter((t) => !skipped(t));
  const results = await selectMixed(tx, [...notices, ...(together ? read.map((t) => pageOf(t, limit)) : [])]);
  const rejections = (round.firstPage ? (results[0]?.rows ?? []) : []) as RejectionRow[];
  const conflicts = (round.firstPage ? (results[1]?.rows ?? []) : []) as Conflict[];
  const filled = await fillPage(
    round,
    { target, lastMutationId, userId: user.id },
    tableCount,
    async (i, remaining) =>
      skipped(round.table + i)
        ? []
        : together
          ? (results[notices.length + read.indexOf(round.table + i)]?.patch ?? [])
          : ((await selectMixed(tx, [pageOf(round.table + i, remaining)]))[0]?.patch ?? []),
    limit,
    progress,
  );
  // A full round sends every row in scope after its `clear` anyway; an incremental one re-fetches.
  const refetched =
    !full && (rejections.length > 0 || conflicts.length > 0)
      ? await refetchRows(tx, scope, round, rejections, conflicts)
      : [];
  return answer(filled, lastMutationId, rejections, conflicts, refetched);
}

/**
 * POST /sync/pull as JSON text: the patch that brings the device from its cursor to the org's current
 * version, for the user's scope, paged. Each page reads one snapshot: a single statement when the page
 * is a device's first (readFirstPageAtOnce), else a REPEATABLE READ transaction; a round's target version is the
 * org version in its first page's snapshot, which (writers of an org commit in version order) covers
 * exactly the transactions committed before it (docs/server.md).
 */
export async function handlePullText(
  db: ServerDb,
  user: SessionUser,
  body: unknown,
): Promise<{ text: string; ops: number; hasMore: boolean }> {
  checkProtocolVersion(body);
  const request = parseOrThrow(pullRequestSchema, body, 'pull');
  const cursor = request.cursor === null ? null : decodeCursor(request.cursor);
  const limit = request.limit ?? DEFAULT_PULL_LIMIT;
  const list = tableListFor(request.protocolVersion);
  const scope = await loadScope(db, user);
  const page =
    (cursor === null ? await readFirstPageAtOnce(db, user, scope, request, list, limit) : null) ??
    (await db.transaction((tx) => readPageInTransaction(tx, user, scope, request, list, cursor, limit), {
      isolation: 'repeatable read',
      readOnly: true,
    }));
  return { text: renderPage(page), ops: page.ops, hasMore: page.head.hasMore };
}

/** handlePullText's answer as an object (tests and in-process callers). */
export async function handlePull(db: ServerDb, user: SessionUser, body: unknown): Promise<PullResponse> {
  return JSON.parse((await handlePullText(db, user, body)).text) as PullResponse;
}
