import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { Effect } from '../../../../shared/mutations/types';
import type { AppErrorData } from '../../../../shared/errors';

/**
 * The device's SQLite database (one file per user, `<dataDir>/users/<userId>.db`). The synced tables hold
 * exactly the wire rows of `shared/domain/rows.ts` in snake_case columns (`attrs` as JSON text, booleans
 * as 0/1), so a pulled `put` is written as it arrives. The rest is the device's own bookkeeping: the
 * outbox of mutations not yet acknowledged, the refused ones, and a key/value `meta`.
 *
 * Never edit a generated migration in `drizzle/client/` after it ships; change this file and run
 * `npx drizzle-kit generate --config drizzle.client.config.ts`.
 */

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
    attrs: text('attrs', { mode: 'json' })
      .$type<Record<string, unknown>>()
      .notNull()
      .default(sql`'{}'`),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
  },
  // Every list sort ends with `id` as the tiebreak, so each index carries it: SQLite then walks the index
  // for ORDER BY … LIMIT/OFFSET instead of sorting the whole private sea.
  (t) => [
    index('customers_owner_idx').on(t.ownerId),
    index('customers_name_idx').on(t.name, t.id),
    index('customers_last_follow_up_idx').on(t.lastFollowUpAt, t.id),
    index('customers_updated_idx').on(t.updatedAt, t.id),
    index('customers_created_idx').on(t.createdAt, t.id),
    index('customers_industry_idx').on(t.industry, t.id),
    index('customers_region_idx').on(t.region, t.id),
    index('customers_level_idx').on(t.level, t.id),
    index('customers_status_idx').on(t.status, t.id),
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
    // No foreign keys to contacts or users: those rows may arrive later than the follow-up or leave scope.
    contactId: text('contact_id'),
    authorId: text('author_id').notNull(),
    type: text('type', { enum: ['visit', 'call', 'wechat', 'email', 'meeting', 'other'] }).notNull(),
    content: text('content').notNull(),
    outcome: text('outcome'),
    occurredAt: integer('occurred_at').notNull(),
    nextFollowUpAt: integer('next_follow_up_at'),
    createdAt: integer('created_at').notNull(),
    updatedAt: integer('updated_at').notNull(),
    version: integer('version').notNull(),
  },
  // The customer's timeline: newest first.
  (t) => [index('follow_ups_timeline_idx').on(t.customerId, t.occurredAt, t.id)],
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
 * Device bookkeeping by key: client_id, cursor (the committed one), last_sync_at, user_id, pull_round
 * (the cursor and progress of a paged pull under way, so an interrupted first sync resumes).
 */
export const meta = sqliteTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});
