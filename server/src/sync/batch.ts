import { sql, type SQL } from 'drizzle-orm';
import { AppError, parseOrThrow, type AppErrorData } from '../../../shared/errors';
import { SYNCED_TABLES, TABLE_SCOPE, type SyncedTable } from '../../../shared/domain/rows';
import {
  sameValue,
  type Effect,
  type MutationContext,
  type MutationDef,
  type ReadSpec,
  type Reads,
  type UniqueEffect,
} from '../../../shared/mutations';
import type { PushedMutation, Rejection } from '../../../shared/sync/protocol';
import { pgErrorCode, type DbRow, type ServerTx } from '../db/database';
import {
  CONFIG_TABLES,
  derivedColumns,
  HAS_TOMBSTONES,
  selectMany,
  SERVER_WRITTEN_TABLES,
  serverOnlyColumns,
  SQL_TABLES,
  WIRE_COLUMNS,
  wireColumn,
  wireSelectList,
} from '../db/wire';
import { newId } from '../../../shared/ids';
import { FOLLOWS_OWNER, MutatorFailure, PROTECTED_KEYS, type WriteStamp } from './effects';
import { duplicateAttr, findAttrHolders, lockUniqueValue, prepareTemplatedReads } from './attrs';
import { definedReads, resolveMutation } from './mutators';
import { POKE_CHANNEL } from './pokes';

/**
 * The fast path of a push (docs/server.md "Push"): instead of one SAVEPOINT and a round trip per read and
 * per effect of every mutation, it
 *  1. parses every mutation's args and locks every row they read, in ONE statement (tables in a fixed
 *     order, ids sorted) — before the org's version lock, so pushes of one org do this in parallel;
 *  2. runs the mutators in id order against those rows plus an in-memory overlay of the effects of the
 *     mutations before (what the database would return inside the transaction); a refused mutation just
 *     leaves the overlay untouched, which is what rolling back its savepoint does;
 *  3. in ONE statement: bumps the org version (taking its lock), writes the final state of every touched
 *     row stamped with it, the history, conflict and rejection records, the device's last mutation id,
 *     and the poke. The org lock is then held only for that statement and the COMMIT.
 * Whatever it cannot decide in memory (a mutator touching a row it did not read) or the database refuses
 * at write time (a duplicate name) throws `NeedsSlowPath`; the caller rolls the transaction back and
 * replays the push one savepoint per mutation, which is the reference behaviour.
 */
export class NeedsSlowPath extends Error {}

type Entry = {
  table: SyncedTable;
  /** The row as the mutators see it (wire form), or undefined when it does not exist. */
  row: DbRow | undefined;
  /** Tombstone time when deleted by this push. */
  deletedAt: number | null;
  write: 'insert' | 'update' | null;
};

type Parsed = { m: PushedMutation; def: MutationDef<string, unknown, Reads>; args: unknown; reads: Reads };

const key = (table: SyncedTable, id: string) => `${table}:${id}`;

function refusalOf(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toJSON();
  return { code: 'server_error', message: 'The server could not run this mutation' };
}

/** Parses name and args, and the rows a mutation reads; a failure is that mutation's rejection. */
function parse(m: PushedMutation, orgId: string, protocolVersion: number): Parsed | AppErrorData {
  try {
    const def = resolveMutation(m.name, protocolVersion);
    const args = parseOrThrow(def.args, m.args, 'args');
    return { m, def, args, reads: def.reads(args, { orgId }) };
  } catch (err) {
    return refusalOf(err);
  }
}

/**
 * Locks every row the mutations read (`FOR NO KEY UPDATE`, see below) in one statement and returns them
 * as the overlay the mutators run against; a row that does not exist (or is a tombstone, or of another
 * org) is an entry without a row. Tables go in SYNCED_TABLES order and ids are sorted within each, so two
 * pushes lock their common rows in the same order and cannot deadlock on them.
 *
 * `FOR NO KEY UPDATE` rather than `FOR UPDATE`: it still serialises pushes that read the same row (it
 * conflicts with itself), but not the `FOR KEY SHARE` lock a foreign-key check takes — so a push holding
 * a customer it read does not block another push inserting a row that references it while that push
 * holds the org lock, which would be a deadlock.
 *
 * Config rows (settings, users: CONFIG_TABLES) are read without any lock: every mutation of an org reads
 * its settings row, and locking it would serialise all the org's pushes. A fast-path push that would
 * write one goes to the slow path instead (applyInMemory), which reads it again under the org lock.
 */
