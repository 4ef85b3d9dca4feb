import type Database from 'better-sqlite3';
import type { InboxAction } from '../../../shared/api/contract';
import { AppError } from '../../../shared/errors';
import { newId } from '../../../shared/ids';
import { duplicateHolderSchema } from '../../../shared/domain/uniqueness';
import { REAPPLY_AFTER_CLAIM } from '../../../shared/mutations';
import type { SessionUser } from '../../../shared/sync/protocol';
import type { TemplateEntity } from '../../../shared/templates/schema';
import {
  deleteInboxEntry,
  getConflict,
  getRejection,
  mutationCustomerId,
  parseInboxId,
  type StoredConflict,
} from './db/inbox';
import { getRow } from './db/rows';
import { templateFor } from './db/templates';
import { mutate } from './mutate';

/** Tables whose rows an edit mutation merges field by field against a `base`. */
export type EditedTable = 'customers' | 'contacts' | 'opportunities';

/**
 * The base of an edit: the device's current value of each edited field (SPEC §5.6). The server compares
 * it with what it has, field by field; a field someone else changed since becomes a conflict rather than a
 * silent overwrite. A base the caller already gave (what the form showed when the user opened it) wins,
 * since that is what the user really saw. Template attributes merge key by key: `base.attrs` holds the
 * edited keys only (a missing value is null). Fields of a row not on the device are left out.
 */
