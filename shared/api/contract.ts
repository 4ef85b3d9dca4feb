import { z } from 'zod';
import { appErrorSchema } from '../errors';
import {
  contactRowSchema,
  customerRowSchema,
  CUSTOMER_LEVELS,
  CUSTOMER_STATUSES,
  followUpRowSchema,
  LEAD_STATUSES,
  OPPORTUNITY_STATUSES,
  opportunityRowSchema,
  ownershipEventRowSchema,
  stageChangeRowSchema,
  taskRowSchema,
} from '../domain/rows';
import { settingsRowSchema } from '../domain/settings';
import { duplicateMatchSchema } from '../domain/uniqueness';
import {
  addContactInput,
  cancelTaskArgs,
  claimCustomerArgs,
  convertLeadInput,
  createCustomerArgs,
  createLeadInput,
  createOpportunityInput,
  createTaskInput,
  deleteFollowUpArgs,
  logFollowUpInput,
  moveOpportunityStageInput,
  transferCustomerArgs,
  releaseCustomerArgs,
  assignCustomerArgs,
  lockCustomerArgs,
  updateCustomerArgs,
  updateFollowUpArgs,
  updateOpportunityArgs,
  updateContactArgs,
  updateSettingsArgs,
} from '../mutations';
import { sessionUserSchema } from '../sync/protocol';
import {
  attrFilterSchema,
  catalogRowSchema,
  createTemplateRequest,
  createTemplateResponse,
  adminOkResponse,
  defKeySchema,
  listTemplatesResponse,
  MAX_ATTR_FILTERS,
  publishTemplateResponse,
  saveFieldRequest,
  saveOptionListRequest,
  saveTemplateRequest,
  templateVersionRowSchema,
} from '../templates';
import {
  poolRowSchema,
  publicSeaPage,
  publicSeaQuery,
  recycleRunRequest,
  recycleRunResponse,
  savePoolRequest,
  savePoolResponse,
} from '../pools/schema';
import { RECYCLE_RULE_KINDS } from '../pools/rules';

/**
 * The one contract between the renderer and the client core (STYLE §4). Electron serves it over IPC
 * through `handle()`, the Node host over HTTP on loopback; both validate `input` with these schemas
 * before a handler runs, so a handler only ever sees parsed values.
 */

export const syncStatusSchema = z.object({
  /** The last request to the server succeeded. */
  online: z.boolean(),
  syncing: z.boolean(),
  /** Mutations written on this device and not yet acknowledged by the server. */
  pending: z.int().nonnegative(),
  /** Refused mutations waiting in the inbox for the user to act. */
  rejected: z.int().nonnegative(),
  lastSyncAt: z.int().nullable(),
  /** Why the last attempt failed, if it did. */
  lastError: appErrorSchema.nullable(),
  /** When the agent will try again after a failure (epoch ms). */
  nextRetryAt: z.int().nullable(),
  /** Conflicts waiting in the inbox for the user to decide. */
  conflicts: z.int().nonnegative().default(0),
  /**
   * Progress of a first sync: rows received so far, and the total when the server announced it (null
   * when not in a first sync).
   */
  initialProgress: z
    .object({ received: z.int(), pages: z.int(), total: z.int().nullable().default(null) })
    .nullable(),
});
export type SyncStatus = z.infer<typeof syncStatusSchema>;

export const sessionInfoSchema = z.object({ user: sessionUserSchema, serverUrl: z.string() });
export type SessionInfo = z.infer<typeof sessionInfoSchema>;

export const CUSTOMER_SORT_COLUMNS = [
  'name',
  'industry',
  'region',
  'level',
  'status',
  'lastFollowUpAt',
  'updatedAt',
  'createdAt',
] as const;
export type CustomerSortColumn = (typeof CUSTOMER_SORT_COLUMNS)[number];

/**
 * When a private customer goes back to the public sea by its pool's rules (docs/pools.md), computed on
 * the device from the synced rules and the customer's facts, so a follow-up resets it at once, offline.
 */
