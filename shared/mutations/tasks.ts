import { z } from 'zod';
import { AppError } from '../errors';
import { optionKeySchema } from '../domain/rows';
import { defaultSettings } from '../domain/settings';
import { requiredText } from '../domain/validators';
import { visibleCustomer } from './customers';
import { defineMutation, read } from './types';

export const createTaskArgs = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  assigneeId: z.uuid(),
  title: requiredText(200),
  type: optionKeySchema,
  dueAt: z.int().positive(),
});
export type CreateTaskArgs = z.infer<typeof createTaskArgs>;
export const createTaskInput = createTaskArgs.omit({ id: true });

/**
 * Plans a follow-up (SPEC §2 Task): a rep for themself on a customer of their private sea, a manager for
 * any rep of their team on that rep's customer. Completed by logging a follow-up.
 */
export const createTask = defineMutation({
  name: 'createTask',
  args: createTaskArgs,
  reads: (args, org) => ({
    customer: read('customers', args.customerId),
    assignee: read('users', args.assigneeId),
    settings: read('settings', org.orgId),
    existing: read('tasks', args.id),
  }),
  plan: (args, { customer, assignee, settings, existing }, ctx) => {
    const target = visibleCustomer(customer, ctx);
    if (existing) throw new AppError('conflict', `id: task ${args.id} already exists`, { field: 'id' });
    // Tasks travel with their customer (to its owner's devices): a task is for the customer's owner.
    // A rep plans for themself; a manager plans for the owning rep of a team customer.
    const mayAssign =
      assignee !== undefined &&
      assignee.active &&
      assignee.id === target.ownerId &&
      (ctx.role !== 'rep' || assignee.id === ctx.userId);
    if (!mayAssign) {
      throw new AppError('forbidden', "assigneeId: a task goes to the customer's owner", {
        field: 'assigneeId',
      });
    }
    const s = settings ?? defaultSettings(ctx.orgId);
    if (!s.followUpTypes.some((t) => t.key === args.type && t.active)) {
      throw new AppError('validation', `type: no follow-up type "${args.type}"`, { field: 'type' });
    }
    return [
      {
        kind: 'insert',
        table: 'tasks',
        row: {
          ...args,
          customerId: target.id,
          orgId: ctx.orgId,
          origin: 'manual',
          status: 'open',
          sourceFollowUpId: null,
          doneFollowUpId: null,
          doneAt: null,
          createdBy: ctx.userId,
          createdAt: ctx.now,
          updatedAt: ctx.now,
        },
      },
    ];
  },
});

export const cancelTaskArgs = z.object({ id: z.uuid(), customerId: z.uuid() });
export type CancelTaskArgs = z.infer<typeof cancelTaskArgs>;

/** Drops a planned follow-up that is no longer needed (its assignee, its creator or a manager). */
export const cancelTask = defineMutation({
  name: 'cancelTask',
  args: cancelTaskArgs,
  reads: (args) => ({ task: read('tasks', args.id), customer: read('customers', args.customerId) }),
  plan: (args, { task, customer }, ctx) => {
    if (!task || !customer || task.customerId !== customer.id) {
      throw new AppError('not_found', 'id: no such task', { field: 'id' });
    }
    visibleCustomer(customer, ctx, 'id');
    if (ctx.role === 'rep' && task.assigneeId !== ctx.userId && task.createdBy !== ctx.userId) {
      throw new AppError('forbidden', 'id: only its assignee or creator can cancel a task', { field: 'id' });
    }
    if (task.status !== 'open') {
      throw new AppError('conflict', 'id: this task is already closed', { field: 'id' });
    }
    return [
      { kind: 'update', table: 'tasks', id: task.id, set: { status: 'cancelled', updatedAt: ctx.now } },
    ];
  },
});
