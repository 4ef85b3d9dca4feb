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
import type { CustomerKind } from '../../../../shared/domain/rows';
import type { SettingsRow } from '../../../../shared/domain/settings';
import type { AttrFilter } from '../../../../shared/templates/filter';
import { matchAttrFilters, searchAmong } from './attrColumns';
import { withAttrHits } from './attrIndex';
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
import { countdowns, type RecycleContext } from './recycle';
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
  /**
   * A cheap upper bound of `countBase`, enough for choosing a plan when a condition's own count gives the
   * total (the exact count of a 100k-row list walks its whole index: milliseconds).
   */
  estimateBase?: () => number;
  /**
   * `where` selects exactly the rows of one kind and nothing else: the FTS count of that kind's column,
   * or the number of attribute-index hits of that kind, is then the total.
   */
  baseIsScope: boolean;
  /** The kind of row listed, whose attribute index answers `attrFilters`. */
  kind?: CustomerKind;
  offset: number;
  limit: number;
};

/**
 * One condition of a list query beyond `where`: SQL checked row by row over `c`, and, when it can name
 * its rows directly (quick search: the FTS matches; template filters: the attribute index's hits), the
 * FROM clause that lets those rows drive the query, and how many there are within the list's kind.
 */
type Condition = { check: string; driver?: { from: string; rows: number } };

const FROM = `"customers" c LEFT JOIN "users" u ON u."id" = c."owner_id"`;

/** `%`, `_` and the escape character itself match literally inside a user's search text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
/** The FTS matches driving the customers rows they name (CROSS JOIN keeps that order of the loops). */
const FTS_MATCHES = `(SELECT "rowid" AS "r" FROM "customer_search" WHERE "customer_search" MATCH @match) m
  CROSS JOIN "customers" c ON c."rowid" = m."r"`;
/** The template filters' hits (rowids, JSON) driving the customers rows. */
const ATTR_HITS = `json_each(@hits) h CROSS JOIN "customers" c ON c."rowid" = h."value"`;

/**
 * Lists a page of customers (or leads) with an optional quick search and template-field filters,
 * choosing per query which rows drive it; every plan has the same answer (db/localIndex.ts,
 * db/attrColumns.ts):
 *
 * - **along the sort index**: walk the (kind, column, id) index in order and keep the rows that pass
 *   every condition (`instr` for the search, `tp_attr_hit` for the filters), stopping at the page's end —
 *   cost grows with offset × rows ÷ matches;
 * - **from a condition's rows**: the FTS matches or the filters' hits (CROSS JOIN forces them to drive),
 *   the other conditions checked on each, then sorted — cost grows with their number.
 *
 * "恒瑞" (1–2 % of a book) goes the second way; "有限公司" (nearly every row) the first, where the second
 * would sort 90k rows. Filters on indexed template fields are answered in memory together with the
 * search, as one set of rows. The total is the driver's own count when one condition alone narrows the
 * kind, else a count driven by the fewest rows.
 */
