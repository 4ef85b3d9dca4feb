import type Database from 'better-sqlite3';
import type { InboxItem } from '../../../../shared/api/contract';
import type { SyncedTable } from '../../../../shared/domain/rows';
import type { AppErrorData } from '../../../../shared/errors';
import type { Conflict } from '../../../../shared/sync/protocol';
import { getRow, sqlColumnName, updateRow } from './rows';
import { statement } from './statements';

/**
 * Repository of the conflicts-and-rejections inbox (SPEC §5.1, §5.6): everything the user typed that the
 * server did not take as it was, with the user's values, until the user decides. Rejections are whole
 * mutations the server refused; conflicts single fields of an edit that lost to an earlier one.
 */

/** Mutations whose `id` is the customer's (or lead's) own; the others name it `customerId`. */
const OWN_ID_MUTATIONS = new Set(['createCustomer', 'updateCustomer', 'createLead', 'convertLead']);

/**
 * The customer a mutation is about, read from its arguments (every mutation but `updateSettings`
 * concerns one: its own row, or the customer of its follow-up, contact, opportunity, task or claim).
 */
export function mutationCustomerId(name: string, args: unknown): string | null {
  if (typeof args !== 'object' || args === null) return null;
  const a = args as Record<string, unknown>;
  const id = OWN_ID_MUTATIONS.has(name) ? a.id : a.customerId;
  return typeof id === 'string' ? id : null;
}

/**
 * A label for the record: the customer's name on this device, else the name the mutation carried (a
 * refused create), else null. Computed when the entry is recorded, because the row is often about to go.
 */
export function customerLabel(db: Database.Database, name: string, args: unknown): string | null {
  const id = mutationCustomerId(name, args);
  const row = id ? getRow(db, 'customers', id) : undefined;
  if (row) return row.name;
  const argName = (args as Record<string, unknown> | null)?.name;
  return typeof argName === 'string' ? argName : null;
}

/** The name of an opportunity or a contact a conflict is about (follow-ups have none). */
function namedRowLabel(db: Database.Database, table: SyncedTable, id: string): string | null {
  if (table === 'opportunities') return getRow(db, 'opportunities', id)?.name ?? null;
  if (table === 'contacts') return getRow(db, 'contacts', id)?.name ?? null;
  return null;
}

/** Records a refusal once (a push answer and a later pull may both report it). */
export function recordRejection(
  db: Database.Database,
  r: {
    mutationId: number;
    name: string;
    args: unknown;
    error: AppErrorData;
    createdAt: number;
    rejectedAt: number;
  },
): void {
  statement(
    db,
    `INSERT INTO "rejections" ("mutation_id", "name", "args", "error", "created_at", "rejected_at", "row_label")
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("mutation_id") DO NOTHING`,
  ).run(
    r.mutationId,
    r.name,
    JSON.stringify(r.args ?? null),
    JSON.stringify(r.error),
    r.createdAt,
    r.rejectedAt,
    customerLabel(db, r.name, r.args),
  );
}

/**
 * Records a lost same-field edit once per (mutation, field), and puts the server's value back on the local
 * row: the edit was applied here optimistically, and the server keeps `theirs`. Call before the pull's
 * patch is applied, so a newer value in the same pull wins. Returns the table touched, if any.
 */
export function recordConflict(
  db: Database.Database,
  c: Conflict,
  meta: { args: unknown; createdAt: number; conflictedAt: number },
): SyncedTable | null {
  const info = statement(
    db,
    `INSERT INTO "conflicts" ("mutation_id", "name", "table_name", "row_id", "field", "base", "mine", "theirs",
       "row_label", "created_at", "conflicted_at")
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("mutation_id", "field") DO NOTHING`,
  ).run(
    c.mutationId,
    c.name,
    c.table,
    c.id,
    c.field,
    JSON.stringify(c.base ?? null),
    JSON.stringify(c.mine ?? null),
    JSON.stringify(c.theirs ?? null),
    c.table === 'customers'
      ? (getRow(db, 'customers', c.id)?.name ?? customerLabel(db, c.name, meta.args))
      : namedRowLabel(db, c.table, c.id),
    meta.createdAt,
    meta.conflictedAt,
  );
  if (info.changes === 0 || !getRow(db, c.table, c.id)) return null;
  const set = restoringSet(db, c);
  if (!set) return null;
  try {
    updateRow(db, c.table, c.id, set);
  } catch (err) {
    // A value this device cannot store (a newer server's field): the pull's own rows correct it.
    console.warn(`tidepool: cannot restore ${c.table}.${c.field} of ${c.id} after a conflict`, err);
    return null;
  }
  return c.table;
}

