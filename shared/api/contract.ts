import { z } from 'zod';
import { appErrorSchema } from '../errors';
import {
  contactRowSchema,
  customerRowSchema,
  CUSTOMER_LEVELS,
  CUSTOMER_STATUSES,
  followUpRowSchema,
} from '../domain/rows';
import {
  addContactInput,
  createCustomerArgs,
  logFollowUpInput,
  transferCustomerArgs,
  updateCustomerArgs,
} from '../mutations';
import { sessionUserSchema } from '../sync/protocol';

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

export const customerListItemSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  shortName: z.string().nullable(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  phone: z.string().nullable(),
  level: z.enum(CUSTOMER_LEVELS).nullable(),
  status: z.enum(CUSTOMER_STATUSES),
  ownerName: z.string().nullable(),
  lastFollowUpAt: z.int().nullable(),
  updatedAt: z.int(),
});
export type CustomerListItem = z.infer<typeof customerListItemSchema>;

export const followUpItemSchema = followUpRowSchema.extend({
  authorName: z.string().nullable(),
  /** Written on this device and not yet acknowledged by the server. */
  pending: z.boolean(),
});
export type FollowUpItem = z.infer<typeof followUpItemSchema>;

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

export const INBOX_ACTIONS = ['applyMine', 'keepTheirs', 'discard'] as const;
export type InboxAction = (typeof INBOX_ACTIONS)[number];

export const userItemSchema = z.object({
  id: z.uuid(),
  displayName: z.string(),
  role: z.enum(['rep', 'manager', 'admin']),
  teamId: z.uuid().nullable(),
  active: z.boolean(),
});
export type UserItem = z.infer<typeof userItemSchema>;

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
    }),
    output: z.object({ rows: z.array(customerListItemSchema), total: z.int().nonnegative() }),
  },
  'customers.get': {
    input: idInput,
    output: z.object({
      customer: customerRowSchema.extend({ ownerName: z.string().nullable() }),
      contacts: z.array(contactRowSchema),
      followUps: z.array(followUpItemSchema),
    }),
  },
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
