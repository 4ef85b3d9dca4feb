import type Database from 'better-sqlite3';
import type { CustomerListItem, CustomerSortColumn, FollowUpItem } from '../../../../shared/api/contract';
import type { ContactRow, CustomerRow } from '../../../../shared/domain/rows';
import { fromDbRow, getRow, listRowsBy, sqlColumnName } from './rows';
import { pendingRowIds } from './outbox';
import { statement } from './statements';

/** One page of the private sea as the customer table shows it. */
export type CustomerListQuery = {
  offset: number;
  limit: number;
  sort: { column: CustomerSortColumn; desc: boolean };
  query?: string | undefined;
};

/** `%`, `_` and the escape character itself match literally inside a user's search text. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/**
 * Lists customers sorted and paged by SQLite (never by loading every row), with a stable order: ties on
 * the sort column are broken by id in the same direction, which the (column, id) indexes serve directly.
 * `query` matches a substring of the name, short name or phone (LIKE for now; FTS5 trigram is the
 * planned upgrade for larger seas, SPEC §8). Every value is a bound parameter; the sort column comes from
 * the contract's closed list and is mapped to its SQL name here.
 */
export function listCustomers(
  db: Database.Database,
  q: CustomerListQuery,
): { rows: CustomerListItem[]; total: number } {
  const column = sqlColumnName('customers', q.sort.column);
  if (!column) throw new Error(`customers.${q.sort.column} is not a column`);
  const dir = q.sort.desc ? 'DESC' : 'ASC';
  const text = q.query?.trim() ?? '';
  const where = text
    ? `WHERE c."name" LIKE @p ESCAPE '\\' OR c."short_name" LIKE @p ESCAPE '\\' OR c."phone" LIKE @p ESCAPE '\\'`
    : '';
  const params = text ? { p: likePattern(text) } : {};
  const rows = statement(
    db,
    `SELECT c."id" AS "id", c."name" AS "name", c."short_name" AS "shortName", c."industry" AS "industry",
            c."region" AS "region", c."phone" AS "phone", c."level" AS "level", c."status" AS "status",
            u."display_name" AS "ownerName", c."last_follow_up_at" AS "lastFollowUpAt", c."updated_at" AS "updatedAt"
       FROM "customers" c LEFT JOIN "users" u ON u."id" = c."owner_id"
       ${where}
      ORDER BY c."${column}" ${dir}, c."id" ${dir}
      LIMIT @limit OFFSET @offset`,
  ).all({ ...params, limit: q.limit, offset: q.offset }) as CustomerListItem[];
  const { total } = statement(db, `SELECT count(*) AS "total" FROM "customers" c ${where}`).get(params) as {
    total: number;
  };
  return { rows, total };
}

/** A customer with its owner's name, contacts (primary first) and follow-up timeline (newest first). */
export type CustomerDetail = {
  customer: CustomerRow & { ownerName: string | null };
  contacts: ContactRow[];
  followUps: FollowUpItem[];
};

export function getCustomerDetail(db: Database.Database, id: string): CustomerDetail | undefined {
  const customer = getRow(db, 'customers', id);
  if (!customer) return undefined;
  const owner = customer.ownerId ? getRow(db, 'users', customer.ownerId) : undefined;
  const contacts = listRowsBy(db, 'contacts', 'customerId', id, '"is_primary" DESC, "name", "id"');
  const pending = pendingRowIds(db);
  const followUps = (
    statement(
      db,
      `SELECT f."id" AS "id", f."org_id" AS "orgId", f."customer_id" AS "customerId", f."contact_id" AS "contactId",
              f."author_id" AS "authorId", f."type" AS "type", f."content" AS "content", f."outcome" AS "outcome",
              f."occurred_at" AS "occurredAt", f."next_follow_up_at" AS "nextFollowUpAt",
              f."created_at" AS "createdAt", f."updated_at" AS "updatedAt", f."version" AS "version",
              u."display_name" AS "authorName"
         FROM "follow_ups" f LEFT JOIN "users" u ON u."id" = f."author_id"
        WHERE f."customer_id" = ?
        ORDER BY f."occurred_at" DESC, f."id" DESC`,
    ).all(id) as Omit<FollowUpItem, 'pending'>[]
  ).map((f) => ({ ...fromDbRow('followUps', f), authorName: f.authorName, pending: pending.has(f.id) }));
  return { customer: { ...customer, ownerName: owner?.displayName ?? null }, contacts, followUps };
}
