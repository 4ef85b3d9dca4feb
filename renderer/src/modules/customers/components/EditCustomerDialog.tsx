import { useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { CUSTOMER_LEVELS, CUSTOMER_STATUSES } from '../../../../../shared/domain/rows';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, describedBy, Dialog, Field, Icon } from '../../../ui';
import {
  CUSTOMER_FORM_FIELDS,
  customerFormFieldOf,
  customerFormValues,
  validateCustomerForm,
  type CustomerFormField,
  type CustomerFormValues,
  type EditableCustomer,
} from '../utils/customerForm';

/** Text inputs of the form, in reading order, with their optional marker and layout width. */
const TEXT_FIELDS: { field: CustomerFormField; optional: boolean; wide?: boolean; mono?: boolean }[] = [
  { field: 'name', optional: false, wide: true },
  { field: 'shortName', optional: true },
  { field: 'industry', optional: true },
  { field: 'region', optional: true },
  { field: 'phone', optional: true, mono: true },
  { field: 'address', optional: true, wide: true },
  { field: 'website', optional: true, wide: true, mono: true },
];

/**
 * Edits a customer's base fields. Checked as you type with the shared `updateCustomerArgs` (the schema
 * the core and the server apply), saved locally first; only the changed fields go out, each with the
 * value this device saw, so the server's field-level merge can tell a colleague's edit from ours.
 */
export function EditCustomerDialog({
  customer,
  onClose,
  onSaved,
}: {
  customer: EditableCustomer;
  onClose: () => void;
  onSaved: () => void;
}) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [values, setValues] = useState<CustomerFormValues>(() => customerFormValues(customer));
  const [touched, setTouched] = useState<Partial<Record<CustomerFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const { errors } = useMemo(() => validateCustomerForm(customer, values), [customer, values]);
  const serverField = customerFormFieldOf(serverError?.field);

  const errorFor = (f: CustomerFormField): string | null => {
    const p = errors[f];
    if (p && (touched[f] || submitted)) return t(`validation.${p.key}`, p.params ?? {});
    if (serverField === f && serverError) return errorText({ ...serverError, field: undefined });
    return null;
  };

  const change = (f: CustomerFormField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [f]: e.target.value }));
    setTouched((tch) => ({ ...tch, [f]: true }));
    setNotice(null);
    if (serverField === f) setServerError(null);
  };

  const control = (f: CustomerFormField) => ({
    id: `customer-${f}`,
    'data-testid': `customer-field-${f}`,
    'aria-invalid': errorFor(f) ? true : undefined,
    'aria-describedby': describedBy(`customer-${f}`, errorFor(f)),
    onBlur: () => setTouched((tch) => ({ ...tch, [f]: true })),
  });

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    const result = validateCustomerForm(customer, values);
    const first = CUSTOMER_FORM_FIELDS.find((f) => result.errors[f]);
    if (first) {
      document.getElementById(`customer-${first}`)?.focus();
      return;
    }
    if (!result.input) {
      setNotice(t('customerEdit.noChanges'));
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      await getApi().call('customers.update', result.input);
      onSaved();
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };

  return (
    <Dialog
      title={t('customerEdit.title', { customer: customer.name })}
      onClose={onClose}
      closeLabel={t('common.close')}
      width={640}
    >
      <form
        className="tp-form tp-customerform"
        data-testid="customer-form"
        onSubmit={(e) => void submit(e)}
        onKeyDown={onKeyDown}
        noValidate
      >
        {serverError && !serverField ? (
          <div
            className="tp-banner tp-banner--danger"
            role="alert"
            data-testid="customer-form-error"
            data-code={serverError.code}
          >
            <Icon name="alert" size={16} />
            <span>{errorText(serverError)}</span>
          </div>
        ) : null}
        <div className="tp-customerform__grid">
          {TEXT_FIELDS.map(({ field, optional, wide, mono }) => (
            <div key={field} className={wide ? 'tp-customerform__wide' : undefined}>
              <Field
                name={field}
                label={t(`customer.fields.${field}`)}
                optionalLabel={optional ? t('followUp.optional') : undefined}
                htmlFor={`customer-${field}`}
                error={errorFor(field)}
              >
                <input
                  className={mono ? 'tp-input tp-mono' : 'tp-input'}
                  value={values[field]}
                  onChange={change(field)}
                  {...(field === 'name' ? { 'data-autofocus': true } : {})}
                  {...control(field)}
                />
              </Field>
            </div>
          ))}
          <Field
            name="level"
            label={t('customer.fields.level')}
            htmlFor="customer-level"
            error={errorFor('level')}
          >
            <select
              className="tp-input tp-select"
              value={values.level}
              onChange={change('level')}
              {...control('level')}
            >
              <option value="">{t('customerEdit.levelNone')}</option>
              {CUSTOMER_LEVELS.map((level) => (
                <option key={level} value={level}>
                  {t(`customer.level.${level}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            name="status"
            label={t('customer.fields.status')}
            htmlFor="customer-status"
            error={errorFor('status')}
          >
            <select
              className="tp-input tp-select"
              value={values.status}
              onChange={change('status')}
              {...control('status')}
            >
              {CUSTOMER_STATUSES.map((status) => (
                <option key={status} value={status}>
                  {t(`customer.status.${status}`)}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <p className="tp-customerform__hint">
          <Icon name="cloud" size={14} />
          {t('customerEdit.hint')}
        </p>
        <div className="tp-form__footer">
          <span className="tp-form__shortcut">
            {notice ? (
              <span data-testid="customer-form-notice">{notice}</span>
            ) : (
              <>
                <kbd className="tp-kbd">{/Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl'}</kbd>
                <kbd className="tp-kbd">Enter</kbd>
                <span>{t('followUp.shortcut')}</span>
              </>
            )}
          </span>
          <div className="tp-form__actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" variant="primary" busy={saving} data-testid="customer-save">
              {saving ? t('common.saving') : t('common.save')}
            </Button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