export async function lockReads(
  tx: ServerTx,
  specs: Iterable<ReadSpec>,
  orgId: string,
): Promise<Map<string, Entry>> {
  const overlay = new Map<string, Entry>();
  const ids = new Map<SyncedTable, Set<string>>();
  for (const spec of specs) {
    const set = ids.get(spec.table) ?? new Set<string>();
    set.add(spec.id);
    ids.set(spec.table, set);
    overlay.set(key(spec.table, spec.id), {
      table: spec.table,
      row: undefined,
      deletedAt: null,
      write: null,
    });
  }
  const tables = SYNCED_TABLES.filter((t) => ids.has(t));
  const results = await selectMany(
    tx,
    tables.map((table) => {
      const live = HAS_TOMBSTONES[table] ? sql`AND t.deleted_at IS NULL` : sql``;
      const lock = CONFIG_TABLES.has(table) ? sql`` : sql`FOR NO KEY UPDATE`;
      const sorted = [...(ids.get(table) ?? [])].sort();
      return sql`SELECT ${wireSelectList(table, 't')} FROM ${sql.raw(SQL_TABLES[table])} t
        WHERE t.org_id = ${orgId} AND t.id IN (${sql.join(
          sorted.map((id) => sql`${id}::uuid`),
          sql`, `,
        )}) ${live}
        ORDER BY t.id ${lock}`;
    }),
  );
  tables.forEach((table, i) => {
    for (const row of results[i] ?? []) {
      overlay.set(key(table, String(row.id)), { table, row, deletedAt: null, write: null });
    }
  });
  return overlay;
}

/** An ownership_history row to insert (snake_case, for json_populate_recordset). */
type HistoryRecord = Record<string, unknown>;
/** A sync_conflicts row to insert (snake_case, for json_populate_recordset). */
type ConflictRecord = Record<string, unknown>;

/**
 * A move of a customer into a private sea by this push: its open work (opportunities, tasks) that the
 * overlay does not hold is moved set-based by the closing statement (closeBatch).
 */
type WorkMove = { customerId: string; ownerId: string };

/** What one accepted mutation adds besides row writes. */
type SideRecords = { history: HistoryRecord[]; conflicts: ConflictRecord[]; workMoves: WorkMove[] };

/**
 * Applies one mutation's effects to a scratch copy of the entries it touches, and collects the history
 * and conflict records it writes and the unique-value checks it asks for (made by the caller, which may
 * query); throws to refuse (nothing of it is kept then).
 */
