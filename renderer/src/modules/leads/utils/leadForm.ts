import type { ApiInput } from '../../../../../shared/api/contract';
import { createLeadInput } from '../../../../../shared/mutations/leads';
import type { FieldProblem } from '../../followUps/utils/followUpForm';

/**
 * The new-lead form: the company (or person) and, optionally, the person met, who becomes the lead's
 * primary contact. Field names are the form's; `contact*` map onto `contact.<field>` of the input.
 */
export const LEAD_FORM_FIELDS = [
  'name',
  'industry',
  'region',
  'phone',
  'source',
  'contactName',
  'contactTitle',
  'contactPhone',
  'contactEmail',
  'contactWechat',
] as const;
export type LeadFormField = (typeof LEAD_FORM_FIELDS)[number];
export type LeadFormValues = Record<LeadFormField, string>;
export type LeadFormErrors = Partial<Record<LeadFormField, FieldProblem>>;

const CONTACT_FIELDS = {
  contactName: 'name',
  contactTitle: 'title',
  contactPhone: 'phone',
  contactEmail: 'email',
  contactWechat: 'wechat',
} as const satisfies Partial<Record<LeadFormField, string>>;
type ContactFormField = keyof typeof CONTACT_FIELDS;

export function emptyLeadForm(): LeadFormValues {
  const v = {} as LeadFormValues;
  for (const f of LEAD_FORM_FIELDS) v[f] = '';
  return v;
}

/** The `leads.create` input the values stand for: no contact at all when every person field is blank. */
export function toCreateLeadInput(v: LeadFormValues): ApiInput<'leads.create'> {
  const contactGiven = (Object.keys(CONTACT_FIELDS) as ContactFormField[]).some((f) => v[f].trim() !== '');
  return {
    name: v.name,
    industry: v.industry,
    region: v.region,
    phone: v.phone,
    source: v.source,
    contact: contactGiven
      ? {
          name: v.contactName,
          title: v.contactTitle,
          phone: v.contactPhone,
          email: v.contactEmail,
          wechat: v.contactWechat,
        }
      : null,
  };
}

/** `contact.phone` (how the core names a field of the person) → `contactPhone`, or the plain field. */
export function leadFormFieldOf(path: string | undefined): LeadFormField | null {
  if (!path) return null;
  const m = /^contact\.(\w+)$/.exec(path);
  if (m) {
    const entry = Object.entries(CONTACT_FIELDS).find(([, leaf]) => leaf === m[1]);
    return entry ? (entry[0] as LeadFormField) : null;
  }
  return (LEAD_FORM_FIELDS as readonly string[]).includes(path) ? (path as LeadFormField) : null;
}

/** Checks the form with the shared `createLeadInput` (the core's channel schema) and builds the input. */
export function validateLeadForm(v: LeadFormValues): {
  errors: LeadFormErrors;
  input: ApiInput<'leads.create'> | null;
} {
  const input = toCreateLeadInput(v);
  const result = createLeadInput.safeParse(input);
  if (result.success) return { errors: {}, input: result.data };
  const errors: LeadFormErrors = {};
  for (const issue of result.error.issues) {
    const field = leadFormFieldOf(issue.path.map(String).join('.'));
    if (!field || errors[field]) continue;
    errors[field] = problemFor(field, issue);
  }
  return { errors, input: null };
}

function problemFor(field: LeadFormField, issue: { code: string; maximum?: unknown }): FieldProblem {
  if (issue.code === 'too_big') return { key: 'tooLong', params: { max: Number(issue.maximum) } };
  switch (field) {
    case 'name':
    case 'contactName':
      return { key: 'required' };
    case 'phone':
    case 'contactPhone':
      return { key: 'invalidPhone' };
    case 'contactEmail':
      return { key: 'invalidEmail' };
    default:
      return { key: 'invalid' };
  }
}
