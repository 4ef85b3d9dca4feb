import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
  type AnyPgColumn,
} from 'drizzle-orm/pg-core';

/**
 * The sync server's tables (docs/server.md). Synced tables (users, settings, catalogs, template versions,
 * customers and the tables of a customer's children) hold exactly the wire columns of
 * shared/domain/rows.ts in snake_case, plus what only the server needs: `deleted_at` tombstones (a pull
 * turns them into `del`) and `name_norm` / `phone_norm` for per-org uniqueness. `ownership_history` is
 * the wire table `ownershipEvents`. `templates` (drafts) is the server's own: devices never see drafts.
 * Timestamps are bigint epoch milliseconds, like the wire; `version` is the org version counter value of
 * the transaction that last wrote the row.
 */

/** Epoch milliseconds, read as a JS number (safe until year 287396). */
const ms = (name: string) => bigint(name, { mode: 'number' });

/** A tenant. `version` is the org-wide counter every write transaction bumps once (global-version sync). */
export const orgs = pgTable('orgs', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  version: ms('version').notNull().default(0),
  createdAt: ms('created_at').notNull(),
});

/** Sales teams as a tree: a manager's scope is their team and every team below it. */
export const teams = pgTable(
  'teams',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    parentId: uuid('parent_id').references((): AnyPgColumn => teams.id),
    name: text('name').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [index('teams_org_idx').on(t.orgId), index('teams_parent_idx').on(t.parentId)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    teamId: uuid('team_id').references(() => teams.id),
    username: text('username').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').notNull(),
    /** scrypt$N$r$p$salt$hash (server/src/auth/passwords.ts). */
    passwordHash: text('password_hash').notNull(),
    active: boolean('active').notNull().default(true),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
  },
  (t) => [
    uniqueIndex('users_username_uq').on(t.username),
    index('users_org_version_idx').on(t.orgId, t.version),
    index('users_team_idx').on(t.teamId),
    check('users_role_ck', sql`${t.role} in ('rep', 'manager', 'admin')`),
  ],
);

/** A logged-in device. Only the sha256 of the bearer token is stored, so a leaked table grants nothing. */
export const deviceSessions = pgTable(
  'device_sessions',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    tokenHash: text('token_hash').notNull(),
    deviceName: text('device_name'),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    revokedAt: ms('revoked_at'),
    lastSeenAt: ms('last_seen_at').notNull(),
  },
  (t) => [
    uniqueIndex('device_sessions_token_uq').on(t.tokenHash),
    index('device_sessions_user_idx').on(t.userId),
  ],
);

/**
 * One row per device database (Replicache's client): the last mutation id processed, updated in the same
 * transaction as the mutation's effects, which is what makes every mutation apply at most once.
 */
