import { z } from 'zod';
import { AppError } from '../errors';
import { CURRENCIES, MAX_AMOUNT_MINOR } from '../domain/rows';
import { defaultSettings, findStage } from '../domain/settings';
import { requiredText } from '../domain/validators';
import { attrsArg, planAttrs, planTemplatedUpdate, templateReads, templatedArgs } from './attrs';
import { visibleCustomer } from './customers';
import { newOpportunityFields, openOpportunityEffects } from './leads';
import { defineMutation, read, type Effect, type MutationContext } from './types';
import type { OpportunityRow } from '../domain/rows';

export const createOpportunityArgs = newOpportunityFields.extend({
  id: z.uuid(),
  customerId: z.uuid(),
  stageChangeId: z.uuid(),
  ...templatedArgs,
});
export type CreateOpportunityArgs = z.infer<typeof createOpportunityArgs>;
/** What the `opportunities.create` channel validates: the core makes the ids. */
export const createOpportunityInput = newOpportunityFields.extend({ customerId: z.uuid(), ...templatedArgs });

/** Finds the opportunity through its customer's scope, or refuses naming `field`. */
function visibleOpportunity(
  opp: OpportunityRow | undefined,
  customer: Parameters<typeof visibleCustomer>[0],
  ctx: MutationContext,
  field = 'id',
): OpportunityRow {
  if (!opp || !customer || opp.customerId !== customer.id) {
    throw new AppError('not_found', `${field}: no such opportunity in your private sea`, { field });
  }
  visibleCustomer(customer, ctx, field);
  return opp;
}

/** A rep opens an opportunity (商机) on a customer of their scope, in an open stage (SPEC §2). */
export const createOpportunity = defineMutation({
  name: 'createOpportunity',
  args: createOpportunityArgs,
  reads: (args, org) => ({
    customer: read('customers', args.customerId),
    settings: read('settings', org.orgId),
    existing: read('opportunities', args.id),
    ...templateReads(args, org),
  }),
  plan: (args, { customer, settings, existing, template, catalog }, ctx) => {
    const target = visibleCustomer(customer, ctx, 'customerId', 'customer');
    if (existing)
      throw new AppError('conflict', `id: opportunity ${args.id} already exists`, { field: 'id' });
    const stage = findStage(settings ?? defaultSettings(ctx.orgId), args.stageKey);
    if (!stage || !stage.active || stage.kind !== 'open') {
      throw new AppError('validation', `stageKey: no open stage "${args.stageKey}"`, { field: 'stageKey' });
    }
    const a = planAttrs({
      entity: 'opportunity',
      table: 'opportunities',
      id: args.id,
      attrs: args.attrs,
      templateVersionId: args.templateVersionId,
      template,
      catalog,
      current: null,
      ctx,
    });
    return [
      ...openOpportunityEffects(
        { ...args, attrs: a.attrs, templateVersionId: a.templateVersionId },
        target.id,
        target.ownerId ?? ctx.userId,
        ctx.orgId,
        ctx.userId,
        ctx.now,
      ),
      ...a.effects,
    ];
  },
});

export const updateOpportunityArgs = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  set: z
    .object({
      name: requiredText(200),
      amountMinor: z
        .int({ message: 'Amount must be a whole number of cents' })
        .nonnegative({ message: 'Amount cannot be negative' })
        .max(MAX_AMOUNT_MINOR, { message: 'Amount is too large' }),
      currency: z.enum(CURRENCIES),
      expectedCloseAt: z.int().positive().nullable(),
      /** The changed attributes only (merged key by key). */
      attrs: attrsArg,
    })
    .partial()
    .strict()
    .refine((s) => Object.keys(s).length > 0, { message: 'Nothing to change' }),
  /** The values the device last saw, for the field merge (as `updateCustomer`). */
  base: z.record(z.string(), z.unknown()).optional(),
  templateVersionId: z.uuid().optional(),
});
export type UpdateOpportunityArgs = z.infer<typeof updateOpportunityArgs>;

