import type { ApiInput } from '../../../../../shared/api/contract';
import type { CustomerRow } from '../../../../../shared/domain/rows';
import { updateCustomerArgs } from '../../../../../shared/mutations/customers';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/** The base fields a rep edits on the detail page (ownership and pool change only through the server). */
export const CUSTOMER_FORM_FIELDS = [
  'name',
  'shortName',
  'industry',
  'region',
  'address',
  'phone',
  'website',
  'level',
  'status',
] as const;
export type CustomerFormField = (typeof CUSTOMER_FORM_FIELDS)[number];

/** The raw strings of the form's controls ('' = no value). */
export type CustomerFormValues = Record<CustomerFormField, string>;
export type CustomerFormErrors = Partial<Record<CustomerFormField, FieldProblem>>;

/** The customer as loaded: what the form starts from, and the `base` an edit is merged against. */
export type EditableCustomer = Pick<CustomerRow, 'id' | CustomerFormField>;

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
  const errors: CustomerFormErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] === 'set' ? issue.path[1] : undefined;
    if (typeof field !== 'string' || !(CUSTOMER_FORM_FIELDS as readonly string[]).includes(field)) continue;
    const f = field as CustomerFormField;
    errors[f] ??= problemFor(f, issue);
  }
  return { errors, input: null, changed };
}

type Issue = { code: string; maximum?: unknown };

function problemFor(field: CustomerFormField, issue: Issue): FieldProblem {
  if (issue.code === 'too_big') return { key: 'tooLong', params: { max: Number(issue.maximum) } };
  switch (field) {
    case 'name':
      return { key: 'required' };
    case 'phone':
      return { key: 'invalidPhone' };
    case 'website':
      return { key: 'invalidWebsite' };
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
