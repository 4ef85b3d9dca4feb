import { useMemo, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../../../shared/api/contract';
import { FOLLOW_UP_TYPES } from '../../../../../shared/domain/rows';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useErrorText } from '../../../i18n/useErrorText';
import { Button, describedBy, Dialog, Field, Icon } from '../../../ui';
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

/**
 * Logging a visit, fast and from the keyboard (SPEC §9): checked as you type with the same shared schema
 * the core and the server apply, saved with Ctrl/⌘+Enter, written locally first so it works offline.
 */
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
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void submit();
    }
  };

  const control = (f: FollowUpFormField, hint?: string) => ({
    id: `followup-${f}`,
    'aria-invalid': errorFor(f) ? true : undefined,
    'aria-describedby': describedBy(`followup-${f}`, errorFor(f), hint),
    onBlur: blur(f),
  });

  return (
    <Dialog
      title={t('followUp.logTitle', { customer: customerName })}
      onClose={onClose}
      closeLabel={t('common.close')}
      width={600}
    >
      <form
        className="tp-form"
        data-testid="followup-form"
        onSubmit={(e) => void submit(e)}
        onKeyDown={onKeyDown}
        noValidate
      >
        {serverError && !serverFieldError ? (
          <div
            className="tp-banner tp-banner--danger"
            role="alert"
            data-testid="followup-error"
            data-code={serverError.code}
          >
            <Icon name="alert" size={16} />
            <span>{errorText(serverError)}</span>
          </div>
        ) : null}
        <div className="tp-form__row">
          <Field
            name="type"
            label={t('followUp.fields.type')}
            htmlFor="followup-type"
            error={errorFor('type')}
          >
            <select
              className="tp-input tp-select"
              data-testid="followup-type"
              value={values.type}
              onChange={change('type')}
              {...control('type')}
            >
              {FOLLOW_UP_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`followUp.types.${type}`)}
                </option>
              ))}
            </select>
          </Field>
          <Field
            name="occurredAt"
            label={t('followUp.fields.occurredAt')}
            htmlFor="followup-occurredAt"
            error={errorFor('occurredAt')}
          >
            <input
              type="datetime-local"
              className="tp-input"
              data-testid="followup-occurred-at"
              value={values.occurredAt}
              onChange={change('occurredAt')}
              {...control('occurredAt')}
            />
          </Field>
        </div>
        <Field
          name="content"
          label={t('followUp.fields.content')}
          htmlFor="followup-content"
          error={errorFor('content')}
        >
          <textarea
            className="tp-input tp-textarea"
            data-testid="followup-content"
            rows={5}
            placeholder={t('followUp.contentPlaceholder')}
            value={values.content}
            onChange={change('content')}
            data-autofocus
            {...control('content')}
          />
        </Field>
        <div className="tp-form__row">
          <Field
            name="outcome"
            label={t('followUp.fields.outcome')}
            optionalLabel={t('followUp.optional')}
            htmlFor="followup-outcome"
            error={errorFor('outcome')}
          >
            <input
              className="tp-input"
              data-testid="followup-outcome"
              placeholder={t('followUp.outcomePlaceholder')}
              value={values.outcome}
              onChange={change('outcome')}
              {...control('outcome')}
            />
          </Field>
          <Field
            name="nextFollowUpAt"
            label={t('followUp.fields.nextFollowUpAt')}
            optionalLabel={t('followUp.optional')}
            htmlFor="followup-nextFollowUpAt"
            error={errorFor('nextFollowUpAt')}
          >
            <input
              type="date"
              className="tp-input"
              data-testid="followup-next-at"
              value={values.nextFollowUpAt}
              onChange={change('nextFollowUpAt')}
              {...control('nextFollowUpAt')}
            />
          </Field>
        </div>
        <div className="tp-form__footer">
          <span className="tp-form__shortcut">
            <kbd className="tp-kbd">{/Mac|iPhone|iPad/.test(navigator.platform) ? '⌘' : 'Ctrl'}</kbd>
            <kbd className="tp-kbd">Enter</kbd>
            <span>{t('followUp.shortcut')}</span>
          </span>
          <div className="tp-form__actions">
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button type="submit" variant="primary" busy={saving} data-testid="followup-submit">
              {saving ? t('common.saving') : t('common.save')}
            </Button>
          </div>
        </div>
      </form>
    </Dialog>
  );
}
