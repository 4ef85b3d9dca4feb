import { useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { OpportunityItem } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormFooter, hasModKey, ShortcutHint } from '../../../ui';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { ProfileFormSection } from '../../templates/components/ProfileFormSection';
import { useRecordProfile } from '../../templates/hooks/useRecordProfile';
import {
  emptyOpportunityForm,
  OPPORTUNITY_FORM_FIELDS,
  opportunityFormFieldOf,
  opportunityFormValues,
  validateNewOpportunity,
  validateOpportunityEdit,
  type OpportunityFormField,
  type OpportunityFormValues,
} from '../utils/opportunityForm';
import { OpportunityFields } from './OpportunityFields';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * A new opportunity on a customer (`opportunities.create`, in an open stage) or an edit of one
 * (`opportunities.update`: name, amount, currency, expected close; the stage moves with its own control
 * so that its history is kept). Checked as you type with the shared schemas; Ctrl/⌘+Enter saves.
 */
export function OpportunityDialog({
  customer,
  opportunity,
  onClose,
  onSaved,
}: {
  customer: { id: string; name: string };
  /** Absent: a new opportunity. */
  opportunity?: OpportunityItem;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const settings = useOrgSettings();
  const [values, setValues] = useState<OpportunityFormValues>(() =>
    opportunity ? opportunityFormValues(opportunity) : emptyOpportunityForm(settings),
  );
  const [touched, setTouched] = useState<Partial<Record<OpportunityFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  // The attributes as the dialog opened: an edit's `base`, whatever reloads happen behind it.
  const [seen] = useState(() => opportunity?.attrs ?? null);
  const profile = useRecordProfile('opportunity', { mode: opportunity ? 'update' : 'create', stored: seen });

  const check = (v: OpportunityFormValues) =>
    opportunity
      ? validateOpportunityEdit(opportunity, v)
      : { ...validateNewOpportunity(customer.id, v, settings), changed: true };
  const { errors } = check(values);
  const serverField = opportunityFormFieldOf(serverError?.field);
  const errorFor = useFieldError<OpportunityFormField>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField,
  });

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    profile.form.markSubmitted();
    const result = check(values);
    const first = OPPORTUNITY_FORM_FIELDS.find((f) => result.errors[f]);
    if (first) {
      document.getElementById(`opportunity-${first}`)?.focus();
      return;
    }
    if (!profile.form.valid) {
      profile.form.focusFirstProblem();
      return;
    }
    const edit = opportunity ? validateOpportunityEdit(opportunity, values, profile.form.updatePart()) : null;
    if (edit && !edit.input) {
      if (!edit.changed) setNotice(t('opportunity.noChanges'));
      return;
    }
    if (!opportunity && !result.input) return;
    setSaving(true);
    setServerError(null);
    try {
      if (edit?.input) {
        await getApi().call('opportunities.update', edit.input);
      } else {
        const { input } = validateNewOpportunity(customer.id, values, settings);
        const part = profile.form.createPart();
        if (input && part) await getApi().call('opportunities.create', { ...input, ...part });
      }
      onSaved();
    } catch (err) {
      const data = toAppErrorData(err);
      setSaving(false);
      if (profile.form.takeServerError(data)) return;
      setServerError(data);
      const field = opportunityFormFieldOf(data.field);
      if (field) document.getElementById(`opportunity-${field}`)?.focus();
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
      title={
        opportunity
          ? t('opportunity.editTitle', { name: opportunity.name })
          : t('opportunity.newTitle', { customer: customer.name })
      }
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={600}
    >
      <form
        className="tp-form"
        data-testid="opportunity-form"
        onSubmit={(e) => void submit(e)}
        onKeyDown={onKeyDown}
        noValidate
      >
        {serverError && !serverField ? (
          <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="opportunity-error" />
        ) : null}
        <OpportunityFields
          values={values}
          errorFor={errorFor}
          showStage={!opportunity}
          onChange={(f, value) => {
            setValues((v) => ({ ...v, [f]: value }));
            setTouched((tch) => ({ ...tch, [f]: true }));
            setNotice(null);
            if (serverField === f) setServerError(null);
          }}
          onBlur={(f) => setTouched((tch) => ({ ...tch, [f]: true }))}
        />
        <ProfileFormSection
          form={profile.form}
          version={profile.version}
          title={t('templates.opportunityDetails')}
        />
        <FormFooter
          note={
            notice ? (
              <span data-testid="opportunity-notice">{notice}</span>
            ) : (
              <ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />
            )
          }
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={saving ? t('common.saving') : opportunity ? t('common.save') : t('opportunity.create')}
          busy={saving}
          submitTestId="opportunity-submit"
        />
      </form>
    </Dialog>
  );
}
