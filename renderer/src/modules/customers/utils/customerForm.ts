import type { ApiInput } from '../../../../../shared/api/contract';
import type { CustomerRow } from '../../../../../shared/domain/rows';
import { createCustomerArgs, updateCustomerArgs } from '../../../../../shared/mutations/customers';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/**
 * The base fields a rep edits on the detail page, in the form's reading order (ownership and pool change
 * only through the server).
 */
export const CUSTOMER_FORM_FIELDS = [
  'name',
  'shortName',
  'creditCode',
  'industry',
  'region',
  'phone',
  'website',
  'address',
  'source',
  'level',
  'status',
] as const;
export type CustomerFormField = (typeof CUSTOMER_FORM_FIELDS)[number];

/** What a new customer starts with: every base field but the status (a new customer is always active). */
export const NEW_CUSTOMER_FIELDS = CUSTOMER_FORM_FIELDS.filter(
  (f): f is Exclude<CustomerFormField, 'status'> => f !== 'status',
);
export type NewCustomerField = (typeof NEW_CUSTOMER_FIELDS)[number];

/** The raw strings of the form's controls ('' = no value). */
export type CustomerFormValues = Record<CustomerFormField, string>;
export type CustomerFormErrors = Partial<Record<CustomerFormField, FieldProblem>>;

/** The customer as loaded: what the form starts from, and the `base` an edit is merged against. */
export type EditableCustomer = Pick<CustomerRow, 'id' | CustomerFormField>;

/** A blank new-customer form ('' everywhere; the status control is not shown). */
export function emptyCustomerForm(): CustomerFormValues {
  const values = {} as CustomerFormValues;
  for (const f of CUSTOMER_FORM_FIELDS) values[f] = '';
  values.status = 'active';
  return values;
}

export function customerFormValues(c: EditableCustomer): CustomerFormValues {
  const values = {} as CustomerFormValues;
  for (const f of CUSTOMER_FORM_FIELDS) values[f] = c[f] ?? '';
  return values;
}

/** Fields whose value the user really changed (surrounding blanks and ''/null differences do not count). */
export function changedCustomerFields(c: EditableCustomer, v: CustomerFormValues): CustomerFormField[] {
  return CUSTOMER_FORM_FIELDS.filter((f) => (c[f] ?? '').trim() !== v[f].trim());
}

/**
 * Checks the changed fields with the SAME schema the core and the server's mutator apply
 * (`updateCustomerArgs`) and builds the `customers.update` input: only what changed goes in `set`, and
 * `base` carries what this device saw for each of those fields, so the server's field-level merge keeps a
 * colleague's concurrent edit of another field and turns a same-field race into a conflict, not a silent
 * overwrite. `input` is null when nothing changed or something is wrong.
 */
export function validateCustomerForm(
  c: EditableCustomer,
  v: CustomerFormValues,
): { errors: CustomerFormErrors; input: ApiInput<'customers.update'> | null; changed: CustomerFormField[] } {
  const changed = changedCustomerFields(c, v);
  if (changed.length === 0) return { errors: {}, input: null, changed };
  const set: Record<string, string> = {};
  const base: Record<string, unknown> = {};
  for (const f of changed) {
    set[f] = v[f];
    base[f] = c[f];
  }
  const result = updateCustomerArgs.safeParse({ id: c.id, set, base });
  if (result.success) return { errors: {}, input: result.data, changed };
  return { errors: problemsOf(result.error.issues, 1), input: null, changed };
}

/**
 * The `customers.create` input as the core checks it: the shared `createCustomerArgs` without the id
 * (the core makes it). The schema has no refinements, so `.omit` keeps every rule.
 */
export const newCustomerSchema = createCustomerArgs.omit({ id: true });

/**
 * Checks a new customer with the SAME schema the core and the server's mutator apply and builds the
 * `customers.create` input (trimmed, blanks as null, credit code upper-cased). `input` is null while
 * something is wrong; errors are per field, so they can show under each one as the user types.
 */
export function validateNewCustomerForm(v: CustomerFormValues): {
  errors: CustomerFormErrors;
  input: ApiInput<'customers.create'> | null;
} {
  const raw: Record<string, string> = {};
  for (const f of NEW_CUSTOMER_FIELDS) raw[f] = v[f];
  const result = newCustomerSchema.safeParse(raw);
  if (result.success) return { errors: {}, input: result.data };
  return { errors: problemsOf(result.error.issues, 0), input: null };
}

type Issue = { code: string; maximum?: unknown; path: readonly PropertyKey[] };

/**
 * Per form field, the first problem zod found; `depth` is where the field's name sits in the path (1:
 * under `set`, as an edit or a lead conversion names them).
 */
export function problemsOf(issues: readonly Issue[], depth: number): CustomerFormErrors {
  const errors: CustomerFormErrors = {};
  for (const issue of issues) {
    if (depth === 1 && issue.path[0] !== 'set') continue;
    const field = issue.path[depth];
    if (typeof field !== 'string' || !(CUSTOMER_FORM_FIELDS as readonly string[]).includes(field)) continue;
    const f = field as CustomerFormField;
    errors[f] ??= problemFor(f, issue);
  }
  return errors;
}

function problemFor(field: CustomerFormField, issue: Issue): FieldProblem {
  if (issue.code === 'too_big') return { key: 'tooLong', params: { max: Number(issue.maximum) } };
  switch (field) {
    case 'name':
      return { key: 'required' };
    case 'phone':
      return { key: 'invalidPhone' };
    case 'website':
      return { key: 'invalidWebsite' };
    case 'creditCode':
      return { key: 'invalidCreditCode' };
    case 'level':
    case 'status':
      return { key: 'chooseOne' };
    default:
      return { key: 'invalid' };
  }
}

/** `set.phone` (how the core names a field of an edit) → `phone`, when it is one of the form's fields. */
export function customerFormFieldOf(path: string | undefined): CustomerFormField | null {
  const leaf = (path ?? '').replace(/^set\./, '');
  return (CUSTOMER_FORM_FIELDS as readonly string[]).includes(leaf) ? (leaf as CustomerFormField) : null;
}
