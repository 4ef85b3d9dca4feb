import { z } from 'zod';
import { AppError } from '../errors';
import { CURRENCIES, MAX_AMOUNT_MINOR } from '../domain/rows';
import { defaultSettings, findStage } from '../domain/settings';
import { emailSchema, optional, optionalText, phoneSchema, requiredText } from '../domain/validators';
import { editableCustomerFields, NEW_CUSTOMER_POOL_FIELDS, visibleCustomer } from './customers';
import { attrsSet, planAttrs, templatedArgs, templateReads } from './attrs';
import { defineMutation, read, readIf, type Effect } from './types';

const leadContactSchema = z.object({
  id: z.uuid(),
  name: requiredText(100),
  title: optionalText(100),
  phone: optional(phoneSchema),
  email: optional(emailSchema),
  wechat: optionalText(100),
});

const leadFields = {
  /** The company (or, for a private person, the person's) name. */
  name: requiredText(200),
  industry: optionalText(100),
  region: optionalText(100),
  address: optionalText(300),
  phone: optional(phoneSchema),
  source: optionalText(100),
  /** The lead template's attributes. */
  ...templatedArgs,
};

export const createLeadArgs = z.object({
  id: z.uuid(),
  ...leadFields,
  /** The person met: becomes the lead's (and after conversion the customer's) primary contact. */
  contact: leadContactSchema.nullish().transform((v) => v ?? null),
});
export type CreateLeadArgs = z.infer<typeof createLeadArgs>;

/** What the `leads.create` channel validates: the same fields, the core makes the ids. */
export const createLeadInput = z.object({
  ...leadFields,
  contact: leadContactSchema
    .omit({ id: true })
    .nullish()
    .transform((v) => v ?? null),
});

/**
 * A rep captures an unverified prospect (SPEC §2 Lead) into their private sea, as a customers row of
 * kind `lead`: lead names are not unique (two reps may meet the same company at a fair); uniqueness is
 * checked when the lead is converted.
 */