function listPage<T>(
  db: Database.Database,
  spec: ListSpec,
  text: string | undefined,
  attrFilters?: readonly AttrFilter[],
): { rows: T[]; total: number } {
  const page = { limit: spec.limit, offset: spec.offset };
  const params: Record<string, unknown> = { ...spec.params };
  const conditions: Condition[] = [];
  const filtered = attrFilters !== undefined && attrFilters.length > 0;
  // With template filters the plan needs the list's size only roughly (their hits give the total).
  const base = filtered ? (spec.estimateBase ?? spec.countBase)() : spec.countBase();
  const trimmed = text?.trim() ?? '';
  const terms = searchTerms(trimmed);
  let search: Condition | null = null;
  let match = '';
  if (terms.length === 0 && trimmed !== '') {
    // No letter or digit to index ("%", "（"): a literal substring scan, rare and still correct.
    conditions.push({
      check: `(c."name" LIKE @literal ESCAPE '\\' OR c."short_name" LIKE @literal ESCAPE '\\' OR c."phone" LIKE @literal ESCAPE '\\')`,
    });
    params.literal = likePattern(trimmed);
  } else if (terms.length > 0) {
    match = searchMatch(terms, spec.scope);
    Object.assign(params, searchCheckParams(terms), { match });
    search = { check: searchCheckSql(terms, 'c') };
    conditions.push(search);
  }
  let isHit: ((rowid: number) => boolean) | null = null;
  let hits: number[] | null = null;
  if (filtered) {
    if (!spec.kind) throw new Error('attribute filters need the kind of row listed');
    // The filters' rows come from memory (db/attrColumns.ts), and so does their intersection with the
    // search's: the list is then one exact set of rows to sort, its size the total.
    const attrs = matchAttrFilters(db, spec.kind, attrFilters);
    if (attrs.hits) {
      let rows = attrs.hits;
      if (search) {
        // The search is answered: its condition goes.
        rows = searchAmong(db, match, terms, rows);
        conditions.splice(conditions.indexOf(search), 1);
        search = null;
      }
      if (rows.rowids.length === 0) return { rows: [], total: 0 };
      hits = rows.rowids;
      isHit = rows.has;
      // First: checked on the rowid alone, before any condition that reads the row.
      conditions.unshift({
        check: `tp_attr_hit(c."rowid")`,
        driver: { from: ATTR_HITS, rows: rows.rowids.length },
      });
    }
    if (attrs.rest.length > 0) {
      conditions.push({ check: `tp_attrs_match(c."attrs", @attrRest)` });
      params.attrRest = JSON.stringify(attrs.rest);
    }
  }
  if (search) {
    const matches = countSearchMatches(db, match);
    if (matches === 0) return { rows: [], total: 0 };
    search.driver = { from: FTS_MATCHES, rows: matches };
  }
  if (conditions.length === 0) {
    const rows = statement(
      db,
      `SELECT ${spec.columns} FROM ${FROM} WHERE ${spec.where} ORDER BY ${spec.orderBy} LIMIT @limit OFFSET @offset`,
    ).all({ ...params, ...page }) as T[];
    return { rows, total: base };
  }
  if (base === 0) return { rows: [], total: 0 };
  const checksBut = (skip: Condition | null) =>
    [spec.where, ...conditions.filter((c) => c !== skip).map((c) => c.check)].join(' AND ');
  const drivers = conditions.filter((c): c is Required<Condition> => c.driver !== undefined);
  // The hits travel as JSON only to the statement they drive (100k rowids are ≈ 600 kB of text).
  const driverParams = (c: Condition | null) =>
    c?.driver?.from === ATTR_HITS ? { hits: JSON.stringify(hits) } : {};

  return withAttrHits(db, isHit, () => {
    // The total: one driving condition alone over a kind is its own count; otherwise count from the
    // fewest rows (a driver, or the whole list) with every other condition checked on each.
    let total: number;
    const only = conditions.length === 1 ? conditions[0]?.driver : undefined;
    if (spec.baseIsScope && only) {
      total = only.rows;
    } else {
      const counter = drivers.reduce<Condition | null>(
        (best, c) => (c.driver!.rows < (best?.driver?.rows ?? base) ? c : best),
        null,
      );
      total = (
        statement(
          db,
          `SELECT count(*) AS "n" FROM ${counter?.driver?.from ?? '"customers" c'} WHERE ${checksBut(counter)}`,
        ).get({ ...params, ...driverParams(counter) }) as { n: number }
      ).n;
    }
    if (total === 0) return { rows: [], total: 0 };
    // Rows read by each plan: along the sort index until the page is full (the matches, now counted,
    // assumed spread evenly along it), or every row of a driver (plus a sort).
    let plan: Condition | null = null;
    let cost = Math.min(base, ((spec.offset + spec.limit) * base) / total);
    for (const c of drivers) {
      if (c.driver.rows * 2 <= cost) {
        plan = c;
        cost = c.driver.rows * 2;
      }
    }
    // The page's rowids first (only the sort key is read per candidate), then its columns — the select
    // list (owner name, due tasks) would otherwise be computed for every match before the sort.
    const pageRowids = (
      statement(
        db,
        `SELECT c."rowid" AS "r" FROM ${plan?.driver?.from ?? '"customers" c'} WHERE ${checksBut(plan)}
          ORDER BY ${spec.orderBy} LIMIT @limit OFFSET @offset`,
      ).all({ ...params, ...driverParams(plan), ...page }) as { r: number }[]
    ).map((r) => r.r);
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
  });
}

