import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../../../shared/api/contract';
import { FOLLOW_UP_TYPES } from '../../../../../shared/domain/rows';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { Dialog, ErrorBanner, FormField, FormFooter, hasModKey, ShortcutHint } from '../../../ui';
import {
  emptyFollowUpForm,
  FOLLOW_UP_FORM_FIELDS,
  hasErrors,
  toLogFollowUpInput,
  validateFollowUpForm,
  type FollowUpFormField,
  type FollowUpFormValues,
} from '../utils/followUpForm';

export type LoggedFollowUp = { id: string; input: ApiInput<'followUps.log'> };

/** Logging a follow-up for a customer already chosen (the detail page's button). */
export function LogFollowUpDialog({
  customerId,
  customerName,
  onClose,
  onSaved,
}: {
  customerId: string;
  customerName: string;
  onClose: () => void;
  onSaved: (saved: LoggedFollowUp) => void;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      title={t('followUp.logTitle', { customer: customerName })}
      onClose={onClose}
      closeLabel={t('common.close')}
      width={600}
    >
      <LogFollowUpForm customerId={customerId} onCancel={onClose} onSaved={onSaved} />
    </Dialog>
  );
}

/**
 * Logging a visit, fast and from the keyboard (SPEC §9): checked as you type with the same shared schema
 * the core and the server apply, saved with Ctrl/⌘+Enter, written locally first so it works offline.
 * The content field takes the focus when the form appears (also when it replaces a customer picker).
 */
export function LogFollowUpForm({
  customerId,
  onCancel,
  onSaved,
}: {
  customerId: string;
  onCancel: () => void;
  onSaved: (saved: LoggedFollowUp) => void;
}) {
  const { t } = useTranslation();
  const contentRef = useRef<HTMLTextAreaElement>(null);
  const errorText = useErrorText();
  const [values, setValues] = useState<FollowUpFormValues>(() => emptyFollowUpForm(Date.now()));
  const [touched, setTouched] = useState<Partial<Record<FollowUpFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  // The render's clock reading: validation is a pure function of it (the "future" rule needs a now).
  const [now, setNow] = useState(() => Date.now());

  const errors = useMemo(() => validateFollowUpForm(customerId, values, now), [customerId, values, now]);
  const serverFieldError =
    serverError?.field && (FOLLOW_UP_FORM_FIELDS as readonly string[]).includes(serverError.field)
      ? (serverError.field as FollowUpFormField)
      : null;

  const errorFor = (f: FollowUpFormField): string | null => {
    const p = errors[f];
    if (p && (touched[f] || submitted)) return t(`validation.${p.key}`, p.params ?? {});
    if (serverFieldError === f && serverError) return errorText({ ...serverError, field: undefined });
    return null;
  };

  const change = (f: FollowUpFormField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [f]: e.target.value }));
    setTouched((tch) => ({ ...tch, [f]: true }));
    if (serverFieldError === f) setServerError(null);
  };
  const blur = (f: FollowUpFormField) => () => setTouched((tch) => ({ ...tch, [f]: true }));

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    const at = Date.now();
    setNow(at);
    setSubmitted(true);
    const problems = validateFollowUpForm(customerId, values, at);
    if (hasErrors(problems)) {
      const first = FOLLOW_UP_FORM_FIELDS.find((f) => problems[f]);
      if (first) document.getElementById(`followup-${first}`)?.focus();
      return;
    }
    setSaving(true);
    setServerError(null);
    const input = toLogFollowUpInput(customerId, values);
    try {
      const { id } = await getApi().call('followUps.log', input);
      onSaved({ id, input });
    } catch (err) {
      setServerError(toAppErrorData(err));
      setSaving(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLFormElement>) => {
    if (e.key === 'Enter' && hasModKey(e)) {
      e.preventDefault();
      void submit();
    }
  };

  useEffect(() => {
    contentRef.current?.focus();
  }, []);

  return (
    <form
      className="tp-form"
      data-testid="followup-form"
      onSubmit={(e) => void submit(e)}
      onKeyDown={onKeyDown}
      noValidate
    >
      {serverError && !serverFieldError ? (
        <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="followup-error" />
      ) : null}
      <div className="tp-form__row">
        <FormField name="type" id="followup-type" label={t('followUp.fields.type')} error={errorFor('type')}>
          {(c) => (
            <select
              className="tp-input tp-select"
              data-testid="followup-type"
              value={values.type}
              onChange={change('type')}
              onBlur={blur('type')}
              {...c}
            >
              {FOLLOW_UP_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`followUp.types.${type}`)}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          name="occurredAt"
          id="followup-occurredAt"
          label={t('followUp.fields.occurredAt')}
          error={errorFor('occurredAt')}
        >
          {(c) => (
            <input
              type="datetime-local"
              className="tp-input"
              data-testid="followup-occurred-at"
              value={values.occurredAt}
              onChange={change('occurredAt')}
              onBlur={blur('occurredAt')}
              {...c}
            />
          )}
        </FormField>
      </div>
      <FormField
        name="content"
        id="followup-content"
        label={t('followUp.fields.content')}
        error={errorFor('content')}
      >
        {(c) => (
          <textarea
            ref={contentRef}
            className="tp-input tp-textarea"
            data-testid="followup-content"
            rows={5}
            placeholder={t('followUp.contentPlaceholder')}
            value={values.content}
            onChange={change('content')}
            onBlur={blur('content')}
            data-autofocus
            {...c}
          />
        )}
      </FormField>
      <div className="tp-form__row">
        <FormField
          name="outcome"
          id="followup-outcome"
          label={t('followUp.fields.outcome')}
          optionalLabel={t('followUp.optional')}
          error={errorFor('outcome')}
        >
          {(c) => (
            <input
              className="tp-input"
              data-testid="followup-outcome"
              placeholder={t('followUp.outcomePlaceholder')}
              value={values.outcome}
              onChange={change('outcome')}
              onBlur={blur('outcome')}
              {...c}
            />
          )}
        </FormField>
        <FormField
          name="nextFollowUpAt"
          id="followup-nextFollowUpAt"
          label={t('followUp.fields.nextFollowUpAt')}
          optionalLabel={t('followUp.optional')}
          error={errorFor('nextFollowUpAt')}
        >
          {(c) => (
            <input
              type="date"
              className="tp-input"
              data-testid="followup-next-at"
              value={values.nextFollowUpAt}
              onChange={change('nextFollowUpAt')}
              onBlur={blur('nextFollowUpAt')}
              {...c}
            />
          )}
        </FormField>
      </div>
      <FormFooter
        note={<ShortcutHint keys={['Enter']} label={t('followUp.shortcut')} />}
        cancelLabel={t('common.cancel')}
        onCancel={onCancel}
        submitLabel={saving ? t('common.saving') : t('common.save')}
        busy={saving}
        submitTestId="followup-submit"
      />
    </form>
  );
}
