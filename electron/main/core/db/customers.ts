import type Database from 'better-sqlite3';
import type {
  ApiOutput,
  ApiParsedInput,
  CustomerListItem,
  FollowUpItem,
  LeadListItem,
  OpportunityItem,
  OwnershipItem,
  StageChangeItem,
} from '../../../../shared/api/contract';
import { followUpEditableUntil } from '../../../../shared/mutations/followUps';
import type { SettingsRow } from '../../../../shared/domain/settings';
import {
  countKind,
  countSearchMatches,
  searchCheckParams,
  searchCheckSql,
  searchMatch,
  searchTerms,
  type SearchScope,
} from './localIndex';
import { pendingRowIds } from './outbox';
import { fromDbRow, getRow, listRowsBy, selectListOf, sqlColumnName } from './rows';
import { statement } from './statements';
import { listTaskItems } from './work';

/** One page of the private sea as the customer table shows it. */
export type CustomerListQuery = Omit<ApiParsedInput<'customers.list'>, 'ownerId'> & {
  ownerId?: string | undefined;
  /** Open tasks due before this instant count in `dueTasks` (the end of today, local time). */
  dueBefore?: number;
};

/** A page of a customers-table list: trusted SQL pieces, bound parameters, and how to count. */
type ListSpec = {
  /** The select list (over `c`, the customers row, and `u`, its owner). */
  columns: string;
  /** Conditions without the search (trusted SQL over `c`, parameters in `params`). */
  where: string;
  params: Record<string, unknown>;
  /** ORDER BY (trusted SQL over `c`), ending with `c."id"` as the tiebreak. */
  orderBy: string;
  /** The FTS column(s) to search. */
  scope: SearchScope;
  /** Rows matching `where` without the search. */
  countBase: () => number;
  /** `where` selects exactly the rows of the FTS column(s) of `scope`: the FTS count is the total. */
  baseIsScope: boolean;
  offset: number;
  limit: number;
};

const FROM = `"customers" c LEFT JOIN "users" u ON u."id" = c."owner_id"`;

/** `%`, `_` and the escape character itself match literally inside a user's search text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
/** The FTS matches driving the customers rows they name (CROSS JOIN keeps that order of the loops). */
const FTS_MATCHES = `(SELECT "rowid" AS "r" FROM "customer_search" WHERE "customer_search" MATCH @match) m
  CROSS JOIN "customers" c ON c."rowid" = m."r"`;

/**
 * Lists a page of customers (or leads) with an optional quick search, choosing per query between two
 * plans with the same answer (db/localIndex.ts):
 *
 * - **from the matches**: the FTS5 matches (CROSS JOIN forces them to drive), fetched by rowid and
 *   sorted — cost grows with the number of matches;
 * - **along the sort index**: walk the (kind, column, id) index in order and keep the rows that contain
 *   every term (`instr`), stopping at the page's end — cost grows with offset × rows ÷ matches.
 *
 * "恒瑞" (1–2 % of a book) goes the first way; "有限公司" (nearly every row) the second, where the first
 * would sort 90k rows. The total is the FTS count when the FTS column is exactly the list (no other
 * filter), else the cheaper of the two ways of counting.
 */
