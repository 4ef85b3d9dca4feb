import type Database from 'better-sqlite3';
import type { InboxAction } from '../../../shared/api/contract';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { duplicateHolderSchema } from '../../../shared/domain/uniqueness';
import type { SessionUser } from '../../../shared/sync/protocol';
import { deleteInboxEntry, getConflict, getRejection, parseInboxId } from './db/inbox';
import { getRow } from './db/rows';
import { mutate } from './mutate';

/**
 * The base of an edit: the device's current value of each edited field (SPEC §5.6). The server compares
 * it with what it has, field by field; a field someone else changed since becomes a conflict rather than a
 * silent overwrite. A base the caller already gave (what the form showed when the user opened it) wins,
 * since that is what the user really saw. Fields of a row not on the device are left out.
 */
export function editBase(
  db: Database.Database,
  id: string,
  set: Record<string, unknown>,
  given: Record<string, unknown> = {},
  table: 'customers' | 'opportunities' = 'customers',
): Record<string, unknown> {
  const row = getRow(db, table, id) as Record<string, unknown> | undefined;
  const base: Record<string, unknown> = {};
  for (const field of Object.keys(set)) {
    if (Object.hasOwn(given, field)) base[field] = given[field];
    else if (row && Object.hasOwn(row, field)) base[field] = row[field] ?? null;
  }
  return base;
}

type Args = Record<string, unknown>;

/**
 * Mutations that create rows under ids the client core made, with the ids they carry (the row they name
 * and the table it goes to): re-issuing one whose id is taken needs new ids.
 */
const CREATED: Record<
  string,
  { table: 'customers' | 'followUps' | 'opportunities' | 'tasks'; fresh: (a: Args, now: number) => Args }
> = {
  createCustomer: { table: 'customers', fresh: (a, now) => ({ ...a, id: newId(now) }) },
  createLead: {
    table: 'customers',
    fresh: (a, now) => ({
      ...a,
      id: newId(now),
      ...(isObject(a.contact) ? { contact: { ...a.contact, id: newId(now) } } : {}),
    }),
  },
  logFollowUp: {
    table: 'followUps',
    fresh: (a, now) => ({ ...a, id: newId(now), ...(a.nextTaskId ? { nextTaskId: newId(now) } : {}) }),
  },
  createOpportunity: {
    table: 'opportunities',
    fresh: (a, now) => ({ ...a, id: newId(now), stageChangeId: newId(now) }),
  },
  createTask: { table: 'tasks', fresh: (a, now) => ({ ...a, id: newId(now) }) },
};

function isObject(v: unknown): v is Args {
  return typeof v === 'object' && v !== null;
}

/** Arguments to re-issue a refused mutation with: the user's values, made to fit the device's state now. */
function retryArgs(db: Database.Database, name: string, args: unknown, taken: boolean, now: number): unknown {
  if (!isObject(args)) return args;
  const a = args;
  if (name === 'updateCustomer' && typeof a.id === 'string' && isObject(a.set)) {
    // The user chose their values over what the server has now: base them on it.
    return { ...a, base: editBase(db, a.id, a.set) };
  }
  if (name === 'updateOpportunity' && typeof a.id === 'string' && isObject(a.set)) {
    return { ...a, base: editBase(db, a.id, a.set, {}, 'opportunities') };
  }
  const created = CREATED[name];
  if (created && typeof a.id === 'string' && (taken || getRow(db, created.table, a.id))) {
    return created.fresh(a, now);
  }
  if (name === 'moveOpportunityStage' || name === 'convertLead') {
    // Their stage-history entry (and a conversion's opportunity) may have been taken: always fresh ids.
    if (name === 'moveOpportunityStage') return { ...a, stageChangeId: newId(now) };
    if (isObject(a.opportunity))
      return { ...a, opportunity: { ...a.opportunity, id: newId(now), stageChangeId: newId(now) } };
  }
  return args;
}

/** A create refused because its id exists on the server gets a new id when it is tried again. */
function idTaken(error: { code: string; field?: string | undefined }): boolean {
  return error.code === 'conflict' && error.field !== undefined && /(^|\.)id$|Id$/.test(error.field);
}

/** Why a rejection can be answered with a claim: a duplicate of a public-sea customer, named. */
function claimableCustomer(error: {
  code: string;
  params?: Record<string, unknown> | undefined;
}): string | null {
  if (error.code !== 'duplicate') return null;
  const holder = duplicateHolderSchema.safeParse(error.params ?? {});
  return holder.success && holder.data.holder === 'public' && holder.data.customerId
    ? holder.data.customerId
    : null;
}

/** The reason a claim made from the inbox records in ownership history. */
export const CLAIM_AT_CAPTURE_REASON = 'duplicate at capture';

/**
 * Carries out the user's decision on an inbox entry, in one transaction with the mutation it issues:
 * - conflict, applyMine: a new `updateCustomer` of that field with the user's value, based on the value
 *   the device has now (the server's), so it applies unless someone changes the field yet again;
 * - rejection, applyMine: the same mutation again with the user's values (a new mutation id; a create
 *   whose id is taken gets a new id; an update is based on the current values);
 * - rejection, claim: a create refused as a duplicate of a public-sea customer (`params.holder` public,
 *   with its `customerId`) becomes a `claimCustomer` of that customer instead, and the entry goes;
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
    let issued = false;
    if (action === 'claim') {
      const customerId = rejection ? claimableCustomer(rejection.error) : null;
      if (!customerId) {
        throw new AppError(
          'validation',
          'action: only a capture refused as a duplicate of a public-sea customer can be claimed',
          { field: 'action' },
        );
      }
      mutate(db, user, 'claimCustomer', { customerId, reason: CLAIM_AT_CAPTURE_REASON }, now);
      issued = true;
    } else if (action === 'applyMine' && conflict) {
      const set = { [conflict.field]: conflict.mine };
      let outcome;
      if (conflict.table === 'customers') {
        outcome = mutate(
          db,
          user,
          'updateCustomer',
          { id: conflict.rowId, set, base: editBase(db, conflict.rowId, set) },
          now,
        );
      } else if (conflict.table === 'opportunities') {
        const opportunity = getRow(db, 'opportunities', conflict.rowId);
        if (!opportunity) {
          throw new AppError('not_found', 'id: the opportunity is no longer on this device', { field: 'id' });
        }
        outcome = mutate(
          db,
          user,
          'updateOpportunity',
          {
            id: conflict.rowId,
            customerId: opportunity.customerId,
            set,
            base: editBase(db, conflict.rowId, set, {}, 'opportunities'),
          },
          now,
        );
      } else {
        throw new AppError('bad_request', `id: a conflict on ${conflict.table} cannot be re-applied`, {
          field: 'id',
        });
      }
      tables = [...outcome.tables];
      issued = true;
    } else if (action === 'applyMine' && rejection) {
      const args = retryArgs(db, rejection.name, rejection.args, idTaken(rejection.error), now);
      tables = [...mutate(db, user, rejection.name, args, now).tables];
      issued = true;
    }
    deleteInboxEntry(db, ref);
    return { tables: [...tables, 'inbox'], issued };
  })();
}
