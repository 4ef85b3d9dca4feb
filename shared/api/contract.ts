import { z } from 'zod';
import { appErrorSchema } from '../errors';
import {
  contactRowSchema,
  customerRowSchema,
  CUSTOMER_LEVELS,
  CUSTOMER_STATUSES,
  followUpRowSchema,
} from '../domain/rows';
import { createCustomerArgs, logFollowUpInput, updateCustomerArgs } from '../mutations';
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
  /** Progress of a first sync: rows received so far (null when not in a first sync). */
  initialProgress: z.object({ received: z.int(), pages: z.int() }).nullable(),
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
