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
import { defineMutation, read, type MutationContext } from './types';

export { mergeFields, sameValue } from './merge';

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
    return planTemplatedUpdate({
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
  },
});

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
      { kind: 'move', customerId: current.id, ownerId: target.id, poolState: 'private', reason: args.reason },
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
 * refusal with its reason). The claim rules of the public sea (limits, cooldowns) are checked here too
 * as they are added; today a claim needs the customer to be in the public sea.
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
      throw new AppError(
        'conflict',
        customer.ownerId === ctx.userId
          ? 'customerId: this customer is already in your private sea'
          : 'customerId: someone else claimed this customer first',
        { field: 'customerId' },
      );
    }
    return [
      {
        kind: 'move',
        customerId: customer.id,
        ownerId: ctx.userId,
        poolState: 'private',
        reason: args.reason,
      },
    ];
  },
});
