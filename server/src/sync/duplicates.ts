import { sql, type SQL } from 'drizzle-orm';
import { AppError, parseOrThrow } from '../../../shared/errors';
import {
  uniqueKey,
  UNIQUE_CUSTOMER_FIELDS,
  type DuplicateHolder,
  type DuplicateMatch,
  type UniqueCustomerField,
} from '../../../shared/domain/uniqueness';
import { creditCodeSchema, phoneSchema } from '../../../shared/domain/validators';
import {
  duplicateCheckRequestSchema,
  type DuplicateCheckResponse,
  type SessionUser,
} from '../../../shared/sync/protocol';
import type { SqlRunner } from '../db/database';

/**
 * Uniqueness at capture with the holder named (SPEC §6, shared/domain/uniqueness.ts). The database decides
 * (partial unique indexes over live customers of kind `customer`: name_norm, credit_code, phone_norm);
 * this module says WHO holds the value, for a push refused by one of those indexes and for the online
 * check `POST /customers/duplicates`. What it reveals is bounded on purpose: another rep's customer is
 * named by its owner only (never its id, which would let a device ask for it); a public-sea customer by id
 * and name, because the user may claim it instead.
 */

/** The unique index behind each field (server/src/db/schema.ts). */
export const UNIQUE_CONSTRAINTS: Readonly<Record<string, UniqueCustomerField>> = {
  customers_org_name_uq: 'name',
  customers_org_credit_code_uq: 'creditCode',
  customers_org_phone_uq: 'phone',
};

/** The SQL expression a field's unique index holds, for `c` = customers. */
const INDEXED: Record<UniqueCustomerField, SQL> = {
  name: sql`c.name_norm`,
  creditCode: sql`c.credit_code`,
  phone: sql`c.phone_norm`,
};

const WHAT: Record<UniqueCustomerField, string> = {
  name: 'name',
  creditCode: 'credit code',
  phone: 'phone number',
};

type HolderRow = {
  field: UniqueCustomerField;
  id: string;
  name: string;
  ownerId: string | null;
  poolState: string;
  ownerName: string | null;
};

/**
 * The live customers (not leads) of the org that hold any of `keys` (normalised with `uniqueKey`), other
 * than `excludeId`, each named as the acting user may see it. At most one per field: the indexes are
 * unique (customers grandfathered by migration 0003 have no phone key and are not found by phone).
 */
export async function findHolders(
  db: SqlRunner,
  user: Pick<SessionUser, 'id' | 'orgId'>,
  keys: Partial<Record<UniqueCustomerField, string>>,
  excludeId?: string,
): Promise<DuplicateMatch[]> {
  const wanted = UNIQUE_CUSTOMER_FIELDS.filter((f) => keys[f] !== undefined);
  if (wanted.length === 0) return [];
  const selects = wanted.map(
    (field) => sql`SELECT ${field}::text AS "field", c.id, c.name, c.owner_id AS "ownerId",
        c.pool_state AS "poolState", u.display_name AS "ownerName"
      FROM customers c LEFT JOIN users u ON u.id = c.owner_id
      WHERE c.org_id = ${user.orgId} AND c.deleted_at IS NULL AND c.kind = 'customer'
        AND ${INDEXED[field]} = ${keys[field]}
        ${excludeId ? sql`AND c.id <> ${excludeId}` : sql``}`,
  );
  const rows = await db.rows<HolderRow>(sql`${sql.join(selects, sql` UNION ALL `)}`);
  return rows
    .sort((a, b) => UNIQUE_CUSTOMER_FIELDS.indexOf(a.field) - UNIQUE_CUSTOMER_FIELDS.indexOf(b.field))
    .map((row) => ({ field: row.field, ...holderOf(row, user.id) }));
}

function holderOf(row: HolderRow, userId: string): DuplicateHolder {
  if (row.poolState === 'public' || row.ownerId === null) {
    return { holder: 'public', customerId: row.id, customerName: row.name };
  }
  if (row.ownerId === userId) return { holder: 'self', customerId: row.id, customerName: row.name };
  return { holder: 'user', holderName: row.ownerName ?? '' };
}

/** The `duplicate` refusal of a write, with the holder in `params` (duplicateHolderSchema). */
export function duplicateError(match: DuplicateMatch): AppError {
  const { field, ...holder } = match;
  const what = WHAT[field];
  const message =
    holder.holder === 'user'
      ? `${field}: a customer with this ${what} already exists (owned by ${holder.holderName ?? '?'})`
      : holder.holder === 'self'
        ? `${field}: you already have a customer with this ${what} (${holder.customerName ?? ''})`
        : `${field}: a customer with this ${what} is in the public sea (${holder.customerName ?? ''}); claim it instead`;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(holder)) if (typeof v === 'string') params[k] = v;
  return new AppError('duplicate', message, { field, params });
}

/**
 * A unique index refused a customer write (`customerId`'s new value of `field`): the refusal naming who
 * holds the value. Run after the refused write was rolled back (its savepoint), in the same transaction.
 * When the holder cannot be found — it was deleted or changed since, between the refusal and this read —
 * the refusal still says what collided, without a holder.
 */
export async function describeDuplicate(
  db: SqlRunner,
  user: Pick<SessionUser, 'id' | 'orgId'>,
  field: UniqueCustomerField,
  value: unknown,
  customerId: string,
): Promise<AppError> {
  const key = uniqueKey(field, typeof value === 'string' ? value : null);
  const [match] = key === null ? [] : await findHolders(db, user, { [field]: key }, customerId);
  if (match) return duplicateError(match);
  return new AppError('duplicate', `${field}: a customer with this ${WHAT[field]} already exists`, {
    field,
  });
}

/**
 * POST /customers/duplicates: the online half of uniqueness at capture. Each given value is checked in
 * its normalised form; blank values are not checked. A malformed credit code or phone is a 400 naming the
 * field — it could never be stored, so "no duplicate" would be a misleading answer.
 */
export async function handleDuplicateCheck(
  db: SqlRunner,
  user: SessionUser,
  body: unknown,
): Promise<DuplicateCheckResponse> {
  const request = parseOrThrow(duplicateCheckRequestSchema, body, 'duplicates');
  const keys: Partial<Record<UniqueCustomerField, string>> = {};
  const formats = { creditCode: creditCodeSchema, phone: phoneSchema } as const;
  for (const field of UNIQUE_CUSTOMER_FIELDS) {
    const raw = request[field];
    if (raw === undefined || raw.trim() === '') continue;
    if (field !== 'name') {
      const checked = formats[field].safeParse(raw);
      if (!checked.success) {
        throw new AppError(
          'validation',
          `duplicates.${field}: ${checked.error.issues[0]?.message ?? 'invalid'}`,
          { field },
        );
      }
    }
    const key = uniqueKey(field, raw);
    if (key !== null && key !== '') keys[field] = key;
  }
  return { matches: await findHolders(db, user, keys, request.excludeId) };
}
