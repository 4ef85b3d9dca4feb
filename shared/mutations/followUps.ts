import { z } from 'zod';
import { AppError } from '../errors';
import { FOLLOW_UP_TYPES } from '../domain/rows';
import { optionalText, requiredText } from '../domain/validators';
import { visibleCustomer } from './customers';
import { defineMutation, read } from './types';

/** How far in the future a follow-up may claim to have happened: absorbs device clock skew. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

/** The fields of a follow-up as the user enters them, before the cross-field rule. */
const logFollowUpFields = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  contactId: z
    .uuid()
    .nullish()
    .transform((v) => v ?? null),
  type: z.enum(FOLLOW_UP_TYPES),
  content: requiredText(5000),
  outcome: optionalText(1000),
  occurredAt: z.int().positive(),
  nextFollowUpAt: z
    .int()
    .positive()
    .nullish()
    .transform((v) => v ?? null),
});

/** A next follow-up planned before the follow-up itself is a typing slip, refused with the field named. */
function nextFollowUpNotBefore<T extends z.ZodType<{ occurredAt: number; nextFollowUpAt: number | null }>>(
  schema: T,
) {
  return schema.refine((a) => a.nextFollowUpAt === null || a.nextFollowUpAt >= a.occurredAt, {
    message: 'Next follow-up must not be before the follow-up itself',
    path: ['nextFollowUpAt'],
  });
}

export const logFollowUpArgs = nextFollowUpNotBefore(logFollowUpFields);

/**
 * The same arguments without `id` (the client core makes the id): what the renderer's form and the API
 * channel `followUps.log` validate. Built from the fields rather than `logFollowUpArgs.omit()`, because
 * zod 4 refuses `.omit()` on a schema that carries refinements.
 */
export const logFollowUpInput = nextFollowUpNotBefore(logFollowUpFields.omit({ id: true }));
export type LogFollowUpArgs = z.infer<typeof logFollowUpArgs>;

/**
 * The rep's most frequent act (SPEC §1): record a visit, call, … on a customer of their scope. It also
 * moves the customer's `lastFollowUpAt`, which the public-sea recycle rules count from (SPEC §4).
 */
export const logFollowUp = defineMutation({
  name: 'logFollowUp',
  args: logFollowUpArgs,
  reads: (args) => ({ customer: read('customers', args.customerId), existing: read('followUps', args.id) }),
  plan: (args, { customer, existing }, ctx) => {
    const target = visibleCustomer(customer, ctx);
    if (existing) throw new AppError('conflict', `id: follow-up ${args.id} already exists`, { field: 'id' });
    if (args.occurredAt > ctx.now + MAX_FUTURE_SKEW_MS) {
      throw new AppError('validation', 'occurredAt: a follow-up cannot happen in the future', {
        field: 'occurredAt',
      });
    }
    const last = target.lastFollowUpAt;
    return [
      {
        kind: 'insert',
        table: 'followUps',
        row: {
          ...args,
          orgId: ctx.orgId,
          authorId: ctx.userId,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
      ...(last === null || args.occurredAt > last
        ? [
            {
              kind: 'update' as const,
              table: 'customers' as const,
              id: target.id,
              set: { lastFollowUpAt: args.occurredAt, updatedAt: ctx.now },
            },
          ]
        : []),
    ];
  },
});