export const recycleCountdownSchema = z.object({
  dueAt: z.int(),
  /** From when the owner is warned (the countdown turns amber); null: the pool does not warn. */
  warnAt: z.int().nullable(),
  rule: z.enum(RECYCLE_RULE_KINDS),
});
export type RecycleCountdown = z.infer<typeof recycleCountdownSchema>;

export const customerListItemSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  shortName: z.string().nullable(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  phone: z.string().nullable(),
  level: z.enum(CUSTOMER_LEVELS).nullable(),
  status: z.enum(CUSTOMER_STATUSES),
  ownerId: z.uuid().nullable(),
  ownerName: z.string().nullable(),
  lastFollowUpAt: z.int().nullable(),
  updatedAt: z.int(),
  /** Open tasks of this customer due before the end of today (the list's "due" marker). */
  dueTasks: z.int().nonnegative().default(0),
  /** The template fields the list asked for (`attrColumns`), by key; absent keys have no value. */
  attrs: z.record(z.string(), z.unknown()).default({}),
  /** Locked by a manager (exempt from recycling). */
  locked: z.boolean().default(false),
  /** Null: no rule can recycle it (exempt, locked, or no rules). */
  recycle: recycleCountdownSchema.nullable().default(null),
});
export type CustomerListItem = z.infer<typeof customerListItemSchema>;

/** Written on this device and not yet acknowledged by the server. */
const pending = z.boolean();

export const followUpItemSchema = followUpRowSchema.extend({
  authorName: z.string().nullable(),
  pending,
  /** Until when the current user may edit or delete it (null: never, they are not its author). */
  editableUntil: z.int().nullable().default(null),
  /** The customer's name (in feeds that mix customers). */
  customerName: z.string().nullable().default(null),
  opportunityName: z.string().nullable().default(null),
});
export type FollowUpItem = z.infer<typeof followUpItemSchema>;

export const opportunityItemSchema = opportunityRowSchema.extend({
  customerName: z.string(),
  ownerName: z.string().nullable(),
  pending,
});
export type OpportunityItem = z.infer<typeof opportunityItemSchema>;

export const stageChangeItemSchema = stageChangeRowSchema.extend({
  changedByName: z.string().nullable(),
  pending,
});
export type StageChangeItem = z.infer<typeof stageChangeItemSchema>;

export const taskItemSchema = taskRowSchema.extend({
  customerName: z.string(),
  /** `lead` when the task is on a lead (it opens the lead, not a customer). */
  customerKind: z.enum(['customer', 'lead']),
  assigneeName: z.string().nullable(),
  pending,
});
export type TaskItem = z.infer<typeof taskItemSchema>;

export const ownershipItemSchema = ownershipEventRowSchema.extend({
  fromOwnerName: z.string().nullable(),
  toOwnerName: z.string().nullable(),
  actorName: z.string().nullable(),
});
export type OwnershipItem = z.infer<typeof ownershipItemSchema>;

export const leadListItemSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  contactName: z.string().nullable(),
  phone: z.string().nullable(),
  source: z.string().nullable(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  leadStatus: z.enum(LEAD_STATUSES),
  ownerName: z.string().nullable(),
  lastFollowUpAt: z.int().nullable(),
  createdAt: z.int(),
  convertedAt: z.int().nullable(),
  /** As on customers: a manager's lock, and when the lead pool's rules send it back. */
  locked: z.boolean().default(false),
  recycle: recycleCountdownSchema.nullable().default(null),
});
export type LeadListItem = z.infer<typeof leadListItemSchema>;

/** A customer that came into my private sea lately (transfer, claim, assignment): Today shows it. */
export const assignedItemSchema = z.object({
  customerId: z.uuid(),
  customerName: z.string(),
  at: z.int(),
  reason: z.string().nullable(),
  fromOwnerName: z.string().nullable(),
  actorType: z.enum(['user', 'rule', 'event']),
  /** Who moved it, when a person did (a manager's transfer); null for rules and events. */
  actorName: z.string().nullable().default(null),
});
export type AssignedItem = z.infer<typeof assignedItemSchema>;

