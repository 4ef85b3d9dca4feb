import type Database from 'better-sqlite3';
import type { SyncedTable } from '../../../../shared/domain/rows';
import { sameValue } from '../../../../shared/mutations/merge';
import type { Effect } from '../../../../shared/mutations/types';
import { allPendingMutations } from './outbox';
import { deleteRow, getRow, updateRow, upsertRow } from './rows';

/**
 * The keys of a record's attributes a write changed: set to a value, or removed (emptied, or hidden by a
 * visibility condition). An update effect's `set.attrs` is the whole merged object, so replayed as it is
 * over a pull it would also put back, until the server answers, the attributes another device changed
 * meanwhile; replayed as this patch it changes only the user's own keys, as base fields do.
 */
export type AttrsPatch = { set: Record<string, unknown>; unset: string[] };

/** An effect as the device records it in its outbox: an update may carry its attributes as a patch. */
export type DeviceEffect = Effect | (Extract<Effect, { kind: 'update' }> & { attrsPatch: AttrsPatch });

const TEMPLATED_TABLES: ReadonlySet<SyncedTable> = new Set([
  'customers',
  'contacts',
  'followUps',
  'opportunities',
]);

function attrsOf(db: Database.Database, table: SyncedTable, id: string): Record<string, unknown> {
  const row = getRow(db, table, id) as { attrs?: unknown } | undefined;
  const attrs = row?.attrs;
  return attrs && typeof attrs === 'object' && !Array.isArray(attrs)
    ? (attrs as Record<string, unknown>)
    : {};
}

/**
 * Records, with each update that writes a record's attributes, the keys it changes against the row as
 * the device holds it now (call before applying the effects).
 */
export function withAttrsPatches(db: Database.Database, effects: readonly Effect[]): DeviceEffect[] {
  return effects.map((effect): DeviceEffect => {
    if (effect.kind !== 'update' || !TEMPLATED_TABLES.has(effect.table)) return effect;
    const next = (effect.set as { attrs?: unknown }).attrs;
    if (!next || typeof next !== 'object' || Array.isArray(next)) return effect;
    const before = attrsOf(db, effect.table, effect.id);
    const after = next as Record<string, unknown>;
    const set: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(after)) {
      if (!Object.hasOwn(before, key) || !sameValue(before[key], value)) set[key] = value;
    }
    const unset = Object.keys(before).filter((key) => !Object.hasOwn(after, key));
    return { ...effect, attrsPatch: { set, unset } };
  });
}

function patched(current: Record<string, unknown>, patch: AttrsPatch): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current, ...patch.set };
  for (const key of patch.unset) delete out[key];
  return out;
}

/**
 * Writes a mutator's effects to the local tables. An insert is an upsert so that replaying a pending
 * mutation over rows it already wrote (a rebase) is idempotent; it never lowers the row's server version.
 * Returns the tables written.
 */
export function applyEffects(db: Database.Database, effects: readonly DeviceEffect[]): Set<SyncedTable> {
  const tables = new Set<SyncedTable>();
  for (const effect of effects) {
    switch (effect.kind) {
      case 'insert':
        upsertRow(db, effect.table, { ...effect.row, version: 0 }, { keepVersion: true });
        break;
      case 'update':
        if ('attrsPatch' in effect) {
          const attrs = patched(attrsOf(db, effect.table, effect.id), effect.attrsPatch);
          updateRow(db, effect.table, effect.id, { ...effect.set, attrs });
        } else {
          updateRow(db, effect.table, effect.id, effect.set);
        }
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
      case 'assertUnique':
        // Checked by `mutate` before anything is written (db/duplicates.ts); the server decides again.
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
  const replayOne = db.transaction((effects: DeviceEffect[]) => applyEffects(db, effects));
  for (const entry of allPendingMutations(db)) {
    try {
      for (const t of replayOne(entry.effects)) tables.add(t);
    } catch (err) {
      console.warn(`tidepool: pending mutation ${entry.seq} (${entry.name}) no longer applies locally:`, err);
    }
  }
  return tables;
}
