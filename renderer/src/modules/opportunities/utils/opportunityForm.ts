import type { ApiInput, OpportunityItem } from '../../../../../shared/api/contract';
import { CURRENCIES, type Currency } from '../../../../../shared/domain/rows';
import type { SettingsRow } from '../../../../../shared/domain/settings';
import { newOpportunityFields } from '../../../../../shared/mutations/leads';
import { createOpportunityInput, updateOpportunityArgs } from '../../../../../shared/mutations/opportunities';
import { fromDateValueEndOfDay, parseMoneyInput, toDateValue, toMoneyInputValue } from '../../../i18n/format';
import type { FieldProblem } from '../../followUps/utils/followUpForm';
import { openStages } from './stages';

/** The opportunity form's controls, as raw strings ('' = no value). */
export const OPPORTUNITY_FORM_FIELDS = ['name', 'amount', 'currency', 'stageKey', 'expectedCloseAt'] as const;
export type OpportunityFormField = (typeof OPPORTUNITY_FORM_FIELDS)[number];
export type OpportunityFormValues = Record<OpportunityFormField, string>;
export type OpportunityFormErrors = Partial<Record<OpportunityFormField, FieldProblem>>;

/** Fields an edit may change (the stage moves through "move to stage", with its history). */
export const EDITABLE_OPPORTUNITY_FIELDS = ['name', 'amount', 'currency', 'expectedCloseAt'] as const;

export function isCurrency(value: string): value is Currency {
  return (CURRENCIES as readonly string[]).includes(value);
}

/** A blank opportunity in the first open stage, in yuan unless told otherwise. */
export function emptyOpportunityForm(settings: SettingsRow, name = ''): OpportunityFormValues {
  return {
    name,
    amount: '',
    currency: 'CNY',
    stageKey: openStages(settings)[0]?.key ?? '',
    expectedCloseAt: '',
  };
}

export function opportunityFormValues(o: OpportunityItem): OpportunityFormValues {
  return {
    name: o.name,
    amount: toMoneyInputValue(o.amountMinor, o.currency),
    currency: o.currency,
    stageKey: o.stageKey,
    expectedCloseAt: o.expectedCloseAt === null ? '' : toDateValue(o.expectedCloseAt),
  };
}

/** The fields as the shared schemas take them: minor units, an instant for the close date. */
export function toOpportunityFields(v: OpportunityFormValues) {
  const currency = isCurrency(v.currency) ? v.currency : 'CNY';
  const amount = parseMoneyInput(v.amount, currency);
  return {
    name: v.name,
    // A blank amount is missing (undefined → "required"), a malformed one NaN (→ "invalid amount").
    amountMinor: amount === null ? undefined : amount,
    currency: v.currency,
    stageKey: v.stageKey,
    expectedCloseAt: fromDateValueEndOfDay(v.expectedCloseAt),
  };
}

type Issue = { code: string; maximum?: unknown; path: readonly PropertyKey[] };

/** The core's name of a field (`amountMinor`, `opportunity.stageKey`, `set.name`) → the form's. */
export function opportunityFormFieldOf(path: string | undefined): OpportunityFormField | null {
  const leaf = (path ?? '').replace(/^(set|opportunity)\./, '');
  if (leaf === 'amountMinor') return 'amount';
  return (OPPORTUNITY_FORM_FIELDS as readonly string[]).includes(leaf)
    ? (leaf as OpportunityFormField)
    : null;
}

/** Per form field, the first problem the schema found; `prefix` is the path before the field. */
export function opportunityProblems(
  issues: readonly Issue[],
  prefix: readonly string[] = [],
): OpportunityFormErrors {
  const errors: OpportunityFormErrors = {};
  for (const issue of issues) {
    if (prefix.some((p, i) => issue.path[i] !== p)) continue;
    const field = opportunityFormFieldOf(String(issue.path[prefix.length] ?? ''));
    if (!field || errors[field]) continue;
    errors[field] = problemFor(field, issue);
  }
  return errors;
}

function problemFor(field: OpportunityFormField, issue: Issue): FieldProblem {
  if (issue.code === 'too_big') {
    return field === 'amount'
      ? { key: 'amountTooLarge' }
      : { key: 'tooLong', params: { max: Number(issue.maximum) } };
  }
  switch (field) {
    case 'name':
      return { key: 'required' };
    case 'amount':
      // Blank is told apart by the callers (amountRequired); anything else here is a malformed amount.
      return { key: 'invalidAmount' };
    case 'currency':
    case 'stageKey':
      return { key: 'chooseOne' };
    case 'expectedCloseAt':
      return { key: 'invalidDate' };
  }
}

