import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../../../shared/api/contract';
import { getApi } from '../../../api/client';
import type { ProfilePart } from '../../templates/hooks/useRecordProfile';
import { emptyCustomerForm, NEW_CUSTOMER_FIELDS, validateNewCustomerForm } from '../utils/customerForm';
import { CustomerFormDialog } from './CustomerFormDialog';

/**
 * Captures a new customer into the rep's private sea. Checked as you type with the shared
 * `createCustomerArgs` (minus the id, which the core makes), with the live duplicate warning under name,
 * credit code and phone, and the business profile of the industry's template; written locally first, so
 * it works offline.
 */
export function CreateCustomerDialog({
  onClose,
  onCreated,
  onClaimed,
}: {
  onClose: () => void;
  onCreated: (id: string) => void;
  /** The user claimed the public-sea customer a duplicate warning named instead. */
  onClaimed: (customerName: string | null) => void;
}) {
  const { t } = useTranslation();
  const save = async (input: ApiInput<'customers.create'>, profile: ProfilePart) => {
    const { id } = await getApi().call('customers.create', { ...input, ...profile });
    onCreated(id);
  };
  return (
    <CustomerFormDialog
      title={t('customerCreate.title')}
      fields={NEW_CUSTOMER_FIELDS}
      initialValues={emptyCustomerForm()}
      validate={validateNewCustomerForm}
      save={save}
      onClose={onClose}
      placeholders={{
        name: t('customerCreate.namePlaceholder'),
        creditCode: t('customerCreate.creditCodePlaceholder'),
        phone: t('customerCreate.phonePlaceholder'),
        website: t('customerCreate.websitePlaceholder'),
        source: t('customerCreate.sourcePlaceholder'),
      }}
      hint={t('customerCreate.hint')}
      submitLabel={t('customerCreate.submit')}
      savingLabel={t('customerCreate.submitting')}
      formTestId="customer-create-form"
      submitTestId="customer-create-submit"
      duplicateCheck={{}}
      onClaimed={onClaimed}
      profile
    />
  );
}
