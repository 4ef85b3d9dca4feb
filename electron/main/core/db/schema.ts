import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Effect } from '../../../../shared/mutations/types';
import type { AppErrorData } from '../../../../shared/errors';
import type { Option, Stage } from '../../../../shared/domain/settings';
import type { ClaimPolicy, RecyclePolicy } from '../../../../shared/pools/rules';
import type {
  FieldDef,
  OptionList,
  TemplateEntity,
  TemplateSection,
} from '../../../../shared/templates/schema';

/**
 * The device's SQLite database (one file per user, `<dataDir>/users/<userId>.db`). The synced tables hold
 * exactly the wire rows of `shared/domain/rows.ts` in snake_case columns (`attrs` as JSON text, booleans
 * as 0/1), so a pulled `put` is written as it arrives. The rest is the device's own bookkeeping: the
 * outbox of mutations not yet acknowledged, the refused ones, and a key/value `meta`; and local derived
 * data the screens need fast (the normalised unique keys of customers and the quick-search index: see
 * `db/localIndex.ts`).
 *
 * drizzle-kit does not model virtual tables nor WITHOUT ROWID tables: the `customer_search` FTS5 table is
 * written by hand into 0002_working_day.sql, the `customer_attr_index` table into 0003_templates.sql
 * (db/attrIndex.ts).
 *
 * Never edit a generated migration in `drizzle/client/` after it ships; change this file and run
 * `npx drizzle-kit generate --config drizzle.client.config.ts`.
 */

/**
 * Business attributes from templates (protocol 4): JSON text of an object keyed by field key. The default
 * also fills what an outbox entry recorded before the column existed lacks when it is replayed after the
 * upgrade (db/rows.ts binds a column's default for a missing key).
 */
const attrsColumn = () =>
  text('attrs', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default({});

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  teamId: text('team_id'),
  username: text('username').notNull(),
  displayName: text('display_name').notNull(),
  role: text('role', { enum: ['rep', 'manager', 'admin'] }).notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  version: integer('version').notNull(),
});

export const customers = sqliteTable(
  'customers',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    name: text('name').notNull(),
    shortName: text('short_name'),
    creditCode: text('credit_code'),
    industry: text('industry'),
    region: text('region'),
    address: text('address'),
    phone: text('phone'),
    website: text('website'),
    source: text('source'),
    status: text('status', { enum: ['active', 'dormant', 'deregistered'] }).notNull(),
    level: text('level', { enum: ['A', 'B', 'C', 'D'] }),
    ownerId: text('owner_id'),
    poolState: text('pool_state', { enum: ['private', 'public'] }).notNull(),
    claimedAt: integer('claimed_at'),
    lastFollowUpAt: integer('last_follow_up_at'),
    lastDealAt: integer('last_deal_at'),
    attrs: attrsColumn(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
    // Protocol 3. The default also fills what a protocol-2 outbox entry's recorded insert lacks when it is
    // replayed after the upgrade (db/rows.ts binds a column's default for a missing key).
    kind: text('kind', { enum: ['customer', 'lead'] })
      .notNull()
      .default('customer'),
    leadStatus: text('lead_status', {
      enum: ['new', 'contacted', 'qualified', 'disqualified', 'converted'],
    }),
    convertedAt: integer('converted_at'),
    // Protocol 4: the published template version the record was last saved with.
    templateVersionId: text('template_version_id'),
    // Protocol 5, the public sea (docs/pools.md): the pool a private customer returns to (null: the pool
    // serving its owner's team), a manager's lock, when it last entered a pool, who owned it before, and
    // when its status became `deregistered`. The lock's default also fills what an outbox entry recorded
    // by a protocol-4 app lacks when it is replayed after the upgrade.
    poolId: text('pool_id'),
    locked: integer('locked', { mode: 'boolean' }).notNull().default(false),
    enteredPoolAt: integer('entered_pool_at'),
    previousOwnerId: text('previous_owner_id'),
    deregisteredAt: integer('deregistered_at'),
    // Local only, never on the wire: the normalised unique keys (shared/domain/uniqueness.ts uniqueKey),
    // derived from name / credit_code / phone whenever a row is written (db/localIndex.ts), so the
    // duplicate check at capture is an index lookup.
    nameKey: text('name_key'),
    creditKey: text('credit_key'),
    phoneKey: text('phone_key'),
  },
  // Every list sort ends with `id` as the tiebreak and lists one kind (customers or leads), so each sort
  // index is (kind, column, id): SQLite walks it for ORDER BY … LIMIT/OFFSET instead of sorting the whole
  // private sea, and a lead never has to be skipped over in the customer list.
  (t) => [
    index('customers_owner_idx').on(t.ownerId, t.kind),
    index('customers_name_idx').on(t.kind, t.name, t.id),
    index('customers_last_follow_up_idx').on(t.kind, t.lastFollowUpAt, t.id),
    index('customers_updated_idx').on(t.kind, t.updatedAt, t.id),
    index('customers_created_idx').on(t.kind, t.createdAt, t.id),
    index('customers_industry_idx').on(t.kind, t.industry, t.id),
    index('customers_region_idx').on(t.kind, t.region, t.id),
    index('customers_level_idx').on(t.kind, t.level, t.id),
    index('customers_status_idx').on(t.kind, t.status, t.id),
    // Leads and converted leads, newest first (the leads list); small, so partial.
    index('customers_lead_idx')
      .on(t.leadStatus, t.createdAt, t.id)
      .where(sql`${t.leadStatus} IS NOT NULL`),
    // Uniqueness applies among customers only (leads are exempt until converted); empty keys never collide.
    index('customers_name_key_idx')
      .on(t.nameKey)
      .where(sql`${t.kind} = 'customer' AND ${t.nameKey} IS NOT NULL`),
    index('customers_credit_key_idx')
      .on(t.creditKey)
      .where(sql`${t.kind} = 'customer' AND ${t.creditKey} IS NOT NULL`),
    index('customers_phone_key_idx')
      .on(t.phoneKey)
      .where(sql`${t.kind} = 'customer' AND ${t.phoneKey} IS NOT NULL`),
    // A customer this device released waits here as `public` until the server's answer removes it; the
    // lists leave such rows out, and count them through this (nearly always empty) index.
    index('customers_public_idx')
      .on(t.kind, t.id)
      .where(sql`${t.poolState} = 'public'`),
  ],
);

