import { sql, type SQL } from 'drizzle-orm';
import { AppError } from '../../../shared/errors';
import type { SyncedTable } from '../../../shared/domain/rows';
import type { UniqueCustomerField } from '../../../shared/domain/uniqueness';
import { newId } from '../../../shared/ids';
import type { ConflictEffect, Effect, MoveEffect, ReadSpec } from '../../../shared/mutations';
import { poolForCustomer } from '../../../shared/pools/resolve';
import type { PoolKind, PoolRow } from '../../../shared/pools/schema';
import { pgConstraint, pgErrorCode, type DbRow, type ServerTx, type SqlRunner } from '../db/database';
import { checkClaim, claimPoolOf, loadPools } from '../pools/claim';
import {
  CONFIG_TABLES,
  derivedColumns,
  HAS_TOMBSTONES,
  SERVER_WRITTEN_TABLES,
  SQL_TABLES,
  WIRE_COLUMNS,
  wireColumn,
  wireSelectList,
  wireValue,
} from '../db/wire';
import { assertUniqueAttr } from './attrs';
import { UNIQUE_CONSTRAINTS } from './duplicates';

/**
 * A mutator that misbehaved (threw something other than an AppError, or wrote something it may not): a
 * bug on our side, recorded as a `server_error` rejection so it never blocks the device's queue.
 */
export class MutatorFailure extends Error {}

/**
 * What every write of one push transaction shares: the org, its new version, the server clock, and who
 * pushed (the acting user of ownership history, the device conflicts are recorded for).
 */
export type WriteStamp = { orgId: string; version: number; now: number; userId: string; clientId: string };

/** The mutation an effect belongs to (conflict records name it). */
export type MutationMeta = { mutationId: number; name: string };

/**
 * A customer write refused by one of the uniqueness indexes, with what collided. Thrown from inside the
 * mutation's savepoint; push.ts names the holder once the savepoint is rolled back (duplicates.ts).
 */
export class DuplicateCustomer extends Error {
  constructor(
    readonly field: UniqueCustomerField,
    readonly value: unknown,
    readonly customerId: string,
  ) {
    super(`duplicate ${field}`);
  }
}

/**
 * Loads a row a mutator reads, locked until the push commits so no concurrent push decides on a stale
 * copy (`FOR NO KEY UPDATE`, as batch.ts `lockReads` explains). Config rows (settings, users) are read
 * without a lock: on this path the push already holds the org lock, which every writer of settings holds
 * too, so the row read is the latest (docs/server.md "Config rows"). Rows of other orgs and tombstones
 * are invisible (undefined), exactly like missing rows.
 */
export async function readForUpdate(tx: ServerTx, spec: ReadSpec, orgId: string): Promise<DbRow | undefined> {
  const table = sql.raw(SQL_TABLES[spec.table]);
  const live = HAS_TOMBSTONES[spec.table] ? sql`AND t.deleted_at IS NULL` : sql``;
  const lock = CONFIG_TABLES.has(spec.table) ? sql`` : sql`FOR NO KEY UPDATE`;
  const [row] = await tx.rows(sql`
    SELECT ${wireSelectList(spec.table, 't')} FROM ${table} t
    WHERE t.id = ${spec.id} AND t.org_id = ${orgId} ${live} ${lock}`);
  return row;
}

/**
 * Keys an update may never write: identity, the server-assigned version, and ownership (SPEC §5.6:
 * owner and pool change only through a `move`, which also writes ownership history — without that
 * history row the pull would not take the customer off the old owner's devices). The pool columns a
 * move sets (which pool, since when, who had it) are the move's alone too; `locked` (lockCustomer) and
 * `deregisteredAt` (updateCustomer, with the status) are ordinary updates.
 */
export const PROTECTED_KEYS: ReadonlySet<string> = new Set([
  'id',
  'orgId',
  'version',
  'ownerId',
  'poolState',
  'claimedAt',
  'poolId',
  'enteredPoolAt',
  'previousOwnerId',
]);

