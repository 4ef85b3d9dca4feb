import { z } from 'zod';
import { AppError } from '../errors';
import { CUSTOMER_LEVELS, CUSTOMER_STATUSES, type CustomerRow } from '../domain/rows';
import {
  creditCodeSchema,
  optional,
  optionalText,
  phoneSchema,
  requiredText,
  urlSchema,
} from '../domain/validators';
import { defineMutation, read, type MutationContext } from './types';

const editableCustomerFields = {
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
});
export type CreateCustomerArgs = z.infer<typeof createCustomerArgs>;

/** Finds the customer or refuses with the same answer whether it does not exist or is out of scope. */
export function visibleCustomer(
  customer: CustomerRow | undefined,
  ctx: MutationContext,
  field = 'customerId',
): CustomerRow {
  if (!customer || customer.poolState !== 'private' || !ctx.canSeeOwner(customer.ownerId)) {
    throw new AppError('not_found', `${field}: no such customer in your private sea`, { field });
  }
  return customer;
}

/** A rep captures a new customer into their own private sea (SPEC §2). */
export const createCustomer = defineMutation({
  name: 'createCustomer',
  args: createCustomerArgs,
  reads: (args) => ({ existing: read('customers', args.id) }),
  plan: (args, { existing }, ctx) => {
    if (existing) throw new AppError('conflict', `id: customer ${args.id} already exists`, { field: 'id' });
    const { id, name, ...fields } = args;
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
          attrs: {},
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
    ];
  },
});

export const updateCustomerArgs = z.object({
  id: z.uuid(),
  set: z
    .object({ name: requiredText(200), status: z.enum(CUSTOMER_STATUSES), ...editableCustomerFields })
    .partial()
    .strict()
    .refine((s) => Object.keys(s).length > 0, { message: 'Nothing to change' }),
});
export type UpdateCustomerArgs = z.infer<typeof updateCustomerArgs>;

/**
 * Edits base fields. Ownership and pool fields are not editable here by construction (the schema is
 * strict): they change only through server operations (SPEC §5.6).
 */
export const updateCustomer = defineMutation({
  name: 'updateCustomer',
  args: updateCustomerArgs,
  reads: (args) => ({ customer: read('customers', args.id) }),
  plan: (args, { customer }, ctx) => {
    visibleCustomer(customer, ctx, 'id');
    return [{ kind: 'update', table: 'customers', id: args.id, set: { ...args.set, updatedAt: ctx.now } }];
  },
});