export const contacts = sqliteTable(
  'contacts',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    // A customer leaving the private sea takes its children with it (SPEC §5.4).
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    title: text('title'),
    phone: text('phone'),
    email: text('email'),
    wechat: text('wechat'),
    isPrimary: integer('is_primary', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
    attrs: attrsColumn(),
    templateVersionId: text('template_version_id'),
  },
  (t) => [index('contacts_customer_idx').on(t.customerId)],
);

export const followUps = sqliteTable(
  'follow_ups',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    // No foreign keys to contacts, opportunities or users: those rows may arrive later than the follow-up
    // or leave scope.
    contactId: text('contact_id'),
    authorId: text('author_id').notNull(),
    /** A key of the org's follow-up types (settings), protocol 3; no CHECK: the list is managed data. */
    type: text('type').notNull(),
    content: text('content').notNull(),
    outcome: text('outcome'),
    occurredAt: integer('occurred_at').notNull(),
    nextFollowUpAt: integer('next_follow_up_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
    opportunityId: text('opportunity_id'),
    attrs: attrsColumn(),
    templateVersionId: text('template_version_id'),
  },
  (t) => [
    // The customer's timeline: newest first.
    index('follow_ups_timeline_idx').on(t.customerId, t.occurredAt, t.id),
    // The feed (newest logged first), whole scope or one author; the author's week count.
    index('follow_ups_created_idx').on(t.createdAt, t.id),
    index('follow_ups_author_idx').on(t.authorId, t.createdAt, t.id),
  ],
);

/**
 * The org's settings (one row, id = org id): stages, follow-up types, lost reasons, edit window. Lists
 * are JSON text; `shared/domain/settings.ts` is their schema.
 */
export const settings = sqliteTable('settings', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  stages: text('stages', { mode: 'json' }).$type<Stage[]>().notNull(),
  followUpTypes: text('follow_up_types', { mode: 'json' }).$type<Option[]>().notNull(),
  lostReasons: text('lost_reasons', { mode: 'json' }).$type<Option[]>().notNull(),
  followUpEditWindowHours: integer('follow_up_edit_window_hours').notNull(),
  updatedAt: integer('updated_at').notNull(),
  version: integer('version').notNull(),
});

/**
 * The org's public pools (protocol 5, docs/pools.md), written only by admins through the server; read-only
 * here. The device reads their rules to show recycle countdowns offline. `shared/pools/schema.ts` is the
 * schema of the JSON columns.
 */
export const pools = sqliteTable('pools', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  kind: text('kind', { enum: ['customer', 'lead'] }).notNull(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  teamIds: text('team_ids', { mode: 'json' }).$type<string[]>().notNull(),
  adminIds: text('admin_ids', { mode: 'json' }).$type<string[]>().notNull(),
  isDefault: integer('is_default', { mode: 'boolean' }).notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  recycle: text('recycle', { mode: 'json' }).$type<RecyclePolicy>().notNull(),
  claim: text('claim', { mode: 'json' }).$type<ClaimPolicy>().notNull(),
  assign: text('assign', {
    enum: ['previousOwnerThenLeastLoaded', 'previousOwnerThenRoundRobin', 'leastLoaded', 'roundRobin'],
  }).notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  version: integer('version').notNull(),
});