export const syncClients = pgTable(
  'sync_clients',
  {
    clientId: uuid('client_id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    lastMutationId: integer('last_mutation_id').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('sync_clients_user_idx').on(t.userId)],
);

/** Mutations the server refused for good, with the user's values, delivered to the device by pull. */
export const mutationRejections = pgTable(
  'mutation_rejections',
  {
    clientId: uuid('client_id')
      .notNull()
      .references(() => syncClients.clientId),
    mutationId: integer('mutation_id').notNull(),
    name: text('name').notNull(),
    args: jsonb('args'),
    error: jsonb('error').notNull(),
    createdAt: ms('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.mutationId] })],
);

/**
 * The losing side of a same-field concurrent edit (SPEC §5.6), one row per field: written in the push
 * transaction instead of the edit, delivered by pull to the author's device (like a rejection) with the
 * value the author had seen (`base`), wanted (`mine`) and the one that stands (`theirs`).
 */
export const syncConflicts = pgTable(
  'sync_conflicts',
  {
    clientId: uuid('client_id')
      .notNull()
      .references(() => syncClients.clientId),
    mutationId: integer('mutation_id').notNull(),
    field: text('field').notNull(),
    name: text('name').notNull(),
    tableName: text('table_name').notNull(),
    rowId: uuid('row_id').notNull(),
    base: jsonb('base'),
    mine: jsonb('mine'),
    theirs: jsonb('theirs'),
    at: ms('at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.clientId, t.mutationId, t.field] })],
);

export const customers = pgTable(
  'customers',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    /** normalizeCompanyName(name): unique per org among live customers of kind `customer` (SPEC §6). */
    nameNorm: text('name_norm').notNull(),
    shortName: text('short_name'),
    creditCode: text('credit_code'),
    industry: text('industry'),
    region: text('region'),
    address: text('address'),
    phone: text('phone'),
    /**
     * normalizePhone(phone), unique like the name. Null when there is no phone, and for customers that
     * shared a phone before phone uniqueness existed (migration 0003 keeps the first holder's only).
     */
    phoneNorm: text('phone_norm'),
    website: text('website'),
    source: text('source'),
    status: text('status').notNull(),
    level: text('level'),
    ownerId: uuid('owner_id').references(() => users.id),
    poolState: text('pool_state').notNull(),
    claimedAt: ms('claimed_at'),
    lastFollowUpAt: ms('last_follow_up_at'),
    lastDealAt: ms('last_deal_at'),
    /** `lead` rows are unverified prospects (SPEC §2): not unique, converted in place into `customer`. */
    kind: text('kind').notNull().default('customer'),
    leadStatus: text('lead_status'),
    convertedAt: ms('converted_at'),
    /** Business attributes (docs/templates.md): field key → value, judged by `template_version_id`. */
    attrs: jsonb('attrs').notNull().default({}),
    /**
     * The published template version the record was last saved with. No foreign key: the check would
     * take a key-share lock on the one immutable version row that every write of the org names, and buys
     * nothing — the mutator has just read that version, and versions are never deleted.
     */
    templateVersionId: uuid('template_version_id'),
    /**
     * The public sea (docs/pools.md, protocol 5): the pool a public customer is in (or a private one
     * returns to); a manager's lock; when it last entered a pool; who owned it before; when its status
     * became `deregistered`. No foreign key on pool_id: pools are never deleted (only deactivated).
     */
    poolId: uuid('pool_id'),
    locked: boolean('locked').notNull().default(false),
    enteredPoolAt: ms('entered_pool_at'),
    previousOwnerId: uuid('previous_owner_id'),
    deregisteredAt: ms('deregistered_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [
    index('customers_org_version_idx').on(t.orgId, t.version),
    // The public sea as reps browse it: newest pool entries first, keyset-paged by (entered_pool_at, id).
    index('customers_public_sea_idx')
      .on(t.orgId, t.kind, t.enteredPoolAt, t.id)
      .where(sql`${t.poolState} = 'public' and ${t.deletedAt} is null`),
    index('customers_org_owner_idx').on(t.orgId, t.ownerId),
    // A rep's private sea as the claim limits and the event assignment count it (by kind; `notBought`
    // reads last_deal_at), answered from the index alone (docs/pools.md "Claims", "Reactivation").
    // customers_private_owner_idx (org_id, owner_id, kind) INCLUDE (last_deal_at) WHERE private and live:
    // written by hand in migration 0006, as drizzle cannot declare INCLUDE columns.
    // Template-field filters and checks over the whole org (docs/templates.md "Storage that searches →
    // server"): containment `attrs @> '{"size":"large"}'` — equality, "in" as an OR of containments,
    // multi-select membership, the option-usage count and the unique-field check all take this form.
    // jsonb_path_ops indexes only containment, at a fraction of the default operator class's size.
    index('customers_attrs_gin_idx').using('gin', sql`${t.attrs} jsonb_path_ops`),
    // Uniqueness at capture (SPEC §6) among live customers; leads may share names and phones (two reps
    // meet one company at a fair) until one of them is converted. server/src/sync/duplicates.ts names
    // the holder when one of these refuses a write.
    uniqueIndex('customers_org_name_uq')
      .on(t.orgId, t.nameNorm)
      .where(sql`${t.deletedAt} is null and ${t.kind} = 'customer'`),
    uniqueIndex('customers_org_credit_code_uq')
      .on(t.orgId, t.creditCode)
      .where(sql`${t.deletedAt} is null and ${t.kind} = 'customer' and ${t.creditCode} is not null`),
    uniqueIndex('customers_org_phone_uq')
      .on(t.orgId, t.phoneNorm)
      .where(sql`${t.deletedAt} is null and ${t.kind} = 'customer' and ${t.phoneNorm} is not null`),
    check('customers_kind_ck', sql`${t.kind} in ('customer', 'lead')`),
    check(
      'customers_lead_status_ck',
      sql`${t.leadStatus} is null or ${t.leadStatus} in ('new', 'contacted', 'qualified', 'disqualified', 'converted')`,
    ),
    check('customers_status_ck', sql`${t.status} in ('active', 'dormant', 'deregistered')`),
    check('customers_level_ck', sql`${t.level} is null or ${t.level} in ('A', 'B', 'C', 'D')`),
    check('customers_pool_state_ck', sql`${t.poolState} in ('private', 'public')`),
    check('customers_private_has_owner_ck', sql`${t.poolState} = 'public' or ${t.ownerId} is not null`),
  ],
);

export const contacts = pgTable(
  'contacts',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    name: text('name').notNull(),
    title: text('title'),
    phone: text('phone'),
    email: text('email'),
    wechat: text('wechat'),
    isPrimary: boolean('is_primary').notNull().default(false),
    /** Business attributes and the template version they were saved with (docs/templates.md). */
    attrs: jsonb('attrs').notNull().default({}),
    templateVersionId: uuid('template_version_id'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [
    index('contacts_org_version_idx').on(t.orgId, t.version),
    index('contacts_customer_idx').on(t.customerId),
    // A full pull pages a customer's live contacts in (customer_id, id) order (server/src/sync/pull.ts).
    index('contacts_customer_id_live_idx')
      .on(t.customerId, t.id)
      .where(sql`${t.deletedAt} is null`),
  ],
);

export const followUps = pgTable(
  'follow_ups',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    contactId: uuid('contact_id').references(() => contacts.id),
    opportunityId: uuid('opportunity_id').references((): AnyPgColumn => opportunities.id),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id),
    type: text('type').notNull(),
    content: text('content').notNull(),
    outcome: text('outcome'),
    occurredAt: ms('occurred_at').notNull(),
    nextFollowUpAt: ms('next_follow_up_at'),
    /** Business attributes and the template version they were saved with (docs/templates.md). */
    attrs: jsonb('attrs').notNull().default({}),
    templateVersionId: uuid('template_version_id'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [
    index('follow_ups_org_version_idx').on(t.orgId, t.version),
    index('follow_ups_customer_idx').on(t.customerId, t.occurredAt),
    // A full pull pages a customer's live follow-ups in (customer_id, id) order (server/src/sync/pull.ts).
    index('follow_ups_customer_id_live_idx')
      .on(t.customerId, t.id)
      .where(sql`${t.deletedAt} is null`),
    // No check on `type`: it is a key of the org's own list (settings.follow_up_types), which the
    // mutators validate; a database check would freeze the list.
  ],
);

/**
 * Every change of a customer's owner or pool state (SPEC §2), with who or what did it. Pull reads the
 * entries newer than a cursor to know which customers left or entered a user's scope: leaving becomes
 * `del` of the customer and its children, entering a `put` of the customer with all its children.
 */
export const ownershipHistory = pgTable(
  'ownership_history',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    fromOwnerId: uuid('from_owner_id').references(() => users.id),
    toOwnerId: uuid('to_owner_id').references(() => users.id),
    fromPoolState: text('from_pool_state'),
    toPoolState: text('to_pool_state').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: uuid('actor_id'),
    reason: text('reason'),
    /** Protocol 5: create, claim, release, transfer, assign, recycle, reactivate (null on older rows). */
    action: text('action'),
    /** Protocol 5: the pool involved (the one released or recycled into, or claimed from). */
    poolId: uuid('pool_id'),
    at: ms('at').notNull(),
    version: ms('version').notNull(),
  },
  (t) => [
    index('ownership_history_org_version_idx').on(t.orgId, t.version),
    // Claims per rep per day (the claim rules count them).
    index('ownership_history_claims_idx')
      .on(t.toOwnerId, t.at)
      .where(sql`${t.action} = 'claim'`),
    index('ownership_history_customer_idx').on(t.customerId, t.at),
    // Synced as `ownershipEvents`: a full pull pages a customer's history by (customer_id, id).
    index('ownership_history_customer_id_idx').on(t.customerId, t.id),
    check('ownership_history_actor_type_ck', sql`${t.actorType} in ('user', 'rule', 'event')`),
  ],
);

/**
 * An org's managed lists and knobs (shared/domain/settings.ts): one row per org whose id IS the org id,
 * so a mutator reads it by id without knowing anything else. Synced to every device of the org. Pushes
 * read it without a row lock (docs/server.md "Config rows"): locking it would serialise every push of the
 * org on it.
 */
export const settings = pgTable(
  'settings',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    stages: jsonb('stages').notNull(),
    followUpTypes: jsonb('follow_up_types').notNull(),
    lostReasons: jsonb('lost_reasons').notNull(),
    followUpEditWindowHours: integer('follow_up_edit_window_hours').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
  },
  (t) => [check('settings_id_is_org_ck', sql`${t.id} = ${t.orgId}`)],
);

/**
 * The indexes every table of a customer's children needs: the pull's incremental scan by version, and a
 * full round's keyset over the customer's live rows by (customer_id, id) (server/src/sync/pull.ts).
 */
function childIndexes(
  name: string,
  t: {
    orgId: AnyPgColumn;
    version: AnyPgColumn;
    customerId: AnyPgColumn;
    id: AnyPgColumn;
    deletedAt: AnyPgColumn;
  },
) {
  return [
    index(`${name}_org_version_idx`).on(t.orgId, t.version),
    index(`${name}_customer_id_live_idx`)
      .on(t.customerId, t.id)
      .where(sql`${t.deletedAt} is null`),
  ];
}

/** Opportunities (商机, SPEC §2). `owner_id` follows the customer when it moves while open. */
export const opportunities = pgTable(
  'opportunities',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id),
    name: text('name').notNull(),
    /** Integer minor units (分/cents): sums are exact. */
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    currency: text('currency').notNull(),
    /** A key of settings.stages. */
    stageKey: text('stage_key').notNull(),
    status: text('status').notNull(),
    expectedCloseAt: ms('expected_close_at'),
    lostReason: text('lost_reason'),
    closedAt: ms('closed_at'),
    /** Business attributes and the template version they were saved with (docs/templates.md). */
    attrs: jsonb('attrs').notNull().default({}),
    templateVersionId: uuid('template_version_id'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [
    ...childIndexes('opportunities', t),
    check('opportunities_status_ck', sql`${t.status} in ('open', 'won', 'lost')`),
    check('opportunities_amount_ck', sql`${t.amountMinor} >= 0`),
  ],
);

/** Every stage move of an opportunity, kept forever (pipeline history, win rates). */
export const stageChanges = pgTable(
  'stage_changes',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    opportunityId: uuid('opportunity_id')
      .notNull()
      .references(() => opportunities.id),
    fromStage: text('from_stage'),
    toStage: text('to_stage').notNull(),
    changedBy: uuid('changed_by')
      .notNull()
      .references(() => users.id),
    changedAt: ms('changed_at').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [...childIndexes('stage_changes', t)],
);

/** Planned follow-ups (SPEC §2 Task). Open ones follow the customer to its new owner on a move. */
export const tasks = pgTable(
  'tasks',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    assigneeId: uuid('assignee_id')
      .notNull()
      .references(() => users.id),
    title: text('title').notNull(),
    /** A follow-up type key (settings.follow_up_types). */
    type: text('type').notNull(),
    dueAt: ms('due_at').notNull(),
    origin: text('origin').notNull(),
    status: text('status').notNull(),
    sourceFollowUpId: uuid('source_follow_up_id').references(() => followUps.id),
    doneFollowUpId: uuid('done_follow_up_id').references(() => followUps.id),
    doneAt: ms('done_at'),
    createdBy: uuid('created_by')
      .notNull()
      .references(() => users.id),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
    deletedAt: ms('deleted_at'),
  },
  (t) => [
    ...childIndexes('tasks', t),
    check('tasks_status_ck', sql`${t.status} in ('open', 'done', 'cancelled')`),
    check(
      'tasks_origin_ck',
      sql`${t.origin} in ('manual', 'followUp', 'strategy', 'reactivation', 'recycleWarning')`,
    ),
    // The recycle job warns an owner once per due time (a rerun of the job adds nothing).
    uniqueIndex('tasks_recycle_warning_uq')
      .on(t.customerId, t.dueAt)
      .where(sql`${t.origin} = 'recycleWarning'`),
  ],
);

/**
 * Public pools (docs/pools.md), synced org-wide as `pools`. Rules are jsonb validated by
 * shared/pools/schema.ts on every write; `team_ids` / `admin_ids` are jsonb arrays of user/team ids.
 */
export const pools = pgTable(
  'pools',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    kind: text('kind').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    teamIds: jsonb('team_ids').notNull().default([]),
    adminIds: jsonb('admin_ids').notNull().default([]),
    isDefault: boolean('is_default').notNull().default(false),
    active: boolean('active').notNull().default(true),
    recycle: jsonb('recycle').notNull(),
    claim: jsonb('claim').notNull(),
    assign: text('assign').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
  },
  (t) => [
    index('pools_org_version_idx').on(t.orgId, t.version),
    uniqueIndex('pools_org_default_uq')
      .on(t.orgId, t.kind)
      .where(sql`${t.isDefault}`),
    check('pools_kind_ck', sql`${t.kind} in ('customer', 'lead')`),
  ],
);

/** API keys of other systems that send activity events (`POST /events`); only a hash is kept. */
export const orgApiKeys = pgTable(
  'org_api_keys',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    name: text('name').notNull(),
    /** sha256 of the key, hex. */
    keyHash: text('key_hash').notNull(),
    createdAt: ms('created_at').notNull(),
    revokedAt: ms('revoked_at'),
  },
  (t) => [uniqueIndex('org_api_keys_hash_uq').on(t.keyHash)],
);

/** Activity events received (reactivation), one per (org, event id): what makes `POST /events` idempotent. */
export const activityEvents = pgTable(
  'activity_events',
  {
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    eventId: text('event_id').notNull(),
    type: text('type').notNull(),
    outcome: text('outcome').notNull(),
    customerId: uuid('customer_id').notNull(),
    ownerId: uuid('owner_id'),
    taskId: uuid('task_id'),
    payload: jsonb('payload').notNull(),
    receivedAt: ms('received_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.eventId] })],
);

/**
 * An org's option lists and field library (shared/templates/schema.ts `catalogRowSchema`): one row per org
 * whose id IS the org id, like settings, so a mutator reads it by id. Synced to every device of the org;
 * written only by the admin API (server/src/admin/templates.ts) under a row lock, and read by pushes
 * without one (docs/server.md "Config rows").
 */
export const catalogs = pgTable(
  'catalogs',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    optionLists: jsonb('option_lists').notNull().default([]),
    fields: jsonb('fields').notNull().default([]),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
  },
  (t) => [check('catalogs_id_is_org_ck', sql`${t.id} = ${t.orgId}`)],
);

/**
 * Template drafts, as the designer edits them (server only: devices never see a draft). Publishing one
 * copies it into an immutable `template_versions` row. One template per (org, entity, category), the
 * default template of an entity having no category.
 */
export const templates = pgTable(
  'templates',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    entity: text('entity').notNull(),
    category: text('category'),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    /** `templateLayoutSchema`: {sections: [...]}. */
    layout: jsonb('layout').notNull(),
    /** The number of the last published version; null until the first publish. */
    publishedNumber: integer('published_number'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    // NULL categories would never collide in a plain unique index: coalesce makes "no category" one value.
    uniqueIndex('templates_org_entity_category_uq').on(t.orgId, t.entity, sql`coalesce(${t.category}, '')`),
    check(
      'templates_entity_ck',
      sql`${t.entity} in ('customer', 'contact', 'lead', 'opportunity', 'followUp')`,
    ),
  ],
);

/**
 * Published template versions (`templateVersionRowSchema`), synced to every device of the org. Immutable:
 * a record names the version its values were judged by, so a version never changes once inserted (a
 * trigger of migration 0004 refuses UPDATE and DELETE). `fields` is the snapshot of the library fields
 * the version places, as they were at publishing.
 */
export const templateVersions = pgTable(
  'template_versions',
  {
    id: uuid('id').primaryKey(),
    orgId: uuid('org_id')
      .notNull()
      .references(() => orgs.id),
    templateId: uuid('template_id')
      .notNull()
      .references(() => templates.id),
    entity: text('entity').notNull(),
    category: text('category'),
    number: integer('number').notNull(),
    nameZh: text('name_zh').notNull(),
    nameEn: text('name_en').notNull(),
    sections: jsonb('sections').notNull(),
    fields: jsonb('fields').notNull(),
    publishedAt: ms('published_at').notNull(),
    publishedBy: uuid('published_by')
      .notNull()
      .references(() => users.id),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
    version: ms('version').notNull(),
  },
  (t) => [
    uniqueIndex('template_versions_template_number_uq').on(t.templateId, t.number),
    index('template_versions_org_version_idx').on(t.orgId, t.version),
    check(
      'template_versions_entity_ck',
      sql`${t.entity} in ('customer', 'contact', 'lead', 'opportunity', 'followUp')`,
    ),
  ],
);
