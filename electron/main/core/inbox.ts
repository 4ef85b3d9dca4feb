import type Database from 'better-sqlite3';
import type { InboxAction } from '../../../shared/api/contract';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import type { SessionUser } from '../../../shared/sync/protocol';
import { deleteInboxEntry, getConflict, getRejection, parseInboxId } from './db/inbox';
import { getRow } from './db/rows';
import { mutate } from './mutate';

/**
 * The base of an edit: the device's current value of each edited field (SPEC §5.6). The server compares
 * it with what it has, field by field; a field someone else changed since becomes a conflict rather than a
 * silent overwrite. A base the caller already gave (what the form showed when the user opened it) wins,
 * since that is what the user really saw. Fields of a customer not on the device are left out.
 */
export function editBase(
  db: Database.Database,
  id: string,
  set: Record<string, unknown>,
  given: Record<string, unknown> = {},
): Record<string, unknown> {
  const row = getRow(db, 'customers', id) as Record<string, unknown> | undefined;
  const base: Record<string, unknown> = {};
  for (const field of Object.keys(set)) {
    if (Object.hasOwn(given, field)) base[field] = given[field];
    else if (row && Object.hasOwn(row, field)) base[field] = row[field] ?? null;
  }
  return base;
}

/** Mutations that create the row named by `args.id`: re-issuing one whose id is taken needs a new id. */
const CREATES = new Set(['createCustomer', 'logFollowUp']);
const CREATED_TABLE = { createCustomer: 'customers', logFollowUp: 'followUps' } as const;

/** Arguments to re-issue a refused mutation with: the user's values, made to fit the device's state now. */
function retryArgs(db: Database.Database, name: string, args: unknown, now: number): unknown {
  if (typeof args !== 'object' || args === null) return args;
  const a = args as Record<string, unknown>;
  if (name === 'updateCustomer' && typeof a.id === 'string' && typeof a.set === 'object' && a.set !== null) {
    // The user chose their values over what the server has now: base them on it.
    return { ...a, base: editBase(db, a.id, a.set as Record<string, unknown>) };
  }
  if (CREATES.has(name) && typeof a.id === 'string') {
    const table = CREATED_TABLE[name as keyof typeof CREATED_TABLE];
    if (getRow(db, table, a.id)) return { ...a, id: newId(now) };
  }
  return args;
}

/** A create refused because its id exists on the server gets a new id when it is tried again. */
function idTaken(error: { code: string; field?: string | undefined }): boolean {
  return error.code === 'conflict' && error.field === 'id';
}

/**
 * Carries out the user's decision on an inbox entry, in one transaction with the mutation it issues:
 * - conflict, applyMine: a new `updateCustomer` of that field with the user's value, based on the value
 *   the device has now (the server's), so it applies unless someone changes the field yet again;
 * - rejection, applyMine: the same mutation again with the user's values (a new mutation id; a create
 *   whose id is taken gets a new id; an update is based on the current values);
 * - keepTheirs / discard: the entry goes, the server's state stands.
 * Returns the tables the issued mutation wrote (empty when none). A mutation refused here (the customer
 * is no longer on this device) throws, and the entry stays.
 */
export function resolveInboxEntry(
  db: Database.Database,
  user: Pick<SessionUser, 'id' | 'orgId' | 'role'>,
  id: string,
  action: InboxAction,
  now: number,
): { tables: string[]; issued: boolean } {
  const ref = parseInboxId(id);
  if (!ref) throw new AppError('not_found', `id: no inbox entry ${id}`, { field: 'id' });
  return db.transaction(() => {
    const conflict = ref.kind === 'conflict' ? getConflict(db, ref.id) : undefined;
    const rejection = ref.kind === 'rejection' ? getRejection(db, ref.mutationId) : undefined;
    if (!conflict && !rejection) throw new AppError('not_found', `id: no inbox entry ${id}`, { field: 'id' });
    let tables: string[] = [];
    if (action === 'applyMine' && conflict) {
      if (conflict.table !== 'customers') {
        throw new AppError('bad_request', `id: a conflict on ${conflict.table} cannot be re-applied`, {
          field: 'id',
        });
      }
      const set = { [conflict.field]: conflict.mine };
      const outcome = mutate(
        db,
        user,
        'updateCustomer',
        { id: conflict.rowId, set, base: editBase(db, conflict.rowId, set) },
        now,
      );
      tables = [...outcome.tables];
    } else if (action === 'applyMine' && rejection) {
      let args = retryArgs(db, rejection.name, rejection.args, now);
      if (CREATES.has(rejection.name) && idTaken(rejection.error) && args === rejection.args)
        args = { ...(args as Record<string, unknown>), id: newId(now) };
      tables = [...mutate(db, user, rejection.name, args, now).tables];
    }
    deleteInboxEntry(db, ref);
    return { tables: [...tables, 'inbox'], issued: action === 'applyMine' };
  })();
}
