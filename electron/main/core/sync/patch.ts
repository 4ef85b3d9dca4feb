import type Database from 'better-sqlite3';
import { rowSchemas, SYNCED_TABLES, type RowOf, type SyncedTable } from '../../../../shared/domain/rows';
import { AppError } from '../../../../shared/errors';
import { patchOpSchema } from '../../../../shared/sync/protocol';
import { clearSyncedTables, deleteRow, insertRow, upsertRow } from '../db/rows';
import { fastRowChecks, isUuid } from './rowCheck';

/** A patch operation whose row has been checked against the shared row schema. */
export type CheckedPatchOp =
  | { [T in SyncedTable]: { op: 'put'; table: T; row: RowOf[T] } }[SyncedTable]
  | { op: 'del'; table: SyncedTable; id: string }
  | { op: 'clear' };

const isTable = (t: unknown): t is SyncedTable =>
  typeof t === 'string' && Object.prototype.hasOwnProperty.call(fastRowChecks, t);

/**
 * The slow, exact path for one operation the compiled checks did not accept: zod decides (protocol's
 * `patchOpSchema`, then the table's row schema) and names the first problem.
 */
function checkWithZod(op: unknown, i: number): CheckedPatchOp {
  const parsedOp = patchOpSchema.safeParse(op);
  if (!parsedOp.success) {
    const issue = parsedOp.error.issues[0];
    throw new AppError(
      'server_error',
      `pull patch[${i}]${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid operation'}`,
    );
  }
  const checked = parsedOp.data;
  if (checked.op !== 'put') return checked;
  const parsed = rowSchemas[checked.table].safeParse(checked.row);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new AppError(
      'server_error',
      `pull patch[${i}] ${checked.table}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid row'}`,
    );
  }
  return { op: 'put', table: checked.table, row: parsed.data } as CheckedPatchOp;
}

/**
 * Validates every operation and row of a pull page before anything is written, so a malformed page is
 * refused whole (named by operation, table and field) instead of being half applied. The page arrives
 * unchecked from the transport; the compiled row checks (rowCheck.ts) accept the good rows quickly, and
 * anything they do not accept goes through zod, which refuses it with its message or, in a case the
 * compiled checks do not model, accepts it.
 */
export function checkPatch(patch: readonly unknown[]): CheckedPatchOp[] {
  const out = new Array<CheckedPatchOp>(patch.length);
  for (let i = 0; i < patch.length; i++) {
    const op = patch[i] as { op?: unknown; table?: unknown; row?: unknown; id?: unknown } | null;
    let fast: CheckedPatchOp | null = null;
    if (typeof op === 'object' && op !== null && !Array.isArray(op)) {
      const table = op.table;
      if (op.op === 'put') {
        if (isTable(table) && fastRowChecks[table](op.row))
          fast = { op: 'put', table, row: op.row } as CheckedPatchOp;
      } else if (op.op === 'del') {
        if (isTable(table) && isUuid(op.id)) fast = { op: 'del', table, id: op.id as string };
      } else if (op.op === 'clear') {
        fast = { op: 'clear' };
      }
    }
    out[i] = fast ?? checkWithZod(op, i);
  }
  return out;
}

/**
 * Writes a checked page to the local tables; returns the tables it touched. Call inside a transaction.
 * After a `clear` in the same round (`fresh`), rows go in with a plain INSERT: the tables held nothing
 * but this round's earlier pages and the replayed pending work, so a row rarely exists already (see
 * insertRow, which falls back to the upsert when one does).
 */
export function applyPatch(
  db: Database.Database,
  patch: CheckedPatchOp[],
  opts: { fresh?: boolean } = {},
): Set<SyncedTable> {
  const tables = new Set<SyncedTable>();
  let fresh = opts.fresh ?? false;
  for (const op of patch) {
    switch (op.op) {
      case 'clear':
        clearSyncedTables(db);
        for (const t of SYNCED_TABLES) tables.add(t);
        fresh = true;
        break;
      case 'put':
        if (fresh) insertRow(db, op.table, op.row);
        else upsertRow(db, op.table, op.row);
        tables.add(op.table);
        break;
      case 'del':
        deleteRow(db, op.table, op.id);
        tables.add(op.table);
        break;
    }
  }
  return tables;
}
