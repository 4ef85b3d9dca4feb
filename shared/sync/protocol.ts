import { z } from 'zod';
import { appErrorSchema } from '../errors';
import { SYNCED_TABLES } from '../domain/rows';
import { duplicateMatchSchema } from '../domain/uniqueness';

/**
 * The sync protocol's messages (docs/sync-protocol.md). Every request carries the client's schema
 * version; the server serves this version and the one before, and answers older ones with 426.
 */
/**
 * 2: `updateCustomer` carries `base` for field-level merge; pulls carry `conflicts` and `progress`.
 * A protocol-1 device still syncs: its edits apply without merge and it ignores the new fields.
 */
/**
 * 3: tables settings, opportunities, stageChanges, tasks, ownershipEvents; customers carry kind /
 * leadStatus / convertedAt, follow-ups opportunityId; the mutations of leads, opportunities, tasks,
 * follow-up edits, claims and settings. A protocol-2 device is sent only the tables it knows (it ignores
 * the new columns) and may push only the mutations it knew.
 */
/**
 * 4: tables catalogs and templateVersions (org-wide, read-only on devices); contacts, follow-ups and
 * opportunities carry `attrs`, and those and customers carry `templateVersionId`; mutations that write a
 * record take `attrs` + `templateVersionId` and are validated against that version; `updateContact`.
 * A protocol-3 device is sent only the tables it knows (it ignores the new columns) and may push only the
 * mutations it knew, without attrs. Protocol 2 is refused with 426 from here on.
 */
/**
 * 5: the public sea (docs/pools.md): table pools (org-wide, read-only on devices); customers carry
 * poolId / locked / enteredPoolAt / previousOwnerId / deregisteredAt, ownership history action / poolId;
 * mutations releaseCustomer, assignCustomer, lockCustomer; claims are held to the pool's claim rules. A
 * protocol-4 device is sent only the tables it knows and may push only the mutations it knew; protocol 3
 * is still served.
 */
export const PROTOCOL_VERSION = 5;
export const MIN_SUPPORTED_PROTOCOL_VERSION = 3;

/** Limits that keep one request from exhausting the server. */
export const MAX_MUTATIONS_PER_PUSH = 500;
/**
 * Rows per pull page a device may ask for. 20,000 since the session-6 servers (5,000 before): a big
 * book's first sync is then a few dozen pages instead of 140, each applied in one transaction while the
 * server prepares the next, and a commit rewrites the primary-key index pages it touched once per page
 * (docs/client.md, "First-sync speed"). A device asks for the most and, when an older server refuses
 * the limit, asks again with LEGACY_MAX_PULL_LIMIT.
 */
export const MAX_PULL_LIMIT = 20_000;
/** What servers before MAX_PULL_LIMIT = 20,000 accepted, and still do. */
export const LEGACY_MAX_PULL_LIMIT = 5000;

export const pushedMutationSchema = z.object({
  /** Per-client sequence number: 1, 2, 3, … without gaps. */
  id: z.int().positive(),
  name: z.string().min(1).max(64),
  args: z.unknown(),
  /** Device clock when the user acted (epoch ms); informative, never trusted for ordering. */
  createdAt: z.int().nonnegative(),
});
export type PushedMutation = z.infer<typeof pushedMutationSchema>;

export const pushRequestSchema = z.object({
  protocolVersion: z.int(),
  clientId: z.uuid(),
  mutations: z.array(pushedMutationSchema).min(1).max(MAX_MUTATIONS_PER_PUSH),
});
export type PushRequest = z.infer<typeof pushRequestSchema>;

/** A mutation the server refused for good: acknowledged (it never blocks the queue) but not applied. */
export const rejectionSchema = z.object({
  mutationId: z.int().positive(),
  name: z.string(),
  error: appErrorSchema,
});
export type Rejection = z.infer<typeof rejectionSchema>;

export const pushResponseSchema = z.object({
  /** Highest mutation id of this client that the server has processed (applied or rejected). */
  lastMutationId: z.int().nonnegative(),
  rejections: z.array(rejectionSchema),
});
export type PushResponse = z.infer<typeof pushResponseSchema>;

