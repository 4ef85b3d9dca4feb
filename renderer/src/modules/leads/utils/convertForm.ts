import type { ApiInput } from '../../../../../shared/api/contract';
import type { CustomerRow } from '../../../../../shared/domain/rows';
import type { SettingsRow } from '../../../../../shared/domain/settings';
import { convertLeadInput } from '../../../../../shared/mutations/leads';
import {
  customerFormValues,
  NEW_CUSTOMER_FIELDS,
  problemsOf,
  type CustomerFormErrors,
  type CustomerFormValues,
} from '../../customers/utils/customerForm';
import {
  validateConversionOpportunity,
  type OpportunityFormErrors,
  type OpportunityFormValues,
} from '../../opportunities/utils/opportunityForm';

/** The customer fields a conversion maps, in the form's order: every base field of a new customer. */
export const CONVERT_FIELDS = NEW_CUSTOMER_FIELDS;

/**
 * The conversion form starts from the lead: what the rep captured at the fair is carried into the
 * customer's fields, to be completed (credit code, short name, level…) and confirmed.
 */
export function convertFormValues(
  lead: Pick<CustomerRow, 'id' | (typeof CONVERT_FIELDS)[number] | 'status'>,
) {
  return customerFormValues(lead);
}

/**
 * Checks the conversion with the shared `convertLeadInput` (the core's channel schema): the customer's
 * fields as `set` (the field mapping's result, all of them: what the rep confirmed is what the customer
 * gets) and the optional opportunity. `input` is null while anything is wrong.
 */
export function validateConvertForm(
  leadId: string,
  values: CustomerFormValues,
  opportunity: OpportunityFormValues | null,
  settings: SettingsRow,
): {
  errors: CustomerFormErrors;
  opportunityErrors: OpportunityFormErrors;
  input: ApiInput<'leads.convert'> | null;
} {
  const set: Record<string, string> = {};
  for (const f of CONVERT_FIELDS) set[f] = values[f];
  const opp = opportunity ? validateConversionOpportunity(opportunity, settings) : null;
  const result = convertLeadInput.safeParse({ id: leadId, set, opportunity: null });
  const errors = result.success ? {} : problemsOf(result.error.issues, 1);
  const opportunityErrors = opp?.errors ?? {};
  if (!result.success || (opp && opp.value === null)) return { errors, opportunityErrors, input: null };
  return { errors, opportunityErrors, input: { ...result.data, opportunity: opp?.value ?? null } };
}
