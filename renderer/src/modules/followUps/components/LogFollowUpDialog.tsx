import { useEffect, useMemo, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { ApiInput } from '../../../../../shared/api/contract';
import type { AppErrorData } from '../../../../../shared/errors';
import { toAppErrorData } from '../../../api/apiError';
import { getApi } from '../../../api/client';
import { useAppStore } from '../../../app/store';
import { useErrorText } from '../../../i18n/useErrorText';
import { useFieldError } from '../../../i18n/useFieldError';
import { Dialog, ErrorBanner, FormField, FormFooter, hasModKey, Icon, ShortcutHint } from '../../../ui';
import { listLabel } from '../../opportunities/utils/stages';
import { useOrgSettings } from '../../settings/hooks/useOrgSettings';
import { ProfileFormSection } from '../../templates/components/ProfileFormSection';
import { useRecordProfile, type RecordProfile } from '../../templates/hooks/useRecordProfile';
import { useCustomerOptions, type CustomerOptions } from '../hooks/useCustomerOptions';
import {
  emptyFollowUpForm,
  FOLLOW_UP_FORM_FIELDS,
  hasErrors,
  toLogFollowUpInput,
  validateFollowUpForm,
  type FollowUpFormErrors,
  type FollowUpFormField,
  type FollowUpFormValues,
} from '../utils/followUpForm';
import { useDiscardLabels } from '../../../i18n/useDiscardLabels';

export type LoggedFollowUp = { id: string; input: ApiInput<'followUps.log'> };

/** A planned task the follow-up answers (Today's or the detail page's "Log"). */
export type CompletedTask = { id: string; title: string; type: string };

/** Logging a follow-up for a customer already chosen (the detail page's button, a task's "Log"). */
export function LogFollowUpDialog({
  customerId,
  customerName,
  onClose,
  onSaved,
  completesTask,
  options,
}: {
  customerId: string;
  customerName: string;
  onClose: () => void;
  onSaved: (saved: LoggedFollowUp) => void;
  completesTask?: CompletedTask;
  /** The customer's contacts and opportunities when the caller has them (else they are read). */
  options?: CustomerOptions;
}) {
  const { t } = useTranslation();
  const discardLabels = useDiscardLabels();
  return (
    <Dialog
      title={t('followUp.logTitle', { customer: customerName })}
      onClose={onClose}
      closeLabel={t('common.close')}
      discard={discardLabels}
      width={640}
      testId="followup-dialog"
    >
      <LogFollowUpForm
        customerId={customerId}
        onCancel={onClose}
        onSaved={onSaved}
        completesTask={completesTask}
        options={options}
      />
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
  completesTask,
  options,
}: {
  customerId: string;
  onCancel: () => void;
  onSaved: (saved: LoggedFollowUp) => void;
  completesTask?: CompletedTask;
  options?: CustomerOptions;
}) {
  const settings = useOrgSettings();
  const activeTypes = useMemo(
    () => settings.followUpTypes.filter((x) => x.active).map((x) => x.key),
    [settings],
  );
  // The form starts once; a settings reload must not reset what the user typed.
  const [initial] = useState(() =>
    emptyFollowUpForm(Date.now(), completesTask?.type ?? 'visit', activeTypes),
  );
  const profile = useRecordProfile('followUp', { mode: 'create' });
  const save = async (values: FollowUpFormValues) => {
    const input = {
      ...toLogFollowUpInput(customerId, values, completesTask?.id ?? null),
      ...profile.form.createPart(),
    };
    const { id } = await getApi().call('followUps.log', input);
    onSaved({ id, input });
  };
  return (
    <FollowUpForm
      customerId={customerId}
      profile={profile}
      initialValues={initial}
      validate={(v, now) => validateFollowUpForm(customerId, v, now, activeTypes)}
      save={save}
      onCancel={onCancel}
      completesTask={completesTask}
      options={options}
      formTestId="followup-form"
      showNextHint
    />
  );
}

/**
 * The follow-up form's controls, shared by logging and by the author's correction: type (the org's
 * active types, plus the entry's own if since retired), contact and opportunity (optional), content,
 * outcome, when, and the next follow-up date (which plans a task).
 */
export function FollowUpForm({
  customerId,
  profile,
  initialValues,
  validate,
  save,
  onCancel,
  completesTask,
  options,
  formTestId,
  showNextHint = false,
}: {
  customerId: string;
  /** The follow-up template's part of the form (the caller chose create or update). */
  profile: RecordProfile;
  initialValues: FollowUpFormValues;
  validate: (values: FollowUpFormValues, now: number) => FollowUpFormErrors;
  /** Sends the values; throws an `ApiCallError` when the core refuses. */
  save: (values: FollowUpFormValues) => Promise<void>;
  onCancel: () => void;
  completesTask?: CompletedTask;
  options?: CustomerOptions;
  formTestId: string;
  showNextHint?: boolean;
}) {
  const { t } = useTranslation();
  const locale = useAppStore((s) => s.locale);
  const settings = useOrgSettings();
  const contentRef = useRef<HTMLTextAreaElement>(null);
  const errorText = useErrorText();
  const { contacts, opportunities } = useCustomerOptions(customerId, options);
  const [values, setValues] = useState<FollowUpFormValues>(initialValues);
  const [touched, setTouched] = useState<Partial<Record<FollowUpFormField, boolean>>>({});
  const [submitted, setSubmitted] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<AppErrorData | null>(null);
  // The render's clock reading: validation is a pure function of it (the "future" rule needs a now).
  const [now, setNow] = useState(() => Date.now());

  const errors = useMemo(() => validate(values, now), [validate, values, now]);
  const serverField =
    serverError?.field &&
    (FOLLOW_UP_FORM_FIELDS as readonly string[]).includes(serverError.field.replace(/^set\./, ''))
      ? (serverError.field.replace(/^set\./, '') as FollowUpFormField)
      : null;
  const errorFor = useFieldError<FollowUpFormField>({
    problems: errors,
    touched,
    submitted,
    serverError,
    serverField,
  });

  const typeOptions = settings.followUpTypes.filter((x) => x.active || x.key === initialValues.type);
  const openOpportunities = opportunities.filter(
    (o) => o.status === 'open' || o.id === initialValues.opportunityId,
  );
  const sortedContacts = [...contacts].sort(
    (a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.name.localeCompare(b.name, locale),
  );

  const change = (f: FollowUpFormField) => (e: { target: { value: string } }) => {
    setValues((v) => ({ ...v, [f]: e.target.value }));
    setTouched((tch) => ({ ...tch, [f]: true }));
    if (serverField === f) setServerError(null);
  };
  const blur = (f: FollowUpFormField) => () => setTouched((tch) => ({ ...tch, [f]: true }));

  const submit = async (e?: FormEvent) => {
    e?.preventDefault();
    if (saving) return;
    const at = Date.now();
    setNow(at);
    setSubmitted(true);
    profile.form.markSubmitted();
    const problems = validate(values, at);
    if (hasErrors(problems)) {
      const first = FOLLOW_UP_FORM_FIELDS.find((f) => problems[f]);
      if (first) document.getElementById(`followup-${first}`)?.focus();
      return;
    }
    if (!profile.form.valid) {
      profile.form.focusFirstProblem();
      return;
    }
    setSaving(true);
    setServerError(null);
    try {
      await save(values);
    } catch (err) {
      const data = toAppErrorData(err);
      setSaving(false);
      if (!profile.form.takeServerError(data)) setServerError(data);
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
      data-testid={formTestId}
      onSubmit={(e) => void submit(e)}
      onKeyDown={onKeyDown}
      noValidate
    >
      {serverError && !serverField ? (
        <ErrorBanner message={errorText(serverError)} code={serverError.code} testId="followup-error" />
      ) : null}
      {completesTask ? (
        <div
          className="tp-followupform__task"
          data-testid="followup-completes-task"
          data-id={completesTask.id}
        >
          <Icon name="task" size={15} />
          <span>
            {t('followUp.completesTask')}
            <strong>{completesTask.title}</strong>
          </span>
        </div>
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
              {typeOptions.map((type) => (
                <option key={type.key} value={type.key}>
                  {listLabel(settings.followUpTypes, type.key, locale)}
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
      <div className="tp-form__row">
        <FormField
          name="contactId"
          id="followup-contactId"
          label={t('followUp.fields.contactId')}
          optionalLabel={t('followUp.optional')}
          error={errorFor('contactId')}
        >
          {(c) => (
            <select
              className="tp-input tp-select"
              data-testid="followup-contact"
              value={values.contactId}
              onChange={change('contactId')}
              onBlur={blur('contactId')}
              disabled={sortedContacts.length === 0 && values.contactId === ''}
              {...c}
            >
              <option value="">
                {sortedContacts.length === 0 ? t('followUp.noContacts') : t('followUp.noContact')}
              </option>
              {sortedContacts.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.title ? `${p.name} · ${p.title}` : p.name}
                </option>
              ))}
            </select>
          )}
        </FormField>
        <FormField
          name="opportunityId"
          id="followup-opportunityId"
          label={t('followUp.fields.opportunityId')}
          optionalLabel={t('followUp.optional')}
          error={errorFor('opportunityId')}
        >
          {(c) => (
            <select
              className="tp-input tp-select"
              data-testid="followup-opportunity"
              value={values.opportunityId}
              onChange={change('opportunityId')}
              onBlur={blur('opportunityId')}
              disabled={openOpportunities.length === 0 && values.opportunityId === ''}
              {...c}
            >
              <option value="">
                {openOpportunities.length === 0 ? t('followUp.noOpportunities') : t('followUp.noOpportunity')}
              </option>
              {openOpportunities.map((o) => (
                <option key={o.id} value={o.id}>
                  {o.name}
                </option>
              ))}
            </select>
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
          hint={showNextHint ? t('followUp.nextHint') : undefined}
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
      <ProfileFormSection
        form={profile.form}
        version={profile.version}
        title={t('templates.followUpDetails')}
      />
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
