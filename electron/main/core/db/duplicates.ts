import type Database from 'better-sqlite3';
import {
  uniqueKey,
  UNIQUE_CUSTOMER_FIELDS,
  type DuplicateMatch,
  type UniqueCustomerField,
} from '../../../../shared/domain/uniqueness';
import { AppError } from '../../../../shared/errors';
import { statement } from './statements';

/**
 * Uniqueness at capture, the device's half (shared/domain/uniqueness.ts): does this device already hold a
 * live customer (kind `customer`; leads are exempt until converted) with the same normalised name, credit
 * code or phone? An index lookup on the local key columns (db/localIndex.ts). The device holds only its
 * user's scope, so the holder is `self` or a rep of the manager's team (`user`, named); the server's
 * answer (online check, push) covers the rest of the org.
 */

const KEY_COLUMN: Record<UniqueCustomerField, string> = {
  name: 'name_key',
  creditCode: 'credit_key',
  phone: 'phone_key',
};

export type UniqueValues = Partial<Record<UniqueCustomerField, string | null | undefined>>;

/** Every local collision of the given values, one per field at most, excluding `excludeId`. */
export function findLocalDuplicates(
  db: Database.Database,
  values: UniqueValues,
  ctx: { userId: string; excludeId?: string | undefined },
): DuplicateMatch[] {
  const matches: DuplicateMatch[] = [];
  for (const field of UNIQUE_CUSTOMER_FIELDS) {
    const key = uniqueKey(field, values[field]);
    if (key === null) continue;
    const hit = statement(
      db,
      `SELECT c."id" AS "id", c."name" AS "name", c."owner_id" AS "ownerId", u."display_name" AS "ownerName"
         FROM "customers" c LEFT JOIN "users" u ON u."id" = c."owner_id"
        WHERE c."${KEY_COLUMN[field]}" = @key AND c."kind" = 'customer' AND c."id" IS NOT @exclude
        ORDER BY c."id" LIMIT 1`,
    ).get({ key, exclude: ctx.excludeId ?? null }) as
      { id: string; name: string; ownerId: string | null; ownerName: string | null } | undefined;
    if (!hit) continue;
    const self = hit.ownerId === ctx.userId;
    matches.push({
      field,
      holder: self ? 'self' : 'user',
      ...(!self && hit.ownerName ? { holderName: hit.ownerName } : {}),
      customerId: hit.id,
      customerName: hit.name,
    });
  }
  return matches;
}

/**
 * Refuses a capture or an edit that would duplicate a customer this device holds, before anything is
 * written: AppError('duplicate') naming the first colliding field, with the holder in `params` (the
 * same shape as the server's refusal, so the renderer shows both alike).
 */
export function assertNoLocalDuplicate(
  db: Database.Database,
  values: UniqueValues,
  ctx: { userId: string; excludeId?: string | undefined },
): void {
  const [hit] = findLocalDuplicates(db, values, ctx);
  if (!hit) return;
  const { field, ...holder } = hit;
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(holder)) if (typeof v === 'string') params[k] = v;
  throw new AppError(
    'duplicate',
    hit.holder === 'self'
      ? `${field}: you already have this customer (${hit.customerName ?? ''})`
      : `${field}: this customer belongs to ${hit.holderName ?? 'another rep'}`,
    { field, params },
  );
}
