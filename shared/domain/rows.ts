import { z } from 'zod';
import { ROLES } from './roles';

/**
 * The rows that travel between server and devices, in their wire form: camelCase keys, timestamps as
 * epoch milliseconds, `version` = the server's row version (0 for a row only this device has seen).
 * The server's PostgreSQL tables and the device's SQLite tables both store exactly these columns, so a
 * pull `put` is written as it arrives.
 */
const id = z.uuid();
const ms = z.int().nonnegative();
const text = (max: number) => z.string().max(max);

export const CUSTOMER_STATUSES = ['active', 'dormant', 'deregistered'] as const;
export const CUSTOMER_LEVELS = ['A', 'B', 'C', 'D'] as const;
export const POOL_STATES = ['private', 'public'] as const;

export const customerRowSchema = z.object({
  id,
  orgId: id,
  name: text(200),
  shortName: text(100).nullable(),
  creditCode: text(18).nullable(),
  industry: text(100).nullable(),
  region: text(100).nullable(),
  address: text(300).nullable(),
  phone: text(40).nullable(),
  website: text(300).nullable(),
  source: text(100).nullable(),
  status: z.enum(CUSTOMER_STATUSES),
  level: z.enum(CUSTOMER_LEVELS).nullable(),
  ownerId: id.nullable(),
  poolState: z.enum(POOL_STATES),
  claimedAt: ms.nullable(),
  lastFollowUpAt: ms.nullable(),
  lastDealAt: ms.nullable(),
  /** Business attributes from templates (SPEC §3); a JSON object keyed by field key. */
  attrs: z.record(z.string(), z.unknown()),
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type CustomerRow = z.infer<typeof customerRowSchema>;

export const contactRowSchema = z.object({
  id,
  orgId: id,
  customerId: id,
  name: text(100),
  title: text(100).nullable(),
  phone: text(40).nullable(),
  email: text(200).nullable(),
  wechat: text(100).nullable(),
  isPrimary: z.boolean(),
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type ContactRow = z.infer<typeof contactRowSchema>;

export const FOLLOW_UP_TYPES = ['visit', 'call', 'wechat', 'email', 'meeting', 'other'] as const;
export type FollowUpType = (typeof FOLLOW_UP_TYPES)[number];

export const followUpRowSchema = z.object({
  id,
  orgId: id,
  customerId: id,
  contactId: id.nullable(),
  authorId: id,
  type: z.enum(FOLLOW_UP_TYPES),
  content: text(5000),
  outcome: text(1000).nullable(),
  occurredAt: ms,
  nextFollowUpAt: ms.nullable(),
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type FollowUpRow = z.infer<typeof followUpRowSchema>;

/** The org's people as a device needs them: names to show, roles and teams to reason about scope. */
export const userRowSchema = z.object({
  id,
  orgId: id,
  teamId: id.nullable(),
  username: text(100),
  displayName: text(100),
  role: z.enum(ROLES),
  active: z.boolean(),
  version: ms,
});
export type UserRow = z.infer<typeof userRowSchema>;

/** Every synced table, by its wire name. The order is the order a full pull sends them in (parents first). */
export const SYNCED_TABLES = ['users', 'customers', 'contacts', 'followUps'] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

export const rowSchemas = {
  users: userRowSchema,
  customers: customerRowSchema,
  contacts: contactRowSchema,
  followUps: followUpRowSchema,
} as const satisfies Record<SyncedTable, z.ZodType>;

export type RowOf = {
  users: UserRow;
  customers: CustomerRow;
  contacts: ContactRow;
  followUps: FollowUpRow;
};