function applyInMemory(
  overlay: Map<string, Entry>,
  effects: Effect[],
  stamp: WriteStamp,
  m: PushedMutation,
): { scratch: Map<string, Entry>; unique: UniqueEffect[] } & SideRecords {
  const scratch = new Map<string, Entry>();
  const side: SideRecords = { history: [], conflicts: [], workMoves: [] };
  const unique: UniqueEffect[] = [];
  const current = (k: string) => scratch.get(k) ?? overlay.get(k);
  for (const effect of effects) {
    if (effect.kind === 'assertUnique') {
      unique.push(effect);
      continue;
    }
    if (effect.kind === 'conflict') {
      side.conflicts.push({
        client_id: stamp.clientId,
        mutation_id: m.id,
        field: effect.field,
        name: m.name,
        table_name: effect.table,
        row_id: effect.id,
        base: effect.base ?? null,
        mine: effect.mine ?? null,
        theirs: effect.theirs ?? null,
        at: stamp.now,
      });
      continue;
    }
    if (effect.kind === 'move') {
      // A claim, an assignment or a release needs the database: the pool's claim rules count the
      // claimant's customers and claims, a release resolves its pool. The slow path decides them
      // (effects.ts applyMove); only a transfer between owners is decided here.
      if (effect.action !== 'transfer') throw new NeedsSlowPath(`a ${effect.action} move`);
      const k = key('customers', effect.customerId);
      const existing = current(k);
      if (!existing) throw new NeedsSlowPath(`a mutator moved ${k} without reading it`);
      if (!existing.row || existing.deletedAt !== null) {
        throw new AppError('not_found', 'customerId: no such customer', { field: 'customerId' });
      }
      side.history.push({
        id: newId(stamp.now),
        org_id: stamp.orgId,
        customer_id: effect.customerId,
        from_owner_id: existing.row.ownerId ?? null,
        to_owner_id: effect.ownerId,
        from_pool_state: existing.row.poolState ?? null,
        to_pool_state: effect.poolState,
        actor_type: 'user',
        actor_id: stamp.userId,
        reason: effect.reason,
        action: effect.action,
        pool_id: null,
        at: stamp.now,
        version: stamp.version,
      });
      scratch.set(k, {
        ...existing,
        row: {
          ...existing.row,
          ownerId: effect.ownerId,
          poolState: effect.poolState,
          claimedAt: effect.poolState === 'private' ? stamp.now : null,
          updatedAt: stamp.now,
          version: stamp.version,
        },
        write: existing.write === 'insert' ? 'insert' : 'update',
      });
      if (effect.poolState === 'private' && effect.ownerId !== null) {
        moveOpenWork(overlay, scratch, effect.customerId, effect.ownerId, stamp);
        side.workMoves.push({ customerId: effect.customerId, ownerId: effect.ownerId });
      }
      continue;
    }
    const table = effect.table;
    if (SERVER_WRITTEN_TABLES.has(table)) {
      throw new MutatorFailure(`Mutator wrote ${table}, which only the server writes`);
    }
    // A config row was read without a lock (lockReads): writing it here could lose a concurrent edit.
    // The slow path reads it again under the org lock, which every writer of settings holds.
    if (CONFIG_TABLES.has(table)) throw new NeedsSlowPath(`a mutator wrote ${table}, a config table`);
    if (effect.kind === 'insert') {
      const row: DbRow = { ...(effect.row as DbRow), orgId: stamp.orgId, version: stamp.version };
      for (const k of Object.keys(row)) {
        if (!wireColumn(table, k))
          throw new MutatorFailure(`Mutator wrote ${table}.${k}, which is not a wire column`);
      }
      const id = String(row.id);
      const existing = current(key(table, id));
      if (existing && (existing.row !== undefined || existing.write !== null)) {
        throw new AppError('conflict', 'id: a row with this id already exists', { field: 'id' });
      }
      scratch.set(key(table, id), { table, row, deletedAt: null, write: 'insert' });
      continue;
    }
    const k = key(table, effect.id);
    const existing = current(k);
    if (!existing) throw new NeedsSlowPath(`a mutator touched ${k} without reading it`);
    if (!existing.row || existing.deletedAt !== null) {
      throw new AppError('not_found', `id: no such ${table} row`, { field: 'id' });
    }
    const write = existing.write === 'insert' ? 'insert' : 'update';
    if (effect.kind === 'update') {
      const set = effect.set as Record<string, unknown>;
      for (const field of Object.keys(set)) {
        if (!wireColumn(table, field) || PROTECTED_KEYS.has(field)) {
          throw new MutatorFailure(`Mutator wrote ${table}.${field}, which is not a writable wire column`);
        }
      }
      const defined = Object.fromEntries(Object.entries(set).filter(([, v]) => v !== undefined));
      scratch.set(k, { ...existing, row: { ...existing.row, ...defined, version: stamp.version }, write });
    } else {
      if (!HAS_TOMBSTONES[table])
        throw new MutatorFailure(`Mutator deleted from ${table}, which has no tombstones`);
      scratch.set(k, {
        ...existing,
        row: { ...existing.row, updatedAt: stamp.now, version: stamp.version },
        deletedAt: stamp.now,
        write,
      });
    }
  }
  return { scratch, unique, ...side };
}

/**
 * The fast path's `assertUnique` (attrs.ts has the slow path's): the value's advisory lock, then the
 * records holding it — in the database, except the rows this push has already rewritten in memory (their
 * stored copy is stale), and among those rewritten rows (the overlay, and this mutation's scratch).
 */
