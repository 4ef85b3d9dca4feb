import type Database from 'better-sqlite3';
import {
  uniqueKey,
  UNIQUE_CUSTOMER_FIELDS,
  type DuplicateMatch,
  type UniqueCustomerField,
} from '../../../../shared/domain/uniqueness';
import { AppError } from '../../../../shared/errors';
import { sameValue } from '../../../../shared/mutations/merge';
import type { UniqueEffect } from '../../../../shared/mutations/types';
import { encodeAttrScalar, indexedAttrFields, KIND_CODE } from './attrIndex';
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

/** The local row that holds a template value an `assertUnique` effect wants to be unique, if any. */
type AttrHolder = { id: string; customerId: string; customerName: string; ownerId: string | null };

const ATTR_TABLES: Record<UniqueEffect['table'], { table: string; customer: string }> = {
  customers: { table: 'customers', customer: 'x."id"' },
  contacts: { table: 'contacts', customer: 'x."customer_id"' },
  followUps: { table: 'follow_ups', customer: 'x."customer_id"' },
  opportunities: { table: 'opportunities', customer: 'x."customer_id"' },
};

function findAttrHolder(db: Database.Database, orgId: string, e: UniqueEffect): AttrHolder | undefined {
  const { table, customer } = ATTR_TABLES[e.table];
  // Customers and leads: the attribute index answers a scalar by one lookup when it holds the field.
  const indexed = indexedAttrFields(db).get(e.field);
  if (e.table === 'customers' && isScalar(e.value) && indexed) {
    return statement(
      db,
      `SELECT c."id" AS "id", c."id" AS "customerId", c."name" AS "customerName", c."owner_id" AS "ownerId"
         FROM "customer_attr_index" i JOIN "customers" c ON c."rowid" = i."customer"
        WHERE i."field" = @field AND i."kind" = @kind AND i."v" = @v AND i."role" = 0
          AND c."org_id" = @org AND c."id" <> @id
        ORDER BY c."id" LIMIT 1`,
    ).get({
      field: indexed.id,
      kind: KIND_CODE[e.entity === 'lead' ? 'lead' : 'customer'],
      v: encodeAttrScalar(e.value),
      org: orgId,
      id: e.id,
    }) as AttrHolder | undefined;
  }
  // Otherwise the rows that mention the key at all (a substring test on the JSON text, no parse), then
  // the same equality the validator uses on the parsed value.
  const candidates = statement(
    db,
    `SELECT x."id" AS "id", ${customer} AS "customerId", c."name" AS "customerName", c."owner_id" AS "ownerId",
            x."attrs" AS "attrs"
       FROM "${table}" x JOIN "customers" c ON c."id" = ${customer}
      WHERE x."org_id" = @org AND x."id" <> @id AND instr(x."attrs", @key) > 0
        ${e.table === 'customers' ? `AND x."kind" = @kind` : ''}
      ORDER BY x."id"`,
  ).all({
    org: orgId,
    id: e.id,
    key: JSON.stringify(e.field),
    ...(e.table === 'customers' ? { kind: e.entity } : {}),
  }) as (AttrHolder & { attrs: string })[];
  for (const { attrs, ...holder } of candidates) {
    const stored = JSON.parse(attrs) as Record<string, unknown>;
    if (Object.hasOwn(stored, e.field) && sameValue(stored[e.field], e.value)) return holder;
  }
  return undefined;
}

function isScalar(v: unknown): v is string | number | boolean {
  return typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * A template field marked unique (the `assertUnique` effect of a mutator), the device's half: refuses
 * with `AppError('duplicate')` naming `attrs.<field>` when another record of the same entity that this
 * device holds has the same value, before anything is written. `params` name the holder as a duplicate of
 * a base field does (the record's customer, and its owner when it is not the user). The server checks the
 * whole org again.
 */
export function assertNoLocalAttrDuplicate(
  db: Database.Database,
  e: UniqueEffect,
  ctx: { orgId: string; userId: string },
): void {
  const hit = findAttrHolder(db, ctx.orgId, e);
  if (!hit) return;
  const self = hit.ownerId === ctx.userId;
  const holderName = self
    ? undefined
    : ((statement(db, 'SELECT "display_name" FROM "users" WHERE "id" = ?').pluck().get(hit.ownerId) as
        string | undefined) ?? undefined);
  throw new AppError(
    'duplicate',
    self
      ? `attrs.${e.field}: already used by your record at ${hit.customerName}`
      : `attrs.${e.field}: already used by a record of ${holderName ?? 'another rep'} at ${hit.customerName}`,
    {
      field: `attrs.${e.field}`,
      params: {
        holder: self ? 'self' : 'user',
        ...(holderName ? { holderName } : {}),
        customerId: hit.customerId,
        customerName: hit.customerName,
      },
    },
  );
}
