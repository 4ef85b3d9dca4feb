import { useMemo, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { CustomerRow } from '../../../../../shared/domain/rows';
import type { UniqueCustomerField } from '../../../../../shared/domain/uniqueness';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormFooter, hasModKey, Icon, ShortcutHint } from '../../../ui';
import { CustomerFormFields } from '../../customers/components/CustomerFormDialog';
import { DuplicateOfflineNote, DuplicateWarning } from '../../customers/components/DuplicateWarning';
import { useDuplicateCheck } from '../../customers/hooks/useDuplicateCheck';
import {
  customerFormFieldOf,
  type CustomerFormField,
  type CustomerFormValues,
} from '../../customers/utils/customerForm';
import { duplicateHolderOf } from '../../customers/utils/duplicates';
import { OpportunityFields } from '../../opportunities/components/OpportunityFields';
import {
  emptyOpportunityForm,
  OPPORTUNITY_FORM_FIELDS,
  opportunityFormFieldOf,
  type OpportunityFormField,
  type OpportunityFormValues,
} from '../../opportunities/utils/opportunityForm';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { ProfileFormSection } from '../../templates/components/ProfileFormSection';
import { useRecordProfile } from '../../templates/hooks/useRecordProfile';
import { CONVERT_FIELDS, convertFormValues, validateConvertForm } from '../utils/convertForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * Converts a lead into a customer (`leads.convert`): the field mapping as a form prefilled from the lead
 * (to complete and confirm), checked as you type with the shared `convertLeadInput` and for duplicates —
 * uniqueness applies from this moment — plus an optional first opportunity. The lead's follow-ups,
 * contacts and tasks stay with it: it is the same record, promoted.
 */