async function assertUniqueInBatch(
  tx: ServerTx,
  orgId: string,
  effect: UniqueEffect,
  overlay: Map<string, Entry>,
  scratch: Map<string, Entry>,
): Promise<void> {
  const written = new Map<string, Entry>();
  for (const [k, e] of [...overlay, ...scratch]) {
    if (e.table === effect.table && e.write !== null) written.set(k, scratch.get(k) ?? e);
  }
  await lockUniqueValue(tx, orgId, effect);
  // Enough rows that one not rewritten in memory is among them whenever there is one.
  const stored = await findAttrHolders(tx, orgId, effect, written.size + 1);
  if (stored.some((id) => !written.has(key(effect.table, id)))) throw duplicateAttr(effect);
  const kind = effect.entity === 'lead' ? 'lead' : 'customer';
  for (const e of written.values()) {
    const row = e.row;
    if (!row || e.deletedAt !== null || row.id === effect.id) continue;
    if (effect.table === 'customers' && row.kind !== kind) continue;
    const held = (row.attrs as Record<string, unknown> | null | undefined)?.[effect.field];
    if (held !== undefined && sameValue(held, effect.value)) throw duplicateAttr(effect);
  }
}

/**
 * Takes the org row's lock ahead of the closing statement. A push checking unique values does so before
 * its first check, so that every push takes its locks in one order — org row, then value locks — as the
 * slow path does (it bumps the version before running any mutator): a fast push holding a value lock
 * while waiting for the org row, against a slow one holding the org row while waiting for that value,
 * would deadlock. The closing statement's UPDATE then finds the row already locked by this transaction.
 */
async function lockOrgRow(tx: ServerTx, orgId: string): Promise<void> {
  await tx.rows(sql`SELECT 1 AS locked FROM orgs WHERE id = ${orgId} FOR NO KEY UPDATE`);
}

/**
 * The in-memory half of a move's open work (effects.ts applyMove): the customer's open opportunities and
 * tasks that the overlay holds go to the new owner, as the slow path's set-based UPDATE would move them.
 */
function moveOpenWork(
  overlay: Map<string, Entry>,
  scratch: Map<string, Entry>,
  customerId: string,
  ownerId: string,
  stamp: WriteStamp,
): void {
  const keys = new Set([...overlay.keys(), ...scratch.keys()]);
  for (const k of keys) {
    const entry = scratch.get(k) ?? overlay.get(k);
    const ownerKey = FOLLOWS_OWNER.find((w) => w.table === entry?.table)?.key;
    if (!entry?.row || !ownerKey || entry.deletedAt !== null) continue;
    if (entry.row.customerId !== customerId || entry.row.status !== 'open') continue;
    if (entry.row[ownerKey] === ownerId) continue;
    scratch.set(k, {
      ...entry,
      row: { ...entry.row, [ownerKey]: ownerId, updatedAt: stamp.now, version: stamp.version },
      write: entry.write === 'insert' ? 'insert' : 'update',
    });
  }
}

/** A row as json_populate_recordset wants it: snake_case column names, plus the server-only columns. */
function toRecord(entry: Entry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const row = entry.row ?? {};
  for (const col of WIRE_COLUMNS[entry.table]) out[col.column] = row[col.key] ?? null;
  if (HAS_TOMBSTONES[entry.table]) out.deleted_at = entry.deletedAt;
  // A full row: every derived column is recomputed from it (a phone set to null clears phone_norm).
  Object.assign(out, derivedColumns(entry.table, { name: row.name, phone: row.phone ?? null }));
  return out;
}

/** Column list of a synced table as the batch writes it: the wire columns plus the server-only ones. */
function writeColumns(table: SyncedTable): string[] {
  return [...WIRE_COLUMNS[table].map((c) => c.column), ...serverOnlyColumns(table)];
}

/** `r.a, r.b, v.version` — a record's columns with the version taken from the org bump (`v`). */
function stamped(columns: readonly string[]): SQL {
  return sql.raw(columns.map((c) => (c === 'version' ? 'v.version' : `r.${c}`)).join(', '));
}

/** Everything the closing statement writes besides the rows: what the push decided. */
export type BatchOutcome = {
  orgId: string;
  clientId: string;
  now: number;
  lastMutationId: number;
  rejections: readonly Rejection[];
  /** The args of each pending mutation as the user sent them (rejections are stored with them). */
  argsById: ReadonlyMap<number, unknown>;
  /** False when every mutation was refused: nothing to poke about. */
  applied: boolean;
};

