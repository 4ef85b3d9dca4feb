import { z } from 'zod';
import { ASSIGN_STRATEGIES, claimPolicySchema, recyclePolicySchema } from './rules';

/**
 * A public pool (SPEC §4, docs/pools.md): an org has one or more per kind (customers by region, a lead
 * pool), each serving some teams, with its admins and its own recycle, claim and assignment rules.
 * Synced org-wide and read-only on devices: a device computes recycle countdowns from it offline.
 * Written only by admins through the server (`/admin/pools`).
 */
export const POOL_KINDS = ['customer', 'lead'] as const;
export type PoolKind = (typeof POOL_KINDS)[number];

const id = z.uuid();
const ms = z.int().nonnegative();
const name = z.string().trim().min(1).max(100);

export const poolRowSchema = z.object({
  id,
  orgId: id,
  kind: z.enum(POOL_KINDS),
  nameZh: name,
  nameEn: name,
  /** The teams this pool serves: their reps release into it and claim from it. */
  teamIds: z.array(id).max(200),
  /** Users (managers) who administer it besides the org's admins. */
  adminIds: z.array(id).max(200),
  /** The pool a released customer of a team no pool serves goes to (one per kind and org). */
  isDefault: z.boolean(),
  active: z.boolean(),
  recycle: recyclePolicySchema,
  claim: claimPolicySchema,
  assign: z.enum(ASSIGN_STRATEGIES),
  createdAt: ms,
  updatedAt: ms,
  version: ms,
});
export type PoolRow = z.infer<typeof poolRowSchema>;

/** What an admin writes: the row without identity and server stamps (`id` absent = create). */
export const savePoolRequest = poolRowSchema
  .omit({ id: true, orgId: true, createdAt: true, updatedAt: true, version: true })
  .extend({ id: id.optional() })
  .strict();
export type SavePoolRequest = z.infer<typeof savePoolRequest>;
export const savePoolResponse = z.object({ id });

/**
 * Which of a pool's rules would move how many customers if the job ran now (the admin's preview and
 * the job's dry run), and how many owners would be warned.
 */
export const recycleRunResponse = z.object({
  dryRun: z.boolean(),
  /** Another server instance was running the job for this org: nothing was done (run it again later). */
  skipped: z.boolean().optional(),
  /** The server clock the run used. */
  now: ms,
  moved: z.int().nonnegative(),
  warned: z.int().nonnegative(),
  byPool: z.array(
    z.object({
      poolId: id,
      moved: z.int().nonnegative(),
      warned: z.int().nonnegative(),
      /** Per rule kind: customers whose due time that rule decides. */
      byRule: z.record(z.string(), z.int().nonnegative()),
    }),
  ),
  /** Up to 50 of the customers moved (or that would be), to show. */
  sample: z.array(
    z.object({ id, name: z.string(), ownerId: id.nullable(), rule: z.string().nullable(), poolId: id }),
  ),
});
export type RecycleRunResponse = z.infer<typeof recycleRunResponse>;
export const recycleRunRequest = z
  .object({ poolId: id.optional(), dryRun: z.boolean().default(true) })
  .strict();

/** The public sea as a rep browses it (online only: devices do not hold public customers). */
export const publicSeaQuery = z
  .object({
    kind: z.enum(POOL_KINDS).default('customer'),
    /** One pool; absent: every active pool of the kind that serves the user's team (all for a manager). */
    poolId: id.optional(),
    /** Name, short name or credit code contains. */
    query: z.string().trim().max(100).optional(),
    industry: z.string().trim().max(100).optional(),
    region: z.string().trim().max(100).optional(),
    level: z.enum(['A', 'B', 'C', 'D']).optional(),
    /** Opaque keyset cursor from the previous page. */
    cursor: z.string().max(200).optional(),
    limit: z.int().positive().max(200).default(50),
  })
  .strict();
export type PublicSeaQuery = z.infer<typeof publicSeaQuery>;

