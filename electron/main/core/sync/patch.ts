import type Database from 'better-sqlite3';
import { rowSchemas, SYNCED_TABLES, type RowOf, type SyncedTable } from '../../../../shared/domain/rows';
import { AppError } from '../../../../shared/errors';
import type { PatchOp } from '../../../../shared/sync/protocol';
import { clearSyncedTables, deleteRow, upsertRow } from '../db/rows';

/** A patch operation whose row has been checked against the shared row schema. */
export type CheckedPatchOp =
  | { [T in SyncedTable]: { op: 'put'; table: T; row: RowOf[T] } }[SyncedTable]
  | { op: 'del'; table: SyncedTable; id: string }
  | { op: 'clear' };

/**
 * Validates every row of a pull page before anything is written, so a malformed page is refused whole
 * (named by table, row and field) instead of being half applied.
 */
export function checkPatch(patch: PatchOp[]): CheckedPatchOp[] {
  return patch.map((op, i): CheckedPatchOp => {
    if (op.op !== 'put') return op;
    const parsed = rowSchemas[op.table].safeParse(op.row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError(
        'server_error',
        `pull patch[${i}] ${op.table}.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid row'}`,
      );
    }
    return { op: 'put', table: op.table, row: parsed.data } as CheckedPatchOp;
  });
}

/** Writes a checked page to the local tables; returns the tables it touched. Call inside a transaction. */
export function applyPatch(db: Database.Database, patch: CheckedPatchOp[]): Set<SyncedTable> {
  const tables = new Set<SyncedTable>();
  for (const op of patch) {
    switch (op.op) {
      case 'clear':
        clearSyncedTables(db);
        for (const t of SYNCED_TABLES) tables.add(t);
        break;
      case 'put':
        upsertRow(db, op.table, op.row);
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