function assignments(
  table: SyncedTable,
  values: Record<string, unknown>,
  forUpdate: boolean,
): [string, SQL][] {
  if (SERVER_WRITTEN_TABLES.has(table)) {
    throw new MutatorFailure(`Mutator wrote ${table}, which only the server writes`);
  }
  const out: [string, SQL][] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    // A new row's version is the server's stamp, whatever the mutator built it from: `updateSettings`
    // inserts a missing settings row spread from `defaultSettings()`, which carries `version: 0`. The
    // fast path overrides it the same way (batch.ts applyInMemory).
    if (!forUpdate && key === 'version') continue;
    const col = wireColumn(table, key);
    // Effects come from our own mutators: an unknown column is a programming error, not user input.
    if (!col || key === 'version' || (forUpdate && PROTECTED_KEYS.has(key))) {
      throw new MutatorFailure(`Mutator wrote ${table}.${key}, which is not a writable wire column`);
    }
    out.push([col.column, wireValue(col, value)]);
  }
  for (const [column, value] of Object.entries(derivedColumns(table, values))) {
    out.push([column, sql`${value}`]);
  }
  return out;
}

/**
 * The work that follows a customer into a private sea (SPEC §4: "contacts, open opportunities and tasks
 * follow the customer"): the column of each table that names who works the row. Contacts and follow-ups
 * follow by scope alone; closed opportunities and done tasks keep the name of whoever closed them.
 */
export const FOLLOWS_OWNER: readonly { table: SyncedTable; key: string; column: string }[] = [
  { table: 'opportunities', key: 'ownerId', column: 'owner_id' },
  { table: 'tasks', key: 'assigneeId', column: 'assignee_id' },
];

/** The customer a move starts from, locked for the rest of the push. */
type MovedCustomer = {
  id: string;
  kind: PoolKind;
  ownerId: string | null;
  poolState: 'private' | 'public';
  poolId: string | null;
  enteredPoolAt: number | null;
  /** The owner's team (the pool serving it takes a release without a chosen pool). */
  ownerTeamId: string | null;
};

/**
 * The public pool a customer goes to (docs/pools.md "Pools"): the one the rep or manager chose, which
 * must be an active pool of the customer's kind in the org; else the pool poolForCustomer resolves (its
 * own pool, the first serving its owner's team, the org's default). None at all refuses the release.
 */
export async function releasePool(
  tx: SqlRunner,
  orgId: string,
  customer: Pick<MovedCustomer, 'kind' | 'poolId' | 'ownerTeamId'>,
  chosen: string | null | undefined,
): Promise<PoolRow> {
  const pools = await loadPools(tx, orgId, customer.kind);
  if (chosen !== null && chosen !== undefined) {
    const pool = pools.find((p) => p.id === chosen && p.active);
    if (!pool) {
      const message = `poolId: no active ${customer.kind} pool ${chosen} in your organisation`;
      throw new AppError('validation', message, { field: 'poolId' });
    }
    return pool;
  }
  const pool = poolForCustomer(pools, customer, customer.ownerTeamId);
  if (!pool) {
    throw new AppError('validation', 'poolId: no public pool to release into', { field: 'poolId' });
  }
  return pool;
}

/**
 * Moves a customer to a new owner / pool state and records it in ownership history (with the move's
 * action and pool), stamped with the transaction's version (the pull reads that history to take the
 * customer off the old owner's devices and put it, whole, on the new owner's).
 *
 * - Into the public sea: no owner, no claim time, the pool resolved by `releasePool`, entered now, the
 *   old owner kept as the previous one (cooldowns and reactivation ask for it).
 * - Into a private sea: claimed now; the pool stays (for a claim or an assignment, the pool it came
 *   from, where it returns). A `claim` must pass its pool's claim rules first (pools/claim.ts), checked
 *   here after the customer's row is locked, so of two concurrent claims the second sees the first.
 *   The customer's open opportunities and tasks go to the new owner too, set-based and with the same
 *   version, so they travel with it.
 *
 * Two statements: lock and read the customer (and its owner's team); then update it, move the open
 * work and insert the history in one. The open work's rows are written without being read first: that
 * cannot deadlock with another push, because every mutation that writes an opportunity or a task reads
 * (locks) its customer first, and this push holds the customer (docs/server.md "Lock order").
 */