export const pullRequestSchema = z.object({
  protocolVersion: z.int(),
  clientId: z.uuid(),
  /** Opaque; null for a first (full) pull. */
  cursor: z.string().max(1000).nullable(),
  limit: z.int().positive().max(MAX_PULL_LIMIT).optional(),
});
export type PullRequest = z.infer<typeof pullRequestSchema>;

const tableSchema = z.enum(SYNCED_TABLES);

/** A patch operation. `put` carries the whole row; `clear` empties every synced table (a reset). */
export const patchOpSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('put'), table: tableSchema, row: z.record(z.string(), z.unknown()) }),
  z.object({ op: z.literal('del'), table: tableSchema, id: z.uuid() }),
  z.object({ op: z.literal('clear') }),
]);
export type PatchOp = z.infer<typeof patchOpSchema>;

/**
 * A same-field concurrent edit that lost (SPEC §5.6): the server kept `theirs`; `mine` is the value the
 * device's mutation wanted, `base` what it had seen. Delivered once, like rejections, to the author's device.
 */
export const conflictSchema = z.object({
  mutationId: z.int().positive(),
  name: z.string(),
  table: tableSchema,
  id: z.uuid(),
  field: z.string(),
  base: z.unknown(),
  mine: z.unknown(),
  theirs: z.unknown(),
});
export type Conflict = z.infer<typeof conflictSchema>;

export const pullResponseSchema = z.object({
  cursor: z.string(),
  /** More pages follow: pull again with `cursor` before treating the device as up to date. */
  hasMore: z.boolean(),
  lastMutationId: z.int().nonnegative(),
  patch: z.array(patchOpSchema),
  /** Rejections of this client's mutations acknowledged since the cursor, with the user's values. */
  rejections: z.array(rejectionSchema.extend({ args: z.unknown() })),
  /** Conflicts of this client's mutations acknowledged since the cursor (protocol 2). */
  conflicts: z.array(conflictSchema).default([]),
  /** During a paged full pull: rows sent so far in this round and the round's total (protocol 2). */
  progress: z.object({ sent: z.int().nonnegative(), total: z.int().nonnegative() }).optional(),
});
export type PullResponse = z.infer<typeof pullResponseSchema>;

export const loginRequestSchema = z.object({
  username: z.string().trim().min(1).max(100),
  password: z.string().min(1).max(200),
  /** A device label shown in the user's session list ("张伟's ThinkPad"). */
  deviceName: z.string().max(100).optional(),
});
export type LoginRequest = z.infer<typeof loginRequestSchema>;

export const sessionUserSchema = z.object({
  id: z.uuid(),
  orgId: z.uuid(),
  teamId: z.uuid().nullable(),
  username: z.string(),
  displayName: z.string(),
  role: z.enum(['rep', 'manager', 'admin']),
});
export type SessionUser = z.infer<typeof sessionUserSchema>;

export const loginResponseSchema = z.object({
  token: z.string(),
  expiresAt: z.int(),
  user: sessionUserSchema,
});
export type LoginResponse = z.infer<typeof loginResponseSchema>;

export const errorResponseSchema = z.object({ error: appErrorSchema });

/**
 * POST /customers/duplicates (protocol 3): the online half of uniqueness at capture. The server checks
 * the org's live customers (not leads) and names the holder of each collision; `excludeId` is the record
 * being edited. Answers only about the values asked, so it reveals no more than a refused push would.
 */
export const duplicateCheckRequestSchema = z
  .object({
    name: z.string().max(200).optional(),
    creditCode: z.string().max(40).optional(),
    phone: z.string().max(40).optional(),
    excludeId: z.uuid().optional(),
  })
  .strict();
export type DuplicateCheckRequest = z.infer<typeof duplicateCheckRequestSchema>;
export const duplicateCheckResponseSchema = z.object({ matches: z.array(duplicateMatchSchema) });
export type DuplicateCheckResponse = z.infer<typeof duplicateCheckResponseSchema>;
