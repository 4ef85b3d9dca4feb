import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormField, FormFooter, hasModKey, Icon, ShortcutHint } from '../../../ui';
import { ProfileFormSection } from '../../templates/components/ProfileFormSection';
import { useNewRecordProfile } from '../../templates/hooks/useRecordProfile';
import {
  emptyLeadForm,
  LEAD_FORM_FIELDS,
  leadFormFieldOf,
  validateLeadForm,
  type LeadFormField,
  type LeadFormValues,
} from '../utils/leadForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

const COMPANY: readonly { field: LeadFormField; wide?: boolean; mono?: boolean }[] = [
  { field: 'name', wide: true },
  { field: 'industry' },
  { field: 'region' },
  { field: 'phone', mono: true },
  { field: 'source' },
];
const PERSON: readonly { field: LeadFormField; mono?: boolean }[] = [
  { field: 'contactName' },
  { field: 'contactTitle' },
  { field: 'contactPhone', mono: true },
  { field: 'contactEmail' },
  { field: 'contactWechat' },
];

/**
 * Captures a lead (`leads.create`): a company or person met at a fair, on a call, through a referral,
 * and the person met, who becomes its primary contact. Names of leads are not unique (two reps may meet
 * the same company); uniqueness is checked when it is converted.
 */
export function CreateLeadDialog({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (id: string) => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const [values, setValues] = useState<LeadFormValues>(emptyLeadForm);
  const [touched, setTouched] = useState<Partial<Record<LeadFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const { errors } = validateLeadForm(values);
  // The lead template of the industry typed above (else the default one), like a new customer's.
  const profile = useNewRecordProfile('lead', values.industry);
  const serverField = leadFormFieldOf(serverError?.field);
  const errorFor = useFieldError<LeadFormField>({
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
    const result = validateLeadForm(values);
    if (!result.input) {
      const first = LEAD_FORM_FIELDS.find((f) => result.errors[f]);
      if (first) document.getElementById(`lead-${first}`)?.focus();
      return;
    }
    const part = profile.form.createPart();
    if (!part) {
      profile.form.focusFirstProblem();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      const { id } = await getApi().call('leads.create', { ...result.input, ...part });
      onCreated(id);
    } catch (err) {
      const data = toAppErrorData(err);
      setSaving(false);
      if (!profile.form.takeServerError(data)) setServerError(data);
    }
  };

  const field = ({ field: f, wide, mono }: { field: LeadFormField; wide?: boolean; mono?: boolean }) => (
    <div key={f} className={wide ? 'tp-leadform__cell tp-leadform__cell--wide' : 'tp-leadform__cell'}>
      <FormField
        name={f}
        id={`lead-${f}`}
        label={t(`lead.fields.${f}`)}
        optionalLabel={f === 'name' ? undefined : t('followUp.optional')}
        error={errorFor(f)}
      >
        {(c) => (
          <input
            className={mono ? 'tp-input tp-mono' : 'tp-input'}
            data-testid={`lead-field-${f}`}
            type={f === 'contactEmail' ? 'email' : f.toLowerCase().includes('phone') ? 'tel' : 'text'}
            list={f === 'industry' && profile.categories.length > 0 ? 'lead-industry-suggestions' : undefined}
            placeholder={
              f === 'name'
                ? t('lead.namePlaceholder')
                : f === 'source'
                  ? t('customerCreate.sourcePlaceholder')
                  : undefined
            }
            value={values[f]}
            {...(f === 'name' ? { 'data-autofocus': true } : {})}
            onChange={(e) => {
              setValues((v) => ({ ...v, [f]: e.target.value }));
              setTouched((tch) => ({ ...tch, [f]: true }));
              if (serverField === f) setServerError(null);
            }}
            onBlur={() => setTouched((tch) => ({ ...tch, [f]: true }))}
            {...c}
          />
        )}
      </FormField>
    </div>
  );

  return (
    <Dialog
      title={t('lead.newTitle')}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={640}
    >
      <form
        className="tp-form"
        data-testid="lead-form"
        noValidate
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && hasModKey(e)) {
            e.preventDefault();
            void submit();
          }
        }}
      >
        {serverError && !serverField ? (
          <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="lead-error" />
        ) : null}
        <div className="tp-leadform">{COMPANY.map(field)}</div>
        {profile.categories.length > 0 ? (
          <datalist id="lead-industry-suggestions">
            {profile.categories.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        ) : null}
        <fieldset className="tp-leadform__person">
          <legend>
            <Icon name="user" size={14} />
            {t('lead.personMet')}
            <span className="tp-field__optional">{t('followUp.optional')}</span>
          </legend>
          <div className="tp-leadform">{PERSON.map(field)}</div>
        </fieldset>
        <ProfileFormSection
          form={profile.form}
          version={profile.version}
          title={t('templates.leadProfile')}
        />
        <p className="tp-customerform__hint">
          <Icon name="cloud" size={14} />
          {t('lead.createHint')}
        </p>
        <FormFooter
          note={<ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />}
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={saving ? t('common.saving') : t('lead.create')}
          busy={saving}
          submitTestId="lead-submit"
        />
      </form>
    </Dialog>
  );
}
