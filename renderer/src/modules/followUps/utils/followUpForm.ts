import type { ApiInput, FollowUpItem } from '../../../../../shared/api/contract';
import {
  logFollowUpInput,
  MAX_FUTURE_SKEW_MS,
  updateFollowUpArgs,
} from '../../../../../shared/mutations/followUps';
import {
  fromDateTimeLocalValue,
  fromDateValueEndOfDay,
  toDateTimeLocalValue,
  toDateValue,
} from '../../../i18n/format';

/** What the log-follow-up form holds: the raw strings of its controls ('' = none). */
export type FollowUpFormValues = {
  /** A key of the org's follow-up types. */
  type: string;
  content: string;
  outcome: string;
  /** `datetime-local` value, device time zone. */
  occurredAt: string;
  /** `date` value or blank. */
  nextFollowUpAt: string;
  contactId: string;
  opportunityId: string;
};
export type FollowUpFormField = keyof FollowUpFormValues;
export const FOLLOW_UP_FORM_FIELDS: readonly FollowUpFormField[] = [
  'type',
  'contactId',
  'opportunityId',
  'content',
  'outcome',
  'occurredAt',
  'nextFollowUpAt',
];

/** A problem with one field, as a translation key (under `validation.`) and its parameters. */
export type FieldProblem = { key: string; params?: Record<string, string | number> };
export type FollowUpFormErrors = Partial<Record<FollowUpFormField, FieldProblem>>;

/**
 * A blank form: happening now, of `type` (what a task planned, else a visit, the rep's most frequent
 * act), or the first type the org offers when that one is retired.
 */
export function emptyFollowUpForm(
  now: number,
  type = 'visit',
  activeTypes?: readonly string[],
): FollowUpFormValues {
  const chosen = !activeTypes || activeTypes.includes(type) ? type : (activeTypes[0] ?? type);
  return {
    type: chosen,
    content: '',
    outcome: '',
    occurredAt: toDateTimeLocalValue(now),
    nextFollowUpAt: '',
    contactId: '',
    opportunityId: '',
  };
}

/** The form a follow-up's author corrects: its values as they stand. */
export function followUpFormValues(f: FollowUpItem): FollowUpFormValues {
  return {
    type: f.type,
    content: f.content,
    outcome: f.outcome ?? '',
    occurredAt: toDateTimeLocalValue(f.occurredAt),
    nextFollowUpAt: f.nextFollowUpAt === null ? '' : toDateValue(f.nextFollowUpAt),
    contactId: f.contactId ?? '',
    opportunityId: f.opportunityId ?? '',
  };
}

/**
 * The `followUps.log` input the form's values stand for (the core makes the ids); `completesTaskId` when
 * it answers a planned task (Today's "Log").
 */
export function toLogFollowUpInput(
  customerId: string,
  v: FollowUpFormValues,
  completesTaskId: string | null = null,
): ApiInput<'followUps.log'> {
  return {
    customerId,
    contactId: v.contactId || null,
    opportunityId: v.opportunityId || null,
    type: v.type,
    content: v.content,
    outcome: v.outcome,
    occurredAt: fromDateTimeLocalValue(v.occurredAt),
    nextFollowUpAt: fromDateValueEndOfDay(v.nextFollowUpAt),
    completesTaskId,
  };
}

type Issue = { code: string; maximum?: unknown; minimum?: unknown; path: readonly PropertyKey[] };

/** Per form field, the first issue zod found; `depth` is where the field's name sits in the path. */
function problemsOf(issues: readonly Issue[], v: FollowUpFormValues, depth: number): FollowUpFormErrors {
  const errors: FollowUpFormErrors = {};
  for (const issue of issues) {
    const field = issue.path[depth];
    if (typeof field !== 'string' || !(FOLLOW_UP_FORM_FIELDS as readonly string[]).includes(field)) continue;
    const f = field as FollowUpFormField;
    errors[f] ??= problemFor(f, issue, v);
  }
  return errors;
}

