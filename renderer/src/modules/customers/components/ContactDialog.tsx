import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ContactRow } from '../../../../../shared/domain/rows';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormField, FormFooter, hasModKey, ShortcutHint } from '../../../ui';
import { ProfileFormSection } from '../../templates/components/ProfileFormSection';
import { useRecordProfile } from '../../templates/hooks/useRecordProfile';
import {
  CONTACT_FORM_FIELDS,
  contactFormFieldOf,
  contactFormValues,
  emptyContactForm,
  validateContactEdit,
  validateContactForm,
  type ContactFormField,
  type ContactFormValues,
} from '../utils/contactForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/**
 * A person met at the customer (SPEC §2 Contact): added (`contacts.add`) or corrected
 * (`contacts.update`: only changed fields, each with the value seen, merged field by field by the
 * server), with the contact template's attributes. Checked as the user types with the shared schemas and
 * validator, written locally with its outbox entry, synced like every other edit.
 */
export function ContactDialog({
  customer,
  contact,
  onClose,
  onSaved,
}: {
  customer: { id: string; name: string };
  /** Absent: a new contact. */
  contact?: ContactRow;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const [values, setValues] = useState<ContactFormValues>(() =>
    contact ? contactFormValues(contact) : emptyContactForm(),
  );
  const [touched, setTouched] = useState<Partial<Record<ContactFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  // The attributes as this dialog opened: the edit's `base`, whatever reloads happen behind it.
  const [seen] = useState(() => contact?.attrs ?? null);
  const profile = useRecordProfile('contact', { mode: contact ? 'update' : 'create', stored: seen });

  const check = (v: ContactFormValues) =>
    contact
      ? validateContactEdit(contact, v, profile.form.valid ? profile.form.updatePart() : null)
      : { ...validateContactForm(customer.id, v), changed: true };
  const { errors } = check(values);
  const serverField = contactFormFieldOf(serverError?.field);
  const errorFor = useFieldError<ContactFormField>({
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
    const first = CONTACT_FORM_FIELDS.find((f) => result.errors[f]);
    if (first) {
      document.getElementById(`contact-${first}`)?.focus();
      return;
    }
    if (!profile.form.valid) {
      profile.form.focusFirstProblem();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      if (contact) {
        const edit = validateContactEdit(contact, values, profile.form.updatePart());
        if (!edit.input) {
          setSaving(false);
          if (!edit.changed) setNotice(t('contact.noChanges'));
          return;
        }
        await getApi().call('contacts.update', edit.input);
      } else {
        const add = validateContactForm(customer.id, values);
        const part = profile.form.createPart();
        if (!add.input || !part) {
          setSaving(false);
          return;
        }
        await getApi().call('contacts.add', { ...add.input, ...part });
      }
      onSaved();
    } catch (err) {
      const data = toAppErrorData(err);
      setSaving(false);
      if (!profile.form.takeServerError(data)) setServerError(data);
    }
  };

  return (
    <Dialog
      title={
        contact
          ? t('contact.editTitle', { name: contact.name })
          : t('contact.addTitle', { customer: customer.name })
      }
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={600}
    >
      <form
        className="tp-form"
        data-testid="contact-form"
        data-mode={contact ? 'edit' : 'new'}
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
                    setNotice(null);
                    if (serverField === f) setServerError(null);
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
            onChange={(e) => {
              setValues((v) => ({ ...v, isPrimary: e.target.checked }));
              setNotice(null);
            }}
          />
          {t('contact.fields.isPrimary')}
        </label>
        <ProfileFormSection
          form={profile.form}
          version={profile.version}
          title={t('templates.contactProfile')}
        />
        <FormFooter
          note={
            notice ? (
              <span data-testid="contact-notice">{notice}</span>
            ) : (
              <ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />
            )
          }
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={saving ? t('common.saving') : t('common.save')}
          busy={saving}
          submitTestId="contact-submit"
        />
      </form>
    </Dialog>
  );
}