export const todaySchema = z.object({
  /** The device clock the lists were cut with; days are the device’s local calendar days. */
  now: z.int(),
  overdue: z.array(taskItemSchema),
  dueToday: z.array(taskItemSchema),
  /** Open tasks due in the next 7 days after today (planned visits among them). */
  upcoming: z.array(taskItemSchema),
  recentlyAssigned: z.array(assignedItemSchema),
  /** My customers inside their pool's warning window, soonest first. */
  recycling: z
    .array(
      z.object({
        customerId: z.uuid(),
        customerName: z.string(),
        customerKind: z.enum(['customer', 'lead']),
        dueAt: z.int(),
        rule: z.enum(RECYCLE_RULE_KINDS),
      }),
    )
    .default([]),
  stats: z.object({
    openOpportunities: z.int().nonnegative(),
    /** Open pipeline by currency, weighted by stage probability, in minor units. */
    weightedPipeline: z.array(z.object({ currency: z.string(), amountMinor: z.int() })),
    followUpsThisWeek: z.int().nonnegative(),
  }),
});
export type Today = z.infer<typeof todaySchema>;

/**
 * One entry of the conflicts-and-rejections inbox (SPEC §9 Sync). A rejection is a whole mutation the
 * server refused (with the user's values in `args`); a conflict is one field of an edit that lost.
 */