function listPage<T>(
  db: Database.Database,
  spec: ListSpec,
  text: string | undefined,
): { rows: T[]; total: number } {
  const page = { limit: spec.limit, offset: spec.offset };
  const trimmed = text?.trim() ?? '';
  const terms = searchTerms(trimmed);
  if (terms.length === 0 && trimmed !== '') {
    // No letter or digit to index ("%", "（"): a literal substring scan, rare and still correct.
    const literal = `(c."name" LIKE @literal ESCAPE '\\' OR c."short_name" LIKE @literal ESCAPE '\\' OR c."phone" LIKE @literal ESCAPE '\\')`;
    const params = { ...spec.params, literal: likePattern(trimmed) };
    const rows = statement(
      db,
      `SELECT ${spec.columns} FROM ${FROM} WHERE ${spec.where} AND ${literal}
        ORDER BY ${spec.orderBy} LIMIT @limit OFFSET @offset`,
    ).all({ ...params, ...page }) as T[];
    const { n } = statement(
      db,
      `SELECT count(*) AS "n" FROM "customers" c WHERE ${spec.where} AND ${literal}`,
    ).get(params) as { n: number };
    return { rows, total: n };
  }
  if (terms.length === 0) {
    const rows = statement(
      db,
      `SELECT ${spec.columns} FROM ${FROM} WHERE ${spec.where} ORDER BY ${spec.orderBy} LIMIT @limit OFFSET @offset`,
    ).all({ ...spec.params, ...page }) as T[];
    return { rows, total: spec.countBase() };
  }
  const match = searchMatch(terms, spec.scope);
  const matches = countSearchMatches(db, match);
  if (matches === 0) return { rows: [], total: 0 };
  const base = spec.countBase();
  const check = searchCheckSql(terms, 'c');
  const params = { ...spec.params, ...searchCheckParams(terms), match };
  let total: number;
  if (spec.baseIsScope) total = matches;
  else if (matches <= base)
    total = (
      statement(db, `SELECT count(*) AS "n" FROM ${FTS_MATCHES} WHERE ${spec.where}`).get(params) as {
        n: number;
      }
    ).n;
  else
    total = (
      statement(db, `SELECT count(*) AS "n" FROM "customers" c WHERE ${spec.where} AND ${check}`).get(
        params,
      ) as { n: number }
    ).n;
  // Rows read either way: every match (plus a sort), or the index walked until the page is full.
  const fromMatches = matches * 2 <= ((spec.offset + spec.limit) * base) / matches;
  // The page's rowids first (only the sort key is read per candidate), then its columns — the select
  // list (owner name, due tasks) would otherwise be computed for every match before the sort.
  const pageRowids = (
    fromMatches
      ? statement(
          db,
          `SELECT c."rowid" AS "r" FROM ${FTS_MATCHES} WHERE ${spec.where}
            ORDER BY ${spec.orderBy} LIMIT @limit OFFSET @offset`,
        )
      : statement(
          db,
          `SELECT c."rowid" AS "r" FROM "customers" c WHERE ${spec.where} AND ${check}
            ORDER BY ${spec.orderBy} LIMIT @limit OFFSET @offset`,
        )
  )
    .all({ ...params, ...page })
    .map((r) => (r as { r: number }).r);
  if (pageRowids.length === 0) return { rows: [], total };
  const byRowid = new Map(
    (
      statement(
        db,
        `SELECT c."rowid" AS "_rowid", ${spec.columns} FROM ${FROM}
          WHERE c."rowid" IN (SELECT "value" FROM json_each(@rowids))`,
      ).all({ ...spec.params, rowids: JSON.stringify(pageRowids) }) as (T & { _rowid: number })[]
    ).map(({ _rowid, ...row }) => [_rowid, row as T]),
  );
  return { rows: pageRowids.map((r) => byRowid.get(r)).filter((r): r is T => r !== undefined), total };
}

const CUSTOMER_LIST_COLUMNS = `c."id" AS "id", c."name" AS "name", c."short_name" AS "shortName",
  c."industry" AS "industry", c."region" AS "region", c."phone" AS "phone", c."level" AS "level",
  c."status" AS "status", c."owner_id" AS "ownerId", u."display_name" AS "ownerName",
  c."last_follow_up_at" AS "lastFollowUpAt", c."updated_at" AS "updatedAt",
  (SELECT count(*) FROM "tasks" t
    WHERE t."customer_id" = c."id" AND t."status" = 'open' AND t."due_at" < @dueBefore) AS "dueTasks"`;

/**
 * Lists customers (kind `customer`; leads have their own list) sorted and paged by SQLite (never by
 * loading every row), with a stable order: ties on the sort column are broken by id in the same
 * direction, which the (kind, column, id) indexes serve directly. `query` is the quick search: every
 * term (run of letters/digits) must be a substring of the name, the short name or the phone's digits
 * (db/localIndex.ts). `ownerId` narrows to one rep (a manager's view). The total without a query comes
 * from `countKind` (whole-table count minus the leads), not a count of 50k index entries. Every value is a bound parameter; the sort
 * column comes from the contract's closed list and is mapped to its SQL name here.
 */
export function listCustomers(
  db: Database.Database,
  q: CustomerListQuery,
): { rows: CustomerListItem[]; total: number } {
  const column = sqlColumnName('customers', q.sort.column);
  if (!column) throw new Error(`customers.${q.sort.column} is not a column`);
  const dir = q.sort.desc ? 'DESC' : 'ASC';
  const owner = q.ownerId;
  return listPage<CustomerListItem>(
    db,
    {
      columns: CUSTOMER_LIST_COLUMNS,
      where: owner ? `c."kind" = 'customer' AND c."owner_id" = @owner` : `c."kind" = 'customer'`,
      params: { dueBefore: q.dueBefore ?? 0, ...(owner ? { owner } : {}) },
      orderBy: `c."${column}" ${dir}, c."id" ${dir}`,
      scope: 'customer',
      countBase: owner
        ? () =>
            (
              statement(
                db,
                `SELECT count(*) AS "n" FROM "customers" WHERE "owner_id" = ? AND "kind" = 'customer'`,
              ).get(owner) as { n: number }
            ).n
        : () => countKind(db, 'customer'),
      baseIsScope: !owner,
      offset: q.offset,
      limit: q.limit,
    },
    q.query,
  );
}

const OPEN_LEAD_STATUSES = `('new', 'contacted', 'qualified')`;

const LEAD_LIST_COLUMNS = `c."id" AS "id", c."name" AS "name",
  (SELECT p."name" FROM "contacts" p WHERE p."customer_id" = c."id"
    ORDER BY p."is_primary" DESC, p."created_at", p."id" LIMIT 1) AS "contactName",
  c."phone" AS "phone", c."source" AS "source", c."industry" AS "industry", c."region" AS "region",
  c."lead_status" AS "leadStatus", u."display_name" AS "ownerName", c."last_follow_up_at" AS "lastFollowUpAt",
  c."created_at" AS "createdAt", c."converted_at" AS "convertedAt"`;

