import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormField, FormFooter } from '../../../ui';
import {
  CONTACT_FORM_FIELDS,
  emptyContactForm,
  validateContactForm,
  type ContactFormField,
  type ContactFormValues,
} from '../utils/contactForm';

/**
 * Adds a person met at the customer (SPEC §2 Contact): checked as the user types with the shared
 * `addContactInput`, written locally with its outbox entry, synced like every other edit.
 */
export function AddContactDialog({
  customer,
  onClose,
  onSaved,
}: {
  customer: { id: string; name: string };
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [values, setValues] = useState<ContactFormValues>(emptyContactForm);
  const [touched, setTouched] = useState<Partial<Record<ContactFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);

  const { errors } = validateContactForm(customer.id, values);
  const errorFor = useFieldError<ContactFormField>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField: (CONTACT_FORM_FIELDS as readonly string[]).includes(serverError?.field ?? '')
      ? (serverError?.field as ContactFormField)
      : null,
  });

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    const result = validateContactForm(customer.id, values);
    if (!result.input) {
      const first = CONTACT_FORM_FIELDS.find((f) => result.errors[f]);
      if (first) document.getElementById(`contact-${first}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      await getApi().call('contacts.add', result.input);
      onSaved();
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  const bannerError =
    serverError && !(CONTACT_FORM_FIELDS as readonly string[]).includes(serverError.field ?? '');

  return (
    <Dialog
      title={t('contact.addTitle', { customer: customer.name })}
      onClose={onClose}
      closeLabel={t('common.close')}
      width={560}
    >
      <form
        className="tp-form"
        data-testid="contact-form"
        noValidate
        onSubmit={(e) => void submit(e)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void submit(e);
        }}
      >
        {bannerError ? (
          <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="contact-error" />
        ) : null}
        <div className="tp-form__row">
          {CONTACT_FORM_FIELDS.map((f) => (
            <FormField
              key={f}
              name={f}
              id={`contact-${f}`}
              label={t(`contact.fields.${f}`)}
              error={errorFor(f)}
              optionalLabel={f === 'name' ? undefined : t('contact.optional')}
            >
              {(c) => (
                <input
                  className="tp-input"
                  data-testid={`contact-field-${f}`}
                  type={f === 'email' ? 'email' : f === 'phone' ? 'tel' : 'text'}
                  value={values[f]}
                  data-autofocus={f === 'name' ? true : undefined}
                  onChange={(e) => {
                    setValues((v) => ({ ...v, [f]: e.target.value }));
                    setTouched((tch) => ({ ...tch, [f]: true }));
                    if (serverError?.field === f) setServerError(null);
                  }}
                  {...c}
                />
              )}
            </FormField>
          ))}
        </div>
        <label className="tp-form__check">
          <input
            type="checkbox"
            data-testid="contact-field-isPrimary"
            checked={values.isPrimary}
            onChange={(e) => setValues((v) => ({ ...v, isPrimary: e.target.checked }))}
          />
          {t('contact.fields.isPrimary')}
        </label>
        <FormFooter
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={t('common.save')}
          busy={saving}
          submitTestId="contact-submit"
        />
      </form>
    </Dialog>
  );
}