/** Above this many owners a poke goes to the whole org (a NOTIFY payload holds at most 8,000 bytes). */
export const MAX_POKED_OWNERS = 150;

/**
 * The owners whose scope the batch wrote into, known from the overlay: the (new) owner of every written
 * customer, the previous owner of every moved one, the owner of the customer of every written child row
 * (TABLE_SCOPE `child`). Children whose customer the batch did not read go to `lookup` (their owner is
 * read in SQL). A written org-wide row (settings) concerns every device of the org: `orgWide`.
 */
function touchedOwners(touched: Entry[], history: HistoryRecord[], overlay: Map<string, Entry>) {
  const owners = new Set<string>();
  const lookup = new Set<string>();
  let orgWide = false;
  const add = (o: unknown) => {
    if (typeof o === 'string') owners.add(o);
  };
  for (const e of touched) {
    const scope = TABLE_SCOPE[e.table];
    if (scope === 'org') orgWide = true;
    else if (scope === 'customer') add(e.row?.ownerId);
    else {
      const customerId = String(e.row?.customerId);
      const customer = overlay.get(key('customers', customerId));
      if (customer?.row) add(customer.row.ownerId);
      else lookup.add(customerId);
    }
  }
  for (const h of history) add(h.from_owner_id);
  return { owners: [...owners], lookup: [...lookup], orgWide };
}

/**
 * Per customer moved into a private sea, the owner after its last such move and every owner those moves
 * gave it. The closing statement moves the customer's open work the overlay does not hold to the final
 * owner, stamping a row when ANY of the moves would have changed it — exactly what the slow path's
 * successive moves do (a row moved A→B→A is stamped though it ends where it began).
 */
function workMovesByCustomer(moves: readonly WorkMove[]) {
  const byCustomer = new Map<string, { customer_id: string; owner_id: string; owners: string[] }>();
  for (const m of moves) {
    const entry = byCustomer.get(m.customerId) ?? {
      customer_id: m.customerId,
      owner_id: m.ownerId,
      owners: [],
    };
    entry.owner_id = m.ownerId;
    entry.owners.push(m.ownerId);
    byCustomer.set(m.customerId, entry);
  }
  return [...byCustomer.values()];
}

/**
 * The one statement that closes a fast-path push. Its first step bumps the org version, which takes the
 * org row lock (every row it writes is already locked by this transaction, so nothing else waits inside
 * it); the writes take that version from the bump (`v`); the lock is released by the COMMIT that follows.
 * Data-modifying CTEs all run to completion, and foreign keys are checked at the end of the statement,
 * so their order does not matter. Returns the version.
 */
