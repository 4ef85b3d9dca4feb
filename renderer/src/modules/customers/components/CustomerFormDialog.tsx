import { useMemo, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';
import type { UniqueCustomerField } from '../../../../../shared/domain/uniqueness';
import { useTranslation } from 'react-i18next';
import { CUSTOMER_LEVELS, CUSTOMER_STATUSES } from '../../../../../shared/domain/rows';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { DuplicateOfflineNote, DuplicateWarning } from './DuplicateWarning';
import {
  Dialog,
  ErrorBanner,
  FormFooter,
  FormField,
  hasModKey,
  Icon,
  ShortcutHint,
  type FieldControlProps,
} from '../../../ui';
import { ProfileFormSection } from '../../templates/components/ProfileFormSection';
import { useNewRecordProfile, type ProfilePart } from '../../templates/hooks/useRecordProfile';
import { useDuplicateCheck } from '../hooks/useDuplicateCheck';
import { duplicateHolderOf } from '../utils/duplicates';
import {
  customerFormFieldOf,
  type CustomerFormErrors,
  type CustomerFormField,
  type CustomerFormValues,
} from '../utils/customerForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

/** How each field sits in the form's 6-column grid, and how it reads. */
const LAYOUT: Record<CustomerFormField, { span: 2 | 3 | 6; mono?: boolean; required?: boolean }> = {
  name: { span: 6, required: true },
  shortName: { span: 3 },
  creditCode: { span: 3, mono: true },
  industry: { span: 3 },
  region: { span: 3 },
  phone: { span: 3, mono: true },
  website: { span: 3, mono: true },
  address: { span: 6 },
  source: { span: 2 },
  level: { span: 2 },
  status: { span: 2 },
};

/** The classification row (source, level, status) shares its line evenly among the fields shown. */
const TAIL: readonly CustomerFormField[] = ['source', 'level', 'status'];

/**
 * The customer's base fields as controls, shared by the New-customer and Edit-customer dialogs so both
 * read, lay out and name their test ids (`customer-field-<field>`) the same way.
 */
export function CustomerFormFields({
  fields,
  values,
  errorFor,
  onChange,
  onBlur,
  placeholders = {},
  suggestions = {},
  below,
}: {
  fields: readonly CustomerFormField[];
  values: CustomerFormValues;
  errorFor: (f: CustomerFormField) => string | null;
  onChange: (f: CustomerFormField, value: string) => void;
  onBlur: (f: CustomerFormField) => void;
  placeholders?: Partial<Record<CustomerFormField, string>>;
  /** Values offered as you type (the industries that have their own profile template). */
  suggestions?: Partial<Record<CustomerFormField, readonly string[]>>;
  /** Shown under a field's own message (the duplicate warning of a unique field). */
  below?: (f: CustomerFormField) => ReactNode;
}) {
  const { t } = useTranslation();
  const tail = fields.filter((f) => TAIL.includes(f));
  const spanOf = (f: CustomerFormField) => (TAIL.includes(f) ? 6 / tail.length : LAYOUT[f].span);

  const control = (f: CustomerFormField, c: FieldControlProps) => ({
    ...c,
    'data-testid': `customer-field-${f}`,
    value: values[f],
    onChange: (e: { target: { value: string } }) => onChange(f, e.target.value),
    onBlur: () => onBlur(f),
  });

  const input = (f: CustomerFormField, c: FieldControlProps): ReactNode => {
    if (f === 'level') {
      return (
        <select className="tp-input tp-select" {...control(f, c)}>
          <option value="">{t('customerEdit.levelNone')}</option>
          {CUSTOMER_LEVELS.map((level) => (
            <option key={level} value={level}>
              {t(`customer.level.${level}`)}
            </option>
          ))}
        </select>
      );
    }
    if (f === 'status') {
      return (
        <select className="tp-input tp-select" {...control(f, c)}>
          {CUSTOMER_STATUSES.map((status) => (
            <option key={status} value={status}>
              {t(`customer.status.${status}`)}
            </option>
          ))}
        </select>
      );
    }
    const offered = suggestions[f] ?? [];
    return (
      <>
        <input
          className={LAYOUT[f].mono ? 'tp-input tp-mono' : 'tp-input'}
          placeholder={placeholders[f]}
          spellCheck={LAYOUT[f].mono ? false : undefined}
          list={offered.length > 0 ? `${c.id}-suggestions` : undefined}
          {...(f === 'name' ? { 'data-autofocus': true } : {})}
          {...control(f, c)}
        />
        {offered.length > 0 ? (
          <datalist id={`${c.id}-suggestions`}>
            {offered.map((v) => (
              <option key={v} value={v} />
            ))}
          </datalist>
        ) : null}
      </>
    );
  };

  return (
    <div className="tp-customerform__grid">
      {fields.map((f) => (
        <div key={f} className={`tp-customerform__cell tp-customerform__cell--${spanOf(f)}`}>
          <FormField
            name={f}
            id={`customer-${f}`}
            label={t(`customer.fields.${f}`)}
            optionalLabel={LAYOUT[f].required || f === 'status' ? undefined : t('followUp.optional')}
            error={errorFor(f)}
          >
            {(c) => input(f, c)}
          </FormField>
          {below?.(f)}
        </div>
      ))}
    </div>
  );
}

/**
 * A dialog over the customer form: checked as you type (each field once touched, all of them after a
 * submit) with the caller's shared-schema validation, saved with the button, Enter in a field or
 * Ctrl/⌘+Enter; a server error naming a field shows under it, any other error as a banner.
 */
export function CustomerFormDialog<Input>({
  title,
  fields,
  initialValues,
  validate,
  save,
  onClose,
  nothingToSave,
  placeholders,
  hint,
  submitLabel,
  savingLabel,
  formTestId,
  submitTestId,
  duplicateCheck,
  onClaimed,
  profile,
}: {
  title: string;
  fields: readonly CustomerFormField[];
  initialValues: CustomerFormValues;
  validate: (values: CustomerFormValues) => { errors: CustomerFormErrors; input: Input | null };
  /**
   * Sends the input (with the business profile's `attrs` + `templateVersionId` when the form has one);
   * throws an `ApiCallError` when the core refuses.
   */
  save: (input: Input, profile: ProfilePart) => Promise<void>;
  onClose: () => void;
  /** Shown when the values are valid but there is nothing to send (an edit that changed nothing). */
  nothingToSave?: string;
  placeholders?: Partial<Record<CustomerFormField, string>>;
  hint: string;
  submitLabel: string;
  savingLabel: string;
  formTestId: string;
  submitTestId: string;
  /**
   * Checks name, credit code and phone for duplicates as the user types (uniqueness at capture);
   * `excludeId` is the customer being edited, which never collides with itself.
   */
  duplicateCheck?: { excludeId?: string };
  /** The user claimed the public-sea customer a duplicate named, instead of saving this one. */
  onClaimed?: (customerName: string | null) => void;
  /**
   * A new customer's business profile: the template of the industry typed above (else the default
   * one), rendered under the base fields and sent with them.
   */
  profile?: boolean;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  const errorText = useErrorText();
  const [values, setValues] = useState<CustomerFormValues>(initialValues);
  const [touched, setTouched] = useState<Partial<Record<CustomerFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const { errors } = useMemo(() => validate(values), [validate, values]);
  const attrForm = useNewRecordProfile('customer', profile ? values.industry : null, profile === true);
  const serverField = customerFormFieldOf(serverError?.field);
  const unique = useMemo(
    () => ({ name: values.name, creditCode: values.creditCode, phone: values.phone }),
    [values.name, values.creditCode, values.phone],
  );
  const dup = useDuplicateCheck(unique, duplicateCheck?.excludeId, duplicateCheck !== undefined);
  const below = (f: CustomerFormField): ReactNode => {
    if (f !== 'name' && f !== 'creditCode' && f !== 'phone') return null;
    const claimed = (name: string | null) => onClaimed?.(name);
    const live = dup.byField[f as UniqueCustomerField];
    // The field's own message already says who holds it after a refused save; only the way out is added.
    if (serverError?.code === 'duplicate' && serverField === f) {
      const holder = duplicateHolderOf(serverError.params);
      return holder?.holder === 'public' && holder.customerId ? (
        <DuplicateWarning
          field={f}
          match={{ ...holder, field: f }}
          offline={false}
          onClaimed={claimed}
          actionOnly
        />
      ) : null;
    }
    return live ? (
      <DuplicateWarning field={f} match={live} offline={dup.checkedOnline === false} onClaimed={claimed} />
    ) : null;
  };

  const errorFor = useFieldError<CustomerFormField>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField,
  });

  const onChange = (f: CustomerFormField, value: string) => {
    setValues((v) => ({ ...v, [f]: value }));
    setTouched((tch) => ({ ...tch, [f]: true }));
    setNotice(null);
    if (serverField === f) setServerError(null);
  };

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    setSubmitted(true);
    attrForm.form.markSubmitted();
    const result = validate(values);
    const first = fields.find((f) => result.errors[f]);
    if (first) {
      document.getElementById(`customer-${first}`)?.focus();
      return;
    }
    const part = attrForm.form.createPart();
    if (part === null) {
      attrForm.form.focusFirstProblem();
      return;
    }
    if (result.input === null) {
      setNotice(nothingToSave ?? null);
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      await save(result.input, part);
    } catch (err) {
      const data = toAppErrorData(err);
      setSaving(false);
      if (attrForm.form.takeServerError(data)) return;
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
      title={title}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={680}
    >
      <form
        className="tp-form tp-customerform"
        data-testid={formTestId}
        onSubmit={(e) => void submit(e)}
        onKeyDown={onKeyDown}
        noValidate
      >
        {serverError && !serverField ? (
          <ErrorBanner
            message={errorText(serverError)}
            code={serverError.code}
            testId="customer-form-error"
          />
        ) : null}
        <CustomerFormFields
          fields={fields}
          values={values}
          errorFor={errorFor}
          onChange={onChange}
          onBlur={(f) => setTouched((tch) => ({ ...tch, [f]: true }))}
          placeholders={placeholders}
          suggestions={profile ? { industry: attrForm.categories } : undefined}
          below={below}
        />
        {dup.checkedOnline === false ? <DuplicateOfflineNote /> : null}
        {profile ? <ProfileFormSection form={attrForm.form} version={attrForm.version} /> : null}
        <p className="tp-customerform__hint">
          <Icon name="cloud" size={14} />
          {hint}
        </p>
        <FormFooter
          note={
            notice ? (
              <span data-testid="customer-form-notice">{notice}</span>
            ) : (
              <ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />
            )
          }
          cancelLabel={t('common.cancel')}
          onCancel={onClose}
          submitLabel={saving ? savingLabel : submitLabel}
          busy={saving}
          submitTestId={submitTestId}
        />
      </form>
    </Dialog>
  );
}