/**
 * The leads list, newest first: `open` (the default) = not converted nor disqualified; a status; or
 * `all` = every row that is or was a lead (a converted lead is a customer now, and keeps its lead
 * status `converted`). `contactName` is the lead's primary contact (the person met).
 */
export function listLeads(
  db: Database.Database,
  q: ApiParsedInput<'leads.list'>,
): { rows: LeadListItem[]; total: number } {
  const where =
    q.status === 'open'
      ? `c."lead_status" IN ${OPEN_LEAD_STATUSES}`
      : q.status === 'all'
        ? `c."lead_status" IS NOT NULL`
        : `c."lead_status" = @status`;
  const params = q.status === 'open' || q.status === 'all' ? {} : { status: q.status };
  return listPage<LeadListItem>(
    db,
    {
      columns: LEAD_LIST_COLUMNS,
      // The partial index over leads is used when the query implies its condition.
      where: `c."lead_status" IS NOT NULL AND ${where}`,
      params,
      orderBy: `c."created_at" DESC, c."id" DESC`,
      scope: q.status === 'converted' ? 'customer' : q.status === 'all' ? 'any' : 'lead',
      countBase: () =>
        (
          statement(
            db,
            `SELECT count(*) AS "n" FROM "customers" c WHERE c."lead_status" IS NOT NULL AND ${where}`,
          ).get(params) as { n: number }
        ).n,
      baseIsScope: false,
      offset: q.offset,
      limit: q.limit,
    },
    q.query,
  );
}

/** What `customers.get` answers: the customer (or lead) with everything the detail screen shows. */
export type CustomerDetail = ApiOutput<'customers.get'>;

/** Names of users by id, for the few rows of one detail screen. */
function userNames(db: Database.Database): (id: string | null) => string | null {
  const cache = new Map<string, string | null>();
  return (id) => {
    if (!id) return null;
    if (!cache.has(id)) cache.set(id, getRow(db, 'users', id)?.displayName ?? null);
    return cache.get(id) ?? null;
  };
}

/**
 * A customer or lead with its owner's name, contacts (primary first), follow-up timeline (newest first,
 * with its author, the opportunity it advanced, whether it is pending, and until when `me` may still
 * edit it), opportunities, stage history, tasks and ownership history.
 */
export function getCustomerDetail(
  db: Database.Database,
  id: string,
  ctx: { userId: string; settings: SettingsRow },
): CustomerDetail | undefined {
  const customer = getRow(db, 'customers', id);
  if (!customer) return undefined;
  const nameOf = userNames(db);
  const contacts = listRowsBy(db, 'contacts', 'customerId', id, '"is_primary" DESC, "name", "id"');
  const pending = pendingRowIds(db);
  const followUps = (
    statement(
      db,
      `SELECT ${selectListOf('followUps', 'f')}, o."name" AS "opportunityName"
         FROM "follow_ups" f LEFT JOIN "opportunities" o ON o."id" = f."opportunity_id"
        WHERE f."customer_id" = ?
        ORDER BY f."occurred_at" DESC, f."id" DESC`,
    ).all(id) as (Record<string, unknown> & { opportunityName: string | null })[]
  ).map((raw): FollowUpItem => {
    const { opportunityName, ...rest } = raw;
    const f = fromDbRow('followUps', rest);
    return {
      ...f,
      authorName: nameOf(f.authorId),
      pending: pending.has(f.id),
      editableUntil: f.authorId === ctx.userId ? followUpEditableUntil(f, ctx.settings) : null,
      customerName: customer.name,
      opportunityName,
    };
  });
  const opportunities = listRowsBy(db, 'opportunities', 'customerId', id, '"created_at" DESC, "id" DESC').map(
    (o): OpportunityItem => ({
      ...o,
      customerName: customer.name,
      ownerName: nameOf(o.ownerId),
      pending: pending.has(o.id),
    }),
  );
  const stageChanges = listRowsBy(db, 'stageChanges', 'customerId', id, '"changed_at" DESC, "id" DESC').map(
    (s): StageChangeItem => ({ ...s, changedByName: nameOf(s.changedBy), pending: pending.has(s.id) }),
  );
  const tasks = listTaskItems(db, { customerId: id }, pending);
  const ownership = listRowsBy(db, 'ownershipEvents', 'customerId', id, '"at" DESC, "id" DESC').map(
    (e): OwnershipItem => ({
      ...e,
      fromOwnerName: nameOf(e.fromOwnerId),
      toOwnerName: nameOf(e.toOwnerId),
      actorName: e.actorType === 'user' ? nameOf(e.actorId) : null,
    }),
  );
  return {
    customer: { ...customer, ownerName: nameOf(customer.ownerId) },
    contacts,
    followUps,
    opportunities,
    stageChanges,
    tasks,
    ownership,
  };
}