/**
 * What puts the server's value back on the local row after a lost edit: the column, or for a template
 * field (`attrs.<key>`) that one key of the row's attributes (removed when the server has none). The
 * server does not re-send a row a conflicting mutation left unchanged, so this is what makes the device
 * show the value that stands.
 */
function restoringSet(db: Database.Database, c: Conflict): Record<string, unknown> | null {
  if (sqlColumnName(c.table, c.field)) return { [c.field]: c.theirs ?? null };
  const key = /^attrs\.(.+)$/.exec(c.field)?.[1];
  const row = key !== undefined ? (getRow(db, c.table, c.id) as { attrs?: unknown } | undefined) : undefined;
  if (key === undefined || !row?.attrs || typeof row.attrs !== 'object') return null;
  const attrs = { ...(row.attrs as Record<string, unknown>) };
  if (c.theirs === null || c.theirs === undefined) delete attrs[key];
  else attrs[key] = c.theirs;
  return { attrs };
}

export function countUnresolvedRejections(db: Database.Database): number {
  return (
    statement(db, 'SELECT count(*) AS "n" FROM "rejections" WHERE "resolved_at" IS NULL').get() as {
      n: number;
    }
  ).n;
}

export function countConflicts(db: Database.Database): number {
  return (statement(db, 'SELECT count(*) AS "n" FROM "conflicts"').get() as { n: number }).n;
}

/** An inbox entry's id as the API shows it: `rejection:<mutationId>` or `conflict:<id>`. */
export type InboxRef = { kind: 'rejection'; mutationId: number } | { kind: 'conflict'; id: number };

export function parseInboxId(id: string): InboxRef | null {
  const m = /^(rejection|conflict):([1-9]\d{0,15})$/.exec(id);
  if (!m) return null;
  const n = Number(m[2]);
  return m[1] === 'rejection' ? { kind: 'rejection', mutationId: n } : { kind: 'conflict', id: n };
}

export type StoredRejection = {
  mutationId: number;
  name: string;
  args: unknown;
  error: AppErrorData;
  rowLabel: string | null;
  rejectedAt: number;
};

export type StoredConflict = {
  id: number;
  mutationId: number;
  name: string;
  table: SyncedTable;
  rowId: string;
  field: string;
  base: unknown;
  mine: unknown;
  theirs: unknown;
  rowLabel: string | null;
  conflictedAt: number;
};

type RawRejection = Omit<StoredRejection, 'args' | 'error'> & { args: string; error: string };
type RawConflict = Omit<StoredConflict, 'base' | 'mine' | 'theirs'> & {
  base: string;
  mine: string;
  theirs: string;
};

const SELECT_REJECTION = `SELECT "mutation_id" AS "mutationId", "name", "args", "error", "row_label" AS "rowLabel",
  "rejected_at" AS "rejectedAt" FROM "rejections"`;
const SELECT_CONFLICT = `SELECT "id", "mutation_id" AS "mutationId", "name", "table_name" AS "table", "row_id" AS "rowId",
  "field", "base", "mine", "theirs", "row_label" AS "rowLabel", "conflicted_at" AS "conflictedAt" FROM "conflicts"`;