/** The mutators' rules the schemas cannot know: an active type of the org, and the device clock. */
function extraRules(
  errors: FollowUpFormErrors,
  v: FollowUpFormValues,
  occurredAt: number,
  now: number,
  activeTypes?: readonly string[],
): FollowUpFormErrors {
  if (!errors.type && activeTypes && !activeTypes.includes(v.type)) errors.type = { key: 'chooseOne' };
  if (!errors.occurredAt && Number.isFinite(occurredAt) && occurredAt > now + MAX_FUTURE_SKEW_MS) {
    errors.occurredAt = { key: 'future' };
  }
  return errors;
}

/**
 * Checks the form with the SAME schema the core (`followUps.log`) and the server's mutator use
 * (`logFollowUpInput` = `logFollowUpArgs` without the ids), plus the mutator's clock rule and, given the
 * org's active types, its type rule; says per field what is wrong. Empty result = the core will accept it.
 */
export function validateFollowUpForm(
  customerId: string,
  v: FollowUpFormValues,
  now: number,
  activeTypes?: readonly string[],
): FollowUpFormErrors {
  const input = toLogFollowUpInput(customerId, v);
  const result = logFollowUpInput.safeParse(input);
  const errors = result.success ? {} : problemsOf(result.error.issues, v, 0);
  return extraRules(errors, v, input.occurredAt, now, activeTypes);
}

/**
 * Checks an author's correction with the shared `updateFollowUpArgs`: only changed fields go in `set`
 * (the time compared to the minute, the next date by day, as the controls show them). `input` is null
 * when nothing changed or something is wrong.
 */
export function validateFollowUpEdit(
  f: FollowUpItem,
  v: FollowUpFormValues,
  now: number,
  activeTypes?: readonly string[],
  /** The profile's changed attributes (the template version they were entered under). */
  profile: { set: Record<string, unknown>; templateVersionId: string } | null = null,
): { errors: FollowUpFormErrors; input: ApiInput<'followUps.update'> | null; changed: boolean } {
  const before = followUpFormValues(f);
  const occurredAt = fromDateTimeLocalValue(v.occurredAt);
  const nextFollowUpAt = fromDateValueEndOfDay(v.nextFollowUpAt);
  const set: Record<string, unknown> = {};
  // A type the org retired since stays allowed on an old entry as long as it is not changed.
  if (v.type !== before.type) set.type = v.type;
  if (v.content.trim() !== before.content.trim()) set.content = v.content;
  if (v.outcome.trim() !== before.outcome.trim()) set.outcome = v.outcome;
  if (v.occurredAt !== before.occurredAt) set.occurredAt = occurredAt;
  if (v.nextFollowUpAt !== before.nextFollowUpAt) set.nextFollowUpAt = nextFollowUpAt;
  if (v.contactId !== before.contactId) set.contactId = v.contactId || null;
  if (v.opportunityId !== before.opportunityId) set.opportunityId = v.opportunityId || null;
  if (profile) set.attrs = profile.set;
  const changed = Object.keys(set).length > 0;
  const result = updateFollowUpArgs.safeParse({
    id: f.id,
    customerId: f.customerId,
    set,
    ...(profile ? { templateVersionId: profile.templateVersionId } : {}),
  });
  const errors = result.success || !changed ? {} : problemsOf(result.error.issues, v, 1);
  const effectiveOccurred = Number.isFinite(occurredAt) ? occurredAt : f.occurredAt;
  if (
    !errors.nextFollowUpAt &&
    nextFollowUpAt !== null &&
    Number.isFinite(nextFollowUpAt) &&
    nextFollowUpAt < effectiveOccurred
  ) {
    errors.nextFollowUpAt = { key: 'nextBeforeOccurred' };
  }
  if (v.type !== before.type) extraRules(errors, v, occurredAt, now, activeTypes);
  else extraRules(errors, v, occurredAt, now);
  if (!changed || !result.success || hasErrors(errors)) return { errors, input: null, changed };
  return { errors, input: result.data, changed };
}

function problemFor(field: FollowUpFormField, issue: Issue, v: FollowUpFormValues): FieldProblem {
  switch (field) {
    case 'type':
    case 'contactId':
    case 'opportunityId':
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
