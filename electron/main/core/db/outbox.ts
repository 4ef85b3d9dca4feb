import type Database from 'better-sqlite3';
import type { AppErrorData } from '../../../../shared/errors';
import type { SyncedTable } from '../../../../shared/domain/rows';
import type { Effect } from '../../../../shared/mutations/types';
import type { DeviceEffect } from './effects';
import type { Conflict } from '../../../../shared/sync/protocol';
import { recordConflict, recordRejection } from './inbox';
import { deleteRow, getRow } from './rows';
import { statement } from './statements';

/** A mutation waiting in the outbox; `seq` is its per-client mutation id. */
export type OutboxEntry = {
  seq: number;
  name: string;
  args: unknown;
  effects: DeviceEffect[];
  createdAt: number;
  attempts: number;
  lastError: string | null;
};

type RawEntry = Omit<OutboxEntry, 'args' | 'effects'> & { args: string; effects: string };

const SELECT_ENTRY =
  'SELECT "seq", "name", "args", "effects", "created_at" AS "createdAt", "attempts", "last_error" AS "lastError" FROM "outbox"';

function parseEntry(raw: RawEntry): OutboxEntry {
  return {
    ...raw,
    args: JSON.parse(raw.args) as unknown,
    effects: JSON.parse(raw.effects) as DeviceEffect[],
  };
}

/** Appends a mutation; returns its sequence number (the mutation id the server will see). */
export function appendOutbox(
  db: Database.Database,
  entry: { name: string; args: unknown; effects: DeviceEffect[]; createdAt: number },
): number {
  const info = statement(
    db,
    'INSERT INTO "outbox" ("name", "args", "effects", "created_at") VALUES (?, ?, ?, ?)',
  ).run(entry.name, JSON.stringify(entry.args), JSON.stringify(entry.effects), entry.createdAt);
  return Number(info.lastInsertRowid);
}

/** The oldest `limit` pending mutations, in the order they must be pushed. */
export function pendingMutations(db: Database.Database, limit: number): OutboxEntry[] {
  return (statement(db, `${SELECT_ENTRY} ORDER BY "seq" LIMIT ?`).all(limit) as RawEntry[]).map(parseEntry);
}

/** Every pending mutation, oldest first (for a rebase). */
export function allPendingMutations(db: Database.Database): OutboxEntry[] {
  return (statement(db, `${SELECT_ENTRY} ORDER BY "seq"`).all() as RawEntry[]).map(parseEntry);
}

export function countPending(db: Database.Database): number {
  return (statement(db, 'SELECT count(*) AS "n" FROM "outbox"').get() as { n: number }).n;
}

/** Notes a push attempt of mutations up to `lastSeq` and why it failed (null: it got through). */
export function recordPushAttempt(db: Database.Database, lastSeq: number, error: string | null): void {
  statement(db, 'UPDATE "outbox" SET "attempts" = "attempts" + 1, "last_error" = ? WHERE "seq" <= ?').run(
    error,
    lastSeq,
  );
}

/** The id of the row an effect concerns. */
export function effectRowId(effect: Effect): string {
  switch (effect.kind) {
    case 'insert':
      return effect.row.id;
    case 'move':
      return effect.customerId;
    default:
      return effect.id;
  }
}

/** Ids of the rows pending mutations wrote: what the UI marks "pending sync". */
export function pendingRowIds(db: Database.Database): Set<string> {
  const ids = new Set<string>();
  for (const { effects } of statement(db, 'SELECT "effects" FROM "outbox"').all() as { effects: string }[]) {
    for (const effect of JSON.parse(effects) as Effect[]) ids.add(effectRowId(effect));
  }
  return ids;
}

/**
 * Makes sure the next outbox entry gets an id above `lastMutationId`. Normally it already does; but a
 * database restored from a backup would hand out ids the server has processed, and the server would skip
 * those new mutations as duplicates — silently losing what the user typed.
 */
function keepSequenceAbove(db: Database.Database, lastMutationId: number): void {
  const row = statement(db, `SELECT "seq" FROM "sqlite_sequence" WHERE "name" = 'outbox'`).get() as
    { seq: number } | undefined;
  if (row && row.seq >= lastMutationId) return;
  if (row)
    statement(db, `UPDATE "sqlite_sequence" SET "seq" = ? WHERE "name" = 'outbox'`).run(lastMutationId);
  else
    statement(db, `INSERT INTO "sqlite_sequence" ("name", "seq") VALUES ('outbox', ?)`).run(lastMutationId);
}

/** A refusal as the server reports it; pulls add the args, pushes do not. */
export type ReportedRejection = { mutationId: number; name: string; error: AppErrorData; args?: unknown };

/**
 * Applies the server's acknowledgement: every mutation with seq ≤ `lastMutationId` has been processed.
 * Applied ones leave the outbox; refused ones move to `rejections` with the user's values, and the rows
 * they inserted (never confirmed by the server, version 0) are removed so the device shows what the server
 * has; lost same-field edits move to `conflicts`, and the field shows the server's value again. A refused
 * update's other optimistic values are corrected by the rows the server re-sends with the refusal.
 * Returns the tables whose rows changed. Call inside a transaction, before the pull's patch.
 */
export function acknowledgeMutations(
  db: Database.Database,
  lastMutationId: number,
  rejected: ReportedRejection[],
  now: number,
  conflicts: Conflict[] = [],
): Set<SyncedTable> {
  const changed = new Set<SyncedTable>();
  const entryOf = (seq: number): OutboxEntry | undefined => {
    const raw = statement(db, `${SELECT_ENTRY} WHERE "seq" = ?`).get(seq) as RawEntry | undefined;
    return raw ? parseEntry(raw) : undefined;
  };
  for (const rejection of rejected) {
    if (rejection.mutationId > lastMutationId) continue;
    const entry = entryOf(rejection.mutationId);
    // Reported twice (push answer, then pull) or for an entry acknowledged earlier: the first record stays.
    recordRejection(db, {
      mutationId: rejection.mutationId,
      name: entry?.name ?? rejection.name,
      args: entry?.args ?? rejection.args ?? null,
      error: rejection.error,
      createdAt: entry?.createdAt ?? now,
      rejectedAt: now,
    });
    if (!entry) continue;
    for (const effect of [...entry.effects].reverse()) {
      if (effect.kind !== 'insert') continue;
      const current = getRow(db, effect.table, effect.row.id);
      if (current && current.version === 0) {
        deleteRow(db, effect.table, effect.row.id);
        changed.add(effect.table);
      }
    }
  }
  for (const conflict of conflicts) {
    if (conflict.mutationId > lastMutationId) continue;
    const entry = entryOf(conflict.mutationId);
    const table = recordConflict(db, conflict, {
      args: entry?.args ?? null,
      createdAt: entry?.createdAt ?? now,
      conflictedAt: now,
    });
    if (table) changed.add(table);
  }
  statement(db, 'DELETE FROM "outbox" WHERE "seq" <= ?').run(lastMutationId);
  keepSequenceAbove(db, lastMutationId);
  return changed;
}
