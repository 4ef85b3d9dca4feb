import { z } from 'zod';
import { AppError } from '../errors';
import {
  CUSTOMER_LEVELS,
  CUSTOMER_STATUSES,
  LEAD_STATUSES,
  type CustomerKind,
  type CustomerRow,
} from '../domain/rows';
import {
  creditCodeSchema,
  optional,
  optionalText,
  phoneSchema,
  requiredText,
  urlSchema,
} from '../domain/validators';
import { attrsArg, planAttrs, planTemplatedUpdate, templateReads, templatedArgs } from './attrs';
import { defineMutation, read, type Effect, type MutationContext } from './types';

export { mergeFields, sameValue } from './merge';

/** The pool columns of a customer captured into its rep's private sea (protocol 5). */
export const NEW_CUSTOMER_POOL_FIELDS = {
  poolId: null,
  locked: false,
  enteredPoolAt: null,
  previousOwnerId: null,
  deregisteredAt: null,
} as const;

export const editableCustomerFields = {
  shortName: optionalText(100),
  creditCode: optional(creditCodeSchema),
  industry: optionalText(100),
  region: optionalText(100),
  address: optionalText(300),
  phone: optional(phoneSchema),
  website: optional(urlSchema),
  source: optionalText(100),
  level: optional(z.enum(CUSTOMER_LEVELS)),
};

export const createCustomerArgs = z.object({
  id: z.uuid(),
  name: requiredText(200),
  ...editableCustomerFields,
  ...templatedArgs,
});
export type CreateCustomerArgs = z.infer<typeof createCustomerArgs>;

/**
 * Finds the customer (or lead) or refuses with the same answer whether it does not exist or is out of
 * scope. With `kind`, a row of the other kind is refused too (an opportunity needs a customer).
 */
export function visibleCustomer(
  customer: CustomerRow | undefined,
  ctx: MutationContext,
  field = 'customerId',
  kind?: CustomerKind,
): CustomerRow {
  if (!customer || customer.poolState !== 'private' || !ctx.canSeeOwner(customer.ownerId)) {
    throw new AppError('not_found', `${field}: no such customer in your private sea`, { field });
  }
  if (kind && customer.kind !== kind) {
    throw new AppError(
      'validation',
      kind === 'customer'
        ? `${field}: this is a lead; convert it to a customer first`
        : `${field}: this is a customer, not a lead`,
      { field },
    );
  }
  return customer;
}