/** Edits an opportunity's name, amount, currency or expected close, merged field by field. */
export const updateOpportunity = defineMutation({
  name: 'updateOpportunity',
  args: updateOpportunityArgs,
  reads: (args, org) => ({
    opportunity: read('opportunities', args.id),
    customer: read('customers', args.customerId),
    ...templateReads({ attrs: args.set.attrs, templateVersionId: args.templateVersionId }, org),
  }),
  plan: (args, { opportunity, customer, template, catalog }, ctx) => {
    const current = visibleOpportunity(opportunity, customer, ctx);
    return planTemplatedUpdate({
      entity: 'opportunity',
      table: 'opportunities',
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

export const moveOpportunityStageArgs = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  toStage: z.string().min(1, { message: 'Required' }).max(32),
  /** Required when `toStage` is a lost stage: a key of the org's lost reasons. */
  lostReason: z
    .string()
    .max(32)
    .nullish()
    .transform((v) => v || null),
  stageChangeId: z.uuid(),
});
export type MoveOpportunityStageArgs = z.infer<typeof moveOpportunityStageArgs>;
export const moveOpportunityStageInput = moveOpportunityStageArgs.omit({ stageChangeId: true });

/**
 * Moves an opportunity to another stage (a pipeline card dragged, a click on "next stage") and keeps the
 * move in stage history. A won stage closes it and stamps the customer's last deal; a lost stage needs a
 * lost reason; moving a closed opportunity back to an open stage reopens it.
 */
export const moveOpportunityStage = defineMutation({
  name: 'moveOpportunityStage',
  args: moveOpportunityStageArgs,
  reads: (args, org) => ({
    opportunity: read('opportunities', args.id),
    customer: read('customers', args.customerId),
    settings: read('settings', org.orgId),
    existingChange: read('stageChanges', args.stageChangeId),
  }),
  plan: (args, { opportunity, customer, settings, existingChange }, ctx) => {
    const current = visibleOpportunity(opportunity, customer, ctx);
    if (existingChange) {
      throw new AppError('conflict', `stageChangeId: ${args.stageChangeId} already exists`, {
        field: 'stageChangeId',
      });
    }
    const org = settings ?? defaultSettings(ctx.orgId);
    const stage = findStage(org, args.toStage);
    if (!stage || !stage.active) {
      throw new AppError('validation', `toStage: no stage "${args.toStage}"`, { field: 'toStage' });
    }
    if (stage.key === current.stageKey) {
      throw new AppError('validation', 'toStage: the opportunity is already in this stage', {
        field: 'toStage',
      });
    }
    let lostReason: string | null = null;
    if (stage.kind === 'lost') {
      if (!args.lostReason) {
        throw new AppError('validation', 'lostReason: Required when an opportunity is lost', {
          field: 'lostReason',
        });
      }
      if (!org.lostReasons.some((r) => r.key === args.lostReason && r.active)) {
        throw new AppError('validation', `lostReason: no lost reason "${args.lostReason}"`, {
          field: 'lostReason',
        });
      }
      lostReason = args.lostReason;
    }
    const closed = stage.kind !== 'open';
    const effects: Effect[] = [
      {
        kind: 'update',
        table: 'opportunities',
        id: current.id,
        set: {
          stageKey: stage.key,
          status: stage.kind,
          closedAt: closed ? ctx.now : null,
          lostReason,
          updatedAt: ctx.now,
        },
      },
      {
        kind: 'insert',
        table: 'stageChanges',
        row: {
          id: args.stageChangeId,
          orgId: ctx.orgId,
          customerId: current.customerId,
          opportunityId: current.id,
          fromStage: current.stageKey,
          toStage: stage.key,
          changedBy: ctx.userId,
          changedAt: ctx.now,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
    ];
    if (stage.kind === 'won') {
      effects.push({
        kind: 'update',
        table: 'customers',
        id: current.customerId,
        set: { lastDealAt: ctx.now, updatedAt: ctx.now },
      });
    }
    return effects;
  },
});