export function editBase(
  db: Database.Database,
  id: string,
  set: Record<string, unknown>,
  given: Record<string, unknown> = {},
  table: EditedTable = 'customers',
): Record<string, unknown> {
  const row = getRow(db, table, id) as Record<string, unknown> | undefined;
  const base: Record<string, unknown> = {};
  for (const field of Object.keys(set)) {
    if (field === 'attrs' && isObject(set.attrs)) {
      const givenAttrs = isObject(given.attrs) ? given.attrs : {};
      const rowAttrs = row && isObject(row.attrs) ? row.attrs : null;
      const attrs: Args = {};
      for (const key of Object.keys(set.attrs)) {
        if (Object.hasOwn(givenAttrs, key)) attrs[key] = givenAttrs[key];
        else if (rowAttrs) attrs[key] = Object.hasOwn(rowAttrs, key) ? (rowAttrs[key] ?? null) : null;
      }
      if (Object.keys(attrs).length > 0) base.attrs = attrs;
    } else if (Object.hasOwn(given, field)) base[field] = given[field];
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

/** The entity whose template a mutation's attributes follow, and the record that picks its category. */
function templatedRecord(
  db: Database.Database,
  name: string,
  a: Args,
): { entity: TemplateEntity; record: { industry?: string | null } | null } | null {
  const set = isObject(a.set) ? a.set : {};
  switch (name) {
    case 'createCustomer':
      return { entity: 'customer', record: a as { industry?: string | null } };
    case 'createLead':
      return { entity: 'lead', record: a as { industry?: string | null } };
    case 'convertLead': {
      const lead = typeof a.id === 'string' ? getRow(db, 'customers', a.id) : undefined;
      const industry = Object.hasOwn(set, 'industry')
        ? (set.industry as string | null)
        : (lead?.industry ?? null);
      return { entity: 'customer', record: { industry } };
    }
    case 'updateCustomer': {
      const row = typeof a.id === 'string' ? getRow(db, 'customers', a.id) : undefined;
      if (!row) return null;
      const industry = Object.hasOwn(set, 'industry') ? (set.industry as string | null) : row.industry;
      return { entity: row.kind === 'lead' ? 'lead' : 'customer', record: { industry } };
    }
    case 'addContact':
    case 'updateContact':
      return { entity: 'contact', record: null };
    case 'logFollowUp':
    case 'updateFollowUp':
      return { entity: 'followUp', record: null };
    case 'createOpportunity':
    case 'updateOpportunity':
      return { entity: 'opportunity', record: null };
    default:
      return null;
  }
}

/**
 * Attributes re-issued from the inbox are judged by the template the form shows now (the newest version
 * for the record), not the one current when they were first typed: that version may be what refused them.
 */
function withCurrentTemplate(db: Database.Database, name: string, a: Args): Args {
  const attrs = isObject(a.set) ? a.set.attrs : a.attrs;
  if (!isObject(attrs)) return a;
  const target = templatedRecord(db, name, a);
  const version = target ? templateFor(db, target.entity, target.record) : null;
  return version ? { ...a, templateVersionId: version.id } : a;
}

/** Arguments to re-issue a refused mutation with: the user's values, made to fit the device's state now. */
function retryArgs(db: Database.Database, name: string, args: unknown, taken: boolean, now: number): unknown {
  if (!isObject(args)) return args;
  const a = withCurrentTemplate(db, name, args);
  const edited = EDITS[name];
  if (edited && typeof a.id === 'string' && isObject(a.set)) {
    // The user chose their values over what the server has now: base them on it.
    return { ...a, base: editBase(db, a.id, a.set, {}, edited) };
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
  return a;
}

/** Edit mutations that carry a `base`, and the table of the row they edit. */
const EDITS: Record<string, EditedTable> = {
  updateCustomer: 'customers',
  updateContact: 'contacts',
  updateOpportunity: 'opportunities',
};

/** The edit mutation of each table whose conflicts can be re-applied. */
const EDIT_OF: Record<EditedTable, string> = {
  customers: 'updateCustomer',
  contacts: 'updateContact',
  opportunities: 'updateOpportunity',
};

/**
 * The mutation that re-applies the user's value of a lost edit ("apply mine"). A base field: that field
 * with the user's value, based on the value the device has now (the server's). A template field
 * (`attrs.<key>`): that key with the user's value, based on the value that stood (`theirs`), under the
 * template the record's form renders with now. Either applies unless someone changes the field yet again.
 */
function reapplyConflict(db: Database.Database, conflict: StoredConflict): { name: string; args: Args } {
  if (!Object.hasOwn(EDIT_OF, conflict.table)) {
    throw new AppError('bad_request', `id: a conflict on ${conflict.table} cannot be re-applied`, {
      field: 'id',
    });
  }
  const table = conflict.table as EditedTable;
  const row = getRow(db, table, conflict.rowId) as (Args & { customerId?: string }) | undefined;
  if (!row) {
    throw new AppError('not_found', `id: the record is no longer on this device`, { field: 'id' });
  }
  const name = EDIT_OF[table];
  const key = /^attrs\.(.+)$/.exec(conflict.field)?.[1];
  const target =
    table === 'customers' ? { id: conflict.rowId } : { id: conflict.rowId, customerId: row.customerId };
  if (key === undefined) {
    const set = { [conflict.field]: conflict.mine };
    return { name, args: { ...target, set, base: editBase(db, conflict.rowId, set, {}, table) } };
  }
  const args = withCurrentTemplate(db, name, {
    ...target,
    set: { attrs: { [key]: conflict.mine } },
    base: { attrs: { [key]: conflict.theirs ?? null } },
  });
  if (typeof args.templateVersionId !== 'string') {
    throw new AppError(
      'validation',
      `${conflict.field}: no published template for this record on this device`,
      {
        field: conflict.field,
      },
    );
  }
  return { name, args };
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

/** The reason of a claim made to re-apply refused edits ("claim it back and re-apply"). */
export const CLAIM_TO_REAPPLY_REASON = 'claimed back to re-apply offline edits';

/**
 * The customer a refused edit can be claimed back for, or null: the edit is work on one customer, the
 * server refused it as not found or forbidden (what it answers for a customer outside the user's private
 * sea), and the customer is no longer in the private sea here — gone from the device, released from it,
 * or said by the refusal to be public (the renderer's inbox offers the action by the same reading,
 * renderer/src/modules/sync/utils/inboxView.ts). Whether it really waits in the public sea, and may be claimed by this user now, the server judges
 * when the claim arrives.
 */
export function reclaimableCustomer(
  db: Database.Database,
  rejection: {
    name: string;
    args: unknown;
    error: { code: string; params?: Record<string, unknown> | undefined };
  },
): string | null {
  if (!REAPPLY_AFTER_CLAIM.has(rejection.name)) return null;
  if (rejection.error.code !== 'not_found' && rejection.error.code !== 'forbidden') return null;
  const customerId = mutationCustomerId(rejection.name, rejection.args);
  if (!customerId) return null;
  const local = getRow(db, 'customers', customerId);
  // The server may say where it is (`params.poolState`), as the renderer's inbox reads it too.
  const inSea = local?.poolState === 'public' || rejection.error.params?.poolState === 'public';
  return !local || inSea ? customerId : null;
}

/**
 * Carries out the user's decision on an inbox entry, in one transaction with the mutation it issues:
 * - conflict, applyMine: a new edit of that field with the user's value (`reapplyConflict`: customers,
 *   contacts and opportunities; base fields and template attributes);
 * - rejection, applyMine: the same mutation again with the user's values (a new mutation id; a create
 *   whose id is taken gets a new id; an update is based on the current values);
 * - rejection, claim: a create refused as a duplicate of a public-sea customer (`params.holder` public,
 *   with its `customerId`) becomes a `claimCustomer` of that customer instead, and the entry goes;
 * - rejection, claimAndReapply: work refused because its customer left the private sea meanwhile
 *   (`reclaimableCustomer`) becomes a `claimCustomer` of it followed by the same mutation again;
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
    } else if (action === 'claimAndReapply') {
      const customerId = rejection ? reclaimableCustomer(db, rejection) : null;
      if (!rejection || !customerId) {
        throw new AppError(
          'validation',
          'action: only work refused because its customer left your private sea can be claimed back and re-applied',
          { field: 'action' },
        );
      }
      // The claim first, then the edit with the values the user typed: the server applies them in this
      // order, so the edit finds the customer in the user's private sea — or, if the claim is refused (a
      // limit, a cooldown, someone was faster), is refused too and comes back here with the reason. The
      // edit cannot run on the device until the customer is back: it is validated and queued only.
      mutate(db, user, 'claimCustomer', { customerId, reason: CLAIM_TO_REAPPLY_REASON }, now);
      const args = retryArgs(db, rejection.name, rejection.args, idTaken(rejection.error), now);
      mutate(db, user, rejection.name, args, now, { queueOnly: true });
      issued = true;
    } else if (action === 'applyMine' && conflict) {
      const { name, args } = reapplyConflict(db, conflict);
      tables = [...mutate(db, user, name, args, now).tables];
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
