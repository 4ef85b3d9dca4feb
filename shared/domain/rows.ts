import { z } from 'zod';
import { ROLES } from './roles';
import { optionKeySchema, settingsRowSchema, type SettingsRow } from './settings';
import { CURRENCIES } from './money';
import { CUSTOMER_LEVELS, CUSTOMER_STATUSES } from './levels';
import { poolRowSchema, type PoolRow } from '../pools/schema';
import {
  catalogRowSchema,
  templateVersionRowSchema,
  type CatalogRow,
  type TemplateVersionRow,
} from '../templates/schema';

export { optionKeySchema };

/**
 * The rows that travel between server and devices, in their wire form: camelCase keys, timestamps as
 * epoch milliseconds, `version` = the server's row version (0 for a row only this device has seen).
 * The server's PostgreSQL tables and the device's SQLite tables both store exactly these columns, so a
 * pull `put` is written as it arrives.
 */
const id = z.uuid();
const ms = z.int().nonnegative();
const text = (max: number) => z.string().max(max);

export { CUSTOMER_LEVELS, CUSTOMER_STATUSES, type CustomerLevel } from './levels';
export const POOL_STATES = ['private', 'public'] as const;
/**
 * A lead is a customers row of kind `lead` (docs/domain.md "Leads"): conversion promotes the row in place,
 * so its follow-ups, contacts, tasks and ownership history are carried over by construction.
 */
export const CUSTOMER_KINDS = ['customer', 'lead'] as const;
export type CustomerKind = (typeof CUSTOMER_KINDS)[number];
export const LEAD_STATUSES = ['new', 'contacted', 'qualified', 'disqualified', 'converted'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];

/**
 * Business attributes from templates (SPEC §3, docs/templates.md): a JSON object keyed by field key, and
 * the published template version the record was last saved with (null: never saved through a template).
 * Protocol 4 added both to contacts, follow-ups and opportunities, and the version to customers.
 */
const templated = {
  attrs: z.record(z.string(), z.unknown()),
  templateVersionId: id.nullable(),
};

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
  /** `lead` rows are shown in the leads list, `customer` rows everywhere else (protocol 3). */
  kind: z.enum(CUSTOMER_KINDS),
  /** Leads only: where the rep is with it; `converted` once promoted to a customer. */
  leadStatus: z.enum(LEAD_STATUSES).nullable(),
  /** When a lead became a customer (null for rows captured as customers). */
  convertedAt: ms.nullable(),
  ...templated,
  /**
   * Protocol 5, the public sea (docs/pools.md): the pool a public customer is in, or, for a private one,
   * the pool it returns to when released or recycled (null: the pool serving its owner's team).
   */
  poolId: id.nullable(),
  /** A manager's lock: exempt from recycling while set. */
  locked: z.boolean(),
  /** When it last entered a public pool (fresh entries may be protected from claims). */
  enteredPoolAt: ms.nullable(),
  /** Who owned it before it last went to the public sea (reactivation prefers them; cooldowns). */
  previousOwnerId: id.nullable(),
  /** When its status became `deregistered` (the recycle rule of that name counts from it). */
  deregisteredAt: ms.nullable(),
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
  ...templated,
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type ContactRow = z.infer<typeof contactRowSchema>;

/**
 * The follow-up types every org starts with. The org's own list lives in its settings
 * (`settings.followUpTypes`, managed by an admin); a follow-up's `type` is one of that list's keys.
 */
export const FOLLOW_UP_TYPES = ['visit', 'call', 'wechat', 'email', 'meeting', 'other'] as const;
export type FollowUpType = (typeof FOLLOW_UP_TYPES)[number];