async function closeBatch(
  tx: ServerTx,
  overlay: Map<string, Entry>,
  side: SideRecords,
  outcome: BatchOutcome,
): Promise<number> {
  const { orgId, clientId, now } = outcome;
  const touched = [...overlay.values()].filter((e) => e.write !== null);
  const ctes: SQL[] = [
    sql`v AS (UPDATE orgs SET version = version + 1 WHERE id = ${orgId} RETURNING version)`,
  ];
  const step = (body: SQL) => ctes.push(sql`${sql.raw(`w${ctes.length}`)} AS (${body})`);
  for (const table of SYNCED_TABLES) {
    const name = sql.raw(SQL_TABLES[table]);
    const columns = writeColumns(table);
    const list = sql.raw(columns.join(', '));
    for (const write of ['insert', 'update'] as const) {
      const entries = touched.filter((e) => e.table === table && e.write === write);
      if (entries.length === 0) continue;
      const records = sql`json_populate_recordset(NULL::${name}, ${JSON.stringify(entries.map(toRecord))}::json) r`;
      if (write === 'insert') {
        step(sql`INSERT INTO ${name} (${list}) SELECT ${stamped(columns)} FROM v, ${records}`);
      } else {
        const sets = sql.raw(
          columns
            .filter((c) => c !== 'id' && c !== 'org_id')
            .map((c) => `${c} = ${c === 'version' ? 'v.version' : `r.${c}`}`)
            .join(', '),
        );
        step(sql`UPDATE ${name} t SET ${sets} FROM v, ${records} WHERE t.id = r.id AND t.org_id = ${orgId}`);
      }
    }
  }
  const workMoves = workMovesByCustomer(side.workMoves);
  if (workMoves.length > 0) {
    // The customers' open work that no mutation of this push read: moved set-based, like the slow
    // path's applyMove. Rows the overlay holds were moved in memory and are written above; two writes of
    // one row in one statement would be undefined, so they are left out here.
    for (const { table, column } of FOLLOWS_OWNER) {
      const inOverlay = [...overlay.keys()]
        .filter((k) => k.startsWith(`${table}:`))
        .map((k) => k.slice(table.length + 1));
      step(sql`UPDATE ${sql.raw(SQL_TABLES[table])} t SET ${sql.raw(column)} = m.owner_id, updated_at = ${now},
          version = v.version
        FROM v, json_to_recordset(${JSON.stringify(workMoves)}::json) AS m(customer_id uuid, owner_id uuid, owners json)
        WHERE t.customer_id = m.customer_id AND t.org_id = ${orgId} AND t.status = 'open'
          AND t.deleted_at IS NULL
          AND EXISTS (SELECT 1 FROM json_array_elements_text(m.owners) o WHERE o.value::uuid <> t.${sql.raw(column)})
          AND t.id NOT IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(inOverlay)}::json))`);
    }
  }
  if (side.history.length > 0) {
    const columns = Object.keys(side.history[0] as HistoryRecord);
    step(sql`INSERT INTO ownership_history (${sql.raw(columns.join(', '))})
      SELECT ${stamped(columns)} FROM v,
        json_populate_recordset(NULL::ownership_history, ${JSON.stringify(side.history)}::json) r`);
  }
  if (side.conflicts.length > 0) {
    step(sql`INSERT INTO sync_conflicts
      SELECT * FROM json_populate_recordset(NULL::sync_conflicts, ${JSON.stringify(side.conflicts)}::json)`);
  }
  if (outcome.rejections.length > 0) {
    // args and error travel as JSON text, so a null or scalar args is stored exactly as the slow path does.
    const records = outcome.rejections.map((r) => ({
      mutation_id: r.mutationId,
      name: r.name,
      args: JSON.stringify(outcome.argsById.get(r.mutationId) ?? null),
      error: JSON.stringify(r.error),
    }));
    step(sql`INSERT INTO mutation_rejections (client_id, mutation_id, name, args, error, created_at)
      SELECT ${clientId}::uuid, r.mutation_id, r.name, r.args::jsonb, r.error::jsonb, ${now}::bigint
      FROM json_to_recordset(${JSON.stringify(records)}::json) AS r(mutation_id int, name text, args text, error text)`);
  }
  step(sql`UPDATE sync_clients SET last_mutation_id = ${outcome.lastMutationId}, updated_at = ${now}
    WHERE client_id = ${clientId}`);

  let poke = sql``;
  if (outcome.applied) {
    const { owners, lookup, orgWide } = touchedOwners(touched, side.history, overlay);
    poke = sql`, pg_notify(${POKE_CHANNEL}, ${orgId} || ':' || (
      SELECT CASE WHEN ${orgWide} OR count(*) > ${MAX_POKED_OWNERS} THEN '*'
        ELSE coalesce(string_agg(o, ','), '') END
      FROM (
        SELECT value AS o FROM json_array_elements_text(${JSON.stringify(owners)}::json)
        UNION SELECT owner_id::text FROM customers
          WHERE org_id = ${orgId} AND owner_id IS NOT NULL
            AND id IN (SELECT value::uuid FROM json_array_elements_text(${JSON.stringify(lookup)}::json))
      ) owners) || ':' || ${clientId})`;
  }
  const [row] = await tx.rows<{ version: number }>(
    sql`WITH ${sql.join(ctes, sql`, `)} SELECT v.version::float8 AS version ${poke} FROM v`,
  );
  if (!row) throw new AppError('unauthorized', 'Your organisation no longer exists');
  return row.version;
}

/** Stands for the push's version in the overlay until the closing statement stamps the real one. */
const VERSION_PLACEHOLDER = -1;

/** The version-free part of a write stamp: the fast path learns the version only when it writes. */
export type BatchStamp = Omit<WriteStamp, 'version'>;