const CUSTOMER_LIST_COLUMNS = `c."id" AS "id", c."name" AS "name", c."short_name" AS "shortName",
  c."industry" AS "industry", c."region" AS "region", c."phone" AS "phone", c."level" AS "level",
  c."status" AS "status", c."owner_id" AS "ownerId", u."display_name" AS "ownerName",
  c."last_follow_up_at" AS "lastFollowUpAt", c."updated_at" AS "updatedAt", c."locked" AS "locked",
  (SELECT count(*) FROM "tasks" t
    WHERE t."customer_id" = c."id" AND t."status" = 'open' AND t."due_at" < @dueBefore) AS "dueTasks"`;

/** The requested template fields of a row's stored attributes (own keys only). */
function pickAttrs(json: string, keys: readonly string[]): Record<string, unknown> {
  const stored = JSON.parse(json) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (Object.hasOwn(stored, key)) out[key] = stored[key];
  return out;
}

/**
 * Lists customers (kind `customer`; leads have their own list) sorted and paged by SQLite (never by
 * loading every row), with a stable order: ties on the sort column are broken by id in the same
 * direction, which the (kind, column, id) indexes serve directly. `query` is the quick search: every
 * term (run of letters/digits) must be a substring of the name, the short name or the phone's digits
 * (db/localIndex.ts). `attrFilters` are template-field filters, all of which must match, with exactly
 * the meaning of `matchesAttrFilter` (db/attrIndex.ts); `attrColumns` the template fields each row
 * carries in `attrs`. `ownerId` narrows to one rep (a manager's view). The total without a query comes
 * from `countKind` (whole-table count minus the leads), not a count of 50k index entries. Every value is
 * a bound parameter; the sort column comes from the contract's closed list and is mapped to its SQL name
 * here.
 */
/**
 * Customers of a kind this device released and that wait, as `public`, for the server's answer to remove
 * them (through the partial `customers_public_idx`: nearly always none).
 */
function countReleased(db: Database.Database, kind: CustomerKind): number {
  return statement(db, `SELECT count(*) FROM "customers" WHERE "pool_state" = 'public' AND "kind" = ?`)
    .pluck()
    .get(kind) as number;
}

export function listCustomers(
  db: Database.Database,
  q: CustomerListQuery,
  opts: { recycle?: RecycleContext } = {},
): { rows: CustomerListItem[]; total: number } {
  const column = sqlColumnName('customers', q.sort.column);
  if (!column) throw new Error(`customers.${q.sort.column} is not a column`);
  const dir = q.sort.desc ? 'DESC' : 'ASC';
  const owner = q.ownerId;
  const attrColumns = q.attrColumns ?? [];
  // A customer released here leaves the lists at once (optimistically): the rare rows still held as
  // `public` are left out, and the plans that count a whole kind subtract them.
  const released = countReleased(db, 'customer');
  const where = [`c."kind" = 'customer'`];
  if (owner) where.push(`c."owner_id" = @owner`);
  if (released > 0) where.push(`c."pool_state" = 'private'`);
  const page = listPage<
    Omit<CustomerListItem, 'attrs' | 'locked' | 'recycle'> & {
      attrs?: string;
      locked: number;
    }
  >(
    db,
    {
      columns:
        attrColumns.length > 0 ? `${CUSTOMER_LIST_COLUMNS}, c."attrs" AS "attrs"` : CUSTOMER_LIST_COLUMNS,
      where: where.join(' AND '),
      params: { dueBefore: q.dueBefore ?? 0, ...(owner ? { owner } : {}) },
      orderBy: `c."${column}" ${dir}, c."id" ${dir}`,
      scope: 'customer',
      countBase: owner
        ? () =>
            (
              statement(
                db,
                `SELECT count(*) AS "n" FROM "customers" c WHERE ${where.join(' AND ').replace('@owner', '?')}`,
              ).get(owner) as { n: number }
            ).n
        : () => countKind(db, 'customer') - released,
      ...(owner
        ? {}
        : {
            estimateBase: () =>
              (statement(db, 'SELECT max("rowid") FROM "customers"').pluck().get() as number | null) ?? 0,
          }),
      baseIsScope: !owner && released === 0,
      kind: 'customer',
      offset: q.offset,
      limit: q.limit,
    },
    q.query,
    q.attrFilters,
  );
  // The countdown of the page's rows only (a hundred at most), never of the whole list.
  const recycle = opts.recycle
    ? countdowns(
        db,
        page.rows.map((r) => r.id),
        opts.recycle,
      )
    : null;
  return {
    total: page.total,
    rows: page.rows.map(({ attrs, locked, ...row }) => ({
      ...row,
      attrs: attrs === undefined ? {} : pickAttrs(attrs, attrColumns),
      locked: locked === 1,
      recycle: recycle?.get(row.id) ?? null,
    })),
  };
}