export function ConvertLeadDialog({
  lead,
  onClose,
  onConverted,
  onClaimed,
}: {
  lead: CustomerRow;
  onClose: () => void;
  onConverted: (customerId: string) => void;
  onClaimed: (customerName: string | null) => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const settings = useOrgSettings();
  const [values, setValues] = useState<CustomerFormValues>(() => convertFormValues(lead));
  const [withOpportunity, setWithOpportunity] = useState(false);
  const [opp, setOpp] = useState<OpportunityFormValues>(() => emptyOpportunityForm(settings));
  const [touched, setTouched] = useState<Partial<Record<CustomerFormField, boolean>>>({});
  const [oppTouched, setOppTouched] = useState<Partial<Record<OpportunityFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);

  // The customer template of the industry confirmed above, prefilled from the lead's attributes by key
  // (a library field keeps its key in every template); the lead's other values stay, read-only.
  const [leadAttrs] = useState(() => lead.attrs);
  const profile = useRecordProfile('customer', {
    industry: values.industry,
    mode: 'convert',
    stored: leadAttrs,
  });
  const { errors, opportunityErrors } = validateConvertForm(
    lead.id,
    values,
    withOpportunity ? opp : null,
    settings,
  );
  const serverField = customerFormFieldOf(serverError?.field);
  const serverOppField = serverError?.field?.startsWith('opportunity.')
    ? opportunityFormFieldOf(serverError.field)
    : null;
  const errorFor = useFieldError<CustomerFormField>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField,
  });
  const oppErrorFor = useFieldError<OpportunityFormField>({
    problems: opportunityErrors,
    touched: oppTouched,
    submitted,
    serverError,
    serverField: serverOppField,
  });

  const unique = useMemo(
    () => ({ name: values.name, creditCode: values.creditCode, phone: values.phone }),
    [values.name, values.creditCode, values.phone],
  );
  const dup = useDuplicateCheck(unique, lead.id);
  const below = (f: CustomerFormField): ReactNode => {
    if (f !== 'name' && f !== 'creditCode' && f !== 'phone') return null;
    if (serverError?.code === 'duplicate' && serverField === f) {
      const holder = duplicateHolderOf(serverError.params);
      return holder?.holder === 'public' && holder.customerId ? (
        <DuplicateWarning
          field={f}
          match={{ ...holder, field: f }}
          offline={false}
          onClaimed={onClaimed}
          actionOnly
        />
      ) : null;
    }
    const live = dup.byField[f as UniqueCustomerField];
    return live ? (
      <DuplicateWarning field={f} match={live} offline={dup.checkedOnline === false} onClaimed={onClaimed} />
    ) : null;
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    profile.form.markSubmitted();
    const result = validateConvertForm(lead.id, values, withOpportunity ? opp : null, settings);
    const first = CONVERT_FIELDS.find((f) => result.errors[f]);
    if (first) {
      document.getElementById(`customer-${first}`)?.focus();
      return;
    }
    const part = profile.form.convertPart();
    if (part === null) {
      profile.form.focusFirstProblem();
      return;
    }
    if (!result.input) {
      const firstOpp = OPPORTUNITY_FORM_FIELDS.find((f) => result.opportunityErrors[f]);
      document.getElementById(`opportunity-${firstOpp ?? 'name'}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const { id } = await getApi().call('leads.convert', { ...result.input, ...part });
      onConverted(id);
    } catch (err) {
      const data = toAppErrorData(err);
      setSaving(false);
      if (profile.form.takeServerError(data)) return;
      setServerError(data);
      const field = customerFormFieldOf(data.field);
      if (field) document.getElementById(`customer-${field}`)?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && hasModKey(e)) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <Dialog
      title={t('lead.convertTitle', { name: lead.name })}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={720}
    >
      <form
        className="tp-form tp-customerform"
        data-testid="convert-form"
        onSubmit={(e) => void submit(e)}
        onKeyDown={onKeyDown}
        noValidate
      >
        {serverError && !serverField && !serverOppField ? (
          <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="convert-error" />
        ) : null}
        <p className="tp-convert__intro">
          <Icon name="convert" size={14} />
          {t('lead.convertIntro')}
        </p>
        <CustomerFormFields
          fields={CONVERT_FIELDS}
          values={values}
          errorFor={errorFor}
          onChange={(f, value) => {
            setValues((v) => ({ ...v, [f]: value }));
            setTouched((tch) => ({ ...tch, [f]: true }));
            if (serverField === f) setServerError(null);
          }}
          onBlur={(f) => setTouched((tch) => ({ ...tch, [f]: true }))}
          placeholders={{
            creditCode: t('customerCreate.creditCodePlaceholder'),
            website: t('customerCreate.websitePlaceholder'),
          }}
          suggestions={{ industry: profile.categories }}
          below={below}
        />
        {dup.checkedOnline === false ? <DuplicateOfflineNote /> : null}
        <ProfileFormSection form={profile.form} version={profile.version} />
        <div className="tp-convert__opp">
          <label className="tp-form__check">
            <input
              type="checkbox"
              data-testid="convert-with-opportunity"
              checked={withOpportunity}
              onChange={(e) => {
                setWithOpportunity(e.target.checked);
                if (e.target.checked && opp.name === '')
                  setOpp((o) => ({
                    ...o,
                    name: t('lead.firstOpportunity', { name: values.shortName || values.name }),
                  }));
              }}
            />
            {t('lead.withOpportunity')}
          </label>
          {withOpportunity ? (
            <OpportunityFields
              values={opp}
              errorFor={oppErrorFor}
              autoFocusName={false}
              onChange={(f, value) => {
                setOpp((o) => ({ ...o, [f]: value }));
                setOppTouched((tch) => ({ ...tch, [f]: true }));
                if (serverOppField === f) setServerError(null);
              }}
              onBlur={(f) => setOppTouched((tch) => ({ ...tch, [f]: true }))}
            />
          ) : null}
        </div>
        <FormFooter
          note={<ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />}
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={saving ? t('lead.converting') : t('lead.convertSubmit')}
          submitIcon="convert"
          busy={saving}
          submitTestId="convert-submit"
        />
      </form>
    </Dialog>
  );
}