async function applyMove(tx: ServerTx, effect: MoveEffect, stamp: WriteStamp): Promise<void> {
  const [old] = await tx.rows<MovedCustomer>(sql`
    SELECT c.id, c.kind, c.owner_id AS "ownerId", c.pool_state AS "poolState", c.pool_id AS "poolId",
      c.entered_pool_at::float8 AS "enteredPoolAt", u.team_id AS "ownerTeamId"
    FROM customers c LEFT JOIN users u ON u.id = c.owner_id
    WHERE c.id = ${effect.customerId} AND c.org_id = ${stamp.orgId} AND c.deleted_at IS NULL
    FOR NO KEY UPDATE OF c`);
  if (!old) throw new AppError('not_found', 'customerId: no such customer', { field: 'customerId' });

  const toPublic = effect.poolState === 'public';
  let historyPool: string | null = null;
  let pool = sql``;
  if (toPublic) {
    historyPool = (await releasePool(tx, stamp.orgId, old, effect.poolId)).id;
    pool = sql`, pool_id = ${historyPool}, entered_pool_at = ${stamp.now}, previous_owner_id = ${old.ownerId}`;
  } else if (effect.action === 'claim' && effect.ownerId !== null) {
    const from = await checkClaim(tx, {
      orgId: stamp.orgId,
      userId: effect.ownerId,
      customer: old,
      now: stamp.now,
    });
    historyPool = from?.id ?? old.poolId;
  } else if (effect.action === 'assign') {
    historyPool = claimPoolOf(await loadPools(tx, stamp.orgId, old.kind), old)?.id ?? old.poolId;
  }
  const claimedAt = toPublic ? null : stamp.now;
  const work =
    !toPublic && effect.ownerId !== null
      ? FOLLOWS_OWNER.map(
          ({ table, column }) => sql`, ${sql.raw(`moved_${table}`)} AS (
      UPDATE ${sql.raw(SQL_TABLES[table])} w SET ${sql.raw(column)} = ${effect.ownerId}, updated_at = ${stamp.now},
        version = ${stamp.version}
      FROM upd WHERE w.customer_id = upd.id AND w.org_id = ${stamp.orgId} AND w.status = 'open'
        AND w.deleted_at IS NULL AND w.${sql.raw(column)} <> ${effect.ownerId} RETURNING w.id
    )`,
        )
      : [];
  await tx.rows(sql`
    WITH upd AS (
      UPDATE customers c SET owner_id = ${effect.ownerId}, pool_state = ${effect.poolState},
        claimed_at = ${claimedAt} ${pool}, updated_at = ${stamp.now}, version = ${stamp.version}
      WHERE c.id = ${old.id} RETURNING c.id
    ) ${sql.join(work, sql``)}
    INSERT INTO ownership_history (id, org_id, customer_id, from_owner_id, to_owner_id, from_pool_state,
      to_pool_state, actor_type, actor_id, reason, action, pool_id, at, version)
    SELECT ${newId(stamp.now)}, ${stamp.orgId}, upd.id, ${old.ownerId}, ${effect.ownerId}, ${old.poolState},
      ${effect.poolState}, 'user', ${stamp.userId}, ${effect.reason}, ${effect.action}, ${historyPool},
      ${stamp.now}, ${stamp.version}
    FROM upd`);
}

/** Records the losing side of a same-field edit for the pushing device (delivered by its next pull). */
async function recordConflict(
  tx: ServerTx,
  effect: ConflictEffect,
  stamp: WriteStamp,
  meta: MutationMeta,
): Promise<void> {
  await tx.rows(sql`
    INSERT INTO sync_conflicts (client_id, mutation_id, field, name, table_name, row_id, base, mine, theirs, at)
    VALUES (${stamp.clientId}, ${meta.mutationId}, ${effect.field}, ${meta.name}, ${effect.table}, ${effect.id},
      ${jsonOrNull(effect.base)}::jsonb, ${jsonOrNull(effect.mine)}::jsonb, ${jsonOrNull(effect.theirs)}::jsonb,
      ${stamp.now})`);
}

/** A JSON value as text for a jsonb parameter; null/undefined as SQL NULL (as json_populate_recordset does). */
function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/**
 * Writes one effect, stamping the transaction's version. Delete leaves a tombstone (pull sends `del`).
 * `assertUnique` writes nothing: it refuses the mutation when another record holds the value (attrs.ts).
 */