/**
 * The org's option lists and field library (one row, id = org id), written only by the server's admin
 * operations; read-only here. `shared/templates/schema.ts` is the schema of the JSON lists.
 */
export const catalogs = sqliteTable('catalogs', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  optionLists: text('option_lists', { mode: 'json' }).$type<OptionList[]>().notNull(),
  fields: text('fields', { mode: 'json' }).$type<FieldDef[]>().notNull(),
  updatedAt: integer('updated_at').notNull(),
  version: integer('version').notNull(),
});

/**
 * Published template versions (immutable once published; every version stays, because a pending edit is
 * judged by the version its form used). Forms render with the newest of each template (`currentVersions`).
 */
export const templateVersions = sqliteTable('template_versions', {
  id: text('id').primaryKey(),
  orgId: text('org_id').notNull(),
  templateId: text('template_id').notNull(),
  entity: text('entity').$type<TemplateEntity>().notNull(),
  category: text('category'),
  number: integer('number').notNull(),
  nameZh: text('name_zh').notNull(),
  nameEn: text('name_en').notNull(),
  sections: text('sections', { mode: 'json' }).$type<TemplateSection[]>().notNull(),
  fields: text('fields', { mode: 'json' }).$type<FieldDef[]>().notNull(),
  publishedAt: integer('published_at').notNull(),
  publishedBy: text('published_by').notNull(),
  createdAt: integer('created_at').notNull(),
  updatedAt: integer('updated_at').notNull(),
  version: integer('version').notNull(),
});

export const opportunities = sqliteTable(
  'opportunities',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    ownerId: text('owner_id').notNull(),
    name: text('name').notNull(),
    amountMinor: integer('amount_minor').notNull(),
    currency: text('currency').notNull(),
    stageKey: text('stage_key').notNull(),
    status: text('status', { enum: ['open', 'won', 'lost'] }).notNull(),
    expectedCloseAt: integer('expected_close_at'),
    lostReason: text('lost_reason'),
    closedAt: integer('closed_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
    attrs: attrsColumn(),
    templateVersionId: text('template_version_id'),
  },
  (t) => [
    index('opportunities_customer_idx').on(t.customerId),
    // The pipeline: open opportunities by stage; Today's stats: mine by status.
    index('opportunities_stage_idx').on(t.status, t.stageKey, t.updatedAt),
    index('opportunities_owner_idx').on(t.ownerId, t.status),
  ],
);

/** Stage history of opportunities: kept forever, read-only once written. */
export const stageChanges = sqliteTable(
  'stage_changes',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    // No foreign key to the opportunity: within a pull page either may come first.
    opportunityId: text('opportunity_id').notNull(),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
    changedBy: text('changed_by').notNull(),
    changedAt: integer('changed_at').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [index('stage_changes_customer_idx').on(t.customerId, t.changedAt)],
);

/** Planned follow-ups (SPEC §2 Task). */
export const tasks = sqliteTable(
  'tasks',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    assigneeId: text('assignee_id').notNull(),
    title: text('title').notNull(),
    type: text('type').notNull(),
    dueAt: integer('due_at').notNull(),
    origin: text('origin', {
      enum: ['manual', 'followUp', 'strategy', 'reactivation', 'recycleWarning'],
    }).notNull(),
    status: text('status', { enum: ['open', 'done', 'cancelled'] }).notNull(),
    sourceFollowUpId: text('source_follow_up_id'),
    doneFollowUpId: text('done_follow_up_id'),
    doneAt: integer('done_at'),
    createdBy: text('created_by').notNull(),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
  },
  (t) => [
    // Today: my open tasks by due date; the customer list's "due" marker and the detail: per customer.
    index('tasks_assignee_idx').on(t.assigneeId, t.status, t.dueAt),
    index('tasks_customer_idx').on(t.customerId, t.status, t.dueAt),
  ],
);

/** Ownership history (server-written, read-only here): transfers, claims, releases, recycles. */
export const ownershipEvents = sqliteTable(
  'ownership_events',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id').notNull(),
    customerId: text('customer_id')
      .notNull()
      .references(() => customers.id, { onDelete: 'cascade' }),
    fromOwnerId: text('from_owner_id'),
    toOwnerId: text('to_owner_id'),
    fromPoolState: text('from_pool_state', { enum: ['private', 'public'] }),
    toPoolState: text('to_pool_state', { enum: ['private', 'public'] }).notNull(),
    actorType: text('actor_type', { enum: ['user', 'rule', 'event'] }).notNull(),
    actorId: text('actor_id'),
    reason: text('reason'),
    at: integer('at').notNull(),
    version: integer('version').notNull(),
    // Protocol 5: what kind of move (claim, release, recycle, …) and the pool involved.
    action: text('action', {
      enum: ['create', 'claim', 'release', 'transfer', 'assign', 'recycle', 'reactivate'],
    }),
    poolId: text('pool_id'),
  },
  (t) => [
    index('ownership_events_customer_idx').on(t.customerId, t.at),
    // Today's "recently assigned to me".
    index('ownership_events_to_owner_idx').on(t.toOwnerId, t.at),
  ],
);

