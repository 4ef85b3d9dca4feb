import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../../../shared/api/contract';
import { getApi } from '../../../api/client';
import {
  CUSTOMER_FORM_FIELDS,
  customerFormValues,
  validateCustomerForm,
  type CustomerFormValues,
  type EditableCustomer,
} from '../utils/customerForm';
import { CustomerFormDialog } from './CustomerFormDialog';

/**
 * Edits a customer's base fields. Checked as you type with the shared `updateCustomerArgs` (the schema
 * the core and the server apply) and for duplicates of name, credit code and phone, saved locally first; only the changed fields go out, each with the
 * value this device saw, so the server's field-level merge can tell a colleague's edit from ours.
 */
export function EditCustomerDialog({
  customer,
  onClose,
  onSaved,
  onClaimed,
  checkDuplicates = true,
}: {
  customer: EditableCustomer;
  onClose: () => void;
  onSaved: () => void;
  onClaimed: (customerName: string | null) => void;
  /** Leads are exempt from uniqueness until they are converted. */
  checkDuplicates?: boolean;
}) {
  const { t } = useTranslation();
  const validate = useCallback((v: CustomerFormValues) => validateCustomerForm(customer, v), [customer]);
  const save = async (input: ApiInput<'customers.update'>) => {
    await getApi().call('customers.update', input);
    onSaved();
  };
  return (
    <CustomerFormDialog
      title={t('customerEdit.title', { customer: customer.name })}
      fields={CUSTOMER_FORM_FIELDS}
      initialValues={customerFormValues(customer)}
      validate={validate}
      save={save}
      onClose={onClose}
      nothingToSave={t('customerEdit.noChanges')}
      hint={t('customerEdit.hint')}
      submitLabel={t('common.save')}
      savingLabel={t('common.saving')}
      formTestId="customer-form"
      submitTestId="customer-save"
      duplicateCheck={checkDuplicates ? { excludeId: customer.id } : undefined}
      onClaimed={onClaimed}
    />
  );
}
