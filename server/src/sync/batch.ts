import { sql } from 'drizzle-orm';
import { AppError, parseOrThrow, type AppErrorData } from '../../../shared/errors';
import { SYNCED_TABLES, type SyncedTable } from '../../../shared/domain/rows';
import { normalizeCompanyName } from '../../../shared/domain/validators';
import {
  getMutation,
  isMutationName,
  type Effect,
  type MutationContext,
  type MutationDef,
  type Reads,
} from '../../../shared/mutations';
import type { PushedMutation, Rejection } from '../../../shared/sync/protocol';
import type { DbRow, ServerTx } from '../db/database';
import { HAS_TOMBSTONES, SQL_TABLES, WIRE_COLUMNS, wireColumn, wireSelectList } from '../db/wire';
import { newId } from '../../../shared/ids';
import { MutatorFailure, PROTECTED_KEYS, type WriteStamp } from './effects';

/**
 * The fast path of a push (docs/server.md): instead of one SAVEPOINT and a round trip per read and per
 * effect of every mutation, it
 *  1. parses every mutation's args and locks every row they read, one `SELECT … FOR UPDATE` per table;
 *  2. runs the mutators in id order against those rows plus an in-memory overlay of the effects of the
 *     mutations before (what the database would return inside the transaction); a refused mutation just
 *     leaves the overlay untouched, which is what rolling back its savepoint does;
 *  3. writes the final state of every touched row with one INSERT and one UPDATE per table.
 * Whatever it cannot decide in memory (a mutator touching a row it did not read) or the database refuses
 * at write time (a duplicate name) throws `NeedsSlowPath`; the caller rolls back and replays the push
 * one savepoint per mutation, which is the reference behaviour.
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
function parse(m: PushedMutation): Parsed | AppErrorData {
  try {
    if (!isMutationName(m.name)) {
      throw new AppError('bad_request', `name: unknown mutation "${m.name}"`, { field: 'name' });
    }
    const def = getMutation(m.name);
    const args = parseOrThrow(def.args, m.args, 'args');
    return { m, def, args, reads: def.reads(args) };
  } catch (err) {
    return refusalOf(err);
  }
}

async function lockReads(tx: ServerTx, parsed: Parsed[], orgId: string): Promise<Map<string, Entry>> {
  const overlay = new Map<string, Entry>();
  const ids = new Map<SyncedTable, Set<string>>();
  for (const p of parsed) {
    for (const spec of Object.values(p.reads)) {
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
  }
  for (const [table, set] of ids) {
    const live = HAS_TOMBSTONES[table] ? sql`AND t.deleted_at IS NULL` : sql``;
    const rows = await tx.rows(sql`
      SELECT ${wireSelectList(table, 't')} FROM ${sql.raw(SQL_TABLES[table])} t
      WHERE t.org_id = ${orgId} AND t.id IN (${sql.join(
        [...set].map((id) => sql`${id}::uuid`),
        sql`, `,
      )}) ${live}
      ORDER BY t.id FOR UPDATE`);
    for (const row of rows) {
      overlay.set(key(table, String(row.id)), { table, row, deletedAt: null, write: null });
    }
  }
  return overlay;
}

/** An ownership_history row to insert (snake_case, for json_populate_recordset). */
type HistoryRecord = Record<string, unknown>;
/** A sync_conflicts row to insert (snake_case, for json_populate_recordset). */
type ConflictRecord = Record<string, unknown>;

/** What one accepted mutation adds besides row writes. */
type SideRecords = { history: HistoryRecord[]; conflicts: ConflictRecord[] };

/**
 * Applies one mutation's effects to a scratch copy of the entries it touches, and collects the history
 * and conflict records it writes; throws to refuse (nothing of it is kept then).
 */
function applyInMemory(
  overlay: Map<string, Entry>,
  effects: Effect[],
  stamp: WriteStamp,
  m: PushedMutation,
): { scratch: Map<string, Entry> } & SideRecords {
  const scratch = new Map<string, Entry>();
  const side: SideRecords = { history: [], conflicts: [] };
  const current = (k: string) => scratch.get(k) ?? overlay.get(k);
  for (const effect of effects) {
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
      continue;
    }
    const table = effect.table;
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
  return { scratch, ...side };
}