const OPEN_LEAD_STATUSES = `('new', 'contacted', 'qualified')`;

const LEAD_LIST_COLUMNS = `c."id" AS "id", c."name" AS "name",
  (SELECT p."name" FROM "contacts" p WHERE p."customer_id" = c."id"
    ORDER BY p."is_primary" DESC, p."created_at", p."id" LIMIT 1) AS "contactName",
  c."phone" AS "phone", c."source" AS "source", c."industry" AS "industry", c."region" AS "region",
  c."lead_status" AS "leadStatus", u."display_name" AS "ownerName", c."last_follow_up_at" AS "lastFollowUpAt",
  c."created_at" AS "createdAt", c."converted_at" AS "convertedAt", c."locked" AS "locked"`;

/**
 * The leads list, newest first: `open` (the default) = not converted nor disqualified; a status; or
 * `all` = every row that is or was a lead (a converted lead is a customer now, and keeps its lead
 * status `converted`). `contactName` is the lead's primary contact (the person met).
 */
export function listLeads(
  db: Database.Database,
  q: ApiParsedInput<'leads.list'>,
  opts: { recycle?: RecycleContext } = {},
): { rows: LeadListItem[]; total: number } {
  const where =
    q.status === 'open'
      ? `c."lead_status" IN ${OPEN_LEAD_STATUSES}`
      : q.status === 'all'
        ? `c."lead_status" IS NOT NULL`
        : `c."lead_status" = @status`;
  const params = q.status === 'open' || q.status === 'all' ? {} : { status: q.status };
  // The partial index over leads is used when the query implies its condition; a lead released here
  // leaves the list at once.
  const listed = `c."lead_status" IS NOT NULL AND ${where} AND c."pool_state" = 'private'`;
  const page = listPage<Omit<LeadListItem, 'locked' | 'recycle'> & { locked: number }>(
    db,
    {
      columns: LEAD_LIST_COLUMNS,
      where: listed,
      params,
      orderBy: `c."created_at" DESC, c."id" DESC`,
      scope: q.status === 'converted' ? 'customer' : q.status === 'all' ? 'any' : 'lead',
      countBase: () =>
        (
          statement(db, `SELECT count(*) AS "n" FROM "customers" c WHERE ${listed}`).get(params) as {
            n: number;
          }
        ).n,
      baseIsScope: false,
      offset: q.offset,
      limit: q.limit,
    },
    q.query,
  );
  // Like the customer list: the countdown of the page's rows only.
  const recycle = opts.recycle
    ? countdowns(
        db,
        page.rows.map((r) => r.id),
        opts.recycle,
      )
    : null;
  return {
    total: page.total,
    rows: page.rows.map(({ locked, ...row }) => ({
      ...row,
      locked: locked === 1,
      recycle: recycle?.get(row.id) ?? null,
    })),
  };
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
  ctx: { userId: string; settings: SettingsRow; recycle?: RecycleContext },
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
    recycle: ctx.recycle ? (countdowns(db, [id], ctx.recycle).get(id) ?? null) : null,
  };
}
