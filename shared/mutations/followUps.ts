import { z } from 'zod';
import { AppError } from '../errors';
import { optionKeySchema, type FollowUpRow } from '../domain/rows';
import type { SettingsRow } from '../domain/settings';
import { defaultSettings } from '../domain/settings';
import { optionalText, requiredText } from '../domain/validators';
import { visibleCustomer } from './customers';
import { attrsArg, attrsSet, planAttrs, templatedArgs, templateReads } from './attrs';
import { defineMutation, read, readIf, type Effect, type MutationContext } from './types';

/** How far in the future a follow-up may claim to have happened: absorbs device clock skew. */
export const MAX_FUTURE_SKEW_MS = 24 * 60 * 60 * 1000;

const nullableId = z
  .uuid()
  .nullish()
  .transform((v) => v ?? null);

/** The fields of a follow-up as the user enters them, before the cross-field rule. */
const logFollowUpFields = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  contactId: nullableId,
  /** The opportunity this follow-up advanced (same customer). */
  opportunityId: nullableId,
  /** A key of the org's follow-up types (settings). */
  type: optionKeySchema,
  content: requiredText(5000),
  outcome: optionalText(1000),
  occurredAt: z.int().positive(),
  nextFollowUpAt: z
    .int()
    .positive()
    .nullish()
    .transform((v) => v ?? null),
  /** An open task of this customer this follow-up completes (Today's "log" on a task). */
  completesTaskId: nullableId,
  /** The id of the task that `nextFollowUpAt` plans (made by the client core). */
  nextTaskId: nullableId,
  ...templatedArgs,
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
 * The same arguments without the ids the client core makes: what the renderer's form and the API channel
 * `followUps.log` validate. Built from the fields rather than `logFollowUpArgs.omit()`, because zod 4
 * refuses `.omit()` on a schema that carries refinements.
 */
export const logFollowUpInput = nextFollowUpNotBefore(logFollowUpFields.omit({ id: true, nextTaskId: true }));
export type LogFollowUpArgs = z.infer<typeof logFollowUpArgs>;

function settingsOf(settings: SettingsRow | undefined, ctx: MutationContext): SettingsRow {
  return settings ?? defaultSettings(ctx.orgId);
}

function checkType(settings: SettingsRow, type: string): void {
  if (!settings.followUpTypes.some((t) => t.key === type && t.active)) {
    throw new AppError('validation', `type: no follow-up type "${type}"`, { field: 'type' });
  }
}

/** Title of the task a follow-up's "next follow-up at" plans: the first line of what was said. */
export function plannedTaskTitle(content: string): string {
  const first = content.split('\n')[0]?.trim() ?? '';
  return first.length > 120 ? `${first.slice(0, 119)}…` : first;
}

/**
 * The rep's most frequent act (SPEC §1): record a visit, call, … on a customer or lead of their scope.
 * It moves the customer's `lastFollowUpAt` (which the public-sea recycle rules count from, SPEC §4),
 * completes the task it answers, and plans the next one from "next follow-up at".
 */