export async function applyEffect(
  tx: ServerTx,
  effect: Effect,
  stamp: WriteStamp,
  meta: MutationMeta,
): Promise<void> {
  if (effect.kind === 'move') return applyMove(tx, effect, stamp);
  if (effect.kind === 'conflict') return recordConflict(tx, effect, stamp, meta);
  if (effect.kind === 'assertUnique') return assertUniqueAttr(tx, stamp.orgId, effect);
  const table = sql.raw(SQL_TABLES[effect.table]);
  if (effect.kind === 'insert') {
    const row = { ...(effect.row as Record<string, unknown>), orgId: stamp.orgId };
    const pairs = assignments(effect.table, row, false);
    pairs.push(['version', sql`${stamp.version}`]);
    await tx.rows(sql`
      INSERT INTO ${table} (${sql.raw(pairs.map(([col]) => col).join(', '))})
      VALUES (${sql.join(
        pairs.map(([, value]) => value),
        sql`, `,
      )})`);
    return;
  }
  if (effect.kind === 'update') {
    const pairs = assignments(effect.table, effect.set as Record<string, unknown>, true);
    pairs.push(['version', sql`${stamp.version}`]);
    const live = HAS_TOMBSTONES[effect.table] ? sql`AND deleted_at IS NULL` : sql``;
    const updated = await tx.rows(sql`
      UPDATE ${table} SET ${sql.join(
        pairs.map(([col, value]) => sql`${sql.raw(col)} = ${value}`),
        sql`, `,
      )}
      WHERE id = ${effect.id} AND org_id = ${stamp.orgId} ${live} RETURNING id`);
    if (updated.length === 0)
      throw new AppError('not_found', `id: no such ${effect.table} row`, { field: 'id' });
    return;
  }
  if (!HAS_TOMBSTONES[effect.table])
    throw new MutatorFailure(`Mutator deleted from ${effect.table}, which has no tombstones`);
  const deleted = await tx.rows(sql`
    UPDATE ${table} SET deleted_at = ${stamp.now}, updated_at = ${stamp.now}, version = ${stamp.version}
    WHERE id = ${effect.id} AND org_id = ${stamp.orgId} AND deleted_at IS NULL RETURNING id`);
  if (deleted.length === 0)
    throw new AppError('not_found', `id: no such ${effect.table} row`, { field: 'id' });
}

/**
 * Field (wire key) a foreign-key constraint name is about, e.g. follow_ups_contact_id_contacts_id_fk →
 * contactId: drizzle names them `<table>_<column>_<parent>_<column>_fk`, so the column right after the
 * table's name (the longest match, so `source_follow_up_id` is not read as `follow_up_id`).
 */
function fieldOfConstraint(constraint: string | undefined): string | undefined {
  if (!constraint) return undefined;
  let best: { key: string; length: number } | undefined;
  for (const [table, cols] of Object.entries(WIRE_COLUMNS)) {
    const prefix = `${SQL_TABLES[table as SyncedTable]}_`;
    if (!constraint.startsWith(prefix)) continue;
    for (const col of cols) {
      if (col.kind !== 'uuid' || col.column === 'id') continue;
      if (constraint.startsWith(`${prefix}${col.column}_`) && col.column.length > (best?.length ?? 0)) {
        best = { key: col.key, length: col.column.length };
      }
    }
  }
  return best?.key;
}

/**
 * A customer write refused by a uniqueness index, as `DuplicateCustomer` (the caller names the holder),
 * or undefined for any other error. `intended` is the customer row as the mutation meant to leave it.
 */
export function asDuplicate(
  err: unknown,
  customerId: string,
  intended: Record<string, unknown> | undefined,
): DuplicateCustomer | undefined {
  if (pgErrorCode(err) !== '23505') return undefined;
  const field = UNIQUE_CONSTRAINTS[pgConstraint(err) ?? ''];
  if (!field) return undefined;
  return new DuplicateCustomer(field, intended?.[field], customerId);
}

/**
 * Turns a database refusal of a mutation's writes into the AppError the device will show, or undefined
 * when the error is not the mutation's fault (connection lost, …) and the whole push must fail instead.
 */
export function databaseRefusal(err: unknown): AppError | undefined {
  const code = pgErrorCode(err);
  if (!code) return undefined;
  const constraint = pgConstraint(err);
  if (code === '23505') {
    // Customer uniqueness is normally caught as DuplicateCustomer and the holder named (push.ts); this is
    // the fallback when the write that collided is not known.
    const field = UNIQUE_CONSTRAINTS[constraint ?? ''];
    if (field) {
      return new AppError('duplicate', `${field}: a customer with this value already exists`, { field });
    }
    return new AppError('conflict', 'id: a row with this id already exists', { field: 'id' });
  }
  if (code === '23503') {
    const field = fieldOfConstraint(constraint);
    return new AppError('not_found', `${field ?? 'reference'}: refers to a row that does not exist`, {
      ...(field ? { field } : {}),
    });
  }
  if (code.startsWith('23') || code.startsWith('22')) {
    return new AppError(
      'validation',
      'A value was refused by the database (invalid, too long or out of range)',
    );
  }
  return undefined;
}