export const publicSeaItem = z.object({
  id,
  kind: z.enum(POOL_KINDS),
  name: z.string(),
  industry: z.string().nullable(),
  region: z.string().nullable(),
  level: z.enum(['A', 'B', 'C', 'D']).nullable(),
  status: z.string(),
  /** The phone with its middle digits masked (138****5678): the number is the rep's after a claim. */
  phoneMasked: z.string().nullable(),
  poolId: id.nullable(),
  enteredPoolAt: ms.nullable(),
  lastFollowUpAt: ms.nullable(),
  previousOwnerName: z.string().nullable(),
  /** Fresh pool entries cannot be claimed until then (null: claimable now). */
  protectedUntil: ms.nullable(),
  /** The caller lost it lately: no claim back until then (null: no cooldown). */
  cooldownUntil: ms.nullable(),
});
export type PublicSeaItem = z.infer<typeof publicSeaItem>;

/** The caller's standing against the claim limits (of the pool asked, or the first serving them). */
export const claimStanding = z.object({
  owned: z.int().nonnegative(),
  maxPerUser: z.int().positive().nullable(),
  claimsToday: z.int().nonnegative(),
  maxClaimsPerDay: z.int().positive().nullable(),
});
export type ClaimStanding = z.infer<typeof claimStanding>;

export const publicSeaPage = z.object({
  rows: z.array(publicSeaItem),
  nextCursor: z.string().nullable(),
  standing: claimStanding.nullable(),
});
export type PublicSeaPage = z.infer<typeof publicSeaPage>;

/**
 * Reactivation (SPEC §4): an activity event from another system (ERP trade, web inquiry, product
 * browse), sent with the org's API key to `POST /events`. Idempotent per (org, eventId).
 */
export const ACTIVITY_TYPES = ['trade', 'inquiry', 'browse'] as const;
export const activityEventSchema = z
  .object({
    eventId: z.string().trim().min(1).max(100),
    type: z.enum(ACTIVITY_TYPES),
    /** Which customer: by id, by unified social credit code, or by phone (first given wins, in that order). */
    match: z
      .object({
        customerId: id.optional(),
        creditCode: z.string().trim().min(1).max(18).optional(),
        phone: z.string().trim().min(3).max(40).optional(),
      })
      .strict()
      .refine((m) => m.customerId !== undefined || m.creditCode !== undefined || m.phone !== undefined, {
        message: 'Give customerId, creditCode or phone',
      }),
    occurredAt: ms,
    /** What happened, shown in the task ("询价：数控机床 20 台"). */
    summary: z.string().trim().min(1).max(500),
    /** For an unknown customer: the company name of the new lead (else the phone or code is used). */
    company: z.string().trim().min(1).max(200).optional(),
    contactName: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type ActivityEvent = z.infer<typeof activityEventSchema>;

export const ACTIVITY_OUTCOMES = [
  /** The customer was in a public pool: assigned to a rep, with a task. */
  'assigned',
  /** The customer is privately owned: a task for its owner. */
  'taskForOwner',
  /** No customer matched: recorded as a new lead (in the lead pool, or assigned by its strategy). */
  'leadCreated',
  /** This eventId was seen before: nothing done again (the first outcome is repeated). */
  'duplicate',
] as const;
export const activityEventResponse = z.object({
  outcome: z.enum(ACTIVITY_OUTCOMES),
  customerId: id,
  ownerId: id.nullable(),
  taskId: id.nullable(),
});
export type ActivityEventResponse = z.infer<typeof activityEventResponse>;

/** Masks a phone for the public sea: keeps the first 3 and last 4 digits (138****5678). */
export function maskPhone(phone: string | null): string | null {
  if (phone === null) return null;
  const digits = phone.replace(/\D/g, '');
  if (digits.length <= 4) return '*'.repeat(digits.length);
  if (digits.length <= 7) return `${'*'.repeat(digits.length - 4)}${digits.slice(-4)}`;
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
}