export const followUpRowSchema = z.object({
  id,
  orgId: id,
  customerId: id,
  contactId: id.nullable(),
  /** The opportunity this follow-up advanced, if any (same customer). */
  opportunityId: id.nullable(),
  authorId: id,
  type: optionKeySchema,
  content: text(5000),
  outcome: text(1000).nullable(),
  occurredAt: ms,
  nextFollowUpAt: ms.nullable(),
  ...templated,
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type FollowUpRow = z.infer<typeof followUpRowSchema>;

export { CURRENCIES, type Currency } from './money';
export const OPPORTUNITY_STATUSES = ['open', 'won', 'lost'] as const;
export type OpportunityStatus = (typeof OPPORTUNITY_STATUSES)[number];

/** Amounts are integer minor units (分/cents) so that sums are exact on every side. */
export const MAX_AMOUNT_MINOR = 1_000_000_000_000_00;

export const opportunityRowSchema = z.object({
  id,
  orgId: id,
  customerId: id,
  /** The rep who works it: the customer's owner when it was created; follows the customer on a move. */
  ownerId: id,
  name: text(200),
  amountMinor: z.int().nonnegative().max(MAX_AMOUNT_MINOR),
  currency: z.enum(CURRENCIES),
  /** A key of `settings.stages`. */
  stageKey: optionKeySchema,
  /** Derived from the stage's kind; kept as a column so lists and pool rules filter on it. */
  status: z.enum(OPPORTUNITY_STATUSES),
  expectedCloseAt: ms.nullable(),
  /** A key of `settings.lostReasons` when lost. */
  lostReason: text(200).nullable(),
  closedAt: ms.nullable(),
  ...templated,
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type OpportunityRow = z.infer<typeof opportunityRowSchema>;

/** One stage move of an opportunity (kept forever: the pipeline's history and win-rate analysis). */
export const stageChangeRowSchema = z.object({
  id,
  orgId: id,
  customerId: id,
  opportunityId: id,
  fromStage: optionKeySchema.nullable(),
  toStage: optionKeySchema,
  changedBy: id,
  changedAt: ms,
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type StageChangeRow = z.infer<typeof stageChangeRowSchema>;

export const TASK_ORIGINS = ['manual', 'followUp', 'strategy', 'reactivation', 'recycleWarning'] as const;
export const TASK_STATUSES = ['open', 'done', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A planned follow-up (SPEC §2): due at a time, for an assignee, completed by logging a follow-up. */
export const taskRowSchema = z.object({
  id,
  orgId: id,
  customerId: id,
  assigneeId: id,
  title: text(200),
  /** A follow-up type key: what is planned (visit, call, …). */
  type: optionKeySchema,
  dueAt: ms,
  origin: z.enum(TASK_ORIGINS),
  status: z.enum(TASK_STATUSES),
  /** The follow-up whose "next follow-up at" planned this task. */
  sourceFollowUpId: id.nullable(),
  /** The follow-up that completed it. */
  doneFollowUpId: id.nullable(),
  doneAt: ms.nullable(),
  createdBy: id,
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type TaskRow = z.infer<typeof taskRowSchema>;

export const ACTOR_TYPES = ['user', 'rule', 'event'] as const;
/** What kind of move an ownership-history row records (protocol 5; null on older rows). */
export const OWNERSHIP_ACTIONS = [
  'create',
  'claim',
  'release',
  'transfer',
  'assign',
  'recycle',
  'reactivate',
] as const;
export type OwnershipAction = (typeof OWNERSHIP_ACTIONS)[number];

/**
 * One change of a customer's owner or pool state (SPEC §2 ownership history), written only by the server
 * in the same transaction as the move, and synced read-only to the devices that see the customer.
 */
export const ownershipEventRowSchema = z.object({
  id,
  orgId: id,
  customerId: id,
  fromOwnerId: id.nullable(),
  toOwnerId: id.nullable(),
  fromPoolState: z.enum(POOL_STATES).nullable(),
  toPoolState: z.enum(POOL_STATES),
  actorType: z.enum(ACTOR_TYPES),
  actorId: id.nullable(),
  reason: text(500).nullable(),
  /** Protocol 5: claim, release, recycle, … (null on rows written before it). */
  action: z.enum(OWNERSHIP_ACTIONS).nullable(),
  /** Protocol 5: the pool it went to or came from, when a pool was involved. */
  poolId: id.nullable(),
  at: ms,
  version: ms,
});
export type OwnershipEventRow = z.infer<typeof ownershipEventRowSchema>;

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
export const SYNCED_TABLES = [
  'users',
  'settings',
  'catalogs',
  'templateVersions',
  'pools',
  'customers',
  'contacts',
  'followUps',
  'opportunities',
  'stageChanges',
  'tasks',
  'ownershipEvents',
] as const;
export type SyncedTable = (typeof SYNCED_TABLES)[number];

/**
 * How a table's rows reach a device (the pull's scope rule): `org` rows go to every device of the org;
 * `customer` is the customers table itself (owner in scope, private); `child` rows follow their
 * `customerId`'s customer onto and off devices.
 */
export const TABLE_SCOPE = {
  users: 'org',
  settings: 'org',
  catalogs: 'org',
  templateVersions: 'org',
  pools: 'org',
  customers: 'customer',
  contacts: 'child',
  followUps: 'child',
  opportunities: 'child',
  stageChanges: 'child',
  tasks: 'child',
  ownershipEvents: 'child',
} as const satisfies Record<SyncedTable, 'org' | 'customer' | 'child'>;

/** Tables a protocol-2 device knows; a server sends such a device nothing else (docs/sync-protocol.md). */
export const PROTOCOL_2_TABLES: readonly SyncedTable[] = ['users', 'customers', 'contacts', 'followUps'];
/** Tables a protocol-3 device knows (it ignores the columns protocol 4 added: attrs, templateVersionId). */
export const PROTOCOL_3_TABLES: readonly SyncedTable[] = [
  'users',
  'settings',
  'customers',
  'contacts',
  'followUps',
  'opportunities',
  'stageChanges',
  'tasks',
  'ownershipEvents',
];
/** Tables a protocol-4 device knows (it ignores the columns protocol 5 added to customers and history). */
export const PROTOCOL_4_TABLES: readonly SyncedTable[] = SYNCED_TABLES.filter((t) => t !== 'pools');

export const rowSchemas = {
  users: userRowSchema,
  settings: settingsRowSchema,
  catalogs: catalogRowSchema,
  templateVersions: templateVersionRowSchema,
  pools: poolRowSchema,
  customers: customerRowSchema,
  contacts: contactRowSchema,
  followUps: followUpRowSchema,
  opportunities: opportunityRowSchema,
  stageChanges: stageChangeRowSchema,
  tasks: taskRowSchema,
  ownershipEvents: ownershipEventRowSchema,
} as const satisfies Record<SyncedTable, z.ZodType>;

export type RowOf = {
  users: UserRow;
  settings: SettingsRow;
  catalogs: CatalogRow;
  templateVersions: TemplateVersionRow;
  pools: PoolRow;
  customers: CustomerRow;
  contacts: ContactRow;
  followUps: FollowUpRow;
  opportunities: OpportunityRow;
  stageChanges: StageChangeRow;
  tasks: TaskRow;
  ownershipEvents: OwnershipEventRow;
};