const parseRejection = (r: RawRejection): StoredRejection => ({
  ...r,
  args: JSON.parse(r.args) as unknown,
  error: JSON.parse(r.error) as AppErrorData,
});
const parseConflict = (c: RawConflict): StoredConflict => ({
  ...c,
  base: JSON.parse(c.base) as unknown,
  mine: JSON.parse(c.mine) as unknown,
  theirs: JSON.parse(c.theirs) as unknown,
});

export function getRejection(db: Database.Database, mutationId: number): StoredRejection | undefined {
  const raw = statement(db, `${SELECT_REJECTION} WHERE "mutation_id" = ? AND "resolved_at" IS NULL`).get(
    mutationId,
  ) as RawRejection | undefined;
  return raw ? parseRejection(raw) : undefined;
}

export function getConflict(db: Database.Database, id: number): StoredConflict | undefined {
  const raw = statement(db, `${SELECT_CONFLICT} WHERE "id" = ?`).get(id) as RawConflict | undefined;
  return raw ? parseConflict(raw) : undefined;
}

/** Removes an entry the user has dealt with; false when there was none. */
export function deleteInboxEntry(db: Database.Database, ref: InboxRef): boolean {
  const info =
    ref.kind === 'rejection'
      ? statement(db, 'DELETE FROM "rejections" WHERE "mutation_id" = ?').run(ref.mutationId)
      : statement(db, 'DELETE FROM "conflicts" WHERE "id" = ?').run(ref.id);
  return info.changes > 0;
}

/** Edits whose `set` holds what the user changed. */
const EDIT_MUTATIONS = new Set([
  'updateCustomer',
  'updateContact',
  'updateOpportunity',
  'updateFollowUp',
  'updateSettings',
]);

/** What the user wanted, for a rejection: the edited fields of an edit, else the whole arguments. */
function rejectedValues(name: string, args: unknown): unknown {
  if (EDIT_MUTATIONS.has(name) && typeof args === 'object' && args !== null && 'set' in args)
    return (args as { set: unknown }).set;
  return args;
}

/**
 * The inbox, newest first. Each entry names the customer it is about (`table` customers and its id, so
 * the UI can link to it while it is on the device) and a label: the customer's current name here, else
 * the one recorded when the entry arrived.
 */
export function listInbox(db: Database.Database): InboxItem[] {
  const liveName = (id: string | null) => (id ? (getRow(db, 'customers', id)?.name ?? null) : null);
  const items: InboxItem[] = [];
  for (const raw of statement(
    db,
    `${SELECT_REJECTION} WHERE "resolved_at" IS NULL`,
  ).all() as RawRejection[]) {
    const r = parseRejection(raw);
    const customerId = mutationCustomerId(r.name, r.args);
    items.push({
      id: `rejection:${r.mutationId}`,
      kind: 'rejection',
      mutationName: r.name,
      table: customerId ? 'customers' : null,
      rowId: customerId,
      // Rejections recorded before labels existed (round-1 databases) fall back to the name in the args.
      rowLabel: liveName(customerId) ?? r.rowLabel ?? customerLabel(db, r.name, r.args),
      field: r.error.field ?? null,
      mine: rejectedValues(r.name, r.args),
      theirs: null,
      args: r.args,
      reason: r.error,
      at: r.rejectedAt,
    });
  }
  for (const raw of statement(db, SELECT_CONFLICT).all() as RawConflict[]) {
    const c = parseConflict(raw);
    items.push({
      id: `conflict:${c.id}`,
      kind: 'conflict',
      mutationName: c.name,
      table: c.table,
      rowId: c.rowId,
      rowLabel:
        (c.table === 'customers' ? liveName(c.rowId) : namedRowLabel(db, c.table, c.rowId)) ?? c.rowLabel,
      field: c.field,
      mine: c.mine,
      theirs: c.theirs,
      args: { base: c.base },
      reason: {
        code: 'conflict',
        message: `${c.field}: someone else changed it on the server first`,
        field: c.field,
      },
      at: c.conflictedAt,
    });
  }
  return items.sort((a, b) => b.at - a.at || a.id.localeCompare(b.id));
}
