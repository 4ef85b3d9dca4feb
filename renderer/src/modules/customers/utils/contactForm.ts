import { addContactInput } from '../../../../../shared/mutations/contacts';
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

function problemFor(field: ContactFormField, code: string, maximum: unknown): FieldProblem {
  if (code === 'too_big') return { key: 'tooLong', params: { max: Number(maximum) } };
  if (field === 'name') return { key: 'required' };
  if (field === 'phone') return { key: 'invalidPhone' };
  if (field === 'email') return { key: 'invalidEmail' };
  return { key: 'invalid' };
}