/** A rep captures a new customer into their own private sea (SPEC §2). */
export const createCustomer = defineMutation({
  name: 'createCustomer',
  args: createCustomerArgs,
  reads: (args, org) => ({ existing: read('customers', args.id), ...templateReads(args, org) }),
  plan: (args, { existing, template, catalog }, ctx) => {
    if (existing) throw new AppError('conflict', `id: customer ${args.id} already exists`, { field: 'id' });
    const { id, name, attrs: _attrs, templateVersionId: _v, ...fields } = args;
    const a = planAttrs({
      entity: 'customer',
      table: 'customers',
      id,
      attrs: args.attrs,
      templateVersionId: args.templateVersionId,
      template,
      catalog,
      current: null,
      ctx,
    });
    return [
      {
        kind: 'insert',
        table: 'customers',
        row: {
          id,
          orgId: ctx.orgId,
          name,
          ...fields,
          status: 'active',
          ownerId: ctx.userId,
          poolState: 'private',
          claimedAt: ctx.now,
          lastFollowUpAt: null,
          lastDealAt: null,
          kind: 'customer',
          leadStatus: null,
          convertedAt: null,
          ...NEW_CUSTOMER_POOL_FIELDS,
          attrs: a.attrs,
          templateVersionId: a.templateVersionId,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
      ...a.effects,
    ];
  },
});

/** Statuses a rep sets on a lead by hand; `converted` comes only from `convertLead`. */
export const SETTABLE_LEAD_STATUSES = LEAD_STATUSES.filter((s) => s !== 'converted') as [
  'new',
  'contacted',
  'qualified',
  'disqualified',
];

const customerEditSchema = z
  .object({
    name: requiredText(200),
    status: z.enum(CUSTOMER_STATUSES),
    leadStatus: z.enum(SETTABLE_LEAD_STATUSES),
    ...editableCustomerFields,
    /** The changed business attributes only (merged key by key). */
    attrs: attrsArg,
  })
  .partial()
  .strict();

export const updateCustomerArgs = z.object({
  id: z.uuid(),
  set: customerEditSchema.refine((s) => Object.keys(s).length > 0, { message: 'Nothing to change' }),
  /**
   * The value of each edited field as the device last saw it (protocol 2). The server merges field by
   * field against it; without it (a protocol-1 device) the edit simply applies.
   */
  base: z.record(z.string(), z.unknown()).optional(),
  /** The template version the form used; required when `set.attrs` is given (protocol 4). */
  templateVersionId: z.uuid().optional(),
});
export type UpdateCustomerArgs = z.infer<typeof updateCustomerArgs>;

/**
 * Edits base fields. Ownership and pool fields are not editable here by construction (the schema is
 * strict): they change only through server operations (SPEC §5.6).
 */
export const updateCustomer = defineMutation({
  name: 'updateCustomer',
  args: updateCustomerArgs,
  reads: (args, org) => ({
    customer: read('customers', args.id),
    ...templateReads({ attrs: args.set.attrs, templateVersionId: args.templateVersionId }, org),
  }),
  plan: (args, { customer, template, catalog }, ctx) => {
    const current = visibleCustomer(customer, ctx, 'id');
    if (args.set.leadStatus !== undefined && current.kind !== 'lead') {
      throw new AppError('validation', 'leadStatus: only a lead has a lead status', { field: 'leadStatus' });
    }
    if (current.leadStatus === 'converted' && args.set.leadStatus !== undefined) {
      throw new AppError('validation', 'leadStatus: this lead is already converted', { field: 'leadStatus' });
    }
    const effects = planTemplatedUpdate({
      entity: current.kind === 'lead' ? 'lead' : 'customer',
      table: 'customers',
      current,
      set: args.set,
      base: args.base,
      templateVersionId: args.templateVersionId,
      template,
      catalog,
      ctx,
    });
    return withDeregisteredAt(effects, current, ctx.now);
  },
});

/**
 * Stamps when a customer's status became `deregistered` (the recycle rule of that name counts from it),
 * and clears it when the status changes back: only when the merged edit really changes the status.
 */
function withDeregisteredAt(effects: Effect[], current: CustomerRow, now: number): Effect[] {
  return effects.map((e) => {
    if (e.kind !== 'update' || e.table !== 'customers' || e.id !== current.id) return e;
    const status = (e.set as Partial<CustomerRow>).status;
    if (status === undefined || status === current.status) return e;
    return { ...e, set: { ...e.set, deregisteredAt: status === 'deregistered' ? now : null } };
  });
}

export const transferCustomerArgs = z.object({
  customerId: z.uuid(),
  toUserId: z.uuid(),
  reason: requiredText(200),
});
export type TransferCustomerArgs = z.infer<typeof transferCustomerArgs>;

/**
 * A manager (or admin) moves a customer from one rep's private sea to another's (SPEC §4). Contacts and
 * follow-ups follow by scope; the server records the move in ownership history, which takes the customer
 * off the old owner's devices and puts it, whole, on the new owner's.
 */
export const transferCustomer = defineMutation({
  name: 'transferCustomer',
  args: transferCustomerArgs,
  reads: (args) => ({ customer: read('customers', args.customerId), target: read('users', args.toUserId) }),
  plan: (args, { customer, target }, ctx) => {
    if (ctx.role === 'rep') {
      throw new AppError('forbidden', 'customerId: only a manager or an admin can transfer a customer', {
        field: 'customerId',
      });
    }
    const current = visibleCustomer(customer, ctx);
    if (!target || !target.active || target.role === 'admin' || !ctx.canSeeOwner(target.id)) {
      throw new AppError('not_found', 'toUserId: no such active rep in your team', { field: 'toUserId' });
    }
    if (current.ownerId === target.id) {
      throw new AppError('conflict', 'toUserId: the customer already belongs to this rep', {
        field: 'toUserId',
      });
    }
    return [
      {
        kind: 'move',
        customerId: current.id,
        ownerId: target.id,
        poolState: 'private',
        reason: args.reason,
        action: 'transfer',
      },
    ];
  },
});

export const claimCustomerArgs = z.object({
  customerId: z.uuid(),
  /** Why (shown in ownership history): "duplicate at capture", "active again", … */
  reason: requiredText(200),
});
export type ClaimCustomerArgs = z.infer<typeof claimCustomerArgs>;

/**
 * A rep takes a customer from the public sea into their private sea (SPEC §4). A server operation: the
 * device does not hold public customers, so it queues the claim and the pull brings the customer (or the
 * refusal with its reason). The claim rules of the customer's pool (limits per rep and team, claims per
 * day, the previous owner's cooldown, fresh-entry protection) are checked by the server when it applies
 * the `claim` move, under the customer's row lock, so of two concurrent claims exactly one wins.
 */
export const claimCustomer = defineMutation({
  name: 'claimCustomer',
  args: claimCustomerArgs,
  serverOnly: true,
  reads: (args) => ({ customer: read('customers', args.customerId) }),
  plan: (args, { customer }, ctx) => {
    if (ctx.role === 'admin') {
      throw new AppError('forbidden', 'customerId: an admin has no private sea to claim into', {
        field: 'customerId',
      });
    }
    if (!customer) {
      throw new AppError('not_found', 'customerId: no such customer', { field: 'customerId' });
    }
    if (customer.poolState !== 'public') {
      const mine = customer.ownerId === ctx.userId;
      throw new AppError(
        'conflict',
        mine
          ? 'customerId: this customer is already in your private sea'
          : 'customerId: someone else claimed this customer first',
        // `rule` tells the two apart for the UI, like the claim rules' refusals (docs/pools.md "Claims").
        { field: 'customerId', params: { rule: mine ? 'alreadyYours' : 'claimedByOther' } },
      );
    }
    return [
      {
        kind: 'move',
        customerId: customer.id,
        ownerId: ctx.userId,
        poolState: 'private',
        reason: args.reason,
        action: 'claim',
      },
    ];
  },
});

export const releaseCustomerArgs = z.object({
  customerId: z.uuid(),
  /** The pool it goes to; absent: the pool serving the owner's team (docs/pools.md "Pools"). */
  poolId: z.uuid().optional(),
  /** Why (kept in ownership history, shown to whoever browses the pool's history). */
  reason: requiredText(200),
});
export type ReleaseCustomerArgs = z.infer<typeof releaseCustomerArgs>;

/**
 * The owner (or a manager over them) puts a customer back into a public pool (SPEC §4). Applied on the
 * device at once (the customer leaves the private sea's lists); the server records the move with the
 * pool it resolved, and the customer's open work stays with it until someone claims it.
 */
export const releaseCustomer = defineMutation({
  name: 'releaseCustomer',
  args: releaseCustomerArgs,
  reads: (args) => ({ customer: read('customers', args.customerId) }),
  plan: (args, { customer }, ctx) => {
    const current = visibleCustomer(customer, ctx);
    if (ctx.role === 'rep' && current.ownerId !== ctx.userId) {
      throw new AppError('forbidden', 'customerId: only its owner or a manager can release a customer', {
        field: 'customerId',
      });
    }
    if (current.locked && ctx.role === 'rep') {
      throw new AppError('forbidden', 'customerId: a manager locked this customer in your private sea', {
        field: 'customerId',
      });
    }
    return [
      {
        kind: 'move',
        customerId: current.id,
        ownerId: null,
        poolState: 'public',
        reason: args.reason,
        action: 'release',
        poolId: args.poolId ?? null,
      },
    ];
  },
});

export const assignCustomerArgs = z.object({
  customerId: z.uuid(),
  toUserId: z.uuid(),
  reason: requiredText(200),
});
export type AssignCustomerArgs = z.infer<typeof assignCustomerArgs>;

/**
 * A manager (or admin) hands a public-sea customer to a rep of their scope (SPEC §4). A server
 * operation like a claim (the device does not hold public customers), but not held to the rep's claim
 * limits or the pool's fresh-entry protection.
 */
export const assignCustomer = defineMutation({
  name: 'assignCustomer',
  args: assignCustomerArgs,
  serverOnly: true,
  reads: (args) => ({ customer: read('customers', args.customerId), target: read('users', args.toUserId) }),
  plan: (args, { customer, target }, ctx) => {
    if (ctx.role === 'rep') {
      throw new AppError(
        'forbidden',
        'customerId: only a manager or an admin can assign from the public sea',
        {
          field: 'customerId',
        },
      );
    }
    if (!customer) throw new AppError('not_found', 'customerId: no such customer', { field: 'customerId' });
    if (customer.poolState !== 'public') {
      throw new AppError('conflict', 'customerId: this customer is no longer in the public sea', {
        field: 'customerId',
      });
    }
    if (!target || !target.active || target.role === 'admin' || !ctx.canSeeOwner(target.id)) {
      throw new AppError('not_found', 'toUserId: no such active rep in your team', { field: 'toUserId' });
    }
    return [
      {
        kind: 'move',
        customerId: customer.id,
        ownerId: target.id,
        poolState: 'private',
        reason: args.reason,
        action: 'assign',
      },
    ];
  },
});

export const lockCustomerArgs = z.object({ customerId: z.uuid(), locked: z.boolean() });
export type LockCustomerArgs = z.infer<typeof lockCustomerArgs>;

/** A manager locks a customer in its rep's private sea (exempt from recycling), or unlocks it. */
export const lockCustomer = defineMutation({
  name: 'lockCustomer',
  args: lockCustomerArgs,
  reads: (args) => ({ customer: read('customers', args.customerId) }),
  plan: (args, { customer }, ctx) => {
    if (ctx.role === 'rep') {
      throw new AppError('forbidden', 'locked: only a manager or an admin can lock a customer', {
        field: 'locked',
      });
    }
    const current = visibleCustomer(customer, ctx);
    if (current.locked === args.locked) return [];
    return [
      {
        kind: 'update',
        table: 'customers',
        id: current.id,
        set: { locked: args.locked, updatedAt: ctx.now },
      },
    ];
  },
});