/** A row as json_populate_recordset wants it: snake_case column names, plus the server-only columns. */
function toRecord(entry: Entry): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const row = entry.row ?? {};
  for (const col of WIRE_COLUMNS[entry.table]) out[col.column] = row[col.key] ?? null;
  if (HAS_TOMBSTONES[entry.table]) out.deleted_at = entry.deletedAt;
  if (entry.table === 'customers') out.name_norm = normalizeCompanyName(String(row.name ?? ''));
  return out;
}

async function writeAll(
  tx: ServerTx,
  overlay: Map<string, Entry>,
  orgId: string,
  side: SideRecords,
): Promise<void> {
  const touched = [...overlay.values()].filter((e) => e.write !== null);
  // Parents first (SYNCED_TABLES order), inserts before updates: foreign keys hold statement by statement.
  for (const write of ['insert', 'update'] as const) {
    for (const table of SYNCED_TABLES) {
      const entries = touched.filter((e) => e.table === table && e.write === write);
      if (entries.length === 0) continue;
      const columns = [
        ...WIRE_COLUMNS[table].map((c) => c.column),
        ...(HAS_TOMBSTONES[table] ? ['deleted_at'] : []),
        ...(table === 'customers' ? ['name_norm'] : []),
      ];
      const name = sql.raw(SQL_TABLES[table]);
      const json = JSON.stringify(entries.map(toRecord));
      if (write === 'insert') {
        const list = sql.raw(columns.join(', '));
        await tx.rows(sql`INSERT INTO ${name} (${list})
          SELECT ${list} FROM json_populate_recordset(NULL::${name}, ${json}::json)`);
      } else {
        const sets = sql.raw(
          columns
            .filter((c) => c !== 'id' && c !== 'org_id')
            .map((c) => `${c} = r.${c}`)
            .join(', '),
        );
        await tx.rows(sql`UPDATE ${name} t SET ${sets}
          FROM json_populate_recordset(NULL::${name}, ${json}::json) r
          WHERE t.id = r.id AND t.org_id = ${orgId}`);
      }
    }
  }
  // After the customers they refer to: history rows of moves, and conflict records of this device.
  if (side.history.length > 0) {
    await tx.rows(sql`INSERT INTO ownership_history
      SELECT * FROM json_populate_recordset(NULL::ownership_history, ${JSON.stringify(side.history)}::json)`);
  }
  if (side.conflicts.length > 0) {
    await tx.rows(sql`INSERT INTO sync_conflicts
      SELECT * FROM json_populate_recordset(NULL::sync_conflicts, ${JSON.stringify(side.conflicts)}::json)`);
  }
}

/**
 * Runs the pending mutations of a push on the fast path and returns the rejections. Throws
 * NeedsSlowPath (after possibly writing: run it inside a savepoint) when the slow path must decide.
 */
export async function applyBatch(
  tx: ServerTx,
  pending: PushedMutation[],
  ctx: MutationContext,
  stamp: WriteStamp,
): Promise<Rejection[]> {
  const rejections: Rejection[] = [];
  const side: SideRecords = { history: [], conflicts: [] };
  const parsed: (Parsed | AppErrorData)[] = pending.map(parse);
  const overlay = await lockReads(
    tx,
    parsed.filter((p): p is Parsed => 'def' in p),
    ctx.orgId,
  );
  parsed.forEach((p, i) => {
    const m = pending[i] as PushedMutation;
    if (!('def' in p)) {
      rejections.push({ mutationId: m.id, name: m.name, error: p });
      return;
    }
    try {
      const loaded: Record<string, DbRow | undefined> = {};
      for (const [name, spec] of Object.entries(p.reads)) {
        const entry = overlay.get(key(spec.table, spec.id));
        loaded[name] = entry && entry.deletedAt === null && entry.row ? { ...entry.row } : undefined;
      }
      let effects: Effect[];
      try {
        effects = p.def.plan(p.args, loaded as never, ctx);
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new MutatorFailure(err instanceof Error ? err.message : String(err));
      }
      const applied = applyInMemory(overlay, effects, stamp, m);
      for (const [k, entry] of applied.scratch) overlay.set(k, entry);
      side.history.push(...applied.history);
      side.conflicts.push(...applied.conflicts);
    } catch (err) {
      if (err instanceof NeedsSlowPath) throw err;
      rejections.push({ mutationId: m.id, name: m.name, error: refusalOf(err) });
    }
  });
  try {
    await writeAll(tx, overlay, ctx.orgId, side);
  } catch (err) {
    throw new NeedsSlowPath(
      `the database refused the batch: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return rejections;
}