/**
 * Mutations written on this device and not yet acknowledged by the server. `seq` is the per-client
 * mutation id the server deduplicates on; AUTOINCREMENT so an emptied outbox never hands out an id the
 * server has already seen (that mutation would be skipped as a duplicate and lost).
 * `effects` keeps what the mutator decided, so a pull can be followed by replaying pending work (rebase)
 * and a rejected mutation's inserted rows can be removed.
 */
export const outbox = sqliteTable('outbox', {
  seq: integer('seq').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  args: text('args', { mode: 'json' }).$type<unknown>().notNull(),
  effects: text('effects', { mode: 'json' }).$type<Effect[]>().notNull(),
  createdAt: integer('created_at').notNull(),
  attempts: integer('attempts').notNull().default(0),
  lastError: text('last_error'),
});

/** Mutations the server refused for good, with the user's values: half of the inbox. */
export const rejections = sqliteTable('rejections', {
  mutationId: integer('mutation_id').primaryKey(),
  name: text('name').notNull(),
  args: text('args', { mode: 'json' }).$type<unknown>().notNull(),
  error: text('error', { mode: 'json' }).$type<AppErrorData>().notNull(),
  createdAt: integer('created_at').notNull(),
  rejectedAt: integer('rejected_at').notNull(),
  /** Set when the user has dealt with it (re-applied or discarded); the inbox shows the unresolved. */
  resolvedAt: integer('resolved_at'),
  /**
   * The customer's name when the refusal arrived: the row itself is often gone by then (it left the
   * private sea, or it was the refused insert), and the inbox must still say which record it was.
   */
  rowLabel: text('row_label'),
});

/**
 * Same-field edits that lost on the server (SPEC §5.6, protocol 2): the other half of the inbox. One row
 * per (mutation, field), so a pull delivered twice records it once. `theirs` is the value that stands,
 * `mine` the user's, `base` what the device had seen when the user typed.
 */
export const conflicts = sqliteTable(
  'conflicts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    mutationId: integer('mutation_id').notNull(),
    name: text('name').notNull(),
    tableName: text('table_name').notNull(),
    rowId: text('row_id').notNull(),
    field: text('field').notNull(),
    base: text('base', { mode: 'json' }).$type<unknown>(),
    mine: text('mine', { mode: 'json' }).$type<unknown>(),
    theirs: text('theirs', { mode: 'json' }).$type<unknown>(),
    rowLabel: text('row_label'),
    createdAt: integer('created_at').notNull(),
    conflictedAt: integer('conflicted_at').notNull(),
  },
  (t) => [uniqueIndex('conflicts_mutation_field_idx').on(t.mutationId, t.field)],
);

/**
 * Device-local notices (never synced): what happened to the user's private sea while a pull applied it —
 * a customer recycled or moved away, one assigned in (db/notices.ts). The customer's name is kept, since
 * a customer that left is no longer on the device. A dismissed notice stays (dismissed) so the same move
 * pulled again does not show it twice; `key` names the move it records.
 */
export const notices = sqliteTable(
  'notices',
  {
    id: text('id').primaryKey(),
    key: text('key').notNull(),
    kind: text('kind', { enum: ['recycledAway', 'movedAway', 'assignedIn'] }).notNull(),
    customerId: text('customer_id').notNull(),
    customerName: text('customer_name').notNull(),
    customerKind: text('customer_kind', { enum: ['customer', 'lead'] }).notNull(),
    at: integer('at').notNull(),
    reason: text('reason'),
    actorType: text('actor_type', { enum: ['user', 'rule', 'event'] }),
    createdAt: integer('created_at').notNull(),
    dismissedAt: integer('dismissed_at'),
  },
  (t) => [uniqueIndex('notices_key_idx').on(t.key), index('notices_open_idx').on(t.dismissedAt, t.at)],
);

/**
 * Device bookkeeping by key: client_id, cursor (the committed one), last_sync_at, user_id, pull_round
 * (the cursor and progress of a paged pull under way, so an interrupted first sync resumes), local_index
 * (the version of the derived local data, db/localIndex.ts).
 */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
