import type { ContactRow } from '../../../../../shared/domain/rows';
import { addContactInput, updateContactArgs } from '../../../../../shared/mutations/contacts';
import type { ApiInput } from '../../../../../shared/api/contract';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

export const CONTACT_FORM_FIELDS = ['name', 'title', 'phone', 'email', 'wechat'] as const;
export type ContactFormField = (typeof CONTACT_FORM_FIELDS)[number];
export type ContactFormValues = Record<ContactFormField, string> & { isPrimary: boolean };
export type ContactFormErrors = Partial<Record<ContactFormField, FieldProblem>>;

export function emptyContactForm(): ContactFormValues {
  return { name: '', title: '', phone: '', email: '', wechat: '', isPrimary: false };
}

/**
 * Checks a new contact with the SAME schema the core and the server's mutator apply (`addContactInput`)
 * and builds the `contacts.add` input; errors per field so they show under each one as the user types.
 */
export function validateContactForm(
  customerId: string,
  v: ContactFormValues,
): { errors: ContactFormErrors; input: ApiInput<'contacts.add'> | null } {
  const result = addContactInput.safeParse({ customerId, ...v });
  if (result.success) return { errors: {}, input: result.data };
  const errors: ContactFormErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0];
    if (typeof field !== 'string' || !(CONTACT_FORM_FIELDS as readonly string[]).includes(field)) continue;
    const f = field as ContactFormField;
    errors[f] ??= problemFor(f, issue.code, 'maximum' in issue ? issue.maximum : undefined);
  }
  return { errors, input: null };
}

/** The form a contact's edit starts from: its values as they stand. */
export function contactFormValues(c: ContactRow): ContactFormValues {
  return {
    name: c.name,
    title: c.title ?? '',
    phone: c.phone ?? '',
    email: c.email ?? '',
    wechat: c.wechat ?? '',
    isPrimary: c.isPrimary,
  };
}

/**
 * Checks a contact's edit with the shared `updateContactArgs` (the schema the core and the server apply):
 * only the changed fields go in `set` (surrounding blanks do not count), each with the value this device
 * saw in `base`. `attrs` are the profile's changed keys (and `attrsBase` what was seen), merged key by
 * key by the server. `input` is null when nothing changed or something is wrong.
 */
export function validateContactEdit(
  c: ContactRow,
  v: ContactFormValues,
  profile: {
    set: Record<string, unknown>;
    base: Record<string, unknown>;
    templateVersionId: string;
  } | null = null,
): { errors: ContactFormErrors; input: ApiInput<'contacts.update'> | null; changed: boolean } {
  const before = contactFormValues(c);
  const set: Record<string, unknown> = {};
  const base: Record<string, unknown> = {};
  for (const f of CONTACT_FORM_FIELDS) {
    if (v[f].trim() === before[f].trim()) continue;
    set[f] = v[f];
    base[f] = c[f];
  }
  if (v.isPrimary !== c.isPrimary) {
    set.isPrimary = v.isPrimary;
    base.isPrimary = c.isPrimary;
  }
  if (profile) {
    set.attrs = profile.set;
    base.attrs = profile.base;
  }
  const changed = Object.keys(set).length > 0;
  if (!changed) return { errors: {}, input: null, changed };
  const result = updateContactArgs.safeParse({
    id: c.id,
    customerId: c.customerId,
    set,
    base,
    ...(profile ? { templateVersionId: profile.templateVersionId } : {}),
  });
  if (result.success) return { errors: {}, input: result.data, changed };
  const errors: ContactFormErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path[0] === 'set' ? issue.path[1] : undefined;
    if (typeof field !== 'string' || !(CONTACT_FORM_FIELDS as readonly string[]).includes(field)) continue;
    const f = field as ContactFormField;
    errors[f] ??= problemFor(f, issue.code, 'maximum' in issue ? issue.maximum : undefined);
  }
  return { errors, input: null, changed };
}

/** `set.phone` (how the core names a field of an edit) → `phone`, when it is one of the form's fields. */
export function contactFormFieldOf(path: string | undefined): ContactFormField | null {
  const leaf = (path ?? '').replace(/^set\./, '');
  return (CONTACT_FORM_FIELDS as readonly string[]).includes(leaf) ? (leaf as ContactFormField) : null;
}

function problemFor(field: ContactFormField, code: string, maximum: unknown): FieldProblem {
  if (code === 'too_big') return { key: 'tooLong', params: { max: Number(maximum) } };
  if (field === 'name') return { key: 'required' };
  if (field === 'phone') return { key: 'invalidPhone' };
  if (field === 'email') return { key: 'invalidEmail' };
  return { key: 'invalid' };
}