/**
 * Runs the pending mutations of a push on the fast path and closes the push (version, writes, rejections,
 * last mutation id, poke); returns the rejections. Throws NeedsSlowPath when the slow path must decide
 * (possibly after writing: the caller must roll the transaction back), and rethrows deadlocks and
 * serialisation failures as they are, for the caller to retry the whole push.
 */
export async function applyBatch(
  tx: ServerTx,
  pending: PushedMutation[],
  ctx: MutationContext,
  base: BatchStamp,
  lastMutationId: number,
  protocolVersion: number,
): Promise<Rejection[]> {
  const rejections: Rejection[] = [];
  const side: SideRecords = { history: [], conflicts: [], workMoves: [] };
  const parsed: (Parsed | AppErrorData)[] = pending.map((m) => parse(m, ctx.orgId, protocolVersion));
  const specs = readSpecs(parsed);
  const context = await prepareTemplatedReads(tx, specs, ctx);
  const overlay = await lockReads(tx, specs, ctx.orgId);
  // The version is only known once the closing statement takes the org lock: the overlay carries a
  // placeholder, and the statement stamps every row with the real one. Mutators never read `version`
  // (their effects cannot even name it: NewRow omits it).
  const stamp: WriteStamp = { ...base, version: VERSION_PLACEHOLDER };
  let orgLocked = false;
  for (const [i, p] of parsed.entries()) {
    const m = pending[i] as PushedMutation;
    if (!('def' in p)) {
      rejections.push({ mutationId: m.id, name: m.name, error: p });
      continue;
    }
    try {
      const loaded: Record<string, DbRow | undefined> = {};
      for (const [name, spec] of definedReads(p.reads)) {
        const entry = overlay.get(key(spec.table, spec.id));
        loaded[name] = entry && entry.deletedAt === null && entry.row ? { ...entry.row } : undefined;
      }
      let effects: Effect[];
      try {
        effects = p.def.plan(p.args, loaded as never, context);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new MutatorFailure(err instanceof Error ? err.message : String(err));
      }
      const applied = applyInMemory(overlay, effects, stamp, m);
      for (const effect of applied.unique) {
        if (!orgLocked) await lockOrgRow(tx, ctx.orgId);
        orgLocked = true;
        await assertUniqueInBatch(tx, ctx.orgId, effect, overlay, applied.scratch);
      }
      for (const [k, entry] of applied.scratch) overlay.set(k, entry);
      side.history.push(...applied.history);
      side.workMoves.push(...applied.workMoves);
      side.conflicts.push(...applied.conflicts);
    } catch (err) {
      if (err instanceof NeedsSlowPath) throw err;
      // A failed query of a unique check has aborted the transaction: the push fails (or is retried).
      if (pgErrorCode(err)) throw err;
      rejections.push({ mutationId: m.id, name: m.name, error: refusalOf(err) });
    }
  }
  try {
    await closeBatch(tx, overlay, side, {
      orgId: base.orgId,
      clientId: base.clientId,
      now: base.now,
      lastMutationId,
      rejections,
      argsById: new Map(pending.map((m) => [m.id, m.args])),
      applied: rejections.length < pending.length,
    });
  } catch (err) {
    const code = pgErrorCode(err);
    if (code && RETRYABLE_PG_CODES.has(code)) throw err;
    throw new NeedsSlowPath(
      `the database refused the batch: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return rejections;
}

/** Transient PostgreSQL failures worth retrying the whole push for: serialization failure, deadlock. */
export const RETRYABLE_PG_CODES: ReadonlySet<string> = new Set(['40001', '40P01']);

/** The rows the parsed mutations read (what the push locks before its org lock). */
export function readSpecs(parsed: readonly (Parsed | AppErrorData)[]): ReadSpec[] {
  return parsed.flatMap((p) => ('def' in p ? definedReads(p.reads).map(([, spec]) => spec) : []));
}

/** The rows a push's mutations read, for the slow path's up-front locking; unparseable ones read none. */
export function pendingReads(
  pending: readonly PushedMutation[],
  orgId: string,
  protocolVersion: number,
): ReadSpec[] {
  return readSpecs(pending.map((m) => parse(m, orgId, protocolVersion)));
}
