import type { ApiInput } from '../../../../../shared/api/contract';
import type { FollowUpType } from '../../../../../shared/domain/rows';
import { logFollowUpInput, MAX_FUTURE_SKEW_MS } from '../../../../../shared/mutations/followUps';
import { fromDateTimeLocalValue, fromDateValueEndOfDay, toDateTimeLocalValue } from '../../../i18n/format';

/** What the log-follow-up form holds: the raw strings of its controls. */
export type FollowUpFormValues = {
  type: FollowUpType | '';
  content: string;
  outcome: string;
  /** `datetime-local` value, device time zone. */
  occurredAt: string;
  /** `date` value or blank. */
  nextFollowUpAt: string;
};
export type FollowUpFormField = keyof FollowUpFormValues;
export const FOLLOW_UP_FORM_FIELDS: readonly FollowUpFormField[] = [
  'type',
  'content',
  'outcome',
  'occurredAt',
  'nextFollowUpAt',
];

/** A problem with one field, as a translation key (under `validation.`) and its parameters. */
export type FieldProblem = { key: string; params?: Record<string, string | number> };
export type FollowUpFormErrors = Partial<Record<FollowUpFormField, FieldProblem>>;

export function emptyFollowUpForm(now: number): FollowUpFormValues {
  return {
    type: 'visit',
    content: '',
    outcome: '',
    occurredAt: toDateTimeLocalValue(now),
    nextFollowUpAt: '',
  };
}

/** The `followUps.log` input the form's values stand for (the core makes the id). */
export function toLogFollowUpInput(customerId: string, v: FollowUpFormValues): ApiInput<'followUps.log'> {
  return {
    customerId,
    type: v.type as FollowUpType,
    content: v.content,
    outcome: v.outcome,
    occurredAt: fromDateTimeLocalValue(v.occurredAt),
    nextFollowUpAt: fromDateValueEndOfDay(v.nextFollowUpAt),
  };
}

/**
 * Checks the form with the SAME schema the core (`followUps.log`) and the server's mutator use
 * (`logFollowUpInput` = `logFollowUpArgs` without the id), plus the
 * mutator's clock rule, and says per field what is wrong. Empty result = the core will accept it.
 */
export function validateFollowUpForm(
  customerId: string,
  v: FollowUpFormValues,
  now: number,
): FollowUpFormErrors {
  const input = toLogFollowUpInput(customerId, v);
  const errors: FollowUpFormErrors = {};
  const result = logFollowUpInput.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const field = issue.path[0];
      if (typeof field !== 'string' || !(FOLLOW_UP_FORM_FIELDS as readonly string[]).includes(field))
        continue;
      const f = field as FollowUpFormField;
      if (errors[f]) continue;
      errors[f] = problemFor(f, issue, v);
    }
  }
  if (
    !errors.occurredAt &&
    Number.isFinite(input.occurredAt) &&
    input.occurredAt > now + MAX_FUTURE_SKEW_MS
  ) {
    errors.occurredAt = { key: 'future' };
  }
  return errors;
}

type Issue = { code: string; maximum?: unknown; minimum?: unknown };

function problemFor(field: FollowUpFormField, issue: Issue, v: FollowUpFormValues): FieldProblem {
  switch (field) {
    case 'type':
      return { key: 'chooseOne' };
    case 'content':
    case 'outcome':
      if (issue.code === 'too_big') return { key: 'tooLong', params: { max: Number(issue.maximum) } };
      return { key: 'required' };
    case 'occurredAt':
      return v.occurredAt.trim() === '' ? { key: 'required' } : { key: 'invalidDate' };
    case 'nextFollowUpAt':
      return issue.code === 'custom' ? { key: 'nextBeforeOccurred' } : { key: 'invalidDate' };
  }
}

export function hasErrors(errors: FollowUpFormErrors): boolean {
  return Object.keys(errors).length > 0;
}