/**
 * The mutator's rule the schema cannot know: a new opportunity starts in an active open stage of the
 * org's settings.
 */
function stageProblem(settings: SettingsRow, stageKey: string): FieldProblem | undefined {
  return openStages(settings).some((s) => s.key === stageKey) ? undefined : { key: 'chooseOne' };
}

/** Checks a new opportunity with the shared `createOpportunityInput` and builds the input. */
export function validateNewOpportunity(
  customerId: string,
  v: OpportunityFormValues,
  settings: SettingsRow,
): { errors: OpportunityFormErrors; input: ApiInput<'opportunities.create'> | null } {
  const fields = toOpportunityFields(v);
  const result = createOpportunityInput.safeParse({ customerId, ...fields });
  const errors = result.success ? {} : opportunityProblems(result.error.issues);
  if (fields.amountMinor === undefined) errors.amount = { key: 'amountRequired' };
  const stage = stageProblem(settings, v.stageKey);
  if (stage && !errors.stageKey) errors.stageKey = stage;
  if (!result.success || Object.keys(errors).length > 0) return { errors, input: null };
  return { errors: {}, input: result.data };
}

/**
 * Checks the opportunity part of a lead conversion (the shared `newOpportunityFields`): the same rules
 * as a new opportunity, without a customer yet.
 */
export function validateConversionOpportunity(
  v: OpportunityFormValues,
  settings: SettingsRow,
): { errors: OpportunityFormErrors; value: ApiInput<'leads.convert'>['opportunity'] | null } {
  const fields = toOpportunityFields(v);
  const result = newOpportunityFields.safeParse(fields);
  const errors = result.success ? {} : opportunityProblems(result.error.issues);
  if (fields.amountMinor === undefined) errors.amount = { key: 'amountRequired' };
  const stage = stageProblem(settings, v.stageKey);
  if (stage && !errors.stageKey) errors.stageKey = stage;
  if (!result.success || Object.keys(errors).length > 0) return { errors, value: null };
  return { errors: {}, value: result.data };
}

/**
 * Checks an edit with the shared `updateOpportunityArgs`: only the changed fields go in `set`, each with
 * the value this device saw in `base` (the server merges field by field, as for customers). `input` is
 * null when nothing changed or something is wrong.
 */
export function validateOpportunityEdit(
  o: OpportunityItem,
  v: OpportunityFormValues,
  /** The profile's changed attributes, the values seen, and the template version they were entered under. */
  profile: {
    set: Record<string, unknown>;
    base: Record<string, unknown>;
    templateVersionId: string;
  } | null = null,
): { errors: OpportunityFormErrors; input: ApiInput<'opportunities.update'> | null; changed: boolean } {
  const fields = toOpportunityFields(v);
  const errors: OpportunityFormErrors = {};
  if (fields.amountMinor === undefined) errors.amount = { key: 'amountRequired' };
  const set: Record<string, unknown> = {};
  const base: Record<string, unknown> = {};
  if (v.name.trim() !== o.name) {
    set.name = v.name;
    base.name = o.name;
  }
  if (fields.amountMinor !== o.amountMinor) {
    set.amountMinor = fields.amountMinor;
    base.amountMinor = o.amountMinor;
  }
  if (v.currency !== o.currency) {
    set.currency = v.currency;
    base.currency = o.currency;
  }
  if (fields.expectedCloseAt !== o.expectedCloseAt) {
    set.expectedCloseAt = fields.expectedCloseAt;
    base.expectedCloseAt = o.expectedCloseAt;
  }
  if (profile) {
    set.attrs = profile.set;
    base.attrs = profile.base;
  }
  const changed = Object.keys(set).length > 0;
  if (!changed) return { errors, input: null, changed };
  const result = updateOpportunityArgs.safeParse({
    id: o.id,
    customerId: o.customerId,
    set,
    base,
    ...(profile ? { templateVersionId: profile.templateVersionId } : {}),
  });
  if (!result.success) Object.assign(errors, opportunityProblems(result.error.issues, ['set']));
  if (Object.keys(errors).length > 0 || !result.success) return { errors, input: null, changed };
  return { errors: {}, input: result.data, changed };
}
