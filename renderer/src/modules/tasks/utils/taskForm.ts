import type { ApiInput } from '../../../../../shared/api/contract';
import { createTaskInput } from '../../../../../shared/mutations/tasks';
import { fromDateValueEndOfDay, startOfDay, toDateValue } from '../../../i18n/format';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/** The new-task form's controls ('' = none). The due date means the end of that day, as a rep plans. */
export const TASK_FORM_FIELDS = ['title', 'type', 'dueAt', 'assigneeId'] as const;
export type TaskFormField = (typeof TASK_FORM_FIELDS)[number];
export type TaskFormValues = Record<TaskFormField, string>;
export type TaskFormErrors = Partial<Record<TaskFormField, FieldProblem>>;

/** A visit tomorrow, for the customer's owner (or the user): the most common plan. */
export function emptyTaskForm(now: number, type: string, assigneeId: string): TaskFormValues {
  return { title: '', type, dueAt: toDateValue(now + 24 * 3_600_000), assigneeId };
}

/**
 * Checks the form with the shared `createTaskInput` (the core's channel schema) plus the mutator's type
 * rule (an active type of the org) and one rule of the form: a plan is for today or later.
 */
export function validateTaskForm(
  customerId: string,
  v: TaskFormValues,
  now: number,
  activeTypes: readonly string[],
): { errors: TaskFormErrors; input: ApiInput<'tasks.create'> | null } {
  const dueAt = fromDateValueEndOfDay(v.dueAt);
  const result = createTaskInput.safeParse({
    customerId,
    assigneeId: v.assigneeId,
    title: v.title,
    type: v.type,
    dueAt: dueAt ?? undefined,
  });
  const errors: TaskFormErrors = {};
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0];
      if (typeof field !== 'string' || !(TASK_FORM_FIELDS as readonly string[]).includes(field)) continue;
      const f = field as TaskFormField;
      if (errors[f]) continue;
      if (f === 'title') {
        errors.title =
          issue.code === 'too_big'
            ? { key: 'tooLong', params: { max: Number(issue.maximum) } }
            : { key: 'required' };
      } else if (f === 'dueAt')
        errors.dueAt = v.dueAt.trim() === '' ? { key: 'required' } : { key: 'invalidDate' };
      else errors[f] = { key: 'chooseOne' };
    }
  }
  if (!errors.type && !activeTypes.includes(v.type)) errors.type = { key: 'chooseOne' };
  if (!errors.dueAt && dueAt !== null && Number.isFinite(dueAt) && dueAt < startOfDay(now)) {
    errors.dueAt = { key: 'dueInPast' };
  }
  if (!result.success || Object.keys(errors).length > 0) return { errors, input: null };
  return { errors, input: result.data };
}