export const createLead = defineMutation({
  name: 'createLead',
  args: createLeadArgs,
  reads: (args, org) => ({
    existing: read('customers', args.id),
    existingContact: readIf('contacts', args.contact?.id),
    ...templateReads(args, org),
  }),
  plan: (args, { existing, existingContact, template, catalog }, ctx) => {
    if (existing || existingContact) {
      throw new AppError('conflict', `id: lead ${args.id} already exists`, { field: 'id' });
    }
    const { id, contact, attrs, templateVersionId, ...fields } = args;
    const a = planAttrs({
      entity: 'lead',
      table: 'customers',
      id,
      attrs,
      templateVersionId,
      template,
      catalog,
      current: null,
      ctx,
    });
    const effects: Effect[] = [
      {
        kind: 'insert',
        table: 'customers',
        row: {
          id,
          orgId: ctx.orgId,
          shortName: null,
          creditCode: null,
          website: null,
          level: null,
          ...fields,
          status: 'active',
          ownerId: ctx.userId,
          poolState: 'private',
          claimedAt: ctx.now,
          lastFollowUpAt: null,
          lastDealAt: null,
          kind: 'lead',
          leadStatus: 'new',
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
    if (contact) {
      effects.push({
        kind: 'insert',
        table: 'contacts',
        row: {
          ...contact,
          orgId: ctx.orgId,
          customerId: id,
          isPrimary: true,
          attrs: {},
          templateVersionId: null,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      });
    }
    return effects;
  },
});

/** The optional opportunity a conversion opens (SPEC §2: customer + contact + optional opportunity). */
export const newOpportunityFields = z.object({
  name: requiredText(200),
  amountMinor: z
    .int({ message: 'Amount must be a whole number of cents' })
    .nonnegative({ message: 'Amount cannot be negative' })
    .max(MAX_AMOUNT_MINOR, { message: 'Amount is too large' }),
  currency: z.enum(CURRENCIES).default('CNY'),
  stageKey: z.string().min(1, { message: 'Required' }).max(32),
  expectedCloseAt: z
    .int()
    .positive()
    .nullish()
    .transform((v) => v ?? null),
});

const conversionOpportunity = newOpportunityFields.extend({ id: z.uuid(), stageChangeId: z.uuid() });

export const convertLeadArgs = z.object({
  id: z.uuid(),
  /**
   * The field mapping's result: the customer's base fields as the rep confirmed them in the conversion
   * form (prefilled from the lead). Fields left out keep the lead's values.
   */
  set: z
    .object({ name: requiredText(200), ...editableCustomerFields })
    .partial()
    .strict()
    .default({}),
  opportunity: conversionOpportunity.nullish().transform((v) => v ?? null),
  /**
   * The customer template's attributes as confirmed in the conversion form (prefilled from the lead's:
   * a library field keeps its key in every template). The lead's other attributes stay, read-only.
   */
  ...templatedArgs,
});
export type ConvertLeadArgs = z.infer<typeof convertLeadArgs>;

/** What the `leads.convert` channel validates: the core makes the opportunity's ids. */
export const convertLeadInput = convertLeadArgs.extend({
  opportunity: newOpportunityFields.nullish().transform((v) => v ?? null),
});

/**
 * Converts a lead into a customer IN PLACE (docs/domain.md "Leads"): the same row becomes kind
 * `customer`, so every follow-up, contact, task and ownership-history entry of the lead stays attached
 * — history is never copied, so it cannot be lost. The uniqueness of name, credit code and phone among
 * customers applies from this moment: the server refuses a duplicate and names its holder.
 */
export const convertLead = defineMutation({
  name: 'convertLead',
  args: convertLeadArgs,
  reads: (args, org) => ({
    lead: read('customers', args.id),
    settings: read('settings', org.orgId),
    existingOpportunity: readIf('opportunities', args.opportunity?.id),
    ...templateReads(args, org),
  }),
  plan: (args, { lead, settings, existingOpportunity, template, catalog }, ctx) => {
    const current = visibleCustomer(lead, ctx, 'id', 'lead');
    if (current.leadStatus === 'converted') {
      throw new AppError('conflict', 'id: this lead is already converted', { field: 'id' });
    }
    const a = planAttrs({
      entity: 'customer',
      table: 'customers',
      id: current.id,
      attrs: args.attrs,
      templateVersionId: args.templateVersionId,
      template,
      catalog,
      current,
      ctx,
      recheckUnique: true,
    });
    const effects: Effect[] = [
      ...a.effects,
      {
        kind: 'update',
        table: 'customers',
        id: current.id,
        set: {
          ...args.set,
          ...attrsSet(a),
          kind: 'customer',
          leadStatus: 'converted',
          convertedAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
    ];
    const opp = args.opportunity;
    if (opp) {
      if (existingOpportunity) {
        throw new AppError('conflict', `opportunity.id: ${opp.id} already exists`, {
          field: 'opportunity.id',
        });
      }
      const stage = findStage(settings ?? defaultSettings(ctx.orgId), opp.stageKey);
      if (!stage || !stage.active || stage.kind !== 'open') {
        throw new AppError('validation', `opportunity.stageKey: no open stage "${opp.stageKey}"`, {
          field: 'opportunity.stageKey',
        });
      }
      effects.push(
        ...openOpportunityEffects(
          opp,
          current.id,
          current.ownerId ?? ctx.userId,
          ctx.orgId,
          ctx.userId,
          ctx.now,
        ),
      );
    }
    return effects;
  },
});

/** The insert of a new opportunity and of its first stage-history entry. */
export function openOpportunityEffects(
  opp: z.infer<typeof conversionOpportunity> & {
    attrs?: Record<string, unknown>;
    templateVersionId?: string | null;
  },
  customerId: string,
  ownerId: string,
  orgId: string,
  actorId: string,
  now: number,
): Effect[] {
  return [
    {
      kind: 'insert',
      table: 'opportunities',
      row: {
        id: opp.id,
        orgId,
        customerId,
        ownerId,
        name: opp.name,
        amountMinor: opp.amountMinor,
        currency: opp.currency,
        stageKey: opp.stageKey,
        status: 'open',
        expectedCloseAt: opp.expectedCloseAt,
        lostReason: null,
        closedAt: null,
        attrs: opp.attrs ?? {},
        templateVersionId: opp.templateVersionId ?? null,
        createdAt: now,
        updatedAt: now,
      },
    },
    {
      kind: 'insert',
      table: 'stageChanges',
      row: {
        id: opp.stageChangeId,
        orgId,
        customerId,
        opportunityId: opp.id,
        fromStage: null,
        toStage: opp.stageKey,
        changedBy: actorId,
        changedAt: now,
        createdAt: now,
        updatedAt: now,
      },
    },
  ];
}