export const inboxItemSchema = z.object({
  id: z.string(),
  kind: z.enum(['conflict', 'rejection']),
  mutationName: z.string(),
  /** The record concerned: table, id and a label to show ("上海恒瑞精密机械有限公司"). */
  table: z.string().nullable(),
  rowId: z.string().nullable(),
  rowLabel: z.string().nullable(),
  field: z.string().nullable(),
  mine: z.unknown(),
  theirs: z.unknown(),
  args: z.unknown(),
  reason: appErrorSchema,
  at: z.int(),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

/**
 * `claim`: for a create refused as a duplicate of a public-sea customer (reason params `holder: public`,
 * `customerId`): queue a claim of that customer instead, and drop the entry.
 */
/**
 * `claimAndReapply`: for an edit refused because its customer went back to the public sea meanwhile
 * (recycled or moved while the rep was offline): queue a claim of it, then the refused edit again.
 */
export const INBOX_ACTIONS = ['applyMine', 'keepTheirs', 'discard', 'claim', 'claimAndReapply'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

export const userItemSchema = z.object({
  id: z.uuid(),
  displayName: z.string(),
  role: z.enum(['rep', 'manager', 'admin']),
  teamId: z.uuid().nullable(),
  active: z.boolean(),
});
export type UserItem = z.infer<typeof userItemSchema>;

/**
 * Something that happened to my private sea while I was away, shown once (a banner in the shell and on
 * Today): a customer recycled to the public sea by a rule or moved away by a manager, or one assigned to
 * me (a manager's assignment, an activity event's reactivation). Recorded by the client core as the pull
 * applies the move.
 */
export const NOTICE_KINDS = ['recycledAway', 'movedAway', 'assignedIn'] as const;
export const noticeItemSchema = z.object({
  id: z.string(),
  kind: z.enum(NOTICE_KINDS),
  customerId: z.uuid(),
  customerName: z.string(),
  customerKind: z.enum(['customer', 'lead']),
  at: z.int(),
  reason: z.string().nullable(),
  actorType: z.enum(['user', 'rule', 'event']).nullable(),
});
export type NoticeItem = z.infer<typeof noticeItemSchema>;

const idInput = z.object({ id: z.uuid() });
const empty = z.object({}).strict();

export const apiContract = {
  'session.get': { input: empty, output: sessionInfoSchema.nullable() },
  'session.login': {
    input: z.object({
      serverUrl: z.url({
        protocol: /^https?$/,
        message: 'Server address must start with http:// or https://',
      }),
      username: z.string().trim().min(1, { message: 'Required' }).max(100),
      password: z.string().min(1, { message: 'Required' }).max(200),
    }),
    output: sessionInfoSchema,
  },
  'session.logout': { input: empty, output: z.object({ ok: z.literal(true) }) },
  'customers.list': {
    input: z.object({
      offset: z.int().nonnegative(),
      limit: z.int().positive().max(500),
      sort: z.object({ column: z.enum(CUSTOMER_SORT_COLUMNS), desc: z.boolean() }),
      query: z.string().trim().max(100).optional(),
      /** A manager's view of one rep's customers. */
      ownerId: z.uuid().optional(),
      /** Filters over template fields, all of which must match (docs/templates.md "Storage"). */
      attrFilters: z.array(attrFilterSchema).max(MAX_ATTR_FILTERS).optional(),
      /** Template fields to return in each row's `attrs` (the table's dynamic columns). */
      attrColumns: z.array(defKeySchema).max(30).optional(),
    }),
    output: z.object({ rows: z.array(customerListItemSchema), total: z.int().nonnegative() }),
  },
  'customers.get': {
    input: idInput,
    output: z.object({
      customer: customerRowSchema.extend({ ownerName: z.string().nullable() }),
      contacts: z.array(contactRowSchema),
      followUps: z.array(followUpItemSchema),
      opportunities: z.array(opportunityItemSchema),
      stageChanges: z.array(stageChangeItemSchema),
      tasks: z.array(taskItemSchema),
      ownership: z.array(ownershipItemSchema),
      /** The recycle countdown (null: none applies). */
      recycle: recycleCountdownSchema.nullable().default(null),
    }),
  },
  /**
   * Uniqueness at capture: what this device holds (always) and, when online, the server's verdict with
   * the holder named. `checkedOnline` false means only local data was checked.
   */
  'customers.checkDuplicate': {
    input: z.object({
      name: z.string().max(200).optional(),
      creditCode: z.string().max(40).optional(),
      phone: z.string().max(40).optional(),
      /** The record being edited, which never collides with itself. */
      excludeId: z.uuid().optional(),
    }),
    output: z.object({ matches: z.array(duplicateMatchSchema), checkedOnline: z.boolean() }),
  },
  /** Queues a claim from the public sea (a server operation: the pull brings the customer or the refusal). */
  'customers.claim': { input: claimCustomerArgs, output: z.object({ ok: z.literal(true) }) },
  'leads.list': {
    input: z.object({
      offset: z.int().nonnegative(),
      limit: z.int().positive().max(500),
      query: z.string().trim().max(100).optional(),
      /** Default: every lead not yet converted. */
      status: z.enum([...LEAD_STATUSES, 'all', 'open']).default('open'),
    }),
    output: z.object({ rows: z.array(leadListItemSchema), total: z.int().nonnegative() }),
  },
  'leads.create': { input: createLeadInput, output: idInput },
  'leads.convert': {
    input: convertLeadInput,
    output: z.object({ id: z.uuid(), opportunityId: z.uuid().nullable() }),
  },
  'opportunities.list': {
    input: z.object({
      status: z.enum([...OPPORTUNITY_STATUSES, 'all']).default('open'),
      ownerId: z.uuid().optional(),
      query: z.string().trim().max(100).optional(),
    }),
    output: z.array(opportunityItemSchema),
  },
  'opportunities.create': { input: createOpportunityInput, output: idInput },
  'opportunities.update': { input: updateOpportunityArgs, output: idInput },
  'opportunities.moveStage': { input: moveOpportunityStageInput, output: idInput },
  'followUps.update': { input: updateFollowUpArgs, output: idInput },
  'followUps.delete': { input: deleteFollowUpArgs, output: z.object({ ok: z.literal(true) }) },
  /** Recent follow-ups of the user's scope, newest first: a manager's view of the team's work. */
  'followUps.feed': {
    input: z.object({
      offset: z.int().nonnegative(),
      limit: z.int().positive().max(500),
      authorId: z.uuid().optional(),
    }),
    output: z.object({ rows: z.array(followUpItemSchema), total: z.int().nonnegative() }),
  },
  'tasks.create': { input: createTaskInput, output: idInput },
  'tasks.cancel': { input: cancelTaskArgs, output: z.object({ ok: z.literal(true) }) },
  'today.get': { input: empty, output: todaySchema },
  'settings.get': { input: empty, output: settingsRowSchema },
  'settings.update': { input: updateSettingsArgs, output: z.object({ ok: z.literal(true) }) },
  'customers.create': { input: createCustomerArgs.omit({ id: true }), output: idInput },
  'customers.update': { input: updateCustomerArgs, output: idInput },
  'followUps.log': { input: logFollowUpInput, output: idInput },
  'contacts.add': { input: addContactInput, output: idInput },
  'customers.transfer': { input: transferCustomerArgs, output: z.object({ id: z.uuid() }) },
  'users.list': { input: empty, output: z.array(userItemSchema) },
  'inbox.list': { input: empty, output: z.array(inboxItemSchema) },
  /**
   * applyMine: re-issue the user's value as a new mutation (based on what the server now has);
   * keepTheirs / discard: drop the entry, the server's value stands.
   */
  'inbox.resolve': {
    input: z.object({ id: z.string().min(1).max(100), action: z.enum(INBOX_ACTIONS) }),
    output: z.object({ ok: z.literal(true) }),
  },
  'contacts.update': { input: updateContactArgs, output: idInput },
  /**
   * What forms render with, offline: the org's catalog (option lists, field library) and the newest
   * published version of each template (docs/templates.md). `catalog` is null before the first sync.
   */
  'templates.definitions': {
    input: empty,
    output: z.object({ catalog: catalogRowSchema.nullable(), versions: z.array(templateVersionRowSchema) }),
  },
  /**
   * The designer (admins, online): server operations forwarded by the client core to `/admin/...`.
   * Offline they fail with `offline`; after success the core pulls so the device holds the result.
   */
  'admin.templates.list': { input: empty, output: listTemplatesResponse },
  'admin.templates.create': { input: createTemplateRequest, output: createTemplateResponse },
  'admin.templates.save': { input: saveTemplateRequest.extend({ id: z.uuid() }), output: adminOkResponse },
  'admin.templates.publish': { input: idInput, output: publishTemplateResponse },
  'admin.optionLists.save': { input: saveOptionListRequest, output: adminOkResponse },
  'admin.fields.save': { input: saveFieldRequest, output: adminOkResponse },
  /** The public sea (docs/pools.md): release, lock and a manager's assignment are mutations. */
  'customers.release': { input: releaseCustomerArgs, output: z.object({ ok: z.literal(true) }) },
  'customers.lock': { input: lockCustomerArgs, output: z.object({ ok: z.literal(true) }) },
  'customers.assign': { input: assignCustomerArgs, output: z.object({ ok: z.literal(true) }) },
  /** Browse the public sea (online only: forwarded to the server; offline fails with `offline`). */
  'publicSea.list': { input: publicSeaQuery, output: publicSeaPage },
  /** The org's pools as synced (rules included), for release targets, countdowns and the admin screen. */
  'pools.list': { input: empty, output: z.array(poolRowSchema) },
  'admin.pools.save': { input: savePoolRequest, output: savePoolResponse },
  /** The recycle job for one pool or all: a dry run previews what it would do now. */
  'admin.pools.run': { input: recycleRunRequest, output: recycleRunResponse },
  'notices.list': { input: empty, output: z.array(noticeItemSchema) },
  'notices.dismiss': {
    input: z.object({ ids: z.array(z.string().min(1).max(100)).max(500) }),
    output: z.object({ ok: z.literal(true) }),
  },
  'sync.status': { input: empty, output: syncStatusSchema },
  'sync.now': { input: empty, output: syncStatusSchema },
} as const;

export type ApiContract = typeof apiContract;
export type Channel = keyof ApiContract;
export type ApiInput<C extends Channel> = z.input<ApiContract[C]['input']>;
export type ApiParsedInput<C extends Channel> = z.infer<ApiContract[C]['input']>;
export type ApiOutput<C extends Channel> = z.infer<ApiContract[C]['output']>;

/** The envelope both transports use, so an error keeps its code and field across IPC and HTTP. */
export type ApiResult<T> = { ok: true; data: T } | { ok: false; error: z.infer<typeof appErrorSchema> };

/** Pushed from the core to the renderer (IPC `api:event`, or the host's server-sent events). */
export type ApiEvent =
  { type: 'sync.status'; status: SyncStatus } | { type: 'data.changed'; tables: string[] };

/** A handler per channel, taking parsed input: what the client core implements. */
export type ApiHandlers = {
  [C in Channel]: (input: ApiParsedInput<C>) => Promise<ApiOutput<C>> | ApiOutput<C>;
};
