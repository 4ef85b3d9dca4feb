import type Database from 'better-sqlite3';
import type { SyncedTable } from '../../../../shared/domain/rows';
import type { Effect } from '../../../../shared/mutations/types';
import { allPendingMutations } from './outbox';
import { deleteRow, updateRow, upsertRow } from './rows';

/**
 * Writes a mutator's effects to the local tables. An insert is an upsert so that replaying a pending
 * mutation over rows it already wrote (a rebase) is idempotent; it never lowers the row's server version.
 * Returns the tables written.
 */
export function applyEffects(db: Database.Database, effects: readonly Effect[]): Set<SyncedTable> {
  const tables = new Set<SyncedTable>();
  for (const effect of effects) {
    switch (effect.kind) {
      case 'insert':
        upsertRow(db, effect.table, { ...effect.row, version: 0 }, { keepVersion: true });
        break;
      case 'update':
        updateRow(db, effect.table, effect.id, effect.set);
        break;
      case 'delete':
        deleteRow(db, effect.table, effect.id);
        break;
      case 'move':
        // Optimistic: the customer shows its new owner at once. If it left this device's scope (a manager
        // moved it out of their team, a rep released it), the next pull sends its removal.
        updateRow(db, 'customers', effect.customerId, {
          ownerId: effect.ownerId,
          poolState: effect.poolState,
        });
        tables.add('customers');
        continue;
      case 'conflict':
        // The server's verdict, not a change: it comes back in a pull as a conflict record.
        continue;
    }
    tables.add(effect.table);
  }
  return tables;
}

/**
 * Rebase: replays every pending mutation's effects, oldest first, over what a pull just wrote, so the UI
 * keeps showing the user's own edits until the server has them (mutators are deterministic; their effects
 * were recorded at the time). A mutation that no longer fits (its customer left this device's scope, so a
 * foreign key fails) is skipped locally inside its own savepoint; the server will refuse it and it comes
 * back as a rejection with the user's values. Call inside a transaction.
 */
export function replayPendingMutations(db: Database.Database): Set<SyncedTable> {
  const tables = new Set<SyncedTable>();
  const replayOne = db.transaction((effects: Effect[]) => applyEffects(db, effects));
  for (const entry of allPendingMutations(db)) {
    try {
      for (const t of replayOne(entry.effects)) tables.add(t);
    } catch (err) {
      console.warn(`tidepool: pending mutation ${entry.seq} (${entry.name}) no longer applies locally:`, err);
    }
  }
  return tables;
}