export const logFollowUp = defineMutation({
  name: 'logFollowUp',
  args: logFollowUpArgs,
  reads: (args, org) => ({
    customer: read('customers', args.customerId),
    existing: read('followUps', args.id),
    settings: read('settings', org.orgId),
    opportunity: readIf('opportunities', args.opportunityId),
    contact: readIf('contacts', args.contactId),
    task: readIf('tasks', args.completesTaskId),
    existingTask: readIf('tasks', args.nextTaskId),
    ...templateReads(args, org),
  }),
  plan: (
    args,
    { customer, existing, settings, opportunity, contact, task, existingTask, template, catalog },
    ctx,
  ) => {
    const target = visibleCustomer(customer, ctx);
    if (existing) throw new AppError('conflict', `id: follow-up ${args.id} already exists`, { field: 'id' });
    checkType(settingsOf(settings, ctx), args.type);
    if (args.occurredAt > ctx.now + MAX_FUTURE_SKEW_MS) {
      throw new AppError('validation', 'occurredAt: a follow-up cannot happen in the future', {
        field: 'occurredAt',
      });
    }
    if (args.opportunityId && (!opportunity || opportunity.customerId !== target.id)) {
      throw new AppError('not_found', 'opportunityId: no such opportunity at this customer', {
        field: 'opportunityId',
      });
    }
    if (args.contactId && (!contact || contact.customerId !== target.id)) {
      throw new AppError('not_found', 'contactId: no such contact at this customer', { field: 'contactId' });
    }
    if (args.completesTaskId && (!task || task.customerId !== target.id)) {
      throw new AppError('not_found', 'completesTaskId: no such task at this customer', {
        field: 'completesTaskId',
      });
    }
    if (existingTask) {
      throw new AppError('conflict', `nextTaskId: task ${args.nextTaskId} already exists`, {
        field: 'nextTaskId',
      });
    }
    const { completesTaskId: _done, nextTaskId, attrs, templateVersionId, ...row } = args;
    const a = planAttrs({
      entity: 'followUp',
      table: 'followUps',
      id: args.id,
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
        table: 'followUps',
        row: {
          ...row,
          orgId: ctx.orgId,
          authorId: ctx.userId,
          attrs: a.attrs,
          templateVersionId: a.templateVersionId,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
      ...a.effects,
    ];
    const last = target.lastFollowUpAt;
    if (last === null || args.occurredAt > last) {
      effects.push({
        kind: 'update',
        table: 'customers',
        id: target.id,
        set: { lastFollowUpAt: args.occurredAt, updatedAt: ctx.now },
      });
    }
    // A task completed elsewhere already (another device, a manager) stays as it is: the follow-up
    // itself is never refused for that, or the visit would be lost.
    if (task && task.status === 'open') {
      effects.push({
        kind: 'update',
        table: 'tasks',
        id: task.id,
        set: { status: 'done', doneFollowUpId: args.id, doneAt: ctx.now, updatedAt: ctx.now },
      });
    }
    if (args.nextFollowUpAt !== null && nextTaskId) {
      effects.push({
        kind: 'insert',
        table: 'tasks',
        row: {
          id: nextTaskId,
          orgId: ctx.orgId,
          customerId: target.id,
          assigneeId: target.ownerId ?? ctx.userId,
          title: plannedTaskTitle(args.content),
          type: args.type,
          dueAt: args.nextFollowUpAt,
          origin: 'followUp',
          status: 'open',
          sourceFollowUpId: args.id,
          doneFollowUpId: null,
          doneAt: null,
          createdBy: ctx.userId,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      });
    }
    return effects;
  },
});

/** Until when the author may still edit or delete a follow-up (epoch ms). */
export function followUpEditableUntil(
  followUp: Pick<FollowUpRow, 'createdAt'>,
  settings: SettingsRow,
): number {
  return followUp.createdAt + settings.followUpEditWindowHours * 3_600_000;
}

/** The author within the org's edit window; otherwise the follow-up is locked (SPEC §2 append-only). */
function editableFollowUp(
  followUp: FollowUpRow | undefined,
  customer: Parameters<typeof visibleCustomer>[0],
  settings: SettingsRow,
  ctx: MutationContext,
): FollowUpRow {
  if (!followUp || !customer || followUp.customerId !== customer.id) {
    throw new AppError('not_found', 'id: no such follow-up in your private sea', { field: 'id' });
  }
  visibleCustomer(customer, ctx, 'id');
  if (followUp.authorId !== ctx.userId) {
    throw new AppError('forbidden', 'id: only its author can change a follow-up', { field: 'id' });
  }
  if (ctx.now > followUpEditableUntil(followUp, settings)) {
    throw new AppError('forbidden', 'id: this follow-up is locked: the edit window has passed', {
      field: 'id',
      params: { hours: settings.followUpEditWindowHours },
    });
  }
  return followUp;
}

export const updateFollowUpArgs = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  set: z
    .object({
      type: optionKeySchema,
      content: requiredText(5000),
      outcome: optionalText(1000),
      occurredAt: z.int().positive(),
      nextFollowUpAt: z.int().positive().nullable(),
      contactId: z.uuid().nullable(),
      /** Re-link (or unlink) the opportunity this follow-up advanced. */
      opportunityId: z.uuid().nullable(),
      /** The changed attributes only. */
      attrs: attrsArg,
    })
    .partial()
    .strict()
    .refine((s) => Object.keys(s).length > 0, { message: 'Nothing to change' }),
  templateVersionId: z.uuid().optional(),
});
export type UpdateFollowUpArgs = z.infer<typeof updateFollowUpArgs>;

/** The author corrects a follow-up within the org's edit window; after it the follow-up is locked. */
export const updateFollowUp = defineMutation({
  name: 'updateFollowUp',
  args: updateFollowUpArgs,
  reads: (args, org) => ({
    followUp: read('followUps', args.id),
    customer: read('customers', args.customerId),
    settings: read('settings', org.orgId),
    contact: readIf('contacts', args.set.contactId),
    opportunity: readIf('opportunities', args.set.opportunityId),
    ...templateReads({ attrs: args.set.attrs, templateVersionId: args.templateVersionId }, org),
  }),
  plan: (args, { followUp, customer, settings, contact, opportunity, template, catalog }, ctx) => {
    const s = settingsOf(settings, ctx);
    const current = editableFollowUp(followUp, customer, s, ctx);
    if (args.set.contactId && (!contact || contact.customerId !== current.customerId)) {
      throw new AppError('not_found', 'contactId: no such contact at this customer', { field: 'contactId' });
    }
    if (args.set.opportunityId && (!opportunity || opportunity.customerId !== current.customerId)) {
      throw new AppError('not_found', 'opportunityId: no such opportunity at this customer', {
        field: 'opportunityId',
      });
    }
    if (args.set.type !== undefined) checkType(s, args.set.type);
    const occurredAt = args.set.occurredAt ?? current.occurredAt;
    const next = args.set.nextFollowUpAt === undefined ? current.nextFollowUpAt : args.set.nextFollowUpAt;
    if (occurredAt > ctx.now + MAX_FUTURE_SKEW_MS) {
      throw new AppError('validation', 'occurredAt: a follow-up cannot happen in the future', {
        field: 'occurredAt',
      });
    }
    if (next !== null && next < occurredAt) {
      throw new AppError(
        'validation',
        'nextFollowUpAt: Next follow-up must not be before the follow-up itself',
        {
          field: 'nextFollowUpAt',
        },
      );
    }
    const { attrs, ...set } = args.set;
    const a = planAttrs({
      entity: 'followUp',
      table: 'followUps',
      id: current.id,
      attrs,
      templateVersionId: args.templateVersionId,
      template,
      catalog,
      current,
      ctx,
    });
    const effects: Effect[] = [
      ...a.effects,
      {
        kind: 'update',
        table: 'followUps',
        id: current.id,
        set: { ...set, ...attrsSet(a), updatedAt: ctx.now },
      },
    ];
    const target = customer as NonNullable<typeof customer>;
    if (target.lastFollowUpAt === null || occurredAt > target.lastFollowUpAt) {
      effects.push({
        kind: 'update',
        table: 'customers',
        id: target.id,
        set: { lastFollowUpAt: occurredAt, updatedAt: ctx.now },
      });
    }
    return effects;
  },
});

export const deleteFollowUpArgs = z.object({ id: z.uuid(), customerId: z.uuid() });
export type DeleteFollowUpArgs = z.infer<typeof deleteFollowUpArgs>;

/**
 * The author withdraws a follow-up within the edit window. A soft delete: the server keeps the row with
 * `deleted_at` (audit), devices drop it from the timeline.
 */
export const deleteFollowUp = defineMutation({
  name: 'deleteFollowUp',
  args: deleteFollowUpArgs,
  reads: (args, org) => ({
    followUp: read('followUps', args.id),
    customer: read('customers', args.customerId),
    settings: read('settings', org.orgId),
  }),
  plan: (args, { followUp, customer, settings }, ctx) => {
    const current = editableFollowUp(followUp, customer, settingsOf(settings, ctx), ctx);
    return [{ kind: 'delete', table: 'followUps', id: current.id }];
  },
});
